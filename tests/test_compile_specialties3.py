"""Wording of ophthalmology, paediatric, infectious-disease, vaccine, pain and psychiatry trials
(a third round of specialties): text → rule, and what must stay free text because a reading could
fail a patient wrongly."""

import pytest

from screening.compile import compile_criterion
from screening.logic import Truth
from screening.printer import to_text

from made_up import outcome


@pytest.mark.parametrize("text, kind, rule", [
    # an age range whose bounds have units of their own
    ("Children between 6 months and 5 years of age", "inclusion", "age >= 6 months and age <= 5 years"),
    ("6 months to 17 years of age", "inclusion", "age >= 6 months and age <= 17 years"),
    ("Between 2 and 5 years of age", "inclusion", "age >= 2 years and age <= 5 years"),
    # a value in either eye: the recorded one may be the other eye's
    ("IOP ≥ 22 mmHg in either eye", "inclusion", 'intraocular_pressure >= 22 mmHg or text "in either eye"'),
    ("Intraocular pressure > 25 mmHg in at least one eye", "exclusion",
     'intraocular_pressure > 25 mmHg or text "in at least one eye"'),
    # a condition in either eye is the condition
    ("Uveitis in either eye", "exclusion", "condition uveitis"),
    ("History of retinal detachment in either eye", "exclusion", "condition retinal_detachment [history]"),
    ("Any of the following in either eye: uveitis, endophthalmitis or retinal detachment", "exclusion",
     "condition uveitis or condition endophthalmitis or condition retinal_detachment"),
    ("In either eye: history of uveitis", "exclusion", "condition uveitis [history]"),
    # kinds of a condition or operation are not their class, nor one another
    ("Pathologic myopia", "exclusion", "condition pathologic_myopia"),
    ("High myopia", "exclusion", "condition high_myopia"),
    ("Myopic choroidal neovascularization", "exclusion", "condition myopic_cnv"),
    ("History of rhegmatogenous retinal detachment", "exclusion",
     "condition rhegmatogenous_retinal_detachment [history]"),
    ("Cystoid macular edema", "exclusion", "condition cystoid_macular_edema"),
    ("Meibomian gland dysfunction", "inclusion", "condition meibomian_gland_dysfunction"),
    ("Exotropia", "exclusion", "condition exotropia"),
    ("Previous trabeculectomy", "exclusion", "procedure trabeculectomy [history]"),
    ("Prior glaucoma drainage device", "exclusion", "procedure glaucoma_drainage_device [history]"),
    ("Prior glaucoma surgery", "exclusion", "procedure glaucoma_surgery [history]"),
    ("Extremely low birth weight infants", "inclusion", "condition extremely_low_birth_weight"),
    ("Very low birth weight", "inclusion", "condition very_low_birth_weight"),
    ("Early-onset sepsis", "exclusion", "condition early_onset_neonatal_sepsis"),
    ("Hemodynamically significant PDA", "inclusion", "condition hemodynamically_significant_pda"),
    ("Treatment-resistant depression", "exclusion", "condition treatment_resistant_depression"),
    ("Ventilator-associated bacterial pneumonia", "exclusion", "condition ventilator_associated_pneumonia"),
    ("HABP/VABP", "inclusion", "condition hospital_acquired_pneumonia or condition ventilator_associated_pneumonia"),
    ("Hospital-acquired bacterial pneumonia", "inclusion", "condition hospital_acquired_pneumonia"),
    # a unit written out
    ("Birth weight ≥ 2500 grams", "inclusion", "birth_weight >= 2500 grams"),
    # the versions of the Hamilton scale: the longer ones total higher
    ("HAM-D-21 total score ≥ 20", "inclusion", "ham_d_21 >= 20"),
    ("HAMD-17 ≥ 24", "inclusion", "ham_d >= 24"),
    ("24-item HAM-D ≥ 20", "inclusion", "ham_d_24 >= 20"),
    ("Clinical Global Impression - Severity (CGI-S) score ≥ 4", "inclusion", "cgi_s >= 4"),
    ("Clinical Global Impression-Severity of Illness score ≥ 4", "inclusion", "cgi_s >= 4"),
    # a week's average of daily ratings is not one rating
    ("Mean daily pain score of at least 4", "inclusion", "average_daily_pain >= 4"),
    ("Average pain intensity score ≥ 4 and ≤ 9", "inclusion", "average_daily_pain >= 4 and average_daily_pain <= 9"),
    # the C-SSRS types of ideation
    ("Suicidal ideation with intent (C-SSRS item 4 or 5) in the past 6 months", "exclusion",
     "condition suicidal_ideation_with_intent within 6 months before screening"),
    ("Active suicidal ideation with specific plan and intent within 3 months prior to screening", "exclusion",
     "condition suicidal_ideation_with_plan_and_intent within 3 months before screening"),
    # congenital and acquired are every kind
    ("Congenital or acquired immunodeficiency", "exclusion", "condition immunodeficiency"),
    ("Hepatitis B co-infection", "exclusion", "condition hepatitis_b"),
    ("HIV co-infection", "exclusion", "condition hiv_infection"),
])
def test_specialty_constructs(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # a value in one eye, which the profile does not tell
    ("IOP ≤ 21 mmHg in both eyes", "inclusion"),
    ("BCVA ≥ 24 letters in the fellow eye", "inclusion"),
    ("CST ≥ 300 µm in the study eye", "inclusion"),
    # two values in either eye: of which?
    ("IOP ≥ 22 mmHg and CST ≥ 300 µm in either eye", "inclusion"),
    ("Any of the following in either eye: IOP > 25 mmHg or uveitis", "exclusion"),
    ("In either eye: IOP > 25 mmHg or uveitis", "exclusion"),
    # TRD is also a tractional retinal detachment
    ("TRD", "exclusion"),
    # the study vaccine's components are not recorded
    ("Allergy to any component of the vaccine", "exclusion"),
    ("Febrile illness (temperature ≥ 38.0 °C) on the day of vaccination", "exclusion"),
])
def test_what_could_be_misread_stays_free_text(text, kind):
    rule = to_text(compile_criterion(text, kind).rule)
    assert rule.startswith("text ") or rule.startswith("judgement "), rule


def test_a_value_in_either_eye_that_misses_the_limit_may_be_the_other_eyes():
    rule = 'intraocular_pressure >= 22 mmHg or text "in either eye"'
    assert outcome(rule, vitals=[{"name": "IOP", "value": 24, "unit": "mmHg", "date": "2026-11-10"}]
                   ).truth is Truth.TRUE
    assert outcome(rule, vitals=[{"name": "IOP", "value": 18, "unit": "mmHg", "date": "2026-11-10"}]
                   ).truth is Truth.UNKNOWN


def test_a_kind_is_its_class_and_not_its_sibling():
    day = "2024-01-01"
    myopic = [{"name": "myopia", "onset": day}]
    assert outcome("condition pathologic_myopia", conditions=myopic, complete=["conditions"]).truth is not Truth.TRUE
    assert outcome("condition myopia", conditions=[{"name": "pathologic myopia", "onset": day}]).truth is Truth.TRUE
    tube = [{"name": "tube shunt", "date": day}]
    assert outcome("procedure trabeculectomy [history]", procedures=tube, complete=["procedures"]).truth is Truth.FALSE
    assert outcome("procedure glaucoma_surgery [history]", procedures=tube).truth is Truth.TRUE
    mdd = [{"name": "major depressive disorder", "onset": day}]
    assert outcome("condition treatment_resistant_depression", conditions=mdd,
                   complete=["conditions"]).truth is not Truth.TRUE
    hap = [{"name": "hospital-acquired pneumonia", "onset": "2026-11-15"}]
    assert outcome("condition ventilator_associated_pneumonia", conditions=hap,
                   complete=["conditions"]).truth is not Truth.TRUE
    lbw = [{"name": "low birth weight", "onset": day}]
    assert outcome("condition extremely_low_birth_weight", conditions=lbw,
                   complete=["conditions"]).truth is not Truth.TRUE


def test_a_21_item_hamilton_score_is_not_a_17_item_one():
    scores = [{"name": "HAM-D-21", "value": 26, "date": "2026-11-10"}]
    assert outcome("ham_d >= 25", scores=scores).truth is Truth.UNKNOWN
    assert outcome("ham_d_21 >= 25", scores=scores).truth is Truth.TRUE


def test_an_average_of_daily_pain_is_not_one_rating():
    scores = [{"name": "pain NRS", "value": 3, "date": "2026-11-10"}]
    assert outcome("average_daily_pain >= 4", scores=scores).truth is Truth.UNKNOWN


@pytest.mark.parametrize("text, kind, rule", [
    # an episode is not the disorder
    ("Current manic episode", "exclusion", "condition manic_episode [current]"),
    ("Bipolar depression", "exclusion", "condition bipolar_depression"),
    ("Bipolar I depression", "inclusion", "condition bipolar_i_depression"),
    ("Functional or anatomic asplenia", "exclusion", "condition asplenia"),
    # an allergy to vaccines had before, not to the study vaccine
    ("Known allergy to any vaccine", "exclusion", "condition vaccine_allergy"),
    ("History of severe allergic reaction to any vaccine", "exclusion", "condition vaccine_allergy [history, severe]"),
    ("History of anaphylaxis to any vaccine", "exclusion", "condition vaccine_anaphylaxis [history]"),
    ("ADHD Rating Scale-5 total score ≥ 28", "inclusion", "adhd_rs_5 >= 28"),
    ("ADHD-RS-IV ≥ 28", "inclusion", "adhd_rs >= 28"),
    # hospitalized with an infection, as hospitalized for it
    ("Hospitalized with COVID-19 requiring supplemental oxygen", "inclusion",
     "condition covid_19 [hospitalized] and procedure oxygen_therapy [current]"),
    ("Admitted to hospital with influenza", "inclusion", "condition influenza [hospitalized]"),
    ("non-hospitalization due to COVID-19", "inclusion", "not condition covid_19 [hospitalized]"),
])
def test_episodes_allergies_and_admissions(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


def test_a_manic_episode_is_not_every_bipolar_patient():
    bipolar = [{"name": "bipolar I disorder", "onset": "2015-01-01"}]
    assert outcome("condition manic_episode [current]", conditions=bipolar,
                   complete=["conditions"]).truth is Truth.FALSE
    assert outcome("condition bipolar_depression", conditions=bipolar,
                   complete=["conditions"]).truth is not Truth.TRUE
    depressed = [{"name": "bipolar I depression", "onset": "2026-10-01"}]
    assert outcome("condition bipolar_disorder", conditions=depressed).truth is Truth.TRUE
    assert outcome("condition depressive_episode [current]", conditions=depressed).truth is Truth.TRUE


def test_a_vaccine_allergy_is_not_a_drug_allergy():
    allergy = [{"name": "allergy to vaccines", "onset": "2010-01-01"}]
    assert outcome("condition drug_allergy", conditions=allergy, complete=["conditions"]).truth is Truth.FALSE
    anaphylaxis = [{"name": "anaphylaxis after vaccination", "onset": "2010-01-01"}]
    assert outcome("condition vaccine_allergy [history]", conditions=anaphylaxis).truth is Truth.TRUE


@pytest.mark.parametrize("text, kind, rule", [
    # a letter glued to a number is a subtype, never the article "a"
    ("HCV genotype 1a", "inclusion", "hcv_genotype in {1a}"),
    ("HCV genotype 1a or 1b", "inclusion", "hcv_genotype in {1a, 1b}"),
    # an average of ratings on the rating's own scale
    ("Average pain intensity ≥ 4 on an 11-point NRS", "inclusion", "average_daily_pain >= 4"),
    ("Average daily pain score ≥ 4 on the 0-10 Numeric Rating Scale", "inclusion", "average_daily_pain >= 4"),
    # a time from birth is an age
    ("Enrollment within 48 hours of birth", "inclusion", "age <= 48 hours"),
    ("Within the first 72 hours of life", "inclusion", "age <= 72 hours"),
    ("Less than 72 hours after birth", "inclusion", "age < 72 hours"),
])
def test_subtypes_scales_and_ages_from_birth(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # stage 3a is not all of stage 3 (which the vocabulary names)
    ("CKD stage 3a", "exclusion"),
    # a scale of another span, or a scale with a unit
    ("Average pain ≥ 4 on a 0-10 VAS", "inclusion"),
    ("Date of birth", "inclusion"),
    # grades with a gap are no range
    ("Knee osteoarthritis with KL grade 1 or 4", "inclusion"),
])
def test_subtypes_and_other_scales_stay_free_text(text, kind):
    rule = to_text(compile_criterion(text, kind).rule)
    assert rule.startswith("text "), rule


def test_a_genotype_1b_is_not_1a():
    labs = [{"name": "HCV genotype", "value": "1b", "date": "2026-11-01"}]
    assert outcome("hcv_genotype in {1a}", labs=labs).truth is Truth.FALSE


@pytest.mark.parametrize("text, kind, rule", [
    # a drug's level in the blood is not its dose
    ("Serum lithium level > 1.2 mEq/L", "exclusion", "lithium_level > 1.2 mEq/L"),
    ("Lithium level 0.6-1.2 mmol/L", "inclusion", "lithium_level >= 0.6 mmol/L and lithium_level <= 1.2 mmol/L"),
    ("Lithium", "exclusion", "medication lithium"),
    # kinds apart from their class and their siblings
    ("Methamphetamine use disorder", "exclusion", "condition methamphetamine_use_disorder"),
    ("MRSA bacteremia", "inclusion", "condition mrsa_bacteremia"),
    ("Complicated intra-abdominal infection", "inclusion", "condition complicated_intra_abdominal_infection"),
    ("Acute bacterial skin and skin structure infection", "inclusion", "condition absssi"),
    ("Cellulitis", "exclusion", "condition cellulitis"),
    ("Cystitis", "exclusion", "condition cystitis"),
    ("Clozapine-resistant schizophrenia", "exclusion", "condition clozapine_resistant_schizophrenia"),
    ("Major depressive disorder with psychotic features", "exclusion", "condition psychotic_depression"),
    ("Active ocular or periocular infection", "exclusion",
     "condition ocular_infection [active] or condition periocular_infection [active]"),
    # RSV antibodies given to infants
    ("Prior receipt of palivizumab", "exclusion", "medication palivizumab [history]"),
    ("Receipt of nirsevimab", "exclusion", "medication nirsevimab"),
    # the Apgar score of one moment
    ("5-minute Apgar score ≤ 5", "inclusion", "apgar_5_minutes <= 5"),
    ("Apgar score at 5 minutes < 7", "inclusion", "apgar_5_minutes < 7"),
])
def test_levels_kinds_and_moments(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


def test_kinds_of_infection_and_use_disorder():
    day = "2026-11-10"
    abscess = [{"name": "skin and soft tissue infection", "onset": day}]
    assert outcome("condition cellulitis", conditions=abscess, complete=["conditions"]).truth is not Truth.TRUE
    cellulitis = [{"name": "cellulitis", "onset": day}]
    assert outcome("condition skin_infection", conditions=cellulitis).truth is Truth.TRUE
    pyelonephritis = [{"name": "urinary tract infection", "onset": day}]
    assert outcome("condition cystitis", conditions=pyelonephritis, complete=["conditions"]).truth is not Truth.TRUE
    cocaine = [{"name": "cocaine use disorder", "onset": "2020-01-01"}]
    assert outcome("condition methamphetamine_use_disorder", conditions=cocaine,
                   complete=["conditions"]).truth is Truth.FALSE
    assert outcome("condition stimulant_use_disorder", conditions=cocaine).truth is Truth.TRUE
    endophthalmitis = [{"name": "endophthalmitis", "onset": day}]
    assert outcome("condition ocular_infection [active]", conditions=endophthalmitis).truth is Truth.TRUE


def test_a_lithium_level_in_meq_is_in_mmol():
    labs = [{"name": "serum lithium", "value": 1.4, "unit": "mmol/L", "date": "2026-11-15"}]
    assert outcome("lithium_level > 1.2 mEq/L", labs=labs).truth is Truth.TRUE
    dose = [{"name": "lithium carbonate", "dose": "900 mg/day", "start": "2025-01-01"}]
    assert outcome("lithium_level > 1.2 mEq/L", medications=dose).truth is Truth.UNKNOWN


@pytest.mark.parametrize("text, kind, rule", [
    # a result written onto the disease: both
    ("HBeAg-positive chronic hepatitis B", "inclusion", "hbeag in {positive} and condition hepatitis_b [chronic]"),
    ("HBeAg-negative chronic hepatitis B", "inclusion", "hbeag in {negative} and condition hepatitis_b [chronic]"),
    ("HLA-B27 positive ankylosing spondylitis", "inclusion",
     "hla_b27 in {positive} and condition ankylosing_spondylitis"),
    # the values of an ordinal score a condition comes with
    ("Knee OA with KL grade 2 or 3", "inclusion",
     "condition knee_osteoarthritis and (kellgren_lawrence >= 2 and kellgren_lawrence <= 3)"),
])
def test_results_and_scores_said_of_a_disease(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


def test_a_result_written_onto_a_disease_needs_the_result():
    chb = [{"name": "chronic hepatitis B", "onset": "2015-01-01", "note": "chronic"}]
    rule = "hbeag in {positive} and condition hepatitis_b [chronic]"
    assert outcome(rule, conditions=chb).truth is Truth.UNKNOWN
    negative = [{"name": "HBeAg", "value": "negative", "date": "2026-11-01"}]
    assert outcome(rule, conditions=chb, labs=negative).truth is Truth.FALSE


@pytest.mark.parametrize("text, kind, rule", [
    # the kinds of pneumococcal and meningococcal vaccine
    ("Receipt of any pneumococcal polysaccharide vaccine within 5 years", "exclusion",
     "vaccination pneumococcal_polysaccharide_vaccine within 5 years before screening"),
    ("Previous PCV13 vaccination", "exclusion", "vaccination pneumococcal_conjugate_vaccine [history]"),
    ("Previous vaccination with any pneumococcal vaccine", "exclusion", "vaccination pneumococcal_vaccine [history]"),
    ("Prior MenB vaccination", "exclusion", "vaccination menb_vaccine [history]"),
    # a test for the infection itself, not its antibodies
    ("HIV negative", "inclusion", "not condition hiv_infection [current]"),
])
def test_vaccines_and_tests(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # antibodies are left by a past infection or a vaccine: a serostatus is not the infection
    ("Seropositive for CMV", "inclusion"),
    ("CMV seropositive", "inclusion"),
    ("EBV seronegative", "inclusion"),
    ("Seropositive for SARS-CoV-2", "inclusion"),
    # PCV is also a packed cell volume
    ("PCV < 30%", "exclusion"),
    # a type's number is no list label: type 2 MI is not every infarction
    ("Type 2 MI", "exclusion"),
    ("Type 3 VWD", "exclusion"),
    ("Type 1 ROP", "exclusion"),
])
def test_serostatus_and_types_stay_free_text(text, kind):
    rule = to_text(compile_criterion(text, kind).rule)
    assert rule.startswith("text "), rule


def test_one_kind_of_pneumococcal_vaccine_is_not_the_other():
    pcv = [{"name": "Prevnar 20", "date": "2024-01-01"}]
    assert outcome("vaccination pneumococcal_polysaccharide_vaccine within 5 years before screening",
                   vaccinations=pcv, complete=["vaccinations"]).truth is Truth.FALSE
    assert outcome("vaccination pneumococcal_vaccine [history]", vaccinations=pcv).truth is Truth.TRUE
    menacwy = [{"name": "Menveo", "date": "2024-01-01"}]
    assert outcome("vaccination menb_vaccine [history]", vaccinations=menacwy,
                   complete=["vaccinations"]).truth is Truth.FALSE


def test_a_list_label_before_a_capitalised_word_is_still_dropped():
    assert to_text(compile_criterion("3 Major surgery within 4 weeks", "exclusion").rule) == \
        "procedure major_surgery within 4 weeks before screening"


def test_a_birth_weight_class_missing_from_a_complete_problem_list_is_not_absent():
    # a birth weight is measured, seldom listed: a 900 g infant's list may say only "prematurity"
    listed = [{"name": "prematurity", "onset": "2026-11-01"}]
    assert outcome("condition extremely_low_birth_weight", conditions=listed,
                   complete=["conditions"]).truth is Truth.UNKNOWN
