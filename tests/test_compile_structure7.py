"""How a criterion is built from its pieces (round 7): heads whose items follow, groups named
anew, lead-ins and stray bullets — read where the words are certain, kept in words where not."""

import pytest

from made_up import outcome, trial_rules
from screening.compile import compile_criterion
from screening.logic import Truth
from screening.nodes import is_structured
from screening.printer import to_text


def screened(text: str, kind: str, **profile) -> Truth:
    """The truth of a criterion's statement for a made-up patient."""
    return outcome(to_text(compile_criterion(text, kind).rule), kind, **profile).truth


@pytest.mark.parametrize("text, kind, rule", [
    # "the following X:" — the items are all the head means, any one of them (not examples of X)
    ("Use of the following anticoagulants: warfarin, heparin", "exclusion",
     "medication warfarin or medication heparin"),
    ("Patients with the following autoimmune diseases: SLE, rheumatoid arthritis", "exclusion",
     "condition sle or condition rheumatoid_arthritis"),
    ("Patients with the following cardiac conditions: heart failure, myocardial infarction", "inclusion",
     "condition heart_failure or condition myocardial_infarction"),
    # a second group named anew in an exclusion: each group is excluded
    ("Patients 59 and younger, and patients with the following medical conditions: malignancies currently "
     "requiring chemotherapy or radiation therapy, severe heart failure (NYHA class IV), known HIV infection, "
     "or currently active hepatic encephalopathy.", "exclusion",
     "age <= 59 years or (condition malignancy [current] and (medication chemotherapy [current] for (malignancy) "
     "or procedure radiotherapy [current])) or nyha_class in {IV} or condition hiv_infection or "
     "condition hepatic_encephalopathy [active]"),
    ("Patients with a history of stroke, and patients who have active hepatitis B", "exclusion",
     "condition stroke [history] or condition hepatitis_b [active]"),
    # a list of classes ends where another item follows its separator
    ("NYHA class III or IV, or recent myocardial infarction < 3 months", "exclusion",
     "nyha_class in {III, IV} or condition myocardial_infarction within 3 months before screening"),
    ("Child-Pugh class B or C or hepatic encephalopathy", "exclusion",
     "child_pugh_class in {B, C} or condition hepatic_encephalopathy"),
    ("ISN/RPS class III, IV or V", "inclusion", "isn_rps_class in {III, IV, V}"),
    ("NYHA class III or IV heart failure", "exclusion", "nyha_class in {III, IV}"),
    # lead-ins that say how something is known, not more of what is asked
    ("Clinical evidence for presence of infection", "exclusion", "condition infection [active]"),
    # "per <criteria>" says how the diagnosis is made, which is its ordinary definition
    ("Confirmed diagnosis of multiple myeloma per IMWG criteria", "inclusion", "condition multiple_myeloma"),
    ("Relapsing MS diagnosed per 2017 McDonald criteria", "inclusion", "condition relapsing_multiple_sclerosis"),
    # a measurable tumour said in words ("that can be measured" would otherwise be lost as filler)
    ("Tumor that can be measured", "inclusion", "measurable_disease in {yes}"),
    # the class of angina is its CCS class
    ("Angina pectoris class III or IV", "exclusion", "ccs_angina_class in {III, IV}"),
])
def test_structure_constructs(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # the head alone over items that are criteria of their own is not what is meant
    ("Patients with the following cardiac conditions:", "exclusion"),
    ("Use of the following anticoagulants:", "exclusion"),
    # an item that is not a kind of the head: the list is not understood
    ("Patients with the following autoimmune diseases: SLE, hepatitis B", "exclusion"),
    # two groups in an inclusion: either will do, and what is said of one is not said of the other
    ("Patients 59 and younger, and patients with HIV infection", "inclusion"),
    # a hollow "o" bullet marks a sub-item of a heading ("For women of childbearing potential: … as
    # defined below: o Women must …"), whose scope the item alone would lose: it stays a word
    ("Known HIV infection. o Active hepatitis B", "exclusion"),
    # a set of criteria the vocabulary does not know may define something narrower
    ("Diagnosis of multiple myeloma per local criteria", "inclusion"),
    # a bare bracket of several items after a vague head may define it or give examples of it
    ("Heart failure or unstable cardiac status (angina pectoris class III or IV or recent myocardial infarction "
     "< 3 months)", "exclusion"),
])
def test_what_stays_words(text, kind):
    assert not is_structured(compile_criterion(text, kind).rule)


def test_the_following_is_not_an_example_list():
    # a patient on apixaban is not excluded by "the following anticoagulants: warfarin, heparin"
    text = "Use of the following anticoagulants: warfarin, heparin"
    apixaban = {"medications": [{"name": "apixaban", "start": "2026-01-01"}], "complete": ["medications"]}
    assert screened(text, "exclusion", **apixaban) is Truth.FALSE
    warfarin = {"medications": [{"name": "warfarin", "start": "2026-01-01"}]}
    assert screened(text, "exclusion", **warfarin) is Truth.TRUE


def test_each_group_is_excluded():
    text = "Patients 59 and younger, and patients with the following medical conditions: known HIV infection"
    assert screened(text, "exclusion", age=50) is Truth.TRUE
    assert screened(text, "exclusion", age=70, conditions=[{"name": "HIV infection"}]) is Truth.TRUE
    assert screened(text, "exclusion", age=70, conditions=[], complete=["conditions"]) is Truth.FALSE


def test_a_bare_disease_is_the_one_the_trial_studies():
    rules = trial_rules(("Prostate Cancer",), ("inclusion", "Previously untreated disease"),
                        ("inclusion", "Recurrent or refractory disease"), ("exclusion", "Active disease"))
    assert rules == {"I1": "condition prostate_cancer [untreated]", "I2": "condition prostate_cancer [relapsed]",
                     "E1": "condition prostate_cancer [active]"}


@pytest.mark.parametrize("conditions, text", [
    # several diseases studied: which one "disease" means is not said
    (("Rhabdomyosarcoma", "Neuroblastoma"), "Recurrent or refractory disease"),
    # words that are not a state of the disease
    (("Prostate Cancer",), "Stable disease"),
    (("Prostate Cancer",), "Clinical stage T1 or T2a disease"),
    (("Obstructive Sleep Apnea",), "chronic or recent infectious or inflammatory disease"),
    # no condition of the record is known to the vocabulary
    (("Healthy",), "Previously untreated disease"),
])
def test_a_bare_disease_stays_words_unless_the_trial_says_which(conditions, text):
    assert trial_rules(conditions, ("inclusion", text))["I1"] == f'text "{text}"'
