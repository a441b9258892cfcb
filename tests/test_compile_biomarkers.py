"""Tumour biomarkers as results (any mutation of a gene, wild-type, a result named with its
disease) and the targeted drug classes that are not one another."""

import pytest

from screening.compile import compile_criterion
from screening.logic import Truth
from screening.nodes import is_structured
from screening.printer import to_text

from made_up import outcome


@pytest.mark.parametrize("text, kind, rule", [
    ("KRAS wild-type", "inclusion", "kras_mutation in {negative}"),
    ("KRAS-mutant tumour", "inclusion", "kras_mutation in {positive} and condition neoplasm"),
    ("RAS wild-type metastatic colorectal cancer", "inclusion",
     "ras_mutation in {negative} and condition colorectal_cancer [metastatic]"),
    ("ALK-negative", "inclusion", "alk_rearrangement in {negative}"),
    ("IDH wild-type glioblastoma", "inclusion", "idh_mutation in {negative} and condition glioblastoma"),
    ("Tumor with MET exon 14 skipping mutation", "inclusion", "met_exon14_skipping in {positive}"),
    ("MGMT promoter methylation", "inclusion", "mgmt_methylation in {positive}"),
    ("TMB-H", "inclusion", "tmb_high in {positive}"),
    ("Activating HER2 mutation", "inclusion", "erbb2_mutation in {positive}"),
    # a result named before its disease, the test's own words saying what was found
    ("BRAF V600E-mutant melanoma", "inclusion", "braf_v600e_mutation in {positive} and condition melanoma"),
    ("FLT3-ITD positive AML", "inclusion", "flt3_itd in {positive} and condition acute_myeloid_leukemia"),
    ("KRAS-mutant metastatic colorectal cancer", "exclusion",
     "kras_mutation in {positive} and condition colorectal_cancer [metastatic]"),
    ("HER2-positive gastric cancer", "inclusion", "her2_status in {positive} and condition gastric_cancer"),
    # targeted classes: each its own kind under the pathway or the gene
    ("Prior treatment with a PI3K inhibitor", "exclusion", "medication pi3k_inhibitor [history]"),
    ("Prior PI3K/AKT/mTOR inhibitor", "exclusion", "medication pi3k_pathway_inhibitor [history]"),
    ("Prior KRAS G12C inhibitor", "exclusion", "medication kras_g12c_inhibitor [history]"),
])
def test_biomarkers_and_targeted_classes(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # a test named before a disease without its result: what was found is not said
    ("HBsAg hepatitis B", "exclusion"),
    # "EGFR" is also the kidney's eGFR, and "EGFR-positive" may be expression, not a mutation
    ("EGFR wild-type", "inclusion"),
    ("EGFR positive NSCLC", "inclusion"),
])
def test_biomarker_wording_that_could_be_misread_stays_free_text(text, kind):
    assert not is_structured(compile_criterion(text, kind).rule)


def test_wild_type_of_a_gene_is_a_negative_result():
    kras = {"name": "KRAS", "value": "negative", "date": "2025-01-10"}
    assert outcome(to_text(compile_criterion("KRAS wild-type", "inclusion").rule), labs=[kras]).truth is Truth.TRUE
    assert outcome("kras_mutation in {negative}", labs=[{**kras, "value": "positive"}]).truth is Truth.FALSE


def test_one_gene_says_nothing_of_the_other_ras_gene():
    kras = {"name": "KRAS mutation", "value": "negative", "date": "2025-01-10"}
    assert outcome("ras_mutation in {negative}", labs=[kras]).truth is Truth.UNKNOWN


@pytest.mark.parametrize("drug, truth", [("capivasertib", Truth.FALSE), ("alpelisib", Truth.TRUE),
                                         ("everolimus", Truth.FALSE)])
def test_an_akt_inhibitor_is_not_a_pi3k_inhibitor(drug, truth):
    profile = {"medications": [{"name": drug, "start": "2024-01-01", "end": "2024-06-01"}],
               "complete": ["medications"]}
    assert outcome("medication pi3k_inhibitor [history]", "exclusion", **profile).truth is truth
    assert outcome("medication pi3k_pathway_inhibitor [history]", "exclusion", **profile).truth is Truth.TRUE


@pytest.mark.parametrize("drug, truth", [("sotorasib", Truth.TRUE), ("divarasib", Truth.TRUE)])
def test_g12c_inhibitors_are_kras_inhibitors(drug, truth):
    profile = {"medications": [{"name": drug, "start": "2024-01-01", "end": "2024-06-01"}],
               "complete": ["medications"]}
    assert outcome("medication kras_inhibitor [history]", "exclusion", **profile).truth is truth
