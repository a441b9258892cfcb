"""General template wording of Janssen, Novartis, Lilly, AbbVie, Amgen, Sanofi, Bayer, Boehringer,
Takeda, Gilead, Regeneron, Moderna and the cooperative groups: text → rule, and what must stay
free text because a reading could fail a patient wrongly."""

import pytest

from screening.compile import compile_criterion
from screening.logic import Truth
from screening.nodes import FreeText, Judgement
from screening.printer import to_text
from screening.vocabulary import Concept, Vocabulary, VocabularyError, load_vocabulary

from made_up import outcome


@pytest.mark.parametrize("text, kind, rule", [
    # results of tests for one infection joined by "and" describe one case, not either result
    ("Positive HCV antibody and detectable HCV RNA", "exclusion",
     "hcv_antibody in {positive} and hcv_rna in {positive}"),
    ("HCV antibody positive and HCV RNA positive", "exclusion",
     "hcv_antibody in {positive} and hcv_rna in {positive}"),
    ("Positive HBsAg and anti-HBc", "exclusion", "hbsag in {positive} and anti_hbc in {positive}"),
    # … while tests for different infections are a list, any of which excludes
    ("Positive HBsAg and positive HCV antibody", "exclusion", "hbsag in {positive} or hcv_antibody in {positive}"),
    ("Positive HBsAg or anti-HBc", "exclusion", "hbsag in {positive} or anti_hbc in {positive}"),
    # a result unless another test for the same infection is negative
    ("HCV antibody positive, unless HCV RNA negative", "exclusion",
     "hcv_antibody in {positive} and not hcv_rna in {negative}"),
    ("Positive hepatitis C antibody test result at screening, unless HCV RNA is negative", "exclusion",
     "hcv_antibody in {positive} and not hcv_rna in {negative}"),
    ("Positive HCV antibody and not negative HCV RNA", "exclusion",
     "hcv_antibody in {positive} and not hcv_rna in {negative}"),
    ("Positive test for hepatitis B surface antigen, hepatitis B core antibody, or hepatitis C antibody at screening",
     "exclusion", "hbsag in {positive} or anti_hbc in {positive} or hcv_antibody in {positive}"),
    # how the QT interval was measured ("on screening ECG") asks nothing more
    ("Corrected QT interval (QTc) ≥ 470 ms on screening ECG", "exclusion", "qtc >= 470 ms"),
    ("QTcF > 480 ms on the screening ECG", "exclusion", "qtcf > 480 ms"),
    ("QTcF > 470 ms on triplicate ECGs", "exclusion", "qtcf > 470 ms"),
    ("QTcF > 450 ms in males or > 470 ms in females", "exclusion",
     "(male and qtcf > 450 ms) or (female and qtcf > 470 ms)"),
    # drugs named by what they do to the QT interval
    ("Use of medications known to prolong the QT interval", "exclusion", "medication qt_prolonging_drug"),
    ("Concomitant use of drugs known to prolong the QT interval", "exclusion",
     "medication qt_prolonging_drug [current]"),
    # the study drug's formulation is the study drug
    ("Known hypersensitivity to any component of the study drug formulation", "exclusion",
     "condition study_drug_hypersensitivity"),
    # held by an order: prison is one kind of it, living in a nursing home is not
    ("Prisoners or subjects who are compulsorily detained", "exclusion",
     "condition incarceration or condition court_ordered_institutionalization"),
    ("Participant is imprisoned or institutionalized by regulatory or court order", "exclusion",
     "condition court_ordered_institutionalization"),
    ("Participants who are legally institutionalized", "exclusion", "condition court_ordered_institutionalization"),
    # pregnancy and gametes in these sponsors' words
    ("A woman of childbearing potential must have a negative highly sensitive serum (β-hCG) pregnancy test at "
     "screening", "inclusion", "if (female and childbearing_potential) then not pregnant"),
    ("Female participants must agree not to donate eggs (ova, oocytes) during the study", "inclusion",
     "if female then attribute no_gamete_donation"),
    ("Male participants must agree not to donate sperm during the study and for 90 days after the last dose",
     "inclusion", "if male then attribute no_gamete_donation"),
    # the same test again at a second time asks nothing more
    ("A woman of childbearing potential must have a negative urine or serum pregnancy test at screening and prior "
     "to the first dose", "inclusion", "if (female and childbearing_potential) then not pregnant"),
    ("A woman of childbearing potential must have a negative serum pregnancy test at screening and on Day 1",
     "inclusion", "if (female and childbearing_potential) then not pregnant"),
    ("Male patients with a female partner of childbearing potential must use a barrier method of contraception",
     "inclusion", "if (male and attribute partner_childbearing_potential) then contraception"),
    ("Woman who is pregnant, breast-feeding, or planning to become pregnant while enrolled in this study or within "
     "6 months after the last dose of study intervention", "exclusion",
     "female and (pregnant or breastfeeding or (female and attribute plans_pregnancy))"),
    # Janssen's compliance sentence
    ("Participant is willing and able to adhere to the prohibitions and restrictions specified in this protocol",
     "inclusion", "attribute able_to_comply"),
    ("Willing and able to adhere to the lifestyle restrictions specified in this protocol", "inclusion",
     "attribute able_to_comply"),
    # "moderate or strong X inducers": the word before "or" names a class with the rest of the name after it
    ("Use of moderate or strong CYP3A inducers within 14 days prior to randomization", "exclusion",
     "medication moderate_cyp3a4_inducer within 14 days before randomization or "
     "medication strong_cyp3a4_inducer within 14 days before randomization"),
    ("Use of moderate or strong CYP3A4 inhibitors", "exclusion",
     "medication moderate_cyp3a4_inhibitor or medication strong_cyp3a4_inhibitor"),
    ("Positive result for HIV-1 or HIV-2 antibodies", "exclusion", "hiv_antibody in {positive}"),
    # not of childbearing potential, or using contraception: contraception asked of those who could conceive
    ("Female participants of non-childbearing potential or using highly effective contraception", "inclusion",
     "if (female and childbearing_potential) then contraception"),
    ("Not of childbearing potential, or using highly effective contraception", "inclusion",
     "if (female and childbearing_potential) then contraception"),
    ("Males who are sexually active with WOCBP must agree to use a condom", "inclusion",
     "if (male and attribute partner_childbearing_potential) then contraception"),
    ("Is under legal custodianship", "exclusion", "condition legal_incapacity"),
    # a scale's class with "or greater" after it, or with the condition it rates around it
    ("New York Heart Association (NYHA) Class II or greater congestive heart failure", "exclusion",
     "nyha_class in {II, III, IV}"),
    ("NYHA class ≥ II heart failure", "exclusion", "nyha_class in {II, III, IV}"),
    ("Heart failure NYHA class ≥ III", "exclusion", "nyha_class in {III, IV}"),
    ("NYHA class II or less", "inclusion", "nyha_class in {I, II}"),
    # the ways a hormonal contraceptive is given are kinds of it
    ("Use of injectable contraceptives", "exclusion", "medication injectable_contraceptive"),
    ("Oral or injectable contraceptives", "exclusion",
     "medication oral_contraceptive or medication injectable_contraceptive"),
    ("Subjects who have received a live vaccine within 28 days of planned start of study therapy", "exclusion",
     "vaccination live_vaccine within 28 days before first_dose"),
    ("Has received a live-virus vaccination within 30 days of planned treatment start", "exclusion",
     "vaccination live_viral_vaccine within 30 days before first_dose"),
])
def test_template_wording(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # "unless" a test for another infection: not the same case
    ("Positive HBsAg unless HCV RNA negative", "exclusion"),
    # tests for one infection listed with another's: "and" could be either reading
    ("Positive HBsAg, anti-HBc and HCV antibody", "exclusion"),
    # a "fresh" biopsy is one the study will take: a patient willing to give one has none yet
    # (being willing to undergo one is the attribute agrees_to_tumor_biopsy: test_compile_consent8.py)
    ("Participant must be willing to provide archival tumor tissue or a fresh biopsy", "inclusion"),
    # with no verb, "not A or B" could be "neither"
    ("Not of childbearing potential or contraception", "inclusion"),
    ("Women must be of non-childbearing potential or use highly effective contraception", "exclusion"),
    # a higher legal age somewhere would make "18" too low a limit, and lower would fail a patient
    ("Age ≥ 18 years (or the legal age of consent in the jurisdiction in which the study is taking place)",
     "inclusion"),
    # (someone else who may consent for the patient: consent, whoever signs, as without the "(LAR)";
    # test_compile_consent8.py)
    # an amount of blood: not any donation
    ("Donation of blood (more than 500 mL) within 3 months prior to dosing", "exclusion"),
    ("Lost or donated more than 450 mL of blood within 3 months prior to screening", "exclusion"),
    # drugs that are similar to the study drug: no list says which
    ("History of hypersensitivity to drugs with a similar chemical structure or class to the study drug", "exclusion"),
    # an exception set of its own ("neuropathy ≤ grade 2") is not the recorded recovery to grade 1
    ("Toxicity from prior therapy that has not resolved to Grade ≤ 1 (except alopecia and neuropathy ≤ Grade 2)",
     "exclusion"),
])
def test_what_stays_free_text(text, kind):
    assert isinstance(compile_criterion(text, kind).rule, (FreeText, Judgement))


def test_an_exclusion_of_injectable_contraceptives_does_not_exclude_the_pill():
    rule = "medication injectable_contraceptive [current]"
    pill = [{"name": "oral contraceptive", "start": "2025-01-01"}]
    assert outcome(rule, medications=pill, complete=["medications"]).truth is Truth.FALSE
    depot = [{"name": "Depo-Provera", "start": "2026-09-01"}]
    assert outcome(rule, medications=depot).truth is Truth.TRUE
    assert outcome("medication hormonal_contraceptive [current]", medications=depot).truth is Truth.TRUE


def test_one_infections_antibody_without_its_rna_does_not_exclude():
    rule = to_text(compile_criterion("Positive HCV antibody and detectable HCV RNA", "exclusion").rule)
    cured = [{"name": "HCV antibody", "value": "positive", "date": "2026-11-01"},
             {"name": "HCV RNA", "value": "negative", "date": "2026-11-01"}]
    assert outcome(rule, labs=cured).truth is Truth.FALSE


def test_an_antibody_unless_the_rna_is_negative_spares_the_cured():
    rule = to_text(compile_criterion("HCV antibody positive, unless HCV RNA negative", "exclusion").rule)
    antibody = {"name": "HCV antibody", "value": "positive", "date": "2026-11-01"}
    assert outcome(rule, labs=[antibody, {"name": "HCV RNA", "value": "negative", "date": "2026-11-01"}]
                   ).truth is Truth.FALSE
    assert outcome(rule, labs=[antibody, {"name": "HCV RNA", "value": "positive", "date": "2026-11-01"}]
                   ).truth is Truth.TRUE
    assert outcome(rule, labs=[antibody]).truth is Truth.UNKNOWN


def test_a_test_detects_a_known_infection():
    assert load_vocabulary().get("hcv_rna").detects == ("hepatitis_c",)
    test = Concept.model_validate({"id": "a", "category": "lab", "name": "a", "value_type": "qualitative",
                                   "detects": ["missing"]})
    with pytest.raises(VocabularyError, match="detects names unknown concept"):
        Vocabulary([test])
