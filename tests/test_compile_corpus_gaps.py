"""Constructs found unread in the corpus (../shared/corpus): criterion text → canonical rule, and
the fragments and near misses that must stay free text."""

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
    # a list item about the women who could conceive: an exclusion names them, an inclusion asks it of them
    ("Pregnant or nursing women, or women of childbearing potential not using contraception", "exclusion",
     "pregnant or breastfeeding or (female and childbearing_potential and not contraception)"),
    ("Female patients who are pregnant or nursing, or of childbearing potential and are not using adequate "
     "contraception", "exclusion",
     "female and (pregnant or breastfeeding or (female and childbearing_potential and not contraception))"),
    # "… and women of childbearing potential who …": one more item, each excluded (not only one who is all
    # of them, a wrong pass the audit found)
    # (breastfeeding during the study: now, and not agreeing to stop — tests/test_compile_repro7.py)
    ("Women who are pregnant, women who will be breastfeeding during the study, and women of childbearing "
     "potential who are not practicing a reliable method of birth control", "exclusion",
     "female and (pregnant or (breastfeeding and not attribute no_breastfeeding_during_study) or (female and "
     "childbearing_potential and not contraception))"),
    ("Pregnant women or females of childbearing potential and lactating", "exclusion",
     "pregnant or (female and childbearing_potential and breastfeeding)"),
    ("Negative pregnancy test, and women of childbearing potential must use contraception", "inclusion",
     "not pregnant and (if (female and childbearing_potential) then contraception)"),
    # a time to come counted from an anchor, which screening takes as now
    ("Patients not expected to live more than 2 years from enrollment", "exclusion", "not life_expectancy > 2 years"),
    ("Life expectancy of at least 12 weeks from the start of treatment", "inclusion", "life_expectancy >= 12 weeks"),
    ("Life expectancy > 6 months after randomization", "inclusion", "life_expectancy > 6 months"),
    # a bare number only an age can be older or younger than
    ("Patients 59 and younger", "exclusion", "age <= 59 years"),
    ("Patients younger than 18", "exclusion", "age < 18 years"),
    ("65 or older", "inclusion", "age >= 65 years"),
    ("older than 18 and younger than 65", "inclusion", "age > 18 years and age < 65 years"),
    # "type 1 or 2 diabetes", "stage 3 or 4 CKD": each number names a kind of the disease
    ("Type 1 or 2 diabetes", "exclusion", "condition type_1_diabetes or condition type_2_diabetes"),
    ("stage 3 or 4 chronic kidney disease", "exclusion", "condition ckd_stage_3 or condition ckd_stage_4"),
    # a window in parentheses belongs to the qualifier group it is written in
    ("Newly diagnosed (within 3 months before enrollment) or poorly controlled Type 1 or 2 diabetes", "exclusion",
     "(condition type_1_diabetes [new] within 3 months before enrollment or condition type_1_diabetes [uncontrolled])"
     " or (condition type_2_diabetes [new] within 3 months before enrollment"
     " or condition type_2_diabetes [uncontrolled])"),
    ("Recent (within 3 months) or poorly controlled type 2 diabetes", "exclusion",
     "condition type_2_diabetes within 3 months before screening or condition type_2_diabetes [uncontrolled]"),
    ("Diagnosed (within 2 years) diabetes", "exclusion",
     "condition diabetes_mellitus [new] within 2 years before screening"),
    # a condition and the treatment it is under, with any of the treatments listed
    ("Diabetic treated with oral hypoglycemics or insulin", "exclusion",
     "condition diabetes_mellitus and (medication antidiabetic [current, oral] for (diabetes_mellitus) or "
     "medication insulin [current] for (diabetes_mellitus))"),
    ("Asthma on inhaled corticosteroids", "exclusion",
     "condition asthma and medication inhaled_corticosteroid [current] for (asthma)"),
    ("Diabetes requiring insulin or oral hypoglycemics", "exclusion",
     "condition diabetes_mellitus and (medication insulin [current] for (diabetes_mellitus) or "
     "medication antidiabetic [current, oral] for (diabetes_mellitus))"),
    ("Hypertension treated with ACE inhibitors, or diabetes", "exclusion",
     "(condition hypertension and medication ace_inhibitor [current] for (hypertension)) or condition diabetes_mellitus"),
    # "requiring hospitalization or IV antibiotics": both after "requiring"
    ("Infection requiring hospitalization or intravenous antibiotics", "exclusion",
     "condition infection [hospitalized] or "
     "(condition infection and medication antibiotic [current, intravenous] for (infection))"),
    # a time since treatments written after them: none in it (inclusion), some in it (exclusion)
    ("completed any radiotherapy (including stereotactic radiosurgery) at least 14 days prior to the start of "
     "study intervention", "inclusion", "not procedure radiotherapy within 14 days before first_dose"),
    ("Surgery or radiotherapy at least 4 weeks prior to enrollment", "inclusion",
     "not (procedure surgery within 4 weeks before enrollment"
     " or procedure radiotherapy within 4 weeks before enrollment)"),
    ("Prior chemotherapy must have been completed at least 4 weeks prior to enrollment", "exclusion",
     "medication chemotherapy within 4 weeks before enrollment"),
    ("Last dose of chemotherapy at least 4 weeks prior to randomization", "inclusion",
     "not medication chemotherapy within 4 weeks before randomization"),
    ("Last dose of chemotherapy less than 4 weeks prior to randomization", "exclusion",
     "medication chemotherapy within 4 weeks before randomization"),
    ("Chemotherapy completed less than 4 weeks before randomization", "exclusion",
     "medication chemotherapy within 4 weeks before randomization"),
    ("Palliative radiotherapy was completed within 7 days prior to initial administration", "exclusion",
     "procedure palliative_radiotherapy within 7 days before first_dose"),
    # now or within a window is within the window (read together they would ask for both)
    ("History of Substance Use Disorder at Screening or 12 months prior (except for nicotine)", "exclusion",
     "condition substance_use_disorder [history] except (nicotine_use) within 12 months before screening"),
    ("Alcohol abuse at screening or within the past 12 months", "exclusion",
     "condition alcohol_use_disorder within 12 months before screening"),
    ("Current or within the past 12 months alcohol abuse", "exclusion",
     "condition alcohol_use_disorder within 12 months before screening"),
    # the women named after their statuses are one item, men another; the ages are asked of all
    ("Male or non-pregnant, non-lactating females ages 18 to 75 inclusive", "inclusion",
     "(male or (female and not pregnant and not breastfeeding)) and (age >= 18 years and age <= 75 years)"),
    ("Non-pregnant women aged 18 to 45", "inclusion",
     "female and not pregnant and (age >= 18 years and age <= 45 years)"),
    # a finding named with where it shows: its own concept, narrower than the finding
    ("No evidence of dyspnea at rest", "inclusion", "not condition dyspnea_at_rest"),
    ("Current use of MAO inhibitors or within 2 weeks before screening", "exclusion",
     "medication maoi within 2 weeks before screening"),
    ("Current use of monoamine oxidase Inhibitor or used 2 weeks before treatment", "exclusion",
     "medication maoi within 2 weeks before first_dose"),
    # "current … within": both asked (no "or" between)
    ("Current use of MAO inhibitors within 14 days", "exclusion",
     "medication maoi [current] within 14 days before screening"),
    # a Snellen fraction is a logMAR value: a smaller fraction, a larger logMAR
    ("Best corrected visual acuity (BCVA) of less than 20/40", "exclusion", "logmar_visual_acuity > 0.3"),
    ("BCVA between 20/400 and 20/40", "inclusion", "logmar_visual_acuity >= 0.3 and logmar_visual_acuity <= 1.3"),
    ("BCVA > 20/200 and < 20/40", "inclusion", "logmar_visual_acuity < 1 and logmar_visual_acuity > 0.3"),
    # a qualifier written after an item is its own, not the next item's
    ("Infection requiring hospitalization, or diabetes", "exclusion",
     "condition infection [hospitalized] or condition diabetes_mellitus"),
    ("Severe asthma or COPD", "exclusion", "condition asthma [severe] or condition copd [severe]"),
    # "ago" counts back from now
    ("Myocardial infarction less than 6 months ago", "exclusion",
     "condition myocardial_infarction within 6 months before screening"),
    ("Chemotherapy more than 4 weeks ago", "inclusion", "not medication chemotherapy within 4 weeks before screening"),
])
def test_corpus_constructs(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # "of childbearing potential" with nothing after it says who, not what
    ("Pregnant or lactating women, or women of childbearing potential", "exclusion"),
    # a "not" before the list: whether it reaches the women who could conceive is not said
    ("Not pregnant or breastfeeding, or women of childbearing potential must use contraception", "inclusion"),
    # an anchor after a comma may say when the estimate was made, or something else
    ("Life expectancy of at least 3 months, from randomization", "inclusion"),
    # a wash-out counted back from an anchor is not a time to come
    ("Radiotherapy less than 3 months from randomization", "exclusion"),
    # "over" is not said only of ages (under an "Age" heading it is, but the words alone do not say)
    ("18 and over", "inclusion"),
    # a window for one qualifier and another for the whole: which reaches which is not said
    ("Newly diagnosed (within 3 months) or poorly controlled diabetes within 6 months", "exclusion"),
    # "newly diagnosed" with no time says nothing checkable
    ("Newly diagnosed or poorly controlled type 2 diabetes", "exclusion"),
    # a number that names no kind of the disease
    ("stage 3 or 4 neutropenia", "exclusion"),  # (a grade of it is a CTCAE grade: test_compile_grades)
    # an exclusion of those whose treatment is long past names nobody sensible: not guessed
    ("Chemotherapy completed at least 4 weeks before randomization", "exclusion"),
    # a start, an onset or a duration is not a wash-out
    ("Started metformin at least 3 months before screening", "inclusion"),
    ("Diabetes at least 5 years before screening", "inclusion"),
    # examples of another kind than the treatment
    ("Radiotherapy (including chemotherapy) at least 4 weeks prior to enrollment", "inclusion"),
    # an event long ago is not a window; a bare time ago may be a lower or an upper limit
    ("Stroke more than 6 months ago", "exclusion"),
    ("Surgery 4 weeks ago", "exclusion"),
    # "prior to" with no anchor after it
    ("Other investigational drugs within 30 days prior to the visit", "exclusion"),
    # a letter score beside a fraction: which one binds is not said
    ("BCVA >= 70 letters (20/40)", "inclusion"),
    # the fragments a list was cut into say nothing on their own
    ("Severe", "exclusion"),
    # who may take part, listed as an exclusion, would exclude them
    ("Non-pregnant, non-lactating females", "exclusion"),
    ("H", "exclusion"),
    ("Recurrent or refractory", "inclusion"),
    ("Radiotherapy during the study or within 3 weeks of the start of", "exclusion"),
    ("Previously untreated", "inclusion"),
    ("unable to sign", "inclusion"),
])
def test_corpus_near_misses_stay_free_text(text, kind):
    assert isinstance(compile_criterion(text, kind).rule, FreeText)


def test_older_than_a_time_is_not_an_age():
    assert "age" not in to_text(compile_criterion("Tumor older than 6 months", "exclusion").rule)


def test_a_window_of_one_qualifier_does_not_date_the_other():
    text = "Newly diagnosed (within 3 months before enrollment) or poorly controlled Type 1 or 2 diabetes"
    long_uncontrolled = {"conditions": [{"name": "type 2 diabetes", "onset": "2015-01-01", "controlled": False}]}
    assert screened(text, "exclusion", **long_uncontrolled) is Truth.TRUE
    long_controlled = {"conditions": [{"name": "type 2 diabetes", "onset": "2015-01-01", "controlled": True}],
                       "complete": ["conditions"]}
    assert screened(text, "exclusion", **long_controlled) is Truth.FALSE


def test_a_drug_listed_after_requiring_does_not_stand_alone():
    # metformin for another reason is not "diabetes requiring oral hypoglycemics"
    text = "Diabetes requiring insulin or oral hypoglycemics"
    metformin = {"medications": [{"name": "metformin", "start": "2026-01-01"}],
                 "conditions": [{"name": "polycystic ovary syndrome"}], "complete": ["conditions"]}
    assert screened(text, "exclusion", **metformin) is Truth.FALSE


def test_iv_antibiotics_for_no_infection_do_not_exclude():
    text = "Any infection requiring hospitalization or intravenous antibiotics within the past 60 days"
    prophylaxis = {"medications": [{"name": "cefazolin", "start": "2026-11-01", "end": "2026-11-01",
                                    "note": "intravenous"}],
                   "conditions": [], "complete": ["conditions"]}
    assert screened(text, "exclusion", **prophylaxis) is Truth.FALSE


def test_now_or_in_the_last_year_excludes_what_ended_months_ago():
    text = "Alcohol abuse at screening or within the past 12 months"
    ended = {"conditions": [{"name": "alcohol use disorder", "onset": "2015-01-01", "end": "2026-06-01"}],
             "complete": ["conditions"]}
    assert screened(text, "exclusion", **ended) is Truth.TRUE


def test_a_man_meets_male_or_non_pregnant_females():
    text = "Male or non-pregnant, non-lactating females ages 18 to 75 inclusive"
    assert screened(text, "inclusion", sex="male", age=40) is Truth.TRUE
    assert screened(text, "inclusion", sex="female", age=40, pregnant=True) is Truth.FALSE


def test_dyspnea_recorded_without_saying_at_rest_is_unknown():
    text = "No evidence of dyspnea at rest"
    assert screened(text, "inclusion", conditions=[{"name": "dyspnea"}], complete=["conditions"]) is Truth.UNKNOWN
    assert screened(text, "inclusion", conditions=[{"name": "dyspnoea at rest"}]) is Truth.FALSE


def test_a_drug_stopped_last_week_is_within_two_weeks():
    text = "Current use of MAO inhibitors or within 2 weeks before screening"
    stopped = {"medications": [{"name": "phenelzine", "start": "2025-01-01", "end": "2026-11-13"}]}
    assert screened(text, "exclusion", **stopped) is Truth.TRUE


def test_snellen_limit_against_logmar_and_letters():
    text = "Best corrected visual acuity (BCVA) of less than 20/40"
    assert screened(text, "exclusion", scores=[{"name": "logMAR", "value": 0.5, "date": "2026-11-10"}]) is Truth.TRUE
    assert screened(text, "exclusion", scores=[{"name": "logMAR", "value": 0.2, "date": "2026-11-10"}]) is Truth.FALSE
    # a letter score is another scale: not converted here
    assert screened(text, "exclusion", scores=[{"name": "BCVA", "value": 60, "date": "2026-11-10"}]) is Truth.UNKNOWN


def screened(text: str, kind: str, **profile) -> Truth:
    """The truth of a criterion's statement for a made-up patient."""
    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), **profile})
    return evaluate(compile_criterion(text, kind).rule, Context(patient=patient, as_of=AS_OF)).truth


def test_childbearing_item_does_not_exclude_a_postmenopausal_woman_without_contraception():
    text = "Pregnant or nursing women, or women of childbearing potential not using contraception"
    woman = {"sex": "female", "pregnant": False, "breastfeeding": False, "contraception": False}
    assert screened(text, "exclusion", **woman, childbearing_potential=False) is Truth.FALSE
    assert screened(text, "exclusion", **woman, childbearing_potential=True) is Truth.TRUE
