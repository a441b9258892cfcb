"""The parts of a clause before its list is settled, and what every topic of the reader shares.

A :class:`Part` is one item of a clause with everything written around it (qualifiers, window,
exceptions, values); a :class:`Seq` is the list of parts with the words that join them.
:class:`Reading` holds the clause's text, kind and vocabulary for the topic mixins.
"""

from __future__ import annotations

import re

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lark import Token

from ..nodes import (
    Category,
    Comparison,
    DateRange,
    Exemption,
    FreeText,
    Lasting,
    NormalMultiple,
    Rule,
    Span,
    TimeWindow,
    Titre,
)
from ..tokens import Normalised
from ..trial import CriterionKind
from ..vocabulary import Vocabulary


@dataclass(frozen=True)
class GradeBound:
    """A GRADE token: CTCAE grades ``low`` to ``high`` (``low`` 0: none, or up to ``high``), and
    whether the criterion names the scale."""

    low: int
    high: int
    named: bool
    before: bool = True  # written before the name ("grade ≥ 2 neuropathy"), not after it


@dataclass
class Part:
    """One part of a clause before the list around it is settled."""

    node: Rule | None = None          # a finished rule
    terminal: str | None = None       # COND/MED/PROC/VACC for an entity
    concept: str | None = None
    quals: list[str] = field(default_factory=list)
    variants: list[list[str]] = field(default_factory=list)  # "severe or uncontrolled": any group
    variant_windows: list[TimeWindow | None] = field(default_factory=list)  # a window of one group only
    negated: bool = False
    window: TimeWindow | None = None
    lasting: Lasting | None = None    # "for at least 8 weeks"
    dated: DateRange | None = None    # "between 2015 and 2020"
    excluding: list[Exemption] = field(default_factory=list)
    including: list[str] = field(default_factory=list)
    namely: bool = False              # "(i.e. …)": what is included is what the head is, not examples
    requiring: list[Rule] = field(default_factory=list)
    requiring_any: bool = False       # "requiring insulin or oral hypoglycemics": any one of them
    requiring_own: list[str] = field(default_factory=list)  # "requiring hospitalization or …": or so qualified
    requiring_words: FreeText | None = None  # "that required steroids", kept where the link is loose
    dose: Comparison | None = None
    dose_bound: Comparison | None = None  # the upper end of "≥ 5 mg/day and ≤ 10 mg/day"
    elliptic: tuple[str, float, str | None] | None = None  # "≤ 10": op, value, unit of the previous measure
    measure: str | None = None        # the concept a comparison part measured (for elliptic parts)
    definition: Rule | None = None    # "(total bilirubin > 14 mg/L; …)" after a head
    unconstrained: bool = False       # "with or without …"
    planned_pregnancy: bool = False
    dated_test: bool = False          # a pregnancy test: a window says when it was done
    compliance: bool = False          # consent read from "will comply with …" alone
    willing: bool = False             # consent asked as "able / willing to give", not "has signed"
    signed: bool = False              # consent said to be signed ("who signed the consent")
    diagnosed: bool = False           # "diagnosis of …": with a window, the onset lies in it
    shared_window: bool = False       # the window was written after a later item of the list
    own_exception: bool = False       # "soft tissue sarcoma (excluding Ewing's)": the item's alone
    unable: bool = False              # negated by "unable to …", which reaches one verb, not a list
    risk: bool = False                # "high risk of …": a judgement
    drugs_in_words: bool = False      # "drugs that can block …": drugs said by what they do
    kind_in_words: bool = False       # "prescription medications": which drugs, in words beside them
    alternative: tuple | None = None  # (measure or None, op, value, who): another limit for some patients
    shown_by: list = field(default_factory=list)  # "(e.g., HBsAg reactive)": results that show it
    result: str | None = None         # "negative HIV", "positive HIV": a result written with the item
    serology: bool = False            # "seropositive for HBsAg, …": the result is of antibodies
    span: Span | None = None
    described: bool = False           # has qualifiers of its own, written before it
    values: list[Rule] = field(default_factory=list)  # "psoriasis with PASI ≥ 12": values it comes with
    quals_after: list[str] = field(default_factory=list)  # "infection requiring hospitalization": its own
    childbearing: bool = False        # "…, or women of childbearing potential not using …": about them only
    counts: list[tuple[str, float]] = field(default_factory=list)  # "≥ 2 exacerbations": bounds on episodes
    either: list[str] = field(default_factory=list)  # "moderate or severe" episodes: one of these
    caveats: list[Rule] = field(default_factory=list)  # "(transfusion independent)": words a limit must meet too
    sites: list[Rule] = field(default_factory=list)  # "in the study eye": where a condition must be, in words
    any_eye: list[Rule] = field(default_factory=list)  # "in either eye": of one eye or the other, in words
    linked: list[Rule] = field(default_factory=list)  # "secondary to BRVO": what it comes from, and those words
    # "BRVO without neovascularization": (with?, the condition, its words) it comes with or without
    features: list[tuple[bool, Rule, Rule]] = field(default_factory=list)
    remission: TimeWindow | None = None  # "unless disease-free for ≥ 5 years": over for that long does not count
    unless: list[Rule] = field(default_factory=list)  # "(unless related to tumor)": words that lift a limit
    grade: GradeBound | None = None  # "grade ≥ 2 peripheral neuropathy": the CTCAE grades that count
    shortened: bool = False  # "chronic hepatitis B or C": named by its tail, it shares what the item before was said with


class Unreadable(Exception):
    """The clause parsed but means something the rule tree cannot say; it stays free text."""


#: The unit of "18 years of age" / "years old": time, and a sign that an age is meant.
OF_AGE = "years of age"


YEARS = {"hours": 1 / (24 * 365.25), "days": 1 / 365.25, "weeks": 7 / 365.25, "months": 1 / 12, "years": 1.0}


class Reading:
    """What every topic of the reader works with: the clause's normalised text (for spans), the
    kind of criterion (a list's "and" depends on it) and the vocabulary."""

    def __init__(self, norm: Normalised, kind: CriterionKind, vocab: Vocabulary) -> None:
        super().__init__()
        self.norm = norm
        self.kind = kind
        self.vocab = vocab
        self._exemption_terminals: dict[str, str] = {}  # what kind of name an exception named
        self._narrowed_items: set[str] = set()  # examples or exceptions with words not kept ("systemic")

    def _span(self, items: Sequence[object]) -> Span | None:
        starts, ends = [], []
        for it in items:
            if isinstance(it, Token):
                starts.append(it.start_pos)
                ends.append(it.end_pos)
            elif isinstance(it, Part) and it.span is not None:
                starts.append(self._norm_index(it.span.start))
                ends.append(self._norm_index(it.span.end, end=True))
        if not starts:
            return None
        return self.norm.span(min(starts), max(ends))

    def _norm_index(self, verbatim: int, end: bool = False) -> int:
        origin = self.norm.origin
        for i, o in enumerate(origin):
            if o >= verbatim:
                return i
        return len(origin) - 1


EXEMPTION_QUALS = {"secondary", "treated", "active", "history", "asymptomatic"}


# "for this cancer", "for their current malignancy": one disease pointed at (the patient's own,
# under study), which the name after the words, a class, does not say
POINTED_AT = re.compile(r"(?i)\b(?:this|these|that|those|their|his|her|its|the\s+(?:current|same|present|underlying))\b")


# The setting of a treatment ("adjuvant chemotherapy", "first-line therapy"), known from a note.
_SETTINGS = {"adjuvant", "neoadjuvant", "palliative", "curative", "prophylactic", "therapeutic", "maintenance",
             "induction", "first_line", "second_line"}


ENTITY_QUALS = {
    "COND": {"active", "history", "current", "recurrent", "severe", "uncontrolled", "secondary", "hospitalized",
             "planned", "refractory", "treated", "moderate", "symptomatic", "asymptomatic", "chronic", "mild",
             "metastatic", "advanced", "locally_advanced", "unresectable", "relapsed", "untreated", "primary", "recent", "new", "end_stage",
             "decompensated", "life_threatening", "progressing", "requiring_treatment", "other", "complete_remission"},
    "MED": {"active", "history", "current", "intravenous", "new", "dose_change", "planned", "refractory",
            "responded", "intolerant", "allergic", "equivalent", "oral", "systemic", "recent", "stable", "chronic", "daily",
            *_SETTINGS},
    "PROC": {"history", "current", "planned", "new", "recent", *_SETTINGS},
    "VACC": {"planned", "history", "new"},
}


class UnitMismatch(ValueError):
    """A threshold whose unit cannot measure its analyte: a compile error that points at the words."""

    def __init__(self, message: str, span: Span | None) -> None:
        super().__init__(message)
        self.span = span


@dataclass
class Quals:
    groups: list[list[object]]


def has_grade(items: Iterable[object]) -> bool:
    """A grade among the qualifiers of a production that has no condition node to put it on."""
    return any(isinstance(q, GradeBound) for i in items if isinstance(i, Quals) for g in i.groups for q in g)


@dataclass
class Seq:
    parts: list[Part]
    seps: list[str]
    span: Span | None
    none_of: bool = False  # a negation at the head of the list covers every item


def span_of(parts: list[Part]) -> Span | None:
    spans = [p.span for p in parts if p.span is not None]
    return Span(start=min(s.start for s in spans), end=max(s.end for s in spans)) if spans else None


def join_spans(a: Span | None, b: Span | None) -> Span | None:
    if a is None or b is None:
        return a or b
    return Span(start=min(a.start, b.start), end=max(a.end, b.end))


MEASURE_NODES = (Comparison, NormalMultiple, Titre, Category)


# A relative's history, or the patient's own or a relative's (lexicon QUAL values).
FAMILY = {"family", "own_or_family", "family_first_degree", "in_first_degree"}
