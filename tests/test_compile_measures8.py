"""Round 8 measurements: classes and scores "or higher", values named after their limit, stages
said with the number alone. Each construct read here, what it decides for made-up patients, and
its near misses that must stay free text."""

from __future__ import annotations

import pytest

from screening.compile import compile_criterion
from screening.logic import Truth
from screening.printer import to_text

from made_up import outcome


def _rule(text: str, kind: str) -> str:
    return to_text(compile_criterion(text, kind).rule)


READ = [
    # "or higher" is "or greater": a class of an ordered scale and those above it, a value and more
    ("ASA class III or higher", "exclusion", "asa_class in {III, IV, V, VI}"),
    ("ASA physical status IV or higher", "exclusion", "asa_class in {IV, V, VI}"),
    ("NYHA class III or higher heart failure", "exclusion", "nyha_class in {III, IV}"),
    ("Child-Pugh class B or higher", "exclusion", "child_pugh_class in {B, C}"),
    ("ECOG performance status 2 or higher", "exclusion", "ecog >= 2"),
    ("Gleason score 8 or higher", "inclusion", "gleason_score >= 8"),
    ("Grade 2 or higher peripheral neuropathy", "exclusion", "condition peripheral_neuropathy grade >= 2"),
    # the limit written before the values it holds for, which end the clause
    ("Levels greater than 2.5 times the upper limit of normal of alanine aminotransferase or aspartate "
     "aminotransferase", "exclusion", "alt > 2.5 x ULN or ast > 2.5 x ULN"),
    ("Levels > 3 × ULN at screening of ALT, AST, or bilirubin", "exclusion",
     "alt > 3 x ULN or ast > 3 x ULN or total_bilirubin > 3 x ULN"),
    ("Values ≤ 2.5 × ULN for ALT and AST", "inclusion", "alt <= 2.5 x ULN and ast <= 2.5 x ULN"),
    # CKD stage 5 said with its number alone after stage 4
    ("Chronic kidney disease stage 4 or 5", "exclusion", "condition ckd_stage_4 or condition end_stage_renal_disease"),
    # how often a drug is taken: daily, before or after its name, of each drug an exclusion lists
    ("Daily use of NSAIDs", "exclusion", "medication nsaid [daily]"),
    ("Currently taking aspirin daily", "exclusion", "medication aspirin [current, daily]"),
    ("Use of NSAIDs or aspirin daily", "exclusion", "medication nsaid [daily] or medication aspirin [daily]"),
    ("No patients requiring daily oral corticosteroid therapy", "inclusion",
     "not medication corticosteroid [current, daily, oral]"),
    ("Asthma requiring daily inhaled corticosteroids", "exclusion",
     "condition asthma and medication inhaled_corticosteroid [current, daily] for (asthma)"),
    # "mg daily" is a dose per day, as before
    ("Aspirin > 100 mg daily", "exclusion", "medication aspirin dose > 100 mg/day"),
    ("Prednisone > 10 mg once daily", "exclusion", "medication prednisone dose > 10 mg/day"),
    ("Prednisone > 10 mg every day", "exclusion", "medication prednisone dose > 10 mg/day"),
    # the scale's letters in brackets after its name, then arabic class numbers
    ("American Society of Anesthesiologists (ASA) physical status 1 to 3", "inclusion", "asa_class in {I, II, III}"),
    # a class written with its score: the score, or the class when its whole band is named
    ("Child-Pugh class A or B7", "inclusion",
     "child_pugh_class in {A} or (child_pugh_score >= 7 and child_pugh_score <= 7)"),
    ("Child-Pugh A5 or A6", "inclusion", "child_pugh_class in {A}"),
    ("Child-Pugh A5-A6", "inclusion", "child_pugh_class in {A}"),
    ("Child-Pugh score ≤ B7", "inclusion",
     "child_pugh_class in {A} or (child_pugh_score >= 7 and child_pugh_score <= 7)"),
    ("Child-Pugh class A, B7 or B8", "inclusion",
     "child_pugh_class in {A} or (child_pugh_score >= 7 and child_pugh_score <= 8)"),
    # one value of an ordinal score
    ("ECOG performance status 0", "inclusion", "ecog <= 0"),
    ("ECOG PS of 1 at screening", "exclusion", "ecog >= 1 and ecog <= 1"),
    ("Albumin-bilirubin (ALBI) grade 1", "inclusion", "albi_grade <= 1"),
    ("Kellgren-Lawrence grade 4", "exclusion", "kellgren_lawrence >= 4"),
    ("ECOG 0 and 1", "inclusion", "ecog <= 1"),
    # how much alcohol is drunk: units and drinks per a period, each a measure of its own
    ("Alcohol consumption > 21 units per week for men or > 14 units per week for women", "exclusion",
     "(male and alcohol_units_per_week > 21 /week) or (female and alcohol_units_per_week > 14 /week)"),
    ("Heavy alcohol use (> 14 drinks per week)", "exclusion", "alcoholic_drinks_per_week > 14 /week"),
    ("Alcohol intake > 2 units/day", "exclusion", "alcohol_units_per_week > 2 /day"),
    ("Consumes more than 3 alcoholic drinks per day", "exclusion", "alcoholic_drinks_per_week > 3 /day"),
    ("Consumption of more than 21 units of alcohol per week", "exclusion", "alcohol_units_per_week > 21 /week"),
    ("Alcohol abuse or alcohol consumption > 3 units per day", "exclusion",
     "condition alcohol_use_disorder or alcohol_units_per_week > 3 /day"),
]


@pytest.mark.parametrize(("text", "kind", "expected"), READ)
def test_reads(text: str, kind: str, expected: str) -> None:
    assert _rule(text, kind) == expected


STAYS_FREE_TEXT = [
    # "or worse" has no direction a scale's order gives (a higher Fitzpatrick type is not worse)
    ("Child-Pugh B or worse", "exclusion"),
    # the values named after the limit do not end the clause: which the limit is for is not clear
    ("Levels greater than 2.5 times ULN of ALT or AST and bilirubin < 2 mg/dL", "exclusion"),
    # "Stadium" beside HIV is the WHO clinical stage, not a cancer's: no stage is guessed
    ("Stadium III and IV", "exclusion"),
    # daily said after a list of drugs in an inclusion: of the last alone, or of each?
    ("Use of NSAIDs or aspirin daily", "inclusion"),
    # scores with a gap between them; a score outside its letter's band; a comparator not read
    ("Child-Pugh A5 or B8", "inclusion"),
    ("Child-Pugh A7", "inclusion"),
    ("Child-Pugh B8 or higher", "exclusion"),
    # one value above the lowest, asked of everyone: perhaps the upper bound ("ECOG 1" for "0-1")
    ("ECOG PS of 1", "inclusion"),
    ("Kellgren-Lawrence grade 2", "inclusion"),
    # a value the score does not have, a number that is no score
    ("ECOG 6", "inclusion"),
    ("Weight 70", "inclusion"),
    # units with no period, or not of alcohol
    ("Alcohol consumption > 3 units", "exclusion"),
    ("Insulin > 20 units per day", "exclusion"),
    # twice a dose a day is not that dose per day
    ("Prednisone > 10 mg twice daily", "exclusion"),
    # why the drug is taken, in words
    ("Currently taking aspirin daily for the heart", "exclusion"),
]


@pytest.mark.parametrize(("text", "kind"), STAYS_FREE_TEXT)
def test_stays_free_text(text: str, kind: str) -> None:
    assert _rule(text, kind).startswith("text "), _rule(text, kind)


def test_a_limit_before_one_value_alone_is_read_as_before() -> None:
    assert _rule("> 2 × ULN ALT or platelets < 100 /uL", "exclusion") == "alt > 2 x ULN or platelets < 100 /uL"


@pytest.mark.parametrize(("alt", "ast", "expected"), [
    (30, 150, Truth.TRUE),  # AST beyond 2.5 × its ULN of 40: excluded
    (30, 90, Truth.FALSE),  # both under: not excluded
])
def test_values_named_after_their_limit(alt: int, ast: int, expected: Truth) -> None:
    rule = _rule("Levels greater than 2.5 times the upper limit of normal of ALT or AST", "exclusion")
    labs = [{"name": "ALT", "value": alt, "unit": "U/L", "date": "2026-11-10", "ref_high": 40},
            {"name": "AST", "value": ast, "unit": "U/L", "date": "2026-11-10", "ref_high": 40}]
    assert outcome(rule, "exclusion", labs=labs).truth == expected


@pytest.mark.parametrize(("asa", "expected"), [("II", Truth.FALSE), ("III", Truth.TRUE), ("IV", Truth.TRUE)])
def test_a_class_or_higher(asa: str, expected: Truth) -> None:
    rule = _rule("ASA class III or higher", "exclusion")
    scores = [{"name": "ASA class", "value": asa, "date": "2026-11-10"}]
    assert outcome(rule, "exclusion", scores=scores).truth == expected


@pytest.mark.parametrize(("note", "expected"), [
    (None, Truth.UNKNOWN),  # how often is not recorded: a coordinator asks
    ("81 mg once daily", Truth.TRUE),
    ("as needed for headache", Truth.FALSE),  # taken when needed is not daily (the list is complete)
])
def test_daily_use_is_read_from_the_note(note: str | None, expected: Truth) -> None:
    rule = _rule("Daily use of NSAIDs", "exclusion")
    medication = {"name": "ibuprofen", "start": "2026-01-01"}
    if note is not None:
        medication["note"] = note
    assert outcome(rule, "exclusion", medications=[medication], complete=["medications"]).truth == expected


def test_daily_use_of_no_such_drug_on_a_complete_list_passes() -> None:
    rule = _rule("Daily use of NSAIDs", "exclusion")
    other = {"name": "metformin", "start": "2026-01-01", "note": "twice daily"}
    assert outcome(rule, "exclusion", medications=[other], complete=["medications"]).truth is Truth.FALSE


@pytest.mark.parametrize(("sex", "value", "unit", "expected"), [
    ("female", 10, "/week", Truth.FALSE),
    ("female", 3, "/day", Truth.TRUE),  # 21 a week, over her 14
    ("male", 3, "/day", Truth.FALSE),  # 21 a week is not over his 21
])
def test_alcohol_units_by_sex(sex: str, value: int, unit: str, expected: Truth) -> None:
    rule = _rule("Alcohol consumption > 21 units per week for men or > 14 units per week for women", "exclusion")
    vitals = [{"name": "alcohol units per week", "value": value, "unit": unit, "date": "2026-11-10"}]
    assert outcome(rule, "exclusion", sex=sex, vitals=vitals).truth == expected


def test_drinks_do_not_answer_for_units() -> None:
    # a drink (14 g in the US) is not a unit (8 g in the UK): 20 drinks a week may be more or less
    vitals = [{"name": "alcoholic drinks per week", "value": 20, "unit": "/week", "date": "2026-11-10"}]
    assert outcome("alcohol_units_per_week > 14 /week", "exclusion", vitals=vitals).truth is Truth.UNKNOWN


@pytest.mark.parametrize(("grade", "expected"), [(1, Truth.TRUE), (2, Truth.FALSE)])
def test_one_value_of_a_score(grade: int, expected: Truth) -> None:
    rule = _rule("Albumin-bilirubin (ALBI) grade 1", "inclusion")
    scores = [{"name": "ALBI grade", "value": grade, "date": "2026-11-10"}]
    assert outcome(rule, "inclusion", scores=scores).truth == expected


@pytest.mark.parametrize(("scores", "expected"), [
    ([{"name": "Child-Pugh class", "value": "A", "date": "2026-11-10"}], Truth.TRUE),
    ([{"name": "Child-Pugh score", "value": 7, "date": "2026-11-10"}], Truth.TRUE),
    # class B with no score: B7 or B8, B9? a coordinator looks
    ([{"name": "Child-Pugh class", "value": "B", "date": "2026-11-10"}], Truth.UNKNOWN),
    ([{"name": "Child-Pugh class", "value": "B", "date": "2026-11-10"},
      {"name": "Child-Pugh score", "value": 9, "date": "2026-11-10"}], Truth.FALSE),
])
def test_a_class_with_its_score(scores: list[dict], expected: Truth) -> None:
    rule = _rule("Child-Pugh class A or B7", "inclusion")
    assert outcome(rule, "inclusion", scores=scores).truth == expected
