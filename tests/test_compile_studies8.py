"""Round 8: the sponsors' templates on vaccines, surgery, MRI and other studies. A plan "for such a
vaccine" is the vaccine named before; a sentence of examples of a named vaccine, or one saying
that killed vaccines are allowed, asks nothing more; what a major operation was for, and what
more is said of an operation planned, stay words; a patient "undergoing" an operation may be
waiting for it."""

from __future__ import annotations

import pytest

from screening.compile import compile_criterion
from screening.logic import Truth
from screening.printer import to_text

from made_up import outcome

MERCK_LIVE_VACCINE = (
    "Has received a live vaccine within 30 days prior to the first dose of study drug. Examples of live vaccines "
    "include, but are not limited to, the following: measles, mumps, rubella, varicella/zoster (chicken pox), yellow "
    "fever, rabies, Bacillus Calmette–Guérin (BCG), and typhoid vaccine. Seasonal influenza vaccines for injection are "
    "generally killed virus vaccines and are allowed; however, intranasal influenza vaccines (eg, FluMist®) are live "
    "attenuated vaccines and are not allowed.")

MERCK_RECOVERED = ("If participant received major surgery, they must have recovered adequately from the toxicity "
                   "and/or complications from the intervention prior to starting study treatment")

READ = [
    # "such a vaccine" is the one named before, and the study drug's course and the months after
    # its last dose are the study
    ("Treatment with a live, attenuated vaccine within 4 weeks prior to initiation of study treatment, or "
     "anticipation of need for such a vaccine during atezolizumab treatment or within 5 months after the final dose "
     "of atezolizumab", "exclusion",
     "vaccination live_vaccine within 4 weeks before first_dose or vaccination live_vaccine [planned]"),
    ("Treatment with a live, attenuated vaccine within 4 weeks prior to initiation of study treatment, or "
     "anticipation of need for such a vaccine during the study", "exclusion",
     "vaccination live_vaccine within 4 weeks before first_dose or vaccination live_vaccine [planned]"),
    # the examples, and what is said of influenza vaccines, say no more than the first sentence
    (MERCK_LIVE_VACCINE, "exclusion", "vaccination live_vaccine within 30 days before first_dose"),
    ("Has received a live or live-attenuated vaccine within 30 days prior to the first dose of study intervention. "
     "Administration of killed vaccines is allowed.", "exclusion",
     "vaccination live_vaccine within 30 days before first_dose"),
    ("Live vaccines within 28 days before randomization. Inactivated vaccines are permitted.", "exclusion",
     "vaccination live_vaccine within 28 days before randomization"),
    # "plans to receive one": one of what was named before; either kind of vaccine is any
    ("Received any live attenuated vaccine within 3 months prior to screening or plans to receive one during the "
     "study", "exclusion", "vaccination live_vaccine within 3 months before screening or vaccination live_vaccine "
     "[planned]"),
    ("Receipt of any vaccine (licensed or investigational) within 30 days prior to enrollment, other than seasonal "
     "influenza vaccine", "exclusion", "vaccination vaccine except (influenza_vaccine) within 30 days before "
     "enrollment"),
    ("Receipt of any licensed or investigational vaccine within 30 days", "exclusion",
     "vaccination vaccine within 30 days before screening"),
    # an operation a patient is "undergoing" may be scheduled; what more is said of a planned
    # operation is kept in words beside it
    ("Patients undergoing total knee arthroplasty", "inclusion",
     "procedure knee_replacement [current] or procedure knee_replacement [planned]"),
    ("Patients undergoing elective colorectal surgery", "inclusion", "procedure colorectal_surgery [planned]"),
    # not a course, nor what is "currently" undergone
    ("Patients currently undergoing radiotherapy", "exclusion", "procedure radiotherapy [current]"),
    ("Patients undergoing radiotherapy", "exclusion", "procedure radiotherapy [current]"),
    ("Currently undergoing surgery", "exclusion", "procedure surgery [current]"),
    ("Adults scheduled for elective primary total hip arthroplasty", "inclusion",
     "procedure hip_replacement [planned] and text \"primary\""),
    ("Scheduled to undergo cardiac surgery with cardiopulmonary bypass", "inclusion",
     "procedure cardiac_surgery [planned] and text \"with cardiopulmonary bypass\""),
    ("Undergoing elective cesarean delivery under spinal anesthesia", "inclusion",
     "procedure cesarean_section [planned] and text \"under spinal anesthesia\""),
    ("Patients undergoing laparoscopic cholecystectomy under general anesthesia", "inclusion",
     "(procedure cholecystectomy [current] or procedure cholecystectomy [planned]) and text \"under general "
     "anesthesia\""),
    # another cohort of this study is this study
    ("Participation in a previous cohort of this study", "exclusion", "attribute previously_in_this_study"),
    # taking part now
    ("Active participation in another clinical trial", "exclusion", "procedure clinical_trial_participation [current]"),
    # an operation under anaesthesia, in a time, is both
    ("Surgery under general anaesthesia within 3 months", "exclusion",
     "procedure surgery within 3 months before screening and procedure general_anesthesia within 3 months before "
     "screening"),
    # a major operation's purpose is kept in words; the plan is read
    ("Major surgical procedure, other than for diagnosis, within 4 weeks prior to initiation of study treatment, or "
     "anticipation of need for a major surgical procedure during the study", "exclusion",
     "(procedure major_surgery within 4 weeks before first_dose and text \"other than for diagnosis\") or procedure "
     "major_surgery [planned]"),
    ("Major surgery within 28 days prior to randomization or anticipation of the need for major surgery during the "
     "study", "exclusion",
     "procedure major_surgery within 28 days before randomization or procedure major_surgery [planned]"),
    # a severe injury is a significant one; the first day of treatment is the first dose
    ("Major surgical procedure, open biopsy, or significant traumatic injury within 28 days prior to Day 1 of study "
     "treatment", "exclusion",
     "procedure major_surgery within 28 days before first_dose or procedure excisional_biopsy within 28 days before "
     "first_dose or condition traumatic_injury [severe] within 28 days before first_dose"),
    ("Major surgery or significant traumatic injury within 4 weeks", "exclusion",
     "procedure major_surgery within 4 weeks before screening or condition traumatic_injury [severe] within 4 weeks "
     "before screening"),
    # examples of what is excepted are excepted, not more of what excludes
    ("Surgery within 6 weeks prior to study entry, excluding minor procedures (e.g., dental work, skin biopsy)",
     "exclusion",
     "procedure surgery except (minor_surgery, dental_procedure, skin_biopsy) within 6 weeks before screening"),
    ("Surgery within 4 weeks except minor procedures such as skin biopsy", "exclusion",
     "procedure surgery except (minor_surgery, skin_biopsy) within 4 weeks before screening"),
    # recovering from surgery, in the templates' words
    ("Has not recovered adequately from toxicity and/or complications from major surgery prior to starting study "
     "treatment", "exclusion", "not attribute recovered_from_major_surgery"),
    ("Has not recovered adequately from major surgery", "exclusion", "not attribute recovered_from_major_surgery"),
    # "the intervention" is the operation named before; "they must" is a requirement, which under
    # the exclusions excludes whoever fails it
    (MERCK_RECOVERED, "inclusion", "if procedure major_surgery then attribute recovered_from_major_surgery"),
    (MERCK_RECOVERED, "exclusion", "not (if procedure major_surgery then attribute recovered_from_major_surgery)"),
    ("If the patient has diabetes, they must have HbA1c < 8%", "exclusion",
     "not (if condition diabetes_mellitus then hba1c < 8 %)"),
    # not being able to undergo MRI; the examples are of the head
    ("Inability to undergo MRI (e.g., pacemaker, claustrophobia)", "exclusion", "not attribute undergoes_mri"),
    # an extension study's parent (core, lead-in, induction) study, completed
    ("Completed the parent study", "inclusion", "attribute completed_parent_study"),
    ("Participant has completed the parent study", "inclusion", "attribute completed_parent_study"),
    ("Successful completion of the induction study", "inclusion", "attribute completed_parent_study"),
    ("Has completed the lead-in study", "inclusion", "attribute completed_parent_study"),
    # a study that is not observational is a trial; its follow-up period is an exception in words
    ("Concurrent enrolment in another clinical study, unless it is an observational (non-interventional) clinical "
     "study or during the follow-up period of an interventional study", "exclusion",
     "procedure clinical_trial_participation [current] and not text \"during the follow-up period of an "
     "interventional study\""),
    ("Concurrent enrollment in another clinical study, unless it is an observational (non-interventional) clinical "
     "study", "exclusion", "procedure clinical_trial_participation [current]"),
]


@pytest.mark.parametrize("text,kind,expected", READ)
def test_read(text: str, kind: str, expected: str) -> None:
    assert to_text(compile_criterion(text, kind).rule) == expected


STAYS_FREE_TEXT = [
    # killed vaccines allowed after "any vaccine" are an exception of it, not idle words
    ("Any vaccine within 14 days. Live vaccines within 30 days. Killed vaccines are allowed after review.",
     "exclusion"),
    # a live vaccine forbidden for a time of its own says more than the sentence before
    ("Live vaccine within 30 days before the first dose. Live vaccines are not allowed within 90 days after the last "
     "dose.", "exclusion"),
    # "other than diagnosis or biopsy": what else is excepted is not read
    ("Major surgery other than diagnosis or biopsy within 28 days", "exclusion"),
    # a contraindication to MRI is the investigator's call (tests/test_compile_corpus_gaps3.py)
    ("Contraindication to magnetic resonance imaging (e.g., pacemaker, metallic implants, claustrophobia)",
     "exclusion"),
    ("Contraindications to MRI scanning", "exclusion"),
    # completing one period of the parent study is not completing it
    ("Successfully completed the double-blind treatment period of the parent study", "inclusion"),
    # examples of an exception that are not names
    ("Major surgery within 4 weeks, excluding minor procedures (e.g., port placement)", "exclusion"),
    # a plan for an operation under anaesthesia, with a time of its own
    ("Planned surgery under general anesthesia during the study", "exclusion"),
    # "one" after two things named
    ("Live vaccine or BCG within 3 months, or plans to receive one during the study", "exclusion"),
    # a significant injury alone stays the investigator's call
    ("Significant traumatic injury within 4 weeks", "exclusion"),
    # "such a procedure" with two named before: which one is not told
    ("Cardiac surgery or PCI within 3 months, or planned need for such a procedure during the study", "exclusion"),
]


@pytest.mark.parametrize("text,kind", STAYS_FREE_TEXT)
def test_stays_free_text(text: str, kind: str) -> None:
    rule = to_text(compile_criterion(text, kind).rule)
    assert 'text "' in rule or "judgement" in rule


def test_such_a_vaccine_is_not_any_vaccine() -> None:
    # (plans for vaccines are not in the profile: that part waits for a coordinator)
    rule = to_text(compile_criterion(READ[1][0], "exclusion").rule)
    recent_flu_shot = [{"name": "inactivated influenza vaccine", "date": "2026-11-10"}]
    recent_live = [{"name": "yellow fever vaccine", "date": "2026-11-10"}]
    assert outcome(rule, "exclusion", vaccinations=recent_flu_shot, complete=["vaccinations"]).truth == Truth.UNKNOWN
    assert outcome(rule, "exclusion", vaccinations=recent_live, complete=["vaccinations"]).truth == Truth.TRUE


def test_a_killed_vaccine_does_not_exclude_under_the_template() -> None:
    rule = to_text(compile_criterion(MERCK_LIVE_VACCINE, "exclusion").rule)
    recent_flu_shot = [{"name": "inactivated influenza vaccine", "date": "2026-11-10"}]
    recent_mmr = [{"name": "MMR vaccine", "date": "2026-11-10"}]
    assert outcome(rule, "exclusion", vaccinations=recent_flu_shot, complete=["vaccinations"]).truth == Truth.FALSE
    assert outcome(rule, "exclusion", vaccinations=recent_mmr, complete=["vaccinations"]).truth == Truth.TRUE


def test_surgery_for_diagnosis_waits_for_a_coordinator() -> None:
    rule = to_text(compile_criterion("Major surgical procedure, other than for diagnosis, within 4 weeks prior to "
                                     "initiation of study treatment", "exclusion").rule)
    assert rule == "procedure major_surgery within 4 weeks before first_dose and text \"other than for diagnosis\""
    operated = [{"name": "major surgery", "date": "2026-11-10"}]
    assert outcome(rule, "exclusion", procedures=operated, complete=["procedures"]).truth == Truth.UNKNOWN
    assert outcome(rule, "exclusion", procedures=[], complete=["procedures"]).truth == Truth.FALSE


def test_completing_the_parent_study_is_being_in_it() -> None:
    assert outcome("attribute in_parent_study", attributes={"completed_parent_study": True}).truth == Truth.TRUE
    assert outcome("attribute completed_parent_study", attributes={"in_parent_study": True}).truth == Truth.UNKNOWN


def test_a_trial_in_its_follow_up_waits_for_a_coordinator() -> None:
    rule = to_text(compile_criterion(READ[-2][0], "exclusion").rule)
    in_a_trial = [{"name": "clinical trial participation", "start": "2026-06-01"}]
    assert outcome(rule, "exclusion", procedures=in_a_trial, complete=["procedures"]).truth == Truth.UNKNOWN
    assert outcome(rule, "exclusion", procedures=[], complete=["procedures"]).truth == Truth.FALSE


@pytest.mark.parametrize("severity,expected", [("moderate", Truth.FALSE), ("severe", Truth.TRUE), (None, Truth.UNKNOWN)])
def test_only_a_severe_injury_surely_excludes(severity, expected) -> None:
    rule = "procedure major_surgery within 4 weeks before screening or condition traumatic_injury [severe] within 4 " \
           "weeks before screening"
    injury = {"name": "head injury", "onset": "2026-11-10", "end": "2026-11-15"}
    if severity:
        injury["severity"] = severity
    got = outcome(rule, "exclusion", conditions=[injury], procedures=[], complete=["procedures", "conditions"])
    assert got.truth == expected


def test_an_example_of_a_minor_procedure_does_not_exclude() -> None:
    rule = to_text(compile_criterion("Surgery within 6 weeks prior to study entry, excluding minor procedures (e.g., "
                                     "dental work, skin biopsy)", "exclusion").rule)
    dental = [{"name": "dental procedure", "date": "2026-11-10"}]
    colectomy = [{"name": "colectomy", "date": "2026-11-10"}]
    assert outcome(rule, "exclusion", procedures=dental, complete=["procedures"]).truth == Truth.FALSE
    assert outcome(rule, "exclusion", procedures=colectomy, complete=["procedures"]).truth == Truth.TRUE


def test_a_patient_waiting_for_the_operation_is_not_failed() -> None:
    rule = to_text(compile_criterion("Patients undergoing total knee arthroplasty", "inclusion").rule)
    scheduled = [{"name": "total knee arthroplasty", "date": "2026-11-25", "planned": True}]
    assert outcome(rule, "inclusion", procedures=scheduled, complete=["procedures"]).truth == Truth.TRUE
    assert outcome(rule, "inclusion", procedures=[], complete=["procedures"]).truth == Truth.UNKNOWN


@pytest.mark.parametrize("procedures,attributes,expected", [
    ([{"name": "major surgery", "date": "2026-10-01"}], {"recovered_from_major_surgery": False}, Truth.TRUE),
    ([{"name": "major surgery", "date": "2026-10-01"}], {"recovered_from_major_surgery": True}, Truth.FALSE),
    ([], {}, Truth.FALSE),
])
def test_an_exclusion_that_must_be_met_excludes_who_fails_it(procedures, attributes, expected) -> None:
    rule = to_text(compile_criterion("If the patient had major surgery, they must have recovered adequately from the "
                                     "procedure prior to starting study treatment", "exclusion").rule)
    assert rule == "not (if procedure major_surgery [history] then attribute recovered_from_major_surgery)"
    got = outcome(rule, "exclusion", procedures=procedures, attributes=attributes, complete=["procedures"])
    assert got.truth == expected
