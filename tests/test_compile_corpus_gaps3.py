"""Constructs found unread in the corpus (../shared/corpus), third round: criterion text → canonical
rule, what the reading means for a patient, and the near misses that must stay free text."""

import pytest

from screening.compile import compile_criterion
from screening.logic import Truth
from screening.nodes import FreeText
from screening.printer import to_text

from made_up import outcome


@pytest.mark.parametrize("text, kind, rule", [
    # a rupture is a kind of aneurysm of its own, not any aneurysm
    ("Patient has a ruptured aneurysm", "exclusion", "condition ruptured_aneurysm"),
    # where the gut perforated is a kind of perforation, not a synonym of it
    ("History of gastric perforation", "exclusion", "condition gastric_perforation [history]"),
    ("History of bowel perforation", "exclusion", "condition bowel_perforation [history]"),
    ("History of gastrointestinal perforation", "exclusion", "condition gi_perforation [history]"),
    # an organ's adjective before "or … failure" is that organ's failure, not any disease of it
    ("Cardiac or renal failure", "exclusion", "condition heart_failure or condition renal_failure"),
    ("History of cardiac, hepatic, or renal failure", "exclusion",
     "condition heart_failure [history] or condition liver_failure [history] or condition renal_failure [history]"),
    ("Uncontrolled cardiac or respiratory failure", "exclusion",
     "condition heart_failure [uncontrolled] or condition respiratory_failure [uncontrolled]"),
    # a disease named alone is not read with the next name's words
    ("Diabetes or renal failure", "exclusion", "condition diabetes_mellitus or condition renal_failure"),
    ("Crohn's or ulcerative colitis", "inclusion", "condition crohns_disease or condition ulcerative_colitis"),
    ("Cardiac or pulmonary disease", "exclusion", "condition heart_disease or condition pulmonary_disease"),
    # "and/or" shares a name's head or tail as "or" does
    ("Active hepatitis B and/or C", "exclusion", "condition hepatitis_b [active] or condition hepatitis_c [active]"),
    ("History of gastroduodenal perforations and/or obstructions", "exclusion",
     "condition gastroduodenal_perforation [history] or condition gastroduodenal_obstruction [history]"),
    ("Strong CYP3A4 inhibitors and/or inducers", "exclusion",
     "medication strong_cyp3a4_inhibitor or medication strong_cyp3a4_inducer"),
    ("History of breast and/or ovarian cancer", "exclusion",
     "condition breast_cancer [history] or condition ovarian_cancer [history]"),
    # the first dose of the double-blind study medication is the first dose of the study drug
    ("A history of diabetic ketoacidosis episode during the 6 months preceding the first dose of double-blind "
     "study medication", "exclusion", "condition diabetic_ketoacidosis [history] within 6 months before first_dose"),
    ("Use of fluoxetine within 4 weeks before the first dose of double blind study medication", "exclusion",
     "medication fluoxetine within 4 weeks before first_dose"),
])
def test_corpus_constructs(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("rule, recorded, truth", [
    # an aortic or intracranial aneurysm is an aneurysm
    ("condition aneurysm", "abdominal aortic aneurysm", Truth.TRUE),
    ("condition aneurysm", "intracranial aneurysm", Truth.TRUE),
    ("condition aneurysm", "ruptured aneurysm", Truth.TRUE),
    # aneurysms and dissections of the aorta are aortic diseases; a widened aorta short of an aneurysm
    # is one too, but not an aneurysm
    ("condition thoracic_aortic_disease", "thoracic aortic aneurysm", Truth.TRUE),
    ("condition aortic_disease", "aortic dissection", Truth.TRUE),
    ("condition aortic_disease", "aortic ectasia", Truth.TRUE),
    ("condition aortic_aneurysm", "aortic ectasia", Truth.UNKNOWN),
    ("condition aneurysm", "aortic ectasia", Truth.UNKNOWN),
    # an aneurysm not recorded as ruptured is not a ruptured one (only unknown: the list is not complete)
    ("condition ruptured_aneurysm", "abdominal aortic aneurysm", Truth.UNKNOWN),
    # a perforated colon is not a gastric perforation, but both are gastrointestinal perforations
    ("condition gastric_perforation", "bowel perforation", Truth.UNKNOWN),
    ("condition gi_perforation", "bowel perforation", Truth.TRUE),
    ("condition gi_perforation", "perforated duodenal ulcer", Truth.TRUE),
    ("condition gastroduodenal_perforation", "perforated peptic ulcer", Truth.TRUE),
    ("condition peptic_ulcer_disease", "perforated ulcer", Truth.TRUE),
    ("condition bowel_perforation", "gastric perforation", Truth.UNKNOWN),
    # an obstructed pylorus is a gastroduodenal obstruction
    ("condition gastroduodenal_obstruction", "gastric outlet obstruction", Truth.TRUE),
])
def test_kinds_count_for_their_class_only(rule, recorded, truth):
    assert outcome(rule, conditions=[{"name": recorded}]).truth is truth


@pytest.mark.parametrize("text, kind", [
    # a grade on an allergy, which the profile does not record
    ("Known Grade 3 or 4 hypersensitivity to macrolide antibiotics", "exclusion"),
    # a contraindication to a test is the investigator's call
    ("Contraindication to MRI", "exclusion"),
    # an item whose name with the shared words is unknown leaves the whole list unread as one
    ("Impaired hepatic, renal or cardiac function", "exclusion"),
])
def test_what_could_be_misread_stays_free_text(text, kind):
    assert isinstance(compile_criterion(text, kind).rule, FreeText)


def test_a_rupture_years_ago_is_not_taken_for_one_now():
    # "Patient has a ruptured aneurysm": a rupture is an event, so an old one does not say the patient
    # has one now
    recorded = [{"name": "ruptured aneurysm", "onset": "2010-01-01"}]
    assert outcome("condition ruptured_aneurysm", conditions=recorded).truth is Truth.UNKNOWN
    assert outcome("condition ruptured_aneurysm [history]", conditions=recorded).truth is Truth.TRUE
