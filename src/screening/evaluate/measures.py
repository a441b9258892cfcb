"""Measured values against limits: labs, vitals, scores, ages, multiples of normal, titres,
categories, with the latest reading in the window and its plausibility.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..logic import Truth
from ..nodes import Category, Comparison, Node, NormalMultiple, TimeWindow, Titre
from ..patient import Lab, Patient, Score, Vital, age_on
from ..printer import number
from ..units import STANDARD_BODY_SURFACE, UnitError, approximate_between, canonical_value, format_quantity
from ..vocabulary import Concept, Vocabulary
from .core import Context, Evidence, Outcome, matches
from .dates import age_words, window_start, window_words


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
                out.append(_Reading(e.value, getattr(e, "unit", None), e.date, item, where(p, list_name, k, e),
                                    getattr(e, "ref_high", None), getattr(e, "ref_low", None)))
    for k, proc in enumerate(p.procedures):
        for key, value in proc.findings.items():
            found = ctx.vocab.lookup(key)
            if found is not None and found.id == concept.id:
                out.append(_Reading(value, concept.unit if isinstance(value, (int, float)) and not isinstance(
                    value, bool) else None, proc.date, f"{proc.name or 'procedure'}: {key}",
                    where(p, "procedures", k, proc)))
    return out


def where(p: Patient, list_name: str, k: int, entry: object) -> str:
    line = getattr(entry, "line", None)
    return f"{list_name}[{k}]" + (f" (line {line})" if line else "")


def latest_reading(concept: Concept, window: TimeWindow | None, ctx: Context) -> tuple[_Reading | None, Outcome | None]:
    """The most recent reading inside the window, or the outcome that says why there is none."""
    readings = _readings(concept, ctx)
    if not readings:
        return None, Outcome(Truth.UNKNOWN, f"No {concept.name} in the profile.", "missing", missing=(concept.name,))
    dated = [r for r in readings if r.day is not None]
    undated = [r for r in readings if r.day is None]
    if window is not None:
        start, limit_words = window_start(window, ctx.as_of), window_words(window)
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
            msg = (f"The latest {concept.name} ({_show(newest)}, {newest.day}) is {age_words(age)} old; "
                   f"the criterion needs a value {limit_words}.")
        return None, Outcome(Truth.UNKNOWN, msg, "stale", (evidence_for(newest),),
                             missing=(f"a recent {concept.name}",))
    return None, Outcome(Truth.UNKNOWN, f"The {concept.name} value has no date, so its recency is unknown.",
                         "stale", tuple(evidence_for(r) for r in undated), missing=(f"the date of the {concept.name}",))


def _show(r: _Reading) -> str:
    if isinstance(r.value, bool):
        return "yes" if r.value else "no"
    if isinstance(r.value, (int, float)):
        return format_quantity(float(r.value), r.unit) if r.unit else number(float(r.value))
    return str(r.value)


def evidence_for(r: _Reading, compared_as: str | None = None, threshold: str | None = None,
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
        reading, unknown = latest_reading(concept, node.window, ctx)
        if reading is None:
            return unknown  # type: ignore[return-value]
        return compare(node, concept, reading, ctx)

    return evaluate_measured


COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">": lambda a, b: a > b and not math.isclose(a, b, rel_tol=1e-9),
    ">=": lambda a, b: a >= b or math.isclose(a, b, rel_tol=1e-9),
    "<": lambda a, b: a < b and not math.isclose(a, b, rel_tol=1e-9),
    "<=": lambda a, b: a <= b or math.isclose(a, b, rel_tol=1e-9),
    "=": lambda a, b: math.isclose(a, b, rel_tol=1e-9),
}


OP_WORDS = {">": ">", ">=": "≥", "<": "<", "<=": "≤", "=": "="}


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
                       (evidence_for(reading),), (f"a numeric {concept.name}",))
    try:
        written, recorded = node.unit or concept.unit, reading.unit or concept.unit
        if written and recorded and approximate_between(written, recorded):
            # "8 migraine days per month" against a diary kept per 28 days: months differ in days
            per = f"per {written.lstrip('/').strip()}"
            return Outcome(Truth.UNKNOWN, f"{concept.name} is recorded as {_show(reading)} and the criterion counts "
                           f"it {per}: a calendar period is not a fixed number of days.", "ambiguous",
                           (evidence_for(reading),), (f"{concept.name} counted {per}",))
        threshold = canonical_value(node.value, node.unit, concept)
        value = canonical_value(float(reading.value), reading.unit, concept)
    except UnitError as error:
        if concept.body_surface:
            try:
                return _compare_through_body_surface(node, concept, reading, ctx)
            except UnitError:
                pass  # not even through a body surface
        return Outcome(Truth.UNKNOWN, f"Cannot compare {concept.name}: {error}.", "ambiguous", (evidence_for(reading),))
    holds = COMPARE[node.op](value, threshold)
    # Shown in the threshold's own unit, as the criterion wrote it (DESIGN §6: "compared_as").
    unit = node.unit or concept.unit
    in_threshold_unit = value * node.value / threshold if threshold else value
    compared = format_quantity(in_threshold_unit, unit) if unit else number(round(in_threshold_unit, 4))
    shown = f"{OP_WORDS[node.op]} {format_quantity(node.value, unit) if unit else number(node.value)}"
    verb = "meets" if holds else "does not meet"
    ev = evidence_for(reading, compared_as=compared, threshold=shown)
    as_written = _show(reading)
    converted = "" if compared.replace(" ", "") == as_written.replace(" ", "") else f" = {compared}"
    return Outcome(Truth.of(holds), f"{concept.name} {as_written}{converted} ({reading.day}) {verb} {shown}.",
                   None, (ev,))


def _compare_through_body_surface(node: Comparison, concept: Concept, reading: _Reading, ctx: Context) -> Outcome:
    """A clearance and a limit of which one is per 1.73 m² of body surface and the other not
    ("creatinine clearance ≥ 60 mL/min/1.73 m²" against 85 mL/min): compared through the patient's
    body surface area, and decided only where that agrees with reading both at the standard 1.73 m²
    (a record may write one for the other)."""
    shown = f"{OP_WORDS[node.op]} {format_quantity(node.value, node.unit or concept.unit)}"

    def holds(surface: float) -> bool:
        return COMPARE[node.op](canonical_value(float(reading.value), reading.unit, concept, surface),
                                 canonical_value(node.value, node.unit, concept, surface))

    standard = holds(STANDARD_BODY_SURFACE)
    found = _body_surface(ctx)
    evidence = (evidence_for(reading, threshold=shown),)
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
        reading = latest_reading(concept, None, ctx)[0] if concept is not None else None
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
    shown = f"{OP_WORDS[node.op]} {number(node.value)} {unit}"
    told = f"{age} years"
    if unit == "years" and node.value != int(node.value):
        # "≥ 17.5 years": a part of a year, which whole years cannot settle
        unit = "months"
        node = node.model_copy(update={"value": node.value * 12, "unit": "months"})
    if unit != "years":
        # "≤ 48 hours", "≥ 6 weeks": the age in days, from the birth date (its hour unknown)
        lo, hi = _age_in_days(ctx)
        if ctx.patient.birth_date is not None:
            told = age_words(int(lo))
        limit = node.value * _DAYS_PER[unit]
        if node.op in ("<=", "<") and unit != "hours":
            # in completed units, as for years: "≤ 24 months" holds until the day before 25
            limit += _DAYS_PER[unit] if node.op == "<=" else 0.0
            op = "<"
        else:
            op = node.op
        slack = 2.0 if unit == "months" else 0.0  # a month counted as 30.44 days
        ends = [COMPARE[op](lo - slack, limit), COMPARE[op](hi + slack - 1e-9, limit)]
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
        holds = COMPARE[node.op](age, node.value)
    return Outcome(Truth.of(holds), f"Age {told} {'meets' if holds else 'does not meet'} {shown}.", None, (ev,))


@_on_latest_reading
def _normal_multiple(node: NormalMultiple, concept: Concept, reading: _Reading, ctx: Context) -> Outcome:
    limit = reading.ref_high if node.limit == "ULN" else reading.ref_low
    shown = f"{OP_WORDS[node.op]} {number(node.factor)} × {node.limit}"
    if limit is None or not limit:
        which = "upper" if node.limit == "ULN" else "lower"
        return Outcome(Truth.UNKNOWN, f"{concept.name} {_show(reading)} has no {which} limit of normal to compare "
                       f"with ({shown}).", "no_reference_range", (evidence_for(reading, threshold=shown),),
                       (f"the {concept.name} reference range (ref_{'high' if node.limit == 'ULN' else 'low'})",))
    if not isinstance(reading.value, (int, float)) or isinstance(reading.value, bool):
        return Outcome(Truth.UNKNOWN, f"{concept.name} is '{reading.value}', not a number.", "ambiguous",
                       (evidence_for(reading),))
    ratio = float(reading.value) / float(limit)
    holds = COMPARE[node.op](ratio, node.factor)
    ev = evidence_for(reading, compared_as=f"{number(round(ratio, 2))} × {node.limit} ({node.limit} {number(limit)})",
                   threshold=shown)
    return Outcome(Truth.of(holds), f"{concept.name} is {number(round(ratio, 2))} × {node.limit}; "
                   f"{'meets' if holds else 'does not meet'} {shown}.", None, (ev,))


_POSITIVE = {"positive", "pos", "+", "detected", "reactive", "present", "yes", "true", "abnormal"}


_NEGATIVE = {"negative", "neg", "-", "not detected", "undetected", "non-reactive", "nonreactive", "absent",
             "no", "false", "normal", "undetectable"}


_TITRE = re.compile(r"^\s*1\s*:\s*(\d+)\s*$")


#: A titre at or above this dilution reads as "positive" (the usual screening cut-off for ANA).
POSITIVE_TITRE = 80


def qualitative(value: object) -> str | None:
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
    shown = f"{OP_WORDS[node.op]} 1:{node.dilution}"
    m = _TITRE.match(str(reading.value))
    if m is None:
        if qualitative(reading.value) == "negative":
            dilution = 0
        else:
            return Outcome(Truth.UNKNOWN, f"{concept.name} is '{reading.value}', not a titre.", "ambiguous",
                           (evidence_for(reading, threshold=shown),), (f"the {concept.name} titre",))
    else:
        dilution = int(m.group(1))
    holds = COMPARE[node.op](dilution, node.dilution)
    return Outcome(Truth.of(holds), f"{concept.name} {reading.value} {'meets' if holds else 'does not meet'} "
                   f"{shown}.", None, (evidence_for(reading, threshold=shown),))


@_on_latest_reading
def _category(node: Category, concept: Concept, reading: _Reading, ctx: Context) -> Outcome:
    wanted = {_category_key(v) for v in node.values}
    shown = " or ".join(node.values)
    diseases = _diseases_on_record(concept.said_of, ctx)
    if len(diseases) > 1:
        # a stage of IV with a lung cancer and an earlier breast cancer: whose stage it is is not said
        names = " and ".join(ctx.vocab.get(d).name for d in diseases)
        return Outcome(Truth.UNKNOWN, f"{concept.name} is {_show(reading)}, but the patient has {names}: which one "
                       f"it is of is not recorded.", "ambiguous", (evidence_for(reading, threshold=shown),),
                       (f"which disease the {concept.name} is of",))
    if concept.value_type in ("qualitative", "titre", "boolean"):
        got = qualitative(reading.value)
        if got is None:
            return Outcome(Truth.UNKNOWN, f"{concept.name} is '{reading.value}': neither positive nor negative.",
                           "ambiguous", (evidence_for(reading, threshold=shown),), (f"a qualitative {concept.name}",))
        wanted_words = {v.lower() for v in node.values}
        holds = got in wanted_words or (got == "positive" and "yes" in wanted_words)
    else:
        value = _category_key(str(reading.value))
        holds = value in wanted or any(b in wanted for b in _broader_keys(value))
        if not holds and any(value in _broader_keys(w) for w in wanted):
            # stage III against "stage IIIB or IV": it may be IIIB, or IIIA
            return Outcome(Truth.UNKNOWN, f"{concept.name} is {_show(reading)}; whether it is {shown} needs "
                           f"the substage.", "ambiguous", (evidence_for(reading, threshold=shown),),
                           (f"the {concept.name} substage",))
        known = {_category_key(c) for c in concept.categories}
        if not holds and known and any(p not in known and not known & set(_broader_keys(p))
                                       for p in value.split("+")):
            # a value the vocabulary does not list ("T2N1", "limited stage"): not shown to be
            # outside what is asked
            return Outcome(Truth.UNKNOWN, f"{concept.name} is {_show(reading)}, not one of its known categories; "
                           f"whether it is {shown} is for the coordinator to judge.", "ambiguous",
                           (evidence_for(reading, threshold=shown),), (f"the {concept.name} as one of its categories",))
        parts = set(value.split("+"))
        if not holds and len(parts) > 1 and parts & wanted:
            # class IV+V against "class III or IV": it has class IV lesions, but is not class IV
            return Outcome(Truth.UNKNOWN, f"{concept.name} is {_show(reading)}, a combined class that includes "
                           f"{' and '.join(sorted(parts & wanted))}; whether it counts as {shown} is for the "
                           f"coordinator to judge.", "ambiguous", (evidence_for(reading, threshold=shown),),
                           (f"whether {concept.name} {_show(reading)} counts as {shown}",))
    if concept.value_type in ("qualitative", "titre", "boolean"):
        verdict = "as required" if holds else f"not {shown}"
        return Outcome(Truth.of(holds), f"{concept.name} is {_show(reading)} ({verdict}).", None,
                       (evidence_for(reading, threshold=shown),))
    return Outcome(Truth.of(holds), f"{concept.name} is {_show(reading)}; {'in' if holds else 'not in'} {shown}.",
                   None, (evidence_for(reading, threshold=shown),))


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
                    and any(matches(c.concept_id, k, ctx) for k in classes) and names_a_disease(c.concept_id)})
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


#: The evaluators of the node types this module decides.
EVALUATED: dict[type[Node], Callable[..., Outcome]] = {
    Comparison: _compare, NormalMultiple: _normal_multiple, Titre: _titre, Category: _category,
}
