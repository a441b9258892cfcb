"""Rule tree × patient → outcome tree, in three-valued logic.

Each node's evaluator returns an :class:`Outcome`: a Kleene truth, the evidence it rests on
and, when the truth is unknown, a reason code and the data that would settle it. The policy is
the cardinal rule of pre-screening: data that is missing, stale, ambiguous or unreadable gives
UNKNOWN, never FALSE. Closed-world reasoning ("absent means absent") applies only to the lists
the profile names in ``complete``.

Time windows count back from the screening date (``as_of``); every anchor the registry names
(screening, randomization, baseline…) is taken as that date, and the explanation says so.
"""

from __future__ import annotations

import calendar
import functools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from .logic import Truth, all_of, any_of, at_least, implies
from .nodes import (
    AllOf,
    AnyOf,
    AtLeast,
    Category,
    Cohort,
    Comparison,
    Conditional,
    EpisodeCount,
    Exemption,
    FamilyHistory,
    FreeText,
    Grade,
    HadProcedure,
    HasCondition,
    Judgement,
    Lasting,
    NoRequirement,
    Node,
    NormalMultiple,
    Not,
    HasAttribute,
    Status,
    TimeWindow,
    Titre,
    TookMedication,
    TreatmentLines,
    Vaccinated,
    cohort_key,
    walk,
)
from .patient import Lab, Patient, Score, Vital, age_on
from .printer import number
from .units import STANDARD_BODY_SURFACE, UnitError, approximate_between, canonical_value, format_quantity
from .vocabulary import Concept, Vocabulary, load_vocabulary

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


def evaluate(node: Node, ctx: Context) -> Outcome:
    """The outcome of a rule node for the patient in ``ctx``."""
    return EVALUATORS[type(node)](node, ctx)


# --- logic ---------------------------------------------------------------------------------------


def _combine(children: Sequence[Outcome], truth: Truth, message: str) -> Outcome:
    """Evidence from the children that decided the truth; missing data from the undecided."""
    if truth is Truth.UNKNOWN:
        deciding = [c for c in children if c.truth is Truth.UNKNOWN]
    else:
        deciding = [c for c in children if c.truth is truth] or list(children)
    evidence = tuple(e for c in children for e in c.evidence)
    missing = tuple(dict.fromkeys(m for c in deciding for m in c.missing)) if truth is Truth.UNKNOWN else ()
    reason = next((c.reason for c in deciding if c.reason), None) if truth is Truth.UNKNOWN else None
    return Outcome(truth, message, reason, evidence, missing, tuple(children))


def _all(node: AllOf, ctx: Context) -> Outcome:
    children = [evaluate(i, ctx) for i in node.items]
    truth = all_of(c.truth for c in children)
    return _combine(children, truth, _join_messages(children, truth, Truth.FALSE))


def _any(node: AnyOf, ctx: Context) -> Outcome:
    children = [evaluate(i, ctx) for i in node.items]
    truth = any_of(c.truth for c in children)
    return _combine(children, truth, _join_messages(children, truth, Truth.TRUE))


def _join_messages(children: Sequence[Outcome], truth: Truth, decisive: Truth) -> str:
    if truth is decisive:
        picked = [c for c in children if c.truth is decisive][:1]
    elif truth is Truth.UNKNOWN:
        picked = [c for c in children if c.truth is Truth.UNKNOWN]
    else:
        picked = list(children)
    return " ".join(dict.fromkeys(c.message for c in picked))


def _not(node: Not, ctx: Context) -> Outcome:
    inner = evaluate(node.item, ctx)
    return Outcome(~inner.truth, inner.message, inner.reason, inner.evidence, inner.missing, (inner,))


def _at_least(node: AtLeast, ctx: Context) -> Outcome:
    children = [evaluate(i, ctx) for i in node.items]
    truth = at_least(node.count, (c.truth for c in children))
    sure = sum(c.truth is Truth.TRUE for c in children)
    return _combine(children, truth, f"{sure} of {len(children)} hold surely; {node.count} are required.")


def _conditional(node: Conditional, ctx: Context) -> Outcome:
    when = evaluate(node.when, ctx)
    if when.truth is Truth.FALSE:
        return Outcome(Truth.TRUE, f"Does not apply: {when.message}", "not_applicable", when.evidence, (), (when,))
    then = evaluate(node.then, ctx)
    truth = implies(when.truth, then.truth)
    if truth is Truth.UNKNOWN:
        children = [c for c in (when, then) if c.truth is Truth.UNKNOWN]
        return _combine([when, then], truth, " ".join(c.message for c in children))
    return Outcome(truth, then.message, None, when.evidence + then.evidence, (), (when, then))


# --- dates ---------------------------------------------------------------------------------------


def _shift(day: date, amount: float, unit: str, sign: int) -> date:
    """Calendar arithmetic: 3 months before 31 May is 28/29 February."""
    if unit in ("months", "years"):
        months = round(amount * (12 if unit == "years" else 1)) * sign
        y, m = divmod(day.month - 1 + months, 12)
        year, month = day.year + y, m + 1
        return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
    days = {"hours": amount / 24, "days": amount, "weeks": amount * 7}[unit]
    return day + timedelta(days=math.ceil(days) * sign)


def window_start(window: TimeWindow, as_of: date) -> date:
    """The earliest day a past window reaches back to."""
    return _shift(as_of, window.amount, window.unit, -1)


#: Qualifiers as a coordinator would say them.
QUALIFIER_WORDS = {
    "history": "", "dose_change": "dose changed", "new": "newly started", "intolerant": "not tolerated",
    "allergic": "an allergy",
    "refractory": "without response", "responded": "with a response", "hospitalized": "needing hospital care",
    "equivalent": "or an equivalent",
    "planned": "planned", "treated": "treated", "earlier": "before the episode under study",
    "requiring_treatment": "requiring treatment", "other": "other than the disease under study",
}


def _window_words(window: TimeWindow) -> str:
    # every anchor is counted from the screening date; the report says so once (explain.py)
    anchor = "" if window.anchor == "screening" else f" before {window.anchor.replace('_', ' ')}"
    unit = window.unit[:-1] if window.amount == 1 else window.unit
    if window.half_lives is not None:
        unit += f" or {number(window.half_lives)} half-lives, whichever is {window.whichever},"
    return f"within {number(window.amount)} {unit}{anchor}"


def _age_words(days: int) -> str:
    if days < 60:
        return f"{days} days"
    if days < 730:
        return f"{days // 30} months"
    return f"{days // 365} years"


# --- measured values -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reading:
    value: float | str | bool
    unit: str | None
    day: date | None
    item: str
    source: str
    ref_high: float | None = None
    ref_low: float | None = None


def _readings(concept: Concept, ctx: Context) -> list[_Reading]:
    """Every value the profile holds for a concept: labs, vitals, scores, procedure findings."""
    p = ctx.patient
    out: list[_Reading] = []
    lists: list[tuple[str, Sequence[Lab | Vital | Score]]] = [("labs", p.labs), ("vitals", p.vitals),
                                                               ("scores", p.scores)]
    for list_name, entries in lists:
        for k, e in enumerate(entries):
            if e.concept_id is not None and ctx.vocab.is_a(e.concept_id, concept.id) and e.value is not None:
                item = e.name or ctx.vocab.get(e.concept_id).name
                out.append(_Reading(e.value, getattr(e, "unit", None), e.date, item, _where(p, list_name, k, e),
                                    getattr(e, "ref_high", None), getattr(e, "ref_low", None)))
    for k, proc in enumerate(p.procedures):
        for key, value in proc.findings.items():
            found = ctx.vocab.lookup(key)
            if found is not None and found.id == concept.id:
                out.append(_Reading(value, concept.unit if isinstance(value, (int, float)) and not isinstance(
                    value, bool) else None, proc.date, f"{proc.name or 'procedure'}: {key}",
                    _where(p, "procedures", k, proc)))
    return out


def _where(p: Patient, list_name: str, k: int, entry: object) -> str:
    line = getattr(entry, "line", None)
    return f"{list_name}[{k}]" + (f" (line {line})" if line else "")


def _latest(concept: Concept, window: TimeWindow | None, ctx: Context) -> tuple[_Reading | None, Outcome | None]:
    """The most recent reading inside the window, or the outcome that says why there is none."""
    readings = _readings(concept, ctx)
    if not readings:
        return None, Outcome(Truth.UNKNOWN, f"No {concept.name} in the profile.", "missing", missing=(concept.name,))
    dated = [r for r in readings if r.day is not None]
    undated = [r for r in readings if r.day is None]
    if window is not None:
        start, limit_words = window_start(window, ctx.as_of), _window_words(window)
    else:
        days = concept.recency_days or ctx.recency_days.get(concept.category, 90)
        start, limit_words = ctx.as_of - timedelta(days=days), f"within the default {days} days"
    inside = [r for r in dated if start <= r.day <= ctx.as_of]  # type: ignore[operator]
    if inside:
        return max(inside, key=lambda r: r.day), None  # type: ignore[arg-type,return-value]
    if dated:
        newest = max(dated, key=lambda r: r.day)  # type: ignore[arg-type,return-value]
        if newest.day > ctx.as_of:  # type: ignore[operator]
            msg = f"The only {concept.name} values are dated after the screening date {ctx.as_of}."
        else:
            age = (ctx.as_of - newest.day).days  # type: ignore[operator]
            msg = (f"The latest {concept.name} ({_show(newest)}, {newest.day}) is {_age_words(age)} old; "
                   f"the criterion needs a value {limit_words}.")
        return None, Outcome(Truth.UNKNOWN, msg, "stale", (_evidence(newest),),
                             missing=(f"a recent {concept.name}",))
    return None, Outcome(Truth.UNKNOWN, f"The {concept.name} value has no date, so its recency is unknown.",
                         "stale", tuple(_evidence(r) for r in undated), missing=(f"the date of the {concept.name}",))


def _show(r: _Reading) -> str:
    if isinstance(r.value, bool):
        return "yes" if r.value else "no"
    if isinstance(r.value, (int, float)):
        return format_quantity(float(r.value), r.unit) if r.unit else number(float(r.value))
    return str(r.value)


def _evidence(r: _Reading, compared_as: str | None = None, threshold: str | None = None,
              note: str | None = None) -> Evidence:
    return Evidence(item=r.item, value=_show(r), date=r.day.isoformat() if r.day else None,
                    compared_as=compared_as, threshold=threshold, source=r.source, note=note)


MeasuredNode = Comparison | NormalMultiple | Titre | Category


def _on_latest_reading(
    compare: Callable[[Any, Concept, _Reading, Context], Outcome],
) -> Callable[[Any, Context], Outcome]:
    """Shared by every measured-value node: find the concept and its latest reading inside the
    node's window; missing or stale data is an unknown outcome before the comparison runs."""

    @functools.wraps(compare)
    def evaluate_measured(node: MeasuredNode, ctx: Context) -> Outcome:
        concept = ctx.vocab.lookup(node.concept)
        if concept is None:
            return Outcome(Truth.UNKNOWN, f"'{node.concept}' is not in the vocabulary.", "ambiguous")
        reading, unknown = _latest(concept, node.window, ctx)
        if reading is None:
            return unknown  # type: ignore[return-value]
        return compare(node, concept, reading, ctx)

    return evaluate_measured


_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">": lambda a, b: a > b and not math.isclose(a, b, rel_tol=1e-9),
    ">=": lambda a, b: a >= b or math.isclose(a, b, rel_tol=1e-9),
    "<": lambda a, b: a < b and not math.isclose(a, b, rel_tol=1e-9),
    "<=": lambda a, b: a <= b or math.isclose(a, b, rel_tol=1e-9),
    "=": lambda a, b: math.isclose(a, b, rel_tol=1e-9),
}
_OP_WORDS = {">": ">", ">=": "≥", "<": "<", "<=": "≤", "=": "="}


def implausible(node: Comparison, vocab: Vocabulary) -> str | None:
    """Why a threshold cannot be meant as written ("WBC < 2.0/mm3"), or None."""
    concept = vocab.lookup(node.concept)
    if concept is None or concept.plausible is None or concept.unit is None:
        return None
    try:
        value = canonical_value(node.value, node.unit, concept)
    except UnitError:
        return None
    low, high = concept.plausible
    if low <= value <= high or value == 0:
        return None
    return (f"{number(node.value)} {node.unit or concept.unit} is {format_quantity(value, concept.unit)}, "
            f"outside the plausible range of {concept.name} "
            f"({format_quantity(low, concept.unit)} to {format_quantity(high, concept.unit)})")


def _compare(node: Comparison, ctx: Context) -> Outcome:
    if node.concept == "age":
        return _compare_age(node, ctx)
    concept = ctx.vocab.lookup(node.concept)
    if concept is None:
        return Outcome(Truth.UNKNOWN, f"'{node.concept}' is not in the vocabulary.", "ambiguous")
    problem = implausible(node, ctx.vocab)
    if problem is not None:
        return Outcome(Truth.UNKNOWN, f"Threshold not used: {problem}.", "implausible_threshold",
                       missing=(f"the intended {concept.name} threshold",))
    problem = ambiguous_unit(node, ctx.vocab)
    if problem is not None:
        # Decide only where both readings of the unit give the same answer.
        literal = _compare_reading(node, ctx)
        meant = _compare_reading(node.model_copy(update={"unit": concept.unit}), ctx)
        if literal.truth is meant.truth:
            return Outcome(literal.truth, f"{meant.message} (The threshold's unit is ambiguous, but both readings "
                           f"agree.)", literal.reason, meant.evidence, literal.missing)
        return Outcome(Truth.UNKNOWN, f"Threshold unclear: {problem}. {literal.message} {meant.message}",
                       "implausible_threshold", meant.evidence, (f"the intended {concept.name} threshold",))
    return _compare_reading(node, ctx)


@_on_latest_reading
def _compare_reading(node: Comparison, concept: Concept, reading: _Reading, ctx: Context) -> Outcome:
    if not isinstance(reading.value, (int, float)) or isinstance(reading.value, bool):
        return Outcome(Truth.UNKNOWN, f"{concept.name} is '{reading.value}', not a number.", "ambiguous",
                       (_evidence(reading),), (f"a numeric {concept.name}",))
    try:
        written, recorded = node.unit or concept.unit, reading.unit or concept.unit
        if written and recorded and approximate_between(written, recorded):
            # "8 migraine days per month" against a diary kept per 28 days: months differ in days
            per = f"per {written.lstrip('/').strip()}"
            return Outcome(Truth.UNKNOWN, f"{concept.name} is recorded as {_show(reading)} and the criterion counts "
                           f"it {per}: a calendar period is not a fixed number of days.", "ambiguous",
                           (_evidence(reading),), (f"{concept.name} counted {per}",))
        threshold = canonical_value(node.value, node.unit, concept)
        value = canonical_value(float(reading.value), reading.unit, concept)
    except UnitError as error:
        if concept.body_surface:
            try:
                return _compare_through_body_surface(node, concept, reading, ctx)
            except UnitError:
                pass  # not even through a body surface
        return Outcome(Truth.UNKNOWN, f"Cannot compare {concept.name}: {error}.", "ambiguous", (_evidence(reading),))
    holds = _COMPARE[node.op](value, threshold)
    # Shown in the threshold's own unit, as the criterion wrote it (DESIGN §6: "compared_as").
    unit = node.unit or concept.unit
    in_threshold_unit = value * node.value / threshold if threshold else value
    compared = format_quantity(in_threshold_unit, unit) if unit else number(round(in_threshold_unit, 4))
    shown = f"{_OP_WORDS[node.op]} {format_quantity(node.value, unit) if unit else number(node.value)}"
    verb = "meets" if holds else "does not meet"
    ev = _evidence(reading, compared_as=compared, threshold=shown)
    as_written = _show(reading)
    converted = "" if compared.replace(" ", "") == as_written.replace(" ", "") else f" = {compared}"
    return Outcome(Truth.of(holds), f"{concept.name} {as_written}{converted} ({reading.day}) {verb} {shown}.",
                   None, (ev,))


def _compare_through_body_surface(node: Comparison, concept: Concept, reading: _Reading, ctx: Context) -> Outcome:
    """A clearance and a limit of which one is per 1.73 m² of body surface and the other not
    ("creatinine clearance ≥ 60 mL/min/1.73 m²" against 85 mL/min): compared through the patient's
    body surface area, and decided only where that agrees with reading both at the standard 1.73 m²
    (a record may write one for the other)."""
    shown = f"{_OP_WORDS[node.op]} {format_quantity(node.value, node.unit or concept.unit)}"

    def holds(surface: float) -> bool:
        return _COMPARE[node.op](canonical_value(float(reading.value), reading.unit, concept, surface),
                                 canonical_value(node.value, node.unit, concept, surface))

    standard = holds(STANDARD_BODY_SURFACE)
    found = _body_surface(ctx)
    evidence = (_evidence(reading, threshold=shown),)
    if found is None:
        return Outcome(Truth.UNKNOWN, f"{concept.name} {_show(reading)} ({reading.day}) and the limit {shown} "
                       f"differ by the body surface area, which the profile does not give (at the standard "
                       f"{number(STANDARD_BODY_SURFACE)} m² it would {'' if standard else 'not '}meet it).",
                       "missing", evidence, ("body surface area (or height and weight)",))
    surface, how = found
    verb = "meets" if standard else "does not meet"
    if holds(surface) is not standard:
        other = "does not meet" if standard else "meets"
        return Outcome(Truth.UNKNOWN, f"{concept.name} {_show(reading)} ({reading.day}) {other} {shown} at the "
                       f"patient's body surface of {number(round(surface, 2))} m² ({how}), but {verb} it at the "
                       f"standard {number(STANDARD_BODY_SURFACE)} m²; which the record means is unclear.",
                       "implausible_threshold", evidence, (f"the intended {concept.name} threshold",))
    return Outcome(Truth.of(standard), f"{concept.name} {_show(reading)} ({reading.day}) {verb} {shown}, for a body "
                   f"surface of {number(round(surface, 2))} m² ({how}).", None, evidence)


def _body_surface(ctx: Context) -> tuple[float, str] | None:
    """The patient's body surface area in m², recorded or from height and weight (Mosteller), and
    where it came from."""
    def latest(concept_id: str) -> float | None:
        concept = ctx.vocab.lookup(concept_id)
        reading = _latest(concept, None, ctx)[0] if concept is not None else None
        if reading is None or not isinstance(reading.value, (int, float)) or isinstance(reading.value, bool):
            return None
        return canonical_value(float(reading.value), reading.unit, concept)

    recorded = latest("body_surface_area")
    if recorded is not None:
        return recorded, "recorded"
    height, weight = latest("height"), latest("weight")
    if height is None or weight is None:
        return None
    return math.sqrt(height * weight / 3600), "from height and weight"


def ambiguous_unit(node: Comparison, vocab: Vocabulary) -> str | None:
    """"eGFR < 40 ml/min/m2": per square metre where the analyte is always per 1.73 m² — taken
    literally it would move the threshold by 73%, so the record most likely means per 1.73 m²."""
    concept = vocab.lookup(node.concept)
    if concept is None or not concept.unit or not node.unit or "1.73" not in concept.unit:
        return None
    written = node.unit.replace("²", "2").replace("^2", "2").replace(" ", "")
    if "1.73" in written or not written.lower().endswith("/m2"):
        return None
    return (f"{number(node.value)} {node.unit} is per m², but {concept.name} is reported per 1.73 m²; "
            f"the record most likely means {number(node.value)} {concept.unit}")


_DAYS_PER = {"hours": 1 / 24, "days": 1.0, "weeks": 7.0, "months": 30.4375}


def _age_in_days(ctx: Context) -> tuple[float, float]:
    """The patient's age in days as an interval [low, high): a day wide from the birth date (the
    hour of birth is not recorded), a year wide from an age in whole years."""
    born = ctx.patient.birth_date
    if born is not None:
        days = (ctx.as_of - born).days
        return float(days), float(days + 1)
    years = ctx.patient.age or 0
    return years * 365.25, (years + 1) * 365.25


def _compare_age(node: Comparison, ctx: Context) -> Outcome:
    age = age_on(ctx.patient, ctx.as_of)
    if age is None:
        return Outcome(Truth.UNKNOWN, "Age unknown: the profile has neither birth_date nor age.", "missing",
                       missing=("birth date or age",))
    unit = node.unit or "years"
    shown = f"{_OP_WORDS[node.op]} {number(node.value)} {unit}"
    told = f"{age} years"
    if unit == "years" and node.value != int(node.value):
        # "≥ 17.5 years": a part of a year, which whole years cannot settle
        unit = "months"
        node = node.model_copy(update={"value": node.value * 12, "unit": "months"})
    if unit != "years":
        # "≤ 48 hours", "≥ 6 weeks": the age in days, from the birth date (its hour unknown)
        lo, hi = _age_in_days(ctx)
        if ctx.patient.birth_date is not None:
            told = _age_words(int(lo))
        limit = node.value * _DAYS_PER[unit]
        if node.op in ("<=", "<") and unit != "hours":
            # in completed units, as for years: "≤ 24 months" holds until the day before 25
            limit += _DAYS_PER[unit] if node.op == "<=" else 0.0
            op = "<"
        else:
            op = node.op
        slack = 2.0 if unit == "months" else 0.0  # a month counted as 30.44 days
        ends = [_COMPARE[op](lo - slack, limit), _COMPARE[op](hi + slack - 1e-9, limit)]
    ev = Evidence(item="age", value=told, date=ctx.as_of.isoformat(), threshold=shown,
                  source="birth_date" if ctx.patient.birth_date else "age")
    if unit != "years":
        if ends[0] != ends[1]:
            return Outcome(Truth.UNKNOWN, f"Age {told}: too close to {number(node.value)} {unit} to tell.",
                           "missing", (ev,), ("birth date",))
        holds = ends[0]
    elif node.op in ("<=", "<"):
        # in completed years: "≤ 60" holds through the day before the 61st birthday
        holds = age <= node.value if node.op == "<=" else age < node.value
    elif node.op == ">" and age == node.value:
        # "older than 18": an 18-year-old is, from the day after the birthday; an age given
        # in whole years does not say which day it is
        if ctx.patient.birth_date is None:
            return Outcome(Truth.UNKNOWN, f"Age {age}: whether it is more than {number(node.value)} years depends "
                           f"on the birth date.", "missing", (ev,), ("birth date",))
        holds = age_on(ctx.patient, ctx.as_of - timedelta(days=1)) == age
    else:
        holds = _COMPARE[node.op](age, node.value)
    return Outcome(Truth.of(holds), f"Age {told} {'meets' if holds else 'does not meet'} {shown}.", None, (ev,))


@_on_latest_reading
def _normal_multiple(node: NormalMultiple, concept: Concept, reading: _Reading, ctx: Context) -> Outcome:
    limit = reading.ref_high if node.limit == "ULN" else reading.ref_low
    shown = f"{_OP_WORDS[node.op]} {number(node.factor)} × {node.limit}"
    if limit is None or not limit:
        which = "upper" if node.limit == "ULN" else "lower"
        return Outcome(Truth.UNKNOWN, f"{concept.name} {_show(reading)} has no {which} limit of normal to compare "
                       f"with ({shown}).", "no_reference_range", (_evidence(reading, threshold=shown),),
                       (f"the {concept.name} reference range (ref_{'high' if node.limit == 'ULN' else 'low'})",))
    if not isinstance(reading.value, (int, float)) or isinstance(reading.value, bool):
        return Outcome(Truth.UNKNOWN, f"{concept.name} is '{reading.value}', not a number.", "ambiguous",
                       (_evidence(reading),))
    ratio = float(reading.value) / float(limit)
    holds = _COMPARE[node.op](ratio, node.factor)
    ev = _evidence(reading, compared_as=f"{number(round(ratio, 2))} × {node.limit} ({node.limit} {number(limit)})",
                   threshold=shown)
    return Outcome(Truth.of(holds), f"{concept.name} is {number(round(ratio, 2))} × {node.limit}; "
                   f"{'meets' if holds else 'does not meet'} {shown}.", None, (ev,))


_POSITIVE = {"positive", "pos", "+", "detected", "reactive", "present", "yes", "true", "abnormal"}
_NEGATIVE = {"negative", "neg", "-", "not detected", "undetected", "non-reactive", "nonreactive", "absent",
             "no", "false", "normal", "undetectable"}
_TITRE = re.compile(r"^\s*1\s*:\s*(\d+)\s*$")
#: A titre at or above this dilution reads as "positive" (the usual screening cut-off for ANA).
POSITIVE_TITRE = 80


def _qualitative(value: object) -> str | None:
    if isinstance(value, bool):
        return "positive" if value else "negative"
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if text in _POSITIVE:
        return "positive"
    if text in _NEGATIVE:
        return "negative"
    m = _TITRE.match(text)
    if m and int(m.group(1)) >= POSITIVE_TITRE:
        return "positive"
    return None


@_on_latest_reading
def _titre(node: Titre, concept: Concept, reading: _Reading, ctx: Context) -> Outcome:
    shown = f"{_OP_WORDS[node.op]} 1:{node.dilution}"
    m = _TITRE.match(str(reading.value))
    if m is None:
        if _qualitative(reading.value) == "negative":
            dilution = 0
        else:
            return Outcome(Truth.UNKNOWN, f"{concept.name} is '{reading.value}', not a titre.", "ambiguous",
                           (_evidence(reading, threshold=shown),), (f"the {concept.name} titre",))
    else:
        dilution = int(m.group(1))
    holds = _COMPARE[node.op](dilution, node.dilution)
    return Outcome(Truth.of(holds), f"{concept.name} {reading.value} {'meets' if holds else 'does not meet'} "
                   f"{shown}.", None, (_evidence(reading, threshold=shown),))


@_on_latest_reading
def _category(node: Category, concept: Concept, reading: _Reading, ctx: Context) -> Outcome:
    wanted = {_category_key(v) for v in node.values}
    shown = " or ".join(node.values)
    diseases = _diseases_on_record(concept.said_of, ctx)
    if len(diseases) > 1:
        # a stage of IV with a lung cancer and an earlier breast cancer: whose stage it is is not said
        names = " and ".join(ctx.vocab.get(d).name for d in diseases)
        return Outcome(Truth.UNKNOWN, f"{concept.name} is {_show(reading)}, but the patient has {names}: which one "
                       f"it is of is not recorded.", "ambiguous", (_evidence(reading, threshold=shown),),
                       (f"which disease the {concept.name} is of",))
    if concept.value_type in ("qualitative", "titre", "boolean"):
        got = _qualitative(reading.value)
        if got is None:
            return Outcome(Truth.UNKNOWN, f"{concept.name} is '{reading.value}': neither positive nor negative.",
                           "ambiguous", (_evidence(reading, threshold=shown),), (f"a qualitative {concept.name}",))
        wanted_words = {v.lower() for v in node.values}
        holds = got in wanted_words or (got == "positive" and "yes" in wanted_words)
    else:
        value = _category_key(str(reading.value))
        holds = value in wanted or any(b in wanted for b in _broader_keys(value))
        if not holds and any(value in _broader_keys(w) for w in wanted):
            # stage III against "stage IIIB or IV": it may be IIIB, or IIIA
            return Outcome(Truth.UNKNOWN, f"{concept.name} is {_show(reading)}; whether it is {shown} needs "
                           f"the substage.", "ambiguous", (_evidence(reading, threshold=shown),),
                           (f"the {concept.name} substage",))
        known = {_category_key(c) for c in concept.categories}
        if not holds and known and any(p not in known and not known & set(_broader_keys(p))
                                       for p in value.split("+")):
            # a value the vocabulary does not list ("T2N1", "limited stage"): not shown to be
            # outside what is asked
            return Outcome(Truth.UNKNOWN, f"{concept.name} is {_show(reading)}, not one of its known categories; "
                           f"whether it is {shown} is for the coordinator to judge.", "ambiguous",
                           (_evidence(reading, threshold=shown),), (f"the {concept.name} as one of its categories",))
        parts = set(value.split("+"))
        if not holds and len(parts) > 1 and parts & wanted:
            # class IV+V against "class III or IV": it has class IV lesions, but is not class IV
            return Outcome(Truth.UNKNOWN, f"{concept.name} is {_show(reading)}, a combined class that includes "
                           f"{' and '.join(sorted(parts & wanted))}; whether it counts as {shown} is for the "
                           f"coordinator to judge.", "ambiguous", (_evidence(reading, threshold=shown),),
                           (f"whether {concept.name} {_show(reading)} counts as {shown}",))
    if concept.value_type in ("qualitative", "titre", "boolean"):
        verdict = "as required" if holds else f"not {shown}"
        return Outcome(Truth.of(holds), f"{concept.name} is {_show(reading)} ({verdict}).", None,
                       (_evidence(reading, threshold=shown),))
    return Outcome(Truth.of(holds), f"{concept.name} is {_show(reading)}; {'in' if holds else 'not in'} {shown}.",
                   None, (_evidence(reading, threshold=shown),))


_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4", "V": "5", "VI": "6"}


# How far a cancer has spread (brain metastases, "advanced cancer") is no cancer of its own.
_EXTENT_OF_DISEASE = "advanced_cancer"


def _diseases_on_record(classes: Sequence[str], ctx: Context) -> list[str]:
    """The distinct diseases of the classes among the patient's conditions, past or present, the
    most specific of each (breast cancer and metastatic breast cancer are one); an entry that
    names only a class ("cancer") or how far a disease has spread ("liver metastases") is none."""
    vocab = ctx.vocab
    generic = vocab.ancestors(_EXTENT_OF_DISEASE) if _EXTENT_OF_DISEASE in vocab.concepts else frozenset()

    def names_a_disease(concept_id: str) -> bool:
        return any(any(vocab.is_a(a, k) for k in classes) and a not in generic
                   and not (generic and vocab.is_a(a, _EXTENT_OF_DISEASE)) for a in vocab.ancestors(concept_id))

    found = sorted({c.concept_id for c in ctx.patient.conditions if c.concept_id is not None
                    and any(_matches(c.concept_id, k, ctx) for k in classes) and names_a_disease(c.concept_id)})
    return [d for d in found if not any(o != d and vocab.is_a(o, d) for o in found)]


# "Stage IIIB", "class III", "grade 2": the word before a category names what it is of
_CATEGORY_WORD = re.compile(r"^\s*(?:stage|class|grade)\s*(?=[0-9IVX])", re.IGNORECASE)
# a substage: the stage's numeral, a letter and maybe a digit ("IIIC1", "3B", HCV genotype "1a")
_SUBSTAGE_KEY = re.compile(r"^(\d+)([A-D])(\d)?$")
_ROMAN_SUBSTAGE = re.compile(r"^([IVX]+)([A-D]\d?)$")


def _category_key(value: str) -> str:
    """One spelling per category: "IV + V" = "IV+V" = "4+5", "1.0" = "1" = "I" (NYHA 3 is class III),
    "Stage IIIB" = "IIIB" = "3B"."""
    parts = re.sub(r"\s+", "", _CATEGORY_WORD.sub("", str(value))).upper().split("+")
    keys = []
    for part in parts:
        try:
            number = float(part)
            keys.append(str(int(number)) if number.is_integer() else str(number))
        except ValueError:
            sub = _ROMAN_SUBSTAGE.match(part)
            keys.append(_ROMAN[sub[1]] + sub[2] if sub and sub[1] in _ROMAN else _ROMAN.get(part, part))
    return "+".join(keys)


def _broader_keys(key: str) -> tuple[str, ...]:
    """The keyed stages a keyed substage lies in, nearest first: "3C1" → "3C", "3"; "3B" → "3"."""
    m = _SUBSTAGE_KEY.match(key)
    if m is None:
        return ()
    return (m[1] + m[2], m[1]) if m[3] else (m[1],)


# --- clinical history ----------------------------------------------------------------------------


_ROUTE_CLASS = re.compile(r"^(topical|inhaled|oral) (.+)$", re.IGNORECASE)


def _exempt(entry_concept: str | None, entry: object, exemptions: Iterable[Exemption], ctx: Context) -> Truth:
    """Whether an entry is covered by one of the exceptions (TRUE: it does not count)."""
    result = Truth.FALSE
    for ex in exemptions:
        by_route = _ROUTE_CLASS.match(ctx.vocab.get(ex.concept).name) if ctx.vocab.lookup(ex.concept) else None
        drug_class = ctx.vocab.lookup(by_route[2]) if by_route else None
        if by_route and drug_class is not None and entry_concept is not None \
                and ctx.vocab.is_a(entry_concept, drug_class.id) and not ctx.vocab.is_a(entry_concept, ex.concept):
            # "except topical corticosteroids" and hydrocortisone: topical if its route says so
            route = getattr(entry, "route", None)
            result = result | (Truth.UNKNOWN if route is None else Truth.of(route == by_route[1]))
            continue
        if entry_concept is not None and entry_concept != ex.concept and ctx.vocab.is_a(ex.concept, entry_concept):
            # recorded as "skin cancer" against "except basal cell carcinoma": it may be the one excepted
            result = result | Truth.UNKNOWN
            continue
        if entry_concept is None or not (ctx.vocab.is_a(entry_concept, ex.concept)
                                         or ex.concept in ctx.vocab.get(entry_concept).manifestation_of):
            continue
        checks = [_qualifier(q, entry, ctx, None) for q in ex.qualifiers]
        result = result | all_of(checks)
    return result


def _acute(entry: object, ctx: Context) -> bool:
    """A condition entry that is an acute event (an infarction, a pneumonia) recorded with no end:
    it is dated by its onset, not going on since."""
    concept = getattr(entry, "concept_id", None)
    return hasattr(entry, "onset") and getattr(entry, "end", None) is None and concept is not None \
        and ctx.vocab.is_event(concept)


# A note saying an acute event keeps coming back ("recurrent, 4-5 a year"): the entry stands for
# episodes from its onset on, not for one on that day.
_RECURRING = re.compile(r"\brecurr(?:ent|ing|ences?)\b|\brepeated\b|\bfrequent\b", re.IGNORECASE)


def _recurring(entry: object, ctx: Context) -> bool:
    """An acute event recorded once for many episodes ("gout flares, recurrent since 2018")."""
    return _acute(entry, ctx) and bool(_RECURRING.search(getattr(entry, "note", None) or ""))


_QUIESCENT = re.compile(r"\bremission\b|\bresolved\b|\bcured\b|\binactive\b|\bquiescent\b|no evidence of disease"
                        r"|\bNED\b|\bSVR", re.IGNORECASE)


_PROGRESSING = re.compile(r"\bprogressing\b|\bprogressive disease\b|\bprogression\b(?![- ]free)", re.IGNORECASE)
# A note telling of a time past ("progression in 2018, now in remission", "was on treatment until
# 2019"): what it says need not hold now.
_PAST = re.compile(r"\bwas\b|\bwere\b|\bpreviously\b|\bformerly\b|\bprior\b|\buntil\b|\bcompleted\b"
                   r"|\bfinished\b|\bended\b|\bstopped\b|\bhistory of\b", re.IGNORECASE)
_ADVANCED = re.compile(r"\badvanced\b|\bmetasta|\bunresectable\b|\binoperable\b|\bend[- ]stage\b"
                       r"|\bstage\s+(?:IV|4)\b", re.IGNORECASE)
_THERAPEUTIC = re.compile(r"(?<![\w-])therapeutic\b|\bfull[- ]dose\b|\btreatment dose\b", re.IGNORECASE)
_ON_TREATMENT = re.compile(r"\b(?:on|under|receiving|requires?|requiring|needs?|in)\s+(?:active\s+)?"
                           r"(?:treatment|therapy)\b", re.IGNORECASE)
_NEGATED = re.compile(r"\bno\b|\bnot\b|\bwithout\b|\bnone\b", re.IGNORECASE)
_ALLERGY = re.compile(r"allerg|hypersensitiv|anaphyla|urticaria|hives|angioedema|stevens-johnson|\bDRESS\b",
                      re.IGNORECASE)


def _qualifier(q: str, entry: object, ctx: Context, window: TimeWindow | None) -> Truth:
    """Whether a condition/medication/procedure entry has a qualifier; UNKNOWN when not recorded."""
    end = getattr(entry, "end", None)
    note = (getattr(entry, "note", None) or "").lower()
    if q in ("active", "current"):
        if not hasattr(entry, "end"):
            # a procedure or vaccination is a dated event: "concurrent radiotherapy" is one in the
            # last weeks (or ahead), and a course's end is not recorded, so a recent one may count
            day = getattr(entry, "date", None)
            if day is None or day > ctx.as_of:
                return Truth.UNKNOWN if day is None else Truth.TRUE
            return Truth.FALSE if (ctx.as_of - day).days > RECENT_EVENT_DAYS else Truth.UNKNOWN
        concept = getattr(entry, "concept_id", None)
        onset = getattr(entry, "onset", None)
        if _acute(entry, ctx) and onset is not None and (ctx.as_of - onset).days > RECENT_EVENT_DAYS:
            return Truth.UNKNOWN  # an acute event long past: over, or still being treated?
        if q == "active" and (concept is not None and ctx.vocab.get(concept).latent or "latent" in note):
            return Truth.FALSE  # latent tuberculosis is carried, not active
        if (end is None or end >= ctx.as_of) and _QUIESCENT.search(note):
            # "in complete remission", "cured (SVR12)": recorded, but not active now
            return Truth.UNKNOWN if "partial" in note else Truth.FALSE
        return Truth.of(end is None or end >= ctx.as_of)
    if q in ("history", "equivalent"):
        return Truth.TRUE
    if q == "earlier":
        # an episode before the one the trial studies: only one with a later episode of the same
        # disease is surely earlier; the latest may be the index event itself
        concept, onset = getattr(entry, "concept_id", None), getattr(entry, "onset", None)
        related = (lambda other: concept is not None and other is not None
                   and (ctx.vocab.is_a(other, concept) or ctx.vocab.is_a(concept, other)))
        later = [c for c in ctx.patient.conditions if c is not entry and related(c.concept_id)
                 and c.onset is not None and onset is not None and c.onset > onset]
        return Truth.TRUE if later else Truth.UNKNOWN
    if q == "secondary":
        return Truth.TRUE if "secondary" in note else (Truth.FALSE if "primary" in note else Truth.UNKNOWN)
    if q == "recurrent":
        return Truth.TRUE if "recurrent" in note else Truth.UNKNOWN
    if q in ("severe", "moderate", "mild"):
        severity = getattr(entry, "severity", None)
        return Truth.UNKNOWN if severity is None else Truth.of(severity == q)
    if q == "advanced":
        # recorded, if at all, in the note: spread or beyond surgery is advanced, whatever the word
        return Truth.TRUE if _ADVANCED.search(note) and not _NEGATED.search(note) else Truth.UNKNOWN
    if q in ("symptomatic", "chronic", "metastatic", "unresectable", "relapsed", "untreated", "adjuvant",
             "neoadjuvant", "palliative", "curative", "prophylactic", "maintenance", "induction", "end_stage",
             "decompensated", "life_threatening"):
        # recorded only as a note, if at all
        return Truth.TRUE if any(w in note for w in {q, q.replace("_", "-"), q.replace("_", " ")}) else Truth.UNKNOWN
    if q == "therapeutic":
        # a dose meant to treat (anticoagulation): prophylaxis is not it, and the note tells
        if "prophyla" in note:
            return Truth.FALSE
        # ("subtherapeutic", "not at therapeutic dose" are not it either)
        return Truth.TRUE if _THERAPEUTIC.search(note) and not _NEGATED.search(note) else Truth.UNKNOWN
    if q == "progressing":
        # recorded, if at all, in the note; an illness that is over is not progressing
        if end is not None and end < ctx.as_of:
            return Truth.FALSE
        return Truth.TRUE if _PROGRESSING.search(note) and not (_NEGATED.search(note) or _PAST.search(note)
                                                                or _QUIESCENT.search(note)) else Truth.UNKNOWN
    if q == "requiring_treatment":
        # recorded, if at all, in the note; an illness that is over may still be treated
        # (adjuvant hormone therapy for years after a resected breast cancer)
        return Truth.TRUE if _ON_TREATMENT.search(note) and not (_NEGATED.search(note) or _PAST.search(note)) \
            else Truth.UNKNOWN
    if q == "other":
        # other than the disease under study, which the rule does not name (the trial does)
        return Truth.UNKNOWN
    if q == "primary":
        return Truth.TRUE if "primary" in note else (Truth.FALSE if "secondary" in note else Truth.UNKNOWN)
    if q in ("first_line", "second_line"):
        words = q.split("_")[0], q.replace("_", "-"), q.replace("_", " ")
        return Truth.TRUE if any(w in note for w in words[1:]) else Truth.UNKNOWN
    if q in ("oral", "systemic"):
        route = getattr(entry, "route", None)
        if route is None:
            return Truth.UNKNOWN
        return Truth.of(route == "oral" if q == "oral" else route not in ("topical", "inhaled"))
    if q == "uncontrolled":
        controlled = getattr(entry, "controlled", None)
        return Truth.UNKNOWN if controlled is None else Truth.of(not controlled)
    if q == "hospitalized":
        return Truth.of(getattr(entry, "hospitalized", None))
    if q == "treated":
        return Truth.TRUE if end is not None or any(w in note for w in ("treated", "excised", "cured")) \
            else Truth.UNKNOWN
    if q == "refractory":
        outcome = getattr(entry, "outcome", None)
        return Truth.UNKNOWN if outcome is None else Truth.of(outcome == "no_response")
    if q == "responded":
        # a course stopped for intolerance may have worked before it was stopped
        outcome = getattr(entry, "outcome", None)
        return Truth.UNKNOWN if outcome in (None, "intolerant") else Truth.of(outcome == "responded")
    if q == "intolerant":
        outcome = getattr(entry, "outcome", None)
        return Truth.UNKNOWN if outcome is None else Truth.of(outcome == "intolerant")
    if q == "allergic":
        # "not tolerated" may be an allergy or a side effect: only the note tells them apart
        outcome = getattr(entry, "outcome", None)
        if outcome is not None and outcome != "intolerant":
            return Truth.FALSE
        # ("dyspepsia, not an allergy", "rash, no anaphylaxis": which the note does not settle)
        return Truth.TRUE if outcome == "intolerant" and _ALLERGY.search(note) and not _NEGATED.search(note) \
            else Truth.UNKNOWN
    if q == "intravenous":
        route = getattr(entry, "route", None)
        return Truth.UNKNOWN if route is None else Truth.of(route == "iv")
    if q == "new":
        # a drug started, or a condition diagnosed, inside the window
        start = getattr(entry, "start", None) or getattr(entry, "onset", None)
        if start is None:
            return Truth.UNKNOWN
        since = window_start(window, ctx.as_of) if window else ctx.as_of - timedelta(days=90)
        return Truth.of(start >= since)
    if q == "dose_change":
        # the profile records no dose history: a start inside the window is a change, else unknown
        start = getattr(entry, "start", None)
        since = window_start(window, ctx.as_of) if window else None
        return Truth.TRUE if start is not None and since is not None and start >= since else Truth.UNKNOWN
    if q == "recent":
        # how recent is not said: what is going on now is recent, a procedure in the last
        # fortnight too; anything older may or may not be
        acute = _acute(entry, ctx)
        if not hasattr(entry, "end") or acute:
            # a dated event (a procedure; an infarction, dated by its onset)
            day = getattr(entry, "date", None) or getattr(entry, "onset", None)
            days = RECENT_EVENT_DAYS if acute else SURELY_RECENT_DAYS  # an illness may still go on
            sure = day is not None and timedelta(0) <= ctx.as_of - day <= timedelta(days=days)
            return Truth.TRUE if sure else Truth.UNKNOWN
        start = getattr(entry, "start", None) or getattr(entry, "onset", None)
        ongoing = (end is None or end >= ctx.as_of) and (start is None or start <= ctx.as_of)
        return Truth.TRUE if ongoing else Truth.UNKNOWN
    if q == "stable":
        # taken now at an unchanged dose: a course that has ended is not; one that goes on is
        # only known unchanged when its note says so (a dose change is recorded as a new course)
        if end is not None and end < ctx.as_of:
            return Truth.FALSE
        return Truth.TRUE if "stable" in note else Truth.UNKNOWN
    if q == "planned":
        planned = getattr(entry, "planned", None)
        return Truth.UNKNOWN if planned is None else Truth.of(planned)
    return Truth.UNKNOWN


def _in_window(first: date | None, last: date | None, window: TimeWindow | None, ctx: Context) -> Truth:
    """Whether something that ran from ``first`` to ``last`` (None: ongoing) touched the window."""
    if window is None:
        return Truth.TRUE if first is None or first <= ctx.as_of else Truth.FALSE
    if window.direction == "future":
        return Truth.UNKNOWN
    if first is not None and first > ctx.as_of:
        return Truth.FALSE
    start = window_start(window, ctx.as_of)
    if last is not None and last < start:
        # a window of "30 days or 5 half-lives, whichever is longer" may reach further back
        return Truth.UNKNOWN if window.whichever == "longer" else Truth.FALSE
    if last is None and first is None:
        return Truth.UNKNOWN
    if window.whichever == "shorter" and last is not None and last < ctx.as_of:
        return Truth.UNKNOWN  # … and one of "whichever is shorter" may not reach that far
    return Truth.TRUE


def _planned_in_window(day: date | None, window: TimeWindow | None, ctx: Context) -> Truth:
    """Whether something planned for ``day`` falls in the window. The anchors are counted from
    the screening date, so a plan outside the window counted that way may still fall inside it
    counted from the real randomization: only inside is sure."""
    if window is None:
        return Truth.TRUE
    if day is None:
        return Truth.UNKNOWN
    reach = _shift(ctx.as_of, window.amount, window.unit, 1) - ctx.as_of
    return Truth.TRUE if abs(day - ctx.as_of) <= reach else Truth.UNKNOWN


def _lasted(first: date | None, last: date | None, lasting: Lasting, ctx: Context) -> Truth:
    """Whether a course from ``first`` to ``last`` (None: ongoing) lasted as long as asked."""
    if first is None:
        return Truth.UNKNOWN
    end = min(last, ctx.as_of) if last is not None else ctx.as_of
    # it lasted at least the time asked exactly when it began on or before ``mark``
    mark = _shift(end, lasting.amount, lasting.unit, -1)
    return Truth.of(_COMPARE[lasting.op](mark.toordinal(), first.toordinal()))


def _course_starts(spans: dict[int, tuple[date | None, date | None]], as_of: date) -> dict[int, date | None]:
    """For each entry, when the unbroken course it belongs to began: entries of one drug or
    condition that follow on from each other (a dose change is a new entry) are one course."""
    starts: dict[int, date | None] = {}
    dated = sorted((first, last or as_of, k) for k, (first, last) in spans.items() if first is not None)
    begin: date | None = None
    reach: date | None = None
    for first, last, k in dated:
        if reach is None or first > reach + timedelta(days=1):
            begin, reach = first, last
        else:
            reach = max(reach, last)
        starts[k] = begin
    for k, (first, _) in spans.items():
        if first is None:
            starts[k] = None
    return starts


@dataclass(frozen=True)
class _Kind:
    list_name: str
    noun: str
    verb: str
    categories: frozenset[str]
    entries: Callable[[Patient], Sequence[object]]
    span: Callable[[object], tuple[date | None, date | None]]


_CONDITIONS = _Kind("conditions", "condition", "has", frozenset({"condition", "class"}),
                    lambda p: p.conditions, lambda e: (e.onset, e.end))  # type: ignore[attr-defined]
_MEDICATIONS = _Kind("medications", "medication", "received", frozenset({"medication", "drug_class"}),
                     lambda p: p.medications, lambda e: (e.start, e.end))  # type: ignore[attr-defined]
_PROCEDURES = _Kind("procedures", "procedure", "had", frozenset({"procedure"}),
                    lambda p: p.procedures, lambda e: (e.date, e.date))  # type: ignore[attr-defined]
_VACCINATIONS = _Kind("vaccinations", "vaccination", "received", frozenset({"vaccine"}),
                      lambda p: p.vaccinations, lambda e: (e.date, e.date))  # type: ignore[attr-defined]


def _matches(entry_concept: str | None, target: str, ctx: Context) -> bool:
    if entry_concept is None:
        return False
    return ctx.vocab.is_a(entry_concept, target) or target in ctx.vocab.get(entry_concept).manifestation_of


_CANCER_WORDS = re.compile(r"cancer|carcinoma|tumou?r|lymphoma|leuk[a]?emia|myeloma|sarcoma|melanoma|malignan|metasta"
                           r"|oncolog|chemo", re.IGNORECASE)
# Words saying a drug was given around cancer but not against it ("for cancer-related anorexia",
# "ovarian protection during chemotherapy").
_NOT_AGAINST_CANCER = re.compile(r"related|induced|during|supportive|protect|prevent|prophyla|appetite|anorexia"
                                 r"|nausea|cachexia|symptom", re.IGNORECASE)


def _given_for_cancer(entry_concept: str | None, entry: object, targets: list[str], ctx: Context) -> Truth:
    """Whether a drug with other uses (cyclophosphamide for lupus, leuprolide for endometriosis)
    counts as the anticancer class a rule names: only if its record says it was given for cancer."""
    if entry_concept is None or not ctx.vocab.get(entry_concept).other_uses:
        return Truth.TRUE
    if not any(t != entry_concept and ctx.vocab.is_a(t, "anticancer_therapy") for t in targets):
        return Truth.TRUE
    note = " ".join(filter(None, (getattr(entry, "note", None), getattr(entry, "indication", None))))
    if _NOT_AGAINST_CANCER.search(note):
        return Truth.UNKNOWN
    return Truth.TRUE if _CANCER_WORDS.search(note) else Truth.UNKNOWN


def _history(node: HasCondition | TookMedication | HadProcedure | Vaccinated, kind: _Kind, ctx: Context,
             extra: Callable[[object], Outcome | None] | None = None) -> Outcome:
    """Shared by conditions, medications, procedures and vaccinations: find the entries that are
    the concept, less the exceptions, with the qualifiers, inside the window."""
    entries = kind.entries(ctx.patient)
    target = node.concept
    label = ctx.vocab.get(target).name if target and ctx.vocab.lookup(target) else (
        getattr(node, "term", None) or target or "?")
    words = [w for w in ("newly diagnosed" if q == "new" and kind is _CONDITIONS else QUALIFIER_WORDS.get(q, q)
                         for q in node.qualifiers) if w]
    grade = getattr(node, "grade", None)
    if grade is not None:
        words.append(_grade_words(grade))
    quals = f" ({', '.join(words)})" if words else ""
    what = f"{label}{quals}" + (f" {_window_words(node.window)}" if node.window else "")
    truths: list[Truth] = []
    evidence: list[Evidence] = []
    unresolved: list[str] = []
    extra_missing: list[str] = []
    extra_messages: list[str] = []
    targets = [target] if target else []
    if target and "equivalent" in node.qualifiers:
        # "prednisone (or equivalent)": any drug of its classes that has a dose equivalence
        targets += [c for c in ctx.vocab.get(target).is_a]
    lasting = getattr(node, "lasting", None)
    course = {k: kind.span(e) for k, e in enumerate(entries)
              if any(_matches(getattr(e, "concept_id", None), t, ctx) for t in targets)} if lasting is not None else {}
    # "prednisone > 10 mg/day for more than 2 weeks": the course is of entries at that dose (a
    # dose change is a new entry); one whose dose is not known may or may not belong to it
    met = {k: extra(entries[k]).truth for k in course} if extra is not None else {k: Truth.TRUE for k in course}
    sure_starts = _course_starts({k: s for k, s in course.items() if met[k] is Truth.TRUE}, ctx.as_of)
    maybe_starts = _course_starts({k: s for k, s in course.items() if met[k] is not Truth.FALSE}, ctx.as_of)
    for k, e in enumerate(entries):
        concept_id = getattr(e, "concept_id", None)
        name = getattr(e, "name", None) or getattr(e, "code", None) or "?"
        if concept_id is not None and ctx.vocab.get(concept_id).category not in kind.categories:
            concept_id = None  # "estradiol" in the medications list is the drug, not the lab of that name
        if target is None:
            term = getattr(node, "term", None)
            matched = term is not None and _same_words(name, term)
        else:
            matched = any(_matches(concept_id, t, ctx) for t in targets)
        if concept_id is None and not matched:
            unresolved.append(name)
            continue
        if not matched:
            continue
        first, last = kind.span(e)
        given_for = _given_for_cancer(concept_id, e, targets, ctx)
        if kind is _CONDITIONS and first is not None and _acute(e, ctx):
            last = first  # an infarction "from 2012" with no end is one in 2012, not one going on
        checks = [given_for]
        exempted = _exempt(concept_id, e, getattr(node, "excluding", ()), ctx)
        checks.append(~exempted)
        checks.extend(_qualifier(q, e, ctx, node.window) for q in node.qualifiers)
        if "planned" in node.qualifiers:
            checks.append(_planned_in_window(first, node.window, ctx))
        elif getattr(e, "planned", None):
            # scheduled, not done: not yet a history, unless its day has passed (done or not?)
            checks.append(Truth.FALSE if first is None or first > ctx.as_of else Truth.UNKNOWN)
        else:
            inside = _in_window(first, last, node.window, ctx)
            if inside is Truth.FALSE and kind is _CONDITIONS and _recurring(e, ctx) \
                    and (first is None or first <= ctx.as_of):
                # "recurrent" since before the window: whether an episode fell in it is not recorded
                inside = Truth.UNKNOWN
            if inside is Truth.TRUE and kind is _CONDITIONS and node.window is not None and last is None \
                    and first is not None and first < window_start(node.window, ctx.as_of) \
                    and _QUIESCENT.search(getattr(e, "note", None) or ""):
                # "breast cancer since 2005, in remission" against "malignancy within 5 years":
                # since when it has been in remission is not recorded
                inside = Truth.UNKNOWN
            if inside is Truth.FALSE and "requiring_treatment" in node.qualifiers \
                    and (first is None or first <= ctx.as_of):
                # "… that has required treatment within the past 3 years": the treatment is in the
                # window, and may go on after the illness is over (adjuvant hormone therapy)
                inside = Truth.UNKNOWN
            checks.append(inside)
        if lasting is not None:
            sure = _lasted(sure_starts.get(k, first), last, lasting, ctx)
            maybe = _lasted(maybe_starts.get(k, first), last, lasting, ctx)
            checks.append(sure if sure is maybe else Truth.UNKNOWN)
        if _bare(node) and hasattr(e, "end") and last is not None and last < ctx.as_of:
            # "panic disorder", "use of anticoagulants" with no "history of" and no window: whether
            # one that ended years ago still counts is not said
            checks.append(Truth.UNKNOWN)
        elif _bare(node) and not hasattr(e, "end") and last is not None \
                and (ctx.as_of - last).days > RECENT_EVENT_DAYS:
            # "on dialysis", "orthodontic appliances": a dated event long past may be over
            checks.append(Truth.UNKNOWN)
        if extra is not None:
            more = extra(e)
            if more is not None:
                checks.append(more.truth)
                evidence.extend(more.evidence)
                extra_missing.extend(more.missing)
                extra_messages.append(more.message)
        truth = all_of(checks)
        truths.append(truth)
        when = ", ".join(x for x in (f"from {first}" if first else "", f"to {last}" if last and last != first
                                                                          else "") if x) or None
        note = "counts" if truth is Truth.TRUE else ("does not count" if truth is Truth.FALSE else "may count")
        if exempted is Truth.TRUE:
            note = "excepted by the criterion"
        evidence.append(Evidence(item=kind.noun, value=name, date=(first.isoformat() if first else None),
                                 source=_where(ctx.patient, kind.list_name, k, e), note=f"{note}" + (
                                     f" ({when})" if when else "")))
    found = any_of(truths)
    detail = (" " + " ".join(dict.fromkeys(extra_messages))) if extra_messages else ""
    if found is Truth.TRUE:
        return Outcome(Truth.TRUE, f"{kind.verb.capitalize()} {what}.{detail}", None, tuple(evidence))
    if found is Truth.UNKNOWN and extra_missing:
        return Outcome(Truth.UNKNOWN, f"Cannot tell yet: {' '.join(dict.fromkeys(extra_messages))}", "missing",
                       tuple(evidence), tuple(dict.fromkeys(extra_missing)))
    if found is Truth.UNKNOWN:
        return Outcome(Truth.UNKNOWN, f"Cannot tell whether the patient {kind.verb} {what}: the profile does not "
                       f"record the details.", "ambiguous", tuple(evidence), (f"details of the patient's {label}",))
    term = getattr(node, "term", None)
    if term is not None and target is None:
        return Outcome(Truth.UNKNOWN, f"'{term}' is not in the vocabulary; its absence cannot be confirmed.",
                       "ambiguous", tuple(evidence), (f"whether the patient has {term}",))
    if "planned" in node.qualifiers:
        return Outcome(Truth.UNKNOWN, f"Plans for {label} are not in the profile.", "missing", tuple(evidence),
                       (f"whether {label} is planned",))
    broader = [getattr(e, "name", None) or ctx.vocab.get(e.concept_id).name for e in entries  # type: ignore[attr-defined]
               if target and getattr(e, "concept_id", None) and e.concept_id != target  # type: ignore[attr-defined]
               and _broader(e.concept_id, target, ctx)]  # type: ignore[attr-defined]
    if broader and not truths:
        # recorded as "psoriasis" against "pustular psoriasis", or as "hemodialysis" against
        # "chronic dialysis" (maintenance hemodialysis is both): maybe, maybe not
        return Outcome(Truth.UNKNOWN, f"The profile records {', '.join(broader)}, which may or may not be {label}.",
                       "ambiguous", tuple(evidence), (f"whether the patient's {', '.join(broader)} is {label}",))
    if not ctx.complete(kind.list_name):
        return Outcome(Truth.UNKNOWN, f"No {what} recorded, but the {kind.list_name} list is not marked complete.",
                       "missing", tuple(evidence), (f"whether the patient {kind.verb} {what}",))
    if target and ctx.vocab.get(target).unlisted:
        return Outcome(Truth.UNKNOWN, f"No {what} recorded; a problem list seldom names it, even when complete.",
                       "missing", tuple(evidence), (f"whether the patient {kind.verb} {what}",))
    if unresolved:
        return Outcome(Truth.UNKNOWN, f"No {what} recorded; {', '.join(unresolved)} could not be matched to the "
                       f"vocabulary.", "ambiguous", tuple(evidence), (f"whether {', '.join(unresolved)} is {label}",))
    if truths:  # matching entries, none of which counts
        return Outcome(Truth.FALSE, f"Nothing in the complete {kind.list_name} list counts as {what}.{detail}", None,
                       tuple(evidence))
    return Outcome(Truth.FALSE, f"No {what} in the complete {kind.list_name} list.", None, tuple(evidence))


def _broader(recorded: str, asked: str, ctx: Context) -> bool:
    """A record one of whose kinds is what is asked ("psoriasis" against "pustular psoriasis"):
    it may or may not be that kind."""
    return any(ctx.vocab.is_a(d, asked) for d in ctx.vocab.descendants(recorded))


def _bare(node: HasCondition | TookMedication | HadProcedure | Vaccinated) -> bool:
    """A condition or drug named with no time at all: no window and no qualifier about time (an
    allergy or intolerance to a drug, found whenever, is one still)."""
    timed = {"history", "active", "current", "recurrent", "new", "planned", "chronic", "treated", "earlier",
             "recent", "stable", "intolerant", "allergic"}
    return node.window is None and not timed & set(node.qualifiers)


def _same_words(a: str, b: str) -> bool:
    return re.sub(r"\W+", " ", a).strip().lower() == re.sub(r"\W+", " ", b).strip().lower()


def _condition(node: HasCondition, ctx: Context) -> Outcome:
    extra = (lambda e: _graded(node.grade, e)) if node.grade is not None else None
    return _history(node, _CONDITIONS, ctx, extra)


def _grade_words(grade: Grade) -> str:
    """"grade 2 or higher", "grade 3 or 4", "grade 3": the CTCAE grades that count, in words."""
    if grade.low == grade.high:
        return f"grade {grade.low}"
    if grade.high == 5:
        return f"grade {grade.low} or higher"
    if grade.low == 1:
        return f"grade {grade.high} or lower"
    return f"grade {' or '.join(str(g) for g in range(grade.low, grade.high + 1))}"


def _graded(grade: Grade, entry: object) -> Outcome:
    """A condition entry's recorded CTCAE grade against the grades that count; none recorded is unknown."""
    recorded = getattr(entry, "grade", None)
    name = getattr(entry, "name", None) or getattr(entry, "code", None) or "the condition"
    if recorded is None:
        return Outcome(Truth.UNKNOWN, f"The grade of {name} is not recorded.", "missing",
                       missing=(f"the CTCAE grade of {name}",))
    holds = grade.low <= recorded <= grade.high
    return Outcome(Truth.of(holds), f"{name[:1].upper()}{name[1:]} is grade {recorded}.", None,
                   (Evidence(item="grade", value=f"grade {recorded}", threshold=_grade_words(grade),
                             note=name),))


def _medication(node: TookMedication, ctx: Context) -> Outcome:
    extra = (lambda e: _dose(node, e, ctx)) if node.dose is not None else None
    return _history(node, _MEDICATIONS, ctx, extra)


_DOSE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(.+?)\s*$")


def _dose(node: TookMedication, entry: object, ctx: Context) -> Outcome:
    """A medication's dose against the rule's, or both ends of its range (one course meets both)."""
    assert node.dose is not None
    if node.dose_bound is None:
        return _dose_against(node.dose, node, entry, ctx)
    ends = [_dose_against(threshold, node, entry, ctx) for threshold in (node.dose, node.dose_bound)]
    truth = all_of([o.truth for o in ends])
    decisive = [o for o in ends if o.truth is truth] or ends
    return Outcome(truth, " ".join(dict.fromkeys(o.message for o in decisive)), decisive[0].reason,
                   tuple(e for o in ends for e in o.evidence), tuple(m for o in decisive for m in o.missing))


def _dose_against(threshold: Comparison, node: TookMedication, entry: object, ctx: Context) -> Outcome:
    """A medication's dose against one threshold, in prednisone equivalents for corticosteroids
    and per kg of the latest weight for mg/kg doses."""
    dose_text = getattr(entry, "dose", None)
    if not dose_text:
        return Outcome(Truth.UNKNOWN, "The dose is not recorded.", "missing", missing=("the medication dose",))
    m = _DOSE.match(dose_text)
    if m is None:
        return Outcome(Truth.UNKNOWN, f"Cannot read the dose '{dose_text}'.", "ambiguous")
    amount, unit = float(m.group(1)), m.group(2)
    from .units import parse_unit, ureg

    try:
        given = amount * ureg.Quantity(1, parse_unit(unit))
        wanted_unit = parse_unit(threshold.unit or "")
    except (UnitError, Exception):
        return Outcome(Truth.UNKNOWN, f"Cannot read the dose unit '{unit}'.", "ambiguous")
    concept_id = getattr(entry, "concept_id", None)
    factor = 1.0
    if concept_id is not None and node.concept is not None and concept_id != node.concept:
        own = ctx.vocab.get(concept_id).prednisone_equivalent
        ref = ctx.vocab.get(node.concept).prednisone_equivalent
        if own is None or ref is None:
            return Outcome(Truth.UNKNOWN, "No dose equivalence between the two drugs.", "ambiguous")
        factor = own / ref
    given = given * factor
    notes = []
    if not given.check(wanted_unit) and (given / ureg.kilogram).check(wanted_unit):
        weight, unknown = _latest(ctx.vocab.get("weight"), None, ctx) if ctx.vocab.lookup("weight") else (None, None)
        if weight is None or not isinstance(weight.value, (int, float)):
            return Outcome(Truth.UNKNOWN, "A weight-based dose needs a recent weight.", "missing",
                           missing=("a recent weight",))
        kg = ureg.Quantity(float(weight.value), parse_unit(weight.unit or "kg")).to("kg")
        given = given / kg
        notes.append(f"weight {number(round(kg.magnitude, 1))} kg on {weight.day}")
    try:
        value = given.to(wanted_unit).magnitude
    except Exception:
        return Outcome(Truth.UNKNOWN, f"Cannot compare the dose {dose_text} with {threshold.unit}.", "ambiguous")
    holds = _COMPARE[threshold.op](value, threshold.value)
    shown = f"{_OP_WORDS[threshold.op]} {number(threshold.value)} {threshold.unit}"
    ev = Evidence(item="dose", value=dose_text, compared_as=f"{number(round(value, 3))} {threshold.unit}",
                  threshold=shown, note="; ".join(notes) or None)
    return Outcome(Truth.of(holds), f"Dose {dose_text} is {number(round(value, 3))} {threshold.unit}.", None, (ev,))


def _procedure(node: HadProcedure, ctx: Context) -> Outcome:
    return _history(node, _PROCEDURES, ctx)


def _vaccination(node: Vaccinated, ctx: Context) -> Outcome:
    return _history(node, _VACCINATIONS, ctx)


# --- status and leaves ---------------------------------------------------------------------------


def _status(node: Status, ctx: Context) -> Outcome:
    p = ctx.patient
    f = node.field
    if f in ("female", "male"):
        if p.sex is None:
            return Outcome(Truth.UNKNOWN, "Sex is not recorded.", "missing", missing=("sex",))
        holds = p.sex == f
        return Outcome(Truth.of(holds), f"The patient is {p.sex}.", None,
                       (Evidence(item="sex", value=p.sex, source="sex"),))
    value = getattr(p, f)
    if value is None and f == "pregnant" and p.childbearing_potential is False:
        return Outcome(Truth.FALSE, "Not pregnant: the patient cannot become pregnant.", None,
                       (Evidence(item="childbearing potential", value="no", source="childbearing_potential"),))
    if value is None and f in ("pregnant", "breastfeeding", "childbearing_potential") and p.sex == "male":
        return Outcome(Truth.FALSE, f"Not {f.replace('_', ' ')}: the patient is male.", None,
                       (Evidence(item="sex", value="male", source="sex"),))
    if value is None and f == "pregnant":
        test = _pregnancy_test(ctx)
        if test is not None:
            return test
    words = f.replace("_", " ")
    if value is None:
        return Outcome(Truth.UNKNOWN, f"'{words}' is not recorded.", "missing", missing=(words,))
    return Outcome(Truth.of(value), f"{words.capitalize()}: {'yes' if value else 'no'}.", None,
                   (Evidence(item=words, value="yes" if value else "no", source=f),))


def _lines(node: TreatmentLines, ctx: Context) -> Outcome:
    """Lines of treatment that held a drug of the class: the distinct ``therapy_line`` numbers of
    the matching courses; a course without one is at least one line and at most one more. A
    course of any treatment at all (a class that covers every drug: "lines of therapy") without
    a line number may be no line: metformin is not a line of cancer therapy, and a procedure may
    be one (CAR-T cell therapy). A course that may lack a qualifier (systemic: its route
    unrecorded) may or may not count. More courses may be missing unless the medications list
    (and for any treatment, the procedures list) is complete."""
    label = ctx.vocab.get(node.concept).name
    medications = ctx.patient.medications
    matching = [(k, e) for k, e in enumerate(medications) if _matches(e.concept_id, node.concept, ctx)
                and (e.start is None or e.start <= ctx.as_of)]
    counts = {k: all_of([_qualifier(q, e, ctx, None) for q in node.qualifiers]) for k, e in matching}
    sure = [e for k, e in matching if counts[k] is Truth.TRUE]
    maybe = [e for k, e in matching if counts[k] is not Truth.FALSE]
    numbered = {e.therapy_line for e in sure if e.therapy_line is not None}
    anything = bool(ctx.vocab.get(node.concept).covers)
    unnumbered_course = any(e.therapy_line is None for e in sure) and not anything
    fewest = len(numbered) or (1 if unnumbered_course else 0)
    possible = {e.therapy_line for e in maybe if e.therapy_line is not None}
    procedures = [p for p in ctx.patient.procedures if p.date is None or p.date <= ctx.as_of] if anything else []
    unnumbered = sum(1 for e in maybe if e.therapy_line is None) + len(procedures)
    closed = ctx.complete("medications") and all(e.concept_id is not None for e in medications) \
        and (not anything or ctx.complete("procedures"))
    most = len(possible) + unnumbered if closed else max(fewest, node.count + 1)  # beyond: all alike
    verdicts = {_COMPARE[node.op](n, node.count) for n in range(fewest, most + 1)}
    evidence = tuple(Evidence(item="medication", value=e.name or label, date=e.start.isoformat() if e.start else None,
                              source=_where(ctx.patient, "medications", k, e),
                              note=f"therapy line {e.therapy_line}" if e.therapy_line else "therapy line not recorded")
                     for k, e in matching)
    quals = f" ({', '.join(QUALIFIER_WORDS.get(q, q) for q in node.qualifiers)})" if node.qualifiers else ""
    asked = f"lines of {label}{quals} {_OP_WORDS[node.op]} {node.count}"
    counted = f"{fewest}" if closed and fewest == most else (f"{fewest} to {most}" if closed else f"at least {fewest}")
    if verdicts == {True}:
        return Outcome(Truth.TRUE, f"{counted.capitalize()} line(s) of {label}: {asked}.", None, evidence)
    if verdicts == {False}:
        return Outcome(Truth.FALSE, f"{counted.capitalize()} line(s) of {label}: not {asked}.", None, evidence)
    missing = ("how each course was given (systemic or not)" if len(maybe) > len(sure) else
               "which line of treatment each course was" if unnumbered > len(procedures) else
               "whether the medications list is complete" if not ctx.complete("medications") else
               "which procedures were lines of treatment" if procedures else "whether the procedures list is complete")
    return Outcome(Truth.UNKNOWN, f"{counted.capitalize()} line(s) of {label} recorded; cannot tell whether {asked}.",
                   "missing", evidence, (missing,))


# Relations that are a parent, a sibling or a child, and relations that are further away; any
# other relation (or none) leaves "a first-degree relative" unknown.
_FIRST_DEGREE = {"mother", "father", "parent", "brother", "sister", "sibling", "son", "daughter", "child", "twin",
                 "twin brother", "twin sister", "first-degree relative", "first degree relative", "first-degree"}
_NOT_FIRST_DEGREE = {"grandmother", "grandfather", "grandparent", "aunt", "uncle", "cousin", "niece", "nephew",
                     "grandchild", "grandson", "granddaughter", "half-brother", "half-sister", "half-sibling",
                     "second-degree relative", "second degree relative", "third-degree relative", "spouse"}


def _first_degree(relation: str | None) -> Truth:
    said = " ".join((relation or "").lower().split())
    if said in _FIRST_DEGREE:
        return Truth.TRUE
    return Truth.FALSE if said in _NOT_FIRST_DEGREE else Truth.UNKNOWN


def _family_history(node: FamilyHistory, ctx: Context) -> Outcome:
    """A relative's condition of the class, from the profile's ``family_history`` list (open
    unless ``complete`` names it, like any other list); for "a first-degree relative", one whose
    ``relation`` is a parent, a sibling or a child."""
    label = ctx.vocab.get(node.concept).name
    who = "a first-degree relative" if node.first_degree else "a relative"
    evidence: list[Evidence] = []
    unresolved: list[str] = []
    maybe: list[str] = []
    for k, e in enumerate(ctx.patient.family_history):
        name = e.name or e.code or "?"
        seen = Evidence(item="family history", value=name, source=_where(ctx.patient, "family_history", k, e),
                        note=e.relation)
        close = _first_degree(e.relation) if node.first_degree else Truth.TRUE
        if e.concept_id is None:
            unresolved.append(name)
        elif close is Truth.FALSE:
            continue  # a cousin's, against "a first-degree relative"
        elif _matches(e.concept_id, node.concept, ctx) and close is Truth.TRUE:
            return Outcome(Truth.TRUE, f"Family history of {label} in {who}: {name}.", None, (seen,))
        elif _matches(e.concept_id, node.concept, ctx) or _broader(e.concept_id, node.concept, ctx):
            # which relative is not said, or "thyroid cancer" against "medullary thyroid carcinoma"
            maybe.append(name)
            evidence.append(seen)
    if maybe:
        return Outcome(Truth.UNKNOWN, f"The family history records {', '.join(maybe)}, which may or may not be "
                       f"{label} in {who}.", "ambiguous", tuple(evidence),
                       (f"whether the family history's {maybe[0]} is {label} in {who}",))
    if not ctx.complete("family_history"):
        return Outcome(Truth.UNKNOWN, f"No {label} in the family history, but that list is not marked complete.",
                       "missing", missing=(f"whether {who} has had {label}",))
    if unresolved:
        return Outcome(Truth.UNKNOWN, f"No {label} in the family history; {', '.join(unresolved)} could not be "
                       f"matched to the vocabulary.", "ambiguous", missing=(f"whether {unresolved[0]} is {label}",))
    return Outcome(Truth.FALSE, f"No {label} in {who} in the complete family history.")


def _episode_in_window(entry: object, window: TimeWindow | None, ctx: Context) -> Truth:
    """Whether an episode, dated by its onset, lies in the window: one that began before it and
    ended inside it may or may not be counted as one of its episodes."""
    onset, end = getattr(entry, "onset", None), getattr(entry, "end", None)
    if onset is not None and onset > ctx.as_of:
        return Truth.FALSE
    if window is None:
        return Truth.TRUE
    if onset is None:
        return Truth.UNKNOWN
    if onset >= window_start(window, ctx.as_of):
        return Truth.TRUE
    return Truth.UNKNOWN if end is not None and end >= window_start(window, ctx.as_of) else Truth.FALSE


# Routes that make a drug systemic, as a note writes them ("oral prednisone", "IV methylprednisolone").
_SYSTEMIC_ROUTE = re.compile(r"\b(?:oral|orally|po|iv|intravenous|intravenously|intramuscular|im|systemic)\b",
                             re.IGNORECASE)


def _needed(requiring: Node, entry: object, ctx: Context) -> Truth:
    """Whether an episode needed the treatment asked ("requiring systemic corticosteroids"). Only
    the episode's own note can say so, by naming a drug or procedure of the kind ("treated with
    oral prednisone"); a note that names none, or that negates, leaves it unknown, never false."""
    note = getattr(entry, "note", None) or ""
    if not note or _NEGATED.search(note):
        return Truth.UNKNOWN
    words = re.findall(r"[\w'/-]+", note)
    named = {c.id for n in range(1, 5) for i in range(len(words) - n + 1)
             if (c := ctx.vocab.lookup(" ".join(words[i:i + n]))) is not None}
    for asked in walk(requiring):
        if not isinstance(asked, (TookMedication, HadProcedure)) or asked.concept is None:
            continue
        if any(ctx.vocab.is_a(c, asked.concept) for c in named) and all(
                q == "systemic" and _SYSTEMIC_ROUTE.search(note) for q in asked.qualifiers):
            return Truth.TRUE
    return Truth.UNKNOWN


# Entries of one event this close together may be one episode recorded twice (on admission and at
# discharge, from two sources): only onsets further apart are surely two episodes.
SAME_EPISODE_DAYS = 14


def _fewest_episodes(onsets: set[date | None]) -> int:
    """The fewest episodes the surely counted entries can be: each run of onsets less than
    SAME_EPISODE_DAYS after the run's first may be one, and an undated entry may be any of them."""
    fewest, first = 0, None
    for day in sorted(d for d in onsets if d is not None):
        if first is None or (day - first).days >= SAME_EPISODE_DAYS:
            fewest, first = fewest + 1, day
    return fewest or (1 if None in onsets else 0)


def _episodes(node: EpisodeCount, ctx: Context) -> Outcome:
    """How many episodes of an acute event: the patient's condition entries of it, each dated by
    its onset. Entries with onsets less than SAME_EPISODE_DAYS apart (or none) are one episode for
    sure and at most as many as they are: one episode is often recorded twice (under two names,
    from two sources, on admission and at discharge), while two so close are possible. An entry
    whose qualifiers or date the profile does not settle may or may not count; a record broader
    than the event ("heart failure" for a hospitalization for it), of the disease it is an episode
    of ("COPD" for its exacerbations), or one that says the event recurs, may hold any number; what each needed is read from its note. More episodes may be
    missing unless the conditions list is complete."""
    label = ctx.vocab.get(node.concept).name
    sure: set[date | None] = set()
    possible = 0
    unbounded = not (ctx.complete("conditions") and all(c.concept_id is not None for c in ctx.patient.conditions))
    evidence: list[Evidence] = []
    for k, e in enumerate(ctx.patient.conditions):
        concept = e.concept_id
        if concept is None:
            continue
        if _matches(concept, node.concept, ctx) and _recurring(e, ctx):
            # one entry for episodes that keep coming back: any number of them since its onset
            truth = Truth.FALSE if e.onset is not None and e.onset > ctx.as_of else Truth.UNKNOWN
            unbounded = unbounded or truth is Truth.UNKNOWN
        elif _matches(concept, node.concept, ctx):
            checks = [_qualifier(q, e, ctx, node.window) for q in node.qualifiers]
            if node.either:
                checks.append(any_of([_qualifier(q, e, ctx, node.window) for q in node.either]))
            if node.requiring is not None:
                checks.append(_needed(node.requiring, e, ctx))
            checks.append(_episode_in_window(e, node.window, ctx))
            truth = all_of(checks)
        elif concept != node.concept and _broader(concept, node.concept, ctx) and ctx.vocab.is_event(concept):
            # "stroke" against ischaemic strokes: one event, which may or may not be one of them
            truth = Truth.FALSE if _episode_in_window(e, node.window, ctx) is Truth.FALSE else Truth.UNKNOWN
        elif concept != node.concept and (_broader(concept, node.concept, ctx) or any(
                ctx.vocab.is_a(concept, d) for d in ctx.vocab.get(node.concept).manifestation_of)):
            # "heart failure" against hospitalizations for it, "COPD" against its exacerbations:
            # while it went on, there may have been some (a complete list names the diagnoses, not
            # necessarily each episode of them)
            began = e.onset is None or e.onset <= ctx.as_of
            lasted = e.end is None or node.window is None or e.end >= window_start(node.window, ctx.as_of)
            truth = Truth.UNKNOWN if began and lasted else Truth.FALSE
            unbounded = unbounded or truth is Truth.UNKNOWN  # one record, any number of episodes
        else:
            continue
        if truth is Truth.TRUE:
            sure.add(e.onset)
        if truth is not Truth.FALSE:
            possible += 1
        note = "counts" if truth is Truth.TRUE else ("does not count" if truth is Truth.FALSE else "may count")
        evidence.append(Evidence(item="condition", value=e.name or ctx.vocab.get(concept).name,
                                 date=e.onset.isoformat() if e.onset else None,
                                 source=_where(ctx.patient, "conditions", k, e), note=note))
    fewest = _fewest_episodes(sure)
    most = max(possible, node.count + 1) if unbounded else possible  # beyond the count: all alike
    verdicts = {_COMPARE[node.op](n, node.count) for n in range(fewest, most + 1)}
    words = [w for w in (QUALIFIER_WORDS.get(q, q) for q in node.qualifiers) if w]
    if node.either:
        words.append(" or ".join(QUALIFIER_WORDS.get(q, q) for q in node.either))
    if node.requiring is not None:
        needed = [" ".join([*(QUALIFIER_WORDS.get(q, q) for q in n.qualifiers), ctx.vocab.get(n.concept).name])
                  for n in walk(node.requiring) if getattr(n, "concept", None) and ctx.vocab.lookup(n.concept)]
        words.append("requiring " + (" or ".join(needed) or "the treatment asked"))
    what = label + (f" ({', '.join(words)})" if words else "") + (
        f" {_window_words(node.window)}" if node.window else "")
    counted = str(fewest) if fewest == most else (f"at least {fewest}" if unbounded else f"{fewest} to {most}")
    found = f"{counted.capitalize()} episode(s) of {what} recorded"
    limit = f"{_OP_WORDS[node.op]} {node.count}"
    if verdicts == {True}:
        return Outcome(Truth.TRUE, f"{found}; {limit} asked.", None, tuple(evidence))
    if verdicts == {False}:
        return Outcome(Truth.FALSE, f"{found}; {limit} asked.", None, tuple(evidence))
    if node.requiring is not None and possible:
        missing = f"what each episode of {label} was treated with (in its note)"
    elif possible > fewest:
        missing = f"the date and details of each episode of {label}"
    else:
        missing = f"whether the patient had other episodes of {label}"
    return Outcome(Truth.UNKNOWN, f"{found}; cannot tell whether {limit}, as asked.", "missing",
                   tuple(evidence), (missing,))


def _attribute(node: HasAttribute, ctx: Context) -> Outcome:
    concept = ctx.vocab.get(node.concept)
    for key, value in ctx.patient.attributes.items():
        found = ctx.vocab.lookup(key)
        if found is not None and found.id == node.concept:
            answer = "yes" if value else "no"
            return Outcome(Truth.of(value), f"{concept.name.capitalize()}: {answer}.", None,
                           (Evidence(item=concept.name, value=answer, source=f"attributes.{key}"),))
    for key, value in ctx.patient.attributes.items():
        found = ctx.vocab.lookup(key)
        if value and found is not None and found.id != node.concept and ctx.vocab.is_a(found.id, node.concept):
            # a fact that implies this one ("recovered to grade 1 or baseline" has recovered)
            return Outcome(Truth.TRUE, f"{found.name.capitalize()}: yes, so {concept.name}.", None,
                           (Evidence(item=found.name, value="yes", source=f"attributes.{key}"),))
    if node.concept in ("able_to_consent", "able_to_comply") and ctx.patient.consent:
        # who has signed was able and willing to
        return Outcome(Truth.TRUE, "Informed consent is signed.", None,
                       (Evidence(item="consent", value="signed", source="consent"),))
    return Outcome(Truth.UNKNOWN, f"'{concept.name}' is not recorded.", "missing", missing=(concept.name,))


def _pregnancy_test(ctx: Context) -> Outcome | None:
    concept = ctx.vocab.lookup("pregnancy test")
    if concept is None:
        return None
    reading, _ = _latest(concept, TimeWindow(amount=30, unit="days"), ctx)
    if reading is None:
        return None
    result = _qualitative(reading.value)
    if result is None:
        return None
    return Outcome(Truth.of(result == "positive"), f"Pregnancy test {result} on {reading.day}.", None,
                   (_evidence(reading),))


def _judgement(node: Judgement, ctx: Context) -> Outcome:
    return Outcome(Truth.UNKNOWN, "Needs the investigator's judgement.", "judgement",
                   missing=("the investigator's judgement",))


def _free_text(node: FreeText, ctx: Context) -> Outcome:
    return Outcome(Truth.UNKNOWN, f"Not read by the compiler: “{_clip(node.text)}”.", "free_text",
                   missing=(f"a coordinator's answer to “{_clip(node.text)}”",))


def _cohort(node: Cohort, ctx: Context) -> Outcome:
    listed = ctx.patient.cohorts
    if listed is None:
        return Outcome(Truth.UNKNOWN, f"Which cohort is the patient screened for? This criterion applies to "
                                      f"'{node.text}'.", "cohort", missing=("the cohorts the patient is screened for",))
    screened = any(cohort_key(c) == cohort_key(node.text) for c in listed)
    evidence = (Evidence(item="cohorts", value=", ".join(listed), source="cohorts"),)
    if screened:
        return Outcome(Truth.TRUE, f"Screened for the cohort '{node.text}'.", None, evidence)
    return Outcome(Truth.FALSE, f"Not screened for the cohort '{node.text}'.", None, evidence)


_NOTHING_ASKED = {
    "allows": "States what is allowed; asks nothing",
    "refers": "Refers to another section; asks nothing",
    "unspecified": "States that nothing is specified; asks nothing",
}


def _no_requirement(node: NoRequirement, ctx: Context) -> Outcome:
    # whichever truth passes the patient: an inclusion's statement holds, an exclusion's does not
    truth = Truth.FALSE if ctx.criterion_kind == "exclusion" else Truth.TRUE
    return Outcome(truth, f"{_NOTHING_ASKED[node.says]}: “{_clip(node.text)}”.")


def _clip(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


EVALUATORS: dict[type[Node], Callable[..., Outcome]] = {
    AllOf: _all, AnyOf: _any, Not: _not, AtLeast: _at_least, Conditional: _conditional,
    Comparison: _compare, NormalMultiple: _normal_multiple, Titre: _titre, Category: _category,
    HasCondition: _condition, TookMedication: _medication, HadProcedure: _procedure, Vaccinated: _vaccination,
    FamilyHistory: _family_history, TreatmentLines: _lines, EpisodeCount: _episodes,
    HasAttribute: _attribute, Status: _status, Judgement: _judgement, FreeText: _free_text,
    Cohort: _cohort, NoRequirement: _no_requirement,
}

__all__ = ["Context", "DEFAULT_RECENCY_DAYS", "Evidence", "Outcome", "REASONS", "ambiguous_unit", "evaluate",
           "implausible",
           "window_start"]
