"""Known gaps in the criteria language, round 5: criterion text → canonical rule, what the reading
means for a made-up patient, and the near misses that must stay free text."""

import pytest

from screening.compile import compile_criterion
from screening.logic import Truth
from screening.nodes import FreeText
from screening.printer import to_text

from made_up import outcome


@pytest.mark.parametrize("text, kind, rule", [
    # how long a procedure that goes on has gone on
    ("On hemodialysis for at least 3 months", "inclusion", "procedure hemodialysis lasting >= 3 months"),
    ("Receiving peritoneal dialysis for ≥ 90 days", "inclusion", "procedure peritoneal_dialysis lasting >= 90 days"),
    ("On mechanical ventilation for > 48 hours", "inclusion", "procedure mechanical_ventilation lasting > 48 hours"),
    ("Patients on maintenance hemodialysis for at least 3 months", "inclusion",
     "procedure chronic_hemodialysis lasting >= 3 months"),
    ("Dialysis for less than 3 months", "exclusion", "procedure dialysis lasting < 3 months"),
    # spirometry before or after a bronchodilator: measurements of their own
    ("Post-bronchodilator FEV1 ≥ 40% predicted", "inclusion", "post_bd_fev1_percent_predicted >= 40 %"),
    ("Pre-BD FEV1/FVC < 0.70", "inclusion", "pre_bd_fev1_fvc_ratio < 0.7"),
    ("Post-bronchodilator FEV1/FVC ratio < 0.70", "inclusion", "post_bd_fev1_fvc_ratio < 0.7"),
    ("FEV1 post-bronchodilator ≥ 30% and < 80% predicted", "inclusion",
     "post_bd_fev1_percent_predicted >= 30 % and post_bd_fev1_percent_predicted < 80 %"),
    ("Pre-bronchodilator FEV1 between 40% and 80% of predicted", "inclusion",
     "pre_bd_fev1_percent_predicted >= 40 % and pre_bd_fev1_percent_predicted <= 80 %"),
    ("Post-bronchodilator FEV1/FVC ratio < 0.70 and post-bronchodilator FEV1 ≥ 1.0 L", "inclusion",
     "post_bd_fev1_fvc_ratio < 0.7 and post_bd_fev1 >= 1 L"),
    ("FEV1 ≥ 40% predicted", "inclusion", "fev1_percent_predicted >= 40 %"),
])
def test_known_gaps(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # how long, with a time it is counted to or in: not said which
    ("Hemodialysis for at least 3 months before screening", "inclusion"),
    ("Dialysis for at least 3 months within the past year", "inclusion"),
    # names listed after a measurement taken one way may be taken that way too
    ("Post-bronchodilator FEV1 and FVC ≥ 50% predicted", "inclusion"),
    ("Post-BD FEV1, FVC and FEV1/FVC within normal limits", "exclusion"),
    # the way of measuring written apart from the name
    ("FEV1 (post-bronchodilator) ≥ 40% predicted", "inclusion"),
    ("FEV1 ≥ 40% predicted after bronchodilator", "inclusion"),
])
def test_what_could_be_misread_stays_free_text(text, kind):
    assert isinstance(compile_criterion(text, kind).rule, FreeText)


@pytest.mark.parametrize("procedure, truth", [
    ({"name": "hemodialysis", "start": "2025-06-01"}, Truth.TRUE),
    ({"name": "hemodialysis", "start": "2026-10-01"}, Truth.FALSE),
    ({"name": "hemodialysis", "date": "2025-06-01"}, Truth.UNKNOWN),  # one day: how long is not recorded
])
def test_on_dialysis_for_three_months(procedure, truth):
    rule = to_text(compile_criterion("On hemodialysis for at least 3 months", "inclusion").rule)
    assert outcome(rule, procedures=[procedure], complete=["procedures"]).truth is truth
