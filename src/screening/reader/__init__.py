"""Parse tree of one clause → rule nodes: the meaning of registry English lists.

The grammar finds a clause's parts and the words between them; this package decides what they
mean together: whether a list means all or any (it depends on the criterion being an inclusion or
an exclusion, and on the items being of one kind), which window, qualifier or exception written
once reaches which part, and where a parenthesis defines or narrows what precedes it. What cannot
be said as a rule raises :class:`Unreadable`, and the clause stays free text.

One module per topic, each a mixin of :class:`Reader` whose methods are named after the grammar's
productions: :mod:`.values` (limits, ranges, results), :mod:`.entities` (named things and status),
:mod:`.posts` (what follows an item), :mod:`.clauses` (sequences and whole clauses) and
:mod:`.settle` (a sequence into one rule); :mod:`.parts` holds what they share and
:mod:`.allowance` the clauses that lift the one before.
"""

from __future__ import annotations

from lark import Transformer

from .allowance import Allowance, allow
from .clauses import ClauseReading
from .entities import EntityReading
from .parts import UnitMismatch, Unreadable
from .posts import PostReading
from .settle import Settling, flatten_any, same_side, with_limit
from .values import ValueReading

__all__ = ["Allowance", "Reader", "UnitMismatch", "Unreadable", "allow", "flatten_any", "same_side", "with_limit"]


class Reader(ValueReading, EntityReading, PostReading, ClauseReading, Settling, Transformer):
    """Parse tree of one clause → rule node. Methods are named after grammar productions."""
