"""Audit of the day's new readings for wrong fails: each case a patient a careful coordinator
would not fail, or a reading that must stay free text."""

import pytest

from screening.compile import compile_criterion, compile_trial
from screening.evaluate import Context, evaluate
from screening.logic import Truth
from screening.patient import patient_from_mapping
from screening.printer import to_text
from screening.trial import Criterion, Trial

from made_up import AS_OF, outcome


def stage(name: str, value: str) -> dict:
    return {"labs": [{"name": name, "value": value, "date": "2026-10-01"}]}


@pytest.mark.parametrize("rule, name, value, expected", [
    # FIGO 2018 substages with a digit lie in their lettered substage
    ("figo_stage in {IIIB, IIIC, IVA}", "FIGO stage", "IIIC1", Truth.TRUE),
    ("figo_stage in {IB, II}", "FIGO stage", "IB2", Truth.TRUE),
    ("figo_stage in {IIIC1}", "FIGO stage", "IIIC", Truth.UNKNOWN),  # IIIC1 or IIIC2
    # the stage written with its word, or in arabic numerals
    ("tumor_stage in {IIIB, IV}", "tumor stage", "Stage IV", Truth.TRUE),
    ("tumor_stage in {IIIB, IV}", "tumor stage", "stage IIIB", Truth.TRUE),
    ("tumor_stage in {IIIB, IV}", "tumor stage", "3B", Truth.TRUE),
    ("tumor_stage in {IIIB, IV}", "tumor stage", "IIIA", Truth.FALSE),
    ("tumor_stage in {IIIB, IV}", "tumor stage", "Stage IIIA", Truth.FALSE),
    # a value not among the known categories is not shown to be outside what is asked
    ("tumor_stage in {IIIB, IV}", "tumor stage", "T4N2M0", Truth.UNKNOWN),
    ("tumor_stage in {IIIB, IV}", "tumor stage", "limited stage", Truth.UNKNOWN),
])
def test_a_stage_in_another_spelling_or_a_finer_substage_is_not_read_as_outside(rule, name, value, expected):
    assert outcome(rule, **stage(name, value)).truth is expected


LUNG_STAGE_IV = {"labs": [{"name": "tumor stage", "value": "IV", "date": "2026-10-01"}]}


@pytest.mark.parametrize("text, kind, others, expected", [
    # a stage IV lung cancer and an early breast cancer on adjuvant therapy: the stage is not the breast cancer's
    ("History of stage III or IV breast cancer", "exclusion", ["breast cancer"], Truth.UNKNOWN),
    ("Stage IV breast cancer", "exclusion", ["breast cancer"], Truth.UNKNOWN),
    # metastases, or a bare "cancer", are no second cancer: the stage is the lung cancer's
    ("Stage IV non-small cell lung cancer", "inclusion", ["brain metastases", "cancer"], Truth.TRUE),
    ("Stage IV non-small cell lung cancer", "inclusion", [], Truth.TRUE),
])
def test_a_stage_with_two_cancers_on_record_is_not_given_to_either(text, kind, others, expected):
    rule = compile_criterion(text, kind).rule
    conditions = [{"name": n, "onset": "2015-01-01"} for n in ["non-small cell lung cancer", *others]]
    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), "conditions": conditions, **LUNG_STAGE_IV})
    assert "tumor_stage" in to_text(rule)
    assert evaluate(rule, Context(patient=patient, as_of=AS_OF, criterion_kind=kind)).truth is expected


# a count of regimens under a heading that names one kind of treatment counts that kind: read as
# lines of any treatment, it would fail a patient with two chemotherapy lines and a hormonal one
@pytest.mark.parametrize("text", [
    "Chemotherapy: No more than 2 prior regimens",
    "Biologic therapy: At least 1 prior regimen",
    "Endocrine therapy: No more than 1 prior regimen",
])
def test_regimens_under_a_treatment_topic_stay_free_text(text):
    assert to_text(compile_criterion(text, "inclusion").rule) == f'text "{text}"'


def test_regimens_under_a_treatment_heading_stay_free_text():
    trial = Trial(nct_id="NCT09999990", criteria=(
        Criterion(id="I1", kind="inclusion", group="Chemotherapy", text="No more than 2 prior regimens"),
        Criterion(id="I2", kind="inclusion", group="Prior concurrent therapy", text="No more than 2 prior regimens"),
        Criterion(id="I3", kind="inclusion", group="Chemotherapy", text="No more than 2 prior chemotherapy regimens"),
    ))
    rules = {cid: to_text(rule) for cid, rule in compile_trial(trial).rules.items()}
    assert rules == {"I1": 'text "No more than 2 prior regimens"', "I2": "lines of therapy <= 2",
                     "I3": "lines of chemotherapy <= 2"}


# asked only of the patients it applies to, which the words do not name: read alone, each would
# require the drug of every patient (a patient on no antiepileptic drug would fail)
@pytest.mark.parametrize("text", [
    "Stable dose of antiepileptic drugs for at least 4 weeks, if applicable",
    "Stable dose of corticosteroids for at least 2 weeks (if applicable)",
    "Patients receiving corticosteroids must be on a stable dose",
])
def test_a_requirement_of_those_it_applies_to_stays_free_text(text):
    assert to_text(compile_criterion(text, "inclusion").rule) == f'text "{text}"'


def test_a_requirement_of_the_patients_on_a_drug_is_asked_of_them():
    # (the drug and how long named: asked of the patients on it now, so one on no antiepileptic
    # drug is not failed)
    rule = to_text(compile_criterion("Patients on antiepileptic drugs must be on a stable dose for at least 4 weeks",
                                     "inclusion").rule)
    assert rule == "if medication anticonvulsant [current] then medication anticonvulsant [stable] lasting >= 4 weeks"


@pytest.mark.parametrize("text, rule", [
    # "if applicable" inside a parenthesis about who signs is no condition on the requirement
    ("Participant (or legally acceptable representative if applicable) provides written informed consent for the "
     "trial", "consent"),
    ("Stable dose of corticosteroids for at least 2 weeks", "medication corticosteroid [stable] lasting >= 2 weeks"),
])
def test_a_requirement_said_of_every_patient_is_still_read(text, rule):
    assert to_text(compile_criterion(text, "inclusion").rule) == rule


def _rules(*items: tuple[str, str, str]) -> dict[str, str]:
    trial = Trial(nct_id="NCT09999990", criteria=tuple(
        Criterion(id=cid, kind=kind, text=text, group="") for cid, kind, text in items))
    return {cid: to_text(rule) for cid, rule in compile_trial(trial).rules.items()}


# a permission right after a criterion, allowing some of what it forbids within limits not read:
# read alone, the criterion would fail a patient the permission lets in
@pytest.mark.parametrize("first, then, kind", [
    ("No prior radiotherapy", "Prior radiotherapy to less than 25% of bone marrow allowed", "inclusion"),
    ("No prior chemotherapy", "Prior chemotherapy allowed if completed more than 4 weeks ago", "inclusion"),
    ("Concurrent corticosteroids", "Concurrent steroids at doses up to 10 mg/day prednisone allowed", "exclusion"),
])
def test_a_criterion_relaxed_within_limits_by_the_next_item_stays_free_text(first, then, kind):
    assert _rules(("X1", kind, first), ("X2", kind, then))["X1"] == f'text "{first}"'


@pytest.mark.parametrize("first, then, rule", [
    ("Creatinine < 1.5 mg/dL", "Prior chemotherapy allowed if completed more than 4 weeks ago",
     "creatinine < 1.5 mg/dL"),  # a permission about something else
    ("No prior chemotherapy", "Prior chemotherapy is not allowed", "not medication chemotherapy [history]"),
])
def test_an_item_that_does_not_relax_the_criterion_before_it_leaves_it_read(first, then, rule):
    assert _rules(("X1", "inclusion", first), ("X2", "inclusion", then))["X1"] == rule


# a limit said for an age group named in words ("adults", "children") binds only that group: read
# alone, an adult with creatinine 1.2 mg/dL failed "≤ 1.5 mg/dL for adults, and ≤ 1.0 mg/dL for children"
@pytest.mark.parametrize("text", [
    "Creatinine ≤ 1.5 mg/dL for adults, and ≤ 1.0 mg/dL for children",
    "Creatinine ≤ 1.5 mg/dL for adults and ≤ 1.0 mg/dL for children",
    "Creatinine ≤ 1.0 mg/dL for children",
    "Bilirubin ≤ 1.5 × ULN for adults",
])
def test_a_limit_for_an_age_group_named_in_words_stays_free_text(text):
    for kind in ("inclusion", "exclusion"):
        assert to_text(compile_criterion(text, kind).rule) == f'text "{text}"'


def test_only_the_clause_with_the_age_group_stays_free_text():
    rule = compile_criterion("ANC ≥ 1500/µL; creatinine ≤ 1.0 mg/dL for children", "inclusion").rule
    assert to_text(rule) == 'anc >= 1500 /µL and text "creatinine ≤ 1.0 mg/dL for children"'


# "the" before a dose-escalation/expansion cohort's name: its head was passed over, and the
# requirement bound every patient (a dose-escalation patient without measurable disease failed)
@pytest.mark.parametrize("text, rule", [
    ("For the dose-expansion cohort only: measurable disease",
     'if cohort "dose-expansion cohort" then measurable_disease in {yes}'),
    ("For the dose-escalation part, ECOG 0-2", 'if cohort "dose-escalation part" then ecog <= 2'),
])
def test_the_dose_expansion_cohort_named_with_the_is_a_cohort(text, rule):
    assert to_text(compile_criterion(text, "inclusion").rule) == rule
