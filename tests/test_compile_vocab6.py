"""Vocabulary, sixth round: names that left a clause unread for one or two unknown words, added in
general form (drug classes with their members, subtypes as concepts of their own with an is-a
link), what the reading means for a patient, and the near misses that must stay free text."""

import pytest

from screening.compile import compile_criterion
from screening.logic import Truth
from screening.nodes import FreeText
from screening.printer import to_text
from screening.vocabulary import load_vocabulary

from made_up import outcome

VOCAB = load_vocabulary()


@pytest.mark.parametrize("text, kind, rule", [
    # drug classes, with the drugs that belong to them
    ("Prior treatment with an NS5A inhibitor", "exclusion", "medication hcv_ns5a_inhibitor [history]"),
    ("Use of strong CYP3A4 inhibitors or P-gp inhibitors within 14 days", "exclusion",
     "medication strong_cyp3a4_inhibitor within 14 days before screening or "
     "medication pgp_inhibitor within 14 days before screening"),
    ("Concomitant use of cytochrome P450 3A4 inducers", "exclusion", "medication cyp3a4_inducer [current]"),
    ("Known hypersensitivity to neomycin", "exclusion", "medication neomycin [allergic]"),
    ("Immunosuppressive or immunomodulating therapy within 6 months", "exclusion",
     "medication immunosuppressant within 6 months before screening or "
     "medication immunomodulator within 6 months before screening"),
    # conditions that are kinds of a known one
    ("Active CNS leukemia", "exclusion", "condition cns_leukemia [active]"),
    ("Persistent asthma for at least 12 months", "inclusion", "condition persistent_asthma lasting >= 12 months"),
    ("Aspirin-exacerbated respiratory disease", "exclusion", "condition aerd"),
    ("Mixed dyslipidemia", "inclusion", "condition mixed_dyslipidemia"),
    ("Segmental vitiligo", "exclusion", "condition segmental_vitiligo"),
    ("Non-segmental vitiligo", "inclusion", "condition nonsegmental_vitiligo"),
    ("Acquired angioedema", "exclusion", "condition acquired_angioedema"),
    ("BK viremia", "exclusion", "condition bk_viremia"),
    ("EBV viremia", "exclusion", "condition ebv_viremia"),
    ("Extra-hepatic cholangiocarcinoma", "inclusion", "condition extrahepatic_cholangiocarcinoma"),
    # procedures
    ("Prior TIPS procedure", "exclusion", "procedure tips [history]"),
    ("Prior thalamotomy", "exclusion", "procedure thalamotomy [history]"),
    ("Thymectomy within 12 months", "exclusion", "procedure thymectomy within 12 months before screening"),
    ("Prior focused ultrasound or deep brain stimulation", "exclusion",
     "procedure focused_ultrasound [history] or procedure deep_brain_stimulation [history]"),
])
def test_names_read(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


def test_a_strength_no_class_holds_stays_in_words():
    # P-gp inhibition is not graded: "strong" says something no class holds, so it stays in words
    # beside the class (a patient on no P-gp inhibitor is decided, one on one waits)
    rule = to_text(compile_criterion("Use of strong P-gp inhibitors", "exclusion").rule)
    assert rule == 'medication pgp_inhibitor and text "strong P-gp inhibitors"'


@pytest.mark.parametrize("text, kind", [
    # the English word is not the shunt
    ("tips for living", "inclusion"),
])
def test_what_could_be_misread_stays_free_text(text, kind):
    assert isinstance(compile_criterion(text, kind).rule, FreeText)


@pytest.mark.parametrize("member, drug_class", [
    ("sofosbuvir_velpatasvir", "hcv_ns5a_inhibitor"),
    ("ledipasvir_sofosbuvir", "hcv_ns5a_inhibitor"),
    ("glecaprevir_pibrentasvir", "hcv_ns5a_inhibitor"),
    ("daclatasvir", "hcv_direct_acting_antiviral"),
    ("verapamil", "pgp_inhibitor"),
    ("amiodarone", "pgp_inhibitor"),
    ("cyclosporine", "pgp_inhibitor"),
    ("neomycin", "aminoglycoside"),
    ("ombitasvir_paritaprevir_ritonavir", "strong_cyp3a4_inhibitor"),
])
def test_a_drug_belongs_to_its_class(member, drug_class):
    assert VOCAB.is_a(member, drug_class)


@pytest.mark.parametrize("drug, drug_class", [
    ("sofosbuvir", "hcv_ns5a_inhibitor"),  # an NS5B inhibitor
    ("rifampin", "pgp_inhibitor"),  # an inducer
    ("tipranavir", "pgp_inhibitor"),
])
def test_a_drug_outside_the_class_is_not_in_it(drug, drug_class):
    assert not VOCAB.is_a(drug, drug_class)


@pytest.mark.parametrize("narrow, broad", [
    ("persistent_asthma", "asthma"), ("aerd", "asthma"), ("mixed_dyslipidemia", "dyslipidemia"),
    ("segmental_vitiligo", "vitiligo"), ("acquired_angioedema", "angioedema"),
    ("bk_viremia", "bk_virus_infection"), ("bk_virus_nephropathy", "bk_virus_infection"),
    ("ebv_viremia", "ebv_infection"), ("cns_leukemia", "leukemia"), ("cns_leukemia", "cns_involvement"),
    ("tips", "portosystemic_shunt"), ("hifu", "focused_ultrasound"), ("thalamotomy", "neurosurgery"),
])
def test_a_kind_keeps_its_parent(narrow, broad):
    assert VOCAB.is_a(narrow, broad)
    assert not VOCAB.is_a(broad, narrow)


@pytest.mark.parametrize("conditions, truth", [
    # an asthmatic whose asthma may be intermittent may or may not have persistent asthma
    ([{"name": "asthma"}], Truth.UNKNOWN),
    ([{"name": "persistent asthma"}], Truth.TRUE),
    ([{"name": "COPD"}], Truth.FALSE),
])
def test_persistent_asthma_is_not_any_asthma(conditions, truth):
    rule = to_text(compile_criterion("Persistent asthma", "exclusion").rule)
    assert outcome(rule, "exclusion", conditions=conditions, complete=["conditions"]).truth is truth


@pytest.mark.parametrize("conditions, truth", [
    # peripheral artery disease may be without claudication, the symptom an exclusion names
    ([{"name": "peripheral arterial disease"}], Truth.UNKNOWN),
    ([{"name": "intermittent claudication"}], Truth.TRUE),
])
def test_claudication_is_not_any_peripheral_artery_disease(conditions, truth):
    rule = to_text(compile_criterion("Intermittent claudication", "exclusion").rule)
    assert outcome(rule, "exclusion", conditions=conditions, complete=["conditions"]).truth is truth


@pytest.mark.parametrize("procedures, truth", [
    # a surgical shunt is a portosystemic shunt, not a TIPS
    ([{"name": "portosystemic shunt", "date": "2020-01-01"}], Truth.UNKNOWN),
    ([{"name": "TIPS", "date": "2020-01-01"}], Truth.TRUE),
])
def test_a_portosystemic_shunt_is_not_necessarily_a_tips(procedures, truth):
    rule = to_text(compile_criterion("Prior TIPS procedure", "exclusion").rule)
    assert outcome(rule, "exclusion", procedures=procedures, complete=["procedures"]).truth is truth


# --- kinds that were stored as other names of their parent ------------------------------------

@pytest.mark.parametrize("text, kind, rule", [
    ("Use of botulinum toxin for migraine within 4 months", "exclusion",
     "medication botulinum_toxin for (migraine) within 4 months before screening"),
    ("Prior treatment with onabotulinumtoxinA", "exclusion", "medication onabotulinumtoxina [history]"),
    ("Diffuse intrinsic pontine glioma", "inclusion", "condition dipg"),
    ("Functional dyspepsia", "inclusion", "condition functional_dyspepsia"),
    ("Prior leukapheresis", "exclusion", "procedure leukapheresis [history]"),
])
def test_kinds_read_as_themselves(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("narrow, broad", [
    ("abobotulinumtoxina", "botulinum_toxin"), ("onabotulinumtoxina", "botulinum_toxin_a"),
    ("rimabotulinumtoxinb", "botulinum_toxin"), ("dipg", "brainstem_glioma"),
    ("diffuse_midline_glioma", "glioma"), ("functional_dyspepsia", "dyspepsia"),
    ("postprandial_distress_syndrome", "functional_dyspepsia"), ("stem_cell_apheresis", "leukapheresis"),
    ("stem_cell_apheresis", "stem_cell_collection"), ("leukapheresis", "apheresis"),
    ("seville_orange", "cyp3a4_inhibitor"), ("intermittent_claudication", "peripheral_artery_disease"),
])
def test_a_former_synonym_keeps_its_parent(narrow, broad):
    assert VOCAB.is_a(narrow, broad)
    assert not VOCAB.is_a(broad, narrow)


@pytest.mark.parametrize("one, other", [
    ("abobotulinumtoxina", "onabotulinumtoxina"), ("rimabotulinumtoxinb", "botulinum_toxin_a"),
    ("diffuse_midline_glioma", "brainstem_glioma"), ("seville_orange", "grapefruit_juice"),
])
def test_siblings_are_apart(one, other):
    assert not VOCAB.is_a(one, other)


@pytest.mark.parametrize("criterion, record, truth", [
    # a trial of Botox does not exclude the patient treated with Dysport; one of any toxin does
    ("Prior treatment with onabotulinumtoxinA", {"name": "Dysport", "start": "2025-01-01", "end": "2025-01-02"},
     Truth.FALSE),
    ("Prior treatment with botulinum toxin", {"name": "Dysport", "start": "2025-01-01", "end": "2025-01-02"},
     Truth.TRUE),
    # a record of the toxin alone may be any product
    ("Prior treatment with onabotulinumtoxinA",
     {"name": "botulinum toxin", "start": "2025-01-01", "end": "2025-01-02"}, Truth.UNKNOWN),
])
def test_one_toxin_product_is_not_another(criterion, record, truth):
    rule = to_text(compile_criterion(criterion, "exclusion").rule)
    assert outcome(rule, "exclusion", medications=[record], complete=["medications"]).truth is truth


@pytest.mark.parametrize("conditions, truth", [
    # dyspepsia from an ulcer is not functional dyspepsia; a bare record of dyspepsia may be either
    ([{"name": "dyspepsia"}], Truth.UNKNOWN),
    ([{"name": "postprandial distress syndrome"}], Truth.TRUE),
    ([{"name": "GERD"}], Truth.FALSE),
])
def test_functional_dyspepsia_is_not_any_dyspepsia(conditions, truth):
    rule = to_text(compile_criterion("Functional dyspepsia", "exclusion").rule)
    assert outcome(rule, "exclusion", conditions=conditions, complete=["conditions"]).truth is truth


@pytest.mark.parametrize("procedures, truth", [
    # stem cells harvested may have come from the marrow: not certainly a leukapheresis
    ([{"name": "stem cell harvest", "date": "2026-10-01"}], Truth.UNKNOWN),
    ([{"name": "PBSC collection", "date": "2026-10-01"}], Truth.TRUE),
    ([{"name": "plasmapheresis", "date": "2026-10-01"}], Truth.FALSE),
])
def test_a_stem_cell_harvest_is_not_certainly_a_leukapheresis(procedures, truth):
    rule = to_text(compile_criterion("Prior leukapheresis", "exclusion").rule)
    assert outcome(rule, "exclusion", procedures=procedures, complete=["procedures"]).truth is truth


# --- letters that are no concept, read from the field of their sentence -------------------------

@pytest.mark.parametrize("text, kind, rule", [
    # beside other dementias PD and PDD are Parkinson's
    ("Presence of PD, PDD, DLB, or FTD", "exclusion",
     "condition parkinsons_disease or condition parkinsons_disease_dementia or "
     "condition dementia_with_lewy_bodies or condition frontotemporal_dementia"),
    # beside another dialysis PD is peritoneal dialysis
    ("Patients on hemodialysis or PD", "exclusion", "procedure hemodialysis or procedure peritoneal_dialysis"),
    # beside a score of eczema AD is atopic dermatitis, beside dementia Alzheimer's disease
    ("Moderate-to-severe AD with EASI ≥ 16", "inclusion",
     "(condition atopic_dermatitis [moderate] or condition atopic_dermatitis [severe]) and easi >= 16"),
    ("AD or other forms of dementia", "exclusion", "condition alzheimers_disease or condition dementia"),
    # beside a developmental disorder PDD is the pervasive developmental disorder
    ("PDD or ADHD", "exclusion", "condition autism_spectrum_disorder or condition adhd"),
])
def test_letters_read_from_their_field(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # with nothing of either field the letters say nothing certain: progressive disease,
    # pharmacodynamics, autosomal dominant
    ("History of PD", "exclusion"),
    ("PD on prior platinum therapy", "exclusion"),
    ("PD or brain metastases", "exclusion"),
    ("PK/PD sampling", "inclusion"),
    ("Diagnosis of AD", "inclusion"),
    ("Autosomal dominant (AD) polycystic kidney disease", "exclusion"),
    # names of both fields: either could be meant
    ("AD with eczema and dementia", "exclusion"),
    # a time counted from the diagnosis of Parkinson's is not one counted back from screening
    ("Dementia within 12 months of diagnosis of PD", "exclusion"),
])
def test_letters_without_a_field_stay_free_text(text, kind):
    assert isinstance(compile_criterion(text, kind).rule, FreeText)


def test_the_letters_stay_no_concept():
    for letters in ("PD", "AD", "PDD"):
        assert VOCAB.lookup(letters) is None


# --- measures, antibodies and treatments of specialties ------------------------------------------

@pytest.mark.parametrize("text, kind, rule", [
    ("MRI-PDFF ≥ 8%", "inclusion", "mri_pdff >= 8 %"),
    ("ALBI grade ≤ 2", "inclusion", "albi_grade <= 2"),
    ("Skin phototype I to IV", "inclusion", "fitzpatrick_skin_type in {I, II, III, IV}"),
    ("Positive AChR antibodies", "inclusion", "achr_antibody in {positive}"),
    ("Positive anti-MuSK antibodies", "exclusion", "musk_antibody in {positive}"),
    ("Use of C1 inhibitor within 2 weeks", "exclusion", "medication c1_esterase_inhibitor within 2 weeks before screening"),
    ("Use of lanadelumab within 10 weeks", "exclusion", "medication lanadelumab within 10 weeks before screening"),
    ("Prior locoregional therapy to the liver within 4 weeks", "exclusion",
     "procedure liver_directed_therapy [history] within 4 weeks before screening"),
])
def test_specialty_names_read(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # locoregional therapy of what: the breast's radiotherapy and surgery are locoregional too
    ("Prior locoregional therapy", "exclusion"),
    ("Completed locoregional therapy", "inclusion"),
    # C1 inhibitor as a prophylaxis is not C1 inhibitor given for an attack; its level is a lab
    ("Use of C1 inhibitor prophylaxis within 2 weeks", "exclusion"),
    ("C1 inhibitor functional level < 50% of normal", "inclusion"),
])
def test_specialty_near_misses_stay_free_text(text, kind):
    assert isinstance(compile_criterion(text, kind).rule, FreeText)


def test_two_myasthenia_antibodies_are_apart():
    # a patient seropositive for MuSK is not thereby positive for AChR
    rule = to_text(compile_criterion("Positive AChR antibodies", "inclusion").rule)
    assert outcome(rule, labs=[{"name": "anti-MuSK antibodies", "value": "positive", "date": "2026-10-01"}]
                   ).truth is Truth.UNKNOWN
    assert outcome(rule, labs=[{"name": "AChR antibody", "value": "positive", "date": "2026-10-01"}]
                   ).truth is Truth.TRUE


# --- biologics named by the interleukin they block ----------------------------------------------

@pytest.mark.parametrize("text, kind, rule", [
    ("Prior treatment with an IL-12/23 inhibitor", "exclusion", "medication il12_23_inhibitor [history]"),
    ("Prior anti-IL-17A therapy", "exclusion", "medication il17a_inhibitor [history]"),
    ("Prior anti-TSLP or anti-IL-4R therapy", "exclusion",
     "medication tslp_inhibitor [history] or medication il4r_inhibitor [history]"),
])
def test_interleukin_classes_read(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("drug, drug_class, member", [
    # ustekinumab blocks IL-12 and IL-23 (p40); guselkumab IL-23 alone (p19)
    ("ustekinumab", "il12_23_inhibitor", True), ("ustekinumab", "il23_inhibitor", True),
    ("guselkumab", "il12_23_inhibitor", False), ("guselkumab", "il23_inhibitor", True),
    # brodalumab blocks the IL-17 receptor, not IL-17A
    ("secukinumab", "il17a_inhibitor", True), ("brodalumab", "il17a_inhibitor", False),
    ("brodalumab", "il17_inhibitor", True),
    ("dupilumab", "il4r_inhibitor", True), ("tezepelumab", "tslp_inhibitor", True),
    ("tralokinumab", "il4r_inhibitor", False),
])
def test_interleukin_class_members(drug, drug_class, member):
    assert VOCAB.is_a(drug, drug_class) is member


def test_a_p19_inhibitor_does_not_exclude_from_an_il12_23_criterion():
    rule = to_text(compile_criterion("Prior treatment with an IL-12/23 inhibitor", "exclusion").rule)
    record = {"name": "guselkumab", "start": "2024-01-01", "end": "2024-06-01"}
    assert outcome(rule, "exclusion", medications=[record], complete=["medications"]).truth is Truth.FALSE


# --- kinds of IBS, Crohn's disease and macular edema --------------------------------------------

@pytest.mark.parametrize("text, kind, rule", [
    # "IBS-D" is not IBS and a number of days
    ("Diagnosis of IBS-D per Rome IV", "inclusion", "condition ibs_d"),
    ("IBS with constipation", "exclusion", "condition ibs_c"),
    ("Perianal Crohn's disease", "exclusion", "condition perianal_crohns_disease"),
    ("Symptomatic stricturing Crohn's disease", "exclusion", "condition stricturing_crohns_disease [symptomatic]"),
    ("Uveitic macular edema in the study eye", "inclusion",
     "condition uveitic_macular_edema and text \"in the study eye\""),
])
def test_subtypes_read(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("conditions, truth", [
    # a record of IBS says nothing of which kind; IBS-C is not IBS-D
    ([{"name": "irritable bowel syndrome"}], Truth.UNKNOWN),
    ([{"name": "IBS-C"}], Truth.FALSE),
    ([{"name": "diarrhea-predominant IBS"}], Truth.TRUE),
])
def test_an_ibs_subtype_is_not_any_ibs(conditions, truth):
    rule = to_text(compile_criterion("IBS-D", "inclusion").rule)
    assert outcome(rule, conditions=conditions, complete=["conditions"]).truth is truth


@pytest.mark.parametrize("text, kind, rule", [
    ("SMA or other neuromuscular disease", "exclusion",
     "condition spinal_muscular_atrophy or condition neuromuscular_disease"),
    ("CMT or other hereditary neuropathy", "exclusion",
     "condition charcot_marie_tooth_disease or condition hereditary_neuropathy"),
    ("NPH or Alzheimer's disease", "exclusion",
     "condition normal_pressure_hydrocephalus or condition alzheimers_disease"),
    ("NPH or insulin detemir", "exclusion", "medication nph_insulin or medication insulin_detemir"),
])
def test_more_letters_read_from_their_field(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # the smooth muscle antibody beside another autoantibody, letters alone
    ("Positive ANA or SMA", "exclusion"),
    ("History of NPH", "exclusion"),
    ("SMA", "exclusion"),
])
def test_more_letters_without_a_field_stay_free_text(text, kind):
    assert isinstance(compile_criterion(text, kind).rule, FreeText)


# --- mycobacteria, prostate cancer recurrence, transplantation, fibrosis ------------------------

@pytest.mark.parametrize("text, kind, rule", [
    ("MAC lung disease", "inclusion", "condition mac_lung_disease"),
    ("Mycobacterium avium complex infection within 6 months", "exclusion",
     "condition mac_infection within 6 months before screening"),
    ("Nontuberculous mycobacterial lung disease", "exclusion", "condition ntm_lung_disease"),
    ("PSA recurrence", "inclusion", "condition biochemically_recurrent_prostate_cancer"),
    ("History of acute rejection within 6 months", "exclusion",
     "condition acute_rejection [history] within 6 months before screening"),
    ("Biopsy-proven acute rejection", "exclusion", "condition biopsy_proven_acute_rejection"),
    ("Antibody-mediated rejection", "exclusion", "condition antibody_mediated_rejection"),
    ("CLAD", "exclusion", "condition clad"),
    ("Progressive pulmonary fibrosis", "inclusion", "condition progressive_pulmonary_fibrosis"),
])
def test_more_names_read(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("narrow, broad", [
    ("mac_lung_disease", "mac_infection"), ("mac_lung_disease", "ntm_lung_disease"),
    ("mac_infection", "atypical_mycobacterial_infection"),
    ("biopsy_proven_acute_rejection", "acute_rejection"), ("acute_cellular_rejection", "t_cell_mediated_rejection"),
    ("antibody_mediated_rejection", "transplant_rejection"), ("progressive_pulmonary_fibrosis", "pulmonary_fibrosis"),
])
def test_more_kinds_keep_their_parent(narrow, broad):
    assert VOCAB.is_a(narrow, broad)
    assert not VOCAB.is_a(broad, narrow)


@pytest.mark.parametrize("conditions, truth", [
    # another nontuberculous mycobacterium is not MAC; a bare record of NTM may be
    ([{"name": "NTM infection"}], Truth.UNKNOWN),
    ([{"name": "MAC lung disease"}], Truth.TRUE),
])
def test_an_ntm_infection_is_not_certainly_mac(conditions, truth):
    rule = to_text(compile_criterion("Mycobacterium avium complex infection", "exclusion").rule)
    assert outcome(rule, "exclusion", conditions=conditions, complete=["conditions"]).truth is truth


@pytest.mark.parametrize("conditions, truth", [
    # a rejection treated without a biopsy may not have been proven by one; a chronic one is not acute
    ([{"name": "acute rejection", "onset": "2026-06-01"}], Truth.UNKNOWN),
    ([{"name": "chronic rejection", "onset": "2026-06-01"}], Truth.FALSE),
    ([{"name": "BPAR", "onset": "2026-06-01"}], Truth.TRUE),
])
def test_biopsy_proven_rejection_is_not_any_rejection(conditions, truth):
    rule = to_text(compile_criterion("History of biopsy-proven acute rejection", "exclusion").rule)
    assert outcome(rule, "exclusion", conditions=conditions, complete=["conditions"]).truth is truth


@pytest.mark.parametrize("criterion, conditions, truth", [
    # chronic bronchitis may be without airflow obstruction, emphysema is no chronic bronchitis
    ("Chronic bronchitis", [{"name": "emphysema"}], Truth.FALSE),
    ("Chronic bronchitis", [{"name": "chronic bronchitis"}], Truth.TRUE),
    # right heart failure is no left ventricular failure; a bare heart failure may be either
    ("Left ventricular failure", [{"name": "heart failure"}], Truth.UNKNOWN),
    ("Left ventricular failure", [{"name": "cor pulmonale"}], Truth.FALSE),
    ("Congestive heart failure", [{"name": "left ventricular failure"}], Truth.TRUE),
])
def test_a_kind_of_a_disease_does_not_exclude_the_whole_disease(criterion, conditions, truth):
    rule = to_text(compile_criterion(criterion, "exclusion").rule)
    assert outcome(rule, "exclusion", conditions=conditions, complete=["conditions"]).truth is truth


@pytest.mark.parametrize("text, kind, rule", [
    ("Philadelphia chromosome-positive ALL", "inclusion", "condition ph_positive_all"),
    # the nucleic acid test for HCV is the HCV RNA test
    ("Positive NAT for HCV", "exclusion", "hcv_rna in {positive}"),
    ("Diabetic maculopathy", "exclusion", "condition diabetic_maculopathy"),
])
def test_last_names_read(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("conditions, truth", [
    # an ischaemic diabetic maculopathy has no edema: a record of maculopathy may not be DME
    ([{"name": "diabetic maculopathy"}], Truth.UNKNOWN),
    ([{"name": "DME"}], Truth.TRUE),
])
def test_a_diabetic_maculopathy_is_not_certainly_macular_edema(conditions, truth):
    rule = to_text(compile_criterion("Diabetic macular edema", "exclusion").rule)
    assert outcome(rule, "exclusion", conditions=conditions, complete=["conditions"]).truth is truth
