"""Round 8: medications outside cancer — brand names in brackets, a measured substance named among
drugs, a time said before the drugs it dates, drugs described by what they do, and drugs named by
how they are sold. Each construct comes with the near misses that must stay free text, and with
made-up patients showing that nobody is failed on words the rule does not hold."""

from __future__ import annotations

import pytest

from screening.compile import compile_criterion
from screening.logic import Truth
from screening.printer import to_text

from made_up import outcome

READ = [
    # brand names in brackets, more than one: the drug before them, named again
    ("Use of finasteride (Proscar or Propecia)", "exclusion", "medication finasteride"),
    ("Treatment with warfarin (Coumadin, Jantoven)", "exclusion", "medication warfarin"),
    # a substance a lab measures, as an item of a list of drugs, is the drug it is given as
    ("Use of finasteride, dutasteride, or testosterone", "exclusion",
     "medication finasteride or medication dutasteride or medication testosterone_therapy"),
    ("Use of raloxifene or estradiol", "exclusion", "medication raloxifene or medication estrogen"),
    # a time said before the drugs: their window ("of" only leads to them)
    ("Use within the past 12 months of finasteride or dutasteride", "exclusion",
     "medication finasteride within 12 months before screening or medication dutasteride within 12 months before screening"),
    ("Within 30 days of screening, use of systemic corticosteroids", "exclusion",
     "medication corticosteroid [systemic] within 30 days before screening"),
    # drugs described by what they do, as the last item of a list of drugs: in words beside the
    # drugs named (a time said before the list is the named drugs'; the words keep their own)
    ("Use within the past 12 months of finasteride (Proscar or Propecia), dutasteride (Avodart), testosterone, "
     "or drugs that can block the action of male hormones", "exclusion",
     "medication finasteride within 12 months before screening or medication dutasteride within 12 months before "
     "screening or medication testosterone_therapy within 12 months before screening "
     "or text \"drugs that can block the action of male hormones\""),
    ("Prior use of bevacizumab and all other drugs that inhibit blood vessel growth", "exclusion",
     "medication bevacizumab [history] or text \"all other drugs that inhibit blood vessel growth\""),
    ("Use of warfarin or drugs known to interact with it", "exclusion",
     "medication warfarin or text \"drugs known to interact with it\""),
    ("Current use of warfarin, heparin or other medications that affect coagulation", "exclusion",
     "medication warfarin [current] or medication heparin [current] or text \"other medications that affect coagulation\""),
    ("No use of finasteride or other drugs that can lower PSA", "inclusion",
     "not medication finasteride and not text \"other drugs that can lower PSA\""),
    # drugs named by how they are sold: any drug, with the words beside it
    ("Use of any prescription medication within 14 days prior to dosing", "exclusion",
     "medication any_medication within 14 days before first_dose and text \"prescription medication\""),
    ("Took any prescription drugs, over-the-counter drugs, any vitamin products or herbs within 14 days prior to "
     "screening", "exclusion",
     "(medication any_medication within 14 days before screening and text \"prescription drugs\") or "
     "(medication any_medication within 14 days before screening and text \"over-the-counter drugs\") or "
     "medication vitamin_supplement within 14 days before screening or medication herbal_medicine within 14 days "
     "before screening"),
    ("Currently taking OTC medications", "exclusion", "medication any_medication [current] and text \"OTC medications\""),
    ("Not taking any prescription medications", "inclusion",
     "not (medication any_medication [current] and text \"prescription medications\")"),
    ("No prescription medication within 14 days", "inclusion",
     "not (medication any_medication within 14 days before screening and text \"prescription medication\")"),
    # (a name the vocabulary reads whole is read as before)
    ("Use of prescription or over-the-counter medications within 7 days", "exclusion",
     "medication any_medication within 7 days before screening"),
    # which of a class's drugs, said by what they do: the class, with the words beside it
    ("taking antibiotic with antiborrelial activity within 10 days", "exclusion",
     "medication antibiotic within 10 days before screening and text \"with antiborrelial activity\""),
    ("Current use of antidepressants with anticholinergic properties", "exclusion",
     "medication antidepressant [current] and text \"with anticholinergic properties\""),
    ("Use of NSAIDs with antiplatelet effect, or warfarin", "exclusion",
     "(medication nsaid and text \"with antiplatelet effect\") or medication warfarin"),
    # how strong a drug of the class, where the vocabulary has no such class: the class, with the
    # words beside it (a class it has is read whole); how often taken is the qualifier daily
    ("Concurrent use of potent P-gp inhibitors", "exclusion",
     "medication pgp_inhibitor [current] and text \"potent P-gp inhibitors\""),
    ("Use of strong opioids", "exclusion", "medication opioid and text \"strong opioids\""),
    ("Use of potent CYP3A4 inhibitors", "exclusion", "medication strong_cyp3a4_inhibitor"),
    ("Daily use of aspirin", "exclusion", "medication aspirin [daily]"),
    ("Currently taking aspirin daily", "exclusion", "medication aspirin [current, daily]"),
    ("Chronic daily treatment with a non-steroidal anti-inflammatory drug (NSAID)", "exclusion",
     "medication nsaid [chronic, daily]"),
    # drugs derived from another, in a list: in words beside the drugs named
    ("Treatment with heparin or heparin derivatives", "exclusion", "medication heparin or text \"heparin derivatives\""),
    ("Current use of methylphenidate or amphetamine derivatives", "exclusion",
     "medication methylphenidate [current] or text \"amphetamine derivatives\""),
    # a heading of drugs not allowed, with its list: those taken now (an inclusion asks for none)
    ("Prohibited medications: warfarin, heparin", "exclusion", "medication warfarin [current] or medication heparin [current]"),
    ("Concomitant medication not allowed: warfarin, heparin", "exclusion",
     "medication warfarin [current] or medication heparin [current]"),
    ("The following medications are prohibited: strong CYP3A4 inhibitors, warfarin", "exclusion",
     "medication strong_cyp3a4_inhibitor [current] or medication warfarin [current]"),
    ("Prohibited medications: warfarin, heparin", "inclusion",
     "not (medication warfarin [current] or medication heparin [current])"),
    # a contraindication spelled apart, or "for" the drug, as "contraindication to" is read
    ("Contra indications for the use of omega-3 fatty acids", "exclusion", "medication omega3_fatty_acid [intolerant]"),
    ("Contra-indication to aspirin", "exclusion", "medication aspirin [intolerant]"),
    # a steady, constant or unchanged dose is a stable one
    ("On a steady dose of metformin for at least 8 weeks", "inclusion", "medication metformin [stable] lasting >= 8 weeks"),
    ("On a constant dose of levothyroxine for at least 6 weeks prior to screening", "inclusion",
     "medication levothyroxine [stable] lasting >= 6 weeks"),
    ("Treatment with an unchanged dose of methotrexate for at least 12 weeks", "inclusion",
     "medication methotrexate [stable] lasting >= 12 weeks"),
    # a stable dose asked of those who take the drug now, of the drug the "if" names
    ("If taking an antidepressant, the dose must have been stable for at least 4 weeks", "inclusion",
     "if medication antidepressant [current] then medication antidepressant [stable] lasting >= 4 weeks"),
    ("If on corticosteroids, patient must be on a stable dose for at least 2 weeks prior to study entry", "inclusion",
     "if medication corticosteroid [current] then medication corticosteroid [stable] lasting >= 2 weeks"),
    ("If treated with an SSRI, the dose should be stable for ≥ 8 weeks", "inclusion",
     "if medication ssri [current] then medication ssri [stable] lasting >= 8 weeks"),
    ("Patients taking antidepressants must be on a stable dose for at least 4 weeks", "inclusion",
     "if medication antidepressant [current] then medication antidepressant [stable] lasting >= 4 weeks"),
    ("Subjects receiving levothyroxine must have been on a stable dose for at least 6 weeks", "inclusion",
     "if medication levothyroxine [current] then medication levothyroxine [stable] lasting >= 6 weeks"),
    ("Patients taking statins must undergo a 4-week washout period prior to randomization", "inclusion",
     "if medication statin [current] then text \"must undergo a 4-week washout period prior to randomization\""),
    ("If on ACE inhibitors or ARBs, the dose must be stable for at least 4 weeks", "inclusion",
     "if (medication ace_inhibitor [current] or medication arb [current]) then "
     "(medication ace_inhibitor [stable] lasting >= 4 weeks or medication arb [stable] lasting >= 4 weeks)"),
    # drugs that target a thing: the class the vocabulary names for them ("VEGF-targeted therapy",
    # "anti-PD-1"), each of a list; "X receptors" is XR
    ("Prior use of bevacizumab and all other drugs that target Vascular Endothelial Growth Factor (VEGF)/VEGF receptors",
     "exclusion", "medication bevacizumab [history] or medication vegf_inhibitor [history] "
     "or medication vegfr_inhibitor [history]"),
    ("Prior treatment with agents targeting PD-1, PD-L1, or CTLA-4", "exclusion",
     "medication pd1_inhibitor [history] or medication pdl1_inhibitor [history] or medication ctla4_inhibitor [history]"),
    ("Prior therapy with an antibody targeting CD20", "inclusion", "medication anti_cd20_antibody [history]"),
    ("Prior use of drugs that target VEGF within 4 weeks", "exclusion",
     "medication vegf_inhibitor [history] within 4 weeks before screening"),
    # drugs described by what they do, with examples: the examples, and the rest in words
    ("Use of any medications known to affect blood glucose, such as systemic corticosteroids", "exclusion",
     "medication corticosteroid [systemic] or text \"any medications known to affect blood glucose\""),
    ("Treatment with drugs that inhibit platelet function, such as aspirin, clopidogrel, or ticagrelor", "exclusion",
     "medication aspirin or medication clopidogrel or medication ticagrelor or text \"drugs that inhibit platelet function\""),
    ("Use of medications that may affect GI motility (e.g., metoclopramide, erythromycin, etc.)", "exclusion",
     "medication metoclopramide or medication erythromycin or text \"medications that may affect GI motility\""),
    ("No current use of drugs that inhibit platelet function, such as aspirin or clopidogrel", "inclusion",
     "not medication aspirin [current] and not medication clopidogrel [current] "
     "and not text \"drugs that inhibit platelet function\""),
    # a washout the patients on a drug will need: asked of those on it, in words
    ("Patients on current dopamine agonist therapy would require 14-day washout", "inclusion",
     "if medication dopamine_agonist [current] then text \"would require 14-day washout\""),
    ("Subjects receiving metformin will require a washout of 2 weeks", "inclusion",
     "if medication metformin [current] then text \"will require a washout of 2 weeks\""),
    ("Age 40 or older. Patients currently on antidepressants require a 2-week washout.", "inclusion",
     "age >= 40 years and (if medication antidepressant [current] then text \"require a 2-week washout\")"),
    # (and each sentence read on its own: a second one's drugs are not the first's)
    ("Pregnancy; use of warfarin or drugs known to interact with it. Age < 18", "exclusion",
     "pregnant or medication warfarin or text \"drugs known to interact with it\" or age < 18 years"),
    # (under the exclusions, "must" says who is excluded: those who fail it)
    ("If taking an antidepressant, the dose must have been stable for at least 4 weeks", "exclusion",
     "not (if medication antidepressant [current] then medication antidepressant [stable] lasting >= 4 weeks)"),
]


@pytest.mark.parametrize(("text", "kind", "expected"), READ)
def test_read(text: str, kind: str, expected: str) -> None:
    assert to_text(compile_criterion(text, kind).rule) == expected


STAYS_FREE_TEXT = [
    # which drugs "may cause" or "interact" the words do not say, and nothing else is named
    ("Any drugs that may cause neuropathy", "exclusion"),
    ("Use of drugs known to interact with warfarin", "exclusion"),
    # a time after the described drugs may be said of the whole list: not taken into the words
    ("No prior use of finasteride, dutasteride or drugs that can lower PSA within 6 months", "inclusion"),
    # a description that names a drug class is not read as words alone
    ("No use of finasteride or other drugs that block androgens", "inclusion"),
    # a drug prescribed, and prescriptions with no time: not a kind of drug, or any drug ever
    ("Prescription of antibiotics within 7 days", "exclusion"),
    ("Prior prescription medication", "exclusion"),
    # a substance listed among labs, not drugs
    ("Serum creatinine, testosterone", "exclusion"),
    # examples followed by a time (said of them all?), or a description naming drug classes
    ("Use of medications known to affect body weight, such as topiramate, within 3 months", "exclusion"),
    ("No use of medications known to alter or interact with reproductive hormones or insulin metabolism "
     "(e.g. thiazolidinediones, metformin)", "inclusion"),
    # (a contraindication to a procedure is not read)
    ("Contraindication for surgery", "exclusion"),
    # a heading that names no drugs, or a list that is not of drugs
    ("Prohibited: smoking, alcohol", "exclusion"),
    ("Prohibited medications: see protocol section 6", "exclusion"),
    # a stable dose for no time said: how long is not known
    ("Patients on antiepileptic drugs must be on a stable dose", "inclusion"),
    # a derivative alone, or after a qualifier the words could not keep
    ("Use of heparin derivatives", "exclusion"),
    ("Current use of amphetamine derivatives or methylphenidate", "exclusion"),
    # a target the vocabulary names no drugs for
    ("Prior treatment with drugs targeting tumour cells", "exclusion"),
    ("Prior treatment with agents targeting PD-1 or the Foo pathway", "exclusion"),
    # drugs with an action, of no class: which drugs the words do not say
    ("Current use of drugs with anticholinergic properties", "exclusion"),
    # a stable dose up to randomization is longer than one up to screening, and a purpose the
    # profile may not record; without "must", under the exclusions, whom does it exclude?
    ("If receiving antihypertensive medication, dose must be stable for at least 4 weeks prior to randomization",
     "inclusion"),
    ("If on corticosteroids for mass effect and/or edema related to the tumor, patient must be on a stable dose for "
     "at least 2 weeks prior to study entry", "inclusion"),
    ("If on antidepressants, stable dose for at least 4 weeks", "exclusion"),
]


@pytest.mark.parametrize(("text", "kind"), STAYS_FREE_TEXT)
def test_stays_free_text(text: str, kind: str) -> None:
    rule = to_text(compile_criterion(text, kind).rule)
    assert rule.startswith("text "), rule


def test_a_lab_value_after_a_drug_stays_a_lab_value() -> None:
    rule = to_text(compile_criterion("Use of metformin, testosterone < 300 ng/dL", "exclusion").rule)
    assert "testosterone < 300 ng/dL" in rule and "testosterone_therapy" not in rule


_ANTIANDROGENS = ("Use within the past 12 months of finasteride (Proscar or Propecia), dutasteride (Avodart), "
                  "testosterone, or drugs that can block the action of male hormones")


@pytest.mark.parametrize(("medications", "expected"), [
    # a named drug in the window excludes
    ([{"name": "Avodart", "start": "2026-06-01"}], Truth.TRUE),
    ([{"name": "testosterone cypionate", "start": "2026-01-01", "end": "2026-09-01"}], Truth.TRUE),
    # one long before it does not; whether any other drug blocks male hormones is a coordinator's call
    ([{"name": "finasteride", "start": "2020-01-01", "end": "2023-01-01"}], Truth.UNKNOWN),
    ([], Truth.UNKNOWN),
])
def test_drugs_described_in_words_wait_for_a_coordinator(medications, expected) -> None:
    rule = to_text(compile_criterion(_ANTIANDROGENS, "exclusion").rule)
    assert outcome(rule, "exclusion", medications=medications, complete=["medications"]).truth == expected


@pytest.mark.parametrize(("medications", "complete", "expected"), [
    # no drug at all in the fortnight: decided
    ([], ["medications"], Truth.FALSE),
    ([{"name": "ibuprofen", "start": "2026-01-01", "end": "2026-02-01"}], ["medications"], Truth.FALSE),
    # a drug in it: prescribed or bought over the counter? Not failed on the guess
    ([{"name": "ibuprofen", "start": "2026-11-15"}], ["medications"], Truth.UNKNOWN),
    ([], [], Truth.UNKNOWN),
])
def test_drugs_by_how_they_are_sold_decide_only_who_took_none(medications, complete, expected) -> None:
    rule = to_text(compile_criterion("Use of any prescription medication within 14 days prior to dosing",
                                     "exclusion").rule)
    assert outcome(rule, "exclusion", medications=medications, complete=complete).truth == expected


_STABLE_IF_TAKING = "If taking an antidepressant, the dose must have been stable for at least 4 weeks"


@pytest.mark.parametrize(("medications", "expected"), [
    # not taking one now: asked nothing, even of one who stopped long ago
    ([], Truth.TRUE),
    ([{"name": "sertraline", "start": "2020-01-01", "end": "2021-01-01"}], Truth.TRUE),
    # taking one, started 10 days ago: not stable for 4 weeks
    ([{"name": "sertraline", "start": "2026-11-10"}], Truth.FALSE),
    # taking one for years, stable by its note; without the note, whether the dose changed waits
    ([{"name": "sertraline", "start": "2024-01-01", "note": "stable dose"}], Truth.TRUE),
    ([{"name": "sertraline", "start": "2024-01-01"}], Truth.UNKNOWN),
])
def test_a_stable_dose_is_asked_only_of_those_taking_the_drug(medications, expected) -> None:
    rule = to_text(compile_criterion(_STABLE_IF_TAKING, "inclusion").rule)
    assert outcome(rule, "inclusion", medications=medications, complete=["medications"]).truth == expected


@pytest.mark.parametrize(("medications", "expected"), [
    ([], Truth.FALSE),
    ([{"name": "amoxicillin", "start": "2026-01-01", "end": "2026-01-10"}], Truth.FALSE),
    # an antibiotic in the window: whether it acts on Borrelia is a coordinator's call
    ([{"name": "amoxicillin", "start": "2026-11-15"}], Truth.UNKNOWN),
])
def test_a_class_narrowed_in_words_decides_only_who_took_none_of_it(medications, expected) -> None:
    rule = to_text(compile_criterion("taking antibiotic with antiborrelial activity within 10 days", "exclusion").rule)
    assert outcome(rule, "exclusion", medications=medications, complete=["medications"]).truth == expected


@pytest.mark.parametrize(("medications", "expected"), [
    ([], Truth.TRUE),                                                          # not on one: asked nothing
    ([{"name": "pramipexole", "start": "2020-01-01", "end": "2024-01-01"}], Truth.TRUE),
    ([{"name": "pramipexole", "start": "2024-01-01"}], Truth.UNKNOWN),        # on one: the washout waits
])
def test_a_washout_to_come_is_asked_only_of_those_on_the_drug(medications, expected) -> None:
    rule = to_text(compile_criterion("Patients on current dopamine agonist therapy would require 14-day washout",
                                     "inclusion").rule)
    assert outcome(rule, "inclusion", medications=medications, complete=["medications"]).truth == expected


@pytest.mark.parametrize(("medications", "expected"), [
    ([{"name": "clopidogrel", "start": "2025-01-01"}], Truth.TRUE),   # an example named: excluded
    ([{"name": "metformin", "start": "2025-01-01"}], Truth.UNKNOWN),  # does it inhibit platelets? a coordinator says
    ([], Truth.UNKNOWN),                                              # (the words are a coordinator's to read)
])
def test_examples_of_described_drugs_decide_and_the_rest_waits(medications, expected) -> None:
    rule = to_text(compile_criterion("Treatment with drugs that inhibit platelet function, such as aspirin or "
                                     "clopidogrel", "exclusion").rule)
    assert outcome(rule, "exclusion", medications=medications, complete=["medications"]).truth == expected


@pytest.mark.parametrize(("medications", "expected"), [
    ([{"name": "aspirin", "start": "2026-01-01"}], Truth.UNKNOWN),    # daily? the course's note does not say
    ([{"name": "aspirin", "start": "2020-01-01", "end": "2020-02-01"}], Truth.FALSE),
    ([], Truth.FALSE),
])
def test_how_often_a_drug_is_taken_waits_for_a_coordinator(medications, expected) -> None:
    rule = to_text(compile_criterion("Currently taking aspirin daily", "exclusion").rule)
    assert outcome(rule, "exclusion", medications=medications, complete=["medications"]).truth == expected
