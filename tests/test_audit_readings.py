"""Readings audited for wrong fails: a patient a careful coordinator would not fail must not be
failed by the structured reading (criterion text → canonical rule, texts that must stay free
text, and made-up patients through the evaluator)."""

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
    # who signs does not change whether consent is given
    ("Signed informed consent by the patient or legal guardian", "inclusion", "consent"),
    ("Patient or legally authorized representative must provide written informed consent", "inclusion", "consent"),
    ("Able to give informed consent", "inclusion", "attribute able_to_consent"),
    # an exception in the same sentence is applied to the clause it follows
    ("History of malignancy within 5 years, except adequately treated basal cell carcinoma", "exclusion",
     "condition malignancy [history] except (basal_cell_carcinoma [treated]) within 5 years before screening"),
    # why the protocol excludes is dropped
    ("Pregnant and nursing patients are excluded because the effects of tosedostat on a fetus are unknown",
     "exclusion", "pregnant or breastfeeding"),
    ("Use of warfarin because of the risk of bleeding", "exclusion", "medication warfarin"),
    # times alone, or what only a past can be after the last: read
    ("Known active or history of recurrent bacterial or viral infections", "exclusion",
     "(condition bacterial_infection [active] or condition bacterial_infection [history, recurrent]) or "
     "(condition viral_infection [active] or condition viral_infection [history, recurrent])"),
    ("Current or past depression", "exclusion",
     "condition depression [current] or condition depression [history]"),
    ("Newly diagnosed (within 3 months before enrollment) or poorly controlled type 2 diabetes", "exclusion",
     "condition type_2_diabetes [new] within 3 months before enrollment or condition type_2_diabetes [uncontrolled]"),
])
def test_audited_readings(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # (someone else who may consent or comply for the patient is read as the attribute that it can
    # be had, in person or by proxy: see test_compile_consent8.py)
    # (an exception written as a sentence of its own is read as the exception it is: see
    # test_compile_sentence6.py)
    # a permission that may concern any sentence before it, not only the last
    ("Participant has completed any radiotherapy (including stereotactic radiosurgery) at least 14 days prior to the "
     "start of study intervention administration. Participants must have recovered from all radiation-related "
     "toxicities, and not have had radiation pneumonitis. A 1-week washout is permitted for palliative radiation "
     "(<= 2 weeks of radiotherapy) to non-central nervous system disease.", "inclusion"),
    # a time alone, then another time with what the illness is: whether that reaches the first is not said
    ("Current or past uncontrolled hypertension", "exclusion"),
    ("Current or history of uncontrolled hypertension", "exclusion"),
    ("Active or recent serious infection", "exclusion"),
    ("Current or recent (within 4 weeks) severe infection", "exclusion"),
    ("Current or recent (within 4 weeks before random allocation) a history of severe active or recurrent bacterial, "
     "viral, fungal, parasitic or other infections", "exclusion"),
    # a cause says which ones: not the condition or intolerance of any cause
    ("Anemia because of bleeding", "exclusion"),
    ("Contraindication to aspirin because of allergy", "exclusion"),
    ("Unable to undergo MRI because of claustrophobia or metal implants", "exclusion"),
])
def test_audited_texts_stay_free_text(text, kind):
    assert isinstance(compile_criterion(text, kind).rule, FreeText)


def screened(text: str, kind: str, **profile) -> Truth:
    """The truth of a criterion's statement for a made-up patient."""
    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), **profile})
    return evaluate(compile_criterion(text, kind).rule, Context(patient=patient, as_of=AS_OF)).truth


def test_a_patient_whose_representative_consents_is_not_failed_for_lacking_capacity():
    text = "Patient or legal representative able to give informed consent"
    assert screened(text, "inclusion", attributes={"able_to_consent": False}) is Truth.UNKNOWN


def test_palliative_radiation_last_week_does_not_fail_a_washout_that_permits_it():
    text = ("Participant has completed any radiotherapy at least 14 days prior to the start of study intervention. "
            "A 1-week washout is permitted for palliative radiation.")
    recent = {"procedures": [{"name": "palliative radiotherapy", "date": "2026-11-10"}]}
    assert screened(text, "inclusion", **recent) is Truth.UNKNOWN


def test_other_conditions_of_a_non_cancer_class_stay_undecided_in_a_trial_of_one_of_them():
    # an MS patient's optic neuritis is a neurological condition of the class, but part of the MS
    from screening.compile import compile_trial
    from screening.trial import Criterion, Trial

    trial = Trial(nct_id="NCT09999998", conditions=("Multiple Sclerosis",), criteria=(
        Criterion(id="E1", kind="exclusion", text="Diagnosis of other neurological conditions"),))
    rule = compile_trial(trial).rules["E1"]
    assert to_text(rule) == "condition neurological_disease [other]"
    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), "conditions": [
        {"name": "multiple sclerosis"}, {"name": "optic neuritis"}], "complete": ["conditions"]})
    assert evaluate(rule, Context(patient=patient, as_of=AS_OF)).truth is Truth.UNKNOWN
    # another cancer in a cancer trial is still read (its metastases are excepted with it)
    cancer = Trial(nct_id="NCT09999998", conditions=("Non-small Cell Lung Cancer",), criteria=(
        Criterion(id="E1", kind="exclusion", text="Another malignancy"),))
    assert to_text(compile_trial(cancer).rules["E1"]) == "condition malignancy except (nsclc, advanced_cancer)"


@pytest.mark.parametrize("rule, note, truth", [
    # progression told of in the past, or the contrary of it, is not progressing now
    ("condition malignancy [progressing]", "biochemical progression 2018, salvage radiotherapy; now in remission",
     Truth.UNKNOWN),
    ("condition malignancy [progressing]", "progression-free since 2019", Truth.UNKNOWN),
    ("condition malignancy [progressing]", "progressing on surveillance", Truth.TRUE),
    # a treatment that was is not one required now
    ("condition malignancy [requiring_treatment]", "was on active treatment until 2018", Truth.UNKNOWN),
    ("condition malignancy [requiring_treatment]", "on active treatment", Truth.TRUE),
])
def test_a_condition_note_about_the_past_does_not_say_progressing_or_treated_now(rule, note, truth):
    from screening.compile import parse_rule

    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), "conditions": [
        {"name": "prostate cancer", "onset": "2015-01-01", "note": note}]})
    assert evaluate(parse_rule(rule), Context(patient=patient, as_of=AS_OF)).truth is truth


@pytest.mark.parametrize("text, medication, truth", [
    ("Hypersensitivity to ibuprofen", {"name": "ibuprofen", "outcome": "intolerant", "note": "dyspepsia, not an allergy"},
     Truth.UNKNOWN),
    ("Hypersensitivity to ibuprofen", {"name": "ibuprofen", "outcome": "intolerant", "note": "urticaria"}, Truth.TRUE),
    ("Therapeutic anticoagulation", {"name": "warfarin", "note": "subtherapeutic INR"}, Truth.UNKNOWN),
    ("Therapeutic anticoagulation", {"name": "warfarin", "note": "not at therapeutic dose"}, Truth.UNKNOWN),
    ("Therapeutic anticoagulation", {"name": "warfarin", "note": "therapeutic dose"}, Truth.TRUE),
])
def test_a_note_denying_an_allergy_or_a_full_dose_does_not_assert_it(text, medication, truth):
    assert screened(text, "exclusion", medications=[medication]) is truth


def test_controlled_hypertension_is_not_current_or_past_uncontrolled_hypertension():
    text = "Current or past uncontrolled hypertension"
    controlled = {"conditions": [{"name": "hypertension", "controlled": True}], "complete": ["conditions"]}
    assert screened(text, "exclusion", **controlled) is not Truth.TRUE
