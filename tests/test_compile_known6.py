"""Known wrong-fail risks, round 6: criterion text → canonical rule, and the near misses that must
stay free text."""

import pytest

from screening.compile import compile_criterion
from screening.nodes import FreeText
from screening.printer import to_text


def reading(text: str, kind: str) -> str:
    """The canonical text of a criterion that compiles without errors."""
    compiled = compile_criterion(text, kind)
    assert not compiled.errors
    return to_text(compiled.rule)


@pytest.mark.parametrize("text, kind, rule", [
    # a drug a condition requires is the drug given for it, in what would exclude a patient…
    ("Seizures requiring anticonvulsants", "exclusion",
     "condition seizure and medication anticonvulsant [current] for (seizure)"),
    ("Diabetes requiring insulin", "exclusion",
     "condition diabetes_mellitus and medication insulin [current] for (diabetes_mellitus)"),
    ("Infection requiring systemic antibiotics within 2 weeks", "exclusion",
     "condition infection within 2 weeks before screening and "
     "medication antibiotic [systemic] for (infection) within 2 weeks before screening"),
    ("History of pneumonitis that required steroids", "exclusion",
     "condition pneumonitis [history] and medication corticosteroid [history] for (pneumonitis)"),
    ("No seizures requiring anticonvulsants", "inclusion",
     "not (condition seizure and medication anticonvulsant [current] for (seizure))"),
    # … while what a patient must have keeps any such drug (an indication recorded in other words
    # would fail the patient), as does what must be absent from an exclusion
    ("Seizures requiring anticonvulsants", "inclusion", "condition seizure and medication anticonvulsant [current]"),
    ("Absence of diabetes requiring insulin", "exclusion",
     "not (condition diabetes_mellitus and medication insulin [current])"),
    # a procedure is recorded for the organ's failure more than for the disease
    ("Renal failure requiring dialysis", "exclusion", "condition renal_failure and procedure dialysis [current]"),
])
def test_known_constructs(text, kind, rule):
    assert reading(text, kind) == rule


@pytest.mark.parametrize("text, kind", [
    ("Comorbidities requiring corticosteroids", "exclusion"),
])
def test_what_could_be_misread_stays_free_text(text, kind):
    assert isinstance(compile_criterion(text, kind).rule, FreeText)


# --- a tumour is not always a cancer -----------------------------------------------------------------

@pytest.mark.parametrize("text, kind, rule", [
    ("History of brain tumor", "exclusion", "condition brain_tumor [history]"),
    ("Primary malignant brain tumor", "inclusion", "condition malignant_brain_tumor"),
    ("Salivary gland tumor", "exclusion", "condition salivary_gland_tumor"),
    ("Germ cell tumor", "inclusion", "condition germ_cell_tumor"),
    # items under a heading of cancers are the malignant kind of each
    ("One of the following histologically confirmed solid tumors: Brain tumors; Neuroblastoma; Germ cell tumors",
     "inclusion", "condition malignant_brain_tumor or condition neuroblastoma or condition malignant_germ_cell_tumor"),
])
def test_tumours(text, kind, rule):
    assert reading(text, kind) == rule


# --- a broad word and its narrow kind are two concepts -------------------------------------------------

@pytest.mark.parametrize("text, kind, rule", [
    ("History of depression", "exclusion", "condition depression [history]"),
    ("Current major depression", "exclusion", "condition major_depressive_disorder [current]"),
    ("Peripheral vascular disease", "exclusion", "condition peripheral_vascular_disease"),
    ("PAD", "exclusion", "condition peripheral_artery_disease"),
    ("Lupus", "exclusion", "condition lupus"),
    ("Systemic lupus erythematosus", "inclusion", "condition sle"),
    ("Incisional hernia", "exclusion", "condition incisional_hernia"),
    ("Paraesophageal hernia", "exclusion", "condition paraesophageal_hernia"),
    ("Prior inguinal hernia repair", "exclusion", "procedure inguinal_hernia_repair [history]"),
])
def test_broad_words_and_narrow_kinds(text, kind, rule):
    assert reading(text, kind) == rule


# --- a qualifier written on an item inside a list stays on it ------------------------------------------

@pytest.mark.parametrize("text, kind, rule", [
    # (and, joined by bare commas in an exclusion, each item excludes: the qualifier on one does not
    # make the list one case that needs all three)
    ("Within 6 months: MI, symptomatic CHF, CVA", "exclusion",
     "condition myocardial_infarction within 6 months before screening or condition heart_failure [symptomatic] "
     "within 6 months before screening or condition stroke within 6 months before screening"),
    ("MI, symptomatic CHF, CVA", "exclusion",
     "condition myocardial_infarction or condition heart_failure [symptomatic] or condition stroke"),
    # one written before the list reaches every item
    ("Severe or uncontrolled asthma, COPD or emphysema", "exclusion",
     "(condition asthma [severe] or condition asthma [uncontrolled]) or (condition copd [severe] or condition copd "
     "[uncontrolled]) or (condition emphysema [severe] or condition emphysema [uncontrolled])"),
    # an item named by its tail alone shares what the one before it was said with
    ("History of HIV infection or chronic hepatitis B or C", "exclusion",
     "condition hiv_infection [history] or condition hepatitis_b [chronic] or condition hepatitis_c [chronic]"),
    # "uncontrolled hypertension or diabetes": of both or of one? an exclusion reads it of both,
    # an inclusion of the one it is written on (either way the reading can only decide fewer)
    ("MI, uncontrolled hypertension or diabetes", "exclusion",
     "condition myocardial_infarction or condition hypertension [uncontrolled] or "
     "condition diabetes_mellitus [uncontrolled]"),
    ("MI, uncontrolled hypertension or diabetes", "inclusion",
     "condition myocardial_infarction or condition hypertension [uncontrolled] or condition diabetes_mellitus"),
])
def test_qualifiers_inside_a_list(text, kind, rule):
    assert reading(text, kind) == rule


# --- letters of two scores, read from the sentence's other names ---------------------------------------

@pytest.mark.parametrize("text, kind, rule", [
    ("Crohn's disease with CDAI between 220 and 450", "inclusion",
     "condition crohns_disease and (crohns_disease_activity_index >= 220 and crohns_disease_activity_index <= 450)"),
    ("Rheumatoid arthritis with CDAI > 10", "inclusion", "condition rheumatoid_arthritis and cdai_ra > 10"),
    ("BPH with IPSS ≥ 13", "inclusion", "condition benign_prostatic_hyperplasia and ipss_prostate >= 13"),
])
def test_ambiguous_score_letters(text, kind, rule):
    assert reading(text, kind) == rule


@pytest.mark.parametrize("text, kind", [
    ("CDAI > 220", "inclusion"),      # which index, the sentence does not say
    ("cdai > 220", "inclusion"),
    ("IPSS ≥ 13", "inclusion"),
    ("MDS with IPSS intermediate-2 or high risk", "inclusion"),  # the prognostic scoring system
    # "capped at" may bound a value or only the number a formula uses ("CrCl capped at 125 mL/min")
    ("The MELD score for enrollment will be capped at 16.", "inclusion"),
    # cycles of a treatment are not lines of it, and a profile does not count them
    ("Received at least 2 prior cycles of chemotherapy", "inclusion"),
])
def test_what_stays_words_round6(text, kind):
    assert isinstance(compile_criterion(text, kind).rule, FreeText)
