"""Findings of an examination or test, organ-system disease classes and a disease's involvement of
an organ: what is read, what stays words, and how the readings decide."""

import pytest

from screening.compile import compile_criterion, compile_trial
from screening.evaluate import Context, evaluate
from screening.logic import Truth
from screening.nodes import is_structured
from screening.patient import patient_from_mapping
from screening.printer import to_text
from screening.trial import Criterion, Trial

from made_up import AS_OF, outcome


@pytest.mark.parametrize("text, kind, rule", [
    # the brain and spinal cord, not any part of the nervous system
    ("central nervous system disorder", "exclusion", "condition cns_disease"),
    ("History of central nervous system disorder", "exclusion", "condition cns_disease [history]"),
    ("Any CNS disease", "exclusion", "condition cns_disease"),
    ("Diseases of the central nervous system", "exclusion", "condition cns_disease"),
    ("Any neurological disease", "exclusion", "condition neurological_disease"),
    ("History of central nervous system (CNS) disease", "exclusion", "condition cns_disease [history]"),
    ("History of seizures or other CNS disorder", "exclusion",
     "condition seizure [history] or condition cns_disease [history]"),
    # a cancer in the bone marrow or the liver
    ("Bone marrow involvement", "exclusion", "condition bone_marrow_involvement"),
    ("Known bone marrow involvement", "exclusion", "condition bone_marrow_involvement"),
    ("Bone marrow metastases", "exclusion", "condition bone_marrow_involvement"),
    ("liver involvement by tumor", "exclusion", "condition liver_involvement"),
    ("Hepatic involvement by tumour", "exclusion", "condition liver_involvement"),
    ("Platelets ≥ 75,000/mm3 (≥ 50,000/mm3 if bone marrow involvement)", "inclusion",
     "platelets >= 75000 /mm3 or (condition bone_marrow_involvement and platelets >= 50000 /mm3)"),
    ("AST and ALT ≤ 2.5 × ULN (≤ 5 × ULN in case of liver involvement by tumor)", "inclusion",
     "(alt <= 2.5 x ULN and ast <= 2.5 x ULN) or "
     "(condition liver_involvement and (alt <= 5 x ULN and ast <= 5 x ULN))"),
    # a site of a named cancer: both, and the words that say one is in the other
    ("Lymphoma with CNS involvement", "exclusion",
     'condition lymphoma and condition cns_involvement and text "with CNS involvement"'),
    ("Active CNS involvement by lymphoma", "exclusion",
     'condition cns_involvement [active] and condition lymphoma and text "by lymphoma"'),
    ("Bone marrow involvement by lymphoma", "exclusion",
     'condition bone_marrow_involvement and condition lymphoma and text "by lymphoma"'),
    ("Diffuse large B-cell lymphoma with bone marrow involvement", "inclusion",
     'condition diffuse_large_b_cell_lymphoma and condition bone_marrow_involvement and '
     'text "with bone marrow involvement"'),
    # organ systems, named by an adjective or "disease of the …"
    ("History of immunologic disease", "exclusion", "condition immune_system_disease [history]"),
    ("History of cardiovascular, renal, musculoskeletal or dermatological disorders", "exclusion",
     "condition cardiovascular_disease [history] or condition kidney_disease [history] or "
     "condition musculoskeletal_disease [history] or condition skin_disease [history]"),
    ("Evidence of clinically significant hepatic, renal, cardiac, pulmonary, metabolic, endocrine, or "
     "gastrointestinal disease", "exclusion",
     'judgement "clinically significant" and (condition liver_disease or condition kidney_disease or '
     'condition heart_disease or condition pulmonary_disease or condition metabolic_disease or '
     'condition endocrine_disease or condition gastrointestinal_disease)'),
    ("Liver problems", "exclusion", "condition liver_disease"),
    ("Kidney problems", "exclusion", "condition kidney_disease"),
    ("Known disease of the liver", "exclusion", "condition liver_disease"),
    ("Disorders of the heart", "exclusion", "condition heart_disease"),
    ("Diseases of the heart, liver or kidney", "exclusion",
     "condition heart_disease or condition liver_disease or condition kidney_disease"),
    ("Disease of the heart, lungs, liver or kidneys", "exclusion",
     "condition heart_disease or condition pulmonary_disease or condition liver_disease or condition kidney_disease"),
    # "clinically significant X" is X, and whether it is significant the investigator's call
    ("Clinically significant cardiovascular disease", "exclusion",
     'judgement "Clinically significant" and condition cardiovascular_disease'),
    ("Clinically significant cardiac disease is not allowed", "exclusion",
     'judgement "Clinically significant" and condition heart_disease'),
    ("Significant liver or kidney disease", "exclusion",
     'judgement "Significant" and (condition liver_disease or condition kidney_disease)'),
    ("History of clinically significant liver disease", "exclusion",
     'judgement "clinically significant" and condition liver_disease [history]'),
    ("Clinically significant abnormal ECG at screening", "exclusion",
     'judgement "Clinically significant" and ecg_abnormality in {yes}'),
    ("Clinically significant cardiovascular, respiratory, renal, hepatic, gastrointestinal, endocrine, "
     "hematological, neurological or psychiatric disease", "exclusion",
     'judgement "Clinically significant" and (condition cardiovascular_disease or condition pulmonary_disease or '
     'condition kidney_disease or condition liver_disease or condition gastrointestinal_disease or '
     'condition endocrine_disease or condition hematologic_disease or condition neurological_disease or '
     'condition psychiatric_disorder)'),
    ("Significant history of cardiovascular, pulmonary, hepatic, immunologic, dermatologic, or psychiatric disease",
     "exclusion",
     'judgement "Significant" and (condition cardiovascular_disease [history] or condition pulmonary_disease '
     '[history] or condition liver_disease [history] or condition immune_system_disease [history] or '
     'condition skin_disease [history] or condition psychiatric_disorder [history])'),
    # what a tracing shows, in an exclusion: the conditions, and the words beside them
    ("Electrocardiographic evidence of ischemia, arrhythmia, conduction defect, or myocardial infarction",
     "exclusion",
     "(condition ischemia or condition arrhythmia or condition cardiac_conduction_disorder or "
     'condition myocardial_infarction) and text "Electrocardiographic evidence of"'),
    ("ECG evidence of left ventricular hypertrophy", "exclusion",
     'condition left_ventricular_hypertrophy and text "ECG evidence of"'),
    ("Evidence of myocardial ischemia on ECG", "exclusion",
     'condition ischemic_heart_disease and text "on ECG"'),
    ("Atrial fibrillation on Holter monitoring", "exclusion", 'condition atrial_fibrillation and text "on Holter monitoring"'),
    # after a value, a tracing only says how it was measured
    ("QTc > 470 msec on ECG", "exclusion", "qtc > 470 msec"),
    ("Resting ECG evidence of second or third degree AV block", "exclusion",
     '(condition second_degree_av_block or condition third_degree_av_block) and text "Resting ECG evidence of"'),
    # motor as sensory neuropathy: a kind of peripheral neuropathy, graded on CTCAE
    ("Peripheral motor neuropathy", "exclusion", "condition peripheral_motor_neuropathy"),
    ("Grade ≥ 2 peripheral sensory or motor neuropathy", "exclusion",
     "condition peripheral_sensory_neuropathy grade >= 2 or condition peripheral_motor_neuropathy grade >= 2"),
    # what a test's report says, recorded on the procedure
    ("Abnormal electroretinogram (ERG)", "exclusion", "erg_abnormality in {yes}"),
    ("Abnormal EEG", "exclusion", "eeg_abnormality in {yes}"),
    ("Abnormal electrocardiogram", "exclusion", "ecg_abnormality in {yes}"),
    ("Abnormal chest radiograph", "exclusion", "chest_xray_abnormality in {yes}"),
    ("Abnormal echocardiogram", "exclusion", "echocardiogram_abnormality in {yes}"),
    ("Clinically significant abnormal EEG", "exclusion", 'judgement "Clinically significant" and eeg_abnormality in {yes}'),
])
def test_findings_constructs(text, kind, rule):
    compiled = compile_criterion(text, kind)
    assert to_text(compiled.rule) == rule
    assert not compiled.errors


STAYS_WORDS = [
    ("Epileptiform activity on EEG", "exclusion"),  # narrower than abnormal
    ("Unable to achieve 4 metabolic equivalents", "exclusion"),
    ("Diseases of the central nervous system or peripheral nervous system", "exclusion"),
    ("Any clinically significant medical condition", "exclusion"),  # a general head with nothing to narrow it
    # a tracing may show what the problem list does not: an inclusion is not failed for its absence
    ("ECG evidence of left ventricular hypertrophy", "inclusion"),
    ("ECG evidence of myocardial infarction within 6 months", "exclusion"),
    ("ECG evidence of QTc > 470 msec", "exclusion"),
    ("Ischemia or arrhythmia on ECG", "exclusion"),  # which of them the words are said of
    # bare "liver involvement" may be amyloid or sarcoid in the liver
    ("Known liver involvement", "exclusion"),
    ("Cardiac involvement", "inclusion"),
    ("Renal involvement", "exclusion"),
    ("Leukemic involvement of the central nervous system", "exclusion"),
    ("Brain metastases with leptomeningeal disease", "exclusion"),
    # a list of organs after one "disease of": read only when every organ's disease is known
    ("Disease of the heart, liver, or spleen", "exclusion"),
    ("Diseases of the heart or blood vessels", "exclusion"),
    # "no clinically significant X" is not "no X"; "that would interfere" is not X
    ("No clinically significant cardiac disease", "inclusion"),
    ("Clinically significant cardiac disease is not allowed", "inclusion"),
    ("Free of clinically significant cardiac disease", "inclusion"),
    ("Cardiac disease that is clinically significant in the opinion of the investigator", "exclusion"),
    ("Clinically significant abnormal laboratory values", "exclusion"),
    ("Clinically significant abnormal findings on physical examination, ECG or laboratory tests at screening",
     "exclusion"),
    # (a serious, unstable illness is a medical condition so narrowed, as a serious medical
    # condition is: test_compile_conditions8; a terminal one is not said to be any condition)
    ("Terminal illness", "exclusion"),
    ("Lymphoma involving the central nervous system", "exclusion"),
    ("A history of disease that may affect the central nervous system", "exclusion"),
]


@pytest.mark.parametrize("text, kind", STAYS_WORDS)
def test_what_could_be_misread_stays_free_text(text, kind):
    assert not is_structured(compile_criterion(text, kind).rule)


def _conditions(*names):
    return {"conditions": [{"name": n} for n in names], "complete": ["conditions"]}


@pytest.mark.parametrize("names, truth", [
    (("carpal tunnel syndrome",), Truth.FALSE),       # a nerve entrapment: no disease of the brain or cord
    (("peripheral neuropathy",), Truth.FALSE),
    (("epilepsy",), Truth.TRUE),
    (("multiple sclerosis",), Truth.TRUE),
    (("ischemic stroke",), Truth.TRUE),
    (("Alzheimer's disease",), Truth.TRUE),
    (("migraine",), Truth.TRUE),
    (("Friedreich ataxia",), Truth.TRUE),
    (("optic neuritis",), Truth.TRUE),
    (("neurological disease",), Truth.UNKNOWN),       # recorded only by the broader name
])
def test_a_cns_disorder_is_of_the_brain_or_spinal_cord(names, truth):
    assert outcome("condition cns_disease", **_conditions(*names)).truth is truth


@pytest.mark.parametrize("names, truth", [
    (("liver metastases",), Truth.TRUE),
    (("bone metastases",), Truth.FALSE),
    ((), Truth.FALSE),
])
def test_liver_metastases_are_liver_involvement_by_tumor(names, truth):
    assert outcome("condition liver_involvement", **_conditions(*names)).truth is truth


@pytest.mark.parametrize("names, truth", [
    ((), Truth.FALSE),                           # no heart disease: none that is significant
    (("hypertension",), Truth.UNKNOWN),          # significant or not is the investigator's call
    (("atrial fibrillation",), Truth.UNKNOWN),
])
def test_clinically_significant_disease_is_the_disease_judged(names, truth):
    rule = compile_criterion("Clinically significant cardiovascular disease", "exclusion").rule
    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), **_conditions(*names)})
    assert evaluate(rule, Context(patient=patient, as_of=AS_OF)).truth is truth


@pytest.mark.parametrize("names, truth", [
    ((), Truth.FALSE),
    (("coronary artery disease",), Truth.UNKNOWN),   # a normal tracing now is possible
    (("critical limb ischemia",), Truth.UNKNOWN),    # ischemia, but of a leg
    (("atrial fibrillation",), Truth.UNKNOWN),
    (("asthma",), Truth.FALSE),
])
def test_what_a_tracing_shows_waits_for_the_tracing(names, truth):
    rule = compile_criterion("Electrocardiographic evidence of ischemia, arrhythmia, conduction defect, or "
                             "myocardial infarction", "exclusion").rule
    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), **_conditions(*names)})
    assert evaluate(rule, Context(patient=patient, as_of=AS_OF)).truth is truth


@pytest.mark.parametrize("findings, day, truth", [
    ({"erg_abnormality": True}, "2026-10-01", Truth.TRUE),
    ({"erg_abnormality": False}, "2026-10-01", Truth.FALSE),
    ({}, "2026-10-01", Truth.UNKNOWN),
])
def test_an_abnormal_electroretinogram_is_read_from_the_procedure(findings, day, truth):
    procedures = [{"name": "electroretinography", "date": day, "findings": findings}]
    assert outcome("erg_abnormality in {yes}", procedures=procedures).truth is truth


def test_the_cancer_a_site_is_of_is_the_patients_own_in_a_trial_of_it():
    # excepted as "another" lymphoma, it had let a DLBCL patient with CNS involvement through
    texts = ["CNS involvement by lymphoma", "Prior malignancy"]
    trial = Trial(nct_id="NCT00000001", conditions=("Diffuse Large B-Cell Lymphoma",),
                  criteria=tuple(Criterion(id=f"E{k + 1}", kind="exclusion", text=t) for k, t in enumerate(texts)))
    rules = compile_trial(trial).rules
    assert to_text(rules["E1"]) == 'condition cns_involvement and condition lymphoma and text "by lymphoma"'
    assert "except (diffuse_large_b_cell_lymphoma" in to_text(rules["E2"])


@pytest.mark.parametrize("names, truth", [
    (("follicular lymphoma",), Truth.FALSE),
    (("follicular lymphoma", "CNS involvement"), Truth.UNKNOWN),
    (("follicular lymphoma", "leptomeningeal disease"), Truth.UNKNOWN),
    (("diffuse large B-cell lymphoma",), Truth.UNKNOWN),    # it may be a primary CNS lymphoma
])
def test_cns_involvement_by_lymphoma_waits_when_both_are_recorded(names, truth):
    rule = compile_criterion("Active CNS involvement by lymphoma", "exclusion").rule
    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), **_conditions(*names)})
    assert evaluate(rule, Context(patient=patient, as_of=AS_OF)).truth is truth


def test_a_neuropathy_recorded_without_its_kind_may_be_motor():
    conditions = {"conditions": [{"name": "peripheral neuropathy", "grade": 2}], "complete": ["conditions"]}
    assert outcome("condition peripheral_motor_neuropathy grade >= 2", **conditions).truth is Truth.UNKNOWN


def test_coronary_disease_with_a_normal_tracing_is_not_ischemia_on_ecg():
    # the method was dropped, and a record of coronary artery disease excluded the patient
    rule = compile_criterion("Evidence of myocardial ischemia on ECG", "exclusion").rule
    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), **_conditions("coronary artery disease")})
    assert evaluate(rule, Context(patient=patient, as_of=AS_OF)).truth is Truth.UNKNOWN
