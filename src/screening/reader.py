"""Parse tree of one clause → rule nodes: the meaning of registry English lists.

The grammar finds a clause's parts and the words between them; this module decides what they
mean together: whether a list means all or any (it depends on the criterion being an inclusion or
an exclusion, and on the items being of one kind), which window, qualifier or exception written
once reaches which part, and where a parenthesis defines or narrows what precedes it. What cannot
be said as a rule raises :class:`Unreadable`, and the clause stays free text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from lark import Token, Transformer

from .nodes import (
    AllOf,
    AnyOf,
    AtLeast,
    Category,
    Comparison,
    Conditional,
    EpisodeCount,
    Exemption,
    FamilyHistory,
    FreeText,
    Grade,
    HadProcedure,
    HasAttribute,
    HasCondition,
    Judgement,
    Lasting,
    NormalMultiple,
    Not,
    Rule,
    Span,
    Status,
    TimeWindow,
    Titre,
    TookMedication,
    TreatmentLines,
    Vaccinated,
    walk,
)
from .tokens import DEFINABLE_QUALIFIERS as _DEFINABLE
from .tokens import ENTITY_TERMINALS, WILLING, Normalised, episode_concept, normal_means_not_high
from .trial import CriterionKind
from .units import STANDARD_BODY_SURFACE, UnitError, canonical_value
from .vocabulary import Concept, Vocabulary, main_category

# --- parts and the reader -------------------------------------------------------------------


@dataclass(frozen=True)
class _GradeBound:
    """A GRADE token: CTCAE grades ``low`` to ``high`` (``low`` 0: none, or up to ``high``), and
    whether the criterion names the scale."""

    low: int
    high: int
    named: bool
    before: bool = True  # written before the name ("grade ≥ 2 neuropathy"), not after it


# The words that count cycles of a treatment rather than its lines ("4 courses of chemotherapy").
_COURSES = re.compile(r"(?i)^\s*(?:course|cycle)s?\b")

# Capitals standing for a name ("PE", "MS", "HCV"): an abbreviation.
_ABBREVIATION = re.compile(r"[A-Z][A-Z0-9]+")


@dataclass
class _Part:
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
    excluding: list[Exemption] = field(default_factory=list)
    including: list[str] = field(default_factory=list)
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
    alternative: tuple | None = None  # (measure or None, op, value, who): another limit for some patients
    shown_by: list = field(default_factory=list)  # "(e.g., HBsAg reactive)": results that show it
    result: str | None = None         # "negative HIV", "positive HIV": a result written with the item
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
    remission: TimeWindow | None = None  # "unless disease-free for ≥ 5 years": over for that long does not count
    unless: list[Rule] = field(default_factory=list)  # "(unless related to tumor)": words that lift a limit
    grade: _GradeBound | None = None  # "grade ≥ 2 peripheral neuropathy": the CTCAE grades that count


class Unreadable(Exception):
    """The clause parsed but means something the rule tree cannot say; it stays free text."""


_OP = {"GT": ">", "GE": ">=", "LT": "<", "LE": "<=", "EQ": "="}
#: The unit of "18 years of age" / "years old": time, and a sign that an age is meant.
_OF_AGE = "years of age"
_YEARS = {"hours": 1 / (24 * 365.25), "days": 1 / 365.25, "weeks": 7 / 365.25, "months": 1 / 12, "years": 1.0}


class Reader(Transformer):
    """Parse tree of one clause → rule node. Methods are named after grammar productions."""

    def __init__(self, norm: Normalised, kind: CriterionKind, vocab: Vocabulary) -> None:
        super().__init__()
        self.norm = norm
        self.kind = kind
        self.vocab = vocab
        self._exemption_terminals: dict[str, str] = {}  # what kind of name an exception named
        self._narrowed_items: set[str] = set()  # examples or exceptions with words not kept ("systemic")

    # helpers
    def _span(self, items: Sequence[object]) -> Span | None:
        starts, ends = [], []
        for it in items:
            if isinstance(it, Token):
                starts.append(it.start_pos)
                ends.append(it.end_pos)
            elif isinstance(it, _Part) and it.span is not None:
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

    # --- values
    def cmp(self, items):
        if items[0].type == "EQ":
            # "ALT = 2.5 x ULN", "= 18 years of age": in registry text a bare "=" is far more
            # often a lost ≤ or ≥ than an equality, and reading it as one would fail most patients
            raise Unreadable("'=' as a threshold")
        return _OP[items[0].type]

    def comparison(self, items):
        return (items[0], items[1])

    def quantity(self, items):
        unit = items[1] if len(items) > 1 else None
        return ("quantity", float(items[0]), unit)

    def uln(self, items):
        """"3 x ULN"; "> ULN" alone is once the limit."""
        return ("ULN", float(items[0]) if items[0].type == "NUMBER" else 1.0, None)

    def lln(self, items):
        return ("LLN", float(items[0]) if items[0].type == "NUMBER" else 1.0, None)

    def titre(self, items):
        return ("titre", float(items[0].value), None)

    def unit(self, items):
        return items[0] if isinstance(items[0], str) and not isinstance(items[0], Token) else str(items[0])

    def years(self, items):
        t = items[0]
        return t.value if t.type == "TIMEUNIT" else _OF_AGE

    # --- measures
    def _measure_node(self, concept_id: str, op: str, value: tuple, span) -> Rule:
        kind, number, unit = value
        if kind in ("ULN", "LLN"):
            return NormalMultiple(concept=concept_id, op=op, factor=number, limit=kind, span=span)
        if kind == "titre":
            return Titre(concept=concept_id, op=op, dilution=int(number), span=span)
        if unit == _OF_AGE:
            if concept_id != "age":
                raise Unreadable("'years of age' for something that is not an age")
            unit = "years"
        if concept_id == "age":
            unit = unit or "years"
            if unit not in _YEARS:
                raise Unreadable("age in a unit that is not time")
            return Comparison(concept="age", op=op, value=number, unit=unit, span=span)
        concept = self.vocab.get(concept_id)
        if unit == "%" and concept.unit != "%" and concept.in_percent is not None:
            concept_id = concept.in_percent  # "FEV1 ≥ 40%": of the predicted normal
            concept = self.vocab.get(concept_id)
        if unit is not None:
            try:
                # the dimension only: a clearance per body surface is compared through the patient's
                canonical_value(number, unit, concept, STANDARD_BODY_SURFACE)
            except UnitError as error:
                raise UnitMismatch(str(error), span) from error
        return Comparison(concept=concept_id, op=op, value=number, unit=unit, span=span)

    def compare(self, items):
        measures = [t for t in items if isinstance(t, Token) and t.type == "MEASURE"]
        seps = {t.type for t in items if isinstance(t, Token) and t.type in ("OR", "AND", "ANDOR", "COMMA")}
        op, value = items[-1]
        span = self._span([t for t in items if isinstance(t, Token)])
        nodes = [self._measure_node(m.value, op, value, span) for m in measures]
        if len(nodes) == 1:
            return _Part(node=nodes[0], measure=measures[0].value, span=span)
        if seps <= {"AND", "COMMA"} and self.kind == "inclusion":
            # "AST, ALT, and ALP ≤ 5 x ULN": each of them
            return _Part(node=AllOf(items=tuple(nodes), span=span), span=span)
        return _Part(node=AnyOf(items=tuple(nodes), span=span), span=span)

    def compare_after(self, items):
        (op, value), measure = items
        span = self._span([measure])
        return _Part(node=self._measure_node(measure.value, op, value, span), measure=measure.value, span=span)

    def compare_postfix(self, items):
        measure, value, op = items[0], items[-2], items[-1]
        span = self._span([measure])
        return _Part(node=self._measure_node(measure.value, op, value, span), measure=measure.value, span=span)

    def compare_prefix(self, items):
        op, measure, value = items
        span = self._span([measure])
        return _Part(node=self._measure_node(measure.value, op, value, span), measure=measure.value, span=span)

    def normal_range(self, items):
        """"normal bilirubin", "TSH within normal limits", "normal prolactin and TSH": between the
        lab's own limits."""
        tokens = [t for t in items if isinstance(t, Token)]
        word = next(t for t in tokens if t.type == "NEGATIVE")
        measures = [t for t in tokens if t.type == "MEASURE"]
        if "normal" not in word.value.lower() and word.value.lower() != "wnl":
            raise Unreadable("a negative number?")
        span = self._span(tokens)
        nodes = [_normal(m.value, span) for m in measures]
        if len(nodes) == 1:
            return _Part(node=nodes[0], measure=measures[0].value, span=span)
        seps = {t.type for t in tokens if t.type in ("OR", "AND", "ANDOR", "COMMA")}
        if seps <= {"AND", "COMMA"}:
            return _Part(node=AllOf(items=tuple(nodes), span=span), span=span)
        raise Unreadable("normal A or B")

    def sexed(self, items):
        sex = next(t for t in items if isinstance(t, Token) and t.type == "FOR_SEX")
        op, value = next(i for i in items if isinstance(i, tuple))
        return (sex, op, value)

    def compare_by_sex(self, items):
        """"Body fat (women: < 38%; men: < 28%)": each threshold holds for its own sex."""
        measure = items[0]
        sexed = [i for i in items if isinstance(i, tuple)]
        if len({sex.value for sex, _, _ in sexed}) != len(sexed):
            raise Unreadable("one sex given twice")
        span = self._span([t for t in items if isinstance(t, Token)])
        nodes = [self._restrict(self._measure_node(measure.value, op, value, span),
                                [[Status(field=sex.value, span=self._span([sex]))]], self._span([sex]))
                 for sex, op, value in sexed]
        if len(nodes) == 1:
            return _Part(node=nodes[0], span=span)
        node = AllOf(items=tuple(nodes), span=span) if self.kind == "inclusion" else AnyOf(items=tuple(nodes),
                                                                                            span=span)
        return _Part(node=node, span=span)

    def sex_only(self, items):
        sexes = items[0]
        if len(sexes) != 1:
            raise Unreadable("either sex")
        return Status(field=next(iter(sexes)), span=self._span([t for t in items if isinstance(t, Token)]))

    def elliptic(self, items):
        op, value = items[0]
        return _Part(elliptic=(op, value), span=None)

    def range(self, items):
        measure = items[0]
        values = [i for i in items if isinstance(i, tuple)]
        low, high = values
        upper = _upper_op(items)
        if high[2] is not None and low[2] is None:
            low = (low[0], low[1], high[2])
        if high[0] in ("ULN", "LLN") and low[0] == "quantity" and low[2] is None:
            low = (high[0], low[1], None)  # "ALT 2 to 10 times ULN": both in multiples of it
        span = self._span([measure])
        scale = self._scale_positions(measure.value, (low, high))
        if scale is not None:  # "ECOG 0-2": the values of an ordinal score
            return _Part(node=_scale_bounds(self.vocab.get(measure.value), *scale, span), measure=measure.value,
                         span=span)
        nodes = (self._measure_node(measure.value, ">=", low, span),
                 self._measure_node(measure.value, upper, high, span))
        return _Part(node=AllOf(items=nodes, span=span), measure=measure.value, span=span)

    def bounds(self, items):
        """with_value: MEASURE COLON? comparison AND comparison — "HbA1c ≥ 7.0% and ≤ 10.5%" after a
        condition: a lower and an upper bound of one value, both required."""
        measure = items[0]
        (op1, low), (op2, high) = [i for i in items if isinstance(i, tuple)]
        if {op1[0], op2[0]} != {">", "<"}:
            raise Unreadable("two bounds on one side")
        if low[0] == "quantity" and high[0] == "quantity":
            unit = low[2] or high[2]
            low, high = (low[0], low[1], low[2] or unit), (high[0], high[1], high[2] or unit)
        span = self._span([measure])
        nodes = (self._measure_node(measure.value, op1, low, span), self._measure_node(measure.value, op2, high, span))
        return _Part(node=AllOf(items=nodes, span=span), measure=measure.value, span=span)

    def _scale_positions(self, concept_id: str, values: tuple[tuple, ...]) -> tuple[int, int] | None:
        """Where two bare values lie on a numeric ordinal scale, if they are its values."""
        concept = self.vocab.concepts.get(concept_id)
        if concept is None or concept.value_type != "ordinal":
            return None
        written = [_plain_number(str(v[1])) for v in values if v[0] == "quantity" and v[2] is None]
        if len(written) != len(values) or not set(written) <= set(concept.categories):
            return None
        low, high = (concept.categories.index(v) for v in written)
        return (low, high) if low < high else None

    def bare_range(self, items):
        values = [i for i in items if isinstance(i, tuple)]
        low, high = values
        upper = _upper_op(items)
        unit = high[2] or low[2]
        if unit not in ("years", _OF_AGE):  # "18-65 years": an age; other bare ranges say nothing
            raise Unreadable("a range of what?")
        # "between 6 months and 5 years of age": a bound with a time unit of its own keeps it
        low_unit = low[2] if low[2] in _YEARS else "years"
        span = self._span([t for t in items if isinstance(t, Token)])
        return _Part(node=AllOf(items=(
            Comparison(concept="age", op=">=", value=low[1], unit=low_unit, span=span),
            Comparison(concept="age", op=upper, value=high[1], unit="years", span=span)), span=span), measure="age",
            span=span)

    def age_postfix(self, items):
        """"80 or more years old"."""
        number, op = items[0], items[1]
        return _Part(node=Comparison(concept="age", op=op, value=float(number), unit="years"), measure="age")

    def since_birth(self, items):
        """"within 48 hours of birth": an age of at most that, at the screening (as every anchor is)."""
        op = next((i for i in items if isinstance(i, str) and not isinstance(i, Token)), "<=")
        number = next(t for t in items if isinstance(t, Token) and t.type == "NUMBER")
        unit = next(t for t in items if isinstance(t, Token) and t.type == "TIMEUNIT").value
        span = self._span([t for t in items if isinstance(t, Token)])
        return _Part(node=Comparison(concept="age", op=op, value=float(number), unit=unit, span=span), measure="age",
                     span=span)

    def bare_postfix(self, items):
        value, op = items
        if value[0] != "quantity" or value[2] not in ("years", _OF_AGE):
            raise Unreadable("a threshold of what?")
        return _Part(node=Comparison(concept="age", op=op, value=value[1], unit="years"), measure="age")

    # --- qualitative and categorical
    def titre_note(self, items):
        op = next(i for i in items if isinstance(i, str) and not isinstance(i, Token))
        titre = next(i for i in items if isinstance(i, Token) and i.type == "TITRE")
        return ("titre", op, int(titre.value))

    def positive(self, items):
        concept = next(t for t in items if isinstance(t, Token) and t.type == "QUALITATIVE")
        note = next((i for i in items if isinstance(i, tuple)), None)
        span = self._span([t for t in items if isinstance(t, Token)])
        return _Part(node=self._positive(concept.value, note, span), measure=concept.value, span=span)

    def _positive(self, concept_id: str, note, span) -> Rule:
        if note is not None:
            return Titre(concept=concept_id, op=note[1], dilution=note[2], span=span)
        return Category(concept=concept_id, values=("positive",), span=span)

    def negative(self, items):
        concept = next(t for t in items if t.type == "QUALITATIVE")
        span = self._span(items)
        return _Part(node=Category(concept=concept.value, values=("negative",), span=span), span=span,
                     result="negative")

    def titre_compare(self, items):
        concept, op, titre = items
        span = self._span([concept, titre])
        return _Part(node=Titre(concept=concept.value, op=op, dilution=int(titre.value), span=span), span=span)

    def titre_only(self, items):
        concept, note = items
        span = self._span([concept])
        return _Part(node=Titre(concept=concept.value, op=note[1], dilution=note[2], span=span), span=span)

    def bare_qualitative(self, items):
        # "… and/or anti-DNA antibodies": positive, carried from the part before (see _settle)
        return _Part(measure=items[0].value, concept=items[0].value, terminal="QUALITATIVE",
                     span=self._span(items))

    def negative_condition(self, items):
        """"HBV negative", "COVID-19 PCR negative": a negative test says the infection is not
        present now, not that it never was."""
        cond = next(t for t in items if t.type == "COND")
        self._not_serology(items)
        span = self._span(items)
        node = HasCondition(concept=cond.value, qualifiers=("current",), span=span)
        return _Part(node=Not(item=node, span=span), span=span, result="negative")

    def _not_serology(self, items) -> None:
        """"Seropositive for CMV", "EBV seronegative": antibodies, which a past infection or a
        vaccine leaves, are not the infection (nor their absence its absence)."""
        if any(self.norm.text[t.start_pos:t.end_pos].lower().startswith("sero") for t in items
               if t.type in ("POSITIVE", "NEGATIVE")):
            raise Unreadable("a serostatus is not the infection")

    def washout(self, items):
        """"At least 4 weeks since prior chemotherapy": none in those weeks (an inclusion); "less
        than 4 weeks since prior chemotherapy" (an exclusion): some in them."""
        op, (kind, amount, unit) = items[0]
        if kind != "quantity" or unit not in _YEARS:
            raise Unreadable("a wash-out needs a time")
        if op not in ((">", ">=") if self.kind == "inclusion" else ("<", "<=")):
            # "At least 4 weeks since prior chemotherapy" listed as an exclusion: read literally it
            # would exclude every patient who has washed out ("less than 4 weeks since" excludes
            # whoever had it in those weeks)
            raise Unreadable("a wash-out that names who is excluded by having washed out")
        tokens = [t for t in items if isinstance(t, Token)]
        window = TimeWindow(amount=amount, unit=unit)
        span = self._span(tokens)
        groups = next((i.groups for i in items if isinstance(i, _Quals)), [])
        if len(groups) > 1 or _has_grade(items):
            raise Unreadable("alternative qualifiers or a grade on a wash-out")
        # "since prior …" is what a wash-out says anyway; any other qualifier narrows what is washed out
        quals = [q for q in (groups[0] if groups else []) if isinstance(q, str) and q not in ("history", "current")]
        nodes = [self._entity_node(t.type, t.value, quals, window, (), None, span) for t in tokens
                 if t.type in ("COND", "MED", "PROC", "VACC")]
        node = nodes[0] if len(nodes) == 1 else AnyOf(items=tuple(nodes), span=span)
        return _Part(node=Not(item=node, span=span) if self.kind == "inclusion" else node, span=span)

    def washed_before(self, items):
        """"Prior chemotherapy completed at least 4 weeks before enrollment": none in those weeks
        (an inclusion); "… completed less than 4 weeks before" (an exclusion): some in them."""
        op, (kind, amount, unit) = next(i for i in items if isinstance(i, tuple) and len(i) == 2)
        if kind != "quantity" or unit not in _YEARS:
            raise Unreadable("a wash-out needs a time")
        if op not in ((">", ">=") if self.kind == "inclusion" else ("<", "<=")):
            raise Unreadable("a wash-out that names who is excluded by having washed out")
        tokens = [t for t in items if isinstance(t, Token)]
        anchor = next((t.value for t in tokens if t.type == "ANCHOR"), "screening")
        window = TimeWindow(amount=amount, unit=unit, anchor=anchor)
        span = self._span(tokens)
        named = [t for t in tokens if t.type in ("COND", "MED", "PROC", "VACC")]
        for tag, examples, excepted in (i for i in items if isinstance(i, tuple) and i[0] == "including"):
            if excepted or not all(any(self.vocab.is_a(e.concept, t.value) for t in named) for e in examples):
                # "radiotherapy (including radiosurgery)" only illustrates; anything else changes it
                raise Unreadable("examples that are not kinds of the treatment washed out")
        nodes = [self._entity_node(t.type, t.value, [], window, (), None, span) for t in named]
        node = nodes[0] if len(nodes) == 1 else AnyOf(items=tuple(nodes), span=span)
        return _Part(node=Not(item=node, span=span) if self.kind == "inclusion" else node, span=span)

    def positive_condition(self, items):
        self._not_serology(items)
        cond = items[1]
        return _Part(terminal="COND", concept=cond.value, span=self._span(items), result="positive")

    def result_with_condition(self, items):
        """qualitative: QUALITATIVE (POSITIVE | NEGATIVE) QUAL* COND — "HBeAg-positive chronic
        hepatitis B", "HLA-B27-positive uveitis": the result and the disease, both."""
        test, sign, *quals, cond = items
        result = Category(concept=test.value, values=("positive" if sign.type == "POSITIVE" else "negative",),
                          span=self._span([test, sign]))
        disease = self._entity_node("COND", cond.value, [q.value for q in quals], None, (), None,
                                    self._span([*quals, cond]))
        span = self._span(items)
        return _Part(node=AllOf(items=(result, disease), span=span), span=span)

    def category(self, items):
        tokens = [t for t in items if isinstance(t, Token)]
        concept_tok = next((t for t in tokens if t.type == "CATEGORICAL"), None)
        cond = next((t for t in tokens if t.type == "COND"), None)
        concept_id = concept_tok.value if concept_tok is not None else None
        if concept_id is None and cond is not None:
            # "class III or IV lupus nephritis": the classification named after the condition
            found = self.vocab.lookup(f"{self.vocab.get(cond.value).name} class")
            concept_id = found.id if found is not None and found.value_type in ("categorical", "ordinal") else None
        if concept_id is None:
            raise Unreadable("category values without a name")
        values = self._class_values(tokens, concept_id)
        span = self._span(tokens)
        node: Rule = Category(concept=concept_id, values=values, span=span)
        if concept_tok is not None:
            node = self._of_condition(cond, node)
        return _Part(node=node, span=span)

    def _of_condition(self, cond: Token | None, node: Category) -> Rule:
        """A class named after a condition: "NASH with fibrosis stage F4" is the stage of that
        disease, not of any; "heart failure NYHA class III" the class of what the scale rates."""
        if cond is None or any(self.vocab.is_a(cond.value, rated) for rated in self.vocab.get(node.concept).rates):
            return node
        return AllOf(items=(HasCondition(concept=cond.value, span=self._span([cond])), node), span=node.span)

    class_of_condition = category  # "angina pectoris class III or IV"

    def _class_values(self, tokens: Sequence[Token], concept_id: str) -> tuple[str, ...]:
        """The values a list names, a range ("I - III") read on the scale's own order."""
        concept = self.vocab.get(concept_id)
        scale = list(concept.categories)
        values: list[str] = []
        ranged = False
        for t in tokens:
            if t.type == "DASH":
                ranged = True
            elif t.type == "CATVAL":
                if scale and t.value not in scale:
                    raise Unreadable("a value the classification does not have")
                if ranged:
                    if concept.value_type != "ordinal" or not values:
                        raise Unreadable("a range on a scale without an order")
                    low, high = scale.index(values[-1]), scale.index(t.value)
                    if high <= low:
                        raise Unreadable("a range that runs backwards")
                    # "stage I-III" is stages I, II and III (each with its substages); "stage
                    # IIIB-IVA" does not hold all of stage IV, only IVA
                    by_stage = main_category(values[-1]) is None and main_category(t.value) is None
                    values.extend(v for v in scale[low + 1:high + 1]
                                  if not (by_stage and main_category(v)) and v != main_category(t.value))
                    ranged = False
                else:
                    values.append(t.value)
        return tuple(dict.fromkeys(values))

    def category_compare(self, items):
        """"NYHA class > II", "heart failure ≥ NYHA class III": the classes beyond a class of an
        ordered scale; a condition named first must be present too."""
        tokens = [t for t in items if isinstance(t, Token)]
        op = next(i for i in items if isinstance(i, str) and not isinstance(i, Token))
        concept = self.vocab.get(next(t.value for t in tokens if t.type == "CATEGORICAL"))
        value = next(t.value for t in tokens if t.type == "CATVAL")
        scale = list(concept.categories)
        if concept.value_type != "ordinal" or value not in scale or op == "=":
            raise Unreadable("a comparison on a scale without an order")
        k = scale.index(value)
        values = tuple(c for i, c in enumerate(scale) if _INDEX_COMPARE[op](i, k))
        if not values:
            raise Unreadable("no class beyond the last")
        span = self._span(tokens)
        node = self._of_condition(next((t for t in tokens if t.type == "COND"), None),
                                  Category(concept=concept.id, values=values, span=span))
        return _Part(node=node, span=span)

    def score_values(self, items):
        """"ECOG 0 or 1", "PS 0, 1 or 2": the values an ordinal score may take. They must run
        without a gap on the scale, and are said as its bounds, which compare exactly."""
        measure = items[0]
        concept = self.vocab.get(measure.value) if measure.value in self.vocab.concepts else None
        if concept is None or concept.value_type != "ordinal":
            raise Unreadable("values without a comparison for a measured quantity")
        named = [t for t in items[1:] if isinstance(t, Token) and t.type == "MEASURE"]
        if named and named[0].value != measure.value:
            # "performance status of 70 on the Karnofsky scale": the values belong to the scale after
            raise Unreadable("values said on another scale")
        scale = list(concept.categories)
        written = [_plain_number(t.value) for t in items if isinstance(t, Token) and t.type == "NUMBER"]
        if not set(written) <= set(scale):
            raise Unreadable("a value the scale does not have")
        positions = sorted({scale.index(v) for v in written})
        if positions != list(range(positions[0], positions[-1] + 1)):
            raise Unreadable("values with a gap")
        span = self._span([t for t in items if isinstance(t, Token)])
        return _Part(node=_scale_bounds(concept, positions[0], positions[-1], span), measure=concept.id, span=span)

    def flag(self, items):
        span = self._span(items)
        return _Part(node=Category(concept=items[0].value, values=("yes",), span=span), span=span)

    # --- entities and status
    def dose(self, items):
        ends = [i for i in items if isinstance(i, tuple)]
        if len(ends) == 2:
            # "prednisone ≥ 5 mg/day and ≤ 10 mg/day": a lower and an upper end, each a dose
            low, high = (self.dose([end]) for end in ends)
            if not (isinstance(low, Comparison) and isinstance(high, Comparison)
                    and low.op in (">", ">=") and high.op in ("<", "<=")):
                raise Unreadable("a range of doses that is not a lower and an upper end")
            return low, high
        op, value = items[0]
        if value[0] != "quantity" or value[2] is None:
            raise Unreadable("a dose without a unit")
        if value[2] in ("years", _OF_AGE):
            # "erythema migrans in patients > 18 years": an age, or how long? not said
            raise Unreadable("years after a condition")
        if value[2] in _YEARS:
            # "> 6 months": how long it has lasted; "interstitial cystitis < 6 months",
            # "postpartum ≤ 3 weeks": how recently it began
            return Lasting(op=op, amount=value[1], unit=value[2])
        if value[2] == "%":
            # "haemophilia A (FVIII < 1%)": the factor's level in the blood, not a dose of it
            raise Unreadable("a percentage after a drug's name")
        return Comparison(concept="dose", op=op, value=value[1], unit=value[2])

    def entity(self, items):
        tok = next(t for t in items if isinstance(t, Token) and t.type in ("COND", "MED", "PROC", "VACC"))
        dose = next((i for i in items if isinstance(i, Comparison)), None)
        dose, dose_bound = next((i for i in items if isinstance(i, tuple)), (dose, None))
        if dose is not None and tok.type != "MED":
            raise Unreadable("a dose of what is not a drug")
        other = any(isinstance(t, Token) and t.type == "OTHER" for t in items)
        part = _Part(terminal=tok.type, concept=tok.value, dose=dose, dose_bound=dose_bound, span=self._span([tok]))
        duration = next((i for i in items if isinstance(i, Lasting)), None)
        if duration is not None and tok.type != "COND":
            raise Unreadable("a duration, not a dose")
        if duration is not None and duration.op in (">", ">="):
            part.lasting = duration
        elif duration is not None:
            part.window = TimeWindow(amount=duration.amount, unit=duration.unit)
            part.quals.append("new")
        if other:
            part.quals.append("other")
        return part

    def _status(self, name: str, items) -> _Part:
        span = self._span([t for t in items if isinstance(t, Token)])
        return _Part(node=Status(field=name, span=span), span=span)

    def pregnant(self, items):
        return self._status("pregnant", items)

    def breastfeeding(self, items):
        return self._status("breastfeeding", items)

    def pregnancy_test_negative(self, items):
        span = self._span(items)
        return _Part(node=Not(item=Status(field="pregnant", span=span), span=span), span=span, dated_test=True)

    def pregnancy_test_positive(self, items):
        # the evaluator reads "pregnant" from a recent pregnancy test when it is not recorded
        part = self._status("pregnant", items)
        part.dated_test = True
        return part

    def contraception(self, items):
        return self._status("contraception", items)

    def consent(self, items):
        part = self._status("consent", items)
        consent_at = next((i for i, t in enumerate(items) if isinstance(t, Token) and t.type == "CONSENT"), len(items))
        part.willing = any(isinstance(t, Token) and t.type == "ABLE" and WILLING.search(t.value)
                           for t in items[:consent_at])
        part.signed = any(isinstance(t, Token) and t.type == "ABLE" and "signed" in t.value.lower() for t in items)
        return part

    def comply(self, items):
        # DESIGN §5: consent = has signed and will comply with the protocol
        part = self.consent(items)
        part.compliance = True
        return part

    def attribute(self, items):
        token = items[-1]
        span = self._span([token])
        node: Rule = HasAttribute(concept=token.value, span=span)
        if token.value == "plans_pregnancy" and "pregnan" in self.norm.text[token.start_pos:token.end_pos].lower():
            # "planning to become pregnant" is a woman's plan (the attribute also holds a man's plan
            # to father a child, which these words do not ask about)
            node = AllOf(items=(Status(field="female", span=span), node), span=span)
        # "able to speak English and sign consent": the ability reaches the consent after it
        willing = any(isinstance(t, Token) and t.type == "ABLE" and WILLING.search(t.value) for t in items)
        return _Part(node=node, span=span, willing=willing)

    def lines(self, items):
        op = next(i for i in items if isinstance(i, str) and not isinstance(i, Token))
        count = next(t for t in items if isinstance(t, Token) and t.type == "NUMBER")
        return self._lines([(op, count)], items)

    def lines_range(self, items):
        return self._lines(_count_range(items, "lines"), items)

    def _lines(self, bounds: list[tuple[str, Token | float]], items) -> _Part:
        tokens = [t for t in items if isinstance(t, Token)]
        med = next(t for t in tokens if t.type == "MED")
        quals = {t.value for t in tokens if t.type == "QUAL"}
        if quals - {"history", "systemic"}:
            raise Unreadable("lines of a treatment given in a setting")  # "… of first-line therapy"
        if any(t.type == "LINES" and _COURSES.match(t.value) for t in tokens):
            # "at least 4 cycles of chemotherapy": a line of treatment may hold many cycles, and
            # the profile counts lines, not cycles (one course, as having had it, is read before)
            raise Unreadable("cycles or courses of a treatment counted")
        if any(not float(n).is_integer() or float(n) < 0 for _, n in bounds):
            raise Unreadable("a count of lines that is not a whole number")
        span = self._span(tokens)
        counted = tuple(q for q in ("systemic",) if q in quals)  # "lines of systemic therapy": not a topical one
        nodes = [TreatmentLines(concept=med.value, qualifiers=counted, op=op, count=int(float(n)), span=span)
                 for op, n in bounds]
        return _Part(node=nodes[0] if len(nodes) == 1 else AllOf(items=tuple(nodes), span=span), span=span)

    def episodes(self, items):
        """episodes: cmp NUMBER EPISODES? (QUAL+ (OR QUAL)?)? COND | NUMBER cmp … — "≥ 2 asthma
        exacerbations", "2 or more episodes of severe hypoglycaemia", "≥ 2 moderate or severe …"."""
        op = next(i for i in items if isinstance(i, str) and not isinstance(i, Token))
        number = next(t for t in items if isinstance(t, Token) and t.type == "NUMBER")
        return self._episodes([(op, float(number))], items)

    def episodes_range(self, items):
        """"between 2 and 10 vaso-occlusive crises"."""
        return self._episodes(_count_range(items, "episodes"), items)

    def _episodes(self, bounds: list[tuple[str, float]], items) -> _Part:
        tokens = [t for t in items if isinstance(t, Token)]
        cond = next(t for t in tokens if t.type == "COND")
        concept = episode_concept(cond.value) if any(t.type == "EPISODES" for t in tokens) else cond.value
        if not self.vocab.is_event(concept):
            # "≥ 2 seizures", "more than one DVT": what is counted must be an episode of its own,
            # dated by its onset; a lasting condition has one entry however many times it flared
            raise Unreadable("a count of what is not an episode")
        if any(not n.is_integer() or n < 0 for _, n in bounds):
            raise Unreadable("a count of episodes that is not a whole number")
        quals = [t.value for t in tokens if t.type == "QUAL"]
        part = _Part(terminal="COND", concept=concept, counts=bounds, span=self._span(tokens))
        if any(t.type == "OR" for t in tokens):
            if len(quals) != 2:
                # "recent moderate or severe": whether "recent" reaches "severe" is not said
                raise Unreadable("which qualifiers go together")
            part.either = quals
        else:
            part.quals = quals
        return part

    def classified(self, items):
        cond = items[-1]
        return _Part(terminal="COND", concept=cond.value, span=self._span(items))

    # --- groups
    def group(self, items):
        seq = next(i for i in items if isinstance(i, _Seq))
        return _Part(node=self._settle(seq), span=seq.span)

    def any_group(self, items):
        seq = self._listed(items[-1])
        nodes = self._nodes(seq)
        if any(isinstance(t, Token) and t.type == "ANY_EYE" for t in items) \
                and any(isinstance(n, _MEASURE_NODES) for node in nodes for n in walk(node)):
            # "any of the following in either eye: IOP > 25 mmHg, …": a value may be the other eye's
            raise Unreadable("values in either eye")
        return _Part(node=nodes[0] if len(nodes) == 1 else AnyOf(items=tuple(nodes), span=seq.span), span=seq.span)

    def at_least_group(self, items):
        count = int(items[0].value)
        seq = self._listed(items[-1])
        return _Part(node=AtLeast(count=count, items=tuple(self._nodes(seq)), span=seq.span), span=seq.span)

    # --- posts
    def window_past(self, items):
        if any(t.type == "BEFORE" and t.value != "ago" for t in items) and not any(t.type == "ANCHOR" for t in items):
            raise Unreadable("a time before what?")  # "within 30 days prior to the present study"
        amount = float(next(t for t in items if t.type == "NUMBER"))
        unit = next(t for t in items if t.type == "TIMEUNIT").value
        anchor = next((t.value for t in items if t.type == "ANCHOR"), "screening")
        lives = next((t.value.split() for t in items if t.type == "HALF_LIVES"), None)
        if lives is None:
            return TimeWindow(amount=amount, unit=unit, direction="past", anchor=anchor)
        return TimeWindow(amount=amount, unit=unit, direction="past", anchor=anchor, half_lives=float(lives[0]),
                          whichever=lives[1])

    def window_next(self, items):
        amount = float(next(t for t in items if t.type == "NUMBER"))
        unit = next(t for t in items if t.type == "TIMEUNIT").value
        anchor = next((t.value for t in items if t.type == "ANCHOR"), "screening")
        return TimeWindow(amount=amount, unit=unit, direction="future", anchor=anchor)

    def paren_window(self, items):
        """"(within the last 3 months)" after what it times."""
        return next(i for i in items if isinstance(i, TimeWindow))

    def during_trial(self, items):
        return ("planned",)

    def ent_item(self, items):
        quals = [q for i in items if isinstance(i, _Quals) for g in i.groups for q in g if isinstance(q, str)] + [
            t.value for t in items if isinstance(t, Token) and t.type == "QUAL"]
        tok = next(t for t in items if isinstance(t, Token) and t.type in ("COND", "MED", "PROC", "VACC"))
        if _FAMILY & set(quals):
            raise Unreadable("a relative's history among exceptions or examples")  # not the patient's own
        if _has_grade(items):
            raise Unreadable("a grade of an exception or an example")  # "except grade 1 alopecia"
        self._exemption_terminals[tok.value] = tok.type
        if any(q not in _EXEMPTION_QUALS for q in quals):
            self._narrowed_items.add(tok.value)
        return Exemption(concept=tok.value, qualifiers=tuple(q for q in quals if q in _EXEMPTION_QUALS))

    def ent_list(self, items):
        out: list[Exemption] = []
        for e in (i for i in items if isinstance(i, Exemption)):
            if out and not e.qualifiers:  # "adequately treated A or B": both treated
                e = e.model_copy(update={"qualifiers": out[-1].qualifiers})
            out.append(e)
        return out

    def except_(self, items):
        found = next(i for i in items if isinstance(i, list))
        enclosed = any(isinstance(i, Token) and i.type == "LPAR" for i in items)
        return ("except", found, enclosed)

    def including(self, items):
        lists = [i for i in items if isinstance(i, list)]
        excepts = [i for i in items if isinstance(i, tuple) and i[0] == "except"]
        return ("including", lists[0], excepts[0][1] if excepts else [])

    def alternative(self, items):
        """"(≤ 5 × ULN for patients with liver metastases)": another limit for some patients."""
        measure = next((t.value for t in items if isinstance(t, Token) and t.type == "MEASURE"), None)
        op, value = next(i for i in items if isinstance(i, tuple))
        when = self._settle(next(i for i in items if isinstance(i, _Seq)))
        return ("alternative", measure, op, value, when)

    def grade(self, items):
        """qual_item: GRADE — "grade ≥ 2" (value "2-5"), "≤ grade 1" ("0-1"), with " ctcae" when named."""
        bounds, _, named = items[0].value.partition(" ")
        low, high = (int(b) for b in bounds.split("-"))
        return _GradeBound(low, high, named == "ctcae")

    def post_grade(self, items):
        """post: GRADE | LPAR GRADE RPAR — "peripheral neuropathy > grade 1"."""
        return ("grade", replace(self.grade([t for t in items if t.type == "GRADE"]), before=False))

    def post_qual(self, items):
        if items[0].value == "diagnosed":
            return ("diagnosed",)  # "hypertension diagnosed within the last year"
        return ("qual", items[0].value)

    def requiring(self, items):
        """post: REQUIRING QUAL* (COND | MED | PROC) (TREATMENT_OR QUAL* (MED | PROC))* — each
        treatment with the qualifiers written before it."""
        needed: list[tuple[Token, list[str]]] = []
        quals: list[str] = []
        own: list[str] = []  # "requiring hospitalization or …": a qualifier of what requires them
        for t in items:
            if t.type == "QUAL":
                quals.append(t.value)
            elif t.type in ("COND", "MED", "PROC"):
                needed.append((t, quals))
                quals = []
            elif t.type == "TREATMENT_OR" and not needed:
                own, quals = quals, []
        tokens = [t for t in items if isinstance(t, Token)]
        words = FreeText(text=self.norm.text[tokens[0].start_pos:tokens[-1].end_pos],
                         span=self.norm.span(tokens[0].start_pos, tokens[-1].end_pos))
        return ("requiring", needed, own, words)

    def lasting(self, items):
        _, op, number, unit = items
        return ("lasting", Lasting(op=op, amount=float(number.value), unit=unit.value))

    def with_values(self, items):
        return ("with_values", [p.node for p in items if isinstance(p, _Part)])

    def determined_by(self, items):
        said = any(isinstance(t, Token) and t.type == "DETERMINED_BY" for t in items)
        procs = [t.value for t in items if isinstance(t, Token) and t.type == "PROC"]
        if not said and any(p == "surgery" or self.vocab.is_a(p, "surgery") for p in procs):
            # "epilepsy surgery within 6 months": an operation on the condition, not how it was seen
            raise Unreadable("an operation after a condition")
        window = next((i for i in items if isinstance(i, TimeWindow)), None)
        return ("evidence", window)

    def showing(self, items):
        return ("noop",)

    def caveat(self, items):
        """post: LPAR INCLUDING? CAVEAT RPAR | CAVEAT — "(i.e., confirmed on repeat)": how the value
        must have been obtained, kept in its words."""
        return ("caveat", self._words_of(next(t for t in items if t.type == "CAVEAT")))

    def unless_words(self, items):
        """post: LPAR UNLESS_WORDS RPAR | UNLESS_WORDS — "(unless related to involvement by tumor)"."""
        return ("unless", self._words_of(next(t for t in items if t.type == "UNLESS_WORDS")))

    def remission_for(self, items):
        """post: EXCEPT REMISSION cmp NUMBER TIMEUNIT — "unless in remission for ≥ 5 years"."""
        op = next(i for i in items if isinstance(i, str) and not isinstance(i, Token))
        number = next(t for t in items if isinstance(t, Token) and t.type == "NUMBER")
        unit = next(t for t in items if isinstance(t, Token) and t.type == "TIMEUNIT")
        return ("remission", op, TimeWindow(amount=float(number.value), unit=unit.value))

    def linked(self, items):
        """post: LINK QUAL* (COND | MED | PROC) — "secondary to branch retinal vein occlusion": what
        the condition comes from, asked too, and the words that link them kept."""
        link, named = items[0], items[-1]
        quals = [t.value for t in items[1:-1]]
        node = self._entity_node(named.type, named.value, quals, None, (), None, self._span([named]))
        words = FreeText(text=self.norm.text[link.start_pos:named.end_pos],
                         span=self.norm.span(link.start_pos, named.end_pos))
        return ("linked", node, words)

    def site(self, items):
        """post: SITE — "in the study eye": kept in its words beside what it is said of."""
        return ("site", self._words_of(items[0]))

    def any_eye(self, items):
        """post: ANY_EYE — "in either eye": kept in its words beside a value (which eye's it is)."""
        return ("any_eye", self._words_of(items[0]))

    def _words_of(self, said: Token) -> FreeText:
        return FreeText(text=self.norm.text[said.start_pos:said.end_pos],
                        span=self.norm.span(said.start_pos, said.end_pos))

    annotation = etc = showing

    def at_anchor(self, items):
        return ("at_anchor",)

    def equivalent(self, items):
        tok = next((t for t in items if isinstance(t, Token) and t.type == "MED"), None)
        return ("equivalent", tok.value if tok is not None else None)

    def shown_by(self, items):
        """post: "(e.g., HBsAg reactive)" — a result that shows the condition before it, one way
        among others of knowing it."""
        # a test named alone ("e.g., HCV RNA is detected") is found positive
        return ("shown_by", [i.node or Category(concept=i.concept, values=("positive",), span=i.span)
                             for i in items if isinstance(i, _Part)])

    def definition(self, items):
        seq = next(i for i in items if isinstance(i, _Seq))
        return ("definition", self._settle(seq))

    def qual_item(self, items):
        window = next((i for i in items if isinstance(i, TimeWindow)), None)
        if window is not None:
            return window
        if items[0].type == "RECENT":
            return "recent"  # "recently": how recent is not said
        return "other" if items[0].type == "OTHER" else items[0].value  # "another", "any other"

    def dated_qual(self, items):
        """qual_item: QUAL DATED_LPAR window RPAR — "diagnosed (within 3 months)"."""
        return (items[0].value, next(i for i in items if isinstance(i, TimeWindow)))

    def quals(self, items):
        """Qualifier groups: "active or history of recurrent" → [[active], [history, recurrent]];
        in a list that ends in "or" the commas part the groups too ("symptomatic, untreated or
        unstable" is any of the three)."""
        splits = {"OR", "ANDOR"}
        if any(isinstance(i, Token) and i.type in splits for i in items):
            splits.add("COMMA")
        groups: list[list[object]] = [[]]
        for item in items:
            if isinstance(item, Token):
                if item.type in splits:
                    groups.append([])
                continue
            groups[-1].extend(item if isinstance(item, tuple) else (item,))
        return _Quals([g for g in groups if g])

    # --- parts and sequences
    def part(self, items):
        negated = bool(items) and isinstance(items[0], Token) and items[0].type == "NEG"
        first = next((i for i in items if isinstance(i, _Part)), None)
        if negated and self.kind == "exclusion" and not _ability(first) \
                and _requirement_wording(items[0], self.norm.text):
            # "Patient must not be pregnant" listed as an exclusion: read literally it would
            # exclude every patient who is not pregnant
            raise Unreadable("a requirement worded in the negative, listed as an exclusion")
        rest = items[1:] if negated else items
        groups: list[list[object]] = []
        if rest and isinstance(rest[0], _Quals):
            groups = rest[0].groups
            rest = rest[1:]
        part: _Part = rest[0]
        if part.node is not None and (groups or rest[1:]) \
                and any(isinstance(n, TreatmentLines) for n in walk(part.node)):
            # "at least 2 lines of chemotherapy for advanced disease": the lines of one setting,
            # which the count of all lines would overstate
            raise Unreadable("words about the lines counted, which a count of lines cannot say")
        part.negated = negated
        part.unable = negated and _UNABLE.search(items[0].value) is not None
        if _times_share_what_follows(groups):
            raise Unreadable("whether the qualifiers after the last of the times reach the earlier ones is not said")
        grades = [q for g in groups for q in g if isinstance(q, _GradeBound)]
        if grades and len(groups) > 1:
            # "grade ≥ 3 or recurrent pneumonitis": which of the groups the grade belongs to
            raise Unreadable("a grade among groups of qualifiers")
        part.grade = grades[0] if grades else None
        windows = [next((q for q in g if isinstance(q, TimeWindow)), None) for g in groups]
        if len(groups) > 1 and any(windows) and not all(windows):
            # "newly diagnosed (within 3 months) or poorly controlled": the window is its group's
            part.variants = [list(dict.fromkeys(["new"] * ("diagnosed" in g and w is not None)
                                                + [q for q in g if isinstance(q, str) and q != "diagnosed"]))
                             for g, w in zip(groups, windows)]
            part.variant_windows = windows
            part.described = True
            for post in rest[1:]:
                self._apply_post(part, post)
            return part
        for window in windows:  # a recent window written among the qualifiers: "recent (within 60 days)"
            if window is not None:
                part.window = window
        part.diagnosed = any(q == "diagnosed" for g in groups for q in g)
        names = [[q for q in g if isinstance(q, str) and q != "diagnosed"] for g in groups]
        names = [g for g in names if g]
        part.described = bool(names)
        if len(names) == 1:
            part.quals = names[0] + part.quals
        elif names:
            part.variants = names
        for post in rest[1:]:
            self._apply_post(part, post)
        return part

    def _apply_post(self, part: _Part, post) -> None:
        if isinstance(post, TimeWindow):
            part.window = post
            return
        if post == ("diagnosed",):
            part.diagnosed = True
            return
        tag = post[0]
        if tag == "at_anchor":
            # "mechanical ventilation at time of entry": now, not ever (a value "at screening" is
            # already the latest one)
            if part.terminal in ("COND", "MED", "PROC") and not {"active", "current"} & set(part.quals):
                part.quals.append("current")
        elif tag == "planned":
            part.quals.append("planned")
        elif tag == "except":
            part.excluding.extend(post[1])
            part.own_exception = post[2]
        elif tag == "including":
            part.including.extend(e.concept for e in post[1])
            part.excluding.extend(post[2])
        elif tag == "qual":
            part.quals.append(post[1])
            part.quals_after.append(post[1])
        elif tag == "requiring":
            part.requiring.extend(self._entity_node(tok.type, tok.value, ["current", *quals], None, (), None, None)
                                  for tok, quals in post[1])
            part.requiring_any = len(post[1]) > 1
            part.requiring_own = post[2]
            part.requiring_words = post[3]
        elif tag == "lasting":
            part.lasting = post[1]
        elif tag == "grade":
            if part.grade is not None:
                raise Unreadable("two grades of one condition")
            part.grade = post[1]
        elif tag == "with_values":
            part.values.extend(post[1])
        elif tag == "evidence":
            if post[1] is not None:
                part.window = post[1]
        elif tag == "equivalent":
            part.quals.append("equivalent")
        elif tag == "definition":
            part.definition = post[1]
        elif tag == "shown_by":
            part.shown_by = post[1]
        elif tag == "alternative":
            part.alternative = post[1:]
        elif tag == "caveat":
            part.caveats.append(post[1])
        elif tag == "unless":
            part.unless.append(post[1])
        elif tag == "site":
            part.sites.append(post[1])
        elif tag == "any_eye":
            part.any_eye.append(post[1])
        elif tag == "linked":
            part.linked.extend(post[1:])
        elif tag == "remission":
            if post[1] not in (">=", ">") or part.remission is not None:
                raise Unreadable("a remission shorter than a time")  # "in remission for < 5 years"?
            part.remission = post[2]

    def unconstrained(self, items):
        return _Part(unconstrained=True)

    def at_risk(self, items):
        """part: RISK core — "high risk of bleeding" is the investigator's judgement (words after
        it, which a judgement could not quote, leave the clause unread)."""
        tokens = [t for t in items if isinstance(t, Token)]
        parts = [p for p in items if isinstance(p, _Part) and p.span is not None]
        start = min([t.start_pos for t in tokens] + [self._norm_index(p.span.start) for p in parts])
        end = max([t.end_pos for t in tokens] + [self._norm_index(p.span.end, end=True) for p in parts])
        span = self.norm.span(start, end)
        return _Part(node=Judgement(text=self.norm.text[start:end], span=span), span=span, risk=True)

    def sex_part(self, items):
        """part: SEX_ITEM — "male or non-pregnant females": being of that sex (who may take part;
        listed as an exclusion, it would exclude them)."""
        if self.kind != "inclusion":
            raise Unreadable("who may take part, listed as an exclusion")
        return _Part(node=Status(field=items[0].value, span=self._span(items)), span=self._span(items))

    def childbearing_part(self, items):
        """part: CBP_ITEM AND? part — "…, or women of childbearing potential not using
        contraception": an inclusion asks the item of those women, an exclusion names them."""
        inner: _Part = items[-1]
        node = self._settle(_Seq([inner], [], inner.span))
        span = _join(self._span([items[0]]), node.span)
        who = (Status(field="female", span=span), Status(field="childbearing_potential", span=span))
        if self.kind == "inclusion":
            node = Conditional(when=AllOf(items=who, span=span), then=node, span=span)
        else:
            node = AllOf(items=(*who, node), span=span)
        return _Part(node=node, span=span, childbearing=True)

    def defined(self, items):
        if any(isinstance(i, _Quals) for i in items):
            # "severe toxicity (diarrhea or colitis)", "grade ≥ 2 toxicity (…)": the words before
            # the parenthesis narrow what it names, and would be lost
            raise Unreadable("qualifiers of a head defined in parentheses")
        brackets = [i for i in items if isinstance(i, Token) and i.type in ("LPAR", "RPAR")]
        if len(brackets) == 2 and _ABBREVIATION.fullmatch(
                self.norm.text[brackets[0].end_pos:brackets[-1].start_pos].strip()):
            # "abnormal physical exam (PE)": letters after words the vocabulary does not know are
            # their abbreviation, which the vocabulary may know as something else (pulmonary embolism)
            raise Unreadable("an abbreviation of unknown words")
        seq = next(i for i in items if isinstance(i, _Seq))
        node = self._settle(seq)
        return _Part(node=node, span=seq.span)

    def sep(self, items):
        types = {t.type for t in items}
        if types & {"OR", "ANDOR"}:
            return "or"
        if "AND" in types:
            # "6 to 12 with an endoscopic subscore ≥ 2": both, even in an exclusion
            if any(t.value == "with" for t in items):
                return "with"
            return "comma_and" if "COMMA" in types else "and"
        if "SEMI" in types:
            return "semi"
        if "COLON" in types:
            return "colon"
        return "comma"

    def seq(self, items):
        parts = [i for i in items if isinstance(i, _Part)]
        seps = [i for i in items if isinstance(i, str)]
        return _Seq(parts, seps, _span_of(parts))

    def subject(self, items):
        """Whom the clause is asked of: one group ("Women of childbearing potential", "Men with a
        female partner of childbearing potential") or two joined by "and" ("Women of childbearing
        potential and men …"). Returns ("subject", the groups' conditions, span)."""
        span = self._span([t for t in items if isinstance(t, Token)])
        groups: list[list[Rule]] = [[]]
        for i in items:
            if isinstance(i, set):
                if groups[-1]:
                    groups.append([])
                if len(i) == 1:
                    groups[-1].append(Status(field=next(iter(i)), span=span))
            elif isinstance(i, Token) and i.type == "CBP":
                if not groups[-1]:
                    groups[-1].append(Status(field="female", span=span))
                groups[-1].append(Status(field="childbearing_potential", span=span))
            elif isinstance(i, Token) and i.type == "SUBGROUP":
                groups[-1].append(HasAttribute(concept=i.value, span=span))
        if len(groups) > 1 and groups[1] == [Status(field="female", span=span)]:
            raise Unreadable("women of childbearing potential and all women")
        return ("subject", [g for g in groups if g], span)

    def sex_list(self, items):
        return {t.type.lower() for t in items if t.type in ("FEMALE", "MALE")}

    def lead(self, items):
        if _has_grade(items):
            raise Unreadable("a grade before a window, of what follows")
        found = next((i for i in items if isinstance(i, _Quals)), None)
        quals = [q for g in found.groups for q in g if isinstance(q, str)] if found else []
        window = next(i for i in items if isinstance(i, TimeWindow))
        return ("lead", quals, window)

    def lead_at_anchor(self, items):
        """lead: AT_ANCHOR — "At the time of signing informed consent, age ≥ 18 years": what
        follows is as it is then, as if "at screening" were written after each part."""
        return ("lead_at_anchor",)

    def start(self, items):
        subject = [i for i in items if isinstance(i, tuple) and i[0] == "subject"]
        lead = next((i for i in items if isinstance(i, tuple) and i[0] == "lead"), None)
        seq = next(i for i in items if isinstance(i, _Seq))
        if any(isinstance(i, tuple) and i[0] == "lead_at_anchor" for i in items):
            for p in seq.parts:
                self._apply_post(p, ("at_anchor",))
        if lead is not None:
            for p in seq.parts:
                p.quals = lead[1] + p.quals
                if p.window is None:
                    p.window = lead[2]
        node = self._settle(seq)
        if not any(groups and all(g != [Status(field="female", span=span)] for g in groups)
                   for _, groups, span in subject):
            # ("Male participants must agree to use contraception" is asked of every man)
            node = self._contraception_applies(node)
        for _, groups, span in subject:
            node = self._restrict(node, groups, span)
        return node

    def _contraception_applies(self, node: Rule) -> Rule:
        """Contraception is asked only of patients who could conceive: "males or females not
        willing to use contraception" does not exclude a postmenopausal woman."""
        if isinstance(node, (AllOf, AnyOf)):
            if any(isinstance(i, Status) and i.field == "childbearing_potential" for i in node.items):
                return node  # "…, or women of childbearing potential not using contraception"
            return node.model_copy(update={"items": tuple(self._contraception_applies(i) for i in node.items)})
        inner = node.item if isinstance(node, Not) else node
        if not (isinstance(inner, Status) and inner.field == "contraception"):
            return node
        who = Status(field="childbearing_potential", span=node.span)
        if self.kind == "inclusion":
            return Conditional(when=who, then=node, span=node.span)
        return AllOf(items=(who, node), span=node.span)

    def if_then(self, items):
        seqs = [i for i in items if isinstance(i, _Seq)]
        when = self._settle(seqs[0])
        then = self._settle(seqs[1])
        span = _join(when.span, then.span)
        if any(isinstance(t, Token) and t.type == "THEN" and t.value == "may" for t in items):
            # "Patients with Gilbert's syndrome may have bilirubin ≤ 3 × ULN": a looser limit for
            # them, read as the limit they are held to; what else they "may have" is not required
            # of them, and in an exclusion the permission says nobody is excluded
            if self.kind == "exclusion":
                raise Unreadable("a permission for some patients, in an exclusion")
            if any(not isinstance(n, (Comparison, NormalMultiple, AllOf, AnyOf)) for n in walk(then)):
                raise Unreadable("a permission that is not a limit")
        if self.kind == "exclusion":  # "If female, pregnant": who is excluded is both
            return AllOf(items=(when, then), span=span)
        return Conditional(when=when, then=then, span=span)

    def then_if(self, items):
        """"PSA between 2.5 and 10 if 50-60 years of age": what is asked of the patients the
        condition after "if" describes (an exclusion names them: the condition and the rest)."""
        k = next(i for i, t in enumerate(items) if isinstance(t, Token) and t.type == "IF")
        node = self.start(items[:k])
        when = self._settle(items[k + 1])
        span = _join(when.span, node.span)
        if self.kind == "inclusion":
            return Conditional(when=when, then=node, span=span)
        return AllOf(items=(when, node), span=span)

    def excluded_clause(self, items):
        """"Participants with leptomeningeal disease are excluded": in an exclusion, the patients
        the clause describes; in an inclusion, a requirement not to be one of them."""
        kind, self.kind = self.kind, "exclusion"  # the clause is read as the exclusion it states
        try:
            node = self.start([i for i in items if not (isinstance(i, Token) and i.type == "EXCLUDED")])
        finally:
            self.kind = kind
        return node if kind == "exclusion" else Not(item=node, span=node.span)

    def seen_on(self, items):
        """start: SEEN_ON seq — "ECG evidence of ischemia or arrhythmia": in an exclusion, the
        conditions, with the words on how they are seen kept beside them (a patient with none is
        decided, one with any waits for the tracing to be read)."""
        if self.kind != "inclusion" and isinstance(items[1], _Seq):
            node = self.start(items[1:])
            if all(isinstance(n, HasCondition) and not n.qualifiers and n.window is None
                   for n in walk(node) if not isinstance(n, (AnyOf, AllOf))):
                return AllOf(items=(node, self._words_of(items[0])), span=node.span)
        raise Unreadable("what a tracing shows, said of what is not a condition, or asked for")

    def allowance(self, items):
        seq = next(i for i in items if isinstance(i, _Seq))
        return Allowance(seq)

    def either_eye_heading(self, items):
        """start: ANY_EYE COLON seq — "In either eye: uveitis or …": what either eye has, the
        patient has; a value, though, may be the other eye's."""
        node = self.start([i for i in items if not isinstance(i, Token)])
        if any(isinstance(n, _MEASURE_NODES) for n in walk(node)):
            raise Unreadable("values in either eye")
        return node

    # --- settling a sequence into one rule
    def _restrict(self, node: Rule, groups: list[list[Rule]], span: Span | None) -> Rule:
        if not groups:
            return node
        if len(groups) == 1:
            who = groups[0]
        else:
            who = [AnyOf(items=tuple(g[0] if len(g) == 1 else AllOf(items=tuple(g), span=span) for g in groups),
                         span=span)]
        when = who[0] if len(who) == 1 else AllOf(items=tuple(who), span=span)
        # An inclusion asks something OF these patients; an exclusion names them.
        if self.kind == "inclusion":
            return Conditional(when=when, then=node, span=_join(span, node.span))
        if isinstance(node, AllOf) and set(who) & set(node.items):
            # (once: "women planning to become pregnant" is female and, said of a woman, planning)
            said = set(node.items)
            return AllOf(items=(*(w for w in who if w not in said), *node.items), span=_join(span, node.span))
        return AllOf(items=(*who, node), span=_join(span, node.span))

    def _grade(self, bound: _GradeBound, concept: str | None) -> Grade:
        """The grades that count (above the limit of an "at most", which the caller negates), of a
        condition the CTCAE grades: one marked so, or any but a tumour where the criterion names
        the scale ("grade 3 glioma" is the tumour's grade, "grade 3 hypertension" ESH's)."""
        found = self.vocab.lookup(concept) if concept else None
        if found is None or not (found.ctcae or bound.named and not any(
                self.vocab.is_a(found.id, c) for c in _NOT_ADVERSE_EVENTS)):
            raise Unreadable("a grade not on the CTCAE scale")
        return Grade(low=bound.high + 1) if bound.low == 0 else Grade(low=bound.low, high=bound.high)

    def _entity_node(self, terminal, concept, quals, window, excluding, dose, span, negated_dose=False,
                     lasting=None, dose_bound=None, grade: _GradeBound | None = None) -> Rule:
        dropped = {x for x in quals if x not in _ENTITY_QUALS[terminal]} - _NOT_QUALIFIERS
        if dropped:
            # "newly diagnosed claudication": a qualifier the node cannot carry changes what is asked
            raise Unreadable(f"qualifier {sorted(dropped)} on a {terminal}")
        q = tuple(dict.fromkeys(x for x in quals if x in _ENTITY_QUALS[terminal]))
        exc = tuple(excluding)
        if lasting is not None and terminal not in ("COND", "MED"):
            raise Unreadable(f"how long a {terminal} lasted")
        if terminal == "COND" and "new" in q and (window is None or window.direction != "past"):
            raise Unreadable("a new diagnosis without saying since when")  # "newly diagnosed claudication"
        if window is not None and window.half_lives is not None and terminal != "MED":
            if window.whichever != "longer":
                raise Unreadable("half-lives of what is not a drug")
            # "an investigational drug or device within 30 days or 5 half-lives, whichever is
            # longer": a device has no half-life, so the days are the longer for it
            window = window.model_copy(update={"half_lives": None, "whichever": None})
        if exc and terminal == "PROC":
            raise Unreadable("an exception to a procedure")  # "surgery, excluding appendectomy"
        if grade is not None and terminal != "COND":
            raise Unreadable(f"a grade of a {terminal}")
        if terminal == "COND":
            return HasCondition(concept=concept, qualifiers=q, excluding=exc, window=window, lasting=lasting,
                                grade=self._grade(grade, concept) if grade is not None else None, span=span)
        if terminal == "MED":
            return TookMedication(concept=concept, qualifiers=q, excluding=exc, dose=dose, dose_bound=dose_bound,
                                  window=window, lasting=lasting, span=span)
        if terminal == "PROC":
            return HadProcedure(concept=concept, qualifiers=q, window=window, span=span)
        if terminal == "VACC":
            return Vaccinated(concept=concept, qualifiers=q, excluding=exc, window=window, span=span)
        raise Unreadable(terminal)

    def _listed(self, seq: _Seq) -> _Seq:
        """"One of the following solid tumors: brain tumors; osteosarcoma; …": after "one of
        the following", the names before the colon say what the listed items are; the items are
        the choice. A head that is not a class of every item is not understood."""
        if "colon" not in seq.seps:
            return seq
        k = seq.seps.index("colon")
        head, tail = seq.parts[: k + 1], seq.parts[k + 1:]
        classes = [p.concept for p in head if p.terminal is not None and p.concept]
        if len(classes) != len(head) or not tail or not all(
                p.concept and all(self.vocab.is_a(p.concept, c) for c in classes) for p in tail):
            raise Unreadable("a list whose heading does not name what its items are")
        return _Seq(tail, seq.seps[k + 1:], seq.span, seq.none_of)

    def _examples(self, seq: _Seq) -> _Seq:
        """"other autoimmune diseases apart from SLE: dermatomyositis, scleroderma, etc." — the
        list after the colon only gives examples of the class before it."""
        k = seq.seps.index("colon")
        head, tail = seq.parts[: k + 1], seq.parts[k + 1:]
        classes = [p.concept for p in head if p.terminal is not None and p.concept]
        if not classes or not all(p.concept and any(self.vocab.is_a(p.concept, c) for c in classes) for p in tail):
            raise Unreadable("a colon that does not introduce examples")
        if any(p.negated for p in tail) and not all(p.negated for p in head):
            # "Cardiovascular: no congestive heart failure": what follows is what is asked, not
            # examples of the head
            raise Unreadable("a negation around a colon")
        return _Seq(head, seq.seps[:k], seq.span)

    def _groups(self, seq: _Seq) -> Rule:
        """Each group of a list that ", and" parts, settled on its own: all of them hold."""
        return AllOf(items=tuple(self._settle(g) for g in _split(seq, "comma_and")), span=seq.span)

    def _alternatives(self, seq: _Seq) -> Rule:
        """Each alternative of a list that "or" parts, settled on its own: any of them holds."""
        return AnyOf(items=tuple(self._settle(g) for g in _split(seq, "or")), span=seq.span)

    def _nodes(self, seq: _Seq) -> list[Rule]:
        _share_grade(seq)
        elliptic = [p for p in seq.parts if p.elliptic is not None]
        _distribute(seq, self.kind)
        for p in elliptic:
            if isinstance(p.node, Comparison) and p.node.unit is not None and p.node.concept != "age":
                # an elliptic threshold took its measure from the one before, unchecked: "FEV1 ≥ 40%
                # and ≤ 8 L" (the others were checked as they were read)
                try:
                    canonical_value(p.node.value, p.node.unit, self.vocab.get(p.node.concept), STANDARD_BODY_SURFACE)
                except UnitError as error:
                    raise UnitMismatch(str(error), p.span or seq.span) from error
        return [self._part_node(p, seq) for p in seq.parts if not p.unconstrained]

    def _part_node(self, p: _Part, seq: _Seq) -> Rule:
        if p.remission is not None:
            if p.terminal != "COND" or p.node is not None or p.window is not None or p.lasting is not None \
                    or p.negated or p.counts or len(seq.parts) > 1:
                raise Unreadable("a remission of what is not one condition")
            # "prior malignancy unless in remission for ≥ 5 years": one that went on within the
            # last 5 years (an entry's end is when it was over)
            p.window = p.remission
        _dated_diagnosis(p)
        if p.counts:
            if p.grade is not None:
                raise Unreadable("a count of graded episodes")
            return self._episode_count(p)
        at_most = p.grade is not None and p.grade.low == 0
        if p.grade is not None and (p.terminal != "COND" or p.node is not None or p.definition is not None
                                    or p.values or p.variant_windows):
            raise Unreadable("a grade of what is not a condition")
        if at_most and (self.kind != "inclusion" or p.negated):
            # "neuropathy ≤ grade 1" asks that none be worse; listed as an exclusion it would
            # exclude the patient with none
            raise Unreadable("a grade at most, other than as a requirement")
        if p.values and p.terminal != "COND":
            raise Unreadable("values after what is not a condition")
        if p.variant_windows and (p.node is not None or p.definition is not None or p.terminal == "QUALITATIVE"):
            raise Unreadable("a window of one qualifier on what has no qualifiers")
        if p.negated and p.lasting is not None and p.window is None and p.lasting.op in (">=", ">"):
            # "non-smokers for at least 6 months": none in the last 6 months, not "no smoking
            # habit that lasted 6 months" (which would fail a smoker who quit years ago)
            p.window = TimeWindow(amount=p.lasting.amount, unit=p.lasting.unit)
            p.lasting = None
            # "not using X for at least 3 months": stopped a month ago is not "not using" then
            p.quals = [q for q in p.quals if q != "current"]
        examples = _examples(p)
        if examples:
            # "inner ear disease (BPPV, vestibular neuritis, etc.)", "anticancer treatment
            # (chemotherapy, radiotherapy) within 4 weeks": the head, its examples besides
            p.definition = None
        if p.node is not None and (p.including or p.excluding and not _numeric(p.node)):
            raise Unreadable("an exception to a test result")  # "positive drug screen other than cannabis"
        if p.definition is not None and p.node is not None and _numeric(p.node):
            if not all(isinstance(n, _MEASURE_NODES + _LOGIC_NODES) for n in walk(p.definition)):
                raise Unreadable("a parenthesis after a limit that is not another limit")
            # "ECOG ≤ 2 (Karnofsky ≥ 60%)": the same asked on another scale; either will do for an
            # inclusion, and an exclusion needs both (one scale alone may not be what was meant)
            pair = (p.node, p.definition)
            node = AnyOf(items=pair, span=p.span) if self.kind == "inclusion" else AllOf(items=pair, span=p.span)
        elif p.definition is not None:
            if not set(p.quals + [q for v in p.variants for q in v]) <= _DEFINABLE:
                # "uncontrolled or symptomatic hypercalcemia (calcium > 12 mg/dL)": the values
                # define hypercalcemia, not its being uncontrolled
                raise Unreadable("a qualifier the definition does not cover")
            if any(isinstance(n, (HasCondition, TookMedication, HadProcedure, Vaccinated)) for n in walk(p.definition)) \
                    and (p.window is not None or p.lasting is not None or len(list(walk(p.definition))) > 1):
                # "anticancer treatment (chemotherapy, radiotherapy) within 4 weeks": the list
                # gives examples of the head, and the head's window and list sense would be lost
                raise Unreadable("examples in place of the name they illustrate")
            node = p.definition
        elif p.node is not None and "planned" in p.quals and isinstance(p.node, Status) \
                and p.node.field == "pregnant":
            # "planning to become pregnant during the study": an intention a coordinator records
            if p.window is not None and p.window.direction != "future":
                raise Unreadable("a planned pregnancy in the past")
            node = HasAttribute(concept="plans_pregnancy", span=p.node.span)
        elif p.node is not None:
            node = p.node
            if isinstance(node, _MEASURE_NODES) and p.lasting is not None:
                # "≤ 2 mg/dL for patients over 65 years": how long a value lasted is not what the
                # latest value says (and here the words were not about a duration at all)
                raise Unreadable("a duration on a measured value")
            if isinstance(node, _MEASURE_NODES) and (set(p.quals) - _MEASURE_QUALS or p.variants or p.diagnosed):
                # "change in body weight > 5 kg", "history of HbA1c > 10%", "recurrent potassium
                # > 5.5", "age under 70 at diagnosis": not the latest value, which is all a limit
                # on a measure reads
                raise Unreadable("a qualifier on a measured value")
            if isinstance(node, AllOf) and any(isinstance(n, Category) for n in node.items) \
                    and (set(p.quals) - {"history"} or p.variants or p.diagnosed and p.window is not None):
                # "active stage IV melanoma", "newly diagnosed stage III NSCLC": the qualifier is
                # of the cancer, which the stage beside it would leave unqualified
                raise Unreadable("a qualifier on a staged condition")
            intends = isinstance(node, HasAttribute) and node.concept == "plans_pregnancy" \
                and set(p.quals) <= {"planned"} and (p.window is None or p.window.direction == "future")
            if isinstance(node, HasAttribute) and not intends and (set(p.quals) - {"current"} or p.window is not None):
                # "history of shift work" is not being a shift worker now
                raise Unreadable("a time on a fact recorded as it is now")
            if p.window is not None and not p.dated_test and not intends:
                node = _with_window(node, p.window)
        elif p.terminal == "QUALITATIVE":
            # a test named in a list of findings ("… and/or cylindruria") is a positive finding
            node = Category(concept=p.concept, values=("positive",), window=p.window, span=p.span)
        elif p.terminal is not None:
            # "another malignancy", "other autoimmune diseases": other than the disease the trial
            # studies, which only the trial can say (compile_trial excepts it); until then the
            # qualifier "other" leaves the patient's conditions of the class undecided. (A drug
            # "other" than the study's is any such drug: the patient is not yet on the study drug.)
            other_than_studied = p.terminal == "COND" and not p.excluding \
                and any("other" in q for q in [p.quals, *p.variants]) and not any(
                    q is not p and q.concept and self.vocab.lookup(q.concept) and p.concept
                    and self.vocab.is_a(q.concept, p.concept) for q in seq.parts)
            if "equivalent" in p.quals and p.terminal == "MED" and p.concept is not None \
                    and self.vocab.get(p.concept).prednisone_equivalent is None:
                # "prednisone > 0.5 mg/kg/day (or equivalent)": needs a dose equivalence table
                raise Unreadable("equivalent of what?")
            if p.concept is not None and self.vocab.get(p.concept).covers \
                    and not (p.terminal == "MED" and (p.window is not None or "current" in p.quals)) \
                    and not any(set(v) & _NARROWING for v in ([p.quals + v for v in p.variants] or [p.quals])):
                # "history of medical illness": any illness at all is not what a list means by it
                raise Unreadable("a general head with nothing to narrow it")
            if _FAMILY & set(p.quals + [q for v in p.variants for q in v]):
                return self._family(p)
            variants = [p.quals + v for v in p.variants] or [p.quals]
            variants = [[*(q for q in v if q != "other"), *(["other"] if other_than_studied else [])]
                        for v in variants]
            own = [e for e in p.excluding if _KIND_TERMINALS.get(self.vocab.get(e.concept).category) == p.terminal]
            if len(own) < len(p.excluding):
                # "arrhythmia requiring anti-arrhythmics (excluding beta blockers or digoxin)": the
                # exception is the drug's; on the condition it would mean nothing
                if not (p.requiring and len(p.requiring) == 1 and not own):
                    raise Unreadable("an exception of another kind than what it follows")
                p.requiring = [p.requiring[0].model_copy(update={"excluding": tuple(p.excluding)})]
            windows = p.variant_windows or [p.window] * len(variants)
            if p.variant_windows and (p.window is not None or p.requiring):
                raise Unreadable("a window of one qualifier beside another or a shared one")
            nodes = [self._entity_node(p.terminal, p.concept, q, w, own, p.dose, p.span,
                                       lasting=p.lasting, dose_bound=p.dose_bound, grade=p.grade)
                     for q, w in zip(variants, windows)]
            node = nodes[0] if len(nodes) == 1 else AnyOf(items=tuple(nodes), span=p.span)
            included = [c for c in p.including if _KIND_TERMINALS.get(self.vocab.get(c).category) == p.terminal]
            if len(included) < len(p.including) and not (p.requiring and all(
                    any(r.concept is not None and self.vocab.is_a(c, r.concept) for r in p.requiring
                        if isinstance(r, TookMedication | HadProcedure))
                    for c in p.including if c not in included)):
                # "… including chemotherapy" after a condition names examples of something else;
                # after "requiring systemic treatment", of the treatment, which they only repeat
                raise Unreadable("examples of another kind than what they follow")
            if included or examples:
                named = [(p.terminal, c) for c in included] + examples
                # "diabetic complications such as retinopathy or neuropathy": after a class of a
                # disease's manifestations, an example broader than the class that holds some of
                # them names those loosely (the retinopathy of diabetes); an exclusion reads the
                # class alone (any retinal disease would exclude too many), an inclusion both
                members = [d for d in self.vocab.descendants(p.concept)
                           if d != p.concept and p.concept in self.vocab.get(d).is_a]
                manifestations = bool(members) and all(self.vocab.get(d).manifestation_of for d in members)
                loose = {c for _, c in named if self.kind == "exclusion" and manifestations
                         and not self.vocab.is_a(c, p.concept)
                         and any(self.vocab.is_a(d, p.concept) for d in self.vocab.descendants(c))}
                if any(c in self._narrowed_items for _, c in named
                       if not self.vocab.is_a(c, p.concept) and c not in loose):
                    # "opportunistic infection (e.g. systemic fungal infection)": read without its
                    # "systemic", the example would reach a patient with athlete's foot
                    raise Unreadable("an example narrowed by words its reading would drop")
                extra = [self._entity_node(terminal, c, q, w, (), None, p.span, lasting=p.lasting, grade=p.grade)
                         for terminal, c in named if not self.vocab.is_a(c, p.concept) and c not in loose
                         for q, w in zip(variants, windows)]
                if extra:
                    node = AnyOf(items=(node, *extra), span=p.span)
            if "stable" in p.quals and p.window is not None:
                # "a stable dosage … for < 6 months prior to screening": how long it has been
                # stable, which a window does not say
                raise Unreadable("a window on a stable dose")
            if p.requiring:
                if p.concept is not None and self.vocab.get(p.concept).covers:
                    # "comorbidities requiring corticosteroids": the patient's other illnesses
                    # and the drug would be joined without knowing what the drug is for
                    raise Unreadable("a treatment required by an unnamed condition")
                needed = p.requiring
                loose = False  # the treatment's time not tied to the condition's
                if p.window is not None:
                    # "exacerbation requiring systemic corticosteroids in the past 3 months": the
                    # treatment was needed then, not necessarily now
                    needed = [r.model_copy(update={"qualifiers": tuple(q for q in r.qualifiers if q != "current"),
                                                   "window": p.window}) for r in needed]
                elif all("history" in q for q in variants):
                    # "a history of pneumonitis that required steroids": then, too; but a drug had
                    # at any time may have been for anything, so a patient with both waits for a
                    # coordinator to say it was for this (the words are kept)
                    needed = [r.model_copy(update={"qualifiers": tuple(dict.fromkeys(
                        "history" if q == "current" else q for q in r.qualifiers))}) for r in needed]
                    loose = True
                if p.requiring_any:
                    needed = [AnyOf(items=tuple(needed), span=p.span)]
                if loose and p.requiring_words is not None:
                    needed = [*needed, p.requiring_words]
                node = AllOf(items=(node, *needed), span=p.span)
                if p.requiring_own:
                    qualified = [self._entity_node(p.terminal, p.concept, q + p.requiring_own, w, own, p.dose,
                                                   p.span, lasting=p.lasting, dose_bound=p.dose_bound,
                                                   grade=p.grade)
                                 for q, w in zip(variants, windows)]
                    node = AnyOf(items=(*qualified, node), span=p.span)
            if p.values:
                node = AllOf(items=(node, *p.values), span=p.span)
        else:
            raise Unreadable("nothing to say")
        if p.shown_by:
            if p.terminal != "COND" or p.node is not None or p.window is not None or p.values \
                    or any(n is None for n in p.shown_by):
                raise Unreadable("a result shown for what is not a condition now")
            node = AnyOf(items=(node, *p.shown_by), span=p.span)
        if p.linked:
            if p.terminal != "COND" or p.node is not None or p.excluding or p.including or p.alternative is not None \
                    or p.caveats or p.unless or p.sites or len(seq.parts) > 1:
                # "neutropenia or fever due to …", "ALT > 3 × ULN due to …": of which item, or a
                # cause that a limit's exception would say
                raise Unreadable("a cause of what is not one condition")
            # "macular edema secondary to BRVO": a patient without either is decided; one with
            # both waits for a coordinator to say that one comes from the other
            node = AllOf(items=(node, *p.linked), span=p.span)
        if p.sites:
            if p.terminal not in ("COND", "PROC") or p.node is not None or p.excluding or p.alternative is not None \
                    or p.caveats or p.unless or len(seq.parts) > 1:
                # "glaucoma or ocular hypertension in the study eye": whether the site is said of
                # every item the list does not tell
                raise Unreadable("a site of what is not one condition or procedure")
            # "uncontrolled glaucoma in the study eye": a patient without it is decided, one with
            # it waits for a coordinator to say which eye
            node = AllOf(items=(node, *p.sites), span=p.span)
        if p.any_eye and p.node is not None:
            if not isinstance(p.node, Comparison) or p.negated or len(seq.parts) > 1:
                raise Unreadable("either eye of what is not one value")
            # "IOP > 25 mmHg in either eye": the value recorded may be the other eye's, so one that
            # meets the limit settles it and one that misses it waits for a coordinator
            node = AnyOf(items=(node, *p.any_eye), span=p.span)
        if p.caveats:
            # ("progressed on or after prior X": the treatment had, and the words on it)
            had = p.node is None and p.terminal == "MED" and "history" in p.quals and p.window is None \
                and p.dose is None and not p.variants
            if p.negated or p.excluding or p.alternative is not None or not (had or p.node is not None
                                                                              and _numeric(p.node)):
                raise Unreadable("a caveat on what is not a limit")
            # "platelets ≥ 100,000/mm3 (transfusion independent)": the latest value meeting the
            # limit is not enough, and one that misses it settles the criterion
            node = AllOf(items=(node, *p.caveats), span=p.span)
        if p.unless and p.node is None:
            if p.terminal != "MED" or p.excluding or p.including or p.alternative is not None or p.caveats \
                    or p.sites or p.linked or len(seq.parts) > 1:
                raise Unreadable("an exception in words to what is not one drug")
            # "systemic corticosteroids except for treatment of raised intracranial pressure": the
            # drug counts only where the words do not hold, which a coordinator settles (a patient
            # not taking it is decided)
            node = AllOf(items=(node, *(Not(item=u, span=u.span) for u in p.unless)), span=p.span)
        elif p.unless:
            if p.excluding or p.caveats or p.alternative is not None or p.node is None or not _numeric(p.node):
                raise Unreadable("an exception in words to what is not a limit")
            # the limit ("outside the normal range": negated) binds only where the words do not
            # hold, which a coordinator settles: a value that meets it passes an inclusion, one
            # that does not exceed it an exclusion
            limit = Not(item=node, span=node.span) if p.negated else node
            if self.kind == "inclusion":
                return AnyOf(items=(limit, *p.unless), span=p.span)
            return AllOf(items=(limit, *(Not(item=u, span=u.span) for u in p.unless)), span=p.span)
        if p.alternative is not None:
            if p.negated or p.excluding or p.node is None or not _numeric(p.node):
                raise Unreadable("another limit for what?")
            node = self._alternative(node, *p.alternative)
        if p.node is not None and p.excluding:
            if p.negated:
                raise Unreadable("a negated limit with an exception")
            return self._unless(node, p.excluding)
        if at_most:
            # "peripheral neuropathy ≤ grade 1": none of a higher grade (none at all will do)
            node = Not(item=node, span=node.span)
        if isinstance(node, Status) and node.field == "consent" and (p.negated or p.willing or p.compliance):
            # "unable to give informed consent", "willing to comply with follow-up": whether the
            # patient can and will, which one who has not signed yet (as at pre-screening) may well
            node = HasAttribute(concept="able_to_comply" if p.compliance else "able_to_consent", span=node.span)
        if p.negated:
            node = Not(item=node, span=node.span)
        return node

    def _episode_count(self, p: _Part) -> Rule:
        """"At least 2 COPD exacerbations requiring hospitalization in the past year": bounds on
        how many episodes, each with the qualifiers (a "history of" adds nothing to a count)."""
        quals = [q for q in p.quals if q != "history"]
        if set(quals + p.either) - _COUNTED_QUALS or p.variants or p.negated or p.lasting or p.excluding \
                or p.including or p.values or p.definition or p.dose or p.alternative or p.requiring_own:
            raise Unreadable("more than a count of episodes says")
        if p.window is not None and (p.window.direction != "past" or p.window.half_lives is not None):
            raise Unreadable("episodes to come")
        requiring: Rule | None = None
        if p.requiring:
            # what each episode needed, then (not now)
            needed = [r.model_copy(update={"qualifiers": tuple(q for q in r.qualifiers if q != "current")})
                      for r in p.requiring]
            requiring = needed[0] if len(needed) == 1 else AnyOf(items=tuple(needed), span=p.span)
        nodes = [EpisodeCount(concept=p.concept, qualifiers=tuple(dict.fromkeys(quals)), either=tuple(p.either),
                              requiring=requiring, op=op, count=int(n), window=p.window, span=p.span)
                 for op, n in p.counts]
        return nodes[0] if len(nodes) == 1 else AllOf(items=tuple(nodes), span=p.span)

    def _family(self, p: _Part) -> Rule:
        """"Family history of X": a relative's X; "personal or family history of X": the
        patient's own history of X or a relative's. Anything more said of it (a window, a
        qualifier, an exception, which relative) is not what a family history records."""
        quals = set(p.quals)
        if p.terminal != "COND" or p.concept is None or p.variants or quals - _FAMILY \
                or p.window or p.lasting or p.excluding or p.including or p.requiring or p.dose or p.definition \
                or p.grade:
            raise Unreadable("more than a family history records")
        first_degree = bool(quals & {"family_first_degree", "in_first_degree"})
        family = FamilyHistory(concept=p.concept, first_degree=first_degree, span=p.span)
        node: Rule = family
        if "own_or_family" in p.quals:
            own = HasCondition(concept=p.concept, qualifiers=("history",), span=p.span)
            node = AnyOf(items=(own, family), span=p.span)
        return Not(item=node, span=p.span) if p.negated else node

    def _alternative(self, node: Rule, measure: str | None, op: str, value: tuple, who: Rule) -> Rule:
        """The limit ``node`` (A), and another one (B) for the patients ``who`` describes (C): the
        statement is (not C and A) or (C and B). Where B reaches wider than A in an inclusion
        this is "A or (C and B)", and where it reaches less wide in an exclusion "A and (not C or
        B)" — the same, and decided even when C is unknown but A settles it."""
        found = with_limit(node, measure, op, value, self.vocab) or self._in_other_terms(node, measure, op, value)
        if found is None:
            raise Unreadable("another limit of a different kind")
        other, wider = found
        span = node.span
        if self.kind == "inclusion" and wider:
            return AnyOf(items=(node, AllOf(items=(who, other), span=span)), span=span)
        if self.kind == "exclusion" and not wider:
            return AllOf(items=(node, AnyOf(items=(Not(item=who, span=span), other), span=span)), span=span)
        return AnyOf(items=(AllOf(items=(Not(item=who, span=span), node), span=span),
                            AllOf(items=(who, other), span=span)), span=span)

    def _in_other_terms(self, node: Rule, measure: str | None, op: str, value: tuple) -> tuple[Rule, bool] | None:
        """"Bilirubin ≤ 1.5 × ULN (< 3 mg/dL for Gilbert's syndrome)": another limit on the one
        value, the same way, in terms that do not compare with the first (a multiple of the normal
        limit and a quantity). It is taken as the looser one, which is what a limit for some
        patients is written for: held to the other as well, they would fail by it."""
        if not isinstance(node, (Comparison, NormalMultiple)) or measure not in (None, node.concept) \
                or not same_side(op, node.op):
            return None
        other = self._measure_node(node.concept, op, value, node.span)
        if type(other) is type(node):
            return None  # the same terms: with_limit has judged them
        return other, True

    def _unless(self, node: Rule, excluding: Sequence[Exemption]) -> Rule:
        """"Bilirubin ≤ 1.5 × ULN unless due to Gilbert's syndrome": the limit does not bind a
        patient who has the condition (or is on the drug) the exception names."""
        exempt: list[Rule] = []
        for e in excluding:
            terminal = self._exemption_terminals.get(e.concept)
            if e.qualifiers or terminal not in ("COND", "MED"):
                raise Unreadable("an exception that is not a condition or a drug")
            exempt.append(HasCondition(concept=e.concept, span=node.span) if terminal == "COND" else
                          TookMedication(concept=e.concept, qualifiers=("current",), span=node.span))
        who = exempt[0] if len(exempt) == 1 else AnyOf(items=tuple(exempt), span=node.span)
        if self.kind == "inclusion":
            return AnyOf(items=(node, who), span=node.span)
        return AllOf(items=(node, Not(item=who, span=node.span)), span=node.span)

    def _settle(self, seq: _Seq) -> Rule:
        if "colon" in seq.seps:
            seq = self._examples(seq)
        if self.kind == "inclusion" and "or" in seq.seps and "comma_and" in seq.seps:
            # "not pregnant or breastfeeding, and using contraception": ", and" joins the groups
            return self._groups(seq)
        if "with" in seq.seps and "or" in seq.seps and set(seq.seps) <= {"or", "with"}:
            # "ferritin < 100 ng/mL or ferritin 100–300 ng/mL with TSAT < 20%": "with" binds
            # the value after it to the one before, and "or" offers the pairs
            return self._alternatives(seq)
        if any(p.risk for p in seq.parts[:-1]):
            # "high risk of bleeding or stroke": the risk may be of both
            raise Unreadable("a list after a risk")
        if any(p.terminal == "COND" for p in seq.parts) and any(
                p.terminal == "PROC" and p.concept and not self.vocab.get(p.concept).is_a and not p.described
                and len(self.vocab.descendants(p.concept)) > _BROAD_CLASS for p in seq.parts):
            # "coronary artery disease, angina or surgery": the surgery is for those conditions,
            # not any operation at all (but "… or currently on dialysis" says its own)
            raise Unreadable("a bare procedure class among conditions")
        nodes = list(dict.fromkeys(self._nodes(seq)))  # "signed consent and complied" says consent once
        if not nodes:
            raise Unreadable("no constraint")
        seps = [s for s, p in zip(seq.seps, seq.parts[1:]) if not p.unconstrained] or ["and"]
        if len(nodes) == 1:
            return nodes[0]
        span = seq.span
        if seq.none_of:
            return AllOf(items=tuple(nodes), span=span)
        if set(seps) <= {"or", "comma"} and "or" in seps:
            return AnyOf(items=tuple(nodes), span=span)
        if "or" in seps:
            if self.kind == "exclusion":  # any of anything: the grouping cannot change the verdict
                return AnyOf(items=tuple(flatten_any(nodes)), span=span)
            raise Unreadable("'and' and 'or' mixed in one list")
        # A list joined by "and" or commas: in an exclusion, each named item of one kind
        # excludes ("hepatitis B, hepatitis C and HIV"); items of different kinds describe one
        # case together ("infection requiring hospitalization and IV antibiotics").
        # ("Women who are pregnant, and women of childbearing potential not using contraception":
        # the women who could conceive are one more item of a list about being pregnant)
        kinds = {"STATUS" if k == "CHILDBEARING" else k for k in (_kind_of(p) for p in seq.parts if not p.unconstrained)}
        # "prior stroke and concomitant diabetes": an item described in its own words after
        # "and" is a second requirement on one patient, not another member of a list
        described = any(p.described for p in seq.parts[1:] if not p.unconstrained)
        if self.kind == "exclusion" and len(kinds) == 1 and not described and "with" not in seps \
                and not _bounds_of_one_value(nodes) and not self._tests_of_one_infection(nodes):
            return AnyOf(items=tuple(nodes), span=span)
        return AllOf(items=tuple(nodes), span=span)

    def _tests_of_one_infection(self, nodes: list[Rule]) -> bool:
        """Whether the items of an "and" list are results of tests for one infection ("positive HCV
        antibody and detectable HCV RNA"): together they describe one case, a current infection,
        and either alone (antibodies after a cured infection) is not it. A list in which only some
        items share an infection ("HBsAg, anti-HBc and HCV antibody") could be read either way."""
        infections = []
        for node in nodes:
            leaf = node.item if isinstance(node, Not) else node  # ("… and HCV RNA not negative")
            concept = self.vocab.concepts.get(getattr(leaf, "concept", None) or "")
            infections.append(set(concept.detects) if concept is not None else set())
        shared = set.intersection(*infections)
        if len(nodes) > 1 and shared:
            return True
        if any(a & b for k, a in enumerate(infections) for b in infections[k + 1:]):
            raise Unreadable("results of tests for one infection listed with others")
        return False



def _count_range(items: list, what: str) -> list[tuple[str, float]]:
    """The bounds of "1-3 prior lines", "between 2 and 10 crises": counts, so no unit."""
    low, high = (i for i in items if isinstance(i, tuple))
    if low[0] != "quantity" or high[0] != "quantity" or low[2] or high[2]:
        raise Unreadable(f"a range of {what} with a unit")
    return [(">=", float(low[1])), ("<=", float(high[1]))]


def _upper_op(items: list) -> str:
    """The comparator of a range's upper bound: "18 to < 65" is below 65, "18-65" up to it."""
    written = [i for i in items if isinstance(i, str) and not isinstance(i, Token)]
    if written and written[0] not in ("<", "<="):
        raise Unreadable("a range whose upper bound is not an upper bound")
    return written[0] if written else "<="

# Conditions that no CTCAE grade is said of, even where the criterion names the scale.
_NOT_ADVERSE_EVENTS = ("neoplasm", "premalignant_lesion")
# Words read among qualifiers that are handled elsewhere ("other" names a class less its members).
_NOT_QUALIFIERS = {"other"}
_EXEMPTION_QUALS = {"secondary", "treated", "active", "history"}
# What makes a general head ("medical condition") a list can screen for: serious, uncontrolled…
_NARROWING = {"severe", "uncontrolled", "recent", "hospitalized", "refractory", "end_stage", "life_threatening",
              "decompensated"}
# What can be told of each episode a count counts, from its condition entry.
_COUNTED_QUALS = {"severe", "moderate", "mild", "hospitalized", "life_threatening"}
# What an allowance can exempt, by the terminal that names it.
_EXEMPTED = {"COND": HasCondition, "MED": TookMedication, "VACC": Vaccinated}
# The setting of a treatment ("adjuvant chemotherapy", "first-line therapy"), known from a note.
_SETTINGS = {"adjuvant", "neoadjuvant", "palliative", "curative", "prophylactic", "therapeutic", "maintenance",
             "induction", "first_line", "second_line"}
_ENTITY_QUALS = {
    "COND": {"active", "history", "current", "recurrent", "severe", "uncontrolled", "secondary", "hospitalized",
             "planned", "refractory", "treated", "moderate", "symptomatic", "chronic", "mild",
             "metastatic", "advanced", "unresectable", "relapsed", "untreated", "primary", "recent", "new", "end_stage",
             "decompensated", "life_threatening", "progressing", "requiring_treatment", "other"},
    "MED": {"active", "history", "current", "intravenous", "new", "dose_change", "planned", "refractory",
            "responded", "intolerant", "allergic", "equivalent", "oral", "systemic", "recent", "stable", "chronic", *_SETTINGS},
    "PROC": {"history", "current", "planned", "new", "recent", *_SETTINGS},
    "VACC": {"planned", "history", "new"},
}


_INDEX_COMPARE = {">": lambda i, k: i > k, ">=": lambda i, k: i >= k, "<": lambda i, k: i < k,
                  "<=": lambda i, k: i <= k}


def _normal(concept_id: str, span: Span | None) -> Rule:
    """Within the lab's own limits; for a value that is abnormal only when high, under the upper."""
    high = NormalMultiple(concept=concept_id, op="<=", factor=1, limit="ULN", span=span)
    if normal_means_not_high(concept_id):
        return high
    return AllOf(items=(high, NormalMultiple(concept=concept_id, op=">=", factor=1, limit="LLN", span=span)), span=span)


def _scale_bounds(concept: Concept, low: int, high: int, span: Span | None) -> Rule:
    """Positions ``low..high`` of a numeric ordinal scale as comparisons: a bound at the end of
    the scale says nothing and is left out ("ECOG 0 or 1" is ``ecog <= 1``)."""
    scale = concept.categories
    bounds = []
    if low > 0:
        bounds.append(Comparison(concept=concept.id, op=">=", value=float(scale[low]), span=span))
    if high < len(scale) - 1:
        bounds.append(Comparison(concept=concept.id, op="<=", value=float(scale[high]), span=span))
    if not bounds:
        raise Unreadable("every value of the scale")
    return bounds[0] if len(bounds) == 1 else AllOf(items=tuple(bounds), span=span)


def _plain_number(text: str) -> str:
    """"2" and "2.0" are the same value on a scale written "2"."""
    value = float(text)
    return str(int(value)) if value.is_integer() else str(value)


class UnitMismatch(ValueError):
    """A threshold whose unit cannot measure its analyte: a compile error that points at the words."""

    def __init__(self, message: str, span: Span | None) -> None:
        super().__init__(message)
        self.span = span


@dataclass
class _Quals:
    groups: list[list[object]]


def _has_grade(items: Iterable[object]) -> bool:
    """A grade among the qualifiers of a production that has no condition node to put it on."""
    return any(isinstance(q, _GradeBound) for i in items if isinstance(i, _Quals) for g in i.groups for q in g)


@dataclass
class _Seq:
    parts: list[_Part]
    seps: list[str]
    span: Span | None
    none_of: bool = False  # a negation at the head of the list covers every item


def _span_of(parts: list[_Part]) -> Span | None:
    spans = [p.span for p in parts if p.span is not None]
    return Span(start=min(s.start for s in spans), end=max(s.end for s in spans)) if spans else None


def _split(seq: _Seq, at: str) -> list[_Seq]:
    """The runs of a list between its separators ``at``, each a list of its own."""
    runs: list[_Seq] = []
    start = 0
    for k, sep in enumerate([*seq.seps, at]):
        if sep == at:
            parts = seq.parts[start:k + 1]
            runs.append(_Seq(parts, seq.seps[start:k], _span_of(parts)))
            start = k + 1
    return runs


@dataclass
class Allowance:
    seq: _Seq


def _join(a: Span | None, b: Span | None) -> Span | None:
    if a is None or b is None:
        return a or b
    return Span(start=min(a.start, b.start), end=max(a.end, b.end))


def flatten_any(nodes: Iterable[Rule]) -> list[Rule]:
    out: list[Rule] = []
    for n in nodes:
        out.extend(n.items if isinstance(n, AnyOf) else (n,))
    return out


def _with_window(node: Rule, window: TimeWindow) -> Rule:
    if window.half_lives is not None:
        raise Unreadable("half-lives of what is not a drug")
    if isinstance(node, (Comparison, NormalMultiple, Titre, Category, HasCondition, TookMedication, HadProcedure,
                         Vaccinated)):
        return node if node.window is not None else node.model_copy(update={"window": window})
    if isinstance(node, (AllOf, AnyOf)):
        return node.model_copy(update={"items": tuple(_with_window(i, window) for i in node.items)})
    if isinstance(node, Not):
        return node.model_copy(update={"item": _with_window(node.item, window)})
    # "pregnant within the last 6 months" is not pregnant now: a time no rule here can carry
    raise Unreadable(f"a time on {type(node).__name__}")


_LOGIC_NODES = (AllOf, AnyOf, Not, AtLeast, Conditional)
# A procedure class this large ("surgery", "imaging") named among conditions is one done for them.
_BROAD_CLASS = 12
_NODE_TERMINALS = {HasCondition: "COND", TookMedication: "MED", HadProcedure: "PROC", Vaccinated: "VACC"}
# A concept's terminal by its category; a class of conditions is read as one.
_KIND_TERMINALS = {**ENTITY_TERMINALS, "class": "COND"}


def _examples(p: _Part) -> list[tuple[str, str]]:
    """The entities a parenthesis after an entity lists, each named plainly (no qualifier, window
    or exception of its own), as (terminal, concept); empty when it is anything else."""
    if p.definition is None or p.terminal not in ("COND", "MED", "PROC", "VACC") or p.concept is None:
        return []
    found: list[tuple[str, str]] = []
    for node in walk(p.definition):
        if isinstance(node, (AnyOf, AllOf)):
            continue
        terminal = _NODE_TERMINALS.get(type(node))
        if terminal is None or node.concept is None or node.qualifiers or node.window is not None \
                or getattr(node, "excluding", ()):
            return []
        found.append((terminal, node.concept))
    return found if len(found) > 1 or p.window is not None or p.lasting is not None else []
_MEASURE_NODES = (Comparison, NormalMultiple, Titre, Category)
# A relative's history, or the patient's own or a relative's (lexicon QUAL values).
_FAMILY = {"family", "own_or_family", "family_first_degree", "in_first_degree"}
# Qualifiers a limit on a measured value can carry: the latest value is the current one.
_MEASURE_QUALS = {"current", "other"}


def _dated_diagnosis(p: _Part) -> None:
    """"Diagnosis of type 2 diabetes within 24 months": the onset lies in the window (the
    qualifier "new"), not merely the disease; "diagnosis of" with no time says no more than the
    disease, and a window shared from a later item ("a diagnosis of immunodeficiency or steroids
    within 7 days") dates that item, not the diagnosis."""
    if p.diagnosed and p.terminal == "COND" and p.window is not None and not p.shared_window \
            and "new" not in p.quals:
        p.quals.append("new")


def _kind_of(p: _Part) -> str:
    """What a list item is about (a measured value, a condition, a drug, patient status…), so
    that an exclusion's "and" is read as "any of" only between items of one kind. Drugs and
    procedures are both treatments ("corticosteroids, radiation therapy and chemotherapy")."""
    if p.childbearing:
        return "CHILDBEARING"
    if p.terminal in ("MED", "PROC"):
        return "TREATMENT"
    if p.terminal in _ENTITY_QUALS:
        return p.terminal
    if p.terminal == "QUALITATIVE":
        return "MEASURE"
    node = p.definition or p.node
    if node is None:
        return "?"
    leaves = [n for n in walk(node) if not isinstance(n, _LOGIC_NODES)]
    if leaves and all(isinstance(n, _MEASURE_NODES) for n in leaves):
        return "MEASURE"
    if leaves and all(isinstance(n, Status) and n.field in ("female", "male") for n in leaves):
        return "SEX"  # "non-pregnant females": the sex and the pregnancy are asked together
    if leaves and all(isinstance(n, Status) for n in leaves):
        return "STATUS"
    return type(leaves[0]).__name__ if leaves else "?"


def _ability(core: object) -> bool:
    """Consent and contraception: "no informed consent" excludes, as written."""
    return isinstance(core, _Part) and isinstance(core.node, Status) and core.node.field in ("consent", "contraception")


# Qualifiers that only say when: "current", "recent (within 4 weeks)", "past".
_TIMES = frozenset({"current", "active", "recent", "history"})
# What only a past can be: "active or history of recurrent infections" is not an active recurrent one.
_OF_A_PAST = frozenset({"recurrent"})


def _times_share_what_follows(groups: list[list[object]]) -> bool:
    """"Current or past uncontrolled hypertension", "active or recent serious infection": a time
    alone, or the other time followed by what the illness is — whether that reaches the first
    time too (current uncontrolled hypertension) or not (any current hypertension) is not said."""
    said = [[q for q in g if isinstance(q, (str, TimeWindow))] for g in groups]
    when_only = [all(q in _TIMES or isinstance(q, TimeWindow) for q in g) for g in said]
    return len(said) > 1 and any(when_only[:-1]) and any(
        g and (g[0] in _TIMES or isinstance(g[0], TimeWindow)) and not w
        and not all(q in _TIMES | _OF_A_PAST or isinstance(q, TimeWindow) for q in g)
        for g, w in zip(said[1:], when_only[1:]))


_UNABLE = re.compile(r"unabl|unwill|inabil|refus|not able|not willing", re.IGNORECASE)
_MODALS = frozenset({"must", "should", "shall", "may", "will", "can", "could", "would"})


def _requirement_wording(neg: Token, text: str) -> bool:
    """"must not …", "should not …", or a list item opening with "No …": words that state what
    an eligible patient is, not who is excluded."""
    if neg.value.lower() not in ("no", "not", "never"):
        return False
    before = text[:neg.start_pos].rstrip()
    words = re.findall(r"[a-z']+", before[-40:].lower())
    if neg.value.lower() == "no" and (not before or before[-1] in ".:;)-*•" or not words):
        return True
    if words and words[-1] == "be":
        words = words[:-1]
    return bool(words) and words[-1] in _MODALS


_DIRECTION = {"<": "below", "<=": "below", ">": "above", ">=": "above", "=": "at"}


def same_side(op: str, other: str) -> bool:
    """Whether two comparators bound a value on the same side ("<" and "≤", ">" and "≥")."""
    return op != "=" and _DIRECTION[op] == _DIRECTION[other]


def with_limit(node: Rule, measure: str | None, op: str, value: tuple,
                vocab: Vocabulary) -> tuple[Rule, bool] | None:
    """``node`` with the limit of every leaf (of ``measure``, if named) set to ``op value``, and
    whether that reaches wider; None when it is not the same kind of limit in the same direction
    (or not a different one)."""
    if isinstance(node, (AllOf, AnyOf)):
        found = [with_limit(i, measure, op, value, vocab) for i in node.items]
        if any(f is None for f in found):
            return None
        changed = [f for f, i in zip(found, node.items) if f is not None and f[0] != i]
        if not changed or len({wider for _, wider in changed}) != 1:
            return None
        return node.model_copy(update={"items": tuple(f[0] for f in found if f is not None)}), changed[0][1]
    if not isinstance(node, (Comparison, NormalMultiple)):
        return None
    if measure is not None and node.concept != measure:
        return node, False
    if _DIRECTION[op] != _DIRECTION[node.op]:
        return None
    kind, number, unit = value
    if isinstance(node, NormalMultiple):
        if kind != node.limit:
            return None
        new: Rule = node.model_copy(update={"op": op, "factor": number})
        old_value, new_value = node.factor, number
    else:
        if kind != "quantity" or node.concept == "age":
            return None
        unit = unit or node.unit
        try:
            concept = vocab.get(node.concept)
            old_value = canonical_value(node.value, node.unit, concept)
            new_value = canonical_value(number, unit, concept)
        except (UnitError, KeyError):
            return None
        new = node.model_copy(update={"op": op, "value": number, "unit": unit})
    if new_value == old_value:
        return None
    return new, (new_value > old_value if op in ("<", "<=") else new_value < old_value)


def _bounds_of_one_value(nodes: Sequence[Rule]) -> bool:
    """"SLEDAI ≥ 4 and ≤ 10": limits on one value joined by "and" make a range, even in an
    exclusion (read as "any of", the two would exclude everyone)."""
    concepts = {n.concept for n in nodes if isinstance(n, (Comparison, NormalMultiple))}
    return len(concepts) == 1 and all(isinstance(n, (Comparison, NormalMultiple)) for n in nodes)


def _numeric(node: Rule) -> bool:
    """A numeric limit, or a list of them: what an "unless …" exception may lift."""
    leaves = [n for n in walk(node) if not isinstance(n, _LOGIC_NODES)]
    return bool(leaves) and all(isinstance(n, (Comparison, NormalMultiple)) for n in leaves)


def _measured(p: _Part) -> bool:
    return isinstance(p.node, _MEASURE_NODES) or p.terminal == "QUALITATIVE"


def _share_grade(seq: _Seq) -> None:
    """"Grade ≥ 3 neutropenia or thrombocytopenia", "DVT or PE grade ≥ 3": a grade written once
    before the first condition of a list, or after the last, is each one's (it can only narrow
    what counts). Written beside another item, whether it reaches the rest is not said."""
    items = [p for p in seq.parts if p.terminal is not None]
    graded = [p for p in items if p.grade is not None]
    if not graded or len(graded) == len(items):
        return
    shared = graded[0].grade if len(graded) == 1 else None
    if shared is None or not all(p.terminal == "COND" and (p is graded[0] or not p.described) for p in items) \
            or not (graded[0] is items[0] and shared.before or graded[0] is items[-1] and not shared.before):
        # ("grade ≥ 2 neuropathy or active pneumonitis": the other item is described on its own)
        raise Unreadable("a grade of some items of a list")
    for p in items:
        p.grade = shared


def _distribute(seq: _Seq, kind: CriterionKind) -> None:
    """Share what registry English writes once for a list: qualifiers forward ("severe or
    uncontrolled A, B and C"), windows and exceptions backward ("A or B within 12 weeks"),
    the measured name into elliptic comparisons ("SLEDAI ≥4 and ≤10"), "positive" into a bare
    test name ("positive ANA and/or anti-DNA"). An exception in parentheses after an item of an
    inclusion's list is that item's ("… soft tissue sarcoma (excluding Ewing's)"); in an exclusion
    it is shared all the same, which can only exclude fewer."""
    parts = seq.parts
    if parts and parts[0].negated and not parts[0].unable and len(parts) > 1 and all(
            not q.negated and not isinstance(q.node, Not) and _kind_of(q) == _kind_of(parts[0]) for q in parts[1:]):
        # (an item worded in the negative keeps its own polarity: "not lactating and a negative
        # pregnancy test")
        # "no cardiac, neurodegenerative or pulmonary disease": none of them
        for q in parts[1:]:
            q.negated = True
        seq.none_of = True
    elif parts and parts[0].negated and not parts[0].unable and any(not q.negated for q in parts[1:]) \
            and "or" in seq.seps:
        # "no HBV immunization or infection": whether the "no" reaches past the "or", and what the
        # later item shares with the first, is not clear
        raise Unreadable("'no A or B' with A and B of different kinds")
    for k, p in enumerate(parts):
        if k == 0:
            continue
        prev = parts[k - 1]
        anchor = next((q for q in reversed(parts[:k]) if q.measure is not None), None)
        if p.elliptic is not None and anchor is not None and anchor.measure is not None:
            op, value = p.elliptic
            if (value[2] == _OF_AGE or value[2] in _YEARS) and anchor.measure != "age":
                raise Unreadable("an age or a time after another measure")
            if value[2] == _OF_AGE:
                value = (value[0], value[1], "years")
            base = anchor.node
            unit = value[2]
            if unit is None and isinstance(base, Comparison):
                unit = base.unit
            elif unit is not None and anchor is prev and isinstance(base, Comparison) and base.unit is None \
                    and anchor.measure != "age" and value[0] == "quantity":
                # "glucose < 50 or > 400 mg/dL": the unit written last is both thresholds'
                anchor.node = base.model_copy(update={"unit": unit})
            # the concept the threshold before it measured ("FEV1 ≥ 40%" is FEV1 % predicted)
            measure = base.concept if isinstance(base, (Comparison, NormalMultiple)) else anchor.measure
            p.node = Comparison(concept=measure, op=op, value=value[1], unit=unit) if value[0] == "quantity" \
                else NormalMultiple(concept=measure, op=op, factor=value[1], limit=value[0])
            p.measure = measure
            p.elliptic = None
        # "positive for A or B", "negative for HBsAg and HCV antibody": the result written once
        # is every bare test's after it
        result_before = ("positive",) if isinstance(prev.node, Titre) else \
            prev.node.values if isinstance(prev.node, Category) and prev.node.values in (("positive",), ("negative",)) \
            else None
        if isinstance(p.node, Status) and p.node.field == "consent" and not p.negated:
            if prev.negated and prev.unable:
                # "unable to speak English or to give consent": unable to consent too (read
                # alone, having signed would exclude)
                p.negated = p.unable = True
            elif prev.willing and isinstance(prev.node, HasAttribute) and not p.signed:
                # "able to read English and sign consent": able to sign, which one who has not
                # signed yet (as at pre-screening) may well be
                p.willing = True
        if prev.result == "negative":
            result_before = ("negative",)  # "negative HIV, HBsAg and HCV antibody"
        if p.terminal == "QUALITATIVE" and p.node is None and result_before:
            p.node = Category(concept=p.concept, values=result_before, span=p.span)
            p.result = result_before[0]
        elif p.terminal == "COND" and p.result is None and prev.result == "negative":
            # "negative for HBsAg, HCV antibody and HIV": read alone, the infection would be
            # required; the negative reaches it as it reaches a test ("HIV negative")
            if p.node is not None or p.negated or p.quals or p.window is not None or p.excluding:
                raise Unreadable("a result written once, before an item it may or may not reach")
            p.node = Not(item=HasCondition(concept=p.concept, qualifiers=("current",), span=p.span), span=p.span)
            p.result = "negative"
        if p.terminal in _ENTITY_QUALS and prev.terminal in _ENTITY_QUALS and set(p.quals) <= {"other"} \
                and not p.variants:
            # "unstable doses of A, B or other immunosuppressants": the qualifiers reach every item
            p.quals = [q for q in prev.quals if q not in ("other", "equivalent") and q not in prev.quals_after] \
                + p.quals
            p.variants = [list(v) for v in prev.variants]
            p.variant_windows = list(prev.variant_windows)
    for k in range(len(parts) - 2, -1, -1):
        p, nxt = parts[k], parts[k + 1]
        if "requiring_treatment" in nxt.quals_after and "requiring_treatment" not in p.quals:
            # "autonomic or peripheral neuropathy that requires treatment": read of the last item
            # alone, the first would exclude untreated; an exclusion reads it of each (it can then
            # only exclude fewer), an inclusion cannot tell
            if kind == "inclusion" or p.terminal != "COND" or seq.seps[k] not in ("or", "comma", "and") \
                    or p.window is not None and not p.shared_window:
                raise Unreadable("a need for treatment said after a list, of its last item or of each")
            p.quals.append("requiring_treatment")
            p.quals_after.append("requiring_treatment")
        if nxt.caveats and not p.caveats and p.node is not None and nxt.node is not None \
                and _numeric(p.node) and _numeric(nxt.node):
            # "SBP > 140 or DBP > 90 at two consecutive visits": how the values must be seen is
            # said once, for every limit of the list
            p.caveats = list(nxt.caveats)
        if p.terminal in _ENTITY_QUALS and nxt.terminal in _ENTITY_QUALS:
            if p.window is None and nxt.window is not None:
                p.window = nxt.window
                p.shared_window = True
            if p.lasting is None and nxt.lasting is not None:
                p.lasting = nxt.lasting  # "treated with A or B for more than 4 weeks"
            if not p.excluding and nxt.excluding and not (nxt.own_exception and kind == "inclusion"):
                p.excluding = list(nxt.excluding)
            if p.terminal == nxt.terminal == "COND" and nxt.requiring and not p.requiring \
                    and (p.window is None or p.shared_window):
                # "pneumonitis or interstitial lung disease that required steroids": read of the
                # last item alone, the first would exclude without the treatment; an exclusion
                # reads it of each (it can then only exclude fewer), an inclusion cannot tell.
                # ("Herpes zoster within 90 days or any infection requiring …": an item with a
                # time of its own is said whole)
                if kind == "inclusion":
                    raise Unreadable("a treatment required by the last condition of a list, or by each")
                p.requiring = list(nxt.requiring)
                p.requiring_words = nxt.requiring_words
        elif _measured(p) and _measured(nxt) and p.window is None and nxt.window is not None:
            p.window = nxt.window
    # "> 18 years and < 70 years of age": once one bound says "of age", a bound in years is an age too
    of_age = any(p.elliptic is not None and p.elliptic[1][2] == _OF_AGE for p in parts)
    # "Male or female patient > 18 years": a clause of nothing but limits in years is an age
    of_age = of_age or all(p.elliptic is not None and p.elliptic[1][2] == "years" for p in parts)
    for p in parts:
        if p.elliptic is not None:
            op, value = p.elliptic
            if value[0] != "quantity" or not (value[2] == _OF_AGE or of_age and value[2] == "years"):
                raise Unreadable("a threshold of what?")
            # "at least 18 years of age"
            p.node = Comparison(concept="age", op=op, value=value[1], unit="years", span=p.span)
            p.measure, p.elliptic = "age", None


def allow(node: Rule, allowance: Allowance, norm: Normalised, kind: CriterionKind, vocab: Vocabulary) -> Rule | None:
    """"However, participants with secondary Sjögren's syndrome are allowed": the allowed
    conditions (or drugs: "prophylactic use of anticoagulants is allowed") become exemptions of
    those the previous clause names. None when the allowance is about something else, or the
    clause before names none of its kind."""
    terminals = {p.terminal for p in allowance.seq.parts}
    if len(terminals) != 1 or not terminals <= set(_EXEMPTED):
        return None
    terminal = terminals.pop()
    target = _EXEMPTED[terminal]
    if not any(isinstance(n, target) for n in walk(node)):
        return None
    exemptions: list[Exemption] = []
    for p in allowance.seq.parts:
        if p.concept is None or p.window is not None or p.dose is not None or p.negated or p.grade is not None:
            return None  # (an exception has no time, dose or grade: "grade 1 neuropathy is allowed")
        if terminal == "COND":
            quals = tuple(q for q in p.quals if q in _EXEMPTION_QUALS)
        elif set(p.quals) <= _ENTITY_QUALS[terminal]:
            quals = tuple(p.quals)  # "prophylactic use … is allowed": only that use is
        else:
            return None
        exemptions.append(Exemption(concept=p.concept, qualifiers=quals))

    def exempt(n: Rule) -> Rule:
        if isinstance(n, target):
            return n.model_copy(update={"excluding": n.excluding + tuple(exemptions)})
        if isinstance(n, (AllOf, AnyOf)):
            return n.model_copy(update={"items": tuple(exempt(i) for i in n.items)})
        if isinstance(n, Not):
            return n.model_copy(update={"item": exempt(n.item)})
        return n

    return exempt(node)
