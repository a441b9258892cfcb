"""The clinical vocabulary: lookup, classes, surface forms and the checks on its data."""

from __future__ import annotations


import pydantic
import pytest

from screening import units
from screening.vocabulary import Concept, Vocabulary, VocabularyError, load_vocabulary, normalise_name

VOCABULARY = load_vocabulary()


def lookup_id(name: str) -> str | None:
    found = VOCABULARY.lookup(name)
    return None if found is None else found.id


# --- lookup ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "concept_id"),
    [
        ("creatinine", "creatinine"),
        ("Scr", "creatinine"),
        ("SCR", "creatinine"),
        ("serum creatinine", "creatinine"),
        ("Serum  Creatinine", "creatinine"),
        ("serum_creatinine", "creatinine"),
        ("serum-creatinine", "creatinine"),
        ("Cr", "creatinine"),
        ("Ccr", "creatinine_clearance"),
        ("CrCl", "creatinine_clearance"),
        ("eGFR", "egfr"),
        ("Hb", "hemoglobin"),
        ("Hgb", "hemoglobin"),
        ("WBC", "wbc"),
        ("UPCR", "upcr"),
        ("UPC ratio", "upcr"),
        ("proteinuria/creatinine ratio", "upcr"),
        ("proteinuria / creatinine ratio", "upcr"),
        ("24 hours proteinuria", "urine_protein_24h"),
        ("ALT", "alt"),
        ("alt", "alt"),
        ("SGPT", "alt"),
        ("AST", "ast"),
        ("SGOT", "ast"),
        ("anti_dsDNA", "anti_dsdna"),
        ("anti-dsDNA", "anti_dsdna"),
        ("anti-DNA", "anti_dsdna"),
        ("Sjögren's syndrome", "sjogrens_syndrome"),
        ("sjogrens syndrome", "sjogrens_syndrome"),
        ("SJOGREN’S SYNDROME", "sjogrens_syndrome"),
        ("sle", "sle"),
        ("mycophenolate mofetil", "mycophenolate_mofetil"),
        ("MMF", "mycophenolate_mofetil"),
        ("CYC", "cyclophosphamide"),
        ("Zostavax", "live_zoster_vaccine"),
        ("Shingrix", "recombinant_zoster_vaccine"),
        ("kidney biopsy", "renal_biopsy"),
        ("renal transplantation", "kidney_transplantation"),
        ("plasma exchange", "plasmapheresis"),
        ("immunosorbent therapy", "immunoadsorption"),
        ("ISN/RPS class", "isn_rps_class"),
        ("isn_rps_class", "isn_rps_class"),
        ("glomerulus sclerosis", "sclerosed_glomeruli_percent"),
        ("capillary loops necrosis", "capillary_loop_necrosis"),
        ("microthrombus formation in capillary loops", "microthrombi"),
        ("SLEDAI", "sledai_2k"),
        ("SLEDAI-2K", "sledai_2k"),
        ("sledai_2k", "sledai_2k"),
        ("investigational agent", "investigational_agent"),
        ("experimental therapy", "investigational_agent"),
    ],
)
def test_lookup_by_name_synonym_id_and_spelling_variants(name: str, concept_id: str) -> None:
    assert lookup_id(name) == concept_id


@pytest.mark.parametrize(
    ("name", "concept_id"),
    [
        # ophthalmology
        ("BRVO", "branch_retinal_vein_occlusion"),
        ("wet AMD", "neovascular_amd"),
        ("geographic atrophy", "geographic_atrophy"),
        ("narrow angle glaucoma", "angle_closure_glaucoma"),
        ("BCVA", "etdrs_letters"),
        ("IOP", "intraocular_pressure"),
        ("Lucentis", "ranibizumab"),
        ("panretinal photocoagulation", "panretinal_photocoagulation"),
        # newborn and pregnancy
        ("PPHN", "pphn"),
        ("hydrops fetalis", "hydrops_fetalis"),
        ("gestational age", "gestational_age"),
        ("birthweight", "birth_weight"),
        ("postmenopausal", "menopause"),
        ("IUD", "intrauterine_device"),
        # neurology and psychiatry
        ("mental retardation", "intellectual_disability"),
        ("pervasive developmental disorder", "autism_spectrum_disorder"),
        ("DLB", "dementia_with_lewy_bodies"),
        ("Eaton-Lambert syndrome", "lambert_eaton"),
        ("IDS-SR30", "ids"),
        ("QIDS-SR16", "qids"),
        ("Young Mania Rating Score", "ymrs"),
        ("Folstein's Mini Mental State Examination", "mmse"),
        ("Lansky play status", "lansky"),
        ("Karnofsky performance index", "karnofsky"),
        ("ECOG PS", "ecog"),
        ("depot neuroleptic", "long_acting_injectable_antipsychotic"),
        ("MAO-B inhibitors", "mao_b_inhibitor"),
        ("anti-epileptics", "anticonvulsant"),
        ("enzyme-inducing anticonvulsants", "eiaed"),
        # oncology and blood
        ("HER2+ breast cancer", "her2_positive_breast_cancer"),
        ("mCRPC", "metastatic_crpc"),
        ("GBM", "glioblastoma"),
        ("osteogenic sarcoma", "osteosarcoma"),
        ("ESFT", "ewing_sarcoma"),
        ("adenocarcinoma", "adenocarcinoma"),
        ("lymphoproliferative disorders", "lymphoproliferative_disorder"),
        ("hypomethylating agent", "hypomethylating_agent"),
        ("Naglazyme", "galsulfase"),
        ("Raptiva", "efalizumab"),
        ("Gleason score", "gleason_score"),
        ("17-OHP", "hydroxyprogesterone_17"),
        ("DHEA-S", "dhea_s"),
        # other areas
        ("URTI", "upper_respiratory_tract_infection"),
        ("Meniere's disease", "menieres_disease"),
        ("hiatus hernia", "hiatal_hernia"),
        ("Gilbert's syndrome", "gilberts_syndrome"),
        ("hypokalaemia", "hypokalemia"),
        ("TMD", "temporomandibular_disorder"),
        ("St John's wort", "st_johns_wort"),
        ("grapefruit juice", "grapefruit_juice"),
        ("kava", "kava"),
        ("Zantac", "ranitidine"),
        ("rt-PA", "alteplase"),
        ("CPAP", "cpap"),
        ("TACE", "tace"),
        ("IGIV", "ivig"),
        ("HBV vaccination", "hepatitis_b_vaccine"),
        ("blood donation", "blood_donation"),
        ("rapamycin analogues", "mtor_inhibitor"),
        ("Torisel", "temsirolimus"),
        ("central nervous system (CNS) metastases", "brain_metastases"),
        ("bodyweight", "weight"),
        ("continuous mechanical ventilation", "mechanical_ventilation"),
    ],
)
def test_lookup_across_clinical_areas(name: str, concept_id: str) -> None:
    assert lookup_id(name) == concept_id


@pytest.mark.parametrize(
    ("code", "concept_id"),
    [
        ("LOINC:2160-0", "creatinine"),
        ("loinc:2160-0", "creatinine"),
        ("LOINC: 2160-0", "creatinine"),
        ("SNOMED:55464009", "sle"),
        ("SNOMED CT:55464009", "sle"),
        ("ICD10:M32.14", "lupus_nephritis"),
        ("ICD-10-CM:M32.14", "lupus_nephritis"),
        ("icd10:m32.14", "lupus_nephritis"),
        ("ICD10:M32.19", "sle"),  # an unlisted subcode falls back to its listed parent M32
        ("ICD10:M06.9", "rheumatoid_arthritis"),
        ("ICD10:N18.6", "end_stage_renal_disease"),  # the exact code wins over its parent N18
        ("ICD10:N18.4", "chronic_kidney_disease"),
        ("ATC:L04AA06", "mycophenolate_mofetil"),
        ("ATC:L04AB99", "tnf_inhibitor"),  # an unlisted drug in a listed ATC group
    ],
)
def test_lookup_by_code(code: str, concept_id: str) -> None:
    assert lookup_id(code) == concept_id


@pytest.mark.parametrize("name", ["", "unobtainium level", "LOINC:0000-0", "ICD10:Z99.99", "FOO:123"])
def test_lookup_of_unknown_names(name: str) -> None:
    assert VOCABULARY.lookup(name) is None


def test_lookup_ignores_case_even_for_abbreviations() -> None:
    # A profile's names are matched whatever their case; the case rule that keeps the word
    # "all" from becoming leukemia belongs to running text (surface_forms), tested below.
    assert lookup_id("all") == lookup_id("ALL") == "acute_lymphoblastic_leukemia"


def test_get_raises_key_error_for_unknown_ids() -> None:
    assert VOCABULARY.get("creatinine").molar_mass == 113.12
    with pytest.raises(KeyError):
        VOCABULARY.get("no_such_concept")


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("Sjögren's", "sjogrens"),
        ("anti_dsDNA", "anti dsdna"),
        ("anti-dsDNA", "anti dsdna"),
        ("  Serum   Creatinine ", "serum creatinine"),
        ("ISN / RPS", "isn/rps"),
        ("Behçet’s", "behcets"),
    ],
)
def test_normalise_name(text: str, normalised: str) -> None:
    assert normalise_name(text) == normalised


def test_suggest_did_you_mean() -> None:
    assert "creatinine" in VOCABULARY.suggest("creatinin")
    assert VOCABULARY.suggest("hemoglobn")[0] == "hemoglobin"
    assert len(VOCABULARY.suggest("platelet cont", n=2)) <= 2
    assert VOCABULARY.suggest("zzzzqqq") == []


# --- classes -----------------------------------------------------------------------------------


def test_is_a_is_reflexive_and_transitive() -> None:
    assert VOCABULARY.is_a("rituximab", "rituximab")
    assert VOCABULARY.is_a("rituximab", "b_cell_depleting_therapy")
    assert VOCABULARY.is_a("rituximab", "anti_b_cell_biologic")
    assert VOCABULARY.is_a("rituximab", "biologic")
    assert not VOCABULARY.is_a("biologic", "rituximab")
    for concept_id in VOCABULARY.concepts:
        ancestors = VOCABULARY.ancestors(concept_id)
        assert concept_id in ancestors
        for ancestor in ancestors:
            assert VOCABULARY.ancestors(ancestor) <= ancestors


def test_descendants_mirror_ancestors() -> None:
    for class_id in ("biologic", "autoimmune_disease", "live_vaccine", "malignancy", "infection"):
        descendants = VOCABULARY.descendants(class_id)
        assert class_id in descendants
        assert descendants == {c for c in VOCABULARY.concepts if VOCABULARY.is_a(c, class_id)}


@pytest.mark.parametrize(
    ("concept_id", "ancestor_id"),
    [
        ("belimumab", "anti_b_cell_biologic"),
        ("ocrelizumab", "b_cell_depleting_therapy"),
        ("adalimumab", "tnf_inhibitor"),
        ("tofacitinib", "jak_inhibitor"),
        ("tacrolimus", "immunosuppressant"),
        ("tripterygium_wilfordii", "immunosuppressant"),
        ("methylprednisolone", "corticosteroid"),
        ("ketoconazole", "strong_cyp3a4_inhibitor"),
        ("rifampin", "strong_cyp3a4_inducer"),
        ("pembrolizumab", "immune_checkpoint_inhibitor"),
        ("cisplatin", "chemotherapy"),
        ("rheumatoid_arthritis", "autoimmune_disease"),
        ("dermatomyositis", "autoimmune_disease"),
        ("systemic_sclerosis", "autoimmune_disease"),
        ("multiple_sclerosis", "autoimmune_disease"),
        ("crohns_disease", "autoimmune_disease"),
        ("type_1_diabetes", "autoimmune_disease"),
        ("type_1_diabetes", "diabetes_mellitus"),
        ("type_2_diabetes", "diabetes_mellitus"),
        ("tuberculosis", "mycobacterial_infection"),
        ("atypical_mycobacterial_infection", "infection"),
        ("onychomycosis", "fungal_infection"),
        ("hepatitis_b", "viral_infection"),
        ("hepatitis_b", "liver_disease"),
        ("basal_cell_carcinoma", "malignancy"),
        ("acute_lymphoblastic_leukemia", "hematologic_malignancy"),
        ("lupus_nephritis", "kidney_disease"),
        ("kidney_transplantation", "organ_transplantation"),
        ("hemodialysis", "dialysis"),
        ("live_zoster_vaccine", "herpes_zoster_vaccine"),
        ("recombinant_zoster_vaccine", "herpes_zoster_vaccine"),
        ("yellow_fever_vaccine", "live_vaccine"),
        ("copd", "pulmonary_disease"),
        ("stroke", "cardiovascular_disease"),
        ("stroke", "neurological_disease"),
        ("hemorrhagic_stroke", "stroke"),
        ("hemorrhagic_stroke", "intracranial_hemorrhage"),
        ("paroxysmal_atrial_fibrillation", "atrial_fibrillation"),
        ("glioblastoma", "brain_tumor"),
        ("osteosarcoma", "sarcoma"),
        ("colon_cancer", "gastrointestinal_cancer"),
        ("lymphoma", "lymphoproliferative_disorder"),
        ("hypokalemia", "metabolic_disease"),
        ("alzheimers_disease", "neurodegenerative_disease"),
        ("dementia", "cognitive_impairment"),
        ("major_depressive_disorder", "psychiatric_disorder"),
        ("schizophrenia", "axis_i_disorder"),
        ("intellectual_disability", "psychiatric_disorder"),
        ("copd", "obstructive_airway_disease"),
        ("upper_gi_bleeding", "bleeding"),
        ("tinnitus", "ear_disease"),
        ("neovascular_amd", "retinal_disease"),
        ("ranibizumab", "vegf_inhibitor"),
        ("bevacizumab", "anticancer_therapy"),
        ("leuprolide", "androgen_deprivation_therapy"),
        ("tamoxifen", "hormonal_cancer_therapy"),
        ("phenelzine", "antidepressant"),
        ("rasagiline", "maoi"),
        ("benzodiazepine", "sedative_hypnotic"),
        ("sertraline", "psychotropic"),
        ("oxycodone", "analgesic"),
        ("carbamazepine", "eiaed"),
        ("fluticasone_salmeterol", "inhaled_corticosteroid"),
        ("ocrelizumab", "ms_disease_modifying_therapy"),
        ("tace", "liver_directed_therapy"),
        ("tubal_ligation", "surgical_sterilization"),
        ("pci", "revascularization"),
        ("oral_typhoid_vaccine", "typhoid_vaccine"),
        ("temsirolimus", "mtor_inhibitor"),
        ("incarceration", "court_ordered_institutionalization"),
        ("gadolinium_contrast", "contrast_media"),
        ("icu_admission", "hospitalization"),
        ("drug_abuse", "recreational_drug_use"),
        ("mechanical_heart_valve", "heart_valve_prosthesis"),
        ("nonvalvular_atrial_fibrillation", "atrial_fibrillation"),
    ],
)
def test_class_membership(concept_id: str, ancestor_id: str) -> None:
    assert VOCABULARY.is_a(concept_id, ancestor_id)


@pytest.mark.parametrize(
    ("concept_id", "not_ancestor_id"),
    [
        ("type_2_diabetes", "type_1_diabetes"),
        ("type_1_diabetes", "type_2_diabetes"),
        ("type_2_diabetes", "autoimmune_disease"),
        ("lupus_nephritis", "autoimmune_disease"),  # a manifestation of SLE, not another disease
        ("belimumab", "b_cell_depleting_therapy"),
        ("recombinant_zoster_vaccine", "live_vaccine"),
        ("cervical_carcinoma_in_situ", "malignancy"),
        ("osteoarthritis", "autoimmune_disease"),
        ("prednisone", "immunosuppressant"),
        ("hydroxychloroquine", "immunosuppressant"),
        # a drug's other uses must not make it an anticancer therapy
        ("ranibizumab", "anticancer_therapy"),
        ("raloxifene", "hormonal_cancer_therapy"),
        ("nintedanib", "anticancer_therapy"),
        ("radioactive_iodine", "radiotherapy"),
        # Parkinson's MAO-B inhibitors are MAO inhibitors, not antidepressants
        ("rasagiline", "antidepressant"),
        ("levodopa", "dopamine_agonist"),
        ("fludrocortisone", "corticosteroid"),
        ("diphenhydramine", "sedative_hypnotic"),
        # a subtype is not its sibling, and not every disease of an organ is its class
        ("ischemic_stroke", "intracranial_hemorrhage"),
        ("meningioma", "malignancy"),  # a tumour, mostly benign
        ("alcohol_use_disorder", "substance_dependence"),  # abuse is not dependence
        ("paroxysmal_atrial_fibrillation", "permanent_atrial_fibrillation"),
        ("ocular_myasthenia_gravis", "generalized_myasthenia_gravis"),
        ("compensated_cirrhosis", "decompensated_cirrhosis"),
        ("dry_amd", "neovascular_amd"),
        ("triple_negative_breast_cancer", "her2_positive_breast_cancer"),
        ("rectal_cancer", "colon_cancer"),
        ("medulloblastoma", "glioma"),
        ("ocular_hypertension", "glaucoma"),
        ("hyperandrogenism", "polycystic_ovary_syndrome"),
        ("gilberts_syndrome", "liver_disease"),
        ("chronic_rhinosinusitis", "infection"),
        ("claustrophobia", "anxiety_disorder"),
        ("carcinoma_in_situ", "carcinoma"),
        ("prosthesis", "implanted_device"),
        # giving blood is not receiving it
        ("blood_donation", "blood_transfusion"),
        # using a drug is not abusing it
        ("recreational_drug_use", "drug_abuse"),
        # a tissue valve needs no lifelong anticoagulation
        ("bioprosthetic_heart_valve", "mechanical_heart_valve"),
        # a nursing home resident is not held by an order
        ("institutionalized", "court_ordered_institutionalization"),
    ],
)
def test_class_non_membership(concept_id: str, not_ancestor_id: str) -> None:
    assert not VOCABULARY.is_a(concept_id, not_ancestor_id)


@pytest.mark.parametrize("one, other", [
    # versions of a scale score on different ranges, and tests that find different things
    ("HAM-D17", "HAM-D21"), ("ADAS-Cog11", "ADAS-Cog13"), ("CAPS-IV", "CAPS-5"), ("PCL-C", "PCL-5"),
    ("K10", "K6"), ("SF-36", "SF-12"), ("ISS stage", "R-ISS"), ("IIEF", "IIEF-5"), ("IIEF-5", "IIEF-EF"),
    ("UHDRS TMS", "UHDRS-TFC"), ("UPDRS", "UPDRS Part III"), ("PD-L1 TPS", "PD-L1 CPS"),
    ("HAV IgM", "anti-HAV IgG"), ("RPR", "TPHA"), ("C. difficile toxin", "stool culture"),
    ("AFB smear", "sputum culture"), ("urea breath test", "H. pylori serology"),
])
def test_different_measures_are_not_one_concept(one: str, other: str) -> None:
    a, b = VOCABULARY.lookup(one), VOCABULARY.lookup(other)
    assert a is not None and b is not None
    assert a.id != b.id and not VOCABULARY.is_a(a.id, b.id) and not VOCABULARY.is_a(b.id, a.id)


def test_a_covering_class_holds_every_concept_of_its_categories() -> None:
    vocab = VOCABULARY
    assert vocab.is_a("hypertension", "medical_condition")
    assert vocab.is_a("autoimmune_disease", "medical_condition")  # a class of conditions too
    assert not vocab.is_a("aspirin", "medical_condition")
    assert "sle" in vocab.descendants("medical_condition")
    # an allergy to the trial's drug is a drug allergy; a drug allergy is not one to the trial's drug
    assert vocab.is_a("study_drug_hypersensitivity", "drug_allergy")
    assert vocab.lookup("hypersensitivity to study drug").id == "study_drug_hypersensitivity"
    # a "medical" illness is not a psychiatric one; "medical or psychiatric" holds both
    assert not vocab.is_a("major_depressive_disorder", "medical_condition")
    assert vocab.is_a("major_depressive_disorder", "medical_or_psychiatric_condition")
    assert not vocab.is_a("medical_or_psychiatric_condition", "medical_condition")


def test_lupus_nephritis_is_a_manifestation_of_sle() -> None:
    assert VOCABULARY.get("lupus_nephritis").manifestation_of == ("sle",)


def test_vaccines_live_flag_agrees_with_the_live_vaccine_class() -> None:
    for concept in VOCABULARY.concepts.values():
        if concept.category != "vaccine":
            continue
        assert (concept.live is True) == VOCABULARY.is_a(concept.id, "live_vaccine"), concept.id
        assert (concept.live is False) == VOCABULARY.is_a(concept.id, "non_live_vaccine"), concept.id
    assert VOCABULARY.get("yellow_fever_vaccine").live is True
    assert VOCABULARY.get("herpes_zoster_vaccine").live is None


def test_corticosteroid_equivalents() -> None:
    expected = {
        "prednisone": 1,
        "prednisolone": 1,
        "methylprednisolone": 1.25,
        "dexamethasone": 6.67,
        "hydrocortisone": 0.25,
    }
    for concept_id, equivalent in expected.items():
        assert VOCABULARY.get(concept_id).prednisone_equivalent == equivalent
    for concept in VOCABULARY.concepts.values():
        if concept.prednisone_equivalent is not None:
            assert VOCABULARY.is_a(concept.id, "corticosteroid"), concept.id


# --- surface forms -----------------------------------------------------------------------------


def test_surface_forms_longest_first_with_case_flags() -> None:
    forms = VOCABULARY.surface_forms()
    lengths = [len(form) for form, _, _ in forms]
    assert lengths == sorted(lengths, reverse=True)
    flags = {(form, concept_id): sensitive for form, concept_id, sensitive in forms}
    assert flags[("ALL", "acute_lymphoblastic_leukemia")] is True
    assert flags[("MS", "multiple_sclerosis")] is True
    assert flags[("AST", "ast")] is True
    assert flags[("serum creatinine", "creatinine")] is False
    assert flags[("HbA1c", "hba1c")] is False


def test_lowercase_all_is_not_a_case_insensitive_form() -> None:
    for form, _, sensitive in VOCABULARY.surface_forms():
        if form.lower() in {"all", "ms", "as", "or", "is", "it", "in", "on", "to", "no"}:
            assert sensitive, form


def test_surface_forms_are_names_and_synonyms() -> None:
    forms = {(form, concept_id) for form, concept_id, _ in VOCABULARY.surface_forms()}
    creatinine = VOCABULARY.get("creatinine")
    assert {(f, "creatinine") for f in (creatinine.name, *creatinine.synonyms)} <= forms


# Qualifier words belong to the grammar (grammars/lexicon.yaml): a name that starts with one would
# swallow it, so "severe aortic stenosis" would match a mild one. Only established names may.
_QUALIFIER_STARTS = ("active ", "severe ", "uncontrolled ", "history of ", "recurrent ", "current ", "prior ",
                     "previous ", "clinically significant ", "symptomatic ", "untreated ", "refractory ")
_ESTABLISHED = {
    "active urinary sediment", "active urine sediment", "active vitamin d", "active vitamin d analogue",
    "active vitamin d analogues", "active implanted device", "active implantable medical device",
    "severe cutaneous adverse reaction", "severe cutaneous adverse reactions", "severe cutaneous adverse drug reaction",
    "severe obesity", "severe myoclonic epilepsy of infancy", "severe nausea and vomiting of pregnancy",
    "clinically significant ecg abnormality", "clinically significant ecg abnormalities",
    "clinically significant ekg abnormalities", "clinically significant chest x ray abnormality",
    "clinically significant chest x ray abnormalities", "recurrent shoulder dislocation",
    "refractory chronic cough", "refractory hypertension",
    # the C-SSRS's own term: ideation of types 2-5, not any ideation that is current
    "active suicidal ideation", "active suicidal thoughts", "active suicidal ideation with intent",
    "active suicidal ideation with some intent to act", "active suicidal ideation with specific plan and intent",
    "active suicidal ideation with plan and intent",
}


# Facts that are themselves about the past: "previous enrollment in this study" is no qualifier
# on a present enrollment.
_PAST_FACTS = {"previously_in_this_study"}


def test_names_do_not_swallow_qualifier_words() -> None:
    offenders = [
        (concept.id, form)
        for concept in VOCABULARY.concepts.values()
        for form in (concept.name, *concept.synonyms)
        if normalise_name(form).startswith(_QUALIFIER_STARTS) and normalise_name(form) not in _ESTABLISHED
        and concept.id not in _PAST_FACTS
    ]
    assert offenders == []


@pytest.mark.parametrize("word", ["AN", "AS", "AT", "IF", "NO", "OR", "ADD", "BED", "CUP", "FIT", "FIX", "MEN", "NET",
                                  "ODD", "SAD", "TEN", "ERA", "DRESS", "SCAR"])
def test_common_words_in_capitals_are_not_concepts(word: str) -> None:
    # criteria are sometimes written in capitals: "HAVE AN ACTIVE INFECTION" must not name anorexia
    assert word not in {form for form, _, _ in VOCABULARY.surface_forms()}


def test_every_class_of_conditions_has_members() -> None:
    # the tokenizer gives a class the terminal of its members; an empty class would never be read
    for concept in VOCABULARY.concepts.values():
        if concept.category == "class":
            members = VOCABULARY.descendants(concept.id) - {concept.id}
            assert any(VOCABULARY.get(m).category != "class" for m in members), concept.id


# --- the shipped data --------------------------------------------------------------------------


def test_breadth_of_the_vocabulary() -> None:
    counts: dict[str, int] = {}
    for concept in VOCABULARY.concepts.values():
        counts[concept.category] = counts.get(concept.category, 0) + 1
    assert counts["lab"] >= 200
    assert counts["score"] >= 150
    assert counts["condition"] >= 900
    assert counts["medication"] >= 900
    assert counts["drug_class"] >= 200
    assert counts["vital"] >= 20
    assert counts["vaccine"] >= 40
    assert counts["procedure"] >= 250
    assert counts["finding"] >= 5


def test_every_canonical_unit_parses() -> None:
    for concept in VOCABULARY.concepts.values():
        if concept.unit is not None:
            units.parse_unit(concept.unit)
        if concept.per is not None:
            assert units.parse_period(concept.per).dimensionality == units.ureg.Unit("h").dimensionality


def test_measured_concepts_with_a_plausible_range_have_a_unit() -> None:
    for concept in VOCABULARY.concepts.values():
        if concept.category in {"lab", "vital"} and concept.plausible is not None:
            assert concept.unit is not None, concept.id


def test_categorical_values_list_their_categories() -> None:
    assert VOCABULARY.get("isn_rps_class").categories == ("I", "II", "III", "IV", "V", "VI", "III+V", "IV+V")
    assert VOCABULARY.get("bilag").categories == ("A", "B", "C", "D", "E")
    assert VOCABULARY.get("nyha_class").categories == ("I", "II", "III", "IV")


def test_codes_have_a_known_system() -> None:
    for concept in VOCABULARY.concepts.values():
        for code in concept.codes:
            assert code.split(":")[0] in {"LOINC", "SNOMED", "ICD10", "ATC", "RXNORM"}, code


def test_load_is_cached_and_the_start_up_cache_reads_the_same_data(tmp_path, monkeypatch) -> None:
    assert load_vocabulary() is load_vocabulary()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    parsed = load_vocabulary.__wrapped__()      # parses the YAML and writes the cache
    assert list((tmp_path / "screening").glob("vocab-*.json"))
    cached = load_vocabulary.__wrapped__()      # reads the cache
    assert cached.concepts == parsed.concepts


# --- checks on loading -------------------------------------------------------------------------


def make(concept_id: str, **fields: object) -> Concept:
    fields = {"category": "condition", "name": concept_id.replace("_", " "), **fields}
    return Concept.model_validate({"id": concept_id, **fields})


@pytest.mark.parametrize(
    ("concepts", "message"),
    [
        ([make("a"), make("a")], "duplicate"),
        ([make("a", is_a=["missing"])], "unknown concept"),
        ([make("a", manifestation_of=["missing"])], "unknown concept"),
        ([make("a", is_a=["b"]), make("b", is_a=["a"])], "cycle"),
        ([make("a", synonyms=["XY"]), make("b", synonyms=["xy"])], "belongs to both"),
        ([make("a", synonyms=["the b"]), make("the_b")], "belongs to both"),
        ([make("a", codes=["LOINC:1-1"]), make("b", codes=["loinc:1-1"])], "belongs to both"),
        ([make("a", codes=["no system"])], "cannot read code"),
        ([make("a", unit="furlongs,fortnight")], "unit"),
        ([make("a", unit="g/24h", per="3 kg")], "period of time"),
        ([make("a", unit="L", in_percent="b"), make("b", unit="L")], "in_percent"),
        ([make("a", rates=["missing"])], "unknown concept"),
    ],
)
def test_inconsistent_data_is_refused(concepts: list[Concept], message: str) -> None:
    with pytest.raises(VocabularyError, match=message):
        Vocabulary(concepts)


def test_a_consistent_small_vocabulary_loads() -> None:
    small = Vocabulary(
        [make("disease_class", category="class"), make("a", is_a=["disease_class"], synonyms=["AB"])]
    )
    assert small.is_a("a", "disease_class")
    assert small.surface_forms() == [
        ("disease class", "disease_class", False),
        ("AB", "a", True),
        ("a", "a", False),
    ]


@pytest.mark.parametrize(
    "fields",
    [
        {"unknown_field": 1},
        {"category": "planet"},
        {"id": "Not A Slug"},
        {"plausible": [5, 1]},
        {"value_type": "categorical"},
        {"molar_mass": 100, "ratio_molar_mass": 113.12},
        {"valence": 0},
    ],
)
def test_concept_model_rejects_bad_fields(fields: dict[str, object]) -> None:
    with pytest.raises(pydantic.ValidationError):
        make("a", **fields)


def test_concepts_are_frozen() -> None:
    with pytest.raises(pydantic.ValidationError):
        VOCABULARY.get("creatinine").unit = "g/L"  # type: ignore[misc]


# A route written into a class name narrows the class: "oral contraceptives" are not every
# hormonal contraceptive, "systemic corticosteroids" not inhaled ones. The route is the grammar's
# qualifier, evaluated on the medication's route; only names that are themselves one thing may
# carry it.
_ROUTE_NAMED = {"systemic autoimmune rheumatic disease", "systemic rheumatic disease", "systemic anticancer therapy",
                "systemic anti cancer therapy", "systemic antitumor therapy", "systemic anti tumor therapy",
                "systemic therapy for cancer", "systemic chemotherapy", "systemic lupus erythematosus glomerulonephritis syndrome",
                "systemic vasculitis", "systemic hypertension", "systemic amyloidosis", "systemic mastocytosis",
                "oral lichen planus", "systemic exertion intolerance disease", "systemic candidiasis", "oral ulcers",
                "oral ulceration", "oral glucose tolerance test", "oral sodium bicarbonate", "oral calcium", "oral magnesium",
                "oral potassium", "oral iron tablets", "systemic lupus erythematosus disease activity index",
                "systemic lupus erythematosus disease activity index 2000", "oral cholera vaccine", "oral adenovirus vaccine",
                "oral temperature"}


def test_class_synonyms_do_not_carry_a_route() -> None:
    offenders = [
        (concept.id, form)
        for concept in VOCABULARY.concepts.values()
        for form in concept.synonyms
        if normalise_name(form).startswith(("systemic ", "oral "))
        and not normalise_name(concept.name).startswith(("systemic ", "oral "))
        and normalise_name(form) not in _ROUTE_NAMED
    ]
    assert offenders == []


# --- classes no broader than the words they stand for --------------------------------------------


def test_serotonergic_antidepressants_are_antidepressants_only() -> None:
    vocab = VOCABULARY
    assert lookup_id("serotonergic antidepressants") == "serotonergic_antidepressant"
    for drug in ("sertraline", "venlafaxine", "vortioxetine", "clomipramine", "phenelzine"):
        assert vocab.is_a(drug, "serotonergic_antidepressant"), drug
        assert vocab.is_a(drug, "serotonergic_drug"), drug
    assert not vocab.is_a("ondansetron", "serotonergic_antidepressant")
    assert not vocab.is_a("sumatriptan", "serotonergic_antidepressant")
    assert not vocab.is_a("rasagiline", "serotonergic_antidepressant")


def test_inner_ear_disease_is_not_every_ear_disease() -> None:
    vocab = VOCABULARY
    assert lookup_id("inner ear disease") == "inner_ear_disease"
    assert lookup_id("hearing disorder") == "hearing_loss"
    for condition in ("bppv", "vestibular_neuritis", "menieres_disease", "labyrinthitis", "presbycusis"):
        assert vocab.is_a(condition, "inner_ear_disease"), condition
    assert vocab.is_a("inner_ear_disease", "ear_disease")
    for condition in ("otitis_externa", "otitis_media", "tympanic_membrane_perforation", "tinnitus"):
        assert not vocab.is_a(condition, "inner_ear_disease"), condition


def test_radiculopathy_has_its_levels() -> None:
    vocab = VOCABULARY
    assert lookup_id("lumbar radicular pain") == "lumbar_radiculopathy"
    assert lookup_id("cervical radiculopathy") == "cervical_radiculopathy"
    assert vocab.is_a("sciatica", "lumbar_radiculopathy")
    assert vocab.is_a("cervical_radiculopathy", "radiculopathy")
    assert vocab.is_a("lumbar_radiculopathy", "radiculopathy")
    assert not vocab.is_a("cervical_radiculopathy", "lumbar_radiculopathy")
    assert not vocab.is_a("radiculopathy", "lumbar_radiculopathy")


def test_a_research_study_is_not_an_interventional_trial() -> None:
    vocab = VOCABULARY
    for name in ("research study", "research studies", "clinical study", "study participation"):
        assert lookup_id(name) == "research_participation", name
    assert lookup_id("interventional study") == "clinical_trial_participation"
    # "any research study" holds a trial; "an interventional study" does not hold mere research
    assert vocab.is_a("clinical_trial_participation", "research_participation")
    assert not vocab.is_a("research_participation", "clinical_trial_participation")
    # a drug study is a trial of one kind: not any trial, and not a device study
    assert lookup_id("investigational drug study") == "drug_trial_participation"
    assert vocab.is_a("drug_trial_participation", "clinical_trial_participation")
    assert not vocab.is_a("clinical_trial_participation", "drug_trial_participation")
    assert not vocab.is_a("device_trial_participation", "drug_trial_participation")


def test_an_investigational_device_is_not_a_drug() -> None:
    vocab = VOCABULARY
    assert lookup_id("investigational device") == "investigational_device"
    assert lookup_id("experimental devices") == "investigational_device"
    assert vocab.get("investigational_device").category == "procedure"
    assert not vocab.is_a("investigational_device", "investigational_agent")
    assert lookup_id("investigational drug") == "investigational_agent"


def test_a_fistula_is_split_by_site() -> None:
    vocab = VOCABULARY
    assert lookup_id("abdominal fistula") == "abdominal_fistula"
    assert lookup_id("perianal fistula") == "anal_fistula"
    assert vocab.is_a("enterocutaneous_fistula", "abdominal_fistula")
    for site in ("abdominal_fistula", "anal_fistula", "tracheoesophageal_fistula", "vesicovaginal_fistula"):
        assert vocab.is_a(site, "fistula"), site
    for site in ("anal_fistula", "tracheoesophageal_fistula", "vesicovaginal_fistula", "fistula"):
        assert not vocab.is_a(site, "abdominal_fistula"), site


def test_abdominal_radiotherapy_is_not_pelvic() -> None:
    vocab = VOCABULARY
    assert lookup_id("abdominal radiation") == "abdominal_radiotherapy"
    assert not vocab.is_a("abdominal_radiotherapy", "pelvic_radiotherapy")
    assert vocab.is_a("abdominopelvic_radiotherapy", "pelvic_radiotherapy")
    assert vocab.is_a("abdominopelvic_radiotherapy", "abdominal_radiotherapy")


def test_a_depressive_episode_is_not_major_depressive_disorder() -> None:
    vocab = VOCABULARY
    assert lookup_id("depressive episode") == "depressive_episode"
    assert lookup_id("major depressive episode") == "depressive_episode"
    assert vocab.is_a("major_depressive_disorder", "depressive_episode")
    assert not vocab.is_a("depressive_episode", "major_depressive_disorder")


def test_substance_use_is_not_a_use_disorder() -> None:
    vocab = VOCABULARY
    assert lookup_id("substance use") is None
    assert lookup_id("substance abuse") == "substance_use_disorder"
    assert lookup_id("hallucinogen use") == "hallucinogen_use"
    assert not vocab.is_a("hallucinogen_use", "substance_use_disorder")
    assert vocab.is_a("hallucinogen_use_disorder", "substance_use_disorder")



def test_mechanical_ventilation_is_invasive_ventilation_only() -> None:
    vocab = VOCABULARY
    assert lookup_id("ventilatory support") == "ventilatory_support"
    assert lookup_id("assisted ventilation") == "ventilatory_support"
    assert lookup_id("invasive ventilatory support") == "mechanical_ventilation"
    assert lookup_id("intubation") == "endotracheal_intubation"
    assert vocab.is_a("mechanical_ventilation", "ventilatory_support")
    assert vocab.is_a("noninvasive_ventilation", "ventilatory_support")
    assert not vocab.is_a("noninvasive_ventilation", "mechanical_ventilation")
    assert not vocab.is_a("endotracheal_intubation", "mechanical_ventilation")


def test_nicotine_use_holds_tobacco_use_and_vaping() -> None:
    vocab = VOCABULARY
    assert lookup_id("nicotine") == "nicotine_use"
    assert lookup_id("e-cigarette use") == "vaping"
    assert vocab.is_a("tobacco_use", "nicotine_use")
    assert vocab.is_a("vaping", "nicotine_use")
    assert not vocab.is_a("vaping", "tobacco_use")
    assert not vocab.is_a("nicotine_use", "tobacco_use")


def test_bare_hydrops_is_not_hydrops_fetalis() -> None:
    # "hydrops" alone is also endolymphatic (Ménière's) or gallbladder hydrops
    assert lookup_id("hydrops") is None
    assert lookup_id("fetal hydrops") == "hydrops_fetalis"


def test_uterine_cancer_holds_endometrial_cancer_and_uterine_sarcoma() -> None:
    vocab = VOCABULARY
    assert lookup_id("uterine cancer") == "uterine_cancer"
    assert vocab.is_a("endometrial_cancer", "uterine_cancer")
    assert vocab.is_a("uterine_sarcoma", "uterine_cancer")
    assert vocab.is_a("uterine_cancer", "gynecologic_cancer")
    assert not vocab.is_a("uterine_sarcoma", "endometrial_cancer")
    assert not vocab.is_a("cervical_cancer", "uterine_cancer")


def test_bladder_outlet_obstruction_is_not_urinary_retention() -> None:
    assert lookup_id("bladder outlet obstruction") == "bladder_outlet_obstruction"
    assert lookup_id("urinary retention") == "urinary_retention"
    assert not VOCABULARY.is_a("bladder_outlet_obstruction", "urinary_retention")


@pytest.mark.parametrize("abbreviation", ["CHB", "CLD", "AD", "PID", "GBS", "AAV", "TRD"])
def test_ambiguous_abbreviations_are_not_concepts(abbreviation: str) -> None:
    # CHB is also complete heart block, CLD chronic lung disease, AD atopic dermatitis, PID primary
    # immunodeficiency, GBS group B streptococcus, AAV adeno-associated virus: the capitals do not
    # tell them apart. (LN stays: the seed NCT03580291 writes "class III, IV … LN".)
    assert abbreviation not in {form for form, _, _ in VOCABULARY.surface_forms()}
    assert VOCABULARY.lookup(abbreviation) is None


def test_ms_stays_multiple_sclerosis() -> None:
    assert lookup_id("MS") == "multiple_sclerosis"


@pytest.mark.parametrize("melanoma", ["uveal_melanoma", "mucosal_melanoma"])
def test_a_melanoma_outside_the_skin_is_not_a_skin_cancer(melanoma: str) -> None:
    assert not VOCABULARY.is_a(melanoma, "skin_cancer")
    assert VOCABULARY.is_a(melanoma, "malignancy")


def test_bppv_is_an_inner_ear_disease_not_a_neurological_one() -> None:
    vocab = VOCABULARY
    for condition in ("bppv", "menieres_disease", "labyrinthitis"):
        assert not vocab.is_a(condition, "neurological_disease"), condition
        assert vocab.is_a(condition, "inner_ear_disease"), condition
        assert vocab.is_a(condition, "vestibular_disorder"), condition
    assert vocab.is_a("pppd", "neurological_disease")


@pytest.mark.parametrize(("finding", "organ_disease"), [("kidney_stones", "kidney_disease"), ("renal_cyst", "kidney_disease"),
                                                        ("liver_cyst", "liver_disease"),
                                                        ("hepatic_hemangioma", "liver_disease")])
def test_benign_incidental_findings_are_not_organ_disease(finding: str, organ_disease: str) -> None:
    # "history of renal disease" must not exclude a simple renal cyst
    assert not VOCABULARY.is_a(finding, organ_disease)


@pytest.mark.parametrize(
    ("name", "concept_id"),
    [
        ("peanut allergy", "peanut_allergy"),
        ("allergy to eggs", "egg_allergy"),
        ("soybean allergy", "soy_allergy"),
        ("fish allergy", "fish_allergy"),
        ("milk allergy", "cows_milk_protein_allergy"),
        ("radiation pneumonitis", "radiation_pneumonitis"),
        ("checkpoint inhibitor pneumonitis", "immune_related_pneumonitis"),
        ("LRTI", "lower_respiratory_tract_infection"),
        ("lactic acidosis", "lactic_acidosis"),
        ("XLH", "x_linked_hypophosphatemia"),
        ("MPS VI", "mps_vi"),
        ("Hunter syndrome", "mps_ii"),
        ("collagenous colitis", "collagenous_colitis"),
        ("chimeric antibodies", "chimeric_monoclonal_antibody"),
        ("humanized antibodies", "humanized_monoclonal_antibody"),
        ("fully human monoclonal antibody", "human_monoclonal_antibody"),
        ("GGO", "ground_glass_opacity"),
        ("iliac aneurysm", "iliac_artery_aneurysm"),
        ("anticipated difficult airway", "difficult_airway"),
    ],
)
def test_a_narrower_term_is_its_own_concept(name: str, concept_id: str) -> None:
    assert lookup_id(name) == concept_id


@pytest.mark.parametrize(
    ("narrow", "broad"),
    [
        ("peanut_allergy", "food_allergy"),
        ("shellfish_allergy", "food_allergy"),
        ("radiation_pneumonitis", "pneumonitis"),
        ("immune_related_pneumonitis", "drug_induced_pneumonitis"),
        ("pneumonia", "lower_respiratory_tract_infection"),
        ("community_acquired_pneumonia", "pneumonia"),
        ("lower_respiratory_tract_infection", "respiratory_infection"),
        ("lactic_acidosis", "metabolic_acidosis"),
        ("renal_tubular_acidosis", "kidney_disease"),
        ("x_linked_hypophosphatemia", "hypophosphatemia"),
        ("hurler_syndrome", "mps_i"),
        ("mps_vi", "mucopolysaccharidosis"),
        ("rituximab", "chimeric_monoclonal_antibody"),
        ("pembrolizumab", "humanized_monoclonal_antibody"),
        ("adalimumab", "human_monoclonal_antibody"),
        ("chimeric_monoclonal_antibody", "monoclonal_antibody"),
        ("ground_glass_nodule", "pulmonary_nodule"),
        ("difficult_intubation", "difficult_airway"),
        ("iliac_artery_aneurysm", "aneurysm"),
    ],
)
def test_narrower_concepts_keep_their_parent(narrow: str, broad: str) -> None:
    assert VOCABULARY.is_a(narrow, broad)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("peanut_allergy", "fish_allergy"),
        ("food_allergy", "peanut_allergy"),
        ("radiation_pneumonitis", "drug_induced_pneumonitis"),
        ("lower_respiratory_tract_infection", "pneumonia"),
        ("metabolic_acidosis", "lactic_acidosis"),
        ("mps_i", "mps_vi"),
        ("rituximab", "humanized_monoclonal_antibody"),
        ("nivolumab", "humanized_monoclonal_antibody"),
        ("pembrolizumab", "human_monoclonal_antibody"),
        ("monoclonal_antibody", "chimeric_monoclonal_antibody"),
        ("ground_glass_opacity", "pulmonary_nodule"),
    ],
)
def test_one_kind_is_not_its_sibling_or_its_parent(one: str, other: str) -> None:
    # an exclusion of one food allergy, one cause of pneumonitis or one kind of antibody must not
    # catch the patient who has another
    assert not VOCABULARY.is_a(one, other)


@pytest.mark.parametrize("abbreviation", ["CAP", "RTA"])
def test_ambiguous_abbreviations_dropped_from_split_concepts(abbreviation: str) -> None:
    # CAP is also the College of American Pathologists and a cervical cap; RTA a road traffic accident
    assert VOCABULARY.lookup(abbreviation) is None


def test_kinds_of_carcinoma_are_not_other_names_for_one_another() -> None:
    vocab = VOCABULARY
    assert lookup_id("squamous cell carcinoma") == "squamous_cell_carcinoma"
    assert not vocab.is_a("adenocarcinoma", "squamous_cell_carcinoma")
    assert vocab.is_a("cutaneous_squamous_cell_carcinoma", "squamous_cell_carcinoma")
    assert lookup_id("SCC") is None  # also spinal cord compression


def test_the_contraceptive_injection_is_a_contraceptive_not_a_cancer_treatment() -> None:
    vocab = VOCABULARY
    assert lookup_id("Depo-Provera") == "depot_medroxyprogesterone"
    assert vocab.is_a("depot_medroxyprogesterone", "hormonal_contraceptive")
    assert not vocab.is_a("depot_medroxyprogesterone", "hormonal_cancer_therapy")
