"""The typed rule tree: what a criterion says, as frozen nodes that carry their source span.

Every node is a frozen pydantic model with a ``kind`` tag, so a rule tree is a discriminated union
that serialises, compares and hashes by value. ``span`` points back at the words of the criterion
the node was read from (``None`` for a rule written by hand in the criteria language); spans are
left out of equality so that a rule read from text and the same rule re-read from its canonical
print compare equal.
"""

from __future__ import annotations

import re

from collections.abc import Callable
from datetime import date
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

Operator = Literal[">", ">=", "<", "<=", "="]
Anchor = Literal["screening", "randomization", "baseline", "enrollment", "consent", "first_dose"]
TimeUnit = Literal["hours", "days", "weeks", "months", "years"]
Direction = Literal["past", "future"]
StatusField = Literal[
    "pregnant", "breastfeeding", "childbearing_potential", "contraception", "consent", "female", "male"
]

#: Qualifiers that narrow which of a patient's conditions, medications or procedures count.
Qualifier = Literal[
    "active", "history", "current", "recurrent", "severe", "uncontrolled", "secondary",
    "hospitalized", "intravenous", "new", "dose_change", "planned", "refractory", "intolerant", "allergic",
    "treated", "equivalent", "moderate", "symptomatic", "asymptomatic", "oral", "systemic", "chronic", "mild", "metastatic",
    "advanced", "locally_advanced", "unresectable", "relapsed", "earlier", "untreated", "primary", "adjuvant", "neoadjuvant",
    "palliative", "curative", "prophylactic", "therapeutic", "maintenance", "induction", "first_line", "second_line",
    "recent", "stable", "responded", "end_stage", "decompensated", "life_threatening", "progressing",
    "requiring_treatment", "other", "complete_remission", "daily",
]


class Span(BaseModel):
    """Character offsets ``[start, end)`` into the criterion's verbatim text."""

    model_config = ConfigDict(frozen=True)

    start: int
    end: int


class Node(BaseModel):
    """Base of every rule node: frozen, typed, and carrying the span of its source words."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    span: Span | None = Field(default=None, exclude=True, repr=False)

    # Equality is by meaning: the same rule read from different words (or re-read from its
    # canonical print, which has no spans) is the same rule.
    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.model_dump() == other.model_dump()  # type: ignore[union-attr]

    def __hash__(self) -> int:
        return hash((type(self).__name__, repr(self)))


class TimeWindow(BaseModel):
    """"within 12 weeks before randomization": how far from an anchor an event may lie."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: float
    unit: TimeUnit
    direction: Direction = "past"
    anchor: Anchor = "screening"
    # "within 30 days or 5 half-lives, whichever is longer": the drug's half-life is not known
    # here, so only the side of the window the days settle is decided; "unsaid" ("within 28 days
    # or 5 half-lives"): either may be meant, so only what both would decide is
    half_lives: float | None = None
    whichever: Literal["longer", "shorter", "unsaid"] | None = None

    @model_validator(mode="after")
    def _half_lives_say_which(self) -> TimeWindow:
        if (self.half_lives is None) != (self.whichever is None):
            raise ValueError("a window in half-lives says whichever is longer or shorter")
        return self


class Lasting(BaseModel):
    """"for at least 8 weeks", "of more than 6 months' duration": how long a condition or a
    treatment has gone on (from its onset or start to its end, or to the screening date)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    op: Operator
    amount: float
    unit: TimeUnit


class DateRange(BaseModel):
    """"between 2015 and 2020", "from June 1996 to June 2011": calendar days, ``first`` to ``last``
    (both included). ``started``: the start (a diagnosis, a first dose) falls in them ("diagnosed
    between …", "initiated between …"); otherwise the course only has to touch them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    first: date
    last: date
    started: bool = False

    @model_validator(mode="after")
    def _in_order(self) -> DateRange:
        if self.first > self.last:
            raise ValueError("a range of dates ends before it starts")
        return self


class Grade(BaseModel):
    """"grade ≥ 2", "grade 3 or 4": the CTCAE grades (1–5) of a condition that count, from
    ``low`` to ``high``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    low: int = Field(ge=1, le=5)
    high: int = Field(default=5, ge=1, le=5)

    @model_validator(mode="after")
    def _ordered(self) -> Grade:
        if self.low > self.high:
            raise ValueError("a grade range runs from the lower grade to the higher")
        return self


class Exemption(BaseModel):
    """An exception to a class: "except basal cell carcinoma", "secondary Sjögren's is allowed"."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    concept: str
    qualifiers: tuple[Qualifier, ...] = ()


class Indication(BaseModel):
    """What a treatment was given for: "chemotherapy for advanced NSCLC" is given for NSCLC,
    advanced; "systemic therapy for metastatic disease" for metastatic cancer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    concept: str
    qualifiers: tuple[Qualifier, ...] = ()


# --- logic ---------------------------------------------------------------------------------------


class AllOf(Node):
    """Every item holds."""

    kind: Literal["all"] = "all"
    items: tuple["Rule", ...]


class AnyOf(Node):
    """At least one item holds."""

    kind: Literal["any"] = "any"
    items: tuple["Rule", ...]


class Not(Node):
    """The item does not hold."""

    kind: Literal["not"] = "not"
    item: "Rule"


class AtLeast(Node):
    """At least ``count`` of the items hold ("at least 4 of the 11 ACR criteria")."""

    kind: Literal["at_least"] = "at_least"
    count: int
    items: tuple["Rule", ...]


class Conditional(Node):
    """``then`` is required only where ``when`` holds ("women of childbearing potential must …")."""

    kind: Literal["if"] = "if"
    when: "Rule"
    then: "Rule"


# --- measured values -----------------------------------------------------------------------------


class Comparison(Node):
    """A measured value against a threshold: ``creatinine >= 265.2 umol/L``.

    ``value`` and ``unit`` are as written (unit normalised); ``concept`` is a vocabulary id or one
    of the patient-level measures (``age``). ``window`` bounds how old the value may be.
    """

    kind: Literal["compare"] = "compare"
    concept: str
    op: Operator
    value: float
    unit: str | None = None
    window: TimeWindow | None = None


class NormalMultiple(Node):
    """A value against a multiple of the lab's own reference limit: ``alt > 1.5 x ULN``."""

    kind: Literal["normal_multiple"] = "normal_multiple"
    concept: str
    op: Operator
    factor: float
    limit: Literal["ULN", "LLN"] = "ULN"
    window: TimeWindow | None = None


class Titre(Node):
    """A titre against a dilution: ``ana >= 1:80`` (``dilution`` is the 80)."""

    kind: Literal["titre"] = "titre"
    concept: str
    op: Operator
    dilution: int
    window: TimeWindow | None = None


class Category(Node):
    """A categorical or qualitative result in a set: ``isn_rps_class in {III, IV}``, ``hbsag is positive``."""

    kind: Literal["category"] = "category"
    concept: str
    values: tuple[str, ...]
    window: TimeWindow | None = None


# --- clinical history ----------------------------------------------------------------------------


class HasCondition(Node):
    """The patient has (or had) a condition or a condition of a class, less the exceptions.

    ``concept`` is a vocabulary id; ``term`` a name the vocabulary does not know (matched only
    literally, so its absence is never taken as proof). ``grade`` limits it to the CTCAE grades
    that count ("grade ≥ 2 peripheral neuropathy").
    """

    kind: Literal["condition"] = "condition"
    concept: str | None = None
    term: str | None = None
    qualifiers: tuple[Qualifier, ...] = ()
    excluding: tuple[Exemption, ...] = ()
    grade: Grade | None = None
    window: TimeWindow | None = None
    lasting: Lasting | None = None
    dated: DateRange | None = None


class TookMedication(Node):
    """The patient received a medication or a drug class, optionally at a dose: above or below
    one (``dose``), or between two ("prednisone ≥ 5 mg/day and ≤ 10 mg/day": ``dose`` and
    ``dose_bound``, which one course must meet together); ``given_for`` says what it was given for."""

    kind: Literal["medication"] = "medication"
    concept: str | None = None
    term: str | None = None
    qualifiers: tuple[Qualifier, ...] = ()
    excluding: tuple[Exemption, ...] = ()
    dose: Comparison | None = None
    dose_bound: Comparison | None = None
    window: TimeWindow | None = None
    lasting: Lasting | None = None
    given_for: Indication | None = None
    dated: DateRange | None = None

    @model_validator(mode="after")
    def _bound_ends_a_range(self) -> TookMedication:
        if self.dose_bound is not None and self.dose is None:
            raise ValueError("the other end of a dose range needs its first end")
        return self


class HadProcedure(Node):
    """The patient had (or has planned) a procedure or a procedure of a class, less the exceptions
    ("major surgery other than biopsy"); ``lasting`` says how long one that goes on (dialysis,
    mechanical ventilation) has gone on, ``given_for`` what it was done for."""

    kind: Literal["procedure"] = "procedure"
    concept: str | None = None
    term: str | None = None
    qualifiers: tuple[Qualifier, ...] = ()
    excluding: tuple[Exemption, ...] = ()
    window: TimeWindow | None = None
    lasting: Lasting | None = None
    given_for: Indication | None = None
    dated: DateRange | None = None


class Vaccinated(Node):
    """The patient received (or is to receive) a vaccine of a class."""

    kind: Literal["vaccination"] = "vaccination"
    concept: str
    qualifiers: tuple[Qualifier, ...] = ()
    excluding: tuple[Exemption, ...] = ()
    window: TimeWindow | None = None


class FamilyHistory(Node):
    """A relative of the patient has (or had) a condition of a class: "family history of
    medullary thyroid carcinoma". The patient's own history is ``HasCondition``."""

    kind: Literal["family_history"] = "family_history"
    concept: str
    first_degree: bool = False  # "a first-degree relative with …": a parent, sibling or child


class TreatmentLines(Node):
    """"No more than 2 prior lines of chemotherapy": how many lines of treatment that held a drug
    of the class the patient has had (each medication entry may say which line it was), counting
    only the courses that have every one of ``qualifiers`` ("lines of systemic therapy") and, with
    ``given_for``, only those given for it ("lines of chemotherapy for metastatic disease")."""

    kind: Literal["lines"] = "lines"
    concept: str
    qualifiers: tuple[Qualifier, ...] = ()
    given_for: Indication | None = None
    op: Operator
    count: int


class EpisodeCount(Node):
    """"At least 2 asthma exacerbations in the past 12 months": how many episodes of an acute
    event (a condition the vocabulary marks ``event``) the patient has had, each a condition
    entry dated by its onset. ``qualifiers`` must all hold of every episode counted, and one of
    ``either`` ("moderate or severe exacerbations"); ``requiring`` is what each needed ("requiring
    systemic corticosteroids"), which the entries do not record."""

    kind: Literal["episodes"] = "episodes"
    concept: str
    qualifiers: tuple[Qualifier, ...] = ()
    either: tuple[Qualifier, ...] = ()
    requiring: "Rule | None" = None
    op: Operator
    count: int
    window: TimeWindow | None = None

    @model_validator(mode="after")
    def _either_is_a_choice(self) -> EpisodeCount:
        if len(self.either) == 1:
            raise ValueError("'either' names two qualifiers or more; one alone is a qualifier")
        return self


class HasAttribute(Node):
    """A yes/no fact about the patient that is neither a diagnosis nor a measurement and that a
    coordinator records: able to swallow tablets, speaks English, right-handed."""

    kind: Literal["attribute"] = "attribute"
    concept: str


class Status(Node):
    """A patient-level yes/no fact: pregnant, breastfeeding, sex, consent…"""

    kind: Literal["status"] = "status"
    field: StatusField


# --- what cannot be computed ---------------------------------------------------------------------


class Judgement(Node):
    """What only a clinician can decide ("in the opinion of the investigator")."""

    kind: Literal["judgement"] = "judgement"
    text: str


class FreeText(Node):
    """Words the grammar could not read: kept whole, shown, never guessed."""

    kind: Literal["text"] = "text"
    text: str


# --- what the coordinator chooses, and what asks nothing -----------------------------------------


class Cohort(Node):
    """The patient is screened for the group a heading names ("Healthy Controls:", "Arm B
    patients:", "Part A (dose escalation)"): the coordinator's choice, which the profile's
    ``cohorts`` records, not a fact about the patient that the rules could compute."""

    kind: Literal["cohort"] = "cohort"
    text: str


def cohort_key(name: str) -> str:
    """A cohort heading as it is matched: case, spacing, punctuation and articles left out
    ("The older subjects:" and "older subjects" are one cohort)."""
    return " ".join(w for w in re.findall(r"[a-z0-9]+", name.lower()) if w not in ("the", "a", "an"))


#: Why a listed item asks nothing: it states what is allowed, refers to another section, says
#: that nothing is specified, or defines a term other items use ("Postmenopausal is defined as …").
NothingAsked = Literal["allows", "refers", "unspecified", "defines"]


class NoRequirement(Node):
    """A listed item that states no requirement ("Prior radiotherapy is permitted", "See Disease
    Characteristics", "Not specified"). It stands for a whole criterion, which the patient
    passes: its statement holds as an inclusion and does not hold as an exclusion."""

    kind: Literal["no_requirement"] = "no_requirement"
    says: NothingAsked
    text: str


Rule = Annotated[
    Union[
        AllOf, AnyOf, Not, AtLeast, Conditional,
        Comparison, NormalMultiple, Titre, Category,
        HasCondition, TookMedication, HadProcedure, Vaccinated, FamilyHistory, TreatmentLines, EpisodeCount,
        HasAttribute, Status,
        Judgement, FreeText, Cohort, NoRequirement,
    ],
    Field(discriminator="kind"),
]

NODE_TYPES: tuple[type[Node], ...] = (
    AllOf, AnyOf, Not, AtLeast, Conditional,
    Comparison, NormalMultiple, Titre, Category,
    HasCondition, TookMedication, HadProcedure, Vaccinated, FamilyHistory, TreatmentLines, EpisodeCount,
    HasAttribute, Status,
    Judgement, FreeText, Cohort, NoRequirement,
)

for _node in NODE_TYPES:
    _node.model_rebuild()


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-rules of a logic node (empty for a leaf)."""
    if isinstance(node, (AllOf, AnyOf, AtLeast)):
        return node.items
    if isinstance(node, Not):
        return (node.item,)
    if isinstance(node, Conditional):
        return (node.when, node.then)
    return ()


def walk(node: Node):
    """Every node of the tree, parents before children."""
    yield node
    for child in children(node):
        yield from walk(child)


def is_structured(node: Node) -> bool:
    """True when no part of the rule is free text or a clinician's judgement."""
    return not any(isinstance(n, (FreeText, Judgement)) for n in walk(node))


def shifted(node: Node, by: int) -> Node:
    """The same rule with every span moved ``by`` characters back (a rule read from words put
    before the criterion's own; what lies in them points at the criterion's start)."""
    return _respanned(node, lambda span: Span(start=max(0, span.start - by), end=max(0, span.end - by)))


def within(node: Node, end: int) -> Node:
    """The same rule with every span cut at ``end`` (a rule read from the criterion's words and
    words after them, such as an exception listed as the next item)."""
    return _respanned(node, lambda span: Span(start=min(span.start, end), end=min(span.end, end)))


def spanning(node: Node, span: Span) -> Node:
    """The same rule with every span the one given (a rule read from words written partly
    elsewhere: "0 or 1" for "ECOG … 0 or 1", whose measure is named before)."""
    return _respanned(node, lambda _: span)


def renamed(node: Node, start: int, end: int, length: int) -> Node:
    """The same rule read from words where ``[start, end)`` of the criterion was written over by
    a name ``length`` characters long ("breast cancer" for "this cancer"): what lies after the
    name moves back, and what lies in it points at the words it stands for."""
    def moved(at: int) -> int:
        return at if at <= start else at - length + (end - start) if at >= start + length else min(at, end)

    return _respanned(node, lambda span: Span(start=moved(span.start), end=moved(span.end)))


def _respanned(node: Node, move: Callable[[Span], Span]) -> Node:
    """The same rule with ``move`` applied to every span of it."""
    update: dict[str, object] = {"span": None if node.span is None else move(node.span)}
    if isinstance(node, (AllOf, AnyOf, AtLeast)):
        update["items"] = tuple(_respanned(item, move) for item in node.items)
    elif isinstance(node, Not):
        update["item"] = _respanned(node.item, move)
    elif isinstance(node, Conditional):
        update["when"] = _respanned(node.when, move)
        update["then"] = _respanned(node.then, move)
    return node.model_copy(update=update)
