"""Known wrong-fail risks, round 6: what the evaluator makes of the readings for made-up patients."""

import pytest

from screening.logic import Truth

from made_up import outcome


# --- a drug a condition requires: given for it ------------------------------------------------------

SEIZURES_ON_ANTICONVULSANTS = "condition seizure and medication anticonvulsant [current] for (seizure)"


@pytest.mark.parametrize("indication, truth", [
    ("neuropathic pain", Truth.FALSE),  # gabapentin for pain is not a seizure treatment
    (None, Truth.UNKNOWN),              # not recorded: either
    ("seizures", Truth.TRUE),
])
def test_a_drug_counts_only_when_given_for_the_condition(indication, truth):
    gabapentin = {"name": "gabapentin", "start": "2025-01-01", **({"indication": indication} if indication else {})}
    patient = {"conditions": [{"name": "seizure", "onset": "2019-05-01"}, {"name": "neuropathic pain"}],
               "medications": [gabapentin], "complete": ["medications"]}
    assert outcome(SEIZURES_ON_ANTICONVULSANTS, "exclusion", **patient).truth is truth


@pytest.mark.parametrize("rule, indication, truth", [
    # a course recorded for the disease may have been for one of its exacerbations
    ("medication corticosteroid for (copd_exacerbation)", "COPD", Truth.UNKNOWN),
    ("medication corticosteroid for (copd_exacerbation)", "COPD exacerbation", Truth.TRUE),
    ("medication corticosteroid for (copd_exacerbation)", "rheumatoid arthritis", Truth.FALSE),
    # a course for a manifestation of a disease was for the disease
    ("medication corticosteroid for (autoimmune_disease)", "lupus nephritis", Truth.TRUE),
])
def test_what_the_course_was_for_through_the_vocabulary(rule, indication, truth):
    prednisone = {"name": "prednisone", "start": "2026-10-01", "indication": indication}
    assert outcome(rule, "exclusion", medications=[prednisone], complete=["medications"]).truth is truth


# --- a tumour is not always a cancer -----------------------------------------------------------------

@pytest.mark.parametrize("recorded, truth", [
    ("meningioma", Truth.FALSE),
    ("brain tumour", Truth.UNKNOWN),   # may be a meningioma or a glioma
    ("glioblastoma", Truth.TRUE),
    ("germ cell tumor", Truth.UNKNOWN),  # most of the ovary's are mature teratomas
    ("seminoma", Truth.TRUE),
    ("parotid tumor", Truth.UNKNOWN),
    ("adenoid cystic carcinoma", Truth.TRUE),
])
def test_a_tumour_is_a_malignancy_only_when_malignant(recorded, truth):
    patient = {"conditions": [{"name": recorded, "onset": "2024-01-01"}], "complete": ["conditions"]}
    assert outcome("condition malignancy", "exclusion", **patient).truth is truth


def test_a_meningioma_is_a_brain_tumour():
    patient = {"conditions": [{"name": "meningioma", "onset": "2024-01-01"}], "complete": ["conditions"]}
    assert outcome("condition brain_tumor", "exclusion", **patient).truth is Truth.TRUE


# --- a broad word and its narrow kind are two concepts -------------------------------------------------

@pytest.mark.parametrize("rule, recorded, truth", [
    # a record of the broad word may or may not be the narrow kind an exclusion names
    ("condition major_depressive_disorder", "depression", Truth.UNKNOWN),
    ("condition peripheral_artery_disease", "PVD", Truth.UNKNOWN),
    ("condition sle", "lupus", Truth.UNKNOWN),
    # one kind is not another
    ("condition incisional_hernia", "hiatal hernia", Truth.FALSE),
    ("condition incisional_hernia", "umbilical hernia", Truth.FALSE),
    ("condition hiatal_hernia", "inguinal hernia", Truth.FALSE),
    ("condition sle", "cutaneous lupus", Truth.FALSE),
    ("condition major_depressive_disorder", "dysthymia", Truth.FALSE),
    # and the broad word holds its kinds
    ("condition depression", "dysthymia", Truth.TRUE),
    ("condition depression", "MDD", Truth.TRUE),
    ("condition lupus", "cutaneous lupus", Truth.TRUE),
    ("condition lupus", "lupus nephritis", Truth.TRUE),
    ("condition peripheral_vascular_disease", "peripheral arterial disease", Truth.TRUE),
    ("condition hernia", "incisional hernia", Truth.TRUE),
])
def test_broad_words_and_narrow_kinds(rule, recorded, truth):
    patient = {"conditions": [{"name": recorded, "onset": "2020-01-01"}], "complete": ["conditions"]}
    assert outcome(rule, "exclusion", **patient).truth is truth


def test_one_hernia_repair_is_not_another():
    patient = {"procedures": [{"name": "umbilical hernia repair", "date": "2024-01-01"}], "complete": ["procedures"]}
    assert outcome("procedure incisional_hernia_repair [history]", "exclusion", **patient).truth is Truth.FALSE
    assert outcome("procedure hernia_repair [history]", "exclusion", **patient).truth is Truth.TRUE
