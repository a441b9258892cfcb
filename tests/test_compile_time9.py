"""Round 9 time: how long a disease has gone on said before it ("duration of type 2 diabetes ≥ 5
years"), by its symptoms ("knee osteoarthritis with symptom duration of at least 3 months") or as
the time since its diagnosis ("at least 6 months since diagnosis of type 2 diabetes").
Each construct read here, its near misses that must stay free text, and what the readings decide
for made-up patients."""

from __future__ import annotations

import pytest

from made_up import outcome
from screening.compile import compile_criterion
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
    # an episode's length is not the disorder's: recurrent depression since 2010 may be in a new episode
    ("Current MDD episode > 2 years", "exclusion"),
    ("Presence of psychotic features with current depressive episode", "exclusion"),
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
