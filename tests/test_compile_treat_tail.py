"""The tail of treatment wording: washouts, prior and concomitant medications, drug classes named
narrowly, study anchors. Criterion text → canonical rule, the near misses that must stay free
text, and the patients a reading could fail wrongly."""

from datetime import date

import pytest

from screening.compile import compile_criterion
from screening.evaluate import Context, evaluate
from screening.logic import Truth
from screening.nodes import FreeText
from screening.patient import patient_from_mapping
from screening.printer import to_text
from screening.rules import parse_rule

AS_OF = date(2026, 11, 20)


@pytest.mark.parametrize("text, kind, rule", [
    # an irreversible MAOI is not every MAOI (moclobemide is reversible)
    ("Treatment with nonreversible monoamine oxidase inhibitor within 2 weeks prior to initiation of study",
     "exclusion", "medication irreversible_maoi within 2 weeks before first_dose"),
    ("Use of non-selective MAOIs within 14 days", "exclusion", "medication nonselective_maoi within 14 days before screening"),
    ("Use of MAOIs within 14 days", "exclusion", "medication maoi within 14 days before screening"),
    # a kind of diuretic is not every diuretic
    ("Use of loop diuretics", "exclusion", "medication loop_diuretic"),
    ("Treatment with thiazides within 4 weeks", "exclusion", "medication thiazide_diuretic within 4 weeks before screening"),
    ("Use of potassium-sparing diuretics", "exclusion", "medication potassium_sparing_diuretic"),
    # the FDA's strong CYP2D6 and CYP2C8 inhibitors; sulfonylureas and glinides
    ("Concomitant use of strong CYP2D6 inhibitors", "exclusion", "medication strong_cyp2d6_inhibitor [current]"),
    ("Use of strong CYP2C8 inhibitors within 14 days", "exclusion",
     "medication strong_cyp2c8_inhibitor within 14 days before screening"),
    ("Use of insulin secretagogues", "exclusion", "medication insulin_secretagogue"),
    # the study's first administration, however it is written
    ("Use of herbal remedies within 4 weeks before first study intervention administration", "exclusion",
     "medication herbal_medicine within 4 weeks before first_dose"),
    # a course discontinued or stopped some time ago: a wash-out, as a completed one
    ("Discontinuation of all biological agents at least 3 months prior to first study injection", "inclusion",
     "not medication biologic within 3 months before first_dose"),
    ("Methotrexate stopped at least 4 weeks before randomization", "inclusion",
     "not medication methotrexate within 4 weeks before randomization"),
    ("Biologic therapy discontinued less than 3 months before baseline", "exclusion",
     "medication biologic within 3 months before baseline"),
    # not given the drug named (whether a course long ended counts is the protocol's call)
    ("Insulin naive", "inclusion", "not medication insulin"),
    ("Insulin-naive", "inclusion", "not medication insulin"),
    ("Patients naive to biologics", "inclusion", "not medication biologic"),
    ("Naïve to TNF inhibitors", "inclusion", "not medication tnf_inhibitor"),
    # "any of (the following:)": the qualifiers before it reach every item, a window before its colon too
    ("Prior treatment with any of rituximab, ocrelizumab, or alemtuzumab", "exclusion",
     "medication rituximab [history] or medication ocrelizumab [history] or medication alemtuzumab [history]"),
    ("Prior treatment with any of the following: rituximab or ocrelizumab", "inclusion",
     "medication rituximab [history] or medication ocrelizumab [history]"),
    ("No prior treatment with any of the following: rituximab, ocrelizumab", "inclusion",
     "not (medication rituximab [history] or medication ocrelizumab [history])"),
    ("Treatment with any of the following within 30 days before screening: warfarin or heparin", "exclusion",
     "medication warfarin within 30 days before screening or medication heparin within 30 days before screening"),
    ("Any of the following within 6 months: myocardial infarction; stroke", "exclusion",
     "condition myocardial_infarction within 6 months before screening"
     " or condition stroke within 6 months before screening"),
    # "long-term" is chronic; "a requirement for" is a need now; "treatment or use of" is use
    ("Long-term use of anticoagulants", "exclusion", "medication anticoagulant [chronic]"),
    ("Requirement for chronic systemic corticosteroid therapy", "exclusion",
     "medication corticosteroid [current, chronic, systemic]"),
    ("Concomitant treatment or use of St. John's Wort", "exclusion", "medication st_johns_wort [current]"),
    ("Chronic administration of immunosuppressants within six months prior to the first vaccine dose", "exclusion",
     "medication immunosuppressant [chronic] within 6 months before first_dose"),
    # a wash-out in days or half-lives with its anchor before "whichever is longer"
    ("Received any investigational product within 30 days or 5 half-lives prior to Day 1, whichever is longer",
     "exclusion", "medication investigational_agent within max(30 days, 5 half-lives) before baseline"),
    ("Use of an investigational drug within 5 half-lives or 30 days prior to randomization, whichever is shorter",
     "exclusion", "medication investigational_agent within min(30 days, 5 half-lives) before randomization"),
    # "… is prohibited", "… is not permitted": what the clause names excludes (an inclusion forbids it)
    ("Concomitant use of warfarin is prohibited", "exclusion", "medication warfarin [current]"),
    ("Use of strong CYP3A4 inhibitors within 14 days prior to the first dose is prohibited", "exclusion",
     "medication strong_cyp3a4_inhibitor within 14 days before first_dose"),
    ("Concurrent radiotherapy is not permitted", "inclusion", "not procedure radiotherapy [current]"),
    # "inadequate response or intolerance to X": either
    ("Inadequate response or intolerance to methotrexate", "inclusion",
     "medication methotrexate [refractory] or medication methotrexate [intolerant]"),
    ("Intolerance or inadequate response to at least one TNF inhibitor", "inclusion",
     "medication tnf_inhibitor [intolerant] or medication tnf_inhibitor [refractory]"),
    # a dose between two ends, met by one course; "at time of enrollment" is now
    ("Prednisone dose at time of enrollment of ≥ 5 mg/day and ≤ 10 mg/day", "inclusion",
     "medication prednisone [current] dose >= 5 mg/day dose <= 10 mg/day"),
    ("Prednisone > 5 mg/day and < 20 mg/day", "exclusion", "medication prednisone dose > 5 mg/day dose < 20 mg/day"),
    ("Prednisone ≥ 5 mg/day and ALT ≤ 2 x ULN", "inclusion", "medication prednisone dose >= 5 mg/day and alt <= 2 x ULN"),
    # "… within N, or planned during the study": the same treatments, planned
    ("Administration of immunoglobulins and/or any blood products within 3 months preceding the first dose of study "
     "vaccine or planned administration during the study period", "exclusion",
     "medication immunoglobulin_therapy within 3 months before first_dose or procedure blood_transfusion within 3 months"
     " before first_dose or medication immunoglobulin_therapy [planned] or procedure blood_transfusion [planned]"),
    ("Major surgery within 4 weeks prior to randomization, or planned during the study", "exclusion",
     "procedure major_surgery within 4 weeks before randomization or procedure major_surgery [planned]"),
    # drugs sharing the last name's tail are drugs, not conditions
    ("Treated with inhaled or topical corticosteroids", "inclusion",
     "medication inhaled_corticosteroid or medication topical_corticosteroid"),
    ("Current use of systemic corticosteroids; inhaled or topical steroids are allowed", "exclusion",
     "medication corticosteroid [current, systemic] except (inhaled_corticosteroid, topical_corticosteroid)"),
    # a dose of the class counted in its reference drug, however it is written
    ("Systemic corticosteroids at a dose of > 10 mg prednisone equivalent per day within 14 days", "exclusion",
     "medication prednisone [systemic, equivalent] dose > 10 mg/day within 14 days before screening"),
    ("Corticosteroids > 10 mg/day prednisone", "exclusion", "medication prednisone [equivalent] dose > 10 mg/day"),
    # a vaccine allowed after a vaccine window is excepted from it
    ("Any vaccine within 14 days before randomization; inactivated influenza vaccine is allowed", "exclusion",
     "vaccination vaccine except (inactivated_influenza_vaccine) within 14 days before randomization"),
    ("Transfusion within 7 days prior to screening laboratory assessment", "exclusion",
     "procedure blood_transfusion within 7 days before screening"),
    # a time since the last dose or the completion of a treatment: a wash-out
    ("At least 4 weeks since the last dose of chemotherapy", "inclusion",
     "not medication chemotherapy within 4 weeks before screening"),
    ("A minimum of 2 weeks since completion of prior radiotherapy", "inclusion",
     "not procedure radiotherapy within 2 weeks before screening"),
    ("At least 28 days must have elapsed since the last dose of radiotherapy", "inclusion",
     "not procedure radiotherapy within 28 days before screening"),
    # off a drug for at least a time: a wash-out
    ("Off warfarin for at least 5 days", "inclusion", "not medication warfarin within 5 days before screening"),
    ("Off all antidepressants for at least 2 weeks and INR < 1.5", "inclusion",
     "not medication antidepressant within 2 weeks before screening and inr < 1.5"),
    # "vaccinated (against X)", "began taking"
    ("Vaccinated against COVID-19 within 14 days", "exclusion",
     "vaccination covid19_vaccine within 14 days before screening"),
    ("Began taking antihypertensive medication within 4 weeks", "exclusion",
     "medication antihypertensive [new] within 4 weeks before screening"),
    # "the start of drug" is the first dose
    # during the study or in the weeks before: planned for the study, or had in the weeks before
    ("Radiotherapy during the study or within 3 weeks of the start of drug", "exclusion",
     "procedure radiotherapy within 3 weeks before first_dose or procedure radiotherapy [planned]"),
    ("Radiotherapy within 3 weeks of screening or during the study", "exclusion",
     "procedure radiotherapy within 3 weeks before screening or procedure radiotherapy [planned]"),
    ("Chemotherapy or immunotherapy during the study or within 4 weeks of study entry", "exclusion",
     "medication chemotherapy within 4 weeks before screening or medication cancer_immunotherapy within 4 weeks"
     " before screening or medication chemotherapy [planned] or medication cancer_immunotherapy [planned]"),
    ("Participation in another clinical trial within 60 days prior to the Screening Visit or during this study",
     "exclusion", "procedure clinical_trial_participation within 60 days before screening"
                  " or procedure clinical_trial_participation [planned]"),
    # the components of a drug not named are the study drug's
    ("Hypersensitivity to one of the components of the drug", "exclusion", "condition study_drug_hypersensitivity"),
    ("Known hypersensitivity to any of the components; pregnancy", "exclusion",
     "condition study_drug_hypersensitivity or pregnant"),
])
def test_treatment_constructs(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # what the steroid was given for is not recorded where a rule can read it
    ("No concurrent steroids as an antiemetic", "exclusion"),
    # a stop for a reason is not any stop
    ("Discontinuation of biologics due to toxicity at least 3 months before baseline", "inclusion"),
    # naive patients who take a drug are not naive to it
    ("Naive patients treated with metformin", "inclusion"),
    # "naive" after a list may reach one name or all
    ("Methotrexate or biologic naive", "inclusion"),
    # treatment-naive with no drug named: naive to what is not said
    ("Treatment-naive", "inclusion"),
    # (which of the two counts is not said: round 8 decides what both would)
    # not allowed during the study: a patient on it now may stop before
    ("Warfarin is not allowed during the study", "exclusion"),
    # a loss of response is not recorded as no response: the patient once responded
    ("Inadequate response, loss of response, or intolerance to at least one TNF inhibitor", "inclusion"),
    # an upper end written first: which end is which is left to the words
    ("Prednisone ≤ 10 mg/day and ≥ 5 mg/day", "inclusion"),
    # planned when is not said; and "chronic" may or may not reach the plan
    ("Surgery within 4 weeks or planned", "exclusion"),
    ("Chronic administration of immunosuppressants within six months prior to the first vaccine dose, or planned "
     "during the study", "exclusion"),
    # a dose "in morphine" has no equivalence table here
    ("Use of opioids > 60 mg/day morphine", "exclusion"),
    # completing a form is no treatment
    ("At least 4 weeks since completion of the consent form", "inclusion"),
    # off-label use is not being off the drug
    ("Off-label use of warfarin for at least 5 days", "inclusion"),
    # whether "prior" reaches the plan is not said
    ("Prior radiotherapy during the study or within 3 weeks", "exclusion"),
    # (a care facility is not a treatment: living in one is condition institutionalized,
    # test_compile_consent8.py)
    # the components of a product that is named are not the study drug's
    ("Hypersensitivity to any of the components of blood products", "exclusion"),
])
def test_treatment_near_misses_stay_free_text(text, kind):
    assert isinstance(compile_criterion(text, kind).rule, FreeText)


def screened(text: str, kind: str, **profile) -> Truth:
    """The truth of a criterion's statement for a made-up patient."""
    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), **profile})
    return evaluate(compile_criterion(text, kind).rule, Context(patient=patient, as_of=AS_OF)).truth


@pytest.mark.parametrize("drug, truth", [("moclobemide", Truth.FALSE), ("safinamide", Truth.FALSE),
                                         ("phenelzine", Truth.TRUE), ("selegiline", Truth.TRUE)])
def test_an_irreversible_maoi_washout_does_not_exclude_a_reversible_one(drug, truth):
    text = "Treatment with irreversible MAO inhibitors within 2 weeks prior to randomization"
    on_it = {"medications": [{"name": drug, "start": "2026-01-01"}], "complete": ["medications"]}
    assert screened(text, "exclusion", **on_it) is truth


def test_a_nonselective_maoi_is_not_a_mao_b_inhibitor():
    text = "Use of nonselective MAOIs within 14 days"
    on_it = {"medications": [{"name": "rasagiline", "start": "2026-01-01"}], "complete": ["medications"]}
    assert screened(text, "exclusion", **on_it) is Truth.FALSE


def test_insulin_naive_fails_only_a_patient_on_insulin_now():
    text = "Insulin-naive"
    assert screened(text, "inclusion", medications=[{"name": "insulin glargine", "start": "2026-01-01"}]) \
        is Truth.FALSE
    # insulin during a pregnancy long ago: whether that counts is the protocol's call
    assert screened(text, "inclusion", medications=[{"name": "insulin glargine", "start": "1998-01-01",
                                                    "end": "1998-06-01"}], complete=["medications"]) is Truth.UNKNOWN
    assert screened(text, "inclusion", medications=[{"name": "metformin", "start": "2019-01-01"}],
                    complete=["medications"]) is Truth.TRUE
    assert screened(text, "inclusion", medications=[{"name": "metformin", "start": "2019-01-01"}]) is Truth.UNKNOWN


def test_a_biologic_stopped_long_ago_meets_the_washout():
    text = "Discontinuation of all biological agents at least 3 months prior to first study injection"
    stopped = {"medications": [{"name": "adalimumab", "start": "2024-01-01", "end": "2026-01-01"}],
               "complete": ["medications"]}
    assert screened(text, "inclusion", **stopped) is Truth.TRUE
    recent = {"medications": [{"name": "adalimumab", "start": "2024-01-01", "end": "2026-10-01"}]}
    assert screened(text, "inclusion", **recent) is Truth.FALSE


def test_a_qualifier_before_any_of_reaches_the_choice():
    # "current use of any of …" does not count a course that ended
    text = "Current use of any of the following medications: warfarin, heparin"
    ended = {"medications": [{"name": "warfarin", "start": "2020-01-01", "end": "2021-01-01"}],
             "complete": ["medications"]}
    assert screened(text, "exclusion", **ended) is Truth.FALSE


@pytest.mark.parametrize("drug, truth", [("hydrochlorothiazide", Truth.FALSE), ("spironolactone", Truth.FALSE),
                                         ("furosemide", Truth.TRUE)])
def test_a_loop_diuretic_exclusion_does_not_exclude_a_thiazide(drug, truth):
    on_it = {"medications": [{"name": drug, "start": "2026-01-01"}], "complete": ["medications"]}
    assert screened("Current use of loop diuretics", "exclusion", **on_it) is truth


@pytest.mark.parametrize("drug, truth", [("sertraline", Truth.FALSE), ("paroxetine", Truth.TRUE)])
def test_a_strong_cyp2d6_inhibitor_is_one_the_fda_lists(drug, truth):
    on_it = {"medications": [{"name": drug, "start": "2026-01-01"}], "complete": ["medications"]}
    assert screened("Concomitant use of strong CYP2D6 inhibitors", "exclusion", **on_it) is truth


def prednisone(dose, start="2026-01-01", end=None):
    entry = {"name": "prednisone", "dose": dose, "start": start}
    return {**entry, "end": end} if end else entry


@pytest.mark.parametrize("courses, truth", [
    ([prednisone("7.5 mg/day")], Truth.TRUE),
    ([prednisone("2.5 mg/day")], Truth.FALSE),
    ([prednisone("20 mg/day")], Truth.FALSE),
    # each end met by another course is neither
    ([prednisone("20 mg/day", "2025-01-01", "2025-06-01"), prednisone("2 mg/day")], Truth.FALSE),
    ([{"name": "prednisone", "start": "2026-01-01"}], Truth.UNKNOWN),
])
def test_a_dose_range_is_met_by_one_course(courses, truth):
    text = "Prednisone dose ≥ 5 mg/day and ≤ 10 mg/day"
    assert screened(text, "inclusion", medications=courses, complete=["medications"]) is truth


def test_a_dose_range_prints_and_reads_back():
    rule = compile_criterion("Prednisone > 5 mg/day and < 20 mg/day", "exclusion").rule
    assert parse_rule(to_text(rule)) == rule


def test_how_long_a_dose_was_taken_counts_only_the_courses_at_that_dose():
    # 5 mg/day for months, then 15 mg/day for nine days: not "> 10 mg/day for more than 2 weeks"
    text = "Prednisone > 10 mg/day for more than 2 weeks"
    low_then_high = [prednisone("5 mg/day", "2026-01-01", "2026-11-10"), prednisone("15 mg/day", "2026-11-11")]
    assert screened(text, "exclusion", medications=low_then_high, complete=["medications"]) is Truth.FALSE
    high_then_higher = [prednisone("15 mg/day", "2026-01-01", "2026-11-10"), prednisone("20 mg/day", "2026-11-11")]
    assert screened(text, "exclusion", medications=high_then_higher) is Truth.TRUE
    unknown_then_high = [{"name": "prednisone", "start": "2026-01-01", "end": "2026-11-10"},
                         prednisone("20 mg/day", "2026-11-11")]
    assert screened(text, "exclusion", medications=unknown_then_high, complete=["medications"]) is Truth.UNKNOWN


def test_a_surgery_planned_for_the_study_period_excludes():
    text = "Major surgery within the past 6 months or planned during the study"
    planned = {"procedures": [{"name": "knee replacement", "date": "2026-12-15", "planned": True}]}
    assert screened(text, "exclusion", **planned) is Truth.TRUE
    # one long ago does not; whether one is planned, a complete list of what was done does not say
    long_ago = {"procedures": [{"name": "knee replacement", "date": "2020-01-10"}], "complete": ["procedures"]}
    assert screened(text, "exclusion", **long_ago) is Truth.UNKNOWN


def test_a_patient_on_an_inhaled_steroid_is_treated_with_inhaled_or_topical_ones():
    on_it = {"medications": [{"name": "inhaled corticosteroid", "start": "2026-01-01"}],
             "conditions": [], "complete": ["conditions", "medications"]}
    assert screened("Treated with inhaled or topical corticosteroids", "inclusion", **on_it) is Truth.TRUE


def test_a_dose_in_prednisone_equivalents_counts_another_steroid():
    text = "Systemic corticosteroids at a dose of > 10 mg prednisone equivalent per day within 14 days"
    dexamethasone = {"medications": [{"name": "dexamethasone", "dose": "4 mg/day", "start": "2026-11-15",
                                      "route": "oral"}]}
    assert screened(text, "exclusion", **dexamethasone) is Truth.TRUE


def test_an_allowed_flu_shot_does_not_exclude():
    text = "Any vaccine within 14 days before randomization; inactivated influenza vaccine is allowed"
    flu_shot = {"vaccinations": [{"name": "inactivated influenza vaccine", "date": "2026-11-15"}],
                "complete": ["vaccinations"]}
    assert screened(text, "exclusion", **flu_shot) is Truth.FALSE
    shingles = {"vaccinations": [{"name": "recombinant zoster vaccine", "date": "2026-11-15"}]}
    assert screened(text, "exclusion", **shingles) is Truth.TRUE


def test_a_last_dose_long_ago_meets_the_time_since_it():
    text = "At least 4 weeks since the last dose of chemotherapy"
    long_ago = {"medications": [{"name": "carboplatin", "start": "2026-05-01", "end": "2026-09-01"}],
                "complete": ["medications"]}
    assert screened(text, "inclusion", **long_ago) is Truth.TRUE
    last_week = {"medications": [{"name": "carboplatin", "start": "2026-05-01", "end": "2026-11-13"}]}
    assert screened(text, "inclusion", **last_week) is Truth.FALSE


def test_radiotherapy_last_week_is_in_the_weeks_before_the_study():
    # it was read as a plan dated in the past weeks, which a course had is not
    text = "Radiotherapy during the study or within 3 weeks of the start of drug"
    last_week = {"procedures": [{"name": "radiotherapy", "date": "2026-11-13"}]}
    assert screened(text, "exclusion", **last_week) is Truth.TRUE
