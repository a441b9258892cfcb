"""Constructs found unread in the corpus (../shared/corpus) with two or three unknown words, fifth
round: criterion text → canonical rule, what the reading means for a patient, and the near misses
that must stay free text."""

import pytest

from screening.compile import compile_criterion
from screening.logic import Truth
from screening.nodes import FreeText
from screening.printer import to_text

from made_up import outcome


@pytest.mark.parametrize("text, kind, rule", [
    # the values first, then the word saying which pressure they are of
    ("Current blood pressure of >140 mm Hg or < 90 mm Hg systolic, or > 90 mm Hg diastolic", "exclusion",
     "systolic_blood_pressure > 140 mmHg or systolic_blood_pressure < 90 mmHg or diastolic_blood_pressure > 90 mmHg"),
    ("BP >160 mmHg systolic or >100 mmHg diastolic", "exclusion",
     "systolic_blood_pressure > 160 mmHg or diastolic_blood_pressure > 100 mmHg"),
    ("Blood pressure ≥ 140 mmHg systolic and/or ≥ 90 mmHg diastolic", "exclusion",
     "systolic_blood_pressure >= 140 mmHg or diastolic_blood_pressure >= 90 mmHg"),
    ("blood pressure greater than 140 mm Hg systolic", "exclusion", "systolic_blood_pressure > 140 mmHg"),
    # units spelled out, and spelled again in parentheses
    ("QTcF > 450 milliseconds (msec)", "exclusion", "qtcf > 450 milliseconds"),
    ("QTc > 450 ms (milliseconds)", "exclusion", "qtc > 450 ms"),
    ("QTcF > 450 milliseconds (msec) (men) or > 470 msec (women)", "exclusion",
     "(male and qtcf > 450 milliseconds) or (female and qtcf > 470 msec)"),
    ("Height < 150 centimeters", "exclusion", "height < 150 centimeters"),
    # how the value is to be measured, kept beside the limit
    ("QTcF > 450 msec (single ECG)", "exclusion", 'qtcf > 450 msec and text "single ECG"'),
    # roman numerals naming the kinds of one disease
    ("Type I or Type II diabetes mellitus", "exclusion", "condition type_1_diabetes or condition type_2_diabetes"),
    ("type I or type II diabetes", "exclusion", "condition type_1_diabetes or condition type_2_diabetes"),
    # "upper or lower": the two together are every one
    ("Acute upper or lower respiratory tract infection", "exclusion", "condition respiratory_infection [active]"),
    ("Upper and/or lower respiratory tract infection within 2 weeks", "exclusion",
     "condition respiratory_infection within 2 weeks before screening"),
    # the classification spelled out in parentheses after its abbreviation
    ("Meets DSM-IV (Diagnostic and Statistical Manual of Mental Disorders) criteria for PTSD", "inclusion",
     "condition ptsd"),
    # where the study injects, punctures or cuts: kept in words beside the condition
    ("Infection at the injection site", "exclusion", 'condition infection and text "at the injection site"'),
    ("Skin disease at the planned puncture site", "exclusion",
     'condition skin_disease and text "at the planned puncture site"'),
    # concepts
    ("Atypical PD syndromes", "exclusion", "condition atypical_parkinsonism"),
    ("History of upper gastrointestinal ulceration within 6 months", "exclusion",
     "condition upper_gi_ulcer [history] within 6 months before screening"),
    # diseases affecting an organ are that organ's diseases
    ("Chronic diseases affecting the heart", "exclusion", "condition heart_disease [chronic]"),
    ("Any disorder affecting the liver or kidneys", "exclusion", "condition liver_disease or condition kidney_disease"),
    # "inherited or acquired", "congenital or acquired": every one; an inherited one is a kind
    ("Known hereditary or acquired bleeding disorder", "exclusion", "condition bleeding_disorder"),
    ("Inherited or acquired thrombophilia", "exclusion", "condition thrombophilia"),
    ("Known inherited bleeding disorder", "exclusion", "condition hereditary_bleeding_disorder"),
    # a prefix said alone shares the rest of the word
    ("Untreated hypo- or hyperthyroidism", "exclusion",
     "condition hypothyroidism [untreated] or condition hyperthyroidism [untreated]"),
    ("Contra-indication to aspirin", "exclusion", "medication aspirin [intolerant]"),
    # prescribed or not: every one
    ("Use of over the counter or prescription sleep aids within the past 8 weeks", "exclusion",
     "medication sedative_hypnotic within 8 weeks before screening"),
    ("OTC or prescribed antihistamines within 7 days", "exclusion",
     "medication antihistamine within 7 days before screening"),
    # the rest of a test's name in parentheses
    ("Positive hepatitis B (surface antigen) or hepatitis C (antibody)", "exclusion",
     "hbsag in {positive} or hcv_antibody in {positive}"),
    # words after a condition that, after its own name, name a kind of it
    ("Patients must have a diagnosis of Philadelphia chromosome positive (Ph+) chronic myeloid leukemia in chronic "
     "phase", "inclusion", "condition cml_chronic_phase"),
    ("Ph+ CML in blast crisis", "exclusion", "condition cml_blast_phase"),
    # reactions written with a slash are a choice of words for one reaction to the drug, not any allergy
    ("Known allergy/hypersensitivity to aspirin", "exclusion", "medication aspirin [allergic]"),
    ("Hypersensitivity/allergy to aspirin", "exclusion", "medication aspirin [allergic]"),
    ("Known allergy/intolerance to aspirin", "exclusion", "medication aspirin [intolerant]"),
    # the head shared by the name before it
    ("Stomach and duodenal ulcers", "exclusion", "condition gastric_ulcer or condition duodenal_ulcer"),
    # letters the vocabulary does not know, spelled out after them in words it does
    ("History of upper GI (gastrointestinal) ulceration within the previous 6 months", "exclusion",
     "condition upper_gi_ulcer [history] within 6 months before screening"),
    # the three cancers the vocabulary holds as one, named together
    ("Histologically confirmed ovarian, fallopian tube, or primary peritoneal cancer", "inclusion",
     "condition ovarian_cancer"),
    # an inadequate recovery is none
    ("Inadequate recovery from any prior surgical procedure", "exclusion", "not attribute recovered_from_surgery"),
    ("Incomplete recovery from prior surgery", "exclusion", "not attribute recovered_from_surgery"),
])
def test_corpus_constructs(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # another pressure than the blood pressure
    ("Pulmonary artery pressure > 40 mmHg systolic", "exclusion"),
    # a blood pressure that does not say which
    ("Blood pressure > 140 mmHg", "exclusion"),
    # a parenthesis that is not the unit again
    ("QTc > 450 ms (mg)", "exclusion"),
    # the bleeding and perforation of the upper GI tract, not any
    ("History of upper GI ulceration, bleeding or perforation", "exclusion"),
    # "poor" recovery says how much, not none
    ("Poor recovery from surgery", "exclusion"),
    # both words say it is sold without a prescription: not every antihistamine
    ("non-prescription or OTC antihistamines within 7 days", "exclusion"),
    # the supplements that are sleep aids, not every supplement
    ("Use of over the counter or prescription sleep aids including dietary supplements within the past 8 weeks",
     "exclusion"),
    ("Use of sleep aids including herbal remedies within 8 weeks", "exclusion"),
    # a parenthesis that does not spell the letters before it
    ("GI (gastric) ulcer", "exclusion"),
    # "disease" alone may be the tumour, in the liver
    ("Disease affecting the liver", "exclusion"),
])
def test_what_could_be_misread_stays_free_text(text, kind):
    assert isinstance(compile_criterion(text, kind).rule, FreeText)


@pytest.mark.parametrize("name, truth", [
    ("gastric ulcer", Truth.TRUE),        # a peptic ulcer is in the upper GI tract
    ("duodenal ulcer", Truth.TRUE),
    ("venous leg ulcer", Truth.FALSE),    # an ulcer, but not there
    ("ulcerative colitis", Truth.FALSE),
])
def test_upper_gi_ulcers(name, truth):
    got = outcome("condition upper_gi_ulcer", "exclusion", complete=["conditions"],
                  conditions=[{"name": name, "onset": "2026-09-01"}])
    assert got.truth is truth


@pytest.mark.parametrize("systolic, diastolic, truth", [
    (120, 80, Truth.FALSE),
    (85, 60, Truth.TRUE),     # below the lower systolic limit
    (130, 95, Truth.TRUE),
])
def test_pressures_named_after_their_values(systolic, diastolic, truth):
    rule = to_text(compile_criterion(
        "Current blood pressure of >140 mm Hg or < 90 mm Hg systolic, or > 90 mm Hg diastolic", "exclusion").rule)
    vitals = [{"name": "systolic blood pressure", "value": systolic, "unit": "mmHg", "date": "2026-11-15"},
              {"name": "diastolic blood pressure", "value": diastolic, "unit": "mmHg", "date": "2026-11-15"}]
    assert outcome(rule, "exclusion", vitals=vitals).truth is truth


@pytest.mark.parametrize("name, truth", [
    ("hemophilia", Truth.TRUE),
    ("von Willebrand disease", Truth.TRUE),
    ("disseminated intravascular coagulation", Truth.FALSE),   # a bleeding disorder, acquired
    ("acquired hemophilia", Truth.FALSE),
])
def test_inherited_bleeding_disorders(name, truth):
    got = outcome("condition hereditary_bleeding_disorder", "exclusion", complete=["conditions"],
                  conditions=[{"name": name, "onset": "2020-01-01"}])
    assert got.truth is truth
