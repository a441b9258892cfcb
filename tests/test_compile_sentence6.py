"""Sentence-level constructs, sixth round: allowances, exceptions and notes written in a sentence
of their own after the clause they are about. Criterion text → canonical rule, what the reading
means for a patient, and the near misses that must stay free text."""

import pytest

from screening.compile import compile_criterion
from screening.logic import Truth
from screening.nodes import FreeText, is_structured
from screening.printer import to_text

from made_up import outcome


@pytest.mark.parametrize("text, kind, rule", [
    # "Exceptions include …": a sentence listing what the one before it does not mean
    ("Known additional malignancy that is progressing or requires active treatment. Exceptions include adequately "
     "treated basal cell carcinoma of the skin, squamous cell carcinoma of the skin, or in situ cervical cancer.",
     "exclusion",
     "condition malignancy [progressing, other] except (basal_cell_carcinoma [treated], "
     "cutaneous_squamous_cell_carcinoma, cervical_carcinoma_in_situ) or condition malignancy [requiring_treatment, "
     "other] except (basal_cell_carcinoma [treated], cutaneous_squamous_cell_carcinoma, cervical_carcinoma_in_situ)"),
    # (read earlier as excluding treated BCC, then kept as free text: see test_audit_readings.py)
    ("History of malignancy within 5 years. Exception: adequately treated basal cell carcinoma.", "exclusion",
     "condition malignancy [history] except (basal_cell_carcinoma [treated]) within 5 years before screening"),
    ("History of malignancy within 5 years. Exceptions include adequately treated basal cell carcinoma.", "exclusion",
     "condition malignancy [history] except (basal_cell_carcinoma [treated]) within 5 years before screening"),
    ("History of malignancy within 5 years. Except adequately treated basal cell carcinoma.", "exclusion",
     "condition malignancy [history] except (basal_cell_carcinoma [treated]) within 5 years before screening"),
    ("Known additional malignancy. Exceptions include basal cell carcinoma of the skin.", "exclusion",
     "condition malignancy [other] except (basal_cell_carcinoma)"),
    ("Use of anticoagulants. Exceptions: prophylactic anticoagulants.", "exclusion",
     "medication anticoagulant except (anticoagulant [prophylactic])"),
    # a class's drugs given one way are some of the class's
    ("Use of corticosteroids. Exceptions include inhaled corticosteroids.", "exclusion",
     "medication corticosteroid except (inhaled_corticosteroid)"),
    # "… are eligible" after an exclusion: those it names, in the state it names, are not excluded
    # (here exactly those the first sentence does not name)
    ("Participant has symptomatic or untreated central nervous system (CNS) metastases. Participants with "
     "asymptomatic, treated CNS metastases are eligible.", "exclusion",
     "condition brain_metastases [symptomatic] except (brain_metastases [asymptomatic, treated]) or condition "
     "brain_metastases [untreated] except (brain_metastases [asymptomatic, treated])"),
    ("Brain metastases. Patients with asymptomatic brain metastases are allowed.", "exclusion",
     "condition brain_metastases except (brain_metastases [asymptomatic])"),
    # an allowance reaches only the item it is a kind of
    ("Diabetes or heart failure. Type 1 diabetes is allowed.", "exclusion",
     "condition diabetes_mellitus except (type_1_diabetes) or condition heart_failure"),
])
def test_sentence_constructs(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # allowing all of what the clause names contradicts it
    ("Diabetes. Diabetes is allowed.", "exclusion"),
    ("History of diabetes. Patients with diabetes mellitus are eligible.", "exclusion"),
    # an allowance of nothing the clause names (carcinoma in situ is not a malignancy): which
    # item it is about is not known
    ("Malignancy. Exceptions include in situ cervical cancer.", "exclusion"),
    ("History of heart failure. Type 1 diabetes is allowed.", "exclusion"),
    # allowing brain metastases whatever their state would allow all the first sentence names
    ("Brain metastases. Patients with stable brain metastases are allowed.", "exclusion"),
    # a sentence opened by "unless" says on what terms, not which are excepted
    ("History of diabetes. Unless type 1 diabetes.", "exclusion"),
])
def test_what_could_be_misread_stays_free_text(text, kind):
    assert isinstance(compile_criterion(text, kind).rule, FreeText)


@pytest.mark.parametrize("condition, truth", [
    ("basal cell carcinoma", Truth.UNKNOWN),      # excepted only if treated, which is not recorded
    ("cutaneous squamous cell carcinoma", Truth.FALSE),
    ("melanoma", Truth.TRUE),
])
def test_exceptions_in_a_sentence_of_their_own(condition, truth):
    rule = to_text(compile_criterion("History of malignancy. Exceptions include adequately treated basal cell "
                                     "carcinoma, or squamous cell carcinoma of the skin.", "exclusion").rule)
    assert rule == ("condition malignancy [history] except (basal_cell_carcinoma [treated], "
                    "cutaneous_squamous_cell_carcinoma)")
    got = outcome(rule, "exclusion", complete=["conditions"], conditions=[{"name": condition, "onset": "2026-01-01"}])
    assert got.truth is truth


@pytest.mark.parametrize("note, truth", [
    ("asymptomatic, treated with radiosurgery", Truth.FALSE),  # excepted
    ("treated with radiosurgery, symptomatic", Truth.TRUE),
    # "untreated" does not say "treated" (nor is it read as saying it was not: the exception
    # waits, and with it the exclusion)
    ("untreated", Truth.UNKNOWN),
    ("asymptomatic, untreated", Truth.UNKNOWN),
    (None, Truth.UNKNOWN),
])
def test_metastases_excepted_in_the_state_named(note, truth):
    rule = ("condition brain_metastases [symptomatic] except (brain_metastases [asymptomatic, treated]) or "
            "condition brain_metastases [untreated] except (brain_metastases [asymptomatic, treated])")
    entry = {"name": "brain metastases", "onset": "2026-06-01", **({"note": note} if note else {})}
    assert outcome(rule, "exclusion", complete=["conditions"], conditions=[entry]).truth is truth


@pytest.mark.parametrize("note, truth", [
    ("asymptomatic", Truth.FALSE),      # "asymptomatic" holds the letters of "symptomatic", not its meaning
    ("non-symptomatic", Truth.UNKNOWN),
    ("symptomatic", Truth.TRUE),
    ("headaches, symptomatic", Truth.TRUE),
])
def test_symptomatic_is_a_word_of_the_note(note, truth):
    got = outcome("condition brain_metastases [symptomatic]", "exclusion", complete=["conditions"],
                  conditions=[{"name": "brain metastases", "onset": "2026-06-01", "note": note}])
    assert got.truth is truth


@pytest.mark.parametrize("text, kind, rule", [
    # an allowance at the investigator's call: what it names waits for the call, the rest stays
    ("History of abdominal fistula or active GI bleeding within 6 months prior to study treatment. If GI bleeding "
     "was from a lesion that was appropriately treated and patient is deemed to be low risk per investigator "
     "judgement, enrollment will be allowed.", "exclusion",
     "condition abdominal_fistula [history] within 6 months before first_dose or (condition gastrointestinal_bleeding "
     "[active] within 6 months before first_dose and judgement \"If GI bleeding was from a lesion that was "
     "appropriately treated and patient is deemed to be low risk per investigator judgement, enrollment will be "
     "allowed\")"),
    # naming none of them, all of them wait
    ("Symptomatic or untreated brain metastases. Patients with previously treated lesions per investigator judgement "
     "are eligible.", "exclusion",
     "(condition brain_metastases [symptomatic] or condition brain_metastases [untreated]) and judgement \"Patients "
     "with previously treated lesions per investigator judgement are eligible\""),
    # an inclusion is met by the call too
    ("ECOG performance status 0 or 1. Patients with ECOG 2 may be enrolled at the discretion of the investigator.",
     "inclusion",
     "ecog <= 1 or judgement \"Patients with ECOG 2 may be enrolled at the discretion of the investigator\""),
    # the rest of a note on what need not be done asks nothing either
    ("Untreated brain metastases. Brain scans are not required to be performed at screening but can be done at the "
     "investigator's discretion depending on clinical history.", "exclusion",
     "condition brain_metastases [untreated]"),
])
def test_allowances_at_the_investigators_call(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


def test_terms_at_the_investigators_call_are_asked_of_everyone():
    # "are eligible if …" under the inclusions says on what terms: both are asked
    rule = to_text(compile_criterion("Age ≥ 18 years. Subjects are eligible if, in the opinion of the investigator, "
                                     "they are able to comply.", "inclusion").rule)
    assert rule.startswith("age >= 18 years and judgement")


@pytest.mark.parametrize("conditions, truth", [
    ([], Truth.FALSE),                                                       # decided: none of them
    ([{"name": "gastrointestinal bleeding", "onset": "2026-10-01"}], Truth.UNKNOWN),  # the investigator's call
    ([{"name": "abdominal fistula", "onset": "2026-10-01"}], Truth.TRUE),    # not what the call is about
])
def test_a_bleed_waits_for_the_investigator(conditions, truth):
    rule = to_text(compile_criterion(
        "History of abdominal fistula or active GI bleeding within 6 months prior to study treatment. If GI bleeding "
        "was from a lesion that was appropriately treated and patient is deemed to be low risk per investigator "
        "judgement, enrollment will be allowed.", "exclusion").rule)
    assert outcome(rule, "exclusion", complete=["conditions"], conditions=conditions).truth is truth


@pytest.mark.parametrize("text, kind, rule", [
    # two numbered items of the record run together: "9)" is the next one's label, not a value
    ("Age 18 or older 9) If a subject is a female of child-bearing potential, she must have a negative pregnancy "
     "test.", "inclusion", "age >= 18 years and (if (female and childbearing_potential) then not pregnant)"),
    ("Platelets > 100,000/mm3 2) hemoglobin > 9 g/dL", "inclusion",
     "platelets > 100000 /mm3 and hemoglobin > 9 g/dL"),
    ("Age ≥ 18. 2) Hemoglobin > 9 g/dL", "inclusion", "age >= 18 years and hemoglobin > 9 g/dL"),
    ("1) Age 18 or older", "inclusion", "age >= 18 years"),
])
def test_items_run_together(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # a number in a parenthesis, or one too long to number a list, is not a label
    ("Hemoglobin (≥ 9 g/dL)", "inclusion"),
    ("Platelets > 100000 100000) hemoglobin > 9 g/dL", "inclusion"),
])
def test_what_is_not_a_list_label(text, kind):
    assert is_structured(compile_criterion(text, kind).rule) is False


@pytest.mark.parametrize("text, rule", [
    # how a limit may be met, said as a sentence after it (as "(transfusion allowed)" is in brackets)
    ("Hemoglobin ≥ 90 g/L (9 g/dL) Patients may be transfused to meet this criterion.",
     'hemoglobin >= 90 g/L or text "may be transfused to meet this criterion"'),
    ("Hemoglobin ≥ 9 g/dL. Patients may be transfused to meet this criterion.",
     'hemoglobin >= 9 g/dL or text "may be transfused to meet this criterion"'),
    ("Hemoglobin ≥ 9 g/dL; Patients may be transfused to meet this criterion; platelets ≥ 100,000/mm3",
     '(hemoglobin >= 9 g/dL or text "may be transfused to meet this criterion") and platelets >= 100000 /mm3'),
])
def test_a_limit_that_may_be_met_by_transfusion(text, rule):
    assert to_text(compile_criterion(text, "inclusion").rule) == rule


def test_a_patient_who_may_be_transfused_to_the_limit_waits():
    rule = to_text(compile_criterion("Hemoglobin ≥ 9 g/dL. Patients may be transfused to meet this criterion.",
                                     "inclusion").rule)
    low = outcome(rule, labs=[{"name": "hemoglobin", "value": 8.5, "unit": "g/dL", "date": "2026-11-15"}])
    high = outcome(rule, labs=[{"name": "hemoglobin", "value": 10, "unit": "g/dL", "date": "2026-11-15"}])
    assert (low.truth, high.truth) == (Truth.UNKNOWN, Truth.TRUE)


def test_a_transfusion_sentence_alone_is_not_read():
    # with no limit before it, it is not read
    assert isinstance(compile_criterion("Patients may be transfused to meet this criterion.", "inclusion").rule,
                      FreeText)


@pytest.mark.parametrize("note, truth", [
    ("pre-treated with radiosurgery", Truth.FALSE),   # treated, so excepted
    ("un-treated", Truth.UNKNOWN),    # not said to be treated: the exception waits
    ("treated", Truth.FALSE),
])
def test_treated_is_a_word_of_the_note(note, truth):
    got = outcome("condition brain_metastases except (brain_metastases [treated])", "exclusion",
                  complete=["conditions"], conditions=[{"name": "brain metastases", "onset": "2026-06-01",
                                                         "note": note}])
    assert got.truth is truth
