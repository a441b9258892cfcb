"""Sponsor template wording, round 5: a dose in brackets, a scale named after a finding, a value
below zero, and a time in brackets after a condition (which defines nothing)."""

import pytest

from screening.compile import compile_criterion
from screening.nodes import is_structured
from screening.printer import to_text


@pytest.mark.parametrize("text, kind, rule", [
    # a dose in brackets is the drug's dose
    ("On a stable dose of metformin (≥ 1500 mg/day) for at least 3 months", "inclusion",
     "medication metformin [stable] dose >= 1500 mg/day lasting >= 3 months"),
    ("Prednisone (≤ 10 mg/day)", "inclusion", "medication prednisone dose <= 10 mg/day"),
    # the scale a finding was made on asks nothing more
    ("Suicidal ideation with intent or plan within 6 months (C-SSRS)", "exclusion",
     "condition suicidal_ideation_with_intent within 6 months before screening"),
    # a word two hyphenated words share, written once
    ("Second- or third-degree atrioventricular block", "exclusion",
     "condition second_degree_av_block or condition third_degree_av_block"),
    ("T-cell- or B-cell lymphoma", "exclusion", "condition t_cell_lymphoma or condition b_cell_lymphoma"),
    # ever, at any time
    ("Intracranial hemorrhage at any time", "exclusion", "condition intracranial_hemorrhage [history]"),
    ("Previous surgical treatment for obesity", "exclusion", "procedure bariatric_surgery [history]"),
    ("Clinical Dementia Rating global score of 0.5 or 1", "inclusion", "cdr in {0.5, 1}"),
    # a comparator written once before two counts is each count's
    ("At least 6 swollen joints and 6 tender joints", "inclusion",
     "swollen_joint_count >= 6 and tender_joint_count >= 6"),
    # "C." inside a name ends no sentence
    ("Positive stool test for C. difficile", "exclusion", "c_difficile_test in {positive}"),
    ("CD20-positive B-cell non-Hodgkin lymphoma", "inclusion",
     "cd20_expression in {positive} and condition b_cell_lymphoma"),
    ("Positive test for drugs of abuse or alcohol at screening", "exclusion",
     "urine_drug_screen in {positive} or blood_alcohol in {positive}"),
    ("Regular use of proton pump inhibitors", "exclusion", "medication proton_pump_inhibitor [chronic]"),
    # a power of ten in superscript digits
    ("ANC ≥ 1.5 × 10⁹/L", "inclusion", "anc >= 1.5 10^9/L"),
    ("WBC ≥ 3.0 x 10³/µL", "inclusion", "wbc >= 3 10^3/µL"),
    ("Platelets ≥ 100 K/µL", "inclusion", "platelets >= 100 K/µL"),
    ("eGFR ≥ 60 ml/min per 1.73 m2", "inclusion", "egfr >= 60 ml/min/1.73m2"),
    ("AHI ≥ 15 events/hour", "inclusion", "apnea_hypopnea_index >= 15 events/hour"),
    ("Headache on ≥ 15 days per month", "inclusion", "monthly_headache_days >= 15"),
    ("CGI-S score ≥ 4 (moderately ill)", "inclusion", "cgi_s >= 4"),
    ("Migraine on at least 4 days per month", "inclusion", "monthly_migraine_days >= 4"),
    # a condition before another whose name begins with it is one of a list, not the same name
    ("Active bleeding or bleeding diathesis", "exclusion",
     "condition bleeding [active] or condition bleeding_disorder [active]"),
    # a requirement that opens with a time after a treatment is a time since it
    ("At least 6 months after the last dose of rituximab", "inclusion",
     "not medication rituximab within 6 months before screening"),
    ("≥ 4 weeks from last chemotherapy", "inclusion", "not medication chemotherapy within 4 weeks before screening"),
    ("At least 4 weeks following completion of radiotherapy", "inclusion",
     "not procedure radiotherapy within 4 weeks before screening"),
    # a value below zero, its sign apart from the name; a range below zero written by size
    ("BMD T-score of -2.5 or less", "exclusion", "bmd_t_score <= -2.5"),
    ("T-score -2.5 or below", "exclusion", "bmd_t_score <= -2.5"),
    ("BMD T-score between -1.0 and -2.5", "inclusion", "bmd_t_score >= -2.5 and bmd_t_score <= -1"),
])
def test_template_wording(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # how long, or since what age? Read as a definition it became "age > 10 years", and the
    # exclusion excluded every patient over ten
    ("Diabetes (> 10 years)", "exclusion"),
    ("Hypertension (> 65 years)", "inclusion"),
    # reversed ends above zero are a misreading, not an empty range
    ("Age 65-18 years", "inclusion"),
    # a value reached without transfusion is more than the value
    ("Platelet count ≥ 100 × 10⁹/L without transfusion within 7 days", "inclusion"),
])
def test_template_wording_that_could_be_misread_stays_free_text(text, kind):
    assert not is_structured(compile_criterion(text, kind).rule)
