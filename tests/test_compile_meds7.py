"""Round 7: the frames around medications and drug classes the vocabulary knows — allergies and
intolerances, what a drug is taken for, how long and since when. A frame is read only where the
node holds all it says; each construct comes with the near misses that must stay free text."""

from __future__ import annotations

import pytest

from screening.compile import compile_criterion
from screening.logic import Truth
from screening.printer import to_text

from made_up import outcome

READ = [
    # how bad a reaction to a drug was: "severe" is said of the reaction, which a course records
    # only in its note, so a patient with the reaction waits and one without it is decided
    ("Hypersensitivity to or severe intolerance of azole antifungal agents", "exclusion",
     "medication azole_antifungal [allergic] or medication azole_antifungal [severe, intolerant]"),
    ("History of severe allergic reaction to monoclonal antibodies", "exclusion",
     "medication monoclonal_antibody [history, severe, allergic]"),
    ("Known severe hypersensitivity to azole antifungal agents", "exclusion",
     "medication azole_antifungal [severe, allergic]"),
    ("Severe allergy to penicillin", "exclusion", "medication penicillin_class [severe, allergic]"),
    # (a drug "other" than the study's is any such drug: the patient is not on the study drug yet)
    ("History of severe allergic reactions to other monoclonal antibody/fusion protein drugs", "exclusion",
     "medication monoclonal_antibody [history, severe, allergic] or medication fusion_protein [history, severe, allergic]"),
    # a reaction "to these agents" is to each drug named just before it
    ("Prior therapy with rapamycin, rapamycin analogues or tacrolimus or known sensitivity to these agents", "exclusion",
     "medication sirolimus [history] or medication mtor_inhibitor [history] or medication tacrolimus [history] "
     "or medication sirolimus [allergic] or medication mtor_inhibitor [allergic] or medication tacrolimus [allergic]"),
    ("No prior therapy with rapamycin or tacrolimus or known hypersensitivity to any of these drugs", "inclusion",
     "not medication sirolimus [history] and not medication tacrolimus [history] "
     "and not medication sirolimus [allergic] and not medication tacrolimus [allergic]"),
    # "using any form of" a drug is using it; not using it for (at least) the past months is no
    # use in those months
    ("Not using any form of hormonal contraception for at least the prior 3 months", "inclusion",
     "not medication hormonal_contraceptive within 3 months before screening"),
    ("Using any form of hormonal contraception", "exclusion", "medication hormonal_contraceptive [current]"),
    # a class holding every drug, with a verb of taking it now: what is taken now
    ("Not taking any medications or supplements", "inclusion",
     "not medication any_medication [current] and not medication dietary_supplement [current]"),
    ("Currently receiving any prescription or non-prescription medication", "exclusion",
     "medication any_medication [current]"),
    # (with a time it is any taken in it, as before)
    ("Taking any medication within 14 days", "exclusion", "medication any_medication within 14 days before screening"),
    # what a drug is taken for, said by the kind of drug it is taken as
    ("No concurrent steroids as an antiemetic", "inclusion",
     "not medication corticosteroid [current] for (nausea_vomiting)"),
    ("Dexamethasone for antiemetic prophylaxis", "exclusion", "medication dexamethasone for (nausea_vomiting)"),
    # an allergy named after the drug is an allergy to it, as "allergy to X" is
    ("Known penicillin allergy", "exclusion", "medication penicillin_class [allergic]"),
    ("NSAID hypersensitivity", "exclusion", "medication nsaid [allergic]"),
    ("Aspirin-allergic patients", "exclusion", "medication aspirin [allergic]"),
    ("Known penicillin allergy or asthma", "exclusion", "medication penicillin_class [allergic] or condition asthma"),
    # a reaction written after a list of drugs: what excludes reads it of each (read of the last
    # alone, anyone taking the first would be excluded)
    ("Aspirin or NSAID allergy", "exclusion", "medication aspirin [allergic] or medication nsaid [allergic]"),
    ("Aspirin or statin intolerance", "exclusion", "medication aspirin [intolerant] or medication statin [intolerant]"),
    ("No penicillin or cephalosporin allergy", "inclusion",
     "not medication penicillin_class [allergic] and not medication cephalosporin [allergic]"),
    ("Volunteers with a history of voriconazole hypersensitivity reaction were excluded", "exclusion",
     "medication voriconazole [history, allergic]"),
    # a substance a lab measures, among the drugs an allergy is to, is the drug it is given as
    ("Patients with a history of hypersensitivity to hydroxyethyl starch or albumin", "exclusion",
     "medication hydroxyethyl_starch [history, allergic] or medication albumin_infusion [history, allergic]"),
    ("Allergy to heparin, albumin < 3 g/dL", "exclusion", "medication heparin [allergic] and albumin < 3 g/dL"),
    # the treatment that goes on beside the study's
    ("On background therapy with metformin", "inclusion", "medication metformin [current]"),
    ("Receiving stable background therapy with an ACE inhibitor or ARB for ≥ 4 weeks", "inclusion",
     "medication ace_inhibitor [stable] lasting >= 4 weeks or medication arb [stable] lasting >= 4 weeks"),
    # how a drug is given, which no record says, is kept in words beside it
    ("Receiving dexamethasone as standard of care", "inclusion",
     "medication dexamethasone and text \"as standard of care\""),
    ("Receiving chemotherapy as part of standard of care.", "inclusion",
     "medication chemotherapy and text \"as part of standard of care\""),
]


@pytest.mark.parametrize(("text", "kind", "expected"), READ)
def test_read(text: str, kind: str, expected: str) -> None:
    assert to_text(compile_criterion(text, kind).rule) == expected


STAYS_FREE_TEXT = [
    # "severe" said of a drug, not of a reaction to it, means nothing the node could hold
    ("Severe chemotherapy", "exclusion"),
    # a grade of a drug reaction: a course carries no grade
    ("Known Grade 3 or 4 hypersensitivity to macrolide antibiotics", "exclusion"),
    # "these agents" with a drug list that does not end right before the reaction: which drugs?
    ("Prior treatment with sirolimus within 4 weeks or known sensitivity to these agents", "exclusion"),
    ("Known hypersensitivity to any of these drugs", "exclusion"),
    # any drug at all, with no time: every patient who ever took one
    ("History of any medications", "exclusion"),
    # a purpose said of no drug
    ("Patients as an antiemetic", "exclusion"),
    # a reaction after a list, in what a patient must have: of the last drug or of each?
    ("Aspirin or statin intolerance", "inclusion"),
    ("No penicillin or cephalosporin allergy", "exclusion"),
    # a test for an allergy is no allergy
    ("Voriconazole hypersensitivity test", "inclusion"),
    ("Penicillin allergy testing", "inclusion"),
    ("Penicillin allergy reaction test", "inclusion"),
    # BPaLM adds moxifloxacin to BPaL: another regimen, which the vocabulary does not know
    ("Prior treatment with BPaLM", "exclusion"),
    # (said of a drug that is denied, the words would decide who is excluded)
    ("No dexamethasone as standard of care", "inclusion"),
]


@pytest.mark.parametrize(("text", "kind"), STAYS_FREE_TEXT)
def test_stays_free_text(text: str, kind: str) -> None:
    rule = to_text(compile_criterion(text, kind).rule)
    assert rule.startswith("text "), rule


@pytest.mark.parametrize(("medications", "expected"), [
    # an allergy recorded: how severe it was is not, so the exclusion waits
    ([{"name": "fluconazole", "start": "2024-01-01", "end": "2024-01-05", "outcome": "intolerant",
       "note": "anaphylaxis"}], Truth.UNKNOWN),
    # taken and tolerated: no reaction at all
    ([{"name": "fluconazole", "start": "2024-01-01", "end": "2024-01-05", "outcome": "responded"}], Truth.FALSE),
    ([], Truth.FALSE),
])
def test_a_severe_reaction_waits_for_its_severity(medications, expected) -> None:
    rule = to_text(compile_criterion("Known severe hypersensitivity to azole antifungal agents", "exclusion").rule)
    assert outcome(rule, "exclusion", medications=medications, complete=["medications"]).truth == expected


@pytest.mark.parametrize(("indication", "expected"), [
    ("chemotherapy-induced nausea and vomiting", Truth.FALSE),   # taken as an antiemetic: fails
    ("postoperative nausea and vomiting", Truth.FALSE),
    ("nausea", Truth.UNKNOWN),           # (the record is broader than the words' "nausea and vomiting")
    ("cerebral edema", Truth.TRUE),      # a steroid for something else does not count
    (None, Truth.UNKNOWN),               # what it was given for is not recorded
])
def test_steroids_as_an_antiemetic_count_by_what_they_were_given_for(indication, expected) -> None:
    rule = to_text(compile_criterion("No concurrent steroids as an antiemetic", "inclusion").rule)
    course = {"name": "dexamethasone", "start": "2026-11-01", **({"indication": indication} if indication else {})}
    assert outcome(rule, "inclusion", medications=[course], complete=["medications"]).truth == expected


@pytest.mark.parametrize(("medications", "expected"), [
    ([], Truth.FALSE),                                                       # no dexamethasone: fails
    ([{"name": "dexamethasone", "start": "2026-11-01"}], Truth.UNKNOWN),     # given how? a coordinator says
])
def test_a_drug_as_standard_of_care_waits_for_how_it_is_given(medications, expected) -> None:
    rule = to_text(compile_criterion("Receiving dexamethasone as standard of care", "inclusion").rule)
    assert outcome(rule, "inclusion", medications=medications, complete=["medications"]).truth == expected
