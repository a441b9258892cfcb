"""Pregnancy, breastfeeding, childbearing potential and contraception wording, seventh round.
Criterion text → canonical rule, what the reading means for a patient, and the near misses that
must stay free text. Contraception is asked only of those who could conceive."""

import pytest

from screening.compile import compile_criterion
from screening.logic import Truth
from screening.nodes import is_structured
from screening.printer import to_text

from made_up import outcome


@pytest.mark.parametrize("text, kind, rule", [
    # the Merck template: the alternatives "not a WOCBP OR a WOCBP who agrees to …" are one
    # requirement on the women who could conceive (the "b)" after "OR" labels the second)
    ("A female participant is eligible to participate if she is not pregnant, not breastfeeding, and at least one of "
     "the following conditions applies: a) Not a WOCBP as defined in Appendix 3 OR b) A WOCBP who agrees to follow "
     "the contraceptive guidance in Appendix 3 during the treatment period and for at least 120 days after the last "
     "dose of study treatment.", "inclusion",
     "if female then (not pregnant and not breastfeeding and (if (female and childbearing_potential) then "
     "contraception))"),
    # the same with the alternatives as sentences, after "AND one of the following applies:"
    ("For females, is not pregnant or breastfeeding AND one of the following applies: Is not a woman of childbearing "
     "potential (WOCBP). Is a WOCBP and uses highly effective contraception and is not pregnant", "inclusion",
     "if female then ((not pregnant and not breastfeeding) and ((if (female and childbearing_potential) then "
     "contraception) and not pregnant))"),
    # "possibility of becoming pregnant (during this study)" is being able to
    ("pregnancy or breast-feeding or possibility of becoming pregnant during this study and not using an approved "
     "method of birth control.", "exclusion",
     "pregnant or breastfeeding or (female and childbearing_potential and not contraception)"),
    # postmenopausal, sterile or using contraception: a woman who can conceive is neither, so she
    # must use it; one who cannot is not asked
    ("Women must not be pregnant or lactating, They may be post-menopausal, surgically sterilized or using an "
     "appropriate method of contraception.", "inclusion",
     "if female then ((not pregnant and not breastfeeding) and (if (female and childbearing_potential) then "
     "contraception))"),
    ("Female patients must be surgically sterile, postmenopausal, or agree to use effective contraception during the "
     "study.", "inclusion", "if (female and childbearing_potential) then contraception"),
    ("Female patients must be surgically sterile, postmenopausal, or agree to use effective contraception during the "
     "study.", "exclusion", "not (if (female and childbearing_potential) then contraception)"),
    ("Women must be postmenopausal for at least 12 months, or have had a hysterectomy or tubal ligation, or use "
     "effective contraception", "inclusion", "if (female and childbearing_potential) then contraception"),
    # a man's sterility is not a woman's childbearing potential: left as written
    ("Males must be surgically sterile or agree to use a condom", "inclusion",
     "if male then (procedure surgical_sterilization or contraception)"),
    # neither postmenopausal nor sterile is able to conceive: both ways named, nothing after
    ("For women who have not undergone menopause or surgical sterilization, agree to abstain from sex or use an "
     "effective contraceptive method during treatment and for at least 7 months after the last dose given in study "
     "treatment;", "inclusion", "if (female and childbearing_potential) then contraception"),
    ("Women who are not postmenopausal or surgically sterile", "exclusion", "female and childbearing_potential"),
    # one of the two ways alone does not say it: a premenopausal woman may be sterile
    ("Women who are not postmenopausal", "inclusion", "if female then not condition menopause"),
    # how effective, what for, and the undertaking to keep using it: the one fact
    ("For women of childbearing potential, use of an acceptable method of contraception to prevent pregnancy and "
     "agreement to continue to practice an acceptable method of contraception for the duration of their "
     "participation in the study.", "inclusion", "if (female and childbearing_potential) then contraception"),
    ("Women must remain abstinent or use contraceptive methods with a failure rate of < 1% per year during the "
     "treatment period and for at least 5 months after the final dose of atezolizumab and for 6 months after the "
     "last dose of bevacizumab.", "inclusion", "if female then (if childbearing_potential then contraception)"),
    # where the methods are detailed, and a bracket listing them, say which methods, not whether
    ("Male participants must agree to use contraception as detailed in Appendix 4 of this protocol during the "
     "treatment period and for at least 90 days after the last dose of study treatment and refrain from donating "
     "sperm during this period.", "inclusion", "if male then (contraception and attribute no_gamete_donation)"),
    ("Women of childbearing potential must agree to use adequate contraception (hormonal or barrier method of birth "
     "control; abstinence) prior to study entry and for the duration of study participation.", "inclusion",
     "if (female and childbearing_potential) then contraception"),
    # the Merck exclusion: expecting to conceive or father children, for a period stated at length
    ("Is pregnant or breastfeeding or expecting to conceive or father children within the projected duration of the "
     "study, starting with the screening visit through 120 days after the last dose of trial treatment.", "exclusion",
     "pregnant or breastfeeding or attribute plans_pregnancy"),
    ("Women of childbearing potential must have a negative serum β-hCG test at screening", "inclusion",
     "if (female and childbearing_potential) then not pregnant"),
    # not breastfeeding during the study is an undertaking, not the present status
    ("Female participant must agree not to breastfeed starting at screening and throughout the study period and for "
     "6 months after study intervention administration.", "inclusion",
     "if female then attribute no_breastfeeding_during_study"),
    ("Female participant must agree not to breastfeed during the study and for 6 months after the last dose",
     "inclusion", "if female then attribute no_breastfeeding_during_study"),
    ("Women must agree to refrain from breastfeeding during the study and for 3 months after the last dose",
     "inclusion", "if female then attribute no_breastfeeding_during_study"),
    # unwilling to stop (breastfeeding): not agreeing not to breastfeed during the study
    ("Women who are breastfeeding and unwilling to stop", "exclusion",
     "female and (breastfeeding and not attribute no_breastfeeding_during_study)"),
    ("Lactating women who do not agree to discontinue breastfeeding", "exclusion",
     "breastfeeding and not attribute no_breastfeeding_during_study"),
    # breastfeeding during the study: now, and not agreeing to stop (not merely now)
    ("Women who are pregnant, women who will be breastfeeding during the study, and women of childbearing potential "
     "who are not practicing a reliable method of birth control", "exclusion",
     "female and (pregnant or (breastfeeding and not attribute no_breastfeeding_during_study) or (female and "
     "childbearing_potential and not contraception))"),
    ("Planning to breastfeed during the study", "exclusion",
     "breastfeeding and not attribute no_breastfeeding_during_study"),
    # a breastfeeding partner can conceive: the bracket leaves no one out of the group
    ("Male participant with female partner(s) of childbearing potential (including breastfeeding partner) must agree "
     "to use contraception throughout the treatment period and for 3 months after study intervention "
     "administration.", "inclusion", "if (male and attribute partner_childbearing_potential) then contraception"),
    # barrier methods are contraception (the profile says whether, not which); "must" under the
    # exclusions excludes whoever fails it
    ("Women enrolled in this trial must use adequate barrier birth control measures during the course of the trial.",
     "exclusion", "not (if female then (if childbearing_potential then contraception))"),
    ("If a subject is a female of child-bearing potential, she must have a negative result on a urine-based HCG "
     "pregnancy test.", "inclusion", "if (female and childbearing_potential) then not pregnant"),
    ("Female subjects have a positive serum pregnancy result", "exclusion", "female and pregnant"),
    # "Female subjects of non-childbearing potential may be enrolled" lets those women in and is not
    # about men; whether it shuts out the women who could conceive is not said (the record
    # NCT02075515 lets them in under the next item, on conditions), so for them alone it waits.
    # Read as asking nothing it would pass a woman the record may exclude; read as "women must be
    # of non-childbearing potential" it would fail one the next item lets in. The definition of
    # non-childbearing potential says what the profile's field stands for, and asks nothing more.
    ("Female subjects of non-childbearing potential may be enrolled in the study. Non-childbearing potential is "
     "defined as pre-menarche, current tubal ligation, hysterectomy, ovariectomy or post-menopause.", "inclusion",
     'if (female and childbearing_potential) then text "Female subjects of non-childbearing potential may be '
     'enrolled in the study"'),
])
def test_reproduction_wording(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind", [
    # a list the "not" reaches: whether it reaches the contraception too is not said
    ("Women who are not postmenopausal, surgically sterile or using contraception", "exclusion"),
    # a permission limited by a value, and one under the exclusions
    ("Female subjects of non-childbearing potential may be enrolled in the study if they have FSH > 40 IU/L",
     "inclusion"),
    ("Female subjects of non-childbearing potential may be enrolled in the study.", "exclusion"),
    # (a definition alone asks nothing: tests/test_compile_repro8.py)
    # a bracket that narrows the methods is not a list of them
    ("Women of childbearing potential must use contraception (non-hormonal methods only)", "inclusion"),
    # whether the "not" reaches the contraception is not said
    ("Women who are not postmenopausal, surgically sterile or using contraception", "inclusion"),
    # a past pregnancy or breastfeeding is not the status now
    ("History of pregnancy", "exclusion"),
    ("Previous pregnancy", "exclusion"),
    ("Prior breastfeeding", "exclusion"),
    # a plan to stop contraception is not read
    ("Women planning to stop contraception during the study", "exclusion"),
    ("Patients on anticoagulants and unwilling to stop", "exclusion"),  # stop what is not said
    # the day of vaccination is to come
    ("Has a negative pregnancy test on the day of vaccination", "inclusion"),
])
def test_what_stays_words(text, kind):
    assert not is_structured(compile_criterion(text, kind).rule)


def test_a_letter_after_or_is_a_label_only_after_an_earlier_one():
    # "class A or B)": a value, not the label of a second item
    assert to_text(compile_criterion("Cirrhosis (Child-Pugh class A or B)", "inclusion").rule) \
        == "child_pugh_class in {A, B}"


RULE_OPTIONS = ("if female then ((not pregnant and not breastfeeding) and (if (female and childbearing_potential) "
                "then contraception))")


@pytest.mark.parametrize("profile, truth", [
    ({"sex": "male"}, Truth.TRUE),
    ({"sex": "female", "pregnant": False, "breastfeeding": False, "childbearing_potential": False}, Truth.TRUE),
    ({"sex": "female", "pregnant": False, "breastfeeding": False, "childbearing_potential": True,
      "contraception": False}, Truth.FALSE),
    ({"sex": "female", "pregnant": False, "breastfeeding": False, "childbearing_potential": True,
      "contraception": True}, Truth.TRUE),
    ({"sex": "female", "pregnant": True}, Truth.FALSE),
    ({"sex": "female", "pregnant": False, "breastfeeding": False}, Truth.UNKNOWN),
])
def test_the_options_not_to_conceive_ask_contraception_of_those_who_could(profile, truth):
    assert outcome(RULE_OPTIONS, "inclusion", **profile).truth is truth


RULE_MAY_BE_ENROLLED = 'if (female and childbearing_potential) then text "Female subjects of non-childbearing ' \
    'potential may be enrolled in the study"'


@pytest.mark.parametrize("profile, truth", [
    ({"sex": "male"}, Truth.TRUE),
    ({"sex": "female", "childbearing_potential": False}, Truth.TRUE),
    ({"sex": "female", "childbearing_potential": True}, Truth.UNKNOWN),  # the record's next item decides
    ({"sex": "female"}, Truth.UNKNOWN),
])
def test_a_permission_for_women_who_cannot_conceive_fails_no_one(profile, truth):
    assert outcome(RULE_MAY_BE_ENROLLED, "inclusion", **profile).truth is truth


@pytest.mark.parametrize("profile, truth", [
    ({"sex": "male"}, Truth.TRUE),
    ({"sex": "female", "breastfeeding": False}, Truth.UNKNOWN),  # not now is not an undertaking
    ({"sex": "female", "attributes": {"agrees not to breastfeed during the study": True}}, Truth.TRUE),
    ({"sex": "female", "attributes": {"agrees not to breastfeed during the study": False}}, Truth.FALSE),
])
def test_agreeing_not_to_breastfeed_is_recorded_as_an_attribute(profile, truth):
    rule = "if female then attribute no_breastfeeding_during_study"
    assert outcome(rule, "inclusion", **profile).truth is truth


@pytest.mark.parametrize("profile, truth", [
    ({"sex": "female", "breastfeeding": False}, Truth.FALSE),
    # weaning before the study: not excluded, as the reading "breastfeeding" alone would have it
    ({"sex": "female", "breastfeeding": True, "attributes": {"agrees not to breastfeed during the study": True}},
     Truth.FALSE),
    ({"sex": "female", "breastfeeding": True}, Truth.UNKNOWN),
    ({"sex": "female", "breastfeeding": True, "attributes": {"agrees not to breastfeed during the study": False}},
     Truth.TRUE),
])
def test_breastfeeding_during_the_study_excludes_only_who_will_not_stop(profile, truth):
    rule = "breastfeeding and not attribute no_breastfeeding_during_study"
    assert outcome(rule, "exclusion", **profile).truth is truth
