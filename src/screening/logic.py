"""Three-valued (Kleene) truth.

A criterion's statement is true, false or unknown for a patient. ``FALSE and UNKNOWN`` is FALSE
whichever way round (one false conjunct settles a conjunction however much else is unknown);
``TRUE or UNKNOWN`` is TRUE. Nothing else is decided without the data.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum


class Truth(Enum):
    """Kleene truth value."""

    FALSE = 0
    UNKNOWN = 1
    TRUE = 2

    def __invert__(self) -> "Truth":
        return Truth(2 - self.value)

    def __and__(self, other: "Truth") -> "Truth":
        return Truth(min(self.value, other.value))

    def __or__(self, other: "Truth") -> "Truth":
        return Truth(max(self.value, other.value))

    @classmethod
    def of(cls, value: bool | None) -> "Truth":
        """True/False/None → TRUE/FALSE/UNKNOWN."""
        return cls.UNKNOWN if value is None else (cls.TRUE if value else cls.FALSE)


def all_of(values: Iterable[Truth]) -> Truth:
    """Kleene conjunction (TRUE for none)."""
    result = Truth.TRUE
    for v in values:
        result = result & v
    return result


def any_of(values: Iterable[Truth]) -> Truth:
    """Kleene disjunction (FALSE for none)."""
    result = Truth.FALSE
    for v in values:
        result = result | v
    return result


def at_least(count: int, values: Iterable[Truth]) -> Truth:
    """TRUE when ``count`` values are surely true, FALSE when even every unknown being true would
    not reach ``count``, UNKNOWN otherwise."""
    values = list(values)
    sure = sum(v is Truth.TRUE for v in values)
    possible = sure + sum(v is Truth.UNKNOWN for v in values)
    if sure >= count:
        return Truth.TRUE
    if possible < count:
        return Truth.FALSE
    return Truth.UNKNOWN


def implies(when: Truth, then: Truth) -> Truth:
    """Material implication ``not when or then``: a requirement that does not apply holds."""
    return ~when | then
