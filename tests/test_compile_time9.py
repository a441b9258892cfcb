"""Round 9 time: calendar days ("knee replacement between 2015 and 2020", "diagnosed with breast
cancer between January 2010 and December 2020"); how long a disease has gone on said before it ("duration of type 2 diabetes ≥ 5
years"), by its symptoms ("knee osteoarthritis with symptom duration of at least 3 months") or as
the time since its diagnosis ("at least 6 months since diagnosis of type 2 diabetes").
Each construct read here, its near misses that must stay free text, and what the readings decide
for made-up patients."""

from __future__ import annotations

import pytest

from made_up import outcome
from screening.compile import compile_criterion, parse_rule
from screening.logic import Truth
from screening.printer import to_text

READ = [
    # the duration named before the disease: how long the disease has lasted
    ("Duration of rheumatoid arthritis ≥ 6 months", "inclusion", "condition rheumatoid_arthritis lasting >= 6 months"),
    ("Duration of type 2 diabetes of at least 6 months", "inclusion", "condition type_2_diabetes lasting >= 6 months"),
    ("Duration of diabetes > 5 years", "inclusion", "condition diabetes_mellitus lasting > 5 years"),
    # how long its symptoms have gone on: from the condition's onset
    ("Osteoarthritis of the knee with symptom duration of at least 3 months", "inclusion",
     "condition knee_osteoarthritis lasting >= 3 months"),
    ("Knee osteoarthritis with duration of symptoms of at least 3 months", "inclusion",
     "condition knee_osteoarthritis lasting >= 3 months"),
    ("Chronic low back pain with symptom duration ≥ 3 months", "inclusion",
     "condition low_back_pain [chronic] lasting >= 3 months"),
    ("Knee osteoarthritis with symptoms for at least 3 months", "inclusion",
     "condition knee_osteoarthritis lasting >= 3 months"),
    # the time since its diagnosis: diagnosed at least that long ago, as "diagnosed ≥ 6 months before"
    ("At least 6 months since diagnosis of type 2 diabetes", "inclusion",
     "condition type_2_diabetes lasting >= 6 months"),
    ("At least 6 months from diagnosis of type 2 diabetes", "inclusion",
     "condition type_2_diabetes lasting >= 6 months"),
    ("More than 1 year since the diagnosis of rheumatoid arthritis", "inclusion",
     "condition rheumatoid_arthritis lasting > 1 years"),
    ("Rheumatoid arthritis, with more than 1 year since diagnosis", "inclusion",
     "condition rheumatoid_arthritis lasting > 1 years"),
    ("At least 6 months since diagnosis of type 2 diabetes and HbA1c > 7%", "inclusion",
     "condition type_2_diabetes lasting >= 6 months and hba1c > 7 %"),
    # calendar days: the first of the first month (or January) to the last of the last (or December)
    ("Inguinal hernia repair from June 1996-June 2011", "inclusion",
     "procedure inguinal_hernia_repair between 1996-06-01 and 2011-06-30"),
    ("Underwent total knee arthroplasty between 2015 and 2020", "inclusion",
     "procedure knee_replacement between 2015-01-01 and 2020-12-31"),
    ("Patients treated with metformin from January 2019 to March 2020", "inclusion",
     "medication metformin between 2019-01-01 and 2020-03-31"),
    ("Hospitalized for COVID-19 between March 2020 and May 2021", "inclusion",
     "condition covid_19 [hospitalized] between 2020-03-01 and 2021-05-31"),
    # a diagnosis or a start said: the start falls in the days
    ("Patients diagnosed with breast cancer between January 2010 and December 2020", "inclusion",
     "condition breast_cancer started between 2010-01-01 and 2020-12-31"),
    ("Nivolumab treatment initiated between 2015 and 2020", "inclusion",
     "medication nivolumab started between 2015-01-01 and 2020-12-31"),
    # at least so long inside a window
    ("Systemic corticosteroids for more than 14 consecutive days within 3 months prior to screening", "exclusion",
     "medication corticosteroid [systemic] lasting > 14 days within 3 months before screening"),
    ("Corticosteroid use for > 2 weeks in the last 6 months", "exclusion",
     "medication corticosteroid lasting > 2 weeks within 6 months before screening"),
    ("Prednisone ≥ 10 mg/day for more than 14 days within 30 days before randomization", "exclusion",
     "medication prednisone dose >= 10 mg/day lasting > 14 days within 30 days before randomization"),
    ("Dialysis for at least 3 months within the past year", "inclusion",
     "procedure dialysis lasting >= 3 months within 1 years before screening"),
    # the anchor in other words: "the date of", "the first study treatment", "of trial drug"
    ("Stroke within 6 months prior to the date of randomization", "exclusion",
     "condition stroke within 6 months before randomization"),
    ("Stroke within 6 months prior to the first study treatment", "exclusion",
     "condition stroke within 6 months before first_dose"),
    ("Stroke within 6 months prior to the first dose of trial drug", "exclusion",
     "condition stroke within 6 months before first_dose"),
    ("Stroke within 6 months prior to the date of informed consent", "exclusion",
     "condition stroke within 6 months before screening"),
    ("Stroke within 6 months prior to signing the ICF", "exclusion",
     "condition stroke within 6 months before screening"),
    # one year, or one month of it, where the clause ends there
    ("COVID-19 diagnosed in 2020", "inclusion", "condition covid_19 started between 2020-01-01 and 2020-12-31"),
    ("Knee replacement in March 2019", "inclusion", "procedure knee_replacement between 2019-03-01 and 2019-03-31"),
]


@pytest.mark.parametrize("text, kind, rule", READ)
def test_read(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


STAYS_WORDS = [
    # a duration of what is not a condition named, or with a window after it
    ("Duration of motor symptoms > 1 year", "inclusion"),
    ("Duration of diabetes ≥ 5 years prior to screening", "inclusion"),
    # a cancer's recorded course may have ended long before now: its length is not the time since
    # its diagnosis; an acute event does not last; no disease named; a time after or before the diagnosis
    ("At least 5 years since diagnosis of breast cancer", "inclusion"),
    ("At least 3 months since diagnosis of myocardial infarction", "inclusion"),
    ("At least 6 months since diagnosis", "inclusion"),
    ("At least 6 months after diagnosis of type 2 diabetes", "inclusion"),
    ("At least 6 months since diagnosis of type 2 diabetes prior to screening", "inclusion"),
    ("Less than 5 years since diagnosis of type 1 diabetes", "exclusion"),
    # days said after a list may be the whole list's; with another window; in the wrong order; a
    # range of values, not of days
    ("Surgery or radiotherapy between 2015 and 2020", "exclusion"),
    ("Stroke within 6 months between 2015 and 2020", "exclusion"),
    ("Knee replacement from 2020 to 2015", "inclusion"),
    # a year that dates something else, an open end, or a second item
    ("Heart failure as defined in 2013 ACC/AHA guidelines", "exclusion"),
    ("Type 2 diabetes diagnosed in 2015 or later", "inclusion"),
    ("Knee replacement in 2015 or after", "inclusion"),
    ("Stroke in 2019 and HbA1c > 7%", "exclusion"),
    # a short use inside a window may be part of a long one
    ("Systemic corticosteroids for less than 14 days within 3 months", "exclusion"),
    # an anchor the evaluator cannot place
    ("Stroke within 6 months prior to Visit 2", "exclusion"),
    ("Stroke within 6 months prior to the start of the screening period", "exclusion"),
    # an episode's length is not the disorder's: recurrent depression since 2010 may be in a new episode
    ("Current MDD episode > 2 years", "exclusion"),
    # ("Presence of psychotic features with current depressive episode" reads as the two conditions
    # with the words beside them: tests/test_compile_gaps9.py's "with a feature")
    ("Subjects experiencing hallucinations, delusions or any psychotic symptomatology in the current depressive "
     "episode", "exclusion"),
    # "newly diagnosed" with no time says nothing checkable
    ("Newly diagnosed intermittent claudication", "inclusion"),
    # "in the 7 days" before what is not said
    ("Stroke in the 7 days", "exclusion"),
    # during a period still to come
    ("Exacerbation of psoriasis during the screening period", "exclusion"),
]


@pytest.mark.parametrize("text, kind", STAYS_WORDS)
def test_stays_words(text, kind):
    assert to_text(compile_criterion(text, kind).rule).startswith("text ")


def test_symptom_duration_is_counted_from_the_onset():
    rule = to_text(compile_criterion("Knee osteoarthritis with symptom duration of at least 3 months",
                                     "inclusion").rule)
    year_old = {"conditions": [{"name": "knee osteoarthritis", "onset": "2025-10-01"}]}
    assert outcome(rule, "inclusion", **year_old).truth is Truth.TRUE
    last_month = {"conditions": [{"name": "knee osteoarthritis", "onset": "2026-10-25"}]}
    assert outcome(rule, "inclusion", complete=["conditions"], **last_month).truth is Truth.FALSE
    undated = {"conditions": [{"name": "knee osteoarthritis"}]}
    assert outcome(rule, "inclusion", **undated).truth is Truth.UNKNOWN


def test_time_since_diagnosis_is_counted_from_the_onset():
    rule = to_text(compile_criterion("At least 6 months since diagnosis of type 2 diabetes", "inclusion").rule)
    for onset, truth in (("2020-03-01", Truth.TRUE), ("2026-09-01", Truth.FALSE)):
        diabetes = {"conditions": [{"name": "type 2 diabetes", "onset": onset}]}
        assert outcome(rule, "inclusion", complete=["conditions"], **diabetes).truth is truth
    assert outcome(rule, "inclusion", conditions=[{"name": "type 2 diabetes"}]).truth is Truth.UNKNOWN


def test_a_range_of_values_is_not_one_of_days():
    assert to_text(compile_criterion("Platelets between 1900 and 2000 /mm3", "inclusion").rule) \
        == "platelets >= 1900 /mm3 and platelets <= 2000 /mm3"


@pytest.mark.parametrize("rule", [
    "procedure inguinal_hernia_repair between 1996-06-01 and 2011-06-30",
    "condition breast_cancer started between 2010-01-01 and 2020-12-31",
    "not medication nivolumab [current] started between 2015-01-01 and 2020-12-31",
])
def test_calendar_days_read_back(rule):
    assert to_text(parse_rule(rule)) == rule


def test_a_procedure_in_the_days():
    rule = "procedure inguinal_hernia_repair between 1996-06-01 and 2011-06-30"
    for day, truth in (("2000-01-01", Truth.TRUE), ("2011-06-30", Truth.TRUE), ("2011-07-01", Truth.FALSE),
                       ("1996-05-31", Truth.FALSE)):
        repair = {"procedures": [{"name": "inguinal hernia repair", "date": day}]}
        assert outcome(rule, "inclusion", complete=["procedures"], **repair).truth is truth
    undated = {"procedures": [{"name": "inguinal hernia repair"}]}
    assert outcome(rule, "inclusion", **undated).truth is Truth.UNKNOWN


def test_a_diagnosis_in_the_days_is_its_onset():
    rule = to_text(compile_criterion("Patients diagnosed with breast cancer between January 2010 and December 2020",
                                     "inclusion").rule)
    since_2005 = {"conditions": [{"name": "breast cancer", "onset": "2005-03-01"}]}
    assert outcome(rule, "inclusion", complete=["conditions"], **since_2005).truth is Truth.FALSE
    in_2015 = {"conditions": [{"name": "breast cancer", "onset": "2015-03-01", "end": "2016-01-01"}]}
    assert outcome(rule, "inclusion", complete=["conditions"], **in_2015).truth is Truth.TRUE
    assert outcome(rule, "inclusion", conditions=[{"name": "breast cancer"}]).truth is Truth.UNKNOWN


def test_a_course_that_touched_the_days_counts_in_an_exclusion():
    rule = "medication metformin between 2019-01-01 and 2020-03-31"
    since_2015 = {"medications": [{"name": "metformin", "start": "2015-01-01"}]}
    assert outcome(rule, "exclusion", complete=["medications"], **since_2015).truth is Truth.TRUE
    ended_2018 = {"medications": [{"name": "metformin", "start": "2015-01-01", "end": "2018-06-01"}]}
    assert outcome(rule, "exclusion", complete=["medications"], **ended_2018).truth is Truth.FALSE
    started_2021 = {"medications": [{"name": "metformin", "start": "2021-01-01"}]}
    assert outcome(rule, "exclusion", complete=["medications"], **started_2021).truth is Truth.FALSE
    no_start = {"medications": [{"name": "metformin", "end": "2022-01-01"}]}
    assert outcome(rule, "exclusion", complete=["medications"], **no_start).truth is Truth.UNKNOWN


def test_days_inside_the_window_are_counted():
    rule = "medication corticosteroid [systemic] lasting > 14 days within 3 months before screening"

    def truth(**course):
        return outcome(rule, "exclusion", complete=["medications"],
                       medications=[{"name": "prednisone", "route": "oral", **course}]).truth

    assert truth(start="2025-01-01") is Truth.TRUE  # still taken
    assert truth(start="2026-10-01", end="2026-10-21") is Truth.TRUE
    assert truth(start="2026-10-01", end="2026-10-11") is Truth.FALSE
    assert truth(start="2025-01-01", end="2025-03-01") is Truth.FALSE
    # a long course that ended a week into the window: 7 days inside it, or all of it, as read
    assert truth(start="2025-01-01", end="2026-08-27") is Truth.UNKNOWN


def test_days_within_a_window_decide_only_what_every_reading_would():
    """"Dialysis for at least 3 months within the past year": the 3 months inside the year, or a
    course of 3 months that reached into it, or courses adding up to 3 months in it."""
    rule = "procedure dialysis lasting >= 3 months within 1 years before screening"

    def truth(*courses):
        return outcome(rule, "inclusion", complete=["procedures"],
                       procedures=[{"name": "hemodialysis", **c} for c in courses]).truth

    assert truth({"start": "2026-01-01"}) is Truth.TRUE  # still going on
    assert truth({"start": "2026-05-01", "end": "2026-06-01"}) is Truth.FALSE
    # two courses of two months apart may add up
    assert truth({"start": "2026-01-01", "end": "2026-03-01"}, {"start": "2026-06-01", "end": "2026-08-01"}) \
        is Truth.UNKNOWN
