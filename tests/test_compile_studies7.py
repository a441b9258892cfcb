"""Round 7: taking part in other studies, investigational products and the frames of procedures
(where on the body, what is excepted). Another study of a narrower kind than any trial (a drug
study, a device study, a therapeutic trial) is read as that kind, never as any trial; a site is
kept in words beside the procedure it is written after."""

from __future__ import annotations

import pytest

from screening.compile import compile_criterion
from screening.logic import Truth
from screening.printer import to_text

from made_up import outcome

READ = [
    # a study of one kind of intervention is that kind of trial, narrower than any trial
    ("Patients who are participating in other drug studies or who receive other investigational drugs within 30 "
     "days prior to the present study", "exclusion",
     "procedure drug_trial_participation within 30 days before screening or medication investigational_agent "
     "within 30 days before screening"),
    ("Participation in another clinical study with an investigational product during the last 30 days",
     "exclusion", "procedure drug_trial_participation within 30 days before screening"),
    ("Participation in another therapeutic clinical trial 3 months before baseline", "exclusion",
     "procedure therapeutic_trial_participation within 3 months before baseline"),
    ("Participation in a clinical trial involving the use of a device in the last 30 days", "exclusion",
     "procedure device_trial_participation within 30 days before screening"),
    ("Participation in an investigational device study within 3 months", "exclusion",
     "procedure device_trial_participation within 3 months before screening"),
    # a trial of a drug is a drug trial; which drug it tested is kept in words beside it
    ("Participation in a clinical investigation of a psychotropic drug within 90 days prior to Screening OR used "
     "any other investigational drug within 60 days prior to Screening", "exclusion",
     "(procedure drug_trial_participation within 90 days before screening and text \"of a psychotropic drug\") "
     "or medication investigational_agent within 60 days before screening"),
    ("Previous investigational study of escitalopram", "exclusion",
     "procedure drug_trial_participation [history] and text \"of escitalopram\""),
    ("Participation in a clinical trial of an investigational drug within 30 days", "exclusion",
     "procedure drug_trial_participation within 30 days before screening"),
    ("Participation in a clinical trial of a drug within 30 days", "exclusion",
     "procedure drug_trial_participation within 30 days before screening"),
    # which drugs, or that a trial of a narrower kind tested a drug, kept in words
    ("Participation in a clinical trial of an approved drug within 30 days", "exclusion",
     "procedure drug_trial_participation within 30 days before screening and text \"of an approved drug\""),
    ("Participation in another therapeutic trial with a drug within 30 days", "exclusion",
     "procedure therapeutic_trial_participation within 30 days before screening and text \"with a drug\""),
    # a window counted back from the study drug, in the words of a translated record
    ("Have taken research drugs within 12 weeks before taking our research drugs, or participated in clinical "
     "trials of drugs;", "exclusion",
     "medication investigational_agent within 12 weeks before first_dose or procedure drug_trial_participation"),
    # an extension study's parent study, and the promise to stay out of other trials, are facts a
    # coordinator records
    ("Enrollment in the parent study", "inclusion", "attribute in_parent_study"),
    ("Participant agrees not to participate in another interventional study while receiving study intervention "
     "(Participants who are currently in the follow-up period of an interventional clinical trial are allowed).",
     "inclusion", "attribute no_other_trial_during_study"),
    ("Agrees not to participate in another clinical trial during the study", "inclusion",
     "attribute no_other_trial_during_study"),
    # any trial, and any research, stay what they were
    ("Participation in another clinical trial within 30 days", "exclusion",
     "procedure clinical_trial_participation within 30 days before screening"),
    ("Participation in an interventional study within 30 days", "exclusion",
     "procedure clinical_trial_participation within 30 days before screening"),
    # another trial's drug, and a window that reaches into the study
    ("Investigational drug therapy outside of this trial during or within 30 days prior to start of the study "
     "drug", "exclusion",
     "medication investigational_agent within 30 days before first_dose or medication investigational_agent "
     "[planned]"),
    # a site written after each item stays with its item
    ("Glaucoma in the study eye or diabetes", "exclusion",
     "(condition glaucoma and text \"in the study eye\") or condition diabetes_mellitus"),
    ("Has had surgery on the symptomatic knee within the previous 12 months or arthroscopy in the index knee in "
     "the past 3 months", "exclusion",
     "(procedure surgery [history] within 12 months before screening and text \"on the symptomatic knee\") or "
     "(procedure arthroscopy [history] within 3 months before screening and text \"in the index knee\")"),
    ("Prior surgery on the affected hip", "exclusion", "procedure surgery [history] and text \"on the affected hip\""),
    # the device placed is the procedure excepted
    ("Core biopsy or other minor surgical procedure, excluding placement of a vascular access device, within 7 days "
     "prior to initiation of study treatment.", "exclusion",
     "procedure core_needle_biopsy except (central_venous_catheter) within 7 days before first_dose or procedure "
     "minor_surgery except (central_venous_catheter) within 7 days before first_dose"),
]


@pytest.mark.parametrize("text,kind,expected", READ)
def test_read(text: str, kind: str, expected: str) -> None:
    assert to_text(compile_criterion(text, kind).rule) == expected


STAYS_FREE_TEXT = [
    # a site after the last item only: whether it is said of the items before is not told
    ("Surgery or arthroscopy in the index knee within 3 months", "exclusion"),
    ("Glaucoma or ocular hypertension in the study eye", "exclusion"),
    # nor whether a window after a later item reaches back past an earlier item's site
    ("Glaucoma in the study eye or cataract surgery within 3 months", "exclusion"),
    # placing a device, dated when it was done, is not the device that stays in
    ("Placement of a vascular access device should be at least 2 days prior to initiation of study treatment.",
     "exclusion"),
    ("Placement of a central line within 7 days", "exclusion"),
    # a research study of a drug may be observational: neither any research nor a trial
    ("Participation in a research study of a drug within 30 days", "exclusion"),
    ("Participation in a clinical study involving a new drug within 30 days", "exclusion"),
    # staying out of any research is more than staying out of trials
    ("Agrees not to participate in another research study during the study", "inclusion"),
]


@pytest.mark.parametrize("text,kind", STAYS_FREE_TEXT)
def test_stays_free_text(text: str, kind: str) -> None:
    assert 'text "' in to_text(compile_criterion(text, kind).rule)


DRUG_STUDY = "procedure drug_trial_participation within 30 days before screening"


@pytest.mark.parametrize("procedures,expected", [
    # a trial of some other kind, or one whose kind is not recorded, does not exclude for certain
    ([{"name": "device trial participation", "date": "2026-11-01"}], Truth.FALSE),
    ([{"name": "clinical trial participation", "date": "2026-11-01"}], Truth.UNKNOWN),
    ([{"name": "drug trial participation", "date": "2026-11-01"}], Truth.TRUE),
    ([{"name": "drug trial participation", "date": "2026-01-01"}], Truth.FALSE),
    ([], Truth.FALSE),
])
def test_a_drug_study_is_not_any_trial(procedures, expected) -> None:
    assert outcome(DRUG_STUDY, "exclusion", procedures=procedures, complete=["procedures"]).truth == expected


def test_a_trial_of_one_drug_waits_for_a_coordinator() -> None:
    rule = to_text(compile_criterion("Participation in a clinical trial of an antidepressant within 6 months",
                                     "exclusion").rule)
    assert rule == "procedure drug_trial_participation within 6 months before screening and text " \
                   "\"of an antidepressant\""
    in_one = [{"name": "drug trial participation", "date": "2026-10-01"}]
    assert outcome(rule, "exclusion", procedures=in_one, complete=["procedures"]).truth == Truth.UNKNOWN
    assert outcome(rule, "exclusion", procedures=[], complete=["procedures"]).truth == Truth.FALSE


def test_a_drug_study_is_a_trial() -> None:
    rule = "procedure clinical_trial_participation within 30 days before screening"
    drug_study = [{"name": "investigational drug study", "date": "2026-11-01"}]
    assert outcome(rule, "exclusion", procedures=drug_study, complete=["procedures"]).truth == Truth.TRUE
