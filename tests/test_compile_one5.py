"""Clauses of the corpus (../shared/corpus) left unread for one unknown word, fifth round: criterion
text → canonical rule, what the reading means for a patient, and the near misses that must stay
free text."""

import pytest

from screening.compile import compile_criterion, compile_trial
from screening.logic import Truth
from screening.nodes import FreeText, is_structured
from screening.printer import to_text
from screening.trial import Criterion, Trial

from made_up import outcome


@pytest.mark.parametrize("text, kind, rule", [
    # "in situ cancer of the cervix" is carcinoma in situ of the cervix ("in-situ" reads alike)
    ("Other malignancy except basal cell carcinoma or in-situ cancer of the cervix", "exclusion",
     "condition malignancy except (basal_cell_carcinoma, cervical_carcinoma_in_situ)"),
    ("In situ cancer of the cervix", "exclusion", "condition cervical_carcinoma_in_situ"),
    # … after "except", whose phrase "except in" must not take the name's "in"
    ("Any malignancy except in situ carcinoma of the cervix", "exclusion",
     "condition malignancy except (cervical_carcinoma_in_situ)"),
    ("Prior malignancy except in-situ cervical cancer", "exclusion",
     "condition malignancy [history] except (cervical_carcinoma_in_situ)"),
    # the gastrointestinal tract named as one of the systems whose disorders a list excludes
    ("Having any cardiovascular, gastrointestinal tract, and hematopoietic disorders were excluded from the study",
     "exclusion", "condition cardiovascular_disease or condition gastrointestinal_disease or "
                  "condition hematologic_disease"),
    ("Disease of the gastrointestinal tract", "exclusion", "condition gastrointestinal_disease"),
    ("GI tract disorders", "exclusion", "condition gastrointestinal_disease"),
    # the scale's name without "status" or "scale"
    ("Have a performance status of 0 or 1 on the Eastern Cooperative Oncology Group (ECOG) Performance within "
     "7 days prior to allocation", "inclusion", "ecog <= 1 within 7 days before randomization"),
    ("ECOG performance 0-1", "inclusion", "ecog <= 1"),
    # "for the duration of time on study": during the study
    ("Sexually active men must also use acceptable contraceptive methods for the duration of time on study",
     "inclusion", "if (male and attribute sexually_active) then contraception"),
    # an allergy to a drug "and its excipients" is one to the drug's product, as "or its excipients" is
    ("Patients allergic to camrelizumab and its excipients", "exclusion", "medication camrelizumab [allergic]"),
    ("Hypersensitivity to camrelizumab or its excipients", "exclusion", "medication camrelizumab [allergic]"),
    # the sample named after the test does not change what a negative test says
    ("A female patient of childbearing potential must have a negative pregnancy test (urine) at Baseline",
     "inclusion", "if (female and childbearing_potential) then not pregnant"),
    ("Negative pregnancy test (serum or urine) at screening", "inclusion", "not pregnant"),
    # "of any degree": no least degree, as the bare name
    ("Albinism/Albinoidism of any degree, type or syndrome", "exclusion", "condition albinism"),
    ("Heart block of any degree", "exclusion", "condition heart_block"),
    # an acute exacerbation of schizophrenia is an episode, dated by its onset
    ("Acute exacerbation of schizophrenia within 3 months of baseline", "exclusion",
     "condition schizophrenia_exacerbation within 3 months before baseline"),
    # "during this same period": the period just stated
    ("Men must refrain from donating sperm during this same period", "inclusion",
     "if male then attribute no_gamete_donation"),
    ("Women must use contraception during the study and for 6 months after the last dose, and refrain from "
     "donating eggs during this period", "inclusion",
     "if female then ((if childbearing_potential then contraception) and attribute no_gamete_donation)"),
    # a qualifier said after a list of conditions: an exclusion reads it of each, which only
    # makes fewer conditions count (not treated metastases, not controlled hypertension)
    ("Brain metastases or spinal cord compression that is untreated", "exclusion",
     "condition brain_metastases [untreated] or condition spinal_cord_compression [untreated]"),
    ("Hypertension or diabetes that is uncontrolled", "exclusion",
     "condition hypertension [uncontrolled] or condition diabetes_mellitus [uncontrolled]"),
    ("Hepatitis B or hepatitis C that is active", "exclusion",
     "condition hepatitis_b [active] or condition hepatitis_c [active]"),
    # "utilization of" is "use of"
    ("Utilization of other alternative or complementary therapies during the study period", "exclusion",
     "procedure complementary_therapy [planned]"),
    # when, said after a list, is said of each item: not warfarin ever, heparin during the study
    ("Use of warfarin or heparin during the study period", "exclusion",
     "medication warfarin [planned] or medication heparin [planned]"),
    ("Use of warfarin, aspirin or heparin during the study", "exclusion",
     "medication warfarin [planned] or medication aspirin [planned] or medication heparin [planned]"),
    ("Use of warfarin or heparin at screening", "exclusion",
     "medication warfarin [current] or medication heparin [current]"),
    ("Pneumonia or sepsis at the time of enrollment", "exclusion",
     "condition pneumonia [current] or condition sepsis [current]"),
    # an item with a time of its own keeps it
    ("Use of aspirin within 2 weeks or heparin during the study", "exclusion",
     "medication aspirin within 2 weeks before screening or medication heparin [planned]"),
])
def test_corpus_constructs(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # the gastrointestinal tract as the place of something else, not a disease of it
    ("Any condition affecting absorption in the gastrointestinal tract", "exclusion"),
    ("Prior surgery of the gastrointestinal tract", "exclusion"),
    # the day of vaccination is to come: what holds then need not hold at screening
    ("Has a negative pregnancy test on the day of vaccination", "inclusion"),
    # (someone else may consent for the patient, who then need not be able to: the attribute
    # consent_in_person_or_by_proxy, test_compile_consent8.py)
    # a period referred back to, after what is not contraception, may be a past one: not the study
    ("Use of antibiotics within 3 months prior to screening, or use of probiotics during the same period",
     "exclusion"),
    ("Use of probiotics during this period", "exclusion"),
    # … an inclusion cannot tell whether it is said of the last item or of each, nor can an
    # exclusion whether a relative's condition is
    ("Hypertension or diabetes that is uncontrolled", "inclusion"),
    ("Diabetes or myocardial infarction in a first-degree relative", "exclusion"),
    # "performance" alone is not the ECOG scale
    ("Adequate cognitive performance", "inclusion"),
])
def test_what_could_be_misread_stays_free_text(text, kind):
    assert isinstance(compile_criterion(text, kind).rule, FreeText)


def test_a_trial_of_a_cancer_named_by_its_cells_studies_a_cancer_of_some_organ():
    # a trial of "adenocarcinoma" enrols a colon cancer recorded as colon cancer, not as
    # adenocarcinoma: "other primary cancer" cannot except it by name, and stays words
    trial = Trial(nct_id="NCT09999990", conditions=("Colonic Diseases", "Adenocarcinoma"), criteria=(
        Criterion(id="E1", kind="exclusion", text="Other primary cancer except basal cell carcinoma"),))
    assert not is_structured(compile_trial(trial).rules["E1"])
    # a trial that names the organ excepts its cancer, as before
    named = Trial(nct_id="NCT09999990", conditions=("Colon Cancer",), criteria=(
        Criterion(id="E1", kind="exclusion", text="Other primary cancer except basal cell carcinoma"),))
    assert "colon_cancer" in to_text(compile_trial(named).rules["E1"])


@pytest.mark.parametrize("conditions, truth", [
    # a carcinoma in situ of the cervix is excepted, whatever it is recorded as
    ([{"name": "in situ cancer of the cervix"}], Truth.FALSE),
    ([{"name": "CIN 3"}], Truth.FALSE),
    ([{"name": "breast cancer"}], Truth.TRUE),
])
def test_an_excepted_carcinoma_in_situ_does_not_exclude(conditions, truth):
    rule = to_text(compile_criterion("Malignancy except basal cell carcinoma or in situ cancer of the cervix",
                                     "exclusion").rule)
    assert outcome(rule, "exclusion", conditions=conditions, complete=["conditions"]).truth is truth


@pytest.mark.parametrize("medications, truth", [
    # warfarin taken years ago is not warfarin during the study
    ([{"name": "warfarin", "start": "2010-01-01", "end": "2011-01-01"}], Truth.FALSE),
    ([{"name": "heparin", "start": "2010-01-01", "end": "2011-01-01"}], Truth.FALSE),
])
def test_a_time_after_a_list_holds_for_its_first_item(medications, truth):
    rule = to_text(compile_criterion("Use of warfarin or heparin at screening", "exclusion").rule)
    assert outcome(rule, "exclusion", medications=medications, complete=["medications"]).truth is truth


@pytest.mark.parametrize("conditions, truth", [
    # an exacerbation long ago, or the disease alone, is no exacerbation within 3 months
    ([{"name": "schizophrenia", "onset": "2010-01-01"}], Truth.FALSE),
    ([{"name": "acute exacerbation of schizophrenia", "onset": "2025-01-01"}], Truth.FALSE),
    ([{"name": "exacerbation of schizophrenia", "onset": "2026-10-01"}], Truth.TRUE),
])
def test_an_exacerbation_of_schizophrenia_is_dated_by_its_onset(conditions, truth):
    rule = to_text(compile_criterion("Acute exacerbation of schizophrenia within 3 months of baseline",
                                     "exclusion").rule)
    assert outcome(rule, "exclusion", conditions=conditions, complete=["conditions"]).truth is truth


@pytest.mark.parametrize("conditions, truth", [
    # controlled hypertension is not excluded by "hypertension or diabetes that is uncontrolled"
    ([{"name": "hypertension", "onset": "2015-01-01", "controlled": True}], Truth.FALSE),
    ([{"name": "hypertension", "onset": "2015-01-01", "controlled": False}], Truth.TRUE),
])
def test_a_qualifier_after_a_list_narrows_each_item(conditions, truth):
    rule = to_text(compile_criterion("Hypertension or diabetes that is uncontrolled", "exclusion").rule)
    assert outcome(rule, "exclusion", conditions=conditions, complete=["conditions"]).truth is truth
