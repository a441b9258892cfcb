"""The outcome of a node, the context it is evaluated in, and the dispatch to each node's evaluator
(the table is filled by the package, so that the modules can evaluate their children).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel, ConfigDict

from ..logic import Truth
from ..nodes import Node
from ..patient import Patient
from ..vocabulary import Vocabulary, load_vocabulary


#: How old a measured value may be when the criterion names no window, by concept category.
DEFAULT_RECENCY_DAYS = {"lab": 90, "vital": 90, "score": 90, "finding": 365}


#: A procedure older than this is not "current" or "concurrent" (courses such as radiotherapy last weeks).
RECENT_EVENT_DAYS = 42


# A procedure this many days ago is "recent" by any reading of the word.
SURELY_RECENT_DAYS = 14


#: Reason codes for UNKNOWN (and for a requirement that does not apply).
REASONS = {
    "missing": "the data is not in the profile",
    "stale": "the latest value is older than the criterion allows",
    "no_reference_range": "the lab has no reference range for a multiple of normal",
    "free_text": "the criterion's words could not be read by the compiler",
    "judgement": "only the investigator can judge this",
    "implausible_threshold": "the threshold cannot be meant as written",
    "ambiguous": "the patient's data does not say this clearly",
    "not_applicable": "the requirement does not apply to this patient",
    "answered": "settled by the coordinator's answer",
    "cohort": "which cohort the patient is screened for is not recorded",
}


class Evidence(BaseModel):
    """One fact used: what, which value, from when, converted to what, against which threshold.

    The report carries these as they are (DESIGN §6 ``evidence``; ``source`` and ``note`` extend it).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    item: str
    value: str
    date: str | None = None
    compared_as: str | None = None
    threshold: str | None = None
    source: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Outcome:
    """The truth of one rule node for one patient, and why."""

    truth: Truth
    message: str
    reason: str | None = None
    evidence: tuple[Evidence, ...] = ()
    missing: tuple[str, ...] = ()
    children: tuple["Outcome", ...] = ()


@dataclass(frozen=True)
class Context:
    """What an evaluation needs besides the rule: the patient, the day, the vocabulary."""

    patient: Patient
    as_of: date
    vocab: Vocabulary = field(default_factory=load_vocabulary)
    recency_days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_RECENCY_DAYS))
    # what the rule is: an inclusion's statement must hold, an exclusion's must not (a criterion
    # that asks nothing takes whichever truth passes the patient)
    criterion_kind: str = "inclusion"

    def complete(self, list_name: str) -> bool:
        return list_name in self.patient.complete


# Each node type's evaluator; the package fills it from its modules, which evaluate their
# children through :func:`evaluate`.
EVALUATORS: dict[type[Node], Callable[..., Outcome]] = {}


def evaluate(node: Node, ctx: Context) -> Outcome:
    """The outcome of a rule node for the patient in ``ctx``."""
    return EVALUATORS[type(node)](node, ctx)


def matches(entry_concept: str | None, target: str, ctx: Context) -> bool:
    """Whether a recorded concept is what a rule names: a kind of it, or a manifestation of it or
    of a kind of it (lupus nephritis is SLE affecting the kidney: it counts as SLE, and as lupus)."""
    if entry_concept is None:
        return False
    return ctx.vocab.is_a(entry_concept, target) or any(
        ctx.vocab.is_a(m, target) for m in ctx.vocab.get(entry_concept).manifestation_of)
