"""How a condition is qualified: its stage, where it is, what it comes with or from. What is read,
what stays words, and how a profile decides (never a fail on a qualifier it does not record)."""

import pytest

from screening.compile import compile_criterion, parse_rule
from screening.evaluate import Context, evaluate
from screening.logic import Truth
from screening.patient import patient_from_mapping
from screening.printer import to_text

from made_up import AS_OF, outcome


def finding(name: str, value: str) -> dict:
    return {"name": name, "value": value, "date": "2026-11-01"}


@pytest.mark.parametrize("rule, recorded, truth", [
    # a substage is in its stage: stage IIIB is stage III
    ("tumor_stage in {III, IV}", "IIIB", Truth.TRUE),
    ("tumor_stage in {III, IV}", "IVA", Truth.TRUE),
    ("tumor_stage in {III, IV}", "IIB", Truth.FALSE),
    ("figo_stage in {III, IV}", "IIIC", Truth.TRUE),
    ("hcv_genotype in {1}", "1a", Truth.TRUE),
    # a stage without its substage may or may not be the substage asked
    ("tumor_stage in {IIIB, IV}", "III", Truth.UNKNOWN),
    ("tumor_stage in {IIIB, IV}", "IIIB", Truth.TRUE),
    ("tumor_stage in {IIIB, IV}", "IIIA", Truth.FALSE),
    ("tumor_stage in {IIIB, IV}", "II", Truth.FALSE),
    ("hcv_genotype in {1a}", "1", Truth.UNKNOWN),
])
def test_a_substage_counts_as_its_stage(rule, recorded, truth):
    concept = rule.split()[0].replace("_", " ")
    assert outcome(rule, labs=[finding(concept, recorded)]).truth is truth


@pytest.mark.parametrize("text, kind, rule", [
    # a bare "stage" right before a cancer is that cancer's staging
    ("Stage IIIB or IV non-small cell lung cancer", "inclusion", "condition nsclc and tumor_stage in {IIIB, IV}"),
    ("Histologically confirmed stage IV NSCLC", "inclusion", "condition nsclc and tumor_stage in {IV}"),
    ("stage I-III breast cancer", "inclusion", "condition breast_cancer and tumor_stage in {I, II, III}"),
    ("stage IIIA, IIIB or IIIC melanoma", "inclusion", "condition melanoma and tumor_stage in {IIIA, IIIB, IIIC}"),
    ("Stage III–IV ovarian cancer", "inclusion", "condition ovarian_cancer and figo_stage in {III, IV}"),
    # a range to a substage holds the substages between, not all of the last stage
    ("Stage IIIB-IVA cervical cancer", "inclusion", "condition cervical_cancer and figo_stage in {IIIB, IIIC, IVA}"),
    ("Stage III or IV follicular lymphoma", "inclusion",
     "condition follicular_lymphoma and ann_arbor_stage in {III, IV}"),
    ("History of stage III or IV breast cancer", "exclusion", "condition breast_cancer and tumor_stage in {III, IV}"),
    # in either eye is having it; in the study eye is kept in words beside it
    ("Neovascular age-related macular degeneration in either eye", "exclusion", "condition neovascular_amd"),
    ("Active intraocular inflammation in one or both eyes", "exclusion", "condition uveitis [active]"),
    ("Uncontrolled glaucoma in the study eye", "exclusion",
     'condition glaucoma [uncontrolled] and text "in the study eye"'),
    ("Macular edema in the study eye", "inclusion", 'condition macular_edema and text "in the study eye"'),
    ("Cataract surgery in the study eye within 3 months", "exclusion",
     'procedure cataract_surgery within 3 months before screening and text "in the study eye"'),
    ("No macular edema in the study eye", "inclusion", 'not (condition macular_edema and text "in the study eye")'),
    # what a condition comes from: both are asked, and the words that link them kept
    ("Macular edema secondary to branch retinal vein occlusion", "inclusion",
     'condition macular_edema and condition branch_retinal_vein_occlusion and text "secondary to branch retinal vein '
     'occlusion"'),
    ("Neutropenia due to chemotherapy", "exclusion",
     'condition neutropenia and medication chemotherapy and text "due to chemotherapy"'),
    ("Pneumonitis related to prior immunotherapy", "exclusion",
     'condition pneumonitis and medication cancer_immunotherapy [history] and text "related to prior immunotherapy"'),
    ("Stroke due to atrial fibrillation within 6 months", "exclusion",
     'condition stroke within 6 months before screening and condition atrial_fibrillation and text "due to atrial '
     'fibrillation"'),
    # how long a disease has been over: one that went on within that time counts
    ("Prior malignancy unless in remission for ≥ 5 years", "exclusion",
     "condition malignancy [history] within 5 years before screening"),
    ("History of another malignancy, unless disease-free for at least 5 years", "exclusion",
     "condition malignancy [history, other] within 5 years before screening"),
    ("Prior malignancy (unless disease-free for ≥ 3 years)", "exclusion",
     "condition malignancy [history] within 3 years before screening"),
    ("Prior malignancy except basal cell carcinoma, unless disease-free for at least 5 years", "exclusion",
     "condition malignancy [history] except (basal_cell_carcinoma) within 5 years before screening"),
    # of any cause is having it; qualifiers in parentheses after it are its own
    ("Chronic liver disease of any etiology", "exclusion", "condition liver_disease [chronic]"),
    ("Diagnosis of neovascular (wet) age-related macular degeneration", "inclusion", "condition neovascular_amd"),
    # the complications of diabetes are a class of its manifestations; examples broader than the
    # class name its members loosely, and an exclusion reads the class
    ("Diabetic complications", "exclusion", "condition diabetic_complication"),
    ("History of complications of diabetes", "exclusion", "condition diabetic_complication [history]"),
    ("Diabetic complications such as retinopathy, neuropathy or nephropathy", "exclusion",
     "condition diabetic_complication"),
    ("Diabetic complications such as retinopathy, neuropathy or nephropathy", "inclusion",
     "condition diabetic_complication or condition retinal_disease or condition peripheral_neuropathy or "
     "condition kidney_disease"),
    # (not after a class of other members: "including lymphoproliferative disorders" adds them)
    ("Presence or history of malignancy, including lymphoproliferative disorders", "exclusion",
     "condition malignancy [history] or condition lymphoproliferative_disorder [history]"),
    ("Alcohol use disorder (moderate or severe) within the past 12 months", "exclusion",
     "condition alcohol_use_disorder [moderate] within 12 months before screening or condition alcohol_use_disorder "
     "[severe] within 12 months before screening"),
])
def test_conditions_read(text, kind, rule):
    compiled = compile_criterion(text, kind)
    assert to_text(compiled.rule) == rule
    assert parse_rule(rule) == compiled.rule


STAYS_FREE_TEXT = [
    # whose staging a bare "stage" is, is not said: not a cancer, or a cancer staged several ways
    ("Stage 2 hypertension", "exclusion"),
    ("Stage III multiple myeloma", "inclusion"),
    ("Stage IV disease", "exclusion"),
    # a qualifier of the staged cancer, which the stage beside it would leave out
    ("Active stage IV melanoma", "exclusion"),
    ("Newly diagnosed stage IV NSCLC", "exclusion"),
    # a site said once after a list: of the last item, or of each?
    ("Glaucoma or ocular hypertension in the study eye", "exclusion"),
    # a cause of a limit, of one item of a list, or a list of causes; a bare "with" that a patient
    # must have (the list may offer groups: "major BVO with neovascularization")
    ("ALT > 3 x ULN due to liver metastases", "exclusion"),
    ("Heart failure related to cardiomyopathy or valvular disease", "exclusion"),
    ("Neutropenia or fever due to chemotherapy", "exclusion"),
    ("Cirrhosis with ascites", "inclusion"),
    # a remission shorter than a time, or of a list
    ("Prior malignancy unless in remission for less than 5 years", "exclusion"),
    ("Malignancy in complete remission for less than 5 years", "exclusion"),
    ("Malignancy or lymphoma unless in remission for at least 5 years", "exclusion"),
    # qualifiers in parentheses before a list goes on, or listed with commas
    ("Heart failure (acute) or MI", "exclusion"),
]


@pytest.mark.parametrize("text, kind", STAYS_FREE_TEXT)
def test_what_could_be_misread_stays_free_text(text, kind):
    assert to_text(compile_criterion(text, kind).rule).startswith('text "')


@pytest.mark.parametrize("conditions, truth", [
    ([], Truth.FALSE),                                                     # none: not excluded
    ([{"name": "glaucoma", "controlled": True}], Truth.FALSE),             # controlled: not excluded
    ([{"name": "glaucoma", "controlled": False}], Truth.UNKNOWN),          # which eye? a coordinator says
])
def test_a_site_the_profile_does_not_record_never_fails(conditions, truth):
    rule = compile_criterion("Uncontrolled glaucoma in the study eye", "exclusion").rule
    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), "conditions": conditions,
                                    "complete": ["conditions"]})
    assert evaluate(rule, Context(patient=patient, as_of=AS_OF)).truth is truth


# A subtype is its own concept under its parent, never a synonym of it: read as the parent, an
# exclusion of one kind would exclude a patient with another.
@pytest.mark.parametrize("text, rule, other_kind", [
    ("History of herpetic keratitis", "condition herpetic_keratitis [history]", "neurotrophic keratitis"),
    ("History of bacterial meningitis", "condition bacterial_meningitis [history]", "viral meningitis"),
    ("Viral encephalitis", "condition viral_encephalitis", "anti-NMDA receptor encephalitis"),
    ("Central diabetes insipidus", "condition central_diabetes_insipidus", "nephrogenic diabetes insipidus"),
    ("Invasive aspergillosis", "condition invasive_aspergillosis", "allergic bronchopulmonary aspergillosis"),
    ("Hereditary ataxia", "condition hereditary_ataxia", "cerebellar ataxia"),
    ("Diabetic gastroparesis", "condition diabetic_gastroparesis", "gastroparesis"),
    ("Erosive esophagitis", "condition erosive_esophagitis", "eosinophilic esophagitis"),
    ("Generalized edema", "condition generalized_edema", "peripheral edema"),
    ("Malignant spinal cord compression", "condition malignant_spinal_cord_compression", "spinal cord compression"),
    ("Central retinal artery occlusion", "condition central_retinal_artery_occlusion",
     "branch retinal artery occlusion"),
    ("Dengue hemorrhagic fever", "condition dengue_hemorrhagic_fever", "dengue fever"),
    ("Center-involved diabetic macular edema", "condition center_involved_dme", "diabetic macular edema"),
])
def test_a_subtype_excludes_no_patient_with_another_kind(text, rule, other_kind):
    compiled = compile_criterion(text, "exclusion")
    assert to_text(compiled.rule) == rule
    other = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), "complete": ["conditions"],
                                  "conditions": [{"name": other_kind, "onset": "2020-01-01"}]})
    # another kind is not it; the parent recorded alone may be it
    assert evaluate(compiled.rule, Context(patient=other, as_of=AS_OF)).truth is not Truth.TRUE


def test_a_subtype_is_its_parent_and_a_manifestation_its_disease():
    assert outcome("condition keratitis", conditions=[{"name": "herpetic keratitis"}]).truth is Truth.TRUE
    assert outcome("condition bacterial_infection", conditions=[{"name": "bacterial meningitis"}]).truth is Truth.TRUE
    assert outcome("condition diabetes_mellitus", conditions=[{"name": "diabetic gastroparesis"}]).truth is Truth.TRUE
    assert outcome("condition metastatic_disease",
                   conditions=[{"name": "malignant pleural effusion"}]).truth is Truth.TRUE
    # recorded by the parent's name only: it may or may not be the subtype
    assert outcome("condition bacterial_meningitis", conditions=[{"name": "meningitis"}]).truth is Truth.UNKNOWN


@pytest.mark.parametrize("kind, conditions, truth", [
    # an inclusion fails only the patient who lacks either; both present waits for a coordinator
    ("inclusion", [{"name": "macular edema"}], Truth.FALSE),
    ("inclusion", [{"name": "macular edema"}, {"name": "BRVO"}], Truth.UNKNOWN),
    # an exclusion never holds for the words alone
    ("exclusion", [{"name": "macular edema"}, {"name": "BRVO"}], Truth.UNKNOWN),
    ("exclusion", [{"name": "BRVO"}], Truth.FALSE),
])
def test_a_cause_the_profile_does_not_record_never_decides_against_the_patient(kind, conditions, truth):
    rule = compile_criterion("Macular edema secondary to branch retinal vein occlusion", kind).rule
    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), "conditions": conditions,
                                    "complete": ["conditions"]})
    assert evaluate(rule, Context(patient=patient, as_of=AS_OF)).truth is truth


@pytest.mark.parametrize("conditions, truth", [
    ([{"name": "brain metastases"}], Truth.TRUE),
    ([{"name": "leptomeningeal carcinomatosis"}], Truth.TRUE),
    ([{"name": "primary CNS lymphoma"}], Truth.TRUE),
    ([{"name": "multiple sclerosis"}], Truth.FALSE),  # a disease of the CNS is no cancer in it
])
def test_cns_involvement_is_the_cancer_in_the_cns(conditions, truth):
    rule = compile_criterion("Known CNS involvement", "exclusion").rule
    assert to_text(rule) == "condition cns_involvement"
    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), "conditions": conditions,
                                    "complete": ["conditions"]})
    assert evaluate(rule, Context(patient=patient, as_of=AS_OF)).truth is truth


@pytest.mark.parametrize("cancer, truth", [
    ({"name": "breast cancer", "onset": "2015-01-01", "end": "2018-06-01"}, Truth.FALSE),  # over for 8 years
    ({"name": "breast cancer", "onset": "2015-01-01", "end": "2023-06-01"}, Truth.TRUE),   # over for 3 years
    ({"name": "breast cancer", "onset": "2024-01-01"}, Truth.TRUE),                        # going on
    # in remission, since when not recorded: the words are what a coordinator settles
    ({"name": "breast cancer", "onset": "2005-01-01", "note": "in complete remission"}, Truth.UNKNOWN),
    # diagnosed within the five years: in remission or not, it went on in them
    ({"name": "breast cancer", "onset": "2024-01-01", "note": "in remission"}, Truth.TRUE),
])
def test_in_remission_for_five_years(cancer, truth):
    rule = compile_criterion("Prior malignancy unless in remission for ≥ 5 years", "exclusion").rule
    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), "conditions": [cancer],
                                    "complete": ["conditions"]})
    assert evaluate(rule, Context(patient=patient, as_of=AS_OF)).truth is truth


def test_a_registry_condition_in_mesh_words_is_the_trials_disease():
    # "Colonic Neoplasms" is colon cancer, so "other malignancies" are the others
    from screening.compile import compile_trial, trial_concepts
    from screening.trial import Criterion, Trial

    trial = Trial(nct_id="NCT09999991", conditions=("Colonic Neoplasms",),
                  criteria=(Criterion(id="E1", kind="exclusion", text="Other preexisting malignancies"),))
    assert trial_concepts(trial) == ("colon_cancer",)
    assert to_text(compile_trial(trial).rules["E1"]).startswith("condition malignancy except (colon_cancer")


@pytest.mark.parametrize("name, truth", [
    ("diabetic retinopathy", Truth.TRUE),
    ("proliferative diabetic retinopathy", Truth.TRUE),
    ("diabetic nephropathy", Truth.TRUE),
    ("retinal detachment", Truth.FALSE),  # a diabetic's other eye disease is no complication of diabetes
    ("chemotherapy-induced peripheral neuropathy", Truth.FALSE),
])
def test_diabetic_complications_are_what_diabetes_does(name, truth):
    rule = compile_criterion("Diabetic complications such as retinopathy, neuropathy or nephropathy", "exclusion").rule
    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), "complete": ["conditions"],
                                    "conditions": [{"name": "type 2 diabetes"}, {"name": name, "onset": "2024-01-01"}]})
    assert evaluate(rule, Context(patient=patient, as_of=AS_OF)).truth is truth


def test_chronic_prostatitis_is_a_pelvic_pain_syndrome_but_not_every_one_is_prostatitis():
    assert outcome("condition pelvic_pain", conditions=[{"name": "CP/CPPS"}]).truth is Truth.TRUE
    # pelvic pain may be a man's chronic prostatitis, or a woman's pelvic pain: which is not said
    assert outcome("condition prostatitis", conditions=[{"name": "pelvic pain"}],
                   complete=["conditions"]).truth is Truth.UNKNOWN
