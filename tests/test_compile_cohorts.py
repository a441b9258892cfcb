"""Cohort headings (a trial's own groups, chosen by the coordinator) and listed items that ask
nothing: how they compile, evaluate and show in the report."""

from __future__ import annotations

import pytest

from screening.compile import cohort_name, compile_criterion, compile_trial, trial_cohorts
from screening.evaluate import Context, evaluate
from screening.explain import screen_trial
from screening.logic import Truth
from screening.nodes import walk
from screening.patient import patient_from_mapping
from screening.printer import to_text
from screening.trial import Criterion, Trial

from made_up import AS_OF, outcome


def _trial(*items: tuple[str, str, str, str]) -> Trial:
    """A trial from (id, kind, group heading, text) rows."""
    return Trial(nct_id="NCT09999990", criteria=tuple(
        Criterion(id=cid, kind=kind, text=text, group=group) for cid, kind, group, text in items))


def _rules(*items: tuple[str, str, str, str]) -> dict[str, str]:
    return {cid: to_text(rule) for cid, rule in compile_trial(_trial(*items)).rules.items()}


# --- cohort headings -------------------------------------------------------------------------------


def test_parallel_group_headings_are_cohorts_and_the_items_read_as_they_would_alone():
    rules = _rules(
        ("I1", "inclusion", "Patients with Major Depressive Disorder (MDD):", "Age 18-55"),
        ("I2", "inclusion", "Healthy Controls:", "Able to provide informed consent"),
        ("E1", "exclusion", "Patients MDD & BD:", "HIV positive status"),
        ("E2", "exclusion", "Healthy Controls:", "Weight over 275 pounds"),
    )
    assert rules == {
        "I1": 'if cohort "Patients with Major Depressive Disorder (MDD)" then (age >= 18 years and age <= 55 years)',
        "I2": 'if cohort "Healthy Controls" then attribute able_to_consent',
        # an exclusion excludes only the cohort's members
        "E1": 'cohort "Patients MDD & BD" and condition hiv_infection',
        "E2": 'cohort "Healthy Controls" and weight > 275 pounds',
    }


@pytest.mark.parametrize("heading, name", [
    ("Arm B patients:", "Arm B patients"),
    ("Part A (dose escalation):", "Part A (dose escalation)"),
    ("Cohort 2:", "Cohort 2"),
    ("Healthy volunteers:", "Healthy volunteers"),
    ("For the expansion cohort only:", "the expansion cohort"),
])
def test_a_heading_with_a_cohorts_words_is_a_cohort_even_alone(heading, name):
    rules = _rules(("I1", "inclusion", heading, "Age 18-55"), ("I2", "inclusion", "", "ECOG 0-1"))
    assert rules["I1"] == f'if cohort "{name}" then (age >= 18 years and age <= 55 years)'
    assert rules["I2"] == "ecog <= 1"


@pytest.mark.parametrize("headings", [
    ("Patients with diabetes:",),  # one group in a single-group trial: a condition the patient may have
    ("Women of childbearing potential:", "Patients with diabetes:"),  # sex is a condition, never a cohort
    ("Women of childbearing potential:", "Men:"),
    ("For patients with liver metastases:", "For patients with bone metastases:"),  # limits for some patients
])
def test_a_condition_heading_is_not_a_cohort(headings):
    rows = [(f"I{k + 1}", "inclusion", heading, "Age 18-55") for k, heading in enumerate(headings)]
    rules = _rules(*rows)
    assert not any("cohort" in rule for rule in rules.values()), rules
    assert rules["I1"].startswith('if text "')


def test_topic_and_measure_headings_limit_nothing():
    rules = _rules(("I1", "inclusion", "Hepatic:", "Bilirubin ≤ 1.5 mg/dL"),
                   ("I2", "inclusion", "Renal:", "Creatinine ≤ 1.5 mg/dL"),
                   ("I3", "inclusion", "Age", "18 and over"))
    assert rules == {"I1": "total_bilirubin <= 1.5 mg/dL", "I2": "creatinine <= 1.5 mg/dL", "I3": "age >= 18 years"}


@pytest.mark.parametrize("heading, name", [
    ("The older subjects must also meet the following eligibility criteria:", "The older subjects"),
    ("Healthy controls exclusion criteria", "Healthy controls"),
    ("For Arm A:", "Arm A"),
    ("Arm B only:", "Arm B"),
    ("Patients with Bipolar Disorder (BD):", "Patients with Bipolar Disorder (BD)"),
])
def test_a_cohorts_name_is_the_group_without_what_announces_its_list(heading, name):
    assert cohort_name(heading) == name


def test_the_same_cohort_under_an_inclusion_and_an_exclusion_heading_is_one_cohort():
    trial = _trial(("I1", "inclusion", "The older subjects must also meet the following eligibility criteria:",
                    "Age 65 years and older"),
                   ("I2", "inclusion", "The younger subjects must also meet the following eligibility criteria:",
                    "Age 18-29 years"),
                   ("E1", "exclusion", "The older subjects:", "Age < 65 years"))
    assert trial_cohorts(trial) == {"older subjects", "younger subjects"}
    assert compile_trial(trial).cohorts() == ("The older subjects", "The younger subjects")


# --- evaluating a cohort ---------------------------------------------------------------------------


def test_a_cohort_is_unknown_until_the_profile_says_which_the_patient_is_screened_for():
    result = outcome('cohort "Healthy Controls"')
    assert result.truth is Truth.UNKNOWN
    assert result.reason == "cohort"
    assert "Healthy Controls" in result.message
    assert result.missing == ("the cohorts the patient is screened for",)


@pytest.mark.parametrize("cohorts, truth", [
    (["healthy controls"], Truth.TRUE),
    (["Healthy  Controls:"], Truth.TRUE),
    (["Patients with MDD", "Healthy-Controls"], Truth.TRUE),
    (["Patients with MDD"], Truth.FALSE),
    ([], Truth.FALSE),
])
def test_a_cohort_is_matched_ignoring_case_space_and_punctuation(cohorts, truth):
    assert outcome('cohort "Healthy Controls"', cohorts=cohorts).truth is truth


def test_a_cohorts_items_do_not_apply_to_a_patient_screened_for_another():
    rule = 'if cohort "Arm B patients" then age >= 65 years'
    assert outcome(rule, age=30, cohorts=["Arm A patients"]).truth is Truth.TRUE
    assert outcome(rule, age=30, cohorts=["Arm B patients"]).truth is Truth.FALSE
    assert outcome(rule, age=30).truth is Truth.UNKNOWN
    excluded = 'cohort "Healthy Controls" and condition hiv_infection'
    hiv = [{"name": "HIV infection"}]
    assert outcome(excluded, "exclusion", conditions=hiv, cohorts=["Patients"]).truth is Truth.FALSE
    assert outcome(excluded, "exclusion", conditions=hiv, cohorts=["Healthy controls"]).truth is Truth.TRUE
    assert outcome(excluded, "exclusion", conditions=hiv).truth is Truth.UNKNOWN


def _cohort_trial() -> Trial:
    return _trial(("I1", "inclusion", "Patients:", "Age 18-55"), ("I2", "inclusion", "Controls:", "Age 18-80"))


def test_the_report_names_the_trials_cohorts_when_the_profile_does_not_say_which():
    compiled = compile_trial(_cohort_trial())
    report = screen_trial(compiled, patient_from_mapping({"id": "P", "age": 70}), AS_OF)
    assert any("'Patients'; 'Controls'" in w for w in report.warnings), report.warnings
    # at 70 the patients' limits fail, so whether the patient is one of them decides; the
    # controls' hold whichever cohort it is
    assert [r.verdict for r in report.criteria] == ["unknown", "pass"]


def test_the_report_says_when_the_profiles_cohorts_are_none_of_the_trials():
    compiled = compile_trial(_cohort_trial())
    report = screen_trial(compiled, patient_from_mapping({"id": "P", "age": 70, "cohorts": ["Arm A"]}), AS_OF)
    assert any("None of the profile's cohorts (Arm A)" in w for w in report.warnings), report.warnings
    chosen = screen_trial(compiled, patient_from_mapping({"id": "P", "age": 70, "cohorts": ["controls"]}), AS_OF)
    assert not any("cohort" in w for w in chosen.warnings)
    assert [r.verdict for r in chosen.criteria] == ["pass", "pass"]


# --- items that ask nothing ------------------------------------------------------------------------


@pytest.mark.parametrize("text, kind, rule", [
    ("Not specified", "inclusion", 'asks_nothing unspecified "Not specified"'),
    ("See Disease Characteristics", "inclusion", 'asks_nothing refers "See Disease Characteristics"'),
    ("See General Criteria", "exclusion", 'asks_nothing refers "See General Criteria"'),
    ("No restriction about the Eastern Cooperative Oncology Group (ECOG) status", "inclusion",
     'asks_nothing unspecified "No restriction about the Eastern Cooperative Oncology Group (ECOG) status"'),
    ("Prior radiation therapy and/or chemotherapy, including cyclophosphamide, are permitted.", "inclusion",
     'asks_nothing allows "Prior radiation therapy and/or chemotherapy, including cyclophosphamide, are permitted"'),
    ("Prior anti-angiogenic therapy, including thalidomide and oral cyclophosphamide, is permitted.", "inclusion",
     'asks_nothing allows "Prior anti-angiogenic therapy, including thalidomide and oral cyclophosphamide, is '
     'permitted"'),
    ("transfusion allowed", "inclusion", 'asks_nothing allows "transfusion allowed"'),
    ("Concurrent hormonal therapy allowed", "exclusion", 'asks_nothing allows "Concurrent hormonal therapy allowed"'),
    ("Those with hepatocellular carcinoma with or without treatment of hepatoma may also be included.", "inclusion",
     'asks_nothing allows "Those with hepatocellular carcinoma with or without treatment of hepatoma may also be '
     'included"'),
    # listed as an exclusion, "are eligible" cannot exclude anyone
    ("Both men and women and members of all races and ethnic groups are eligible for this trial.", "exclusion",
     'asks_nothing allows "Both men and women and members of all races and ethnic groups are eligible for this '
     'trial"'),
])
def test_an_item_that_asks_nothing_says_so(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    ("No prior chemotherapy except hydroxyurea is permitted", "inclusion"),  # an exception to a requirement
    ("Prior chemotherapy allowed if completed more than 4 weeks ago", "inclusion"),
    ("Concurrent dexamethasone allowed provided patient has been on a stable dose for at least 1 week", "inclusion"),
    ("No more than 2 prior regimens allowed", "inclusion"),
    ("Only one prior regimen allowed", "inclusion"),
    ("Prior chemotherapy is not allowed", "exclusion"),
    ("Stable doses of steroids are allowed", "inclusion"),  # unstable doses are not
    ("Low-dose aspirin is allowed", "inclusion"),
    ("Transfusion independent", "inclusion"),  # a requirement
    ("Patients with newly diagnosed AML are eligible", "inclusion"),  # may say who the trial is for
    ("Prior radiotherapy within 4 weeks is permitted", "inclusion"),
    ("Hemoglobin > 8.0 g/dL (transfusion allowed)", "inclusion"),
    ("None", "inclusion"),  # "Prior chemotherapy: None" is a requirement
    ("No restriction on prior therapy except anthracyclines", "inclusion"),
    ("No restriction on age if older than 18", "inclusion"),
    # an exception to what the criterion asks first
    ("History of malignancy (basal cell carcinoma allowed)", "exclusion"),
    ("Use of anticoagulants. Prophylactic use of anticoagulants is allowed", "exclusion"),
    ("Prior chemotherapy (except anthracyclines) is allowed", "inclusion"),
    ("See protocol", "inclusion"),  # the requirement is in a document the record does not hold
    # whether it shuts out the women who could conceive is not said: for them it waits (read in
    # tests/test_compile_repro7.py as "if (female and childbearing_potential) then text …")
    ("Female subjects of non-childbearing potential may be enrolled in the study. Non-childbearing potential is "
     "defined as pre-menarche, hysterectomy or post-menopause.", "inclusion"),
])
def test_what_limits_or_requires_is_never_an_item_that_asks_nothing(text, kind):
    assert "asks_nothing" not in to_text(compile_criterion(text, kind).rule)


@pytest.mark.parametrize("kind, truth", [("inclusion", Truth.TRUE), ("exclusion", Truth.FALSE)])
def test_an_item_that_asks_nothing_passes_every_patient(kind, truth):
    result = outcome('asks_nothing allows "Prior radiotherapy is permitted"', kind)
    assert result.truth is truth
    assert "asks nothing" in result.message
    assert "another section" in outcome('asks_nothing refers "See Disease Characteristics"', kind).message


def test_the_report_passes_an_item_that_asks_nothing_under_either_heading():
    trial = _trial(("I1", "inclusion", "", "Prior radiotherapy is permitted"),
                   ("E1", "exclusion", "", "Concurrent bisphosphonates allowed"))
    report = screen_trial(compile_trial(trial), patient_from_mapping({"id": "P"}), AS_OF)
    assert [(r.verdict, r.structured) for r in report.criteria] == [("pass", True), ("pass", True)]
    assert report.criteria[1].explanation.startswith("Not excluded: States what is allowed; asks nothing")


def test_a_measure_heading_over_not_specified_asks_nothing():
    rules = _rules(("I1", "inclusion", "Life expectancy", "Not specified"),
                   ("I2", "inclusion", "Chemotherapy", "See Disease Characteristics"))
    assert rules == {"I1": 'asks_nothing unspecified "Not specified"',
                     "I2": 'asks_nothing refers "See Disease Characteristics"'}


# --- a cohort named inside the criterion -----------------------------------------------------------


@pytest.mark.parametrize("text, kind, rule", [
    ("Able to swallow tablets (for patients in part 2 only)", "inclusion",
     'if cohort "part 2" then attribute swallows_oral_medication'),
    ("BMI at least 30 kg/m2 (Groups B and C only)", "inclusion",
     'if (cohort "Group B" or cohort "Group C") then bmi >= 30 kg/m2'),
    ("No history of or active bladder cancer (Group C only, since pioglitazone is contraindicated in individuals "
     "with bladder cancer)", "inclusion",
     'if cohort "Group C" then not (condition bladder_cancer [history] or condition bladder_cancer [active])'),
    ("Cohort 2: ECOG 0-1", "inclusion", 'if cohort "Cohort 2" then ecog <= 1'),
    ("Arm B only: Age 18 to 65", "inclusion", 'if cohort "Arm B" then (age >= 18 years and age <= 65 years)'),
    ("Part A (dose escalation): ANC ≥ 1500/µL", "inclusion",
     'if cohort "Part A (dose escalation)" then anc >= 1500 /µL'),
    ("For the ASP3082 monotherapy pancreatic cancer expansion cohort, participants must have ECOG 0 or 1",
     "inclusion", 'if cohort "ASP3082 monotherapy pancreatic cancer expansion cohort" then ecog <= 1'),
    ("For the phase I portion of the study patients should have ECOG 0-2", "inclusion",
     'if cohort "phase I portion" then ecog <= 2'),
    ("For patients in Part 2, age ≥ 18 years", "inclusion", 'if cohort "Part 2" then age >= 18 years'),
    # an exclusion excludes only the cohort's patients
    ("Cohort 2: HIV infection", "exclusion", 'cohort "Cohort 2" and condition hiv_infection'),
])
def test_a_cohort_named_in_the_criterion_limits_it_to_that_cohort(text, kind, rule):
    compiled = compile_criterion(text, kind).rule
    assert to_text(compiled) == rule
    # every span points into the criterion's own words
    spans = [n.span for n in walk(compiled) if n.span is not None]
    assert spans and all(0 <= s.start < s.end <= len(text) for s in spans)


@pytest.mark.parametrize("text, kind", [
    ("Group A streptococcal infection", "exclusion"),  # a germ's group
    ("Stage IV: measurable disease", "inclusion"),  # a stage is the patient's disease
    ("Pulmonary hypertension (Group 1 only)", "inclusion"),  # a group of the disease
])
def test_what_only_looks_like_a_cohort_is_not_one(text, kind):
    assert "cohort" not in to_text(compile_criterion(text, kind).rule)


def test_the_cohorts_named_inside_criteria_are_the_trials_cohorts_too():
    trial = _trial(("I1", "inclusion", "", "BMI at least 30 kg/m2 (Groups B and C only)"),
                   ("I2", "inclusion", "", "Able to swallow tablets (for patients in part 2 only)"))
    assert compile_trial(trial).cohorts() == ("Group B", "Group C", "part 2")


# --- limits by age under an old NCI heading --------------------------------------------------------

_CREATININE_BY_AGE = ("Creatinine based on age as follows: ≤ 0.8 mg/dL for patients age 5 and under; "
                      "≤ 1.0 mg/dL for "
                      "patients 6 to 10; ≤ 1.2 mg/dL for patients 11 to 15; ≤ 1.5 mg/dL for patients age 15 to 21")


def test_limits_by_age_are_each_a_limit_for_the_ages_they_name():
    rule = to_text(compile_criterion(_CREATININE_BY_AGE, "inclusion").rule)
    assert rule.startswith("(if age <= 5 years then creatinine <= 0.8 mg/dL) and (if (age >= 6 years and age <= 10 "
                           "years) then creatinine <= 1 mg/dL) and ")
    excluded = "Creatinine based on age as follows: > 0.8 mg/dL for patients age 5 and under; > 1.0 mg/dL for " \
               "patients 6 to 10"
    assert to_text(compile_criterion(excluded, "exclusion").rule) == (
        "(age <= 5 years and creatinine > 0.8 mg/dL) or ((age >= 6 years and age <= 10 years) and "
        "creatinine > 1 mg/dL)")


@pytest.mark.parametrize("age, creatinine, truth", [
    (8, 0.9, Truth.TRUE),
    (8, 1.1, Truth.FALSE),
    (13, 1.3, Truth.FALSE),
    # at 15 both "11 to 15" and "15 to 21" apply, and which is meant is not said: the looser will do
    (15, 1.3, Truth.TRUE),
    (15, 1.6, Truth.FALSE),
    (None, 1.1, Truth.UNKNOWN),
])
def test_limits_by_age_fail_only_the_ages_they_are_for(age, creatinine, truth):
    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), **({"age": age} if age else {}),
                                    "labs": [{"name": "creatinine", "value": creatinine, "unit": "mg/dL",
                                              "date": "2026-11-10"}]})
    rule = compile_criterion(_CREATININE_BY_AGE, "inclusion").rule
    assert evaluate(rule, Context(patient=patient, as_of=AS_OF)).truth is truth


@pytest.mark.parametrize("text, kind", [
    # an item that is not a limit for some ages: the head cannot be read
    ("Creatinine by age: ≤ 0.8 mg/dL for patients age 5 and under; ≤ 1.0 mg/dL for patients with lupus",
     "inclusion"),
    # overlapping ages in an exclusion: which limit excludes at 15 is not said
    ("Creatinine based on age as follows: > 1.2 mg/dL for patients 11 to 15; > 1.5 mg/dL for patients age 15 to 21",
     "exclusion"),
])
def test_limits_by_age_that_cannot_all_be_read_stay_words(text, kind):
    assert to_text(compile_criterion(text, kind).rule).startswith("text ")


# --- the sub-headings of old NCI records -----------------------------------------------------------


@pytest.mark.parametrize("text, rule", [
    # a topic heading sorts the item: the rest is read alone
    ("Cardiovascular: No congestive heart failure", "not condition heart_failure"),
    ("Hepatic: Bilirubin ≤ 1.5 mg/dL", "total_bilirubin <= 1.5 mg/dL"),
    ("Renal: Creatinine ≤ 1.5 mg/dL OR creatinine clearance ≥ 60 mL/min",
     "creatinine <= 1.5 mg/dL or creatinine_clearance >= 60 mL/min"),
    ("Other: Not pregnant or nursing", "not pregnant and not breastfeeding"),
    ("Chemotherapy: At least 4 weeks since prior chemotherapy",
     "not medication chemotherapy within 4 weeks before screening"),
    ("Renal: Creatinine ≤ 1.0 mg/dL for patients 6 to 10",
     "if (age >= 6 years and age <= 10 years) then creatinine <= 1 mg/dL"),
    # a heading that names the value is read with it
    ("Life expectancy: At least 8 weeks", "life_expectancy >= 8 weeks"),
    ("Age: 18 and over", "age >= 18 years"),
    # whatever the heading, "Not specified" asks nothing
    ("Life expectancy: Not specified", 'asks_nothing unspecified "Life expectancy: Not specified"'),
    ("Menopausal status: Not specified", 'asks_nothing unspecified "Menopausal status: Not specified"'),
    ("Creatinine: ≤ 1.0 mg/dL for patients 6 to 10",
     "if (age >= 6 years and age <= 10 years) then creatinine <= 1 mg/dL"),
    ("Creatinine ≤ 0.8 mg/dL for patients 5 and under", "if age <= 5 years then creatinine <= 0.8 mg/dL"),
])
def test_an_old_nci_fragment_reads_as_its_words_say(text, rule):
    compiled = compile_criterion(text, "inclusion").rule
    assert to_text(compiled) == rule
    spans = [n.span for n in walk(compiled) if n.span is not None]
    assert all(0 <= s.start <= s.end <= len(text) for s in spans)


@pytest.mark.parametrize("text", [
    # what follows a colon is not an example of the head when it is negated and the head is not
    "Heart disease: no congestive heart failure",
    "Autoimmune disease: no lupus",
    # numbers with a unit after "for patients" are not ages
    "Creatinine ≤ 1.0 mg/dL for patients 6 to 10 kg",
    # bare words under a topic say nothing readable
    "Cardiovascular: No disease",
    "Chemotherapy: At least 4 weeks since prior",
])
def test_an_old_nci_fragment_that_says_too_little_stays_words(text):
    assert to_text(compile_criterion(text, "inclusion").rule).startswith("text ")


# --- a cohort line over criteria headings of its own -----------------------------------------------


def test_a_cohort_line_over_its_own_criteria_headings_is_their_group():
    from screening.ingest import split_criteria

    text = ("Surgical cohort\n\nInclusion Criteria:\n\n  -  adults who underwent surgery on the proximal aorta\n\n"
            "Exclusion Criteria:\n\n  -  Isolated surgery on the descending thoracic aorta\n\nNon-surgical cohort\n\n"
            "Inclusion Criteria:\n\n- adults with a diagnosis of thoracic aortic disease")
    criteria = split_criteria(text)
    assert [(c.id, c.group) for c in criteria] == [("I1", "Surgical cohort"), ("E1", "Surgical cohort"),
                                                   ("I2", "Non-surgical cohort")]
    rules = compile_trial(Trial(nct_id="NCT09999990", criteria=tuple(criteria))).rules
    assert to_text(rules["E1"]).startswith('cohort "Surgical cohort" and ')


def test_a_line_that_names_no_cohort_before_a_heading_stays_a_criterion():
    from screening.ingest import split_criteria

    text = "Adults with asthma\n\nInclusion Criteria:\n\n- FEV1 ≥ 40%\n\nExclusion Criteria:\n\n- Smoking"
    assert [(c.id, c.text, c.group) for c in split_criteria(text)] == [
        ("I1", "Adults with asthma", ""), ("I2", "FEV1 ≥ 40%", ""), ("E1", "Smoking", "")]


# --- a permission listed after the criterion it relaxes --------------------------------------------


@pytest.mark.parametrize("first, then, kind, rule", [
    ("No prior chemotherapy", "Prior hydroxyurea allowed", "inclusion",
     "not medication chemotherapy [history] except (hydroxyurea [history])"),
    ("Concurrent corticosteroids", "Concurrent inhaled corticosteroids allowed", "exclusion",
     "medication corticosteroid [current] except (inhaled_corticosteroid [current])"),
    # what cannot be applied leaves the criterion it relaxes unread
    ("No prior radiotherapy", "Prior radiotherapy to the spine allowed", "inclusion", 'text "No prior radiotherapy"'),
    # other drugs allowed do not allow the one forbidden; an unrelated permission changes nothing
    ("No prior doxorubicin", "Prior chemotherapy allowed", "inclusion", "not medication doxorubicin [history]"),
    ("Creatinine < 1.5 mg/dL", "Prior chemotherapy allowed", "inclusion", "creatinine < 1.5 mg/dL"),
])
def test_a_permission_after_a_criterion_is_an_exception_to_it(first, then, kind, rule):
    rows = (("X1", kind, "Chemotherapy:", first), ("X2", kind, "Chemotherapy:", then))
    rules = _rules(*rows)
    assert rules == {"X1": rule, "X2": f'asks_nothing allows "{then}"'}


def test_a_permission_under_another_heading_is_not_an_exception():
    rules = _rules(("I1", "inclusion", "Chemotherapy:", "No prior chemotherapy"),
                   ("I2", "inclusion", "Other:", "Prior hydroxyurea allowed"))
    assert rules["I1"] == "not medication chemotherapy [history]"


def test_an_exception_from_the_next_item_keeps_its_spans_in_the_criterions_words():
    trial = _trial(("I1", "inclusion", "", "No prior chemotherapy"),
                   ("I2", "inclusion", "", "Prior hydroxyurea allowed"))
    rule = compile_trial(trial).rules["I1"]
    assert all(n.span is None or n.span.end <= len("No prior chemotherapy") for n in walk(rule))


def test_a_patient_given_only_what_the_next_item_allows_is_not_failed():
    trial = _trial(("I1", "inclusion", "", "No prior chemotherapy"),
                   ("I2", "inclusion", "", "Prior hydroxyurea allowed"))
    hydroxyurea = {"name": "hydroxyurea", "start": "2024-01-01", "end": "2024-06-01"}
    patient = patient_from_mapping({"id": "P", "complete": ["medications"], "medications": [hydroxyurea]})
    report = screen_trial(compile_trial(trial), patient, AS_OF)
    assert [r.verdict for r in report.criteria] == ["pass", "pass"]


# --- a limit for each of two cohorts ---------------------------------------------------------------


@pytest.mark.parametrize("text, kind, rule", [
    ("Participant has an ECOG performance status of 0, 1 or 2 for dose escalation, and 0 or 1 for dose expansion.",
     "inclusion", '(if cohort "dose escalation" then ecog <= 2) and (if cohort "dose expansion" then ecog <= 1)'),
    ("Creatinine ≤ 1.5 mg/dL for Arm A and ≤ 2 mg/dL for Arm B", "inclusion",
     '(if cohort "Arm A" then creatinine <= 1.5 mg/dL) and (if cohort "Arm B" then creatinine <= 2 mg/dL)'),
    ("ECOG ≥ 3 for dose escalation, and ≥ 2 for dose expansion", "exclusion",
     '(cohort "dose escalation" and ecog >= 3) or (cohort "dose expansion" and ecog >= 2)'),
])
def test_a_limit_for_each_of_two_cohorts(text, kind, rule):
    compiled = compile_criterion(text, kind).rule
    assert to_text(compiled) == rule
    assert all(n.span is None or 0 <= n.span.start <= n.span.end <= len(text) for n in walk(compiled))


def test_two_cohorts_asked_different_things_stay_words():
    text = "Prior chemotherapy for Arm A and prior radiotherapy for Arm B"
    assert to_text(compile_criterion(text, "inclusion").rule).startswith("text ")


@pytest.mark.parametrize("text, kind, rule", [
    # every word that names the people a criterion is about leads into a cohort, a sex or a condition
    ("For individuals in Cohort 2: ECOG performance status of 0 or 1", "inclusion",
     'if cohort "Cohort 2" then ecog <= 1'),
    ("For persons in Part B, ECOG performance status of 0 or 1", "inclusion", 'if cohort "Part B" then ecog <= 1'),
    ("For people with liver metastases: AST ≤ 5 × ULN", "inclusion", "if condition liver_metastases then ast <= 5 x ULN"),
    ("Male or female individuals", "inclusion", "female or male"),
])
def test_the_people_words_are_one_set(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule
