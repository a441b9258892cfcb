"""Known gaps in the criteria language, round 5: criterion text → canonical rule, what the reading
means for a made-up patient, and the near misses that must stay free text."""

import pytest

from screening.compile import compile_criterion
from screening.logic import Truth
from screening.nodes import FreeText
from screening.printer import to_text

from made_up import outcome


@pytest.mark.parametrize("text, kind, rule", [
    # how long a procedure that goes on has gone on
    ("On hemodialysis for at least 3 months", "inclusion", "procedure hemodialysis lasting >= 3 months"),
    ("Receiving peritoneal dialysis for ≥ 90 days", "inclusion", "procedure peritoneal_dialysis lasting >= 90 days"),
    ("On mechanical ventilation for > 48 hours", "inclusion", "procedure mechanical_ventilation lasting > 48 hours"),
    ("Patients on maintenance hemodialysis for at least 3 months", "inclusion",
     "procedure chronic_hemodialysis lasting >= 3 months"),
    ("Dialysis for less than 3 months", "exclusion", "procedure dialysis lasting < 3 months"),
    # none for so long is none inside that time, as for a drug
    ("No major surgery for at least 4 weeks", "inclusion", "not procedure major_surgery within 4 weeks before screening"),
    # spirometry before or after a bronchodilator: measurements of their own
    ("Post-bronchodilator FEV1 ≥ 40% predicted", "inclusion", "post_bd_fev1_percent_predicted >= 40 %"),
    ("Pre-BD FEV1/FVC < 0.70", "inclusion", "pre_bd_fev1_fvc_ratio < 0.7"),
    ("Post-bronchodilator FEV1/FVC ratio < 0.70", "inclusion", "post_bd_fev1_fvc_ratio < 0.7"),
    ("FEV1 post-bronchodilator ≥ 30% and < 80% predicted", "inclusion",
     "post_bd_fev1_percent_predicted >= 30 % and post_bd_fev1_percent_predicted < 80 %"),
    ("Pre-bronchodilator FEV1 between 40% and 80% of predicted", "inclusion",
     "pre_bd_fev1_percent_predicted >= 40 % and pre_bd_fev1_percent_predicted <= 80 %"),
    ("Post-bronchodilator FEV1/FVC ratio < 0.70 and post-bronchodilator FEV1 ≥ 1.0 L", "inclusion",
     "post_bd_fev1_fvc_ratio < 0.7 and post_bd_fev1 >= 1 L"),
    ("FEV1 ≥ 40% predicted", "inclusion", "fev1_percent_predicted >= 40 %"),
    # whom a limit is for, written without a verb: asked of those patients (an exclusion: both)
    ("Patients with liver metastases: ALT ≤ 5 × ULN", "inclusion", "if condition liver_metastases then alt <= 5 x ULN"),
    ("Subjects with liver metastases ALT ≤ 5 × ULN", "inclusion", "if condition liver_metastases then alt <= 5 x ULN"),
    ("Patients with bone metastases, ALP ≤ 5 × ULN", "inclusion", "if condition bone_metastases then alp <= 5 x ULN"),
    ("In subjects with bone metastases, ALP ≤ 5 × ULN", "inclusion", "if condition bone_metastases then alp <= 5 x ULN"),
    ("For patients with Gilbert's syndrome bilirubin ≤ 3 × ULN", "inclusion",
     "if condition gilberts_syndrome then total_bilirubin <= 3 x ULN"),
    ("Participants with liver metastases: AST and ALT ≤ 5 × ULN", "inclusion",
     "if condition liver_metastases then (alt <= 5 x ULN and ast <= 5 x ULN)"),
    ("Patients with type 2 diabetes: HbA1c ≥ 7%", "inclusion", "if condition type_2_diabetes then hba1c >= 7 %"),
    ("Patients with liver metastases ALT > 5 × ULN", "exclusion", "condition liver_metastases and alt > 5 x ULN"),
    # … and beside a limit on the same value, the looser one for them
    ("ALT ≤ 2.5 × ULN; patients with liver metastases: ALT ≤ 5 × ULN", "inclusion",
     "(alt <= 2.5 x ULN or (condition liver_metastases and alt <= 5 x ULN)) and "
     "(if condition liver_metastases then alt <= 5 x ULN)"),
    ("Total bilirubin ≤ 1.5 × ULN (for patients with Gilbert's syndrome, ≤ 3 × ULN)", "inclusion",
     "total_bilirubin <= 1.5 x ULN or (condition gilberts_syndrome and total_bilirubin <= 3 x ULN)"),
    ("Total bilirubin ≤ 1.5 × ULN (for patients with Gilbert's syndrome: total bilirubin ≤ 3 × ULN)", "inclusion",
     "total_bilirubin <= 1.5 x ULN or (condition gilberts_syndrome and total_bilirubin <= 3 x ULN)"),
    # letters that stand for different things, read from the field of the names beside them
    ("Moderate or severe MS or aortic stenosis", "exclusion",
     "(condition mitral_stenosis [moderate] or condition mitral_stenosis [severe]) or "
     "(condition aortic_stenosis [moderate] or condition aortic_stenosis [severe])"),
    ("MS or other demyelinating disease", "exclusion", "condition multiple_sclerosis or condition demyelinating_disease"),
    ("Diagnosis of MS with EDSS ≤ 5.5", "inclusion", "condition multiple_sclerosis and edss <= 5.5"),
    ("Family history of SCD or cardiomyopathy", "exclusion",
     "family_history sudden_cardiac_death or family_history cardiomyopathy"),
    ("Relapsing MS", "inclusion", "condition relapsing_multiple_sclerosis"),
    # what a treatment was given for
    ("Prior chemotherapy for advanced NSCLC", "exclusion", "medication chemotherapy [history] for (nsclc [advanced])"),
    ("No prior chemotherapy for advanced NSCLC", "inclusion",
     "not medication chemotherapy [history] for (nsclc [advanced])"),
    ("Prior treatment with an anti-PD-1 for melanoma", "inclusion", "medication pd1_inhibitor [history] for (melanoma)"),
    ("Prior radiotherapy for prostate cancer", "exclusion", "procedure radiotherapy [history] for (prostate_cancer)"),
    ("Radiotherapy for bone metastases within 2 weeks", "exclusion",
     "procedure radiotherapy for (bone_metastases) within 2 weeks before screening"),
])
def test_known_gaps(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # how long, with a time it is counted to: not said which ("… within the past year" is read by
    # round 9, deciding only what every reading would: see test_compile_time9)
    ("Hemodialysis for at least 3 months before screening", "inclusion"),
    # names listed after a measurement taken one way may be taken that way too
    ("Post-bronchodilator FEV1 and FVC ≥ 50% predicted", "inclusion"),
    ("Post-BD FEV1, FVC and FEV1/FVC within normal limits", "exclusion"),
    # the way of measuring written apart from the name
    ("FEV1 (post-bronchodilator) ≥ 40% predicted", "inclusion"),
    ("FEV1 ≥ 40% predicted after bronchodilator", "inclusion"),
    # a population or whom a value is asked of? (with a colon, or an organ's limit, it is said)
    ("Patients with type 2 diabetes, HbA1c 7-10%", "inclusion"),
    ("Patients with type 2 diabetes HbA1c ≥ 7%", "inclusion"),
    ("Patients with NSCLC, ECOG 0-1", "inclusion"),
    # after a first limit and a comma (had read as a requirement of the metastases too)
    ("ALT ≤ 2.5 × ULN, patients with liver metastases ALT ≤ 5 × ULN", "inclusion"),
    ("Creatinine ≤ 1.5 mg/dL, patients with diabetes HbA1c < 8%", "inclusion"),
    # the patients' own limit on another value, in the parenthesis of a first
    ("Total bilirubin ≤ 1.5 × ULN (for patients with Gilbert's syndrome, AST ≤ 3 × ULN)", "inclusion"),
    # the limit after the patients is the others' ("otherwise")
    ("Total bilirubin ≤ 3 × ULN for patients with Gilbert's syndrome, ≤ 1.5 × ULN otherwise", "inclusion"),
    # letters with several readings and nothing beside them to settle which
    ("History of MS", "exclusion"),
    ("History of SCD", "exclusion"),
    # a heart disease an MS patient may well have, or one cut off by a negation, settles nothing
    ("Patients with MS and controlled hypertension", "inclusion"),
    ("Diagnosis of MS and no history of valvular heart disease", "inclusion"),
    ("History of SCD and hypertension", "exclusion"),
    # for which of the diseases? ("Prior chemotherapy or radiotherapy for NSCLC", for each of the
    # treatments, is read in round 8: it can only exclude fewer)
    ("Chemotherapy for breast cancer or lymphoma", "exclusion"),
])
def test_what_could_be_misread_stays_free_text(text, kind):
    assert isinstance(compile_criterion(text, kind).rule, FreeText)


@pytest.mark.parametrize("procedure, truth", [
    ({"name": "hemodialysis", "start": "2025-06-01"}, Truth.TRUE),
    ({"name": "hemodialysis", "start": "2026-10-01"}, Truth.FALSE),
    ({"name": "hemodialysis", "date": "2025-06-01"}, Truth.UNKNOWN),  # one day: how long is not recorded
])
def test_on_dialysis_for_three_months(procedure, truth):
    rule = to_text(compile_criterion("On hemodialysis for at least 3 months", "inclusion").rule)
    assert outcome(rule, procedures=[procedure], complete=["procedures"]).truth is truth


LIVER_METASTASES = {"name": "liver metastases"}


@pytest.mark.parametrize("conditions, alt, truth", [
    ([], 2.0, Truth.TRUE),                    # no liver metastases: the general limit
    ([], 4.0, Truth.FALSE),
    ([LIVER_METASTASES], 4.0, Truth.TRUE),    # the looser limit for them
    ([LIVER_METASTASES], 6.0, Truth.FALSE),
])
def test_a_limit_for_patients_with_liver_metastases(conditions, alt, truth):
    rule = to_text(compile_criterion("ALT ≤ 2.5 × ULN; patients with liver metastases: ALT ≤ 5 × ULN",
                                     "inclusion").rule)
    lab = {"name": "ALT", "value": alt * 40, "unit": "U/L", "ref_high": 40, "date": "2026-11-10"}
    result = outcome(rule, conditions=conditions, labs=[lab], complete=["conditions"])
    assert result.truth is truth


def test_a_limit_for_some_patients_does_not_require_their_condition():
    rule = to_text(compile_criterion("Subjects with liver metastases ALT ≤ 5 × ULN", "inclusion").rule)
    lab = {"name": "ALT", "value": 30, "unit": "U/L", "ref_high": 40, "date": "2026-11-10"}
    assert outcome(rule, conditions=[], labs=[lab], complete=["conditions"]).truth is Truth.TRUE
