"""Pregnancy, contraception, breastfeeding and childbearing potential, eighth round (after
tests/test_compile_repro7.py). Criterion text → canonical rule, what the reading means for a
patient, and the near misses that must stay free text."""

import pytest

from screening.compile import compile_criterion
from screening.logic import Truth
from screening.nodes import is_structured
from screening.printer import to_text

from made_up import outcome


@pytest.mark.parametrize("text, kind, rule", [
    # when a pregnancy test is taken: the profile records the status now, so a second time ("or
    # Day 1", "and prior to dosing on Day 1") or "on enrollment" asks nothing more
    ("Positive pregnancy test at screening or Day 1", "exclusion", "pregnant"),
    ("Negative pregnancy test at screening or Day 1", "inclusion", "not pregnant"),
    ("Women of childbearing potential must have a negative urine pregnancy test at screening and prior to dosing on "
     "Day 1", "inclusion", "if (female and childbearing_potential) then not pregnant"),
    ("Negative pregnancy test on enrollment", "inclusion", "not pregnant"),
    # the women who could conceive named in a closing bracket, or as a heading
    ("Negative serum or urine pregnancy test within 7 days prior to randomization (women of childbearing potential "
     "only)", "inclusion", "if (female and childbearing_potential) then not pregnant"),
    ("Negative pregnancy test (WOCBP only)", "inclusion", "if (female and childbearing_potential) then not pregnant"),
    ("Positive pregnancy test (women of childbearing potential only)", "exclusion",
     "female and childbearing_potential and pregnant"),
    ("Women of childbearing potential: negative pregnancy test and use of highly effective contraception",
     "inclusion", "if (female and childbearing_potential) then (not pregnant and contraception)"),
    ("Women of childbearing potential: positive pregnancy test or not using contraception", "exclusion",
     "female and childbearing_potential and (pregnant or not contraception)"),
    # what contraception is for, and for how long, are not recorded
    ("Women of childbearing potential who are unwilling or unable to use an acceptable method of contraception to "
     "avoid pregnancy for the entire study period and for up to 4 weeks after the study", "exclusion",
     "female and childbearing_potential and not contraception"),
    ("Women of childbearing potential must agree to use contraception to avoid pregnancy", "inclusion",
     "if (female and childbearing_potential) then contraception"),
    # a pregnant partner: in an exclusion, the men are named for that alone
    ("Male subjects with pregnant partners", "exclusion", "male and attribute partner_pregnant"),
    ("Men whose partners are pregnant", "exclusion", "male and attribute partner_pregnant"),
    ("Male participants whose female partners are pregnant or breastfeeding", "exclusion",
     "male and attribute partner_pregnant"),
    # a plan of either parent: the one attribute, not a woman's plan only
    ("Planning to become pregnant or father a child during the study", "exclusion", "attribute plans_pregnancy"),
    ("Intention to become pregnant or to father a child during the study", "exclusion", "attribute plans_pregnancy"),
    ("Intends to become pregnant or to father a child within 6 months after the last dose", "exclusion",
     "attribute plans_pregnancy"),
    ("Pregnant, breastfeeding, or planning to become pregnant or father a child during the study", "exclusion",
     "pregnant or breastfeeding or attribute plans_pregnancy"),
    ("No plans to become pregnant or father a child during the study", "inclusion", "not attribute plans_pregnancy"),
    ("Women planning to become pregnant", "exclusion", "female and attribute plans_pregnancy"),
    # how a pregnancy is shown says no more than "pregnant"
    ("Pregnancy (confirmed by a positive pregnancy test)", "exclusion", "pregnant"),
    ("Pregnant, as confirmed by a positive serum pregnancy test", "exclusion", "pregnant"),
    ("Current pregnancy (documented by pregnancy testing within 24 hours prior to pilot studies and 24 hours prior to "
     "scanning)", "exclusion", "pregnant"),
    ("Pregnant (as confirmed by positive serum pregnancy test at screening) or breastfeeding", "exclusion",
     "pregnant or breastfeeding"),
    # not of childbearing potential, the ways of it named in brackets or after "i.e."
    ("Women must be of non-child-bearing potential (postmenopausal or surgically sterile)", "inclusion",
     "if female then not childbearing_potential"),
    ("Female subjects must be of non-childbearing potential, i.e. surgically sterilized or postmenopausal for at "
     "least 1 year", "inclusion", "if female then not childbearing_potential"),
    # "at least 2 years postmenopausal": for at least 2 years, and only the menopause
    ("Women must be surgically sterile or at least 2 years postmenopausal", "inclusion",
     "if female then (procedure surgical_sterilization or condition menopause lasting >= 2 years)"),
    ("Females must be at least 1 year postmenopausal or surgically sterile", "inclusion",
     "if female then (condition menopause lasting >= 1 years or procedure surgical_sterilization)"),
    ("Females must be at least 1 year postmenopausal, surgically sterile, or using effective contraception",
     "inclusion", "if (female and childbearing_potential) then contraception"),
    # premenopausal: not postmenopausal (the "not" reaching nothing after it)
    ("Premenopausal women", "inclusion", "if female then not condition menopause"),
    ("Pre- or perimenopausal women", "inclusion", "if female then not condition menopause"),
    ("Premenopausal women with hormone receptor-positive breast cancer", "inclusion",
     "if female then (not condition menopause and condition hormone_receptor_positive_breast_cancer)"),
    ("Pre-menopausal female patients aged 18 to 45 years", "inclusion",
     "if female then (not condition menopause and (age >= 18 years and age <= 45 years))"),
    ("Premenopausal women with breast cancer", "exclusion", "female and (not condition menopause and condition "
     "breast_cancer)"),
    # regular menstrual cycles: none of what stops them
    ("Women aged 18 to 45 years with regular menstrual cycles", "inclusion",
     "if female then ((age >= 18 years and age <= 45 years) and (not condition menstrual_irregularity and not "
     "condition amenorrhea and not condition menopause))"),
    ("Premenopausal women with regular menstrual cycles", "inclusion",
     "if female then (not condition menopause and (not condition menstrual_irregularity and not condition amenorrhea "
     "and not condition menopause))"),
    # how effective, which barrier, what a donation is for: not recorded
    ("Women of childbearing potential must use a highly effective method of contraception (failure rate < 1% per "
     "year)", "inclusion", "if (female and childbearing_potential) then contraception"),
    ("Men must agree to use a condom with spermicide", "inclusion", "if male then contraception"),
    ("Male subjects must be surgically sterile or agree to use a double barrier method of contraception",
     "inclusion", "if male then (procedure surgical_sterilization or contraception)"),
    ("Female participants must agree not to donate eggs (ova, oocytes) for the purpose of assisted reproduction "
     "during the study and for 6 months after the last dose", "inclusion",
     "if female then attribute no_gamete_donation"),
    ("Male participants must agree not to donate sperm for the purpose of reproduction during the study",
     "inclusion", "if male then attribute no_gamete_donation"),
    # "unless they use contraception", after the women who could conceive (a definition of them
    # between) or a group of men: those who do not
    ("Women of child-bearing potential, defined as all women physiologically capable of becoming pregnant, unless "
     "they are using highly effective methods of contraception during dosing and for 7 days after stopping study "
     "medication", "exclusion", "female and childbearing_potential and not contraception"),
    ("Sexually active males unless they use a condom during intercourse while taking drug and for 5 days after "
     "stopping treatment and should not father a child in this period", "exclusion",
     "male and attribute sexually_active and not contraception"),
    # two groups asked one thing, the men named first, or the women with their own subgroup
    ("Male participants able to father children and female participants of childbearing potential and at risk for "
     "pregnancy must agree to use a highly effective method of contraception throughout the study and for at least "
     "28 days after the last dose of assigned treatment", "inclusion",
     "if ((female and attribute sexually_active and childbearing_potential) or (male and attribute "
     "able_to_father_children)) then contraception"),
    ("Women of childbearing potential and men with partners of childbearing potential must agree to use adequate "
     "contraception", "inclusion", "if ((female and childbearing_potential) or (male and attribute "
     "partner_childbearing_potential)) then contraception"),
    ("Note: All female patients of childbearing potential and sexually mature males must use a medically accepted "
     "method of contraception throughout the study.", "inclusion", "if ((female and childbearing_potential) or (male "
     "and attribute able_to_father_children)) then contraception"),
    ("Women of childbearing potential who are sexually active and not using contraception", "exclusion",
     "female and attribute sexually_active and childbearing_potential and not contraception"),
    # the GSK form, its test in brackets with the hormone named at length
    ("A female participant is eligible to participate if she is not pregnant (as confirmed by a negative urine or "
     "serum human chorionic gonadotrophin (hCG) test), not lactating, and at least one of the following conditions "
     "applies: Not a woman of childbearing potential (WOCBP) OR A WOCBP who agrees to follow the contraceptive "
     "guidance during the treatment period and for at least 30 days after the last dose", "inclusion",
     "if female then (not pregnant and not breastfeeding and (if (female and childbearing_potential) then "
     "contraception))"),
    ("Women of childbearing potential (WOCBP) must use method(s) of contraception as indicated in Appendix 4",
     "inclusion", "if (female and childbearing_potential) then contraception"),
    ("Female subjects must be 1 year post-menopausal, surgically sterile, or using one highly effective form of "
     "birth control", "inclusion", "if (female and childbearing_potential) then contraception"),
    ("Women who are pregnant or nursing, or who plan to become pregnant while in the study", "exclusion",
     "female and (pregnant or breastfeeding or (female and attribute plans_pregnancy))"),
    # a second method, the partner's: how many methods, and whose, not recorded
    ("Male participants with a female partner of childbearing potential must agree to use a condom and have their "
     "partner use an additional highly effective method of contraception", "inclusion",
     "if (male and attribute partner_childbearing_potential) then contraception"),
    ("Male participants with female partners of childbearing potential must agree to use a condom plus an "
     "additional highly effective method", "inclusion",
     "if (male and attribute partner_childbearing_potential) then contraception"),
    ("Agreement to use contraception during the study and for 6 months after the last dose (for participants of "
     "childbearing potential)", "inclusion", "if (female and childbearing_potential) then contraception"),
    ("Women of childbearing potential not willing to use contraception during the study and for 30 days afterwards",
     "exclusion", "female and childbearing_potential and not contraception"),
    ("Women of childbearing potential who are not using or not willing to use contraception", "exclusion",
     "female and childbearing_potential and not contraception"),
    ("Fertile women not using adequate contraception", "exclusion",
     "female and childbearing_potential and not contraception"),
    # how long after the last dose breastfeeding is planned, as for a planned pregnancy
    ("Women who are breastfeeding or intend to breastfeed during the study or within 30 days after the last dose",
     "exclusion", "female and (breastfeeding or (breastfeeding and not attribute no_breastfeeding_during_study))"),
    # "postmenopausal, defined as" the usual year without menses: what menopause is
    ("Postmenopausal women, defined as no menses for at least 12 months", "inclusion",
     "if female then condition menopause"),
    ("Women must be postmenopausal, defined as no menses for at least 12 months without an alternative medical cause",
     "inclusion", "if female then condition menopause"),
])
def test_reproduction_wording(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


@pytest.mark.parametrize("text, kind, rule", [
    # a definition alone says what a term the other items use means, and asks nothing
    ("A woman is considered of childbearing potential if she is postmenarchal, has not reached a postmenopausal "
     "state (≥ 12 continuous months of amenorrhea with no identified cause other than menopause), and has not "
     "undergone surgical sterilization (removal of ovaries and/or uterus)", "inclusion", None),
    ("Women of childbearing potential are defined as all women physiologically capable of becoming pregnant",
     "exclusion", None),
    ("Non-childbearing potential is defined as pre-menarche, hysterectomy or post-menopause.", "inclusion", None),
    ("Postmenopausal is defined as no menses for 12 months without an alternative medical cause", "inclusion", None),
    ("Highly effective methods of contraception include: combined hormonal contraception, IUD, bilateral tubal "
     "occlusion, vasectomized partner and sexual abstinence", "inclusion", None),
    ("Periodic abstinence (e.g., calendar, ovulation, symptothermal, or postovulation methods) and withdrawal are not "
     "acceptable methods of contraception.", "inclusion", None),
    # after a requirement, the definition and the items it lists add nothing to it (read as
    # items, "intrauterine device" would fail every woman without one)
    ("Women of childbearing potential must use highly effective contraception. Highly effective methods include: "
     "combined hormonal contraception; intrauterine device; vasectomised partner; sexual abstinence.", "inclusion",
     "if (female and childbearing_potential) then contraception"),
    ("Female participants of childbearing potential must use a highly effective method of contraception. A woman is "
     "considered of childbearing potential if she is postmenarchal, has not reached a postmenopausal state, and has "
     "not undergone surgical sterilization.", "inclusion", "if (female and childbearing_potential) then contraception"),
    ("Pregnant or breastfeeding. Postmenopausal is defined as 12 months of amenorrhea.", "exclusion",
     "pregnant or breastfeeding"),
    # the rest of a definition's sentence is its own ("…; has not reached a postmenopausal state"
    # read alone would fail every postmenopausal woman); the next sentence is read again, unless
    # the definition opened a list
    ("WOCBP must use contraception. A woman is considered of childbearing potential if she is postmenarchal; has "
     "not reached a postmenopausal state; and has not undergone surgical sterilization.", "inclusion",
     "if (female and childbearing_potential) then contraception"),
    ("Pregnant or breastfeeding. WOCBP is defined as a premenopausal female capable of becoming pregnant. History of "
     "hypersensitivity to the study drug.", "exclusion",
     "pregnant or breastfeeding or condition study_drug_hypersensitivity [history]"),
    ("Women of childbearing potential must use highly effective contraception. Highly effective methods include: "
     "combined hormonal contraception; intrauterine device. Vasectomised partner. Sexual abstinence.", "inclusion",
     "if (female and childbearing_potential) then contraception"),
    # a definition that asks something too is read for what it asks
    ("Women of childbearing potential are defined as women who are not postmenopausal and must use contraception",
     "inclusion", "if childbearing_potential then contraception"),
    ("o A woman is considered to be of childbearing potential if she is postmenarchal, has not reached a "
     "postmenopausal state", "inclusion", None),
    # (after an investigator's call on "healthy", the next sentences are read as before)
    ("Healthy men aged 18-55. Negative pregnancy test. WOCBP is defined as a premenopausal female capable of "
     "becoming pregnant.", "inclusion",
     '(judgement "Healthy" and (if male then (age >= 18 years and age <= 55 years))) and not pregnant'),
    # a requirement after the items is read again
    ("Highly effective methods of contraception include: pill; IUD. Men must use a condom.", "inclusion",
     "if male then contraception"),
    ("WOCBP is defined as a premenopausal female capable of becoming pregnant; WOCBP must use contraception",
     "inclusion", "if (female and childbearing_potential) then contraception"),
])
def test_definitions_ask_nothing(text, kind, rule):
    read = compile_criterion(text, kind).rule
    if rule is None:
        assert to_text(read).startswith("asks_nothing defines ")
    else:
        assert to_text(read) == rule


@pytest.mark.parametrize("text, kind", [
    # a test at a time still to come
    ("Negative pregnancy test at screening and before each dose", "inclusion"),
    # the men alone, in an inclusion (a heading, or the men the trial takes?), or before a colon
    ("Male subjects with pregnant partners", "inclusion"),
    ("Male subjects with pregnant partners:", "exclusion"),
    # a heading with nothing after it
    ("Women of childbearing potential:", "inclusion"),
    # a plan named in words the fathering does not end
    ("Planning to become pregnant or father baby", "exclusion"),
    # before or after: the "not" would reach both
    ("Premenopausal or postmenopausal women", "inclusion"),
    ("Pre- or post-menopausal women", "inclusion"),
    ("Premenopausal women with breast cancer or ovarian cancer", "inclusion"),
    # whether "who" reaches the men too is not said
    ("Male participants able to father children and female participants of childbearing potential who are "
     "unwilling to use contraception", "exclusion"),
    # an age, not how long since the menopause
    ("Women aged 55 years postmenopausal", "inclusion"),
    # a length of the cycle, which a profile does not record; a past
    ("Regular menstrual cycles (21-35 days)", "inclusion"),
    ("History of regular menstrual cycles every 25-40 days", "inclusion"),
    # a definition that lets in more than a recorded menopause, or fewer
    ("Postmenopausal women, defined as amenorrhea for at least 12 months or FSH > 40 IU/L", "inclusion"),
    ("Postmenopausal women, defined as no menses for at least 24 months", "exclusion"),
    # "sexually mature" women are not able to father children
    ("Sexually mature women must use contraception", "inclusion"),
    # how the pregnancy is shown, other than by a test
    ("Pregnant, as confirmed by ultrasound", "exclusion"),
    # "postmenopausal, defined as" age or amenorrhea: broader than a record of menopause
    ("Postmenopausal women, defined as age ≥ 60 years or amenorrhea for at least 12 months", "inclusion"),
])
def test_what_stays_words(text, kind):
    assert not is_structured(compile_criterion(text, kind).rule)


@pytest.mark.parametrize("profile, truth", [
    ({"sex": "male", "attributes": {"has a pregnant partner": True}}, Truth.TRUE),
    ({"sex": "male", "attributes": {"has a pregnant partner": False}}, Truth.FALSE),
    ({"sex": "male"}, Truth.UNKNOWN),
    ({"sex": "female"}, Truth.FALSE),  # a woman is not one of the men named
])
def test_men_with_a_pregnant_partner(profile, truth):
    assert outcome("male and attribute partner_pregnant", "exclusion", **profile).truth is truth


@pytest.mark.parametrize("profile", [
    {"sex": "female", "childbearing_potential": True, "contraception": False},
    {"sex": "male"},
    {},
])
def test_a_definition_passes_everyone(profile):
    rule = 'asks_nothing defines "Postmenopausal is defined as 12 months of amenorrhea"'
    assert outcome(rule, "inclusion", **profile).truth is Truth.TRUE
    assert outcome(rule, "exclusion", **profile).truth is Truth.FALSE


@pytest.mark.parametrize("profile, truth", [
    ({"sex": "male", "attributes": {"planning a pregnancy or to father a child": True}}, Truth.TRUE),
    ({"sex": "male", "attributes": {"planning a pregnancy or to father a child": False}}, Truth.FALSE),
    ({"sex": "female", "attributes": {"planning a pregnancy or to father a child": True}}, Truth.TRUE),
    ({"sex": "male"}, Truth.UNKNOWN),
])
def test_either_parents_plan_excludes(profile, truth):
    assert outcome("attribute plans_pregnancy", "exclusion", **profile).truth is truth


@pytest.mark.parametrize("profile, truth", [
    ({"sex": "female", "conditions": [{"name": "menopause"}]}, Truth.FALSE),
    ({"sex": "female", "conditions": [{"name": "surgical menopause"}]}, Truth.FALSE),
    # menopause is seldom listed: a complete list without it does not say she is premenopausal
    ({"sex": "female", "complete": ["conditions"], "conditions": []}, Truth.UNKNOWN),
    ({"sex": "female", "conditions": [{"name": "perimenopause"}]}, Truth.UNKNOWN),
    ({"sex": "male"}, Truth.TRUE),
])
def test_premenopausal_women_fails_only_the_postmenopausal(profile, truth):
    assert outcome("if female then not condition menopause", "inclusion", **profile).truth is truth


@pytest.mark.parametrize("profile, truth", [
    # sterilized weeks ago: the two years are the menopause's, not the sterilization's
    ({"sex": "female", "procedures": [{"name": "tubal ligation", "date": "2026-11-01"}]}, Truth.TRUE),
    ({"sex": "female", "conditions": [{"name": "menopause", "onset": "2023-01-01"}]}, Truth.TRUE),
    # not two years yet (and the menopause seldom listed, so another entry is not ruled out)
    ({"sex": "female", "complete": ["procedures", "conditions"], "procedures": [],
      "conditions": [{"name": "menopause", "onset": "2026-01-01"}]}, Truth.UNKNOWN),
])
def test_years_postmenopausal_are_the_menopauses(profile, truth):
    rule = "if female then (procedure surgical_sterilization or condition menopause lasting >= 2 years)"
    assert outcome(rule, "inclusion", **profile).truth is truth


@pytest.mark.parametrize("profile, truth", [
    ({"sex": "male", "attributes": {"able to father children": True}, "contraception": False}, Truth.FALSE),
    ({"sex": "male", "attributes": {"able to father children": False}}, Truth.TRUE),
    ({"sex": "female", "childbearing_potential": False}, Truth.TRUE),
    # not sexually active (with a man): not at risk of pregnancy, not asked
    ({"sex": "female", "childbearing_potential": True, "attributes": {"sexually active (heterosexually)": False}},
     Truth.TRUE),
    ({"sex": "female", "childbearing_potential": True, "attributes": {"sexually active (heterosexually)": True},
      "contraception": False}, Truth.FALSE),
])
def test_two_groups_asked_contraception(profile, truth):
    rule = ("if ((female and attribute sexually_active and childbearing_potential) or (male and attribute "
            "able_to_father_children)) then contraception")
    assert outcome(rule, "inclusion", **profile).truth is truth


@pytest.mark.parametrize("profile, truth", [
    ({"sex": "female", "conditions": [{"name": "irregular menses"}]}, Truth.FALSE),
    ({"sex": "female", "conditions": [{"name": "amenorrhea"}]}, Truth.FALSE),
    ({"sex": "female", "conditions": [{"name": "postmenopausal"}]}, Truth.FALSE),
    # nothing recorded, even on a complete list: the menopause is seldom listed
    ({"sex": "female", "complete": ["conditions"], "conditions": []}, Truth.UNKNOWN),
])
def test_regular_cycles_fail_only_whom_the_record_shows_without_them(profile, truth):
    rule = "not condition menstrual_irregularity and not condition amenorrhea and not condition menopause"
    assert outcome(rule, "inclusion", **profile).truth is truth
