"""Vocabulary, ninth round: names that left a clause unread, added in general form — the class of
rheumatic diseases, a learning disability told apart from an intellectual one, letters read by
their neighbours (APL, LA), sulfonamides and barbiturates with their drugs, street drugs as kinds
of recreational use, and some conditions and procedures of their own. What each reading means for
a patient, and the near misses that must stay free text."""

import pytest

from made_up import outcome
from screening.compile import compile_criterion
from screening.logic import Truth
from screening.printer import to_text
from screening.vocabulary import load_vocabulary

VOCAB = load_vocabulary()


@pytest.mark.parametrize("text, kind, rule", [
    # the class of rheumatic diseases
    ("Rheumatologic diseases", "exclusion", "condition rheumatic_disease"),
    ("History of rheumatic disease", "exclusion", "condition rheumatic_disease [history]"),
    ("Rheumatological disorders", "exclusion", "condition rheumatic_disease"),
    # not the heart disease that follows rheumatic fever, nor the connective tissue diseases
    ("Rheumatic heart disease", "exclusion", "condition rheumatic_heart_disease"),
    ("Systemic rheumatic disease", "exclusion", "condition connective_tissue_disease"),
    # "comorbid" is had now, beside the disease under study
    ("Comorbid psychosis or learning disability", "exclusion",
     "condition psychosis [current] or condition learning_disability [current]"),
    ("Comorbid depression", "exclusion", "condition depression [current]"),
    ("Intellectual disorders", "exclusion", "condition intellectual_disability"),
    # letters read by the other names of their sentence
    ("Patients with APL (FAB type M3) or CML in blast crisis", "exclusion",
     "condition acute_promyelocytic_leukemia or condition cml_blast_phase"),
    ("History of APL or MDS", "exclusion",
     "condition acute_promyelocytic_leukemia [history] or condition myelodysplastic_syndrome [history]"),
    ("Known LA allergy", "exclusion", "medication local_anesthetic [allergic]"),
    # drug classes, with the drugs that belong to them
    ("Known allergy to sulfonamides", "exclusion", "medication sulfonamide [allergic]"),
    ("Sulfa allergy", "exclusion", "medication sulfonamide [allergic]"),
    ("Allergy to sulfa drugs or local anesthetics", "exclusion",
     "medication sulfonamide [allergic] or medication local_anesthetic [allergic]"),
    ("Use of barbiturates within 30 days", "exclusion", "medication barbiturate within 30 days before screening"),
    ("Known allergy to gadolinium", "exclusion", "medication gadolinium_contrast [allergic]"),
    ("Previous treatment with gonadotropins", "exclusion", "medication gonadotropin [history]"),
    ("Prior anti-IL-5 therapy", "exclusion", "medication il5_inhibitor [history]"),
    ("Prior treatment with anti-IL-5 or anti-IL-5R biologics", "exclusion",
     "medication il5_inhibitor [history] or medication il5r_inhibitor [history]"),
    ("Anti-IL-13 antibody within 6 months", "exclusion", "medication il13_inhibitor within 6 months before screening"),
    ("Prior anti-HER2 treatment", "exclusion", "medication her2_targeted_therapy [history]"),
    ("Prior anti-amyloid therapies", "exclusion", "medication anti_amyloid_antibody [history]"),
    ("Antiobesity drugs within 3 months", "exclusion", "medication antiobesity_drug within 3 months before screening"),
    ("Sedating antihistamines within 7 days", "exclusion",
     "medication first_generation_antihistamine within 7 days before screening"),
    ("Prior antisense oligonucleotide therapy", "exclusion", "medication antisense_oligonucleotide [history]"),
    ("Prior treatment with an siRNA", "exclusion", "medication sirna_therapy [history]"),
    # BCG into the bladder is no vaccination, and no chemotherapy
    ("Prior intravesical BCG therapy", "exclusion", "medication intravesical_bcg [history]"),
    ("Prior intravesical chemotherapy", "exclusion", "medication intravesical_chemotherapy [history]"),
    ("Prior BCG vaccination", "exclusion", "vaccination bcg_vaccine [history]"),
    # street drugs: using one is recreational use, not by itself a use disorder
    ("Use of cocaine", "exclusion", "condition cocaine_use"),
    ("Methamphetamine use within 6 months", "exclusion",
     "condition methamphetamine_use within 6 months before screening"),
    ("Use of ecstasy", "exclusion", "condition mdma_use"),
    ("Use of psilocybin in the past year", "exclusion", "condition psilocybin_use within 1 years before screening"),
    ("Use of hallucinogens within 6 months", "exclusion",
     "condition hallucinogen_use within 6 months before screening"),
    # conditions
    ("MRSA colonization", "exclusion", "condition mrsa_colonization"),
    ("Stuttering", "exclusion", "condition stuttering"),
    ("Global developmental delay", "exclusion", "condition global_developmental_delay"),
    ("History of Japanese encephalitis", "exclusion", "condition japanese_encephalitis [history]"),
    ("History of ARIA-E", "exclusion", "condition aria_e [history]"),
    ("Superficial siderosis", "exclusion", "condition superficial_siderosis"),
    ("History of VOD", "exclusion", "condition sinusoidal_obstruction_syndrome [history]"),
    ("History of hypophysitis", "exclusion", "condition hypophysitis [history]"),
    ("History of immune-related hypophysitis", "exclusion", "condition immune_related_hypophysitis [history]"),
    ("Paraneoplastic syndrome", "exclusion", "condition paraneoplastic_syndrome"),
    ("Prior cardiotoxicity", "exclusion", "condition cardiotoxicity [history]"),
    ("Fear of needles", "exclusion", "condition needle_phobia"),
    ("History of traumatic arthritis", "exclusion", "condition post_traumatic_osteoarthritis [history]"),
    # metal in the body, which an MRI may move or heat
    ("Metal fragments in the eyes", "exclusion", "condition intraocular_metallic_foreign_body"),
    ("Shrapnel", "exclusion", "condition retained_metal_fragments"),
    ("Metal implants", "exclusion", "procedure metal_implant"),
    ("Prior samarium-153 or strontium-89", "exclusion",
     "medication samarium_153 [history] or medication strontium_89 [history]"),
    # procedures
    ("Prior total laryngectomy", "exclusion", "procedure laryngectomy [history]"),
    ("Prior HIPEC", "exclusion", "procedure hipec [history]"),
    ("Prior total shoulder arthroplasty", "exclusion", "procedure shoulder_replacement [history]"),
    ("Platelet-rich plasma injection within 6 months", "exclusion",
     "procedure platelet_rich_plasma_injection within 6 months before screening"),
])
def test_read(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # the letters beside no name of their field: the left atrium, antiphospholipid antibodies
    ("LA diameter > 45 mm", "exclusion"),
    ("APL antibodies positive", "exclusion"),
    ("APL", "exclusion"),
    # MDMA given as a treatment under study is not recreational use
    ("Prior participation in an MDMA-assisted therapy trial", "exclusion"),
    # "mental and intellectual disorders": "and" shares the head, which is not read yet
    ("Mental and intellectual disorders", "exclusion"),
    # a psychedelic given as a treatment under study is not recreational use
    ("History of psychedelic-assisted therapy", "exclusion"),
    # a count of areas or of microbleeds on an MRI, which a problem list does not keep
    ("More than 1 area of superficial siderosis", "exclusion"),
    ("More than 4 cerebral microhemorrhages", "exclusion"),
    # the antistreptolysin O titre
    ("ASO titer > 200", "exclusion"),
    # a ferromagnetic implant is some metal implants only
    ("Ferromagnetic implants", "exclusion"),
    # what a joint replacement is for in device records takes in more than osteoarthritis and
    # avascular necrosis (dysplasia, Perthes disease, fractures): not a class the vocabulary can close
    ("Patient has a diagnosis of Non-Inflammatory Degenerative Joint Disease (NIDJD)", "inclusion"),
])
def test_stays_words(text, kind):
    assert to_text(compile_criterion(text, kind).rule).startswith("text ")


def test_rheumatic_diseases_take_in_gout_and_osteoarthritis_not_fibromyalgia():
    for member in ("gout", "osteoarthritis", "sle", "ankylosing_spondylitis", "granulomatosis_with_polyangiitis",
                   "polymyalgia_rheumatica", "juvenile_idiopathic_arthritis"):
        assert VOCAB.is_a(member, "rheumatic_disease"), member
    for other in ("fibromyalgia", "rheumatic_fever", "rheumatic_heart_disease"):
        assert not VOCAB.is_a(other, "rheumatic_disease"), other
    # lupus and vasculitis are rheumatic, not "orthopedic disorders"
    assert not VOCAB.is_a("sle", "musculoskeletal_disease")
    assert not VOCAB.is_a("granulomatosis_with_polyangiitis", "musculoskeletal_disease")


def test_rheumatologic_diseases_exclude_gout_and_not_asthma():
    rule = "condition rheumatic_disease"
    gout = {"conditions": [{"name": "gout", "onset": "2019-01-01"}]}
    assert outcome(rule, "exclusion", **gout).truth is Truth.TRUE
    asthma = {"conditions": [{"name": "asthma", "onset": "2019-01-01"}], "complete": ["conditions"]}
    assert outcome(rule, "exclusion", **asthma).truth is Truth.FALSE


def test_a_learning_disability_is_neither_intellectual_disability_nor_dyslexia():
    rule = "condition learning_disability [current]"
    for name in ("intellectual disability", "dyslexia"):
        said = {"conditions": [{"name": name, "onset": "2001-01-01"}], "complete": ["conditions"]}
        assert outcome(rule, "exclusion", **said).truth is Truth.FALSE, name
    said = {"conditions": [{"name": "learning disability", "onset": "2001-01-01"}]}
    assert outcome(rule, "exclusion", **said).truth is Truth.TRUE


def test_a_sulfa_allergy_is_to_co_trimoxazole_not_to_penicillin():
    rule = "medication sulfonamide [allergic]"
    bactrim = [{"name": "Bactrim", "start": "2020-01-01", "end": "2020-01-05", "outcome": "intolerant",
                "note": "urticaria"}]
    assert outcome(rule, "exclusion", medications=bactrim).truth is Truth.TRUE
    amoxicillin = [{"name": "amoxicillin", "start": "2020-01-01", "end": "2020-01-05", "outcome": "intolerant",
                    "note": "urticaria"}]
    assert outcome(rule, "exclusion", medications=amoxicillin, complete=["medications"]).truth is Truth.FALSE


def test_cocaine_use_is_not_a_use_disorder_but_a_disorder_is_use():
    disorder = {"conditions": [{"name": "cocaine use disorder", "onset": "2020-01-01"}]}
    assert outcome("condition cocaine_use", "exclusion", **disorder).truth is Truth.TRUE
    use = {"conditions": [{"name": "cocaine use", "onset": "2020-01-01"}]}
    assert outcome("condition cocaine_use_disorder", "exclusion", **use).truth is not Truth.TRUE
    assert outcome("condition recreational_drug_use", "exclusion", **use).truth is Truth.TRUE


def test_a_shoulder_replacement_is_a_joint_replacement_and_arthroscopy_is_not_one():
    rule = "procedure shoulder_replacement [history]"
    scope = {"procedures": [{"name": "shoulder arthroscopy", "date": "2024-03-01"}], "complete": ["procedures"]}
    assert outcome(rule, "exclusion", **scope).truth is Truth.FALSE
    replaced = {"procedures": [{"name": "reverse total shoulder arthroplasty", "date": "2024-03-01"}]}
    assert outcome(rule, "exclusion", **replaced).truth is Truth.TRUE
    assert outcome("procedure joint_replacement [history]", "exclusion", **replaced).truth is Truth.TRUE


def test_a_needle_phobia_is_a_specific_phobia_and_claustrophobia_is_not_one():
    said = {"conditions": [{"name": "trypanophobia", "onset": "2010-01-01"}]}
    assert outcome("condition specific_phobia", "exclusion", **said).truth is Truth.TRUE
    closed = {"conditions": [{"name": "claustrophobia", "onset": "2010-01-01"}], "complete": ["conditions"]}
    assert outcome("condition needle_phobia", "exclusion", **closed).truth is Truth.FALSE


def test_carrying_mrsa_is_not_an_infection_nor_a_gonadotropin_a_gnrh_analogue():
    carrier = {"conditions": [{"name": "MRSA carrier", "onset": "2024-01-01"}], "complete": ["conditions"]}
    assert outcome("condition infection [active]", "exclusion", **carrier).truth is Truth.FALSE
    assert outcome("condition mrsa_infection", "exclusion", **carrier).truth is Truth.FALSE
    leuprolide = {"medications": [{"name": "leuprolide", "start": "2025-01-01", "end": "2025-06-01"}],
                  "complete": ["medications"]}
    assert outcome("medication gonadotropin [history]", "exclusion", **leuprolide).truth is Truth.FALSE
    menopur = {"medications": [{"name": "Menopur", "start": "2025-01-01", "end": "2025-02-01"}]}
    assert outcome("medication gonadotropin [history]", "exclusion", **menopur).truth is Truth.TRUE


def test_stuttering_after_a_stroke_is_no_neurodevelopmental_disorder():
    said = {"conditions": [{"name": "stuttering", "onset": "2024-01-01"}], "complete": ["conditions"]}
    assert outcome("condition neurodevelopmental_disorder", "exclusion", **said).truth is not Truth.TRUE
    said = {"conditions": [{"name": "developmental stuttering", "onset": "2001-01-01"}]}
    assert outcome("condition neurodevelopmental_disorder", "exclusion", **said).truth is Truth.TRUE


def test_an_il5_antibody_is_not_the_il5_receptor_one():
    benralizumab = {"medications": [{"name": "Fasenra", "start": "2025-01-01", "end": "2025-06-01"}],
                    "complete": ["medications"]}
    assert outcome("medication il5_inhibitor [history]", "exclusion", **benralizumab).truth is Truth.FALSE
    assert outcome("medication il5r_inhibitor [history]", "exclusion", **benralizumab).truth is Truth.TRUE
    mepolizumab = {"medications": [{"name": "Nucala", "start": "2025-01-01", "end": "2025-06-01"}]}
    assert outcome("medication il5_inhibitor [history]", "exclusion", **mepolizumab).truth is Truth.TRUE


def test_bcg_in_the_bladder_is_an_intravesical_therapy_not_chemotherapy():
    bcg = {"medications": [{"name": "BCG instillations", "start": "2025-01-01", "end": "2025-06-01"}],
           "complete": ["medications"]}
    assert outcome("medication intravesical_therapy [history]", "exclusion", **bcg).truth is Truth.TRUE
    assert outcome("medication intravesical_chemotherapy [history]", "exclusion", **bcg).truth is Truth.FALSE
    # nor an immunotherapy of the checkpoint kind, which "prior immunotherapy" may mean
    assert outcome("medication cancer_immunotherapy [history]", "exclusion", **bcg).truth is Truth.FALSE
