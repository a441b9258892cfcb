"""Round 9, specialty measures, scales and findings: dental indices, the Cobb angle and angles in
degrees, a score's limit written before its name ("a score of 20 or more on the HAM-D"), upright
spirometry; what must stay words, and made-up patients for the verdicts that matter."""

import pytest

from screening.compile import compile_criterion
from screening.logic import Truth
from screening.printer import to_text

from made_up import outcome


@pytest.mark.parametrize("text, kind, rule", [
    # dentistry: the DMFT index counts decayed, missing and filled permanent teeth
    ("More than 5 decayed, missing, or filled teeth", "inclusion", "dmft_index > 5"),
    ("DMFT ≥ 3", "inclusion", "dmft_index >= 3"),
    ("DMFT score of at least 4", "inclusion", "dmft_index >= 4"),
    ("Gingival index ≥ 1", "inclusion", "gingival_index >= 1"),
    ("MGI ≥ 2", "inclusion", "modified_gingival_index >= 2"),
    ("Silness-Löe plaque index of at least 1.5", "inclusion", "silness_loe_plaque_index >= 1.5"),
    ("Quigley-Hein plaque index ≥ 1.5", "inclusion", "quigley_hein_plaque_index >= 1.5"),
    # the Cobb angle, in degrees (a bare "°" is the angle's own unit)
    ("Adolescent idiopathic scoliosis with a Cobb angle of 20-50°", "inclusion",
     "condition adolescent_idiopathic_scoliosis and (cobb_angle >= 20 and cobb_angle <= 50)"),
    ("Cobb angle ≥ 40 degrees", "inclusion", "cobb_angle >= 40 degrees"),
    ("Major curve Cobb angle of 10 to 25 degrees", "inclusion",
     "cobb_angle >= 10 degrees and cobb_angle <= 25 degrees"),
    # a temperature in degrees names its scale
    ("Temperature ≥ 38 degrees C", "exclusion", "temperature >= 38 °C"),
    ("Fever > 38 degrees Celsius", "exclusion", "temperature > 38 °C"),
    ("Fever ≥ 100.4 degrees F", "exclusion", "temperature >= 100.4 °F"),
    # a limit written after the number, before the score's name
    ("A score of 20 or more on the HAM-D", "inclusion", "ham_d >= 20"),
    ("Score of 20 or higher on the MADRS", "inclusion", "madrs >= 20"),
    ("A total score of 22 or greater on the MADRS at screening", "inclusion", "madrs >= 22"),
    ("A score of 12 or less on the YMRS", "inclusion", "ymrs <= 12"),
    ("6 or more swollen joints and 6 or more tender joints", "inclusion",
     "swollen_joint_count >= 6 and tender_joint_count >= 6"),
    ("A score of 10 to 20 on the MADRS", "inclusion", "madrs >= 10 and madrs <= 20"),
    # a score of a moment the vocabulary names: the Apgar score at 1, 5 or 10 minutes
    ("Apgar score < 7 at 5 minutes", "inclusion", "apgar_5_minutes < 7"),
    ("Apgar score of less than 5 at 10 minutes", "exclusion", "apgar_10_minutes < 5"),
    ("Apgar score ≤ 3 at 1 minute", "inclusion", "apgar_1_minute <= 3"),
    ("Apgar score of 7 or less at 5 minutes", "inclusion", "apgar_5_minutes <= 7"),
    # a rating at the two visits before the first dose: the latest is the one that counts
    ("MADRS total score ≥ 26 at both screening and baseline visits", "inclusion", "madrs >= 26"),
    ("HAM-D17 ≥ 20 at screening and baseline visits", "inclusion", "ham_d >= 20"),
    ("CAPS-5 total severity score ≥ 33", "inclusion", "caps_5 >= 33"),
    ("Clinician-Administered PTSD Scale for DSM-5 (CAPS-5) total score ≥ 33", "inclusion", "caps_5 >= 33"),
    # NYHA classes are classes of heart failure's symptoms
    ("NYHA class II to IV symptoms", "inclusion", "nyha_class in {II, III, IV}"),
    ("Heart failure with NYHA class II-IV symptoms", "inclusion", "nyha_class in {II, III, IV}"),
    # a structured interview is only how a psychiatric diagnosis was made
    ("Diagnosis of generalized anxiety disorder as confirmed by the Mini International Neuropsychiatric Interview "
     "(MINI)", "inclusion", "condition generalized_anxiety_disorder"),
    ("Schizophrenia diagnosed by SCID-5", "inclusion", "condition schizophrenia"),
    ("Bipolar I disorder as confirmed by the Structured Clinical Interview for DSM-5 (SCID-5)", "inclusion",
     "condition bipolar_i_disorder"),
    # refraction in diopters, negative in myopia; a range written from the less myopic end
    ("Spherical equivalent ≤ -6.00 diopters", "exclusion", "spherical_equivalent <= -6 diopters"),
    ("Spherical equivalent refraction between -0.75 and -4.00 diopters", "inclusion",
     "spherical_equivalent >= -4 diopters and spherical_equivalent <= -0.75 diopters"),
    ("Cycloplegic spherical equivalent refraction ≥ -0.50 dioptres", "inclusion", "spherical_equivalent >= -0.5 dioptres"),
    # spirometry is done upright; so named, it is the usual FVC
    ("Upright FVC ≥ 60% predicted", "inclusion", "fvc_percent_predicted >= 60 %"),
    ("Seated FVC ≥ 50% of predicted", "inclusion", "fvc_percent_predicted >= 50 %"),
    ("Upright FVC ≥ 1.5 L", "inclusion", "fvc >= 1.5 L"),
    ("FVC of greater than or equal to 30% and < 80% predicted in the upright position", "inclusion",
     "fvc_percent_predicted >= 30 % and fvc_percent_predicted < 80 %"),
    ("FVC ≥ 50% predicted in the sitting position", "inclusion", "fvc_percent_predicted >= 50 %"),
])
def test_read(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # plaque indices span 0-3 or 0-5: an unnamed one is neither
    ("Plaque index ≥ 1.5", "inclusion"),
    # a count of values is not a value
    ("2 or more HbA1c values", "inclusion"),
    ("3 or more MADRS assessments", "inclusion"),
    ("2 to 3 HbA1c", "inclusion"),
    # "32 weeks" may run to 32 weeks and 6 days, which a recorded 32.4 would miss
    ("Neonates born at 28 to 32 weeks of gestation", "inclusion"),
    # no Apgar score at 3 minutes is recorded as such
    ("Apgar < 5 at 3 minutes", "inclusion"),
    ("Hemoglobin ≥ 9 g/dL at 2 weeks", "inclusion"),
    # supine FVC is lower than upright
    ("Supine FVC ≥ 50% predicted", "inclusion"),
    ("FVC < 80% predicted in the supine position", "inclusion"),
    # "greater than minus 6": more myopic, or nearer zero?
    ("Refractive error of greater than minus-6 diopters", "exclusion"),
    # one eye's value, which the profile does not tell
    ("Spherical equivalent refraction of -1.00 to -5.00 diopters in both eyes", "inclusion"),
    # "D" is read as days: a unit error, not a refraction
    ("Spherical equivalent -0.75 D to -4.00 D", "inclusion"),
    # symptoms after a class of a scale that rates no condition
    ("CCS class II symptoms", "inclusion"),
    # a position said of a value other than FVC
    ("SBP ≥ 140 mmHg in the sitting position", "exclusion"),
    ("Orthopnea in the sitting position", "exclusion"),
    # degrees of a temperature without its scale
    ("Body temperature ≥ 38.0 degrees", "exclusion"),
])
def test_stays_words(text, kind):
    rule = to_text(compile_criterion(text, kind).rule)
    assert rule.startswith("text ") or rule.startswith("judgement "), rule


def test_a_temperature_in_bare_degrees_is_a_unit_error_not_an_angle():
    compiled = compile_criterion("Body temperature ≥ 38.0 degrees", "exclusion")
    assert compiled.errors and "does not fit body temperature" in compiled.errors[0].message


def test_dmft_decides_on_the_recorded_index():
    rule = "dmft_index > 5"
    assert outcome(rule, scores=[{"name": "DMFT", "value": 7, "date": "2026-10-01"}]).truth is Truth.TRUE
    assert outcome(rule, scores=[{"name": "decayed, missing and filled teeth", "value": 3,
                                  "date": "2026-10-01"}]).truth is Truth.FALSE
    assert outcome(rule).truth is Truth.UNKNOWN


def test_one_plaque_index_is_not_another():
    scores = [{"name": "Quigley-Hein plaque index", "value": 2.5, "date": "2026-11-01"}]
    assert outcome("silness_loe_plaque_index >= 1.5", scores=scores).truth is Truth.UNKNOWN
    assert outcome("quigley_hein_plaque_index >= 1.5", scores=scores).truth is Truth.TRUE


def test_a_cobb_angle_in_degrees():
    rule = "condition adolescent_idiopathic_scoliosis and (cobb_angle >= 20 and cobb_angle <= 50)"
    scoliosis = [{"name": "adolescent idiopathic scoliosis", "onset": "2024-01-01"}]
    angle = {"name": "Cobb angle", "value": 35, "unit": "degrees", "date": "2026-09-01"}
    assert outcome(rule, conditions=scoliosis, vitals=[angle]).truth is Truth.TRUE
    steep = {**angle, "value": 62}
    assert outcome(rule, conditions=scoliosis, vitals=[steep]).truth is Truth.FALSE
    assert outcome(rule, conditions=scoliosis).truth is Truth.UNKNOWN


def test_a_score_named_after_its_limit_excludes_only_above_it():
    rule = to_text(compile_criterion("A score of 20 or more on the HAM-D", "exclusion").rule)
    low = [{"name": "HAM-D", "value": 14, "date": "2026-11-10"}]
    assert outcome(rule, "exclusion", scores=low).truth is Truth.FALSE
    high = [{"name": "HAM-D", "value": 20, "date": "2026-11-10"}]
    assert outcome(rule, "exclusion", scores=high).truth is Truth.TRUE


def test_an_apgar_score_of_one_moment_is_not_another():
    scores = [{"name": "Apgar score at 1 minute", "value": 4, "date": "2026-11-01"}]
    assert outcome("apgar_5_minutes < 7", "exclusion", scores=scores).truth is Truth.UNKNOWN
    scores.append({"name": "5-minute Apgar score", "value": 8, "date": "2026-11-01"})
    assert outcome("apgar_5_minutes < 7", "exclusion", scores=scores).truth is Truth.FALSE



def test_a_myopic_range_of_refraction():
    rule = "spherical_equivalent >= -4 diopters and spherical_equivalent <= -0.75 diopters"
    refraction = {"name": "spherical equivalent", "unit": "diopters", "date": "2026-10-01"}
    assert outcome(rule, vitals=[{**refraction, "value": -2.5}]).truth is Truth.TRUE
    assert outcome(rule, vitals=[{**refraction, "value": -5}]).truth is Truth.FALSE
    assert outcome(rule, vitals=[{**refraction, "value": 0.5}]).truth is Truth.FALSE
