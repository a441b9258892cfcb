"""Vocabulary, tenth round: names that were missing or read too wide — attenuated androgens as the
weak oral androgens they name (no longer every androgen), thimerosal the vaccine preservative,
hypovolemia told apart from dehydration, and a transplant across the ABO blood groups. What each reading means for a patient, and the near misses
that must stay free text."""

import pytest

from made_up import outcome
from screening.compile import compile_criterion
from screening.logic import Truth
from screening.printer import to_text
from screening.vocabulary import load_vocabulary

VOCAB = load_vocabulary()


@pytest.mark.parametrize("text, kind, rule", [
    # attenuated androgens: danazol, stanozolol, oxandrolone, not testosterone
    ("Treatment with attenuated androgens within 30 days", "exclusion",
     "medication attenuated_androgen within 30 days before screening"),
    ("Prior attenuated androgen therapy", "exclusion", "medication attenuated_androgen [history]"),
    ("Use of stanozolol", "exclusion", "medication stanozolol"),
    ("Anabolic steroids", "exclusion", "medication androgen"),
    # the preservative of multi-dose vaccines, under either spelling
    ("Known allergy to thimerosal", "exclusion", "medication thimerosal [allergic]"),
    ("Hypersensitivity to thiomersal", "exclusion", "medication thimerosal [allergic]"),
    # a low circulating volume, and water loss
    ("Hypovolemia", "exclusion", "condition hypovolemia"),
    ("Volume depletion", "exclusion", "condition hypovolemia"),
    ("Severe dehydration", "exclusion", "condition dehydration [severe]"),
    ("Hypovolemic shock", "exclusion", "condition hypovolemic_shock"),
    # the Ewing family's peripheral PNET, with its two words either way round
    ("Primitive peripheral neuroectodermal tumors", "inclusion", "condition ewing_sarcoma"),
    # a graft across the ABO blood groups, of a kidney or of any organ
    ("ABO blood group-incompatible renal allograft", "exclusion",
     "procedure abo_incompatible_kidney_transplantation"),
    ("ABO incompatible kidney transplant", "exclusion", "procedure abo_incompatible_kidney_transplantation"),
    ("Prior ABO-incompatible transplant", "exclusion", "procedure abo_incompatible_transplantation [history]"),
])
def test_read(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # PNET alone is also the pancreatic neuroendocrine tumour's letters, and the central nervous
    # system's PNET is no Ewing tumour: the bare name is not read as either
    ("Primitive neuroectodermal tumor", "inclusion"),
    # incompatible with what: a transfusion, a graft, a pregnancy
    ("ABO incompatible", "exclusion"),
])
def test_stays_words(text, kind):
    assert to_text(compile_criterion(text, kind).rule).startswith("text ")


def test_attenuated_androgens_are_danazol_stanozolol_oxandrolone_and_androgens():
    for member in ("danazol", "stanozolol", "oxandrolone"):
        assert VOCAB.is_a(member, "attenuated_androgen"), member
        assert VOCAB.is_a(member, "androgen"), member
    assert not VOCAB.is_a("testosterone_therapy", "attenuated_androgen")


def test_a_man_on_testosterone_is_not_excluded_for_attenuated_androgens():
    rule = "medication attenuated_androgen within 30 days before screening"
    testosterone = {"medications": [{"name": "testosterone cypionate", "start": "2025-01-01"}],
                    "complete": ["medications"]}
    assert outcome(rule, "exclusion", **testosterone).truth is Truth.FALSE
    danazol = {"medications": [{"name": "danazol", "start": "2025-01-01"}]}
    assert outcome(rule, "exclusion", **danazol).truth is Truth.TRUE


def test_a_thimerosal_allergy_is_not_an_egg_allergy():
    rule = "medication thimerosal [allergic]"
    egg = {"conditions": [{"name": "egg allergy", "onset": "2010-01-01"}], "complete": ["conditions", "medications"]}
    assert outcome(rule, "exclusion", **egg).truth is not Truth.TRUE
    merthiolate = {"medications": [{"name": "merthiolate", "start": "2015-01-01", "end": "2015-01-02",
                                    "outcome": "intolerant", "note": "urticaria"}]}
    assert outcome(rule, "exclusion", **merthiolate).truth is Truth.TRUE


def test_dehydration_and_hypovolemia_do_not_stand_for_each_other():
    dry = {"conditions": [{"name": "dehydration", "onset": "2026-11-10"}], "complete": ["conditions"]}
    assert outcome("condition hypovolemia", "exclusion", **dry).truth is Truth.FALSE
    bled = {"conditions": [{"name": "hemorrhagic shock", "onset": "2026-11-10"}]}
    assert outcome("condition hypovolemia", "exclusion", **bled).truth is Truth.TRUE
    assert outcome("condition dehydration", "exclusion", **bled, complete=["conditions"]).truth is Truth.FALSE


def test_an_abo_compatible_kidney_graft_is_not_excluded_as_an_incompatible_one():
    rule = "procedure abo_incompatible_kidney_transplantation [history]"
    compatible = {"procedures": [{"name": "renal transplant", "date": "2020-05-01"}], "complete": ["procedures"]}
    assert outcome(rule, "exclusion", **compatible).truth is not Truth.TRUE
    incompatible = {"procedures": [{"name": "ABO-incompatible kidney transplant", "date": "2020-05-01"}]}
    assert outcome(rule, "exclusion", **incompatible).truth is Truth.TRUE
    # and it is a kidney transplant, for an exclusion of any prior one
    assert outcome("procedure kidney_transplantation [history]", "exclusion", **incompatible).truth is Truth.TRUE
