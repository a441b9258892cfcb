"""Adverse-event grades (NCI CTCAE, 1–5) on conditions: what is read, what stays words, and how a
recorded grade decides."""

import re

import pytest

from screening import screen
from screening.compile import compile_criterion, compile_trial, parse_rule
from screening.errors import InputError
from screening.logic import Truth
from screening.nodes import Grade, HasAttribute, HasCondition, is_structured, walk
from screening.patient import patient_from_mapping, patient_json_schema
from screening.printer import to_text
from screening.rules import RuleSyntaxError
from screening.trial import Criterion, Trial

from made_up import AS_OF, outcome


@pytest.mark.parametrize("text, kind, rule", [
    # a bound before or after the condition, in symbols or words
    ("Grade ≥ 2 peripheral neuropathy", "exclusion", "condition peripheral_neuropathy grade >= 2"),
    ("Peripheral neuropathy > grade 1", "exclusion", "condition peripheral_neuropathy grade >= 2"),
    ("Peripheral neuropathy of grade 2 or higher", "exclusion", "condition peripheral_neuropathy grade >= 2"),
    ("Grade 2 or higher peripheral sensory neuropathy", "exclusion",
     "condition peripheral_sensory_neuropathy grade >= 2"),
    ("Grade 2+ peripheral neuropathy", "exclusion", "condition peripheral_neuropathy grade >= 2"),
    ("Diarrhea ≥ grade 2", "exclusion", "condition diarrhea grade >= 2"),
    ("≥ grade 3 diarrhea within 4 weeks", "exclusion", "condition diarrhea grade >= 3 within 4 weeks before screening"),
    ("Grade 3-4 diarrhea in the past 3 months", "exclusion",
     "condition diarrhea grade 3 to 4 within 3 months before screening"),
    ("Grade 3/4 anemia", "exclusion", "condition anemia grade 3 to 4"),
    ("Grade 3 fatigue", "exclusion", "condition fatigue grade = 3"),
    ("Grade 1 or 2 peripheral neuropathy", "exclusion", "condition peripheral_neuropathy grade <= 2"),
    # the scale named, with its version, before or after
    ("Peripheral neuropathy ≥ grade 2 per NCI CTCAE v5.0", "exclusion", "condition peripheral_neuropathy grade >= 2"),
    ("Grade ≥ 2 peripheral neuropathy (NCI CTCAE v5.0)", "exclusion", "condition peripheral_neuropathy grade >= 2"),
    ("NCI CTCAE v5.0 grade ≥ 2 peripheral neuropathy", "exclusion", "condition peripheral_neuropathy grade >= 2"),
    ("Existing peripheral neuropathy of CTCAE grade ≥ 2", "exclusion",
     "condition peripheral_neuropathy [current] grade >= 2"),
    ("Peripheral neuropathy ≥ grade 2 at baseline", "exclusion",
     "condition peripheral_neuropathy [current] grade >= 2"),
    # with the time and the qualifiers the condition has anyway
    ("History of Grade ≥ 4 venous thromboembolism", "exclusion",
     "condition venous_thromboembolism [history] grade >= 4"),
    ("Prior grade 3 or 4 immune-related adverse event", "exclusion",
     "condition immune_related_adverse_event [history] grade 3 to 4"),
    ("History of grade ≥ 2 pneumonitis", "exclusion", "condition pneumonitis [history] grade >= 2"),
    ("Current pneumonitis grade ≥ 2", "exclusion", "condition pneumonitis [current] grade >= 2"),
    ("Grade ≥ 2 pneumonitis within the last 6 months", "exclusion",
     "condition pneumonitis grade >= 2 within 6 months before screening"),
    ("Ongoing grade 2 or higher diarrhea", "exclusion", "condition diarrhea [active] grade >= 2"),
    ("Active grade ≥ 2 rash", "exclusion", "condition rash [active] grade >= 2"),
    ("Prior grade ≥ 3 hypersensitivity reaction to study drug", "exclusion",
     "condition study_drug_hypersensitivity [history] grade >= 3"),
    ("Grade ≥ 2 hemoptysis within 4 weeks prior to randomization", "exclusion",
     "condition hemoptysis grade >= 2 within 4 weeks before randomization"),
    ("History of grade 4 febrile neutropenia", "exclusion", "condition febrile_neutropenia [history] grade = 4"),
    ("Interstitial lung disease grade ≥ 2", "exclusion", "condition interstitial_lung_disease grade >= 2"),
    ("Grade ≥ 3 infusion-related reaction", "exclusion", "condition infusion_related_reaction grade >= 3"),
    ("CIPN grade ≥ 2", "exclusion", "condition chemotherapy_induced_neuropathy grade >= 2"),
    ("Grade ≥ 2 hand-foot syndrome", "exclusion", "condition hand_foot_syndrome grade >= 2"),
    ("History of grade ≥ 3 immune-related colitis", "exclusion",
     "condition immune_related_colitis [history] grade >= 3"),
    ("Prior grade ≥ 3 immune-mediated adverse reaction", "exclusion",
     "condition immune_related_adverse_event [history] grade >= 3"),
    ("Grade ≥ 3 thromboembolic event within 6 months", "exclusion",
     "condition thromboembolism grade >= 3 within 6 months before screening"),
    # each item with a grade of its own
    ("Grade ≥ 2 peripheral neuropathy or grade ≥ 3 diarrhea", "exclusion",
     "condition peripheral_neuropathy grade >= 2 or condition diarrhea grade >= 3"),
    # a grade written once before the first condition of a list, or after the last, is each one's
    ("Grade ≥ 3 neutropenia or thrombocytopenia", "exclusion",
     "condition neutropenia grade >= 3 or condition thrombocytopenia grade >= 3"),
    ("Interstitial lung disease or pneumonitis grade ≥ 2", "exclusion",
     "condition interstitial_lung_disease grade >= 2 or condition pneumonitis grade >= 2"),
    ("History of Grade ≥ 2 colitis or pneumonitis", "exclusion",
     "condition colitis [history] grade >= 2 or condition pneumonitis [history] grade >= 2"),
    ("Grade ≥ 2 nausea, vomiting or diarrhea", "exclusion",
     "condition nausea grade >= 2 or condition vomiting grade >= 2 or condition diarrhea grade >= 2"),
    ("Peripheral neuropathy and diarrhea ≤ grade 1", "inclusion",
     "not condition peripheral_neuropathy grade >= 2 and not condition diarrhea grade >= 2"),
    # the grade says what "severe" means
    ("Severe (grade ≥ 3) diarrhea", "exclusion", "condition diarrhea grade >= 3"),
    ("History of severe (≥ grade 3) pneumonitis", "exclusion", "condition pneumonitis [history] grade >= 3"),
    # "of any grade": whatever its grade
    ("Myocarditis of any grade", "exclusion", "condition myocarditis"),
    ("Any grade pneumonitis", "exclusion", "condition pneumonitis"),
    ("Any grade 4 immune-related adverse event", "exclusion", "condition immune_related_adverse_event grade = 4"),
    # where the criterion names CTCAE, a condition with a grading of its own is graded on it
    ("Hypertension ≥ grade 3 per CTCAE v5.0", "exclusion", "condition hypertension grade >= 3"),
    ("Uncontrolled hypertension (CTCAE grade ≥ 3)", "exclusion", "condition hypertension [uncontrolled] grade >= 3"),
    # "at most" as a requirement: none of a higher grade (no neuropathy at all passes)
    ("Peripheral neuropathy ≤ grade 1", "inclusion", "not condition peripheral_neuropathy grade >= 2"),
    ("Peripheral neuropathy grade 0-1", "inclusion", "not condition peripheral_neuropathy grade >= 2"),
    ("Neuropathy grade 1 or less", "inclusion", "not condition peripheral_neuropathy grade >= 2"),
    ("Grade 1 or lower alopecia", "inclusion", "not condition alopecia grade >= 2"),
    ("No grade ≥ 2 diarrhea", "inclusion", "not condition diarrhea grade >= 2"),
])
def test_grades_read(text, kind, rule):
    compiled = compile_criterion(text, kind)
    assert to_text(compiled.rule) == rule
    assert parse_rule(rule) == compiled.rule


@pytest.mark.parametrize("text, kind", [
    # a tumour's grade, WHO's, Gleason's, the histologist's: not an adverse event's
    ("Grade 3 glioma", "exclusion"),
    ("WHO grade 2 astrocytoma", "exclusion"),
    ("WHO grade II or higher glioma", "exclusion"),
    ("Gleason grade 4 prostate cancer", "exclusion"),
    ("Low-grade lymphoma", "exclusion"),
    ("Grade 3b follicular lymphoma", "exclusion"),
    ("Grade 1-3a follicular lymphoma", "exclusion"),
    ("Histologic grade 3 breast cancer", "exclusion"),
    ("K L severity grade 1 or 2", "inclusion"),
    # grades that are not one range
    ("Grade 1 or 3 rash", "exclusion"),
    ("Grade 1-2-3 rash", "exclusion"),
    # conditions with a grading of their own, the scale not named
    ("Grade 3 hypertension", "exclusion"),
    ("Grade ≥ 2 oral mucositis", "exclusion"),
    ("Grade ≥ 2 edema", "exclusion"),
    ("Grade ≥ 2 bleeding", "exclusion"),          # WHO's bleeding scale, in haematology
    ("Grade ≥ 2 radiation pneumonitis", "exclusion"),   # RTOG's
    ("RTOG grade ≥ 2 pneumonitis", "exclusion"),
    ("Grade ≥ 3 dysphagia", "exclusion"),               # Mellow-Pinkas', in oesophageal cancer
    ("Grade ≥ 2 diabetic peripheral neuropathy", "exclusion"),  # a kind of neuropathy not marked CTCAE
    ("History of grade ≥ 3 anaphylaxis", "exclusion"),  # Brown's, Sampson's, in allergy
    ("Grade ≥ 2 cytokine release syndrome", "exclusion"),
    ("Grade ≥ 2 hepatic encephalopathy", "exclusion"),
    ("Grade 3 or 4 intraventricular hemorrhage", "exclusion"),
    ("Vesicoureteral reflux grade 3 or higher", "exclusion"),
    ("Acute GVHD grade II-IV", "exclusion"),
    ("Grade III hemorrhoids", "exclusion"),
    # a grade written beside a middle or first item, or before an item described on its own:
    # whether it reaches the others is not said
    ("Peripheral neuropathy grade ≥ 2 or diarrhea", "exclusion"),
    ("Diarrhea or peripheral neuropathy grade ≥ 2 or rash", "exclusion"),
    ("Grade ≥ 2 neuropathy or active pneumonitis", "exclusion"),
    ("Grade 3 glioma or neuropathy", "exclusion"),
    ("Grade ≥ 2 peripheral neuropathy and uncontrolled diabetes", "exclusion"),
    # a grade where there is no condition node to carry it is not dropped
    ("Peripheral neuropathy, except grade 1 alopecia", "exclusion"),
    ("Pneumonitis (except grade 1 radiation pneumonitis)", "exclusion"),
    ("Grade ≥ 2 within 4 weeks: diarrhea, colitis", "exclusion"),
    ("≥ 4 weeks since grade ≥ 2 pneumonitis", "exclusion"),
    ("Grade ≥ 2 toxicity (diarrhea, colitis)", "exclusion"),
    ("Severe toxicity (diarrhea or colitis)", "exclusion"),   # (nor is "severe" dropped)
    ("Family history of grade ≥ 2 peripheral neuropathy", "exclusion"),
    ("Meeting the criteria for grade 3 neutropenia", "exclusion"),
    ("Peripheral neuropathy. Grade 1 neuropathy is allowed", "exclusion"),  # not every neuropathy excepted
    # "at most" in an exclusion would exclude the patient with none
    ("Peripheral neuropathy ≤ grade 1", "exclusion"),
    # a grade of a drug allergy, of a toxicity with no name, or of "disease"
    ("Known Grade 3 or 4 hypersensitivity to macrolide antibiotics", "exclusion"),
    ("Toxicities ≥ grade 2 from prior therapy", "exclusion"),
    ("Ongoing toxicity grade ≥ 2", "exclusion"),
    ("Active, uncontrolled disease defined as ≥ grade 3 based on CTCAE v4.0", "exclusion"),
    # an exception to recovery is another fact than the recorded one
    ("Toxicities from prior therapy ≤ grade 1 (except alopecia)", "inclusion"),
    ("Unresolved toxicity of grade > 1 from prior anticancer therapy (except alopecia)", "exclusion"),
    # what the grade is said with, beside it: two words the grade defines, the volume the grade
    ("Moderate or severe (grade ≥ 2) peripheral neuropathy", "exclusion"),
    ("History of Grade ≥ 2 hemoptysis (defined as ≥ 2.5 mL of bright red blood per episode) within 1 month prior "
     "to screening", "exclusion"),
    ("Patients who have Grade 3 or 4 or higher peripheral neuritis, or Grade 1 or 2 with a high probability of "
     "progression to peripheral neuritis", "exclusion"),
])
def test_what_is_not_an_adverse_event_grade_stays_free_text(text, kind):
    rule = compile_criterion(text, kind).rule
    assert not any(isinstance(n, HasCondition) and n.grade is not None for n in walk(rule)), to_text(rule)
    assert not is_structured(rule), to_text(rule)


@pytest.mark.parametrize("text", [
    "Unresolved toxicity of grade > 1 from prior anticancer therapy",
    "Persistent toxicities (> grade 1) from prior therapy",
    "Ongoing toxicity > grade 1 from previous treatment",
    "Residual AEs > grade 1 from prior treatment",
    "Unresolved adverse events of grade ≥ 2 from prior therapy",
    "Any unresolved toxicity NCI CTCAE Grade ≥ 2 from previous anticancer therapy",
    "Toxicities from prior therapy that have not resolved to grade ≤ 1",
    "Unresolved toxicities from prior anticancer therapy, defined as having not resolved to CTCAE v5.0 grade 0 or 1",
])
def test_unresolved_toxicity_above_grade_1_is_not_having_recovered(text):
    assert to_text(compile_criterion(text, "exclusion").rule) == "not attribute recovered_from_prior_toxicity"


@pytest.mark.parametrize("text", [
    "Unresolved toxicity > grade 2 from prior therapy",            # recovery to grade 2 is another fact
    "Unresolved toxicity > grade 1 from prior radiotherapy",       # of one treatment, not all
    "Toxicities ≥ grade 2 from prior therapy",                     # past or present?
    "Persistent toxicity (> grade 1) from prior anticancer therapy, excluding alopecia",
    "No unresolved toxicity > grade 1 from prior therapy",
])
def test_other_toxicity_wordings_stay_free_text(text):
    assert not is_structured(compile_criterion(text, "exclusion").rule)


@pytest.mark.parametrize("rule", [
    "condition peripheral_neuropathy grade >= 2",
    "condition diarrhea [history] grade 3 to 4 within 4 weeks before screening",
    "condition fatigue grade = 3 lasting > 2 weeks",
    "condition rash grade <= 2",
    "not condition alopecia grade >= 2",
])
def test_a_grade_prints_and_reads_back(rule):
    assert to_text(parse_rule(rule)) == rule


@pytest.mark.parametrize("written, canonical", [
    ("condition rash grade > 1", "condition rash grade >= 2"),
    ("condition rash grade < 3", "condition rash grade <= 2"),
    ("condition rash grade <= 5", "condition rash grade >= 1"),
    ("condition rash grade 2 to 2", "condition rash grade = 2"),
])
def test_a_hand_written_grade_reads_as_the_grades_it_means(written, canonical):
    assert to_text(parse_rule(written)) == canonical


@pytest.mark.parametrize("rule", ["condition rash grade > 5", "condition rash grade 4 to 3",
                                  "condition rash grade 0 to 2", "condition rash grade >= 6"])
def test_a_grade_outside_the_scale_is_a_rule_error(rule):
    with pytest.raises(RuleSyntaxError):
        parse_rule(rule)


def test_grades_outside_the_scale_cannot_be_built():
    with pytest.raises(ValueError):
        Grade(low=3, high=2)
    with pytest.raises(ValueError):
        Grade(low=0)


# --- evaluation ------------------------------------------------------------------------------

NEUROPATHY = "condition peripheral_neuropathy grade >= 2"


@pytest.mark.parametrize("grade, complete, truth", [
    (2, False, Truth.TRUE),
    (4, True, Truth.TRUE),
    (1, True, Truth.FALSE),
    (None, True, Truth.UNKNOWN),
    (None, False, Truth.UNKNOWN),
])
def test_the_recorded_grade_decides(grade, complete, truth):
    entry = {"name": "peripheral neuropathy", **({"grade": grade} if grade is not None else {})}
    profile = {"conditions": [entry], **({"complete": ["conditions"]} if complete else {})}
    assert outcome(NEUROPATHY, **profile).truth is truth


def test_a_missing_grade_is_asked_for():
    result = outcome(NEUROPATHY, conditions=[{"name": "peripheral neuropathy"}], complete=["conditions"])
    assert result.reason == "missing"
    assert result.missing == ("the CTCAE grade of peripheral neuropathy",)
    assert "grade" in result.message and "not recorded" in result.message


def test_the_grade_is_evidence():
    result = outcome(NEUROPATHY, conditions=[{"name": "neuropathy", "grade": 3}])
    shown = [e for e in result.evidence if e.item == "grade"]
    assert [(e.value, e.threshold) for e in shown] == [("grade 3", "grade 2 or higher")]


def test_a_condition_absent_from_a_complete_list_is_false():
    assert outcome(NEUROPATHY, conditions=[], complete=["conditions"]).truth is Truth.FALSE
    assert outcome(NEUROPATHY, conditions=[]).truth is Truth.UNKNOWN


@pytest.mark.parametrize("recorded, truth", [("checkpoint inhibitor pneumonitis", Truth.TRUE),
                                             ("immune-mediated colitis", Truth.TRUE),
                                             ("colitis", Truth.UNKNOWN)])  # immune-related or not?
def test_an_immune_related_pneumonitis_or_colitis_is_an_immune_related_adverse_event(recorded, truth):
    entry = {"name": recorded, "grade": 3, "onset": "2025-01-01", "end": "2025-03-01"}
    rule = "condition immune_related_adverse_event [history] grade >= 3"
    assert outcome(rule, conditions=[entry], complete=["conditions"]).truth is truth


def test_a_range_of_grades_excludes_those_above_it():
    rule = "condition diarrhea grade 3 to 4"
    assert outcome(rule, conditions=[{"name": "diarrhea", "grade": 4}], complete=["conditions"]).truth is Truth.TRUE
    assert outcome(rule, conditions=[{"name": "diarrhea", "grade": 5}], complete=["conditions"]).truth is Truth.FALSE


def test_any_entry_of_a_high_enough_grade_counts():
    entries = [{"name": "diarrhea", "grade": 1, "onset": "2026-11-01"},
               {"name": "diarrhea", "grade": 3, "onset": "2026-10-01", "end": "2026-10-20"}]
    rule = "condition diarrhea grade >= 3 within 8 weeks before screening"
    assert outcome(rule, conditions=entries, complete=["conditions"]).truth is Truth.TRUE


def test_within_a_window_the_dates_of_the_graded_entry_apply():
    old = [{"name": "diarrhea", "grade": 3, "onset": "2025-01-01", "end": "2025-02-01"}]
    rule = "condition diarrhea grade >= 3 within 8 weeks before screening"
    assert outcome(rule, conditions=old, complete=["conditions"]).truth is Truth.FALSE


@pytest.mark.parametrize("entries, truth", [
    ([], Truth.TRUE),                                                   # no neuropathy at all
    ([{"name": "peripheral neuropathy", "grade": 1}], Truth.TRUE),
    ([{"name": "peripheral neuropathy", "grade": 2}], Truth.FALSE),
    ([{"name": "peripheral neuropathy"}], Truth.UNKNOWN),               # the grade is not recorded
])
def test_at_most_grade_1_passes_a_patient_without_it(entries, truth):
    rule = to_text(compile_criterion("Peripheral neuropathy ≤ grade 1", "inclusion").rule)
    assert outcome(rule, conditions=entries, complete=["conditions"]).truth is truth


@pytest.mark.parametrize("text", ["Pre-existing peripheral neuropathy ≥ Grade 2",
                                  "Has pre-existing peripheral neuropathy that is ≥ Grade 2 by CTCAE version 5.0"])
def test_pre_existing_is_neither_now_nor_ever(text):
    # there before the study: now, most often, but perhaps once; one that has ended is not taken as either
    rule = to_text(compile_criterion(text, "exclusion").rule)
    assert rule == "condition peripheral_neuropathy grade >= 2"
    resolved = {"name": "peripheral neuropathy", "grade": 2, "onset": "2021-01-01", "end": "2022-01-01"}
    assert outcome(rule, conditions=[resolved], complete=["conditions"]).truth is Truth.UNKNOWN
    ongoing = {"name": "peripheral neuropathy", "grade": 2, "onset": "2021-01-01"}
    assert outcome(rule, conditions=[ongoing], complete=["conditions"]).truth is Truth.TRUE


def test_a_graded_exclusion_never_fails_a_patient_whose_grade_is_missing():
    rule = to_text(compile_criterion("History of Grade ≥ 4 venous thromboembolism", "exclusion").rule)
    profile = {"conditions": [{"name": "DVT", "onset": "2024-01-01", "end": "2024-06-01"}], "complete": ["conditions"]}
    assert outcome(rule, **profile).truth is Truth.UNKNOWN


# --- the profile -----------------------------------------------------------------------------


@pytest.mark.parametrize("grade, words", [(0, "at least 1"), (6, "at most 5"), (2.5, "whole number"),
                                          (True, "whole number"), ("severe", "whole number")])
def test_a_grade_outside_1_to_5_is_an_input_error_naming_the_entry(grade, words):
    with pytest.raises(InputError) as caught:
        patient_from_mapping({"id": "P", "conditions": [{"name": "rash"}, {"name": "diarrhea", "grade": grade}]})
    message = str(caught.value)
    assert "conditions[1].grade" in message and words in message and "\n" not in message


def test_a_grade_is_an_integer_on_the_entry():
    patient = patient_from_mapping({"id": "P", "conditions": [{"name": "diarrhea", "grade": "3"}]})
    assert patient.conditions[0].grade == 3


def test_the_schema_bounds_the_grade():
    grade = patient_json_schema()["$defs"]["Condition"]["properties"]["grade"]
    assert {"type": "integer", "minimum": 1, "maximum": 5} in grade["anyOf"]


def test_a_screening_asks_for_the_missing_grade_and_decides_the_recorded_ones():
    trial = compile_trial(Trial(nct_id="NCT09999990", conditions=("Breast Cancer",), criteria=(
        Criterion(id="I1", kind="inclusion", text="Peripheral neuropathy ≤ grade 1"),
        Criterion(id="E1", kind="exclusion", text="Grade ≥ 2 diarrhea within 4 weeks"),
        Criterion(id="E2", kind="exclusion", text="History of Grade ≥ 4 venous thromboembolism"),
    )))
    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), "complete": ["conditions"], "conditions": [
        {"name": "peripheral neuropathy", "grade": 1, "onset": "2026-05-01"},
        {"name": "diarrhea", "onset": "2026-11-01"},
        {"name": "DVT", "grade": 2, "onset": "2025-01-01", "end": "2025-04-01"}]})
    report = screen(trial, patient)
    verdicts = {c.id: c.verdict for c in report.criteria}
    assert verdicts == {"I1": "pass", "E1": "unknown", "E2": "pass"}
    assert [(s.item, s.criteria) for s in report.to_settle] == [("the CTCAE grade of diarrhea", ("E1",))]


# Template sentences with grades (KEYNOTE, CheckMate, CTEP and other sponsors' wording, and
# gradings that are not CTCAE): whatever else happens to them, a grade in the words is never
# dropped from a structured rule.
TEMPLATES = [
    ('Active DVT or PE grade ≥ 3', 'exclusion'),
    ('Active clinically serious infections (> grade 2 NCI-CTCAE version 5.0)', 'exclusion'),
    ('Active grade 3 or higher infection', 'exclusion'),
    ('Active grade ≥ 2 rash', 'exclusion'),
    ('Active infection requiring systemic therapy (≥ CTCAE grade 2)', 'exclusion'),
    ('Active, uncontrolled disease defined as ≥ grade 3 based on CTCAE v4.0', 'exclusion'),
    ('Acute GVHD grade II-IV', 'exclusion'),
    ('Any Grade 4 immune-related adverse event', 'exclusion'),
    ('Any grade ≥ 3 bleeding event in the last 6 months', 'exclusion'),
    ('Any unresolved toxicity NCI CTCAE Grade ≥ 2 from previous anticancer therapy', 'exclusion'),
    ('Arterial hypertension ≥ CTCAE grade 3', 'exclusion'),
    ('Baseline peripheral neuropathy > grade 1', 'exclusion'),
    ('CIN grade 3', 'exclusion'),
    ('Chronic diarrhea (≥ grade 2)', 'exclusion'),
    ('Chronic diarrhea grade ≥ 2', 'exclusion'),
    ('Clinically significant bleeding (grade ≥ 2) within 4 weeks', 'exclusion'),
    ('Clinically significant peripheral neuropathy (grade ≥ 2)', 'exclusion'),
    ('Current diarrhea > grade 1', 'exclusion'),
    ('Current pneumonitis grade ≥ 2', 'exclusion'),
    ('Deep vein thrombosis grade ≥ 3', 'exclusion'),
    ('Deep vein thrombosis or pulmonary embolism grade ≥ 3 within the past 3 months', 'exclusion'),
    ('Diarrhea or peripheral neuropathy grade ≥ 2 or rash', 'exclusion'),
    ('Diarrhea ≥ grade 2', 'exclusion'),
    ('Existing peripheral neuropathy of CTCAE grade ≥ 2', 'exclusion'),
    ('Gleason grade 4 prostate cancer', 'exclusion'),
    ('Grade 1 or 2 hemorrhoids', 'exclusion'),
    ('Grade 1 or 2 peripheral neuropathy', 'exclusion'),
    ('Grade 1-3a follicular lymphoma', 'exclusion'),
    ('Grade 2 obesity', 'exclusion'),
    ('Grade 2 or greater pancreatitis', 'exclusion'),
    ('Grade 2 or higher hypokalemia', 'exclusion'),
    ('Grade 2 or higher mitral regurgitation', 'exclusion'),
    ('Grade 2 or higher neuropathy within 14 days', 'exclusion'),
    ('Grade 2 or higher peripheral sensory neuropathy', 'exclusion'),
    ('Grade 2 or higher toxicity from prior radiotherapy', 'exclusion'),
    ('Grade 2+ peripheral neuropathy', 'exclusion'),
    ('Grade 3 fatigue', 'exclusion'),
    ('Grade 3 glioma', 'exclusion'),
    ('Grade 3 glioma or neuropathy', 'exclusion'),
    ('Grade 3 hemorrhage within 4 weeks per CTCAE', 'exclusion'),
    ('Grade 3 hypertension', 'exclusion'),
    ('Grade 3 hypertension despite treatment', 'exclusion'),
    ('Grade 3 or 4 diastolic dysfunction', 'exclusion'),
    ('Grade 3 or 4 drug allergy', 'exclusion'),
    ('Grade 3 or 4 hepatic encephalopathy', 'exclusion'),
    ('Grade 3 or 4 intraventricular hemorrhage', 'exclusion'),
    ('Grade 3 or 4 rash on prior EGFR inhibitor', 'exclusion'),
    ('Grade 3-4 diarrhea in the past 3 months', 'exclusion'),
    ('Grade 3/4 anemia', 'exclusion'),
    ('Grade 3b follicular lymphoma', 'exclusion'),
    ('Grade 4 intraventricular hemorrhage', 'exclusion'),
    ('Grade III hemorrhoids', 'exclusion'),
    ('Grade III or IV heart failure', 'exclusion'),
    ('Grade ≥ 2 adrenal insufficiency', 'exclusion'),
    ('Grade ≥ 2 alopecia', 'exclusion'),
    ('Grade ≥ 2 alopecia is allowed', 'exclusion'),
    ('Grade ≥ 2 anemia per WHO', 'exclusion'),
    ('Grade ≥ 2 arthralgia', 'exclusion'),
    ('Grade ≥ 2 cytokine release syndrome', 'exclusion'),
    ('Grade ≥ 2 diarrhea at baseline', 'exclusion'),
    ('Grade ≥ 2 dysphagia', 'exclusion'),
    ('Grade ≥ 2 edema', 'exclusion'),
    ('Grade ≥ 2 esophageal varices', 'exclusion'),
    ('Grade ≥ 2 fatigue', 'exclusion'),
    ('Grade ≥ 2 fibrosis', 'exclusion'),
    ('Grade ≥ 2 hemoptysis within 4 weeks prior to randomization', 'exclusion'),
    ('Grade ≥ 2 hemorrhage within 4 weeks', 'exclusion'),
    ('Grade ≥ 2 hepatic encephalopathy', 'exclusion'),
    ('Grade ≥ 2 hypothyroidism not controlled by hormone replacement', 'exclusion'),
    ('Grade ≥ 2 myocarditis', 'exclusion'),
    ('Grade ≥ 2 nausea', 'exclusion'),
    ('Grade ≥ 2 nausea or vomiting', 'exclusion'),
    ('Grade ≥ 2 nausea or vomiting despite antiemetics', 'exclusion'),
    ('Grade ≥ 2 nausea, vomiting or diarrhea', 'exclusion'),
    ('Grade ≥ 2 neuropathy or active pneumonitis', 'exclusion'),
    ('Grade ≥ 2 neuropathy or diarrhea', 'exclusion'),
    ('Grade ≥ 2 neuropathy, or active infection', 'exclusion'),
    ('Grade ≥ 2 oral mucositis', 'exclusion'),
    ('Grade ≥ 2 pancreatitis', 'exclusion'),
    ('Grade ≥ 2 peripheral neuropathy', 'exclusion'),
    ('Grade ≥ 2 peripheral neuropathy (NCI CTCAE v5.0)', 'exclusion'),
    ('Grade ≥ 2 peripheral neuropathy (motor or sensory)', 'exclusion'),
    ('Grade ≥ 2 peripheral neuropathy and uncontrolled diabetes', 'exclusion'),
    ('Grade ≥ 2 peripheral neuropathy at the time of enrollment', 'exclusion'),
    ('Grade ≥ 2 peripheral neuropathy or grade ≥ 3 diarrhea', 'exclusion'),
    ('Grade ≥ 2 pneumonitis within the last 6 months', 'exclusion'),
    ('Grade ≥ 2 pruritus', 'exclusion'),
    ('Grade ≥ 2 rash at study entry', 'exclusion'),
    ('Grade ≥ 3 anemia within 2 weeks', 'exclusion'),
    ('Grade ≥ 3 colitis on prior immune checkpoint inhibitor', 'exclusion'),
    ('Grade ≥ 3 hearing loss', 'exclusion'),
    ('Grade ≥ 3 hyperglycemia', 'exclusion'),
    ('Grade ≥ 3 hyperglycemia within 4 weeks', 'exclusion'),
    ('Grade ≥ 3 hypersensitivity to any drug', 'exclusion'),
    ('Grade ≥ 3 immune-related adverse events on prior immunotherapy', 'exclusion'),
    ('Grade ≥ 3 infusion-related reaction to a prior monoclonal antibody', 'exclusion'),
    ('Grade ≥ 3 nausea/vomiting', 'exclusion'),
    ('Grade ≥ 3 neutropenia or thrombocytopenia', 'exclusion'),
    ('Grade ≥ 3 rash within the last 3 months', 'exclusion'),
    ('Grade ≥ 3 spondylolisthesis', 'exclusion'),
    ('Grade ≥ 3 thrombocytopenia within 4 weeks', 'exclusion'),
    ('Grade ≥ 3 thromboembolic event within 6 months', 'exclusion'),
    ('Grade ≥ 3 venous thromboembolic event within 3 months', 'exclusion'),
    ('Grade ≥ 3 venous thromboembolism within 6 months', 'exclusion'),
    ('Has a history of severe hypersensitivity reaction (≥ Grade 3) to pembrolizumab and/or any of '
     'its excipients', 'exclusion'),
    ('Has had grade ≥ 3 diarrhea within the past 28 days', 'exclusion'),
    ('Has not recovered (i.e., ≤ Grade 1 or at baseline) from adverse events due to a previously '
     'administered agent', 'exclusion'),
    ('Has pre-existing peripheral neuropathy that is ≥ Grade 2 by CTCAE version 5.0', 'exclusion'),
    ('Has severe hypersensitivity (≥ Grade 3) to the study intervention and/or any of its excipients', 'exclusion'),
    ('Hemoptysis ≥ grade 2 within 3 months prior to enrollment', 'exclusion'),
    ('High grade dysplasia', 'exclusion'),
    ('High-grade serous ovarian cancer', 'exclusion'),
    ('Histologic grade 3 breast cancer', 'exclusion'),
    ('History of (non-infectious) pneumonitis grade ≥ 2 that required steroids', 'exclusion'),
    ('History of Grade 3 or higher immune-related adverse events from prior immunotherapy', 'exclusion'),
    ('History of Grade ≥ 2 colitis or pneumonitis', 'exclusion'),
    ('History of Grade ≥ 2 hemoptysis (defined as ≥ 2.5 mL of bright red blood per episode) within 1 '
     'month prior to screening', 'exclusion'),
    ('History of Grade ≥ 4 venous thromboembolism', 'exclusion'),
    ('History of any grade 4 immune-related adverse event', 'exclusion'),
    ('History of grade 3 or 4 pneumonitis', 'exclusion'),
    ('History of grade 3 or 4 venous thromboembolism within 6 months prior to enrollment', 'exclusion'),
    ('History of grade 4 febrile neutropenia', 'exclusion'),
    ('History of grade ≥ 2 colitis', 'exclusion'),
    ('History of grade ≥ 2 interstitial lung disease', 'exclusion'),
    ('History of grade ≥ 2 myocarditis', 'exclusion'),
    ('History of grade ≥ 2 pneumonitis', 'exclusion'),
    ('History of grade ≥ 3 anaphylaxis', 'exclusion'),
    ('History of grade ≥ 3 drug allergy', 'exclusion'),
    ('History of grade ≥ 3 hepatitis', 'exclusion'),
    ('History of grade ≥ 3 immune-related adverse event', 'exclusion'),
    ('History of grade ≥ 3 immune-related colitis', 'exclusion'),
    ('History of grade ≥ 3 pneumonitis or colitis', 'exclusion'),
    ('History of immune-related myocarditis of any grade', 'exclusion'),
    ('History of pulmonary embolism (grade ≥ 2) within 6 months', 'exclusion'),
    ('Hypertension ≥ grade 3 per CTCAE v5.0', 'exclusion'),
    ('Immune-related adverse events grade 3 or higher while receiving prior immunotherapy', 'exclusion'),
    ('Infection ≥ grade 2 per CTCAE v5.0 within 2 weeks', 'exclusion'),
    ('Interstitial lung disease grade ≥ 2', 'exclusion'),
    ('Interstitial lung disease or pneumonitis grade ≥ 2', 'exclusion'),
    ('Known Grade 3 or 4 allergic reaction to any component of the study drug', 'exclusion'),
    ('Known Grade 3 or 4 hypersensitivity to macrolide antibiotics', 'exclusion'),
    ('Known grade ≥ 3 hypersensitivity to any component of the study drug', 'exclusion'),
    ('Known history of grade ≥ 2 pneumonitis requiring steroids', 'exclusion'),
    ('Low-grade lymphoma', 'exclusion'),
    ('Myocarditis of any grade', 'exclusion'),
    ('Neuropathy ≥ CTCAE Grade 2', 'exclusion'),
    ('Neuropathy ≥ Grade 2 (NCI CTCAE version 5.0) at baseline', 'exclusion'),
    ('Ongoing Grade ≥ 2 diarrhea', 'exclusion'),
    ('Ongoing diarrhea of grade ≥ 2 despite optimal treatment', 'exclusion'),
    ('Ongoing grade 2 or higher diarrhea', 'exclusion'),
    ('Ongoing grade ≥ 3 neutropenia', 'exclusion'),
    ('Ongoing toxicity > grade 1 from previous treatment', 'exclusion'),
    ('Ongoing toxicity grade ≥ 2', 'exclusion'),
    ('Participants who experienced a Grade ≥ 3 immune-related adverse event with prior immunotherapy', 'exclusion'),
    ('Participants with Grade ≥ 2 peripheral neuropathy', 'exclusion'),
    ('Patients who have Grade 3 or 4 or higher peripheral neuritis, or Grade 1 or 2 with a high '
     'probability of progression to peripheral neuritis', 'exclusion'),
    ('Patients who have had grade 3 or 4 immune-related toxicity', 'exclusion'),
    ('Patients with grade 2 or higher toxicity from prior therapy that has not resolved', 'exclusion'),
    ('Patients with grade ≥ 2 peripheral neuropathy are excluded', 'exclusion'),
    ('Patients with pre-existing ≥ grade 2 neuropathy', 'exclusion'),
    ('Peripheral neuropathy > CTCAE grade 1', 'exclusion'),
    ('Peripheral neuropathy > grade 1', 'exclusion'),
    ('Peripheral neuropathy Grade ≥ 2 according to NCI-CTCAE version 5.0', 'exclusion'),
    ('Peripheral neuropathy grade ≥ 2 or diarrhea', 'exclusion'),
    ('Peripheral neuropathy grade ≥2 (NCI-CTCAE v5.0)', 'exclusion'),
    ('Peripheral neuropathy of CTCAE grade 2 or more', 'exclusion'),
    ('Peripheral neuropathy of grade 2 or higher', 'exclusion'),
    ('Peripheral neuropathy ≤ grade 1', 'exclusion'),
    ('Peripheral neuropathy ≥ grade 2 at baseline', 'exclusion'),
    ('Peripheral neuropathy ≥ grade 2 per NCI CTCAE v5.0', 'exclusion'),
    ('Peripheral sensory neuropathy with functional impairment (grade ≥ 3)', 'exclusion'),
    ('Persistent toxicities (> grade 1) from prior therapy', 'exclusion'),
    ('Persistent toxicity (> grade 1) from prior anticancer therapy, excluding alopecia', 'exclusion'),
    ('Persistent toxicity of prior therapy > grade 1', 'exclusion'),
    ('Pre-existing peripheral neuropathy ≥ Grade 2', 'exclusion'),
    ('Pre-existing sensory or motor neuropathy ≥ grade 2', 'exclusion'),
    ('Previous grade ≥ 3 immune-related adverse event with prior PD-1 therapy', 'exclusion'),
    ('Prior grade 3 or 4 immune-related adverse event', 'exclusion'),
    ('Prior grade ≥ 3 hypersensitivity reaction to study drug', 'exclusion'),
    ('Prior grade ≥ 3 immune-mediated adverse reaction', 'exclusion'),
    ('Prior grade ≥ 3 immune-related adverse event leading to discontinuation of prior immunotherapy', 'exclusion'),
    ('Prior history of Grade 3 or higher pneumonitis', 'exclusion'),
    ('Prior immune-related adverse events of grade ≥ 3', 'exclusion'),
    ('Pulmonary embolism grade 4 within 3 months', 'exclusion'),
    ('Residual AEs > grade 1 from prior treatment', 'exclusion'),
    ('Severe (grade ≥ 3) diarrhea', 'exclusion'),
    ('Symptomatic peripheral neuropathy ≥ grade 2', 'exclusion'),
    ('Toxicities from prior therapy that have not resolved to grade ≤ 1', 'exclusion'),
    ('Toxicities ≥ grade 2 from prior therapy', 'exclusion'),
    ('Toxicity from prior anticancer therapy that has not resolved to grade ≤ 1', 'exclusion'),
    ('Tumor grade 3', 'exclusion'),
    ('Uncontrolled hypertension (CTCAE grade ≥ 3)', 'exclusion'),
    ('Uncontrolled hypertension defined as CTCAE grade ≥ 2', 'exclusion'),
    ('Unresolved adverse events of grade ≥ 2 from prior therapy', 'exclusion'),
    ('Unresolved toxicities from prior anticancer therapy, defined as having not resolved to CTCAE '
     'v5.0 grade 0 or 1', 'exclusion'),
    ('Unresolved toxicities of prior therapy > grade 1', 'exclusion'),
    ('Unresolved toxicity > grade 1 from prior radiotherapy', 'exclusion'),
    ('Unresolved toxicity > grade 2 from prior therapy', 'exclusion'),
    ('Unresolved toxicity of grade > 1 from prior anticancer therapy', 'exclusion'),
    ('Unresolved toxicity of grade > 1 from prior anticancer therapy (except alopecia)', 'exclusion'),
    ('Vesicoureteral reflux grade 3 or higher', 'exclusion'),
    ('WHO grade 2 astrocytoma', 'exclusion'),
    ('WHO grade II or higher glioma', 'exclusion'),
    ('≥ grade 3 diarrhea within 4 weeks', 'exclusion'),
    ('Absence of grade ≥ 2 diarrhea', 'inclusion'),
    ('All prior treatment-related toxicities must be CTCAE v5.0 Grade ≤ 1 (except alopecia) at the '
     'time of enrollment', 'inclusion'),
    ('All toxicities from prior therapy have resolved to grade ≤ 1', 'inclusion'),
    ('Baseline peripheral neuropathy ≤ grade 1', 'inclusion'),
    ('Diarrhea ≤ grade 1', 'inclusion'),
    ('Diarrhea ≤ grade 1 at baseline', 'inclusion'),
    ('Grade 1 or lower alopecia', 'inclusion'),
    ('Grade ≤ 1 peripheral neuropathy', 'inclusion'),
    ('Grade ≥ 2 peripheral neuropathy', 'inclusion'),
    ('Must not have grade ≥ 2 peripheral neuropathy', 'inclusion'),
    ('Neuropathy (sensory or motor) ≤ grade 1', 'inclusion'),
    ('Neuropathy grade 1 or less', 'inclusion'),
    ('No grade ≥ 2 diarrhea', 'inclusion'),
    ('No unresolved toxicity > grade 1 from prior therapy', 'inclusion'),
    ('Patients must have ≤ grade 1 diarrhea', 'inclusion'),
    ('Peripheral neuropathy CTCAE grade ≤ 1', 'inclusion'),
    ('Peripheral neuropathy and diarrhea ≤ grade 1', 'inclusion'),
    ('Peripheral neuropathy grade 0-1', 'inclusion'),
    ('Peripheral neuropathy grade 1 or less', 'inclusion'),
    ('Peripheral neuropathy grade < 2', 'inclusion'),
    ('Peripheral neuropathy must be ≤ Grade 1 at screening', 'inclusion'),
    ('Peripheral neuropathy ≤ grade 1', 'inclusion'),
    ('Pre-existing peripheral neuropathy must be ≤ grade 1', 'inclusion'),
    ('Recovered from all toxicities of prior therapy to grade ≤ 1 or baseline', 'inclusion'),
    ('Recovered from toxicity of prior therapy to grade ≤ 1', 'inclusion'),
    ('Resolution of all acute toxic effects of prior anticancer therapy to grade ≤ 1', 'inclusion'),
    ('Resolution of all toxicities from prior therapy to grade ≤ 1', 'inclusion'),
    ('Toxicities from prior therapy ≤ grade 1 (except alopecia)', 'inclusion'),
    ('≤ grade 1 peripheral neuropathy at study entry', 'inclusion'),
]


@pytest.mark.parametrize("text, kind", TEMPLATES)
def test_a_grade_is_never_dropped(text, kind):
    rule = compile_criterion(text, kind).rule
    kept = any(isinstance(n, HasCondition) and n.grade is not None for n in walk(rule)) or any(
        isinstance(n, HasAttribute) and n.concept == "recovered_from_prior_toxicity" for n in walk(rule))
    whatever_grade = re.search(r"(?i)any grade|high[- ]grade", text)
    assert kept or whatever_grade or not is_structured(rule), to_text(rule)
