"""The tail of treatment wording: washouts, prior and concomitant medications, drug classes named
narrowly, study anchors. Criterion text → canonical rule, the near misses that must stay free
text, and the patients a reading could fail wrongly."""

from datetime import date

import pytest

from screening.compile import compile_criterion
from screening.evaluate import Context, evaluate
from screening.logic import Truth
from screening.nodes import FreeText
from screening.patient import patient_from_mapping
from screening.printer import to_text

AS_OF = date(2026, 11, 20)


@pytest.mark.parametrize("text, kind, rule", [
    # an irreversible MAOI is not every MAOI (moclobemide is reversible)
    ("Treatment with nonreversible monoamine oxidase inhibitor within 2 weeks prior to initiation of study",
     "exclusion", "medication irreversible_maoi within 2 weeks before first_dose"),
    ("Use of non-selective MAOIs within 14 days", "exclusion", "medication nonselective_maoi within 14 days before screening"),
    ("Use of MAOIs within 14 days", "exclusion", "medication maoi within 14 days before screening"),
    # the study's first administration, however it is written
    ("Use of herbal remedies within 4 weeks before first study intervention administration", "exclusion",
     "medication herbal_medicine within 4 weeks before first_dose"),
])
def test_treatment_constructs(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # what the steroid was given for is not recorded where a rule can read it
    ("No concurrent steroids as an antiemetic", "exclusion"),
])
def test_treatment_near_misses_stay_free_text(text, kind):
    assert isinstance(compile_criterion(text, kind).rule, FreeText)


def screened(text: str, kind: str, **profile) -> Truth:
    """The truth of a criterion's statement for a made-up patient."""
    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), **profile})
    return evaluate(compile_criterion(text, kind).rule, Context(patient=patient, as_of=AS_OF)).truth


@pytest.mark.parametrize("drug, truth", [("moclobemide", Truth.FALSE), ("safinamide", Truth.FALSE),
                                         ("phenelzine", Truth.TRUE), ("selegiline", Truth.TRUE)])
def test_an_irreversible_maoi_washout_does_not_exclude_a_reversible_one(drug, truth):
    text = "Treatment with irreversible MAO inhibitors within 2 weeks prior to randomization"
    on_it = {"medications": [{"name": drug, "start": "2026-01-01"}], "complete": ["medications"]}
    assert screened(text, "exclusion", **on_it) is truth


def test_a_nonselective_maoi_is_not_a_mao_b_inhibitor():
    text = "Use of nonselective MAOIs within 14 days"
    on_it = {"medications": [{"name": "rasagiline", "start": "2026-01-01"}], "complete": ["medications"]}
    assert screened(text, "exclusion", **on_it) is Truth.FALSE
