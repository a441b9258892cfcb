"""Round 6: the frames and lead-ins around concepts the vocabulary already knows — the verb and
its voice, the words that introduce a concept, the set of criteria a diagnosis is made by. A frame
is dropped only where it does not change who qualifies; each construct read here comes with the
near misses that must stay free text."""

from __future__ import annotations

import pytest

from screening.compile import compile_criterion
from screening.logic import Truth
from screening.printer import to_text

from made_up import outcome

READ = [
    # the passive voice: "was administered" is had, as "given" and "received" are; "is expected
    # to be administered" is a plan
    ("Live attenuated vaccine was administered within 28 days prior to initial study administration or is "
     "expected to be administered during study treatment", "exclusion",
     "vaccination live_vaccine within 28 days before first_dose or vaccination live_vaccine [planned]"),
    ("Chemotherapy was administered within 4 weeks before the first dose", "exclusion",
     "medication chemotherapy within 4 weeks before first_dose"),
    ("Live vaccine is expected to be administered during the study", "exclusion",
     "vaccination live_vaccine [planned]"),
    # the screening period ends now, for pre-screening
    ("Female subjects are breastfeeding during the screening period", "exclusion", "female and breastfeeding"),
    ("Active infection during the screening period", "exclusion", "condition infection [active]"),
    # giving blood, as a verb
    ("Donate blood within 12 weeks prior to screening", "exclusion",
     "procedure blood_donation within 12 weeks before screening"),
    ("Donating blood or plasma within 30 days", "exclusion",
     "procedure blood_product_donation within 30 days before screening"),
    ("Plans to donate blood during the study", "exclusion", "procedure blood_donation [planned]"),
    # an indication for a treatment is a clinician's view, not yet a plan: an exclusion reads the
    # narrower plan (as "eligible for")
    ("Patients with an indication for anticoagulation", "exclusion", "medication anticoagulant [planned]"),
    # owning one is having access to it
    ("Own or have access to a smartphone", "inclusion", "attribute smartphone_access"),
    ("Own or have access to mobile phone", "inclusion", "attribute telephone_access"),
    # a consent template's reminder that consent may be withdrawn asks nothing more
    ("Written informed consent, given prior to any study-related procedure not part of normal medical care, "
     "with the understanding that the subject may withdraw his/her consent at any time without prejudice to "
     "future medical care.", "inclusion", "consent"),
    ("Subjects who give written informed consent prior to any study specific screening procedures with the "
     "understanding that the subject has the right to withdraw from the study at any time, without prejudice",
     "inclusion", "consent"),
    # what is said of "postmenopausal women" is said of each of them: both asked, in an exclusion too
    ("postmenopausal females on estrogen replacement therapy.", "exclusion",
     "female and (condition menopause and medication hormone_replacement_therapy)"),
    ("Postmenopausal women with osteoporosis", "exclusion",
     "female and (condition menopause and condition osteoporosis)"),
    ("Postmenopausal women with a history of breast cancer", "exclusion",
     "female and (condition menopause and condition breast_cancer [history])"),
    ("Postmenopausal women with osteoporosis", "inclusion",
     "if female then (condition menopause and condition osteoporosis)"),
    # a criteria set that is the ordinary definition of the conditions it is said for, with the
    # qualifiers written after "criteria for" (or before "meets") kept
    ("Meets DSM-IV (Diagnostic and Statistical Manual of Mental Disorders) criteria for primary, chronic PTSD",
     "inclusion", "condition ptsd [primary, chronic]"),
    ("Meets DSM-5 criteria for current major depressive disorder", "inclusion",
     "condition major_depressive_disorder [current]"),
    ("Currently meets DSM-IV criteria for alcohol dependence", "exclusion", "condition alcohol_dependence [current]"),
    ("Meet the DSM-IV diagnostic classification for schizophrenia, schizoaffective, schizophreniform, delusional "
     "disorder, or bipolar disorder.", "inclusion",
     "condition schizophrenia or condition schizoaffective_disorder or condition schizophreniform_disorder or "
     "condition delusional_disorder or condition bipolar_disorder"),
    ("Fulfils ACR criteria for severe rheumatoid arthritis", "inclusion", "condition rheumatoid_arthritis [severe]"),
    ("Dementia criteria according to the Diagnostic and Statistical Manual of Mental Disorders IV", "exclusion",
     "condition dementia"),
    # a drug class said with a verb: "medication that strongly inhibits CYP3A4" is a strong CYP3A4
    # inhibitor; "strong inhibitors or inducers of" names both classes
    ("A requirement for concurrent treatment with medication that strongly induce or inhibit cytochrome P450 (CYP3A)",
     "exclusion", "medication strong_cyp3a4_inducer [current] or medication strong_cyp3a4_inhibitor [current]"),
    ("Use of strong inhibitors or inducers of CYP3A4 within 14 days", "exclusion",
     "medication strong_cyp3a4_inhibitor within 14 days before screening or medication strong_cyp3a4_inducer "
     "within 14 days before screening"),
    ("Drugs that strongly inhibit CYP3A4 (e.g., ketoconazole) within 7 days", "exclusion",
     "medication strong_cyp3a4_inhibitor within 7 days before screening"),
    ("Use of moderate inhibitors of CYP3A4", "exclusion", "medication moderate_cyp3a4_inhibitor"),
    ("Use of drugs that strongly inhibit cytochrome P450 3A4", "exclusion", "medication strong_cyp3a4_inhibitor"),
    # progression on "at least one prior line of" a treatment: the treatment had, the progression
    # kept in words
    ("Progressed on or after at least one prior line of chemotherapy", "inclusion",
     'medication chemotherapy [history] and text "Progressed on or after at least one prior line of chemotherapy"'),
    ("Radiographic progression on ≥ 1 prior line of chemotherapy", "inclusion",
     'medication chemotherapy [history] and text "Radiographic progression on >= 1 prior line of chemotherapy"'),
    # exposure to a drug is having had it
    ("Prior exposure to any anti-PD-1 therapy", "exclusion", "medication pd1_inhibitor [history]"),
    ("Exposure to a live vaccine within 4 weeks", "exclusion", "vaccination live_vaccine within 4 weeks before screening"),
    ("Exposure to any investigational agent within the 30 days prior to study visit 1", "exclusion",
     "medication investigational_agent within 30 days before baseline"),
    # a suspicion: an exclusion may read the diagnosis (narrower), an inclusion a suspicion
    # negated (at least none of it); one asked for stays words beside what else is read
    ("Known or suspected COVID-19", "exclusion", "condition covid_19"),
    ("No known or suspected brain metastases", "inclusion", "not condition brain_metastases"),
    ("Suspected bacterial meningitis; age >= 18 years", "inclusion",
     'text "Suspected bacterial meningitis" and age >= 18 years'),
    # a drug prescribed is a drug taken
    ("Patients currently prescribed opioids", "exclusion", "medication opioid [current]"),
    ("Subjects who are prescribed anticoagulants within 7 days", "exclusion",
     "medication anticoagulant within 7 days before screening"),
    # "at or less than": the value may be the limit itself
    ("Gestational age at or greater than 37 weeks", "inclusion", "gestational_age >= 37 weeks"),
    ("Infants born alive at or greater than 37 weeks gestation", "inclusion", "gestational_age_at_birth >= 37"),
    ("Weight at or less than 100 kg", "inclusion", "weight <= 100 kg"),
    # "or greater than" after a first limit is a second limit, not "18 or greater" with a stray "than"
    ("BMI less than 18 or greater than 40", "exclusion", "bmi < 18 or bmi > 40"),
    ("Potassium less than 3.0 or greater than 5.5 mmol/L", "exclusion",
     "potassium < 3 mmol/L or potassium > 5.5 mmol/L"),
    ("Platelets more than 400 or less than 100 x 10^9/L", "exclusion",
     "platelets > 400 10^9/L or platelets < 100 10^9/L"),
    # the screen visit is the screening visit, in whatever brackets
    ("Women of childbearing potential must have a negative serum beta-HCG pregnancy test at the Screen (Baseline) "
     "visit", "inclusion", "if (female and childbearing_potential) then not pregnant"),
    # what a patient presents with, they have now
    ("Patients presenting with acute ischemic stroke", "exclusion", "condition ischemic_stroke [current, active]"),
    ("Adults presenting with community-acquired pneumonia", "inclusion", "condition community_acquired_pneumonia [current]"),
]


@pytest.mark.parametrize(("text", "kind", "expected"), READ)
def test_read(text: str, kind: str, expected: str) -> None:
    assert to_text(compile_criterion(text, kind).rule) == expected


STAYS_FREE_TEXT = [
    # a promise not to donate is not the absence of a plan
    ("Must agree not to donate blood during the study", "inclusion"),
    ("Willing to refrain from donating blood during the study", "inclusion"),
    # an indication asked for: no record says who has one, and a plan would fail the others
    ("18 years of age or older, with moderate to severe ulcerative colitis, with an indication for vedolizumab "
     "treatment", "inclusion"),
    # a list after "postmenopausal women with": which items "and" would join is not plain
    ("Postmenopausal women with osteoporosis or osteopenia", "exclusion"),
    # a criteria set whose conditions are named only in the items that follow, or that is said of
    # a probable diagnosis
    ("currently meet DSM-IV criteria for:", "exclusion"),
    ("Meets criteria for probable DLB as defined by the 4th report of the DLB consortium", "inclusion"),
    # exposure to an infection is contact with it, not having it
    ("Exposure to tuberculosis within 3 months", "exclusion"),
    ("Known exposure to COVID-19 within 14 days", "exclusion"),
    ("Exposed to hepatitis B", "exclusion"),
    # a drug class by its effect on an enzyme, inside an unbalanced bracket
    ("Use of potent inhibitors of CYP3A4)", "exclusion"),
    # another enzyme, which no class of the vocabulary names
    ("Use of strong inhibitors of cytochrome P450 2D6", "exclusion"),
    # a drug taken without a prescription is not the drug not taken
    ("Use of non-prescribed opioids", "exclusion"),
    ("Opioids not prescribed by a physician", "exclusion"),
    # a suspicion asked for is not the diagnosis, which a patient who meets the criterion may not have
    ("Patients with suspected sepsis", "inclusion"),
    ("Known or suspected COVID-19", "inclusion"),
    ("Adults with confirmed or suspected influenza", "inclusion"),
    # what the frame is said of is not only conditions
    ("Meets DSM-5 criteria for major depressive disorder and HAM-D ≥ 20 and no prior ECT", "exclusion"),
    # a computer is not internet access: one offline would fail an inclusion read as internet access
    ("Access to a computer", "inclusion"),
    ("Must have access to a personal computer", "inclusion"),
]


@pytest.mark.parametrize(("text", "kind"), STAYS_FREE_TEXT)
def test_stays_free_text(text: str, kind: str) -> None:
    rule = to_text(compile_criterion(text, kind).rule)
    assert rule.startswith("text "), rule


@pytest.mark.parametrize(("sex", "conditions", "expected"), [
    ("female", [{"name": "osteoporosis"}, {"name": "menopause"}], Truth.TRUE),
    ("female", [{"name": "menopause"}], Truth.FALSE),         # no osteoporosis: not excluded
    ("male", [{"name": "osteoporosis"}], Truth.FALSE),
    # a problem list seldom names the menopause: whether she is postmenopausal waits
    ("female", [{"name": "osteoporosis"}], Truth.UNKNOWN),
])
def test_postmenopausal_women_with_a_condition_are_excluded_only_with_both(sex, conditions, expected) -> None:
    rule = to_text(compile_criterion("Postmenopausal women with osteoporosis", "exclusion").rule)
    assert outcome(rule, "exclusion", sex=sex, conditions=conditions, complete=["conditions"]).truth == expected


def test_a_suspicion_asked_for_does_not_fail_a_patient_without_the_diagnosis() -> None:
    rule = to_text(compile_criterion("Patients with suspected sepsis", "inclusion").rule)
    assert outcome(rule, "inclusion", conditions=[], complete=["conditions"]).truth == Truth.UNKNOWN


def test_an_indication_for_a_treatment_waits_for_a_coordinator() -> None:
    # plans for a drug are not in a profile: whether there is one is asked, never guessed
    rule = to_text(compile_criterion("Patients with an indication for anticoagulation", "exclusion").rule)
    on_it = [{"name": "warfarin", "start": "2025-01-01"}]
    assert outcome(rule, "exclusion", medications=[], complete=["medications"]).truth == Truth.UNKNOWN
    assert outcome(rule, "exclusion", medications=on_it, complete=["medications"]).truth == Truth.UNKNOWN
