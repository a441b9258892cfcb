"""Oncology protocol template wording (Merck, BMS, Roche, AstraZeneca, NCI CTEP): what is read and
what stays words."""

import pytest

from screening.compile import compile_criterion, compile_trial
from screening.logic import Truth
from screening.nodes import is_structured
from screening.printer import to_text
from screening.trial import Criterion, Trial

from made_up import outcome


@pytest.mark.parametrize("text, kind, rule", [
    # biomarkers are results: positive or negative
    ("Known EGFR mutation or ALK translocation", "exclusion",
     "egfr_mutation in {positive} or alk_rearrangement in {positive}"),
    ("Known EGFR sensitizing mutation or ALK rearrangement", "exclusion",
     "egfr_mutation in {positive} or alk_rearrangement in {positive}"),
    ("MSI-H or dMMR", "inclusion", "msi_high in {positive} or mismatch_repair_deficiency in {positive}"),
    ("KRAS G12C mutation", "inclusion", "kras_g12c_mutation in {positive}"),
    ("Documented EGFR exon 19 deletion or L858R mutation", "inclusion",
     "egfr_exon19_deletion in {positive} or egfr_l858r in {positive}"),
    ("Hormone receptor positive", "inclusion", "hormone_receptor_status in {positive}"),
    ("ER-positive or PgR-positive", "inclusion",
     "estrogen_receptor_status in {positive} or progesterone_receptor_status in {positive}"),
    ("BRAF V600E mutation", "inclusion", "braf_v600e_mutation in {positive}"),
    ("Known ROS1 rearrangement", "exclusion", "ros1_rearrangement in {positive}"),
    # who assessed a finding does not make it a judgement; the standard's version is dropped
    ("Has measurable disease per RECIST 1.1 as assessed by the local site investigator", "inclusion",
     "measurable_disease in {yes}"),
    ("Measurable disease per RECIST v1.1 as determined by the investigator", "inclusion",
     "measurable_disease in {yes}"),
    ("Measurable disease per RECIST 1.1", "inclusion", "measurable_disease in {yes}"),
    ("PD-L1 TPS ≥ 50% by local assessment", "inclusion", "pdl1_tps >= 50 %"),
    # the combined positive score is another measure, not a percentage of tumour cells
    ("PD-L1 combined positive score (CPS) ≥ 10", "inclusion", "pdl1_cps >= 10"),
    ("PD-L1 expression ≥ 1%", "inclusion", "pdl1_expression >= 1 %"),
    ("Have measurable disease per Response Evaluation Criteria in Solid Tumours (RECIST) 1.1 as assessed by the "
     "local site investigator/radiologist", "inclusion", "measurable_disease in {yes}"),
    # recovery from the toxicity of earlier treatment is a fact a coordinator records
    ("Adverse events from prior therapy have improved to grade 1 or baseline", "inclusion",
     "attribute recovered_from_prior_toxicity"),
    ("Resolution of all acute toxic effects of prior anticancer therapy to grade ≤ 1", "inclusion",
     "attribute recovered_from_prior_toxicity"),
    ("Has not recovered (i.e., ≤ Grade 1 or at baseline) from adverse events due to a previously administered "
     "agent", "exclusion", "not attribute recovered_from_prior_toxicity"),
    # a result in parentheses defines the diagnosis before it
    ("Has a known history of Hepatitis B (defined as HBsAg reactive) or known active Hepatitis C virus (defined "
     "as HCV RNA is detected) infection", "exclusion", "hbsag in {positive} or hcv_rna in {positive}"),
    ("Hepatitis B (defined as HBsAg positive)", "exclusion", "hbsag in {positive}"),
    # the KEYNOTE phrase for other checkpoint agents, examples of the class in words it does not know
    ("Has received prior therapy with an anti-PD-1, anti-PD-L1, or anti-PD-L2 agent or with an agent directed to "
     "another stimulatory or co-inhibitory T-cell receptor (e.g., CTLA-4, OX-40, CD137)", "exclusion",
     "medication pd1_inhibitor [history] or medication pdl1_inhibitor [history] or medication pdl2_inhibitor "
     "[history] or medication t_cell_receptor_agent [history]"),
    ("Prior treatment with an anti-PD-1, anti-PD-L1, anti-PD-L2, or anti-CTLA-4 antibody, or any other antibody or "
     "drug specifically targeting T-cell co-stimulation or checkpoint pathways", "exclusion",
     "medication pd1_inhibitor [history] or medication pdl1_inhibitor [history] or medication pdl2_inhibitor "
     "[history] or medication ctla4_inhibitor [history] or medication t_cell_receptor_agent [history]"),
    # "e.g." before a result: one way of knowing the condition, beside the condition itself
    ("Known active Hepatitis B (e.g., HBsAg reactive) or Hepatitis C (e.g., HCV RNA [qualitative] is detected)",
     "exclusion", "(condition hepatitis_b [active] or hbsag in {positive}) or "
     "(condition hepatitis_c [active] or hcv_rna in {positive})"),
    ("No active hepatitis B (e.g., HBsAg reactive)", "inclusion",
     "not (condition hepatitis_b [active] or hbsag in {positive})"),
    # a test in parentheses after a disease defines it; it is no abbreviation of the disease
    ("Hepatitis C (HCV RNA detected)", "exclusion", "hcv_rna in {positive}"),
    # a result written once is every test's after it: "negative for A and B" is not "B positive"
    ("Negative for hepatitis B surface antigen and hepatitis C antibody", "inclusion",
     "hbsag in {negative} and hcv_antibody in {negative}"),
    ("Negative for HBsAg, HCV antibody and HIV antibody at screening", "inclusion",
     "hbsag in {negative} and hcv_antibody in {negative} and hiv_antibody in {negative}"),
    ("Positive for HBsAg or HCV antibody", "exclusion", "hbsag in {positive} or hcv_antibody in {positive}"),
    # "another" malignancy is other than the studied one, which only the trial says
    ("Known additional malignancy that is progressing or requires active treatment", "exclusion",
     "condition malignancy [progressing, other] or condition malignancy [requiring_treatment, other]"),
    ("Another malignancy", "exclusion", "condition malignancy [other]"),
    ("Known additional malignancy that is progressing or has required active treatment within the past 3 years",
     "exclusion", "condition malignancy [progressing, other] within 3 years before screening or condition "
     "malignancy [requiring_treatment, other] within 3 years before screening"),
    # the template's note of exceptions "… are not excluded" relaxes the sentence before it
    ("Known additional malignancy that is progressing or requires active treatment. Note: Participants with basal "
     "cell carcinoma of the skin, squamous cell carcinoma of the skin, or carcinoma in situ (e.g. breast carcinoma, "
     "cervical cancer in situ) that have undergone potentially curative therapy are not excluded.", "exclusion",
     "condition malignancy [progressing, other] except (basal_cell_carcinoma, cutaneous_squamous_cell_carcinoma, "
     "carcinoma_in_situ [treated]) or condition malignancy [requiring_treatment, other] except (basal_cell_carcinoma, "
     "cutaneous_squamous_cell_carcinoma, carcinoma_in_situ [treated])"),
    ("SLE or other autoimmune disease", "exclusion", "condition sle or condition autoimmune_disease"),
    # qualifiers listed after a condition at the end of the sentence
    ("Brain metastases that are untreated or symptomatic", "exclusion",
     "condition brain_metastases [untreated] or condition brain_metastases [symptomatic]"),
    ("Peripheral neuropathy that requires treatment", "exclusion",
     "condition peripheral_neuropathy [requiring_treatment]"),
    # a list of qualifiers ending in "or": any of them
    ("Symptomatic, untreated or unstable brain metastases", "exclusion",
     "condition brain_metastases [symptomatic] or condition brain_metastases [untreated] or "
     "condition brain_metastases [uncontrolled]"),
    ("Symptomatic, untreated, or actively progressing CNS metastases", "exclusion",
     "condition brain_metastases [symptomatic] or condition brain_metastases [untreated] or "
     "condition brain_metastases [progressing]"),
    # a treatment required by a list of conditions: in an exclusion, of each
    ("Has a history of (non-infectious) pneumonitis/interstitial lung disease that required steroids or has "
     "current pneumonitis/interstitial lung disease", "exclusion",
     "(condition pneumonitis [history] and medication corticosteroid [history] for (pneumonitis)) "
     "or (condition interstitial_lung_disease [history] and medication corticosteroid [history] for "
     "(interstitial_lung_disease)) or condition pneumonitis [current] or condition interstitial_lung_disease [current]"),
    ("Asthma or COPD requiring oral steroids", "exclusion",
     "(condition asthma and medication corticosteroid [current, oral] for (asthma)) or (condition copd and "
     "medication corticosteroid [current, oral] for (copd))"),
    # a dose of a class counted in its reference drug
    ("Requires chronic systemic corticosteroids > 10 mg/day prednisone equivalent", "exclusion",
     "medication prednisone [current, chronic, systemic, equivalent] dose > 10 mg/day"),
    ("Systemic corticosteroids > 10 mg/day (prednisone equivalent)", "exclusion",
     "medication prednisone [systemic, equivalent] dose > 10 mg/day"),
    ("Chronic use of systemic corticosteroids > 10 mg/day of prednisone or equivalent", "exclusion",
     "medication prednisone [chronic, systemic, equivalent] dose > 10 mg/day"),
    # "10 mg daily" is 10 mg/day; the KEYNOTE immunodeficiency sentence
    ("Prednisone > 10 mg daily", "exclusion", "medication prednisone dose > 10 mg/day"),
    ("Prednisone > 10 mg per day", "exclusion", "medication prednisone dose > 10 mg/day"),
    ("Has a diagnosis of immunodeficiency or is receiving chronic systemic steroid therapy (in dosing exceeding 10 mg "
     "daily of prednisone equivalent) or any other form of immunosuppressive therapy within 7 days prior to the first "
     "dose of study drug.", "exclusion",
     "condition immunodeficiency within 7 days before first_dose or medication prednisone [chronic, systemic, "
     "equivalent] dose > 10 mg/day within 7 days before first_dose or medication immunosuppressant [chronic, "
     "systemic] within 7 days before first_dose"),
    # a second name sharing the first one's head
    ("Concurrent use of strong CYP3A4 inhibitors or inducers", "exclusion",
     "medication strong_cyp3a4_inhibitor [current] or medication strong_cyp3a4_inducer [current]"),
    # not being able to swallow is not dysphagia, which is difficulty
    ("Inability to swallow oral medication", "exclusion", "not attribute swallows_oral_medication"),
    ("Inability to swallow capsules or tablets", "exclusion", "not attribute swallows_oral_medication"),
    ("Known dihydropyrimidine dehydrogenase (DPD) deficiency", "exclusion", "condition dpd_deficiency"),
    ("Tumors with known EGFR sensitizing mutations or ALK rearrangements", "exclusion",
     "egfr_mutation in {positive} or alk_rearrangement in {positive}"),
    # receptor subtypes of breast cancer, each its own kind
    ("HER2-negative breast cancer", "inclusion", "condition her2_negative_breast_cancer"),
    ("Hormone receptor-positive, HER2-negative breast cancer", "inclusion",
     "condition hr_positive_her2_negative_breast_cancer"),
    ("ER-positive breast cancer", "inclusion", "condition er_positive_breast_cancer"),
    ("Documented germline BRCA1 or BRCA2 mutation", "inclusion", "condition brca_mutation"),
    # template anchors and vaccines
    ("Treatment with any other investigational agent within 28 days prior to Cycle 1, Day 1", "exclusion",
     "medication investigational_agent within 28 days before first_dose"),
    ("Treatment with a live, attenuated vaccine within 4 weeks prior to initiation of study treatment", "exclusion",
     "vaccination live_vaccine within 4 weeks before first_dose"),
    # NCI CTEP organ function: "AST(SGOT)/ALT(SGPT)" is both values (each, in an inclusion)
    ("AST(SGOT)/ALT(SGPT) ≤ 2.5 × institutional upper limit of normal", "inclusion",
     "alt <= 2.5 x ULN and ast <= 2.5 x ULN"),
    ("AST(SGOT)/ALT(SGPT) > 2.5 × institutional upper limit of normal", "exclusion",
     "alt > 2.5 x ULN or ast > 2.5 x ULN"),
    ("Receipt of live attenuated vaccine within 30 days prior to the first dose of IP", "exclusion",
     "vaccination live_vaccine within 30 days before first_dose"),
    ("Known leptomeningeal involvement", "exclusion", "condition leptomeningeal_disease"),
    ("History of allogeneic organ transplantation", "exclusion", "procedure organ_transplantation [history]"),
    ("Prior treatment with any anti-PD-1, anti-PD-L1, anti-PD-L2, anti-CD137, or anti-CTLA-4 antibody", "exclusion",
     "medication pd1_inhibitor [history] or medication pdl1_inhibitor [history] or medication pdl2_inhibitor "
     "[history] or medication cd137_agonist [history] or medication ctla4_inhibitor [history]"),
    ("Recovered from toxicity of prior therapy to grade ≤ 1", "inclusion", "attribute recovered_from_prior_toxicity"),
    # a note of what need not be tested asks nothing of the patient
    ("Has a known history of Human Immunodeficiency Virus (HIV) infection. No HIV testing is required unless "
     "mandated by local health authority.", "exclusion", "condition hiv_infection [history]"),
    ("Known history of Hepatitis B or known active Hepatitis C virus infection. Note: No testing for Hepatitis B and "
     "Hepatitis C is required unless mandated by local health authority.", "exclusion",
     "condition hepatitis_b [history] or condition hepatitis_c [active]"),
    # taking part in a study now or before, inside the window
    ("Is currently participating in or has participated in a study of an investigational agent within 4 weeks "
     "prior to the first dose of study treatment", "exclusion",
     "procedure drug_trial_participation [current] within 4 weeks before first_dose or procedure "
     "drug_trial_participation [history] within 4 weeks before first_dose"),
    # any graft from another person
    ("Has had an allogenic tissue/solid organ transplant", "exclusion",
     "procedure allogeneic_tissue_transplantation [history]"),
])
def test_oncology_template_wording(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # an exception to the recovery, or a looser grade, is another fact than the attribute
    ("Has not recovered (i.e., ≤ Grade 1 or at baseline) from adverse events due to a previously administered "
     "agent, except alopecia", "exclusion"),
    ("Has not recovered (i.e., ≤ Grade 1 or at baseline) from adverse events due to a previously administered "
     "agent. Note: Participants with ≤ Grade 2 neuropathy may be eligible.", "exclusion"),
    # who assessed something that is not a recorded finding is the investigator's call
    ("Documented disease progression as assessed by the investigator", "inclusion"),
    ("Uncontrolled hypertension as assessed by the investigator", "exclusion"),
    # a note alone is not a criterion either
    ("No HIV testing is required", "exclusion"),
    # "defined by" a procedure says how, not what
    ("Hepatitis B (as defined by MRI)", "exclusion"),
    # a qualifier after a list would be read of its last item only
    # (a need for treatment after a list of conditions is read of each in an exclusion:
    # tests/test_compile_treat_history.py)
    ("Brain metastases or spinal cord compression that are untreated or symptomatic", "exclusion"),
    # "systemic treatment" is narrower than any treatment, and no drug class treats a neuropathy
    ("Peripheral neuropathy that requires systemic treatment", "exclusion"),
    # in an inclusion, whether the treatment is required by the last condition or by each is not said
    ("Asthma or COPD requiring oral steroids", "inclusion"),
    # a dose in parentheses with nothing to count it in
    ("Corticosteroids (> 10 mg/day)", "exclusion"),
    # a dose of a class with no reference drug
    ("Anticoagulants > 10 mg/day prednisone equivalent", "exclusion"),
    # bare gene names in a list: "EGFR" alone is also the kidney's eGFR
    ("Known EGFR, ALK, or ROS1 genomic alterations", "exclusion"),
])
def test_oncology_wording_that_could_be_misread_stays_free_text(text, kind):
    assert not is_structured(compile_criterion(text, kind).rule)


def test_a_driver_mutation_found_years_ago_still_counts():
    found = {"name": "KRAS G12C", "value": "detected", "date": "2021-03-01"}
    assert outcome("kras_g12c_mutation in {positive}", labs=[found]).truth is Truth.TRUE


def test_a_narrower_mutation_found_negative_says_nothing_of_the_broader():
    v600e = {"name": "BRAF V600E", "value": "negative", "date": "2026-10-01"}
    assert outcome("braf_v600_mutation in {positive}", labs=[v600e]).truth is Truth.UNKNOWN


def test_one_receptor_does_not_settle_hormone_receptor_status():
    er = {"name": "estrogen receptor", "value": "negative", "date": "2026-10-01"}
    assert outcome("hormone_receptor_status in {positive}", labs=[er]).truth is Truth.UNKNOWN


@pytest.mark.parametrize("recovered, truth", [(True, Truth.FALSE), (False, Truth.TRUE), (None, Truth.UNKNOWN)])
def test_recovery_from_prior_toxicity_is_what_the_coordinator_recorded(recovered, truth):
    attributes = {} if recovered is None else {"recovered from adverse events of prior therapy to grade 1 or baseline":
                                                recovered}
    assert outcome("not attribute recovered_from_prior_toxicity", attributes=attributes).truth is truth


@pytest.mark.parametrize("procedure, truth", [("corneal transplant", Truth.TRUE), ("kidney transplant", Truth.TRUE),
                                              ("allogeneic HSCT", Truth.TRUE),
                                              ("autologous stem cell transplant", Truth.FALSE)])
def test_an_allogeneic_graft_is_any_graft_from_another_person(procedure, truth):
    profile = {"procedures": [{"name": procedure, "date": "2020-01-01"}], "complete": ["procedures"]}
    assert outcome("procedure allogeneic_tissue_transplantation [history]", **profile).truth is truth


def _trial(condition: str, text: str) -> Trial:
    return Trial(nct_id="NCT09999997", conditions=(condition,),
                 criteria=(Criterion(id="E1", kind="exclusion", text=text),))


def test_another_malignancy_is_other_than_the_one_the_trial_studies():
    rules = compile_trial(_trial("Pancreatic Cancer", "Another malignancy")).rules
    assert to_text(rules["E1"]) == "condition malignancy except (pancreatic_cancer, advanced_cancer)"


def test_another_malignancy_in_a_trial_of_any_cancer_stays_free_text():
    rules = compile_trial(_trial("Advanced Solid Tumors", "Another malignancy")).rules
    assert not is_structured(rules["E1"])


def test_other_than_an_unrelated_studied_disease_stays_undecided():
    rule = to_text(compile_trial(_trial("Chronic Subjective Dizziness", "Other allergic diseases")).rules["E1"])
    assert rule == "condition allergic_disease [other]"
    hay_fever = {"conditions": [{"name": "allergic rhinitis"}], "complete": ["conditions"]}
    assert outcome(rule, **hay_fever).truth is Truth.UNKNOWN
    assert outcome(rule, conditions=[], complete=["conditions"]).truth is Truth.FALSE


@pytest.mark.parametrize("note, end, truth", [
    ("progressing on surveillance", None, Truth.TRUE),
    ("no progression", None, Truth.UNKNOWN),
    (None, None, Truth.UNKNOWN),
    ("progressing", "2020-01-01", Truth.FALSE),  # over: not progressing
])
def test_a_progressing_illness_is_one_whose_note_says_so(note, end, truth):
    entry = {"name": "prostate cancer", "onset": "2018-01-01", **({"note": note} if note else {}),
             **({"end": end} if end else {})}
    assert outcome("condition prostate_cancer [progressing]", conditions=[entry], complete=["conditions"]).truth is truth


@pytest.mark.parametrize("note, end, truth", [
    ("on active treatment", None, Truth.TRUE),
    ("not on treatment", None, Truth.UNKNOWN),
    (None, None, Truth.UNKNOWN),
    (None, "2019-01-01", Truth.UNKNOWN),  # resected, perhaps still on adjuvant hormone therapy
])
def test_an_illness_requiring_treatment_is_one_whose_note_says_so(note, end, truth):
    entry = {"name": "breast cancer", "onset": "2018-01-01", **({"note": note} if note else {}),
             **({"end": end} if end else {})}
    assert outcome("condition breast_cancer [requiring_treatment]", conditions=[entry]).truth is truth


def test_no_other_malignancy_is_not_excluded_by_the_additional_malignancy_clause():
    rule = "condition malignancy [progressing] except (nsclc) or condition malignancy [requiring_treatment] except (nsclc)"
    own = {"conditions": [{"name": "non-small cell lung cancer", "onset": "2026-01-01"}], "complete": ["conditions"]}
    assert outcome(rule, **own).truth is Truth.FALSE


def test_a_dexamethasone_dose_counts_as_its_prednisone_equivalent():
    rule = "medication prednisone [equivalent] dose > 10 mg/day"
    dexamethasone = {"name": "dexamethasone", "dose": "4 mg/day", "start": "2026-11-01"}
    assert outcome(rule, medications=[dexamethasone]).truth is Truth.TRUE


def test_past_pneumonitis_that_needed_no_steroids_does_not_exclude():
    rule = to_text(compile_criterion("History of pneumonitis or interstitial lung disease that required steroids",
                                     "exclusion").rule)
    past = {"conditions": [{"name": "pneumonitis", "onset": "2020-01-01", "end": "2020-03-01"}], "medications": [],
            "complete": ["conditions", "medications"]}
    assert outcome(rule, **past).truth is Truth.FALSE


def test_steroids_taken_for_something_else_do_not_make_a_past_pneumonitis_one_that_required_them():
    # a history of each, never linked: whether the steroids were for the pneumonitis is a coordinator's call
    rule = to_text(compile_criterion("History of pneumonitis or interstitial lung disease that required steroids",
                                     "exclusion").rule)
    both = {"conditions": [{"name": "pneumonitis", "onset": "2020-01-01", "end": "2020-03-01"},
                           {"name": "asthma", "onset": "2010-01-01"}],
            "medications": [{"name": "prednisone", "start": "2023-05-01", "end": "2023-05-10", "note": "asthma flare"}],
            "complete": ["conditions", "medications"]}
    assert outcome(rule, **both).truth is Truth.UNKNOWN


def test_hormone_receptor_positive_breast_cancer_may_not_be_er_positive():
    hr_positive = {"conditions": [{"name": "HR-positive breast cancer"}], "complete": ["conditions"]}
    assert outcome("condition er_positive_breast_cancer", **hr_positive).truth is Truth.UNKNOWN
    assert outcome("condition hormone_receptor_positive_breast_cancer", conditions=[
        {"name": "HR+/HER2- breast cancer"}]).truth is Truth.TRUE


def test_a_cancer_over_before_the_window_may_still_have_been_treated_in_it():
    rule = "condition malignancy [requiring_treatment] except (nsclc) within 3 years before screening"
    resected = {"name": "breast cancer", "onset": "2015-01-01", "end": "2015-03-01"}  # then years of letrozole
    assert outcome(rule, conditions=[resected], complete=["conditions"]).truth is Truth.UNKNOWN
    assert outcome(rule, conditions=[], complete=["conditions"]).truth is Truth.FALSE
    # other qualifiers keep the window on the illness
    assert outcome("condition malignancy [active] within 3 years before screening", conditions=[resected],
                   complete=["conditions"]).truth is Truth.FALSE


def test_a_pdl1_score_is_compared_only_with_a_score_of_the_same_kind():
    tps = {"name": "PD-L1 TPS", "value": 5, "unit": "%", "date": "2026-10-01"}
    assert outcome("pdl1_tps >= 1 %", labs=[tps]).truth is Truth.TRUE
    # a TPS of 5% says nothing of the CPS, which counts immune cells too
    assert outcome("pdl1_cps >= 10", labs=[tps]).truth is Truth.UNKNOWN
