"""What the evaluator makes of a rule for a made-up patient: the helper the test modules share."""

from datetime import date

from screening.compile import parse_rule
from screening.evaluate import Context, Outcome, evaluate
from screening.patient import patient_from_mapping

AS_OF = date(2026, 11, 20)


def outcome(rule: str, kind: str = "inclusion", **profile) -> Outcome:
    """Evaluate canonical rule text for a patient given as profile fields, screened on AS_OF."""
    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), **profile})
    return evaluate(parse_rule(rule), Context(patient=patient, as_of=AS_OF, criterion_kind=kind))
