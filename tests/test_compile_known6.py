"""Known wrong-fail risks, round 6: criterion text → canonical rule, and the near misses that must
stay free text."""

import pytest

from screening.compile import compile_criterion
from screening.nodes import FreeText
from screening.printer import to_text


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
    compiled = compile_criterion(text, kind)
    assert not compiled.errors
    assert to_text(compiled.rule) == rule


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
    compiled = compile_criterion(text, kind)
    assert not compiled.errors
    assert to_text(compiled.rule) == rule


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
    compiled = compile_criterion(text, kind)
    assert not compiled.errors
    assert to_text(compiled.rule) == rule
