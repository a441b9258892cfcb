"""The vocabulary audited for wrong fails: a subtype is a concept of its own with an is-a link to
its parent, never a synonym of it, so an exclusion of the subtype does not fail a patient who has
another kind (criterion text → canonical rule, and made-up patients through the evaluator)."""

from datetime import date

import pytest

from screening.compile import compile_criterion
from screening.evaluate import Context, evaluate
from screening.logic import Truth
from screening.patient import patient_from_mapping
from screening.printer import to_text

AS_OF = date(2026, 11, 20)


def screened(text: str, kind: str, **profile) -> Truth:
    """The truth of a criterion's statement for a made-up patient."""
    patient = patient_from_mapping({"id": "P", "as_of": AS_OF.isoformat(), **profile})
    return evaluate(compile_criterion(text, kind).rule, Context(patient=patient, as_of=AS_OF)).truth


def conditions(*names: str) -> dict:
    """A complete problem list holding these conditions only."""
    return {"complete": ["conditions"], "conditions": [{"name": n} for n in names]}


def procedures(*names: str) -> dict:
    """A complete list of procedures, each done in 2020."""
    return {"complete": ["procedures"], "procedures": [{"name": n, "date": "2020-01-01"} for n in names]}


@pytest.mark.parametrize("text, kind, rule", [
    ("History of chronic heart failure", "exclusion", "condition chronic_heart_failure [history]"),
    ("Essential hypertension", "inclusion", "condition essential_hypertension"),
    ("Active invasive fungal infection", "exclusion", "condition invasive_fungal_infection [active]"),
    ("Active genital herpes", "exclusion", "condition genital_herpes [active]"),
    ("Genital warts", "exclusion", "condition genital_warts"),
    ("Pulmonary tuberculosis", "exclusion", "condition pulmonary_tuberculosis"),
    ("Thalassemia major", "exclusion", "condition thalassemia_major"),
    ("mCRPC", "inclusion", "condition metastatic_crpc"),
    ("Pseudoexfoliation glaucoma", "exclusion", "condition pseudoexfoliation_glaucoma"),
    ("Primary open-angle glaucoma", "inclusion", "condition poag"),
    ("Narrow angles", "exclusion", "condition narrow_anterior_chamber_angle"),
    ("Heavy menstrual bleeding", "inclusion", "condition heavy_menstrual_bleeding"),
    ("Postmenopausal bleeding", "exclusion", "condition postmenopausal_bleeding"),
    ("Pulmonary fibrosis", "exclusion", "condition pulmonary_fibrosis"),
    ("Hereditary thrombophilia", "exclusion", "condition hereditary_thrombophilia"),
    ("Idiopathic hypersomnia", "exclusion", "condition idiopathic_hypersomnia"),
    ("Primary psychotic disorder", "exclusion", "condition primary_psychotic_disorder"),
    ("Systemic vasculitis", "exclusion", "condition systemic_vasculitis"),
    ("Eczema", "exclusion", "condition eczema"),
    ("Myositis", "exclusion", "condition myositis"),
    ("Alopecia universalis", "inclusion", "condition alopecia_universalis"),
    ("Pemphigus vulgaris", "inclusion", "condition pemphigus_vulgaris"),
    ("Seropositive rheumatoid arthritis", "inclusion", "condition seropositive_rheumatoid_arthritis"),
    ("Prior total gastrectomy", "exclusion", "procedure total_gastrectomy [history]"),
    ("Prior total thyroidectomy", "inclusion", "procedure total_thyroidectomy [history]"),
    ("Prior upper GI surgery", "exclusion", "procedure upper_gi_surgery [history]"),
    ("Prior distal pancreatectomy", "exclusion", "procedure distal_pancreatectomy [history]"),
    ("Prior pulmonary vein isolation", "exclusion", "procedure pulmonary_vein_isolation [history]"),
    ("Planned invasive dental procedure", "exclusion", "procedure invasive_dental_procedure [planned]"),
    ("Active implantable medical device", "exclusion", "procedure active_implanted_device"),
    ("Gross total resection", "inclusion", "procedure gross_total_resection"),
    ("Live viral vaccine within 30 days", "exclusion",
     "vaccination live_viral_vaccine within 30 days before screening"),
    ("History of CNS disease", "exclusion", "condition cns_disease [history]"),
    ("Cutaneous melanoma", "inclusion", "condition cutaneous_melanoma"),
    ("Elevated blood pressure", "exclusion", 'text "Elevated blood pressure"'),
])
def test_a_subtype_reads_as_itself_not_its_parent(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


# (exclusion text, a patient with another kind of the parent, whom it must not exclude)
OTHER_KIND_NOT_EXCLUDED = [
    ("Active invasive fungal infection", conditions("onychomycosis")),
    ("Active invasive fungal infection", conditions("tinea pedis")),
    ("Active genital herpes", conditions("cold sores")),
    ("Genital warts", conditions("cervical intraepithelial neoplasia", "HPV infection")),
    ("Pulmonary tuberculosis", conditions("extrapulmonary tuberculosis")),
    ("History of PML", conditions("JC virus infection")),
    ("Thalassemia major", conditions("alpha thalassemia")),
    ("Pseudoexfoliation glaucoma", conditions("primary open-angle glaucoma")),
    ("Normal-tension glaucoma", conditions("pseudoexfoliation glaucoma")),
    ("Angle-closure glaucoma", conditions("narrow angles")),
    ("Heavy menstrual bleeding", conditions("postmenopausal bleeding")),
    ("Postmenopausal bleeding", conditions("menorrhagia")),
    ("Pulmonary fibrosis", conditions("organizing pneumonia")),
    ("Hereditary thrombophilia", conditions("antiphospholipid syndrome")),
    ("Primary psychotic disorder", conditions("postpartum psychosis")),
    ("Idiopathic hypersomnia", conditions("narcolepsy")),
    ("Systemic vasculitis", conditions("vasculitis")),
    ("Atopic dermatitis", conditions("allergic contact dermatitis")),
    ("Pemphigus vulgaris", conditions("pemphigus foliaceus")),
    ("Seronegative rheumatoid arthritis", conditions("seropositive rheumatoid arthritis")),
    ("Pulmonary sarcoidosis", conditions("cardiac sarcoidosis")),
    ("Strongyloidiasis", conditions("helminth infection")),
    ("Infectious mononucleosis", conditions("EBV infection")),
    ("Prior total gastrectomy", procedures("partial gastrectomy")),
    ("Prior total thyroidectomy", procedures("hemithyroidectomy")),
    ("Prior distal pancreatectomy", procedures("Whipple procedure")),
    ("Prior upper GI surgery", procedures("appendectomy")),
    ("Prior upper GI surgery", procedures("hemicolectomy")),
    ("Prior total colectomy", procedures("right hemicolectomy")),
    ("Prior pulmonary vein isolation", procedures("catheter ablation")),
    ("Planned invasive dental procedure", procedures("orthodontic treatment")),
    ("Active implantable medical device", procedures("breast implant")),
    ("Gross total resection", procedures("subtotal resection")),
    ("Cutaneous melanoma", conditions("uveal melanoma")),
    ("History of skin cancer", conditions("uveal melanoma")),
    # "elevated blood pressure" (120-129 mmHg) is not hypertension; "overlap syndrome" may be
    # asthma-COPD or autoimmune hepatitis-PBC overlap, not mixed connective tissue disease
    ("Hypertension", conditions("elevated blood pressure")),
    ("Mixed connective tissue disease", conditions("overlap syndrome")),
    ("Bowel obstruction", conditions("ileus")),
    ("Peripheral artery disease", conditions("claudication")),
    ("Oligodendroglioma", conditions("glioblastoma")),
    ("Leiomyosarcoma", conditions("liposarcoma")),
    ("Conduct disorder", conditions("oppositional defiant disorder")),
    ("Blepharospasm", conditions("cervical dystonia")),
    ("Adrenoleukodystrophy", conditions("Krabbe disease")),
    ("Tourette syndrome", conditions("chronic tic disorder")),
    ("Hypereosinophilia", conditions("eosinophilia")),
    ("Pancytopenia", conditions("bicytopenia")),
    ("Systemic mastocytosis", conditions("cutaneous mastocytosis")),
    ("Indolent systemic mastocytosis", conditions("systemic mastocytosis")),
    # the central nervous system is the brain and spinal cord
    ("History of CNS disease", conditions("carpal tunnel syndrome")),
    ("History of CNS disease", conditions("myasthenia gravis")),
    ("History of CNS disease", conditions("peripheral neuropathy")),
    ("Live viral vaccine within 30 days",
     {"complete": ["vaccinations"], "vaccinations": [{"name": "BCG vaccine", "date": "2026-11-01"}]}),
    ("Live viral vaccine within 30 days",
     {"complete": ["vaccinations"], "vaccinations": [{"name": "oral typhoid vaccine", "date": "2026-11-01"}]}),
]


@pytest.mark.parametrize("text, profile", OTHER_KIND_NOT_EXCLUDED)
def test_an_exclusion_of_one_kind_does_not_exclude_a_patient_with_another(text, profile):
    assert screened(text, "exclusion", **profile) is not Truth.TRUE


@pytest.mark.parametrize("text, profile", [
    ("Active invasive fungal infection", conditions("invasive aspergillosis")),
    ("Active invasive fungal infection", conditions("mucormycosis")),
    ("Hereditary thrombophilia", conditions("factor V Leiden")),
    ("Primary psychotic disorder", conditions("schizophrenia")),
    ("Systemic vasculitis", conditions("giant cell arteritis")),
    ("Eczema", conditions("atopic dermatitis")),
    ("Myositis", conditions("dermatomyositis")),
    ("Pulmonary fibrosis", conditions("idiopathic pulmonary fibrosis")),
    ("Narrow angles", conditions("angle-closure glaucoma")),
    ("History of heart failure", conditions("chronic heart failure")),
    ("Hypertension", conditions("essential hypertension")),
    ("Prior upper GI surgery", procedures("total gastrectomy")),
    ("Prior upper GI surgery", procedures("esophagectomy")),
    ("Planned invasive dental procedure",
     {"complete": ["procedures"], "procedures": [{"name": "tooth extraction", "planned": True}]}),
    ("Active implantable medical device",
     {"complete": ["procedures"], "procedures": [{"name": "spinal cord stimulator", "date": "2026-11-15"}]}),
    ("History of skin cancer", conditions("acral melanoma")),
    ("History of melanoma", conditions("uveal melanoma")),
    ("Hyperglycemic crisis", conditions("diabetic ketoacidosis")),
    ("Active invasive fungal infection", conditions("candidemia")),
    ("Systemic amyloidosis", conditions("AL amyloidosis")),
    ("Dystonia", conditions("blepharospasm")),
    ("History of CNS disease", conditions("epilepsy")),
    ("History of CNS disease", conditions("multiple sclerosis")),
    ("History of CNS disease", conditions("Parkinson's disease")),
    ("History of CNS disease", {"conditions": [{"name": "ischemic stroke", "onset": "2020-01-01"}]}),
    ("Live vaccine within 30 days",
     {"complete": ["vaccinations"], "vaccinations": [{"name": "BCG vaccine", "date": "2026-11-01"}]}),
    ("Live viral vaccine within 30 days",
     {"complete": ["vaccinations"], "vaccinations": [{"name": "MMR vaccine", "date": "2026-11-01"}]}),
])
def test_the_subtype_and_its_own_kinds_still_meet_it(text, profile):
    assert screened(text, "exclusion", **profile) is Truth.TRUE


@pytest.mark.parametrize("text, profile", [
    ("Chronic heart failure", conditions("heart failure")),
    ("Thalassemia major", conditions("beta thalassemia")),
    ("Metastatic castration-resistant prostate cancer", conditions("castration-resistant prostate cancer")),
    ("Genital herpes", conditions("herpes simplex")),
    ("Prior total gastrectomy", procedures("gastrectomy")),
    ("History of skin cancer", conditions("melanoma")),
    ("History of agranulocytosis", conditions("neutropenia")),
    ("Treatment-resistant depression", conditions("major depressive disorder")),
    ("End-stage renal disease", conditions("kidney failure")),
    ("Bladder cancer", conditions("transitional cell carcinoma")),
    ("History of hepatocellular carcinoma", conditions("liver cancer")),
    ("X-linked agammaglobulinemia", conditions("hypogammaglobulinemia")),
    ("Small bowel obstruction", conditions("bowel obstruction")),
    ("History of DKA or HHS", conditions("hyperglycemia")),
    ("Pernicious anemia", conditions("vitamin B12 deficiency")),
    ("Panhypopituitarism", conditions("hypopituitarism")),
    ("Systemic amyloidosis", conditions("amyloidosis")),
])
def test_a_record_of_the_parent_only_leaves_the_subtype_unknown(text, profile):
    assert screened(text, "exclusion", **profile) is Truth.UNKNOWN



@pytest.mark.parametrize("text", [
    # letters after words the vocabulary does not know abbreviate those words; read as the
    # vocabulary's own meaning of the letters, a history of pulmonary embolism excluded the patient
    "Abnormal physical exam (PE)",
    "Abnormal mental status (MS)",
])
def test_an_abbreviation_of_unknown_words_stays_free_text(text):
    assert to_text(compile_criterion(text, "exclusion").rule) == f'text "{text}"'


def test_multiple_sclerosis_is_not_an_abnormal_mental_status():
    profile = {"conditions": [{"name": "multiple sclerosis", "onset": "2019-01-01"}]}
    assert screened("Abnormal mental status (MS)", "exclusion", **profile) is Truth.UNKNOWN


def test_an_example_narrowed_by_words_the_reading_drops_stays_free_text():
    """An example outside the class it illustrates is read as an alternative; without its
    "systemic" it would exclude a patient with athlete's foot."""
    text = "Opportunistic infection (e.g. systemic fungal infection)"
    assert to_text(compile_criterion(text, "exclusion").rule) == f'text "{text}"'
    assert screened(text, "exclusion", **conditions("tinea pedis")) is not Truth.TRUE
    # an example with no such words is still read
    assert to_text(compile_criterion("Opportunistic infection (e.g. fungal infection)", "exclusion").rule) \
        == "condition opportunistic_infection or condition fungal_infection"
