"""Round 8 conditions, infections, allergies, symptoms and substance use: amounts of alcohol a week,
pack-years beside a smoker's status, which drugs a positive drug screen counts, what an allergy is
to, "serious, unstable illness", a window among examples, a name around its abbreviation, how often
a symptom comes, a window after "meets DSM-5 criteria for", treatments listed after "requiring".
Each construct read here, its near misses that must stay free text, and what the readings decide
for made-up patients."""

from __future__ import annotations

import pytest

from made_up import outcome
from screening.compile import compile_criterion
from screening.logic import Truth
from screening.printer import to_text

READ = [
    # an amount of alcohol over a period: units (UK, 8 g) and standard drinks (US, 14 g) apart
    ("Alcohol intake > 21 units/week", "exclusion", "alcohol_units_per_week > 21 /week"),
    ("Consumption of more than 14 units of alcohol per week", "exclusion", "alcohol_units_per_week > 14 /week"),
    ("Regular alcohol consumption of more than 21 units per week", "exclusion", "alcohol_units_per_week > 21 /week"),
    ("Average weekly alcohol intake of more than 14 units", "exclusion", "alcohol_units_per_week > 14 /week"),
    ("Regular alcohol consumption (> 21 units per week)", "exclusion", "alcohol_units_per_week > 21 /week"),
    ("Drinks more than 14 alcoholic drinks per week", "exclusion", "alcoholic_drinks_per_week > 14 /week"),
    ("More than 14 standard drinks per week", "exclusion", "alcoholic_drinks_per_week > 14 /week"),
    ("Drinking more than 3 alcoholic drinks per day", "exclusion", "alcoholic_drinks_per_week > 3 /day"),
    # a limit for each sex, the comparator said once or twice
    ("Alcohol consumption of more than 21 units per week for men or 14 units per week for women", "exclusion",
     "(male and alcohol_units_per_week > 21 /week) or (female and alcohol_units_per_week > 14 /week)"),
    ("Alcohol consumption > 14 units/week for women and > 21 units/week for men", "exclusion",
     "(female and alcohol_units_per_week > 14 /week) or (male and alcohol_units_per_week > 21 /week)"),
    # pack-years beside a smoker's status: the status stays (a former smoker is not a current one)
    ("Current smoker with a smoking history of more than 10 pack-years", "exclusion",
     "condition tobacco_use [current] and pack_years > 10"),
    ("Current smoker with at least 10 pack-year smoking history", "inclusion",
     "condition tobacco_use [current] and pack_years >= 10"),
    ("Smokers with > 20 pack-years", "inclusion", "condition tobacco_use and pack_years > 20"),
    ("Current or former smoker with a smoking history of at least 10 pack-years", "inclusion",
     "condition tobacco_use [history] and pack_years >= 10"),
    ("Current or former smoker", "inclusion", "condition tobacco_use [history]"),
    ("Smoking history of ≥ 10 pack-years", "inclusion", "pack_years >= 10"),
    # which drugs a positive drug screen counts, or which it excepts, kept in words beside it
    ("Positive urine drug screen for drugs of abuse other than prescribed medications", "exclusion",
     'urine_drug_screen in {positive} and text "for drugs of abuse other than prescribed medications"'),
    ("Positive urine drug test for amphetamines, cocaine, opiates, or cannabinoids", "exclusion",
     'urine_drug_screen in {positive} and text "for amphetamines, cocaine, opiates, or cannabinoids"'),
    ("Positive drug screen (unless explained by a prescribed medication)", "exclusion",
     'urine_drug_screen in {positive} and text "unless explained by a prescribed medication"'),
    ("Positive urine drug screen at screening, unless due to a prescribed medication", "exclusion",
     'urine_drug_screen in {positive} and text "unless due to a prescribed medication"'),
    ("Positive urine drug screen (for cocaine) or positive alcohol breath test", "exclusion",
     '(urine_drug_screen in {positive} and text "for cocaine") or blood_alcohol in {positive}'),
    # what an allergy is to, when not a drug: the allergy the vocabulary names after it
    ("Known allergy to bee venom", "exclusion", "condition insect_venom_allergy"),
    ("Known hypersensitivity to nickel", "exclusion", "condition nickel_allergy"),
    ("Allergy to adhesive tape", "exclusion", "condition adhesive_allergy"),
    ("Known allergy to adhesives or latex", "exclusion", "condition adhesive_allergy or condition latex_allergy"),
    ("Allergy to fish, peanuts or tree nuts", "exclusion",
     "condition fish_allergy or condition peanut_allergy or condition tree_nut_allergy"),
    # allergic reactions: to any drug, a drug allergy; to anything, any allergy
    ("History of severe allergic reaction to any drug", "exclusion", "condition drug_allergy [history, severe]"),
    ("History of allergic reactions to any medication", "exclusion", "condition drug_allergy [history]"),
    ("History of severe allergic reactions", "exclusion", "condition allergic_disease [history, severe]"),
    # what it is to, after its examples: the examples do not widen it
    ("History of serious allergic reaction (e.g., anaphylaxis) to any drug", "exclusion",
     "condition drug_allergy [history, severe]"),
    # "illness" after qualifiers that narrow it: a medical condition so narrowed, its examples dropped
    ("Serious, unstable illness including hepatic, renal, gastroenterological, respiratory, cardiovascular, "
     "endocrine, neurologic, immunologic, or hematologic disease", "exclusion",
     "condition medical_condition [severe, uncontrolled]"),
    ("Severe illness", "exclusion", "condition medical_condition [severe]"),
    ("Uncontrolled illness", "exclusion", "condition medical_condition [uncontrolled]"),
    ("History of serious illness", "exclusion", "condition medical_condition [history, severe]"),
    # a name around its abbreviation: the test the whole name names, not the infection
    ("Positive test for HIV, hepatitis B surface antigen (HBsAg) or hepatitis C virus (HCV) antibody at screening",
     "exclusion", "condition hiv_infection or hbsag in {positive} or hcv_antibody in {positive}"),
    ("Detectable hepatitis C virus (HCV) RNA", "exclusion", "hcv_rna in {positive}"),
    ("Positive human immunodeficiency virus (HIV) antibody", "exclusion", "hiv_antibody in {positive}"),
    # antibodies to HIV persist and no vaccine leaves them: seropositive is infected
    ("Known to be HIV seropositive", "exclusion", "condition hiv_infection"),
    # a window after "meets DSM-5 criteria for X" dates X (it was dropped: a disorder long over excluded)
    ("Meets DSM-5 criteria for alcohol use disorder within the past 6 months", "exclusion",
     "condition alcohol_use_disorder within 6 months before screening"),
    ("Meets DSM-IV criteria for major depressive disorder within the past 6 months", "exclusion",
     "condition major_depressive_disorder within 6 months before screening"),
    # treatments listed with commas after "requiring": what the infection requires, any of them
    # (the antivirals and antifungals after the commas were read alone, prophylaxis excluding)
    ("Active infection requiring antibiotics, antivirals or antifungals", "exclusion",
     "condition infection [active] and (medication antibiotic [current] for (infection) or medication antiviral "
     "[current] for (infection) or medication antifungal [current] for (infection))"),
    ("Infection requiring hospitalization, IV antibiotics, or antivirals", "exclusion",
     "condition infection [hospitalized] or (condition infection and (medication antibiotic [current, intravenous] "
     "for (infection) or medication antiviral [current] for (infection)))"),
    # the study drug's components or excipients, however the sentence orders them
    ("Known allergy to any of the study drug components or excipients", "exclusion",
     "condition study_drug_hypersensitivity"),
    ("Known hypersensitivity to any of the excipients of the study drug", "exclusion",
     "condition study_drug_hypersensitivity"),
    # a reaction as the example of an allergy says how it showed (anaphylaxis to peanuts was read too)
    ("Any known allergy to the study drug, such as anaphylaxis", "exclusion", "condition study_drug_hypersensitivity"),
    # under an allergy to something, any condition named is how it showed: "urticaria" is not chronic
    # urticaria (which excluded a patient with hives and no drug allergy); under allergy itself the
    # examples are allergic diseases of their own
    ("Drug allergy (e.g., anaphylaxis, urticaria)", "exclusion", "condition drug_allergy"),
    ("History of drug allergy (such as anaphylaxis or urticaria)", "exclusion", "condition drug_allergy [history]"),
    ("Allergic disease (e.g., asthma, eczema)", "exclusion",
     "condition allergic_disease or condition asthma or condition eczema"),
    # how often a symptom comes, kept in words beside it; how long it has lasted read
    ("Pain on a daily basis for at least 6 months", "inclusion",
     'condition pain lasting >= 6 months and text "on a daily basis"'),
    ("Headache every day for at least 3 months", "inclusion",
     'condition headache lasting >= 3 months and text "every day"'),
    # a window after a bracket of examples is the head's; after a treatment's examples, a wash-out's
    ("Diagnosis of cardiovascular disease (e.g., prior MI, stroke) within 5 years", "inclusion",
     "condition cardiovascular_disease [new] within 5 years before screening"),
    ("Use of herbal drugs or natural remedies, e.g. St. John's wort within 4 weeks before first study intervention "
     "administration", "exclusion", "medication herbal_medicine within 4 weeks before first_dose"),
]


@pytest.mark.parametrize("text, kind, rule", READ)
def test_read(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


STAYS_WORDS = [
    # units of something that is not alcohol, or no period said
    ("Insulin > 40 units per day", "exclusion"),
    ("More than 14 units of alcohol", "exclusion"),
    # a history of drinking so much is not what one drinks now
    ("History of excessive alcohol intake (> 14 units per week)", "exclusion"),
    # "former" alone is not now, nor ever
    ("Former smoker", "exclusion"),
    ("Former smoker who quit at least 1 year ago", "inclusion"),
    # the words after a drug screen run into another test: which words are whose is not read
    ("Positive urine drug screen for cocaine or positive alcohol breath test", "exclusion"),
    # a list with an item that is no allergy the vocabulary names; "other" of a class unnamed
    ("Allergy to eggs or egg products", "exclusion"),
    ("Allergy to nickel or other metals", "exclusion"),
    # what an allergy is to, after a bracket: not an allergy to anything (it was read so)
    ("Allergy (e.g., anaphylaxis) to food", "exclusion"),
    ("History of severe allergic reactions (anaphylaxis) to drugs", "exclusion"),
    # "acute illness" would be any ongoing condition; "active or serious" is not narrowed throughout
    ("Acute illness", "exclusion"),
    ("Active or serious illness", "exclusion"),
    # how often, before the condition or of a list: whose it is is not read
    ("Daily pain for at least 3 months", "inclusion"),
    ("Migraine or headache on a daily basis", "exclusion"),
    # a window among examples written without brackets: the example's or the head's (lent to the
    # head, it narrowed an inclusion; "Cardiovascular disease …" was "within 6 months" of all of it)
    ("History of cardiovascular disease including myocardial infarction within the past 12 months", "inclusion"),
    ("Cardiovascular disease, including myocardial infarction within 6 months, unstable angina, or congestive "
     "heart failure", "exclusion"),
    ("Cardiovascular disease such as myocardial infarction within 6 months", "exclusion"),
]


@pytest.mark.parametrize("text, kind", STAYS_WORDS)
def test_stays_words(text, kind):
    assert to_text(compile_criterion(text, kind).rule).startswith("text ")


def _alcohol(value: float, unit: str = "/week", name: str = "alcohol units per week") -> dict:
    return {"vitals": [{"name": name, "value": value, "unit": unit, "date": "2026-11-01"}]}


def test_alcohol_units_by_sex():
    rule = to_text(compile_criterion(
        "Alcohol consumption of more than 21 units per week for men or 14 units per week for women", "exclusion").rule)
    assert outcome(rule, "exclusion", sex="male", **_alcohol(30)).truth is Truth.TRUE
    assert outcome(rule, "exclusion", sex="male", **_alcohol(18)).truth is Truth.FALSE
    assert outcome(rule, "exclusion", sex="female", **_alcohol(18)).truth is Truth.TRUE
    # a daily amount is a weekly one seven times over
    assert outcome(rule, "exclusion", sex="male", **_alcohol(2, "/day")).truth is Truth.FALSE
    assert outcome(rule, "exclusion", sex="male").truth is Truth.UNKNOWN


def test_units_are_not_drinks():
    # 30 UK units (240 g) is about 17 US drinks: a limit in drinks is not settled by units
    assert outcome("alcoholic_drinks_per_week > 14 /week", "exclusion", **_alcohol(30)).truth is Truth.UNKNOWN


def test_a_former_smoker_is_not_failed_by_a_current_smokers_pack_years():
    rule = to_text(compile_criterion("Current smoker with a smoking history of more than 10 pack-years",
                                     "exclusion").rule)
    former = {"complete": ["conditions"],
              "conditions": [{"name": "smoking", "onset": "1990-01-01", "end": "2015-01-01"}],
              "scores": [{"name": "pack-years", "value": 30, "date": "2026-10-01"}]}
    assert outcome(rule, "exclusion", **former).truth is Truth.FALSE
    current = {**former, "conditions": [{"name": "smoking", "onset": "1990-01-01"}]}
    assert outcome(rule, "exclusion", **current).truth is Truth.TRUE
    # "smokers with > 20 pack-years": a former smoker may or may not be meant
    assert outcome("condition tobacco_use and pack_years > 20", "inclusion", **former).truth is Truth.UNKNOWN


def test_a_positive_screen_for_a_prescribed_drug_waits_for_a_coordinator():
    rule = to_text(compile_criterion("Positive urine drug screen for drugs of abuse other than prescribed medications",
                                     "exclusion").rule)
    def screen(value):
        return {"labs": [{"name": "urine drug screen", "value": value, "date": "2026-11-10"}]}
    assert outcome(rule, "exclusion", **screen("negative")).truth is Truth.FALSE
    assert outcome(rule, "exclusion", **screen("positive")).truth is Truth.UNKNOWN
    # a screen positive for some drugs only: one positive for cannabis excludes nobody unseen
    rule = to_text(compile_criterion("Positive urine drug screen for opioids, cocaine, or amphetamines",
                                     "exclusion").rule)
    assert rule == 'urine_drug_screen in {positive} and text "for opioids, cocaine, or amphetamines"'
    assert outcome(rule, "exclusion", **screen("positive")).truth is Truth.UNKNOWN


def test_an_allergy_to_a_drug_after_its_examples_is_not_every_allergy():
    rule = to_text(compile_criterion("History of serious allergic reaction (e.g., anaphylaxis) to any drug",
                                     "exclusion").rule)
    peanuts = {"complete": ["conditions"], "conditions": [{"name": "peanut allergy", "severity": "severe"}]}
    assert outcome(rule, "exclusion", **peanuts).truth is Truth.FALSE
    anaphylaxis = {"conditions": [{"name": "anaphylaxis", "onset": "2020-01-01"}]}
    assert outcome(rule, "exclusion", **anaphylaxis).truth is not Truth.TRUE


def test_a_serious_illness_is_one_recorded_as_severe():
    rule = to_text(compile_criterion("Serious, unstable illness", "exclusion").rule)
    mild = {"complete": ["conditions"],
            "conditions": [{"name": "hypertension", "severity": "mild", "controlled": True}]}
    assert outcome(rule, "exclusion", **mild).truth is Truth.FALSE
    unsaid = {"conditions": [{"name": "hypertension"}]}
    assert outcome(rule, "exclusion", **unsaid).truth is Truth.UNKNOWN


def test_a_disorder_long_over_is_not_within_the_window():
    rule = to_text(compile_criterion("Meets DSM-5 criteria for alcohol use disorder within the past 6 months",
                                     "exclusion").rule)
    over = {"complete": ["conditions"],
            "conditions": [{"name": "alcohol use disorder", "onset": "2010-01-01", "end": "2015-01-01"}]}
    assert outcome(rule, "exclusion", **over).truth is Truth.FALSE


def test_antiviral_prophylaxis_is_not_an_infection_requiring_it():
    rule = to_text(compile_criterion("Active infection requiring antibiotics, antivirals or antifungals",
                                     "exclusion").rule)
    prophylaxis = {"complete": ["conditions"],
                   "medications": [{"name": "acyclovir", "start": "2026-01-01", "indication": "prophylaxis"}]}
    assert outcome(rule, "exclusion", **prophylaxis).truth is Truth.FALSE


def test_how_often_pain_comes_waits_for_a_coordinator_but_a_short_history_settles_it():
    rule = to_text(compile_criterion("Pain on a daily basis for at least 6 months", "inclusion").rule)
    long_since = {"conditions": [{"name": "low back pain", "onset": "2024-01-01"}]}
    assert outcome(rule, "inclusion", **long_since).truth is Truth.UNKNOWN
    lately = {"complete": ["conditions"], "conditions": [{"name": "low back pain", "onset": "2026-10-01"}]}
    assert outcome(rule, "inclusion", **lately).truth is Truth.FALSE


def test_an_inclusion_asking_for_a_general_head_is_met_by_the_disease_studied():
    from screening.compile import compile_trial
    from screening.trial import Criterion, Trial

    trial = Trial(nct_id="NCT09999988", conditions=("Sepsis",), criteria=(
        Criterion(id="I1", kind="inclusion", text="Severe illness"),
        Criterion(id="I2", kind="inclusion", text="No serious medical illness"),
        Criterion(id="E1", kind="exclusion", text="Serious, unstable illness"),))
    rules = {k: to_text(r) for k, r in compile_trial(trial).rules.items()}
    # a septic patient has the severe illness asked for; "no serious illness" and the exclusion
    # do not mean the sepsis studied
    assert rules["I1"] == "condition medical_condition [severe]"
    assert rules["I2"] == "not condition medical_condition [severe] except (sepsis)"
    assert rules["E1"] == "condition medical_condition [severe, uncontrolled] except (sepsis)"
