"""The tail of lab and measurement wording (corpus records and sponsors' templates): criterion
text → canonical rule, the texts that must stay free text, and made-up patients the readings
must not fail wrongly."""

from datetime import date

import pytest

from screening.compile import compile_criterion
from screening.evaluate import Context, evaluate
from screening.logic import Truth
from screening.nodes import is_structured
from screening.patient import patient_from_mapping
from screening.printer import to_text
from screening.rules import parse_rule

AS_OF = date(2026, 11, 20)


@pytest.mark.parametrize("text, kind, rule", [
    # a caveat on how the value was obtained: the limit, and the words, which a coordinator settles
    ("Platelet count > 100,000/mm^3 (transfusion independent*)", "inclusion",
     'platelets > 100000 /mm^3 and text "transfusion independent"'),
    ("Platelets ≥ 100 × 10^9/L without transfusion within 7 days", "inclusion",
     'platelets >= 100 10^9/L and text "without transfusion within 7 days"'),
    ("ANC ≥ 1.5 x 10^9/L without granulocyte colony-stimulating factor support", "inclusion",
     'anc >= 1.5 10^9/L and text "without granulocyte colony-stimulating factor support"'),
    ("Total bilirubin > 1.5 times upper limit of normal (i.e., confirmed on repeat)", "exclusion",
     'total_bilirubin > 1.5 x ULN and text "confirmed on repeat"'),
    ("QTcF > 470 ms (average of triplicate ECGs)", "exclusion", 'qtcf > 470 ms and text "average of triplicate ECGs"'),
    ("QTcF > 470 ms based on the average of triplicate ECGs", "exclusion",
     'qtcf > 470 ms and text "based on the average of triplicate ECGs"'),
    ("ALT > 3 x ULN on two consecutive measurements", "exclusion",
     'alt > 3 x ULN and text "on two consecutive measurements"'),
    ("ALT > 3 x ULN on 2 occasions", "exclusion", 'alt > 3 x ULN and text "on 2 occasions"'),
    # "elevated" before a value above a limit says the comparator again; "elevation" and
    # "increase" only before a multiple of the upper limit of normal (a level, not a rise)
    ("Elevated ALT > 2 x ULN", "exclusion", "alt > 2 x ULN"),
    ("Elevation of prolactin > 2 times upper limit of normal", "exclusion", "prolactin > 2 x ULN"),
    ("Increased creatinine > 1.5 x ULN", "exclusion", "creatinine > 1.5 x ULN"),
    # "abnormal X": X outside its own reference range (or above it, for a value abnormal only when high)
    ("Abnormal albumin-corrected serum calcium levels", "exclusion",
     "not (corrected_calcium <= 1 x ULN and corrected_calcium >= 1 x LLN)"),
    ("Abnormal TSH at screening", "exclusion", "not (tsh <= 1 x ULN and tsh >= 1 x LLN)"),
    ("Abnormal ALT", "exclusion", "not alt <= 1 x ULN"),
    ("Peripheral absolute neutrophil count (ANC) ≥ 750/mm3", "inclusion", "anc >= 750 /mm3"),
    # an exception naming a cause the profile does not record, or only a class of disease, in its
    # words: it lifts the limit for whom the words hold (a named condition is still read)
    ("Bilirubin less than 2.0 mg/dL (unless related to involvement by tumor)", "inclusion",
     'total_bilirubin < 2 mg/dL or text "related to involvement by tumor"'),
    ("Transaminases less than 3 times normal (unless related to involvement by tumor)", "inclusion",
     '(alt < 3 x ULN and ast < 3 x ULN) or text "related to involvement by tumor"'),
    ("Bilirubin < 2 mg/dL unless related to tumor", "inclusion",
     'total_bilirubin < 2 mg/dL or text "related to tumor"'),
    ("ALT > 3 x ULN unless due to tumour involvement", "exclusion",
     'alt > 3 x ULN and not text "due to tumour involvement"'),
    ("Bilirubin > 2 mg/dL unless due to malignancy", "exclusion",
     'total_bilirubin > 2 mg/dL and not text "due to malignancy"'),
    ("ALT > 3 x ULN unless due to liver metastases", "exclusion", "alt > 3 x ULN and not condition liver_metastases"),
    # a permission after a limit: the patient may be brought to it, so missing it does not settle
    ("Hemoglobin ≥ 9.0 g/dL (transfusion allowed)", "inclusion", 'hemoglobin >= 9 g/dL or text "transfusion allowed"'),
    ("Serum calcium within normal limits (correction for albumin allowed)", "inclusion",
     '(calcium <= 1 x ULN and calcium >= 1 x LLN) or text "correction for albumin allowed"'),
    ("Serum potassium outside the normal range (supplementation allowed)", "exclusion",
     'not (potassium <= 1 x ULN and potassium >= 1 x LLN) and not text "supplementation allowed"'),
    # another limit for some patients, written after "or" as it is in parentheses: not either
    # limit for those patients and none for the others
    ("Total bilirubin ≤ 1.5 × ULN or ≤ 3 × ULN for patients with Gilbert's syndrome", "inclusion",
     "total_bilirubin <= 1.5 x ULN or (condition gilberts_syndrome and total_bilirubin <= 3 x ULN)"),
    ("ALT and AST ≤ 2.5 times the upper limit of normal (ULN), or ≤ 5 × ULN for subjects with hepatic metastases",
     "inclusion", "(alt <= 2.5 x ULN and ast <= 2.5 x ULN)"
     " or (condition liver_metastases and (alt <= 5 x ULN and ast <= 5 x ULN))"),
    ("ALT > 3 x ULN or > 5 x ULN for patients with liver metastases", "exclusion",
     "alt > 3 x ULN and (not condition liver_metastases or alt > 5 x ULN)"),
    # a condition that is a value beyond a limit, the limit in parentheses: the latest value
    ("Hypokalemia (< 3.5 mmol/L) or hypomagnesemia (< 1.2 mg/dL)", "exclusion",
     "potassium < 3.5 mmol/L or magnesium < 1.2 mg/dL"),
    ("Thrombocytopenia < 100,000/mm3", "exclusion", "platelets < 100000 /mm3"),
    ("ANC ≥ 1.0 × 10^9/L independent of growth factor support", "inclusion",
     'anc >= 1 10^9/L and text "independent of growth factor support"'),
    # C-peptide in molar units, LDL "fasting"
    ("Random C-peptide ≥ 0.3 nmol/L", "inclusion", "c_peptide >= 0.3 nmol/L"),
    ("Fasting LDL-C ≥ 100 mg/dL (2.6 mmol/L)", "inclusion", "ldl_cholesterol >= 100 mg/dL"),
    # a limit for one sex, written "in males"
    ("QTcF > 450 ms in males or > 470 ms in females", "exclusion", "(male and qtcf > 450 ms) or (female and qtcf > 470 ms)"),
    ("Hemoglobin < 13 g/dL in men or < 12 g/dL in women", "exclusion",
     "(male and hemoglobin < 13 g/dL) or (female and hemoglobin < 12 g/dL)"),
    # "normal limits" without "within"
    ("TSH outside normal limits", "exclusion", "not (tsh <= 1 x ULN and tsh >= 1 x LLN)"),
    # "2-hour OGTT" names the 2-hour plasma glucose of the test
    ("Fasting plasma glucose ≥ 126 mg/dL or 2-hour OGTT ≥ 200 mg/dL", "exclusion",
     "fasting_glucose >= 126 mg/dL or oral_glucose_tolerance_test >= 200 mg/dL"),
    # a clearance per body surface or not: either is read, and compared through the patient's
    ("Creatinine clearance or radioisotope glomerular filtration rate at least 70 mL/min", "inclusion",
     "creatinine_clearance >= 70 mL/min or measured_gfr >= 70 mL/min"),
    ("Creatinine clearance ≥ 60 mL/min/1.73 m2", "inclusion", "creatinine_clearance >= 60 mL/min/1.73m2"),
    # "above (institutional) normal" is above the upper limit, "below normal" under the lower
    ("Creatinine within normal institutional limits OR creatinine clearance ≥ 60 mL/min/1.73 m^2 for patients with "
     "creatinine levels above institutional normal", "inclusion",
     "if creatinine > 1 x ULN then (creatinine <= 1 x ULN or creatinine_clearance >= 60 mL/min/1.73m^2)"),
    ("Hemoglobin below normal", "exclusion", "hemoglobin < 1 x LLN"),
    # a threshold written as a power of ten (but "× 10^9/L" is a unit)
    ("HBV DNA ≥ 10^4 IU/mL", "inclusion", "hbv_dna >= 10000 IU/mL"),
    ("HIV RNA > 10^5 copies/mL", "exclusion", "hiv_viral_load > 100000 copies/mL"),
    ("ANC ≥ 1.5 x 10^9/L", "inclusion", "anc >= 1.5 10^9/L"),
    # the clinic blood pressure is taken seated
    ("Sitting systolic blood pressure ≥ 180 mmHg or diastolic ≥ 110 mmHg", "exclusion",
     "systolic_blood_pressure >= 180 mmHg or diastolic_blood_pressure >= 110 mmHg"),
])
def test_labs_tail_constructs(text, kind, rule):
    compiled = compile_criterion(text, kind).rule
    assert to_text(compiled) == rule
    assert parse_rule(rule) == compiled


@pytest.mark.parametrize("text, kind", [
    # a caveat on a condition, or on a limit that is negated, says something else
    ("History of hypertension without transfusion", "exclusion"),
    ("No platelets < 50000 without transfusion", "inclusion"),
    # a rise by an amount is a change, not a level
    ("Increased serum creatinine > 0.3 mg/dL", "exclusion"),
    # either or both of them; and an "abnormal" value that a limit after it defines
    ("Abnormal prolactin and TSH", "exclusion"),
    ("Abnormal ALT (> 3 x ULN)", "exclusion"),
    # a limit for patients over an age, which the words after it do not say as a duration
    ("Creatinine ≤ 1.5 mg/dL or ≤ 2 mg/dL for patients over 65 years", "inclusion"),
    # a past episode is not the latest value, nor is a qualifier the value says nothing of
    ("History of thrombocytopenia (< 50,000/mm3)", "exclusion"),
    ("Uncontrolled hypercalcemia (> 11.5 mg/dL)", "exclusion"),
    # a value beyond the limit over time, which the latest value alone does not say
    ("Persistent ALT > 3 x ULN", "exclusion"),
    ("Persistent neutropenia (ANC < 1000/mm3)", "exclusion"),
])
def test_labs_tail_stays_free_text(text, kind):
    assert not is_structured(compile_criterion(text, kind).rule)
    assert to_text(compile_criterion(text, kind).rule).startswith("text ")


def screened(text: str, kind: str, **profile) -> Truth:
    """The truth of a criterion's statement for a made-up patient."""
    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), **profile})
    return evaluate(compile_criterion(text, kind).rule, Context(patient=patient, as_of=AS_OF)).truth


def lab(name, value, unit=None, **extra):
    return {"name": name, "value": value, "date": "2026-11-10", **({"unit": unit} if unit else {}), **extra}


def test_a_single_high_value_does_not_exclude_when_it_must_be_confirmed():
    text = "Total bilirubin > 1.5 times upper limit of normal (i.e., confirmed on repeat)"
    high = [lab("total bilirubin", 3.0, "mg/dL", ref_high=1.2)]
    normal = [lab("total bilirubin", 0.8, "mg/dL", ref_high=1.2)]
    assert screened(text, "exclusion", labs=high) is Truth.UNKNOWN
    assert screened(text, "exclusion", labs=normal) is Truth.FALSE


def test_a_low_count_fails_a_transfusion_independent_limit_and_a_high_one_is_unknown():
    text = "Platelet count > 100,000/mm^3 (transfusion independent)"
    assert screened(text, "inclusion", labs=[lab("platelets", 50000, "/mm3")]) is Truth.FALSE
    assert screened(text, "inclusion", labs=[lab("platelets", 150000, "/mm3")]) is Truth.UNKNOWN


def test_abnormal_needs_the_reference_range():
    text = "Abnormal albumin-corrected serum calcium levels"
    assert screened(text, "exclusion", labs=[lab("corrected calcium", 9.5, "mg/dL")]) is Truth.UNKNOWN
    in_range = [lab("corrected calcium", 9.5, "mg/dL", ref_low=8.5, ref_high=10.2)]
    high = [lab("corrected calcium", 11.0, "mg/dL", ref_low=8.5, ref_high=10.2)]
    assert screened(text, "exclusion", labs=in_range) is Truth.FALSE
    assert screened(text, "exclusion", labs=high) is Truth.TRUE


def test_an_exception_in_words_decides_only_what_the_limit_settles():
    inclusion = "Bilirubin less than 2.0 mg/dL (unless related to involvement by tumor)"
    assert screened(inclusion, "inclusion", labs=[lab("total bilirubin", 1.0, "mg/dL")]) is Truth.TRUE
    assert screened(inclusion, "inclusion", labs=[lab("total bilirubin", 3.0, "mg/dL")]) is Truth.UNKNOWN
    # a cancer patient's high bilirubin is not thereby due to the cancer
    cancer = {"conditions": [{"name": "malignancy"}]}
    assert screened(inclusion, "inclusion", labs=[lab("total bilirubin", 3.0, "mg/dL")], **cancer) is Truth.UNKNOWN
    exclusion = "ALT > 3 x ULN unless due to tumour involvement"
    assert screened(exclusion, "exclusion", labs=[lab("ALT", 30, "U/L", ref_high=40)]) is Truth.FALSE
    assert screened(exclusion, "exclusion", labs=[lab("ALT", 300, "U/L", ref_high=40)]) is Truth.UNKNOWN


def judged(rule: str, **profile) -> Truth:
    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), **profile})
    return evaluate(parse_rule(rule), Context(patient=patient, as_of=AS_OF)).truth


def vital(name, value, unit):
    return {"name": name, "value": value, "unit": unit, "date": "2026-11-10"}


@pytest.mark.parametrize("clearance, body, truth", [
    # no body surface: the two units cannot be compared
    (100, [], Truth.UNKNOWN),
    # 100 mL/min at 1.9 m² is 91 mL/min/1.73 m², and 100 as written: both meet 60
    (100, [vital("BSA", 1.9, "m2")], Truth.TRUE),
    # 40 mL/min fails either way
    (40, [vital("BSA", 1.9, "m2")], Truth.FALSE),
    # 62 mL/min at 1.9 m² is 56.5 per 1.73 m² but 62 as written: the readings disagree
    (62, [vital("BSA", 1.9, "m2")], Truth.UNKNOWN),
    # 65 mL/min at 1.58 m² (160 cm, 56 kg) is 71 per 1.73 m²: both meet 60
    (65, [vital("height", 160, "cm"), vital("weight", 56, "kg")], Truth.TRUE),
])
def test_a_clearance_per_body_surface_is_compared_through_the_patients(clearance, body, truth):
    labs = [lab("creatinine clearance", clearance, "mL/min")]
    assert judged("creatinine_clearance >= 60 mL/min/1.73m2", labs=labs, vitals=body) is truth


def test_a_clearance_may_be_recorded_per_body_surface():
    labs = [lab("creatinine clearance", 80, "mL/min/1.73m2")]
    assert judged("creatinine_clearance >= 60 mL/min", labs=labs, vitals=[vital("BSA", 1.73, "m2")]) is Truth.TRUE


def test_a_patient_who_may_be_transfused_to_the_limit_is_not_failed():
    text = "Hemoglobin ≥ 9.0 g/dL (transfusion allowed)"
    assert screened(text, "inclusion", labs=[lab("hemoglobin", 8.5, "g/dL")]) is Truth.UNKNOWN
    assert screened(text, "inclusion", labs=[lab("hemoglobin", 10, "g/dL")]) is Truth.TRUE
    low_potassium = [lab("potassium", 3.0, "mmol/L", ref_low=3.5, ref_high=5.1)]
    text = "Serum potassium outside the normal range (supplementation allowed)"
    assert screened(text, "exclusion", labs=low_potassium) is Truth.UNKNOWN


def test_c_peptide_in_molar_units():
    assert screened("Random C-peptide ≥ 0.3 nmol/L", "inclusion", labs=[lab("C-peptide", 1.0, "ng/mL")]) is Truth.TRUE
    assert screened("Random C-peptide ≥ 0.3 nmol/L", "inclusion", labs=[lab("C-peptide", 0.8, "ng/mL")]) is Truth.FALSE
