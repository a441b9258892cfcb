"""Outcomes → the report: a verdict per criterion, in words a coordinator can check.

Inclusion criteria pass when their statement holds; exclusion criteria pass when it does not.
Registry age and sex limits become criteria of kind ``registry``. A coordinator's answer
(``answers: {NCT…/E8: false}``) settles a criterion's statement and the report says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from .compile import CompiledTrial
from .evaluate import REASONS, Context, Outcome, evaluate
from .logic import Truth
from .nodes import Comparison, Rule, Status, cohort_key, is_structured, walk
from .patient import Patient
from .printer import number, to_text
from .report import CriterionResult, Report, build_report
from .trial import Trial

_VERDICT = {
    ("inclusion", Truth.TRUE): "pass", ("inclusion", Truth.FALSE): "fail",
    ("exclusion", Truth.TRUE): "fail", ("exclusion", Truth.FALSE): "pass",
    ("registry", Truth.TRUE): "pass", ("registry", Truth.FALSE): "fail",
}
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour)s?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class _Item:
    id: str
    kind: str
    label: str
    text: str
    rule: Rule


def registry_rules(trial: Trial) -> list[_Item]:
    """The registry's own limits (minimum/maximum age, sex) as rules."""
    items: list[_Item] = []
    for rid, label, text, op in (("R1", "minimum age", trial.minimum_age, ">="),
                                 ("R2", "maximum age", trial.maximum_age, "<=")):
        m = _AGE.match(text or "")
        if m:
            rule = Comparison(concept="age", op=op, value=float(m.group(1)), unit=m.group(2).lower() + "s")
            items.append(_Item(rid, "registry", label, f"{label.capitalize()}: {text}", rule))
    if trial.sex in ("female", "male"):
        items.append(_Item("R3", "registry", "sex", f"Sex: {trial.sex}", Status(field=trial.sex)))
    return items


def screen_trial(compiled: CompiledTrial, patient: Patient, as_of: date | None = None,
                 recency_days: dict[str, int] | None = None) -> Report:
    """Screen a patient against a compiled trial: the report of DESIGN §6."""
    day = as_of or patient.as_of or date.today()
    ctx = Context(patient=patient, as_of=day) if recency_days is None else Context(
        patient=patient, as_of=day, recency_days=recency_days)
    trial = compiled.trial
    items = registry_rules(trial) + [
        _Item(c.id, c.kind, c.label, c.text, compiled.rules[c.id]) for c in trial.criteria]
    results = [_result(item, ctx, patient.answers.get(f"{trial.nct_id}/{item.id}")) for item in items]
    warnings = [*patient.warnings, *registry_disagreements(trial, compiled)]
    anchors = sorted({w.anchor.replace("_", " ") for rule in compiled.rules.values() for n in walk(rule)
                      if (w := getattr(n, "window", None)) is not None and w.anchor != "screening"})
    if anchors:
        warnings.append(f"Time windows counted from the {', '.join(anchors)} are counted back from the screening "
                        f"date ({day.isoformat()}), since those dates are not yet known.")
    warnings += cohort_warnings(compiled, patient)
    if not trial.criteria:
        warnings.append("The record states no inclusion or exclusion criteria, so the patient cannot be found "
                        "eligible from it; only its registry limits were checked.")
    return build_report(trial, patient.id, day, results, warnings)


def cohort_warnings(compiled: CompiledTrial, patient: Patient) -> list[str]:
    """What the report says of the trial's cohorts: which they are, when the profile does not say
    which the patient is screened for, and when the cohorts it names are none of them."""
    cohorts = {cohort_key(name): name for name in compiled.cohorts()}
    if not cohorts:
        return []
    named = "; ".join(f"'{name}'" for name in cohorts.values())
    if patient.cohorts is None:
        return [f"This trial screens its cohorts with criteria of their own: {named}. Their criteria stay "
                f"undecided until the profile's 'cohorts' field names the ones the patient is screened for."]
    if not {cohort_key(c) for c in patient.cohorts} & set(cohorts):
        return [f"None of the profile's cohorts ({', '.join(patient.cohorts)}) is a cohort of this trial: {named}."]
    return []


def _result(item: _Item, ctx: Context, answer: bool | None) -> CriterionResult:
    rule_text = to_text(item.rule)
    structured = is_structured(item.rule)
    if answer is not None:
        truth = Truth.of(answer)
        verdict = _VERDICT[(item.kind, truth)]
        statement = "holds" if answer else "does not hold"
        return CriterionResult(
            id=item.id, kind=item.kind, label=item.label, text=item.text, rule=rule_text, structured=structured,
            verdict=verdict, explanation=f"The coordinator answered that the statement {statement}.",
            reason="answered", answered=True)
    outcome = evaluate(item.rule, replace(ctx, criterion_kind=item.kind))
    verdict = _VERDICT.get((item.kind, outcome.truth), "unknown")
    return CriterionResult(
        id=item.id, kind=item.kind, label=item.label, text=item.text, rule=rule_text, structured=structured,
        verdict=verdict, explanation=_explanation(item.kind, outcome, verdict), evidence=outcome.evidence,
        missing=outcome.missing if verdict == "unknown" else (), reason=outcome.reason if verdict == "unknown"
        or outcome.reason == "not_applicable" else None)


def _explanation(kind: str, outcome: Outcome, verdict: str) -> str:
    message = outcome.message.strip()
    if verdict == "unknown":
        why = REASONS.get(outcome.reason or "", "")
        return f"Undecided ({why}). {message}" if why else f"Undecided. {message}"
    if kind == "exclusion":
        return f"Excluded: {message}" if verdict == "fail" else f"Not excluded: {message}"
    return message


def registry_disagreements(trial: Trial, compiled: CompiledTrial) -> list[str]:
    """Where the criteria text states an age limit the registry fields do not (or the reverse)."""
    lows, highs = [], []
    for c in trial.inclusion:
        for node in walk(compiled.rules[c.id]):
            if isinstance(node, Comparison) and node.concept == "age" and (node.unit or "years") == "years":
                (lows if node.op in (">", ">=") else highs if node.op in ("<", "<=") else []).append(node)
    warnings = []
    for nodes, field, label in ((lows, trial.minimum_age, "minimum"), (highs, trial.maximum_age, "maximum")):
        m = _AGE.match(field or "")
        registry = float(m.group(1)) if m and m.group(2).lower() == "year" else None
        stated = sorted({n.value for n in nodes})
        if registry is not None and stated and registry not in stated:
            warnings.append(f"The registry's {label} age is {number(registry)} years but the criteria text says "
                            f"{', '.join(number(s) for s in stated)}.")
    return warnings


__all__ = ["cohort_warnings", "registry_rules", "registry_disagreements", "screen_trial"]
