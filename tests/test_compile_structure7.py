"""How a criterion is built from its pieces (round 7): heads whose items follow, groups named
anew, lead-ins and stray bullets — read where the words are certain, kept in words where not."""

import pytest

from made_up import outcome
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
    # a word processor's hollow bullet "o" opens a sentence; it is not a word of it
    ("Known HIV infection. o Active hepatitis B", "exclusion", "condition hiv_infection or condition hepatitis_b [active]"),
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
