"""Constructs found unread in the corpus (../shared/corpus), fourth round: criterion text → canonical
rule, what the reading means for a patient, and the near misses that must stay free text."""

import pytest

from screening.compile import compile_criterion
from screening.logic import Truth
from screening.nodes import FreeText
from screening.printer import to_text

from made_up import outcome


@pytest.mark.parametrize("text, kind, rule", [
    # the values of a score, then the scale they are on said again
    ("Have a performance status of 0 or 1 on the Eastern Cooperative Oncology Group (ECOG) Performance Scale "
     "within 7 days prior to allocation", "inclusion", "ecog <= 1 within 7 days before randomization"),
    ("Performance status of 0 or 1 on the ECOG scale", "inclusion", "ecog <= 1"),
    ("Karnofsky performance scale ≥ 70", "inclusion", "karnofsky >= 70"),
    # an age range with both ends included, and words that limit neither sex
    ("The age is 18-75 years old (including both ends), and there is no gender limitation", "inclusion",
     "age >= 18 years and age <= 75 years"),
    ("Aged 18 to 75 years (inclusive), gender is not limited", "inclusion", "age >= 18 years and age <= 75 years"),
    ("Aged 18-75 years, regardless of gender", "inclusion", "age >= 18 years and age <= 75 years"),
    ("Age ranged from 18 to 65 years", "inclusion", "age >= 18 years and age <= 65 years"),
    # the day of vaccination is to come: what holds on it (a fever) need not hold at screening
    ("Has a negative pregnancy test on the day of vaccination", "inclusion",
     'text "Has a negative pregnancy test on the day of vaccination"'),
    # "those who smoke" are smokers
    ("Those who smoke more than 5 cigarettes per day in the 12 weeks before screening", "exclusion",
     "condition tobacco_use within 12 weeks before screening and cigarettes_per_day > 5"),
    # a footnote mark after a word
    ("Patient must have a Karnofsky performance status or Lansky* play status ≥ 50", "inclusion",
     "karnofsky >= 50 or lansky >= 50"),
    # diagnosed at least so long ago: had for at least that long
    ("Type 2 diabetes mellitus diagnosed at least 6 months before screening", "inclusion",
     "condition type_2_diabetes lasting >= 6 months"),
    ("Diagnosis of RA at least 3 months before baseline", "inclusion", "condition rheumatoid_arthritis lasting >= 3 months"),
    ("Diagnosed with ulcerative colitis ≥ 3 months prior to screening", "inclusion",
     "condition ulcerative_colitis lasting >= 3 months"),
    ("Type 2 diabetes diagnosed more than 1 year ago", "inclusion", "condition type_2_diabetes lasting > 1 years"),
    ("Diagnosis of MS at least 1 year prior to screening and EDSS ≤ 6", "inclusion",
     "condition multiple_sclerosis lasting >= 1 years and edss <= 6"),
    # the time the clause is about, said first: each part as it is then
    ("At the time of signing informed consent, age ≥ 18 years", "inclusion", "age >= 18 years"),
    ("When signing the informed consent, the age is 18-75 years old (including both ends), and there is no gender "
     "limitation", "inclusion", "age >= 18 years and age <= 75 years"),
    ("Aged 18-75 years when signing the informed consent", "inclusion", "age >= 18 years and age <= 75 years"),
    ("At the time of screening, use of warfarin or heparin", "exclusion",
     "medication warfarin [current] or medication heparin [current]"),
    # "with clinical significance" is "clinically significant", which the finding is by name
    ("Electrocardiogram (ECG) abnormalities have clinical significance", "exclusion", "ecg_abnormality in {yes}"),
    ("Abnormal ECG with clinical significance at screening", "exclusion", "ecg_abnormality in {yes}"),
    # a newborn's age: "… days old", "within 48 hours of birth"
    ("Infants less than 7 days old", "inclusion", "age < 7 days"),
    ("Healthy infants 6-12 weeks old", "inclusion", 'judgement "Healthy" and (age >= 6 weeks and age <= 12 weeks)'),
    ("Enrollment within 48 hours of birth", "inclusion", "age <= 48 hours"),
    ("Randomization within 72 hours after birth", "inclusion", "age <= 72 hours"),
    # "Patients with X may have …": a looser limit for them, which the limit before it yields to
    ("Patients with Gilbert's syndrome may have total bilirubin ≤ 3 x ULN", "inclusion",
     "if condition gilberts_syndrome then total_bilirubin <= 3 x ULN"),
    ("Total bilirubin ≤ 1.5 x ULN. Patients with Gilbert's syndrome can have a total bilirubin up to 3 x ULN",
     "inclusion", "(total_bilirubin <= 1.5 x ULN or (condition gilberts_syndrome and total_bilirubin <= 3 x ULN)) "
                  "and (if condition gilberts_syndrome then total_bilirubin <= 3 x ULN)"),
    # … in terms that do not compare with the first limit: still the limit for those patients
    ("Total bilirubin ≤ 1.5 x ULN; patients with Gilbert syndrome may have total bilirubin < 3.0 mg/dL", "inclusion",
     "(total_bilirubin <= 1.5 x ULN or (condition gilberts_syndrome and total_bilirubin < 3 mg/dL)) "
     "and (if condition gilberts_syndrome then total_bilirubin < 3 mg/dL)"),
    ("Patients with liver metastases may have ALT and AST ≤ 5 x ULN", "inclusion",
     "if condition liver_metastases then (alt <= 5 x ULN and ast <= 5 x ULN)"),
    # the patients excepted first, then the limit they are held to instead
    ("Total bilirubin ≤ 1.5 x ULN (except subjects with Gilbert syndrome, who can have total bilirubin < 3.0 mg/dL)",
     "inclusion", "total_bilirubin <= 1.5 x ULN or (condition gilberts_syndrome and total_bilirubin < 3 mg/dL)"),
    ("Total bilirubin ≤ 1.5 x ULN except patients with Gilbert syndrome who must have total bilirubin < 3.0 mg/dL",
     "inclusion", "total_bilirubin <= 1.5 x ULN or (condition gilberts_syndrome and total_bilirubin < 3 mg/dL)"),
    ("Serum bilirubin ≤ 1.5 x ULN with the following exception: Patients with known Gilbert disease or HCC: "
     "serum bilirubin ≤3 x ULN", "inclusion",
     "total_bilirubin <= 1.5 x ULN or ((condition gilberts_syndrome or condition hepatocellular_carcinoma) "
     "and total_bilirubin <= 3 x ULN)"),
    ("Total bilirubin ≤ 1.5 x ULN (patients with Gilbert syndrome: ≤ 3 x ULN)", "inclusion",
     "total_bilirubin <= 1.5 x ULN or (condition gilberts_syndrome and total_bilirubin <= 3 x ULN)"),
    # a stricter limit for some: each patient held to one of the two
    ("Creatinine ≤ 1.5 mg/dL (patients with diabetes: ≤ 1.2 mg/dL)", "inclusion",
     "(not condition diabetes_mellitus and creatinine <= 1.5 mg/dL) or "
     "(condition diabetes_mellitus and creatinine <= 1.2 mg/dL)"),
])
def test_corpus_constructs(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # a range of years after a condition: its duration, or the patients' ages?
    ("Patients with GERD ranged from 42 to 56 years", "inclusion"),
    # what they smoke is not said to be tobacco
    ("Patients who smoke cannabis", "exclusion"),
    # a note on how the score before it is given, which a recorded score may not follow
    ("Karnofsky or Lansky* play status ≥ 50; For purpose of determining performance scores, wheelchair-bound "
     "patients will be considered ambulatory", "inclusion"),
    # a time since birth that is not the patient's age now
    ("Surgery within 48 hours of birth", "exclusion"),
    # an acute event is over long before: how long ago it was is not how long it lasted
    ("Diagnosis of myocardial infarction at least 6 months prior to screening", "inclusion"),
    # without "diagnosed", a time before screening after a condition may date anything
    ("Type 2 diabetes at least 6 months before screening", "inclusion"),
    # the values belong to the scale named after them
    ("Performance status of 70 or 80 on the Karnofsky scale", "inclusion"),
    # what patients "may have received" is not required of them
    ("Patients with brain metastases may have received radiotherapy", "inclusion"),
    # a permission in an exclusion excludes nobody
    ("Patients with Gilbert's syndrome may have total bilirubin ≤ 3 x ULN", "exclusion"),
    # the limit of another value, or the other way, is not a looser limit of the first
    ("AST ≤ 3 x ULN (patients with liver metastases: ALT ≤ 5 x ULN)", "inclusion"),
    ("Total bilirubin ≤ 1.5 x ULN (except subjects with Gilbert syndrome, who can have total bilirubin > 3.0 mg/dL)",
     "inclusion"),
])
def test_what_could_be_misread_stays_free_text(text, kind):
    assert isinstance(compile_criterion(text, kind).rule, FreeText)


GILBERT = {"name": "Gilbert's syndrome"}


@pytest.mark.parametrize("text, conditions, bilirubin, truth", [
    # a patient without Gilbert's syndrome is held to the first limit only
    ("Total bilirubin ≤ 1.5 x ULN; patients with Gilbert syndrome may have total bilirubin < 3.0 mg/dL",
     [], 1.0, Truth.TRUE),
    ("Total bilirubin ≤ 1.5 x ULN; patients with Gilbert syndrome may have total bilirubin < 3.0 mg/dL",
     [], 2.0, Truth.FALSE),
    # one with it, to the second (twice the limit of normal is under 3 mg/dL here)
    ("Total bilirubin ≤ 1.5 x ULN; patients with Gilbert syndrome may have total bilirubin < 3.0 mg/dL",
     [GILBERT], 2.4, Truth.TRUE),
    ("Total bilirubin ≤ 1.5 x ULN; patients with Gilbert syndrome may have total bilirubin < 3.0 mg/dL",
     [GILBERT], 3.5, Truth.FALSE),
    ("Total bilirubin ≤ 1.5 x ULN (except subjects with Gilbert syndrome, who can have total bilirubin < 3.0 mg/dL)",
     [GILBERT], 2.4, Truth.TRUE),
    ("Total bilirubin ≤ 1.5 x ULN (except subjects with Gilbert syndrome, who can have total bilirubin < 3.0 mg/dL)",
     [], 2.4, Truth.FALSE),
])
def test_a_looser_limit_for_some_patients(text, conditions, bilirubin, truth):
    rule = to_text(compile_criterion(text, "inclusion").rule)
    got = outcome(rule, complete=["conditions"], conditions=conditions,
                  labs=[{"name": "total bilirubin", "value": bilirubin, "unit": "mg/dL", "date": "2026-11-10",
                         "ref_high": 1.2}])
    assert got.truth is truth


@pytest.mark.parametrize("onset, truth", [
    ("2024-01-15", Truth.TRUE),   # diagnosed almost three years ago
    ("2026-09-01", Truth.FALSE),  # diagnosed under three months ago
])
def test_diagnosed_long_ago_counts_from_the_diagnosis(onset, truth):
    rule = to_text(compile_criterion("Diagnosis of RA at least 6 months before baseline", "inclusion").rule)
    got = outcome(rule, complete=["conditions"], conditions=[{"name": "rheumatoid arthritis", "onset": onset}])
    assert got.truth is truth


@pytest.mark.parametrize("birth_date, truth", [
    ("2026-11-19", Truth.TRUE),
    ("2026-11-18", Truth.UNKNOWN),  # two days: 48 hours or up to 71, the date does not say
    ("2026-11-17", Truth.FALSE),
])
def test_hours_since_birth_are_an_age(birth_date, truth):
    rule = to_text(compile_criterion("Enrollment within 48 hours of birth", "inclusion").rule)
    assert outcome(rule, birth_date=birth_date).truth is truth
