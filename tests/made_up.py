"""What the evaluator makes of a rule for a made-up patient: the helper the test modules share."""

from datetime import date

from screening.compile import compile_trial, parse_rule
from screening.evaluate import Context, Outcome, evaluate
from screening.patient import patient_from_mapping
from screening.printer import to_text
from screening.trial import Criterion, Trial

AS_OF = date(2026, 11, 20)


def outcome(rule: str, kind: str = "inclusion", **profile) -> Outcome:
    """Evaluate canonical rule text for a patient given as profile fields, screened on AS_OF."""
    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), **profile})
    return evaluate(parse_rule(rule), Context(patient=patient, as_of=AS_OF, criterion_kind=kind))


def trial_rules(conditions: tuple[str, ...], *items: tuple[str, str]) -> dict[str, str]:
    """The printed rules of a made-up trial of ``conditions`` with (kind, text) criteria, by id."""
    kinds: dict[str, int] = {}
    criteria = []
    for kind, text in items:
        kinds[kind] = kinds.get(kind, 0) + 1
        criteria.append(Criterion(id=f"{kind[0].upper()}{kinds[kind]}", kind=kind, text=text))
    trial = Trial(nct_id="NCT09999991", conditions=conditions, criteria=tuple(criteria))
    return {cid: to_text(rule) for cid, rule in compile_trial(trial).rules.items()}
