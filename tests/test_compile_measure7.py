"""Round 7 measurements, ages and lab frames: the words around a threshold whose analyte and unit
are known. Each construct read here, what it decides for made-up patients, and its near misses
that must stay free text."""

from __future__ import annotations

import pytest

from screening.compile import compile_criterion
from screening.logic import Truth
from screening.printer import to_text

from made_up import outcome


def _rule(text: str, kind: str) -> str:
    return to_text(compile_criterion(text, kind).rule)


READ = [
    # an age range whose upper bound has its own comparator, the lower one in months
    ("Children aged 6 months to < 6 years", "inclusion", "age >= 6 months and age < 6 years"),
    ("Children 1 month to < 18 years", "inclusion", "age >= 1 months and age < 18 years"),
    ("age 2 months to ≤ 12 years", "inclusion", "age >= 2 months and age <= 12 years"),
    ("Infants 6 months to < 2 years of age", "inclusion", "age >= 6 months and age < 2 years"),
    # ... and a value range written so, with its unit on both bounds
    ("Hemoglobin 9 g/dL to < 12 g/dL", "inclusion", "hemoglobin >= 9 g/dL and hemoglobin < 12 g/dL"),
    # "greater than, or equal to": one comparator, the comma only a pause
    ("eGFR greater than, or equal to 30 mL/min/1.73 m2", "inclusion", "egfr >= 30 mL/min/1.73m2"),
    ("Hemoglobin less than, or equal to 9 g/dL", "exclusion", "hemoglobin <= 9 g/dL"),
    # how the value is measured, in brackets between the name and the value: read after the value
    ("QTcF (single ECG) > 450 ms", "exclusion", 'qtcf > 450 ms and text "single ECG"'),
    ("Hemoglobin (without transfusion) ≥ 9 g/dL", "inclusion", 'hemoglobin >= 9 g/dL and text "without transfusion"'),
    # ... with a bracket after it naming the narrower measure, and a limit for each sex
    ("Participant has a corrected QT interval (single electrocardiogram [ECG]) using Fridericia's formula (QTcF) > "
     "450 milliseconds (msec) (men) or >470 msec (women) during screening", "exclusion",
     '((male and qtcf > 450 milliseconds) or (female and qtcf > 470 msec)) and text "single electrocardiogram [ECG]"'),
    ("QTcF > 450 ms (men) or > 470 ms (women) (single ECG)", "inclusion",
     '((if male then qtcf > 450 ms) and (if female then qtcf > 470 ms)) and text "single ECG"'),
    # when the value is taken, between the name and the value or before the name: the latest value
    ("HbA1c at screening ≥ 7%", "inclusion", "hba1c >= 7 %"),
    ("Baseline systolic blood pressure between 130 and 160 mmHg", "inclusion",
     "systolic_blood_pressure >= 130 mmHg and systolic_blood_pressure <= 160 mmHg"),
    ("Screening eGFR ≥ 30 mL/min/1.73 m2", "inclusion", "egfr >= 30 mL/min/1.73m2"),
    ("Baseline HbA1c 7-10%", "inclusion", "hba1c >= 7 % and hba1c <= 10 %"),
    # a limit in time said of the patients a condition is named in: their age (not how long the
    # condition has lasted)
    ("Erythema migrans in patients > 18 years", "inclusion", "condition lyme_disease and age > 18 years"),
    ("Asthma in children 6 to 11 years", "inclusion", "condition asthma and (age >= 6 years and age <= 11 years)"),
    # a unit per square metre with the words naming the square metre
    ("Body mass index ≥ 35 kg/m2 body surface area", "exclusion", "bmi >= 35 kg/m2"),
    # a condition that is a value beyond a limit, the limit in brackets
    ("Hypoalbuminemia (< 2.5 g/dL)", "exclusion", "albumin < 2.5 g/dL"),
    # an age "equal" to the lower of two bounds is a lost "≥", read so where it fails no one
    ("Male or female = 18 years of age and <60 years", "inclusion", "age >= 18 years and age < 60 years"),
]


@pytest.mark.parametrize(("text", "kind", "expected"), READ)
def test_reads(text: str, kind: str, expected: str) -> None:
    assert _rule(text, kind) == expected


STAYS_FREE_TEXT = [
    # words between the caveat and the value may say which correction: not plain QTc
    ("Corrected QT interval (single ECG) using Fridericia's formula > 450 ms", "exclusion"),
    # a lost "≥" or ">" in an exclusion: reading either would exclude someone the other does not
    ("Male or female = 18 years of age and <60 years", "exclusion"),
    # "=" before a bound that is not the lower of two
    ("Age = 60 years and < 18 years", "inclusion"),
    ("ALT = 2.5 x ULN", "inclusion"),
    ("Age = 18 years", "inclusion"),
    # a time after a condition with no people named: perhaps how long it has lasted
    ("Diabetes > 10 years", "inclusion"),
    # the body surface area as a measure of its own, after a unit not per square metre
    ("Psoriasis with BSA ≥ 10% body surface area", "inclusion"),
    # urine output after the operation in the study is not yet measured
    ("Urinary output less than 500 ml within 24 hours after operation", "exclusion"),
]


def test_hypoalbuminemia_with_no_value_stays_the_condition() -> None:
    assert _rule("Hypoalbuminemia", "exclusion") == "condition hypoalbuminemia"


@pytest.mark.parametrize(("text", "kind"), STAYS_FREE_TEXT)
def test_stays_free_text(text: str, kind: str) -> None:
    assert _rule(text, kind).startswith("text "), _rule(text, kind)


@pytest.mark.parametrize(("sex", "value", "expected"), [
    ("male", 460, Truth.UNKNOWN),  # over his limit: whether on a single ECG waits for a coordinator
    ("female", 460, Truth.FALSE),  # under hers: not excluded, whatever the ECG was
    ("male", 440, Truth.FALSE),
])
def test_a_caveated_limit_by_sex(sex: str, value: int, expected: Truth) -> None:
    """The truth of what excludes: a value under the patient's own limit settles it."""
    rule = _rule("QTcF (single ECG) > 450 ms (men) or > 470 ms (women)", "exclusion")
    labs = [{"name": "QTcF", "value": value, "unit": "ms", "date": "2026-11-10"}]
    assert outcome(rule, "exclusion", sex=sex, labs=labs).truth == expected


def test_bazett_and_fridericia_do_not_stand_for_each_other():
    # "QTcB > 470 ms" read as any QTc excluded a patient whose only QTc, 480 ms, was Fridericia's
    assert to_text(compile_criterion("QTcB > 470 ms", "exclusion").rule) == "qtcb > 470 ms"
    fridericia = {"labs": [{"name": "QTcF", "value": 480, "unit": "ms", "date": "2026-11-10"}]}
    assert outcome("qtcb > 470 ms", "exclusion", **fridericia).truth is Truth.UNKNOWN
    bazett = {"labs": [{"name": "QTcB", "value": 480, "unit": "ms", "date": "2026-11-10"}]}
    assert outcome("qtcf > 470 ms", "exclusion", **bazett).truth is Truth.UNKNOWN
    assert outcome("qtc > 470 ms", "exclusion", **bazett).truth is Truth.TRUE


@pytest.mark.parametrize("text, rule", [
    ("QTc > 470 msec using Fridericia's formula", "qtcf > 470 msec"),
    ("QTc interval (Fridericia) > 470 ms", "qtcf > 470 ms"),
    ("QTc (Bazett) > 480 ms", "qtcb > 480 ms"),
    # two methods named: either will do, so any QTc
    ("QTc > 450 ms by Bazett or Fridericia", "qtc > 450 ms"),
    # a method naming no kind of the measure says nothing of which
    ("eGFR < 30 mL/min calculated by the Cockcroft-Gault formula", "egfr < 30 mL/min"),
])
def test_a_correction_formula_names_which_qtc(text, rule):
    assert to_text(compile_criterion(text, "exclusion").rule) == rule
