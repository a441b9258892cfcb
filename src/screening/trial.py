"""The trial as ingested: identifiers, registry limits and the ordered criteria, verbatim."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

CriterionKind = Literal["inclusion", "exclusion"]
Sex = Literal["all", "female", "male"]


class Criterion(BaseModel):
    """One inclusion or exclusion criterion, exactly as the record states it.

    ``id`` is positional (``I1``, ``E3``); ``label`` is the record's own numbering or bullet
    ("7.", "*", "a."), kept for display. ``text`` is verbatim (markdown escapes included).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    kind: CriterionKind
    label: str = ""
    text: str
    group: str = ""  # the heading the record lists it under, inside its section ("The older subjects:")


class Trial(BaseModel):
    """A trial record reduced to what screening needs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    nct_id: str
    title: str = ""
    phase: str | None = None
    status: str | None = None
    enrollment: int | None = None
    conditions: tuple[str, ...] = ()
    minimum_age: str | None = None  # as the registry states it: "18 Years", "6 Months"
    maximum_age: str | None = None
    sex: Sex = "all"
    healthy_volunteers: bool | None = None
    criteria: tuple[Criterion, ...] = ()
    source: str | None = None  # the document it was ingested from

    @property
    def inclusion(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.kind == "inclusion")

    @property
    def exclusion(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.kind == "exclusion")
