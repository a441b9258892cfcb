"""Round 8 consent, capacity, compliance and where the patient is: consent or compliance that a
parent, guardian or representative may give for the patient, an ability said to fall short. Each
construct read here, its near misses that must stay free text, and what the readings decide for
made-up patients."""

from __future__ import annotations

import pytest

from made_up import outcome
from screening.compile import compile_criterion
from screening.logic import Truth
from screening.printer import to_text

READ = [
    # someone else may consent for the patient: that consent can be had at all
    ("Patient or legally authorized representative (LAR) able to provide informed consent", "inclusion",
     "attribute consent_in_person_or_by_proxy"),
    ("Patient or their legally authorized representative is willing and able to provide written informed consent",
     "inclusion", "attribute consent_in_person_or_by_proxy"),
    ("Patient or legal representative able to give informed consent", "inclusion",
     "attribute consent_in_person_or_by_proxy"),
    ("Patient (or legally authorized representative) must be able to understand and willing to sign a written "
     "informed consent document", "inclusion", "attribute consent_in_person_or_by_proxy"),
    ("Subject or carer / legal representative is willing to sign consent document", "inclusion",
     "attribute consent_in_person_or_by_proxy"),
    ("Parent(s)/legal guardian(s) willing and able to provide written informed consent", "inclusion",
     "attribute consent_in_person_or_by_proxy"),
    ("Parent/guardian willing and able to give consent", "inclusion", "attribute consent_in_person_or_by_proxy"),
    ("Parental ability to give consent", "inclusion", "attribute consent_in_person_or_by_proxy"),
    ("Patient or legal guardian unable to give consent", "exclusion", "not attribute consent_in_person_or_by_proxy"),
    ("Patient or legal guardian unable to provide informed consent", "exclusion",
     "not attribute consent_in_person_or_by_proxy"),
    ("Ability to provide written informed consent or have a legally authorized representative provide consent",
     "inclusion", "attribute consent_in_person_or_by_proxy"),
    ("Able to give informed consent or, if unable, have a legally authorized representative available to give "
     "consent", "inclusion", "attribute consent_in_person_or_by_proxy"),
    ("Willing and able to provide informed consent, or have a legally authorized representative willing to do so",
     "inclusion", "attribute consent_in_person_or_by_proxy"),
    # or comply with the study for the patient
    ("Parent or legal guardian willing and able to comply with all study procedures", "inclusion",
     "attribute complies_in_person_or_by_proxy"),
    ("Patient or caregiver willing to comply with study procedures", "inclusion",
     "attribute complies_in_person_or_by_proxy"),
    # the NCI template: those with impaired decision-making capacity who have a representative
    # are also eligible, which widens the consent asked for before
    ("Ability to understand and the willingness to sign a written informed consent document. Participants with "
     "impaired decision-making capacity (IDMC) who have a legally authorized representative (LAR) and/or family "
     "member available will also be eligible", "inclusion", "attribute consent_in_person_or_by_proxy"),
    # who signs does not change that consent is given
    ("Written informed consent from the patient or legally authorized representative", "inclusion", "consent"),
    ("Parent or legal guardian has signed informed consent", "inclusion", "consent"),
    ("Participant or legally authorized representative (LAR) provides written informed consent", "inclusion",
     "consent"),
    ("Patient or legally authorized representative (LAR) must provide written informed consent", "inclusion",
     "consent"),
    ("Written informed consent obtained from the participant or LAR prior to performing any protocol-related "
     "procedures", "inclusion", "consent"),
    # an ability that falls short, in an exclusion: the attribute not had
    ("Impaired decision-making capacity", "exclusion", "not attribute able_to_consent"),
    ("Lacks capacity to consent", "exclusion", "not attribute able_to_consent"),
    ("Participants who cannot give informed consent", "exclusion", "not attribute able_to_consent"),
    ("Patients who are unable to give consent themselves", "exclusion", "not attribute able_to_consent"),
    ("Limited English proficiency", "exclusion", "not attribute speaks_english"),
    ("Insufficient archival tissue", "exclusion", "not attribute archival_tissue_available"),
    # the visits, the schedule and the study to its end are what the patient complies with
    ("Participant is willing and able to adhere to the study visit schedule and other protocol requirements",
     "inclusion", "attribute able_to_comply"),
    ("Willing and able to complete all study visits and procedures", "inclusion", "attribute able_to_comply"),
    ("Willing and able to comply with study procedures and follow-up examinations", "inclusion",
     "attribute able_to_comply"),
    ("Capable of understanding and complying with protocol requirements", "inclusion", "attribute able_to_comply"),
    ("Able to complete the study", "inclusion", "attribute able_to_comply"),
    ("Unable to complete the study procedures", "exclusion", "not attribute able_to_comply"),
    ("Willing and able to return for all follow-up visits", "inclusion", "attribute attends_study_visits"),
    ("Unable to return to the clinic for follow-up visits", "exclusion", "not attribute attends_study_visits"),
    ("Patient able to understand and respect the protocol", "inclusion", "attribute able_to_comply"),
    # a study visit is when, not what is complied with
    ("Exposure to any investigational agent within the 30 days prior to study visit 1", "exclusion",
     "medication investigational_agent within 30 days before baseline"),
    # willing to sign, after willing to take part: not yet signed
    ("Willing to participate in the study and sign the informed consent form", "inclusion",
     "attribute able_to_comply and attribute able_to_consent"),
    # what the patient understands is what consent is given to
    ("Able to understand the purpose and risks of the study and provide signed and dated informed consent",
     "inclusion", "attribute able_to_consent"),
    ("Capable of understanding the written informed consent, provides signed and witnessed written informed consent "
     "and agrees to comply with protocol requirements", "inclusion",
     "attribute able_to_consent and consent and attribute able_to_comply"),
    # the French template: deprived of liberty, under legal protection
    ("Persons deprived of liberty by judicial or administrative decision", "exclusion",
     "condition court_ordered_institutionalization"),
    ("Persons under legal protection (guardianship, curatorship)", "exclusion", "condition legal_incapacity"),
    # the French template: free and informed consent, social security
    ("Patient who has given free, informed and written consent", "inclusion", "consent"),
    ("Affiliated with or beneficiary of a social security scheme", "inclusion", "attribute health_insurance"),
    ("Obtaining informed consent", "inclusion", "consent"),
    # who approved the consent form says no more: every one is
    ("Signed and dated IRB/EC approved informed consent", "inclusion", "consent"),
    ("Subject has voluntarily signed and dated the informed consent form approved by the Ethics Committee",
     "inclusion", "consent"),
    ("Provision of written informed consent (IRB approved)", "inclusion", "consent"),
    # having been told what the study is, is what informed consent is
    ("Patient has been informed of the nature of the study and has signed informed consent", "inclusion", "consent"),
    ("The patient has been informed about the study and has given written informed consent", "inclusion", "consent"),
    # living in an institution, or in the community
    ("Residing in a nursing home or long-term care facility", "exclusion", "condition institutionalized"),
    ("Resident of a long-term care facility", "exclusion", "condition institutionalized"),
    ("Community-dwelling", "inclusion", "not condition institutionalized"),
    # living in the study's area, cared for at its site
    ("Living in the catchment area of the study hospital", "inclusion", "attribute lives_in_study_area"),
    ("Resident of the study area", "inclusion", "attribute lives_in_study_area"),
    ("Residing outside the catchment area", "exclusion", "not attribute lives_in_study_area"),
    ("Receiving care at the study site", "inclusion", "attribute cared_for_at_study_site"),
    ("Access to transportation to the study site", "inclusion", "attribute has_transportation"),
    ("Lack of transportation", "exclusion", "not attribute has_transportation"),
    # the site's language, whichever it is
    ("Fluent in the local language", "inclusion", "attribute speaks_local_language"),
    ("Able to read and understand the local language", "inclusion", "attribute reads_local_language"),
    # moving away while the study lasts, and staying
    ("Planned relocation during the study period", "exclusion", "attribute plans_to_relocate"),
    ("Intends to relocate out of the study area during the study period", "exclusion",
     "attribute plans_to_relocate"),
    ("Plans to remain in the study area for the duration of the study", "inclusion",
     "not attribute plans_to_relocate"),
    ("No plans to relocate during the study", "inclusion", "not attribute plans_to_relocate"),
    # available for the whole study
    ("Unavailable for follow-up", "exclusion", "not attribute available_for_follow_up"),
    ("Available for follow-up for the duration of the study", "inclusion", "attribute available_for_follow_up"),
    # able to do a test the study measures with
    ("Able to perform spirometry", "inclusion", "attribute performs_spirometry"),
    ("Unable to perform pulmonary function tests", "exclusion", "not attribute performs_spirometry"),
    ("Able to complete the 6MWT", "inclusion", "attribute performs_six_minute_walk_test"),
    ("Inability to perform exercise testing", "exclusion", "not attribute performs_exercise_test"),
    # a diary kept for the study, on paper or a device
    ("Able and willing to complete the daily e-diary", "inclusion", "attribute completes_electronic_diary"),
    ("Willing to complete a symptom diary", "inclusion", "attribute completes_diary"),
    # one fresh tumour biopsy for the study
    ("Willing to undergo a fresh tumor biopsy", "inclusion", "attribute agrees_to_tumor_biopsy"),
    ("Willing to provide archival tumor tissue or undergo a fresh biopsy", "inclusion",
     "attribute archival_tissue_available or attribute agrees_to_tumor_biopsy"),
    ("Unwilling to undergo a tumor biopsy", "exclusion", "not attribute agrees_to_tumor_biopsy"),
    # one word or phrase denying an attribute
    ("Illiterate", "exclusion", "not attribute literate"),
    ("Inability to read or write", "exclusion", "not attribute literate"),
    ("Unable to walk", "exclusion", "not attribute ambulatory"),
    ("Non-ambulatory", "exclusion", "not attribute ambulatory"),
    # walking without help is more than walking with an aid
    ("Unable to walk without assistance", "exclusion", "not attribute walks_unassisted"),
    ("Able to walk independently", "inclusion", "attribute walks_unassisted"),
    ("able to walk with or without walking aid,", "inclusion", "attribute ambulatory"),
    ("Ambulatory, with or without assistive device", "inclusion", "attribute ambulatory"),
    # languages listed with one verb, a verb listed with one language
    ("Fluent in English or Spanish", "inclusion", "attribute speaks_english or attribute speaks_spanish"),
    ("English- or Spanish-speaking", "inclusion", "attribute speaks_english or attribute speaks_spanish"),
    ("Able to speak English, French or German", "inclusion",
     "attribute speaks_english or attribute speaks_french or attribute speaks_german"),
    ("Able to read and understand English or Spanish", "inclusion", "attribute reads_english or attribute reads_spanish"),
    # unable to speak either: the inability reaches each (it does not stop at the first verb)
    ("Unable to speak English or Spanish", "exclusion", "not attribute speaks_english and not attribute speaks_spanish"),
    ("Not fluent in English or Spanish", "exclusion", "not attribute speaks_english and not attribute speaks_spanish"),
    ("Inability to speak or read English", "exclusion", "not attribute speaks_english and not attribute reads_english"),
]


@pytest.mark.parametrize("text, kind, rule", READ)
def test_read(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


STAYS_WORDS = [
    ("Parental informed consent and child assent", "inclusion"),
    # the child's assent is asked too, which the attribute does not say
    ("Parent or legal guardian willing and able to provide written informed consent and child willing to provide "
     "assent", "inclusion"),
    # an inability to consent asked for: a signed consent, which counts as able, may be a representative's
    ("Unable to provide informed consent", "inclusion"),
    ("Patient or legal guardian unable to provide informed consent", "inclusion"),
    ("Patients who cannot give informed consent", "inclusion"),
    # less than the attribute asked for: one recorded with it may still have less
    ("Impaired decision-making capacity", "inclusion"),
    ("Limited English proficiency", "inclusion"),
    # one visit at a time named is not every visit
    ("Willing and able to return for follow-up at 6 months", "inclusion"),
    # a time that is not the study's: a move after the treatment period, or after 12 months, may
    # fall inside a longer study
    ("Plans to relocate during the treatment period", "exclusion"),
    ("Planned relocation within the next 12 months", "exclusion"),
    ("Plans to move out of the area within the next 12 months", "exclusion"),
    # more than being able to do the test
    ("Able to perform acceptable and reproducible spirometry", "inclusion"),
    ("Able to perform a 6-minute walk test with a distance of at least 150 m", "inclusion"),
    ("Able to perform the 6MWT without oxygen", "inclusion"),
    # a representative who may consent, after an inability: "unable to consent or have someone" is not said
    ("Unable to provide informed consent or have a legally authorized representative provide consent", "exclusion"),
    # living independently is more than out of an institution
    ("Living independently in the community", "inclusion"),
    # a place named, a distance from the site, or how long the patient has lived there says more
    ("Living in the greater San Francisco Bay Area", "inclusion"),
    ("Patient's receiving care at Grady Hospital", "inclusion"),
    ("Resides within 50 miles of the study site", "inclusion"),
    ("Resident of the study area for at least 6 months", "inclusion"),
    # paired biopsies ask more than one; a biopsy of an organ is not of the tumour
    ("Willing to undergo pre-treatment and on-treatment tumor biopsies", "inclusion"),
    ("Willing to undergo a liver biopsy", "inclusion"),
    # an allowance after the attribute: an aid lets in who does not walk unassisted
    ("Able to walk unassisted (cane allowed)", "inclusion"),
    # how far is more than being able to walk
    ("Unable to walk 50 meters", "exclusion"),
    ("Able to walk 10 meters with or without an assistive device", "inclusion"),
    # two verbs and two languages: which of each is not said
    ("Able to speak and read English or Spanish", "inclusion"),
]


@pytest.mark.parametrize("text, kind", STAYS_WORDS)
def test_stays_words(text, kind):
    assert to_text(compile_criterion(text, kind).rule).startswith("text ")


def _rule(text: str, kind: str) -> str:
    return to_text(compile_criterion(text, kind).rule)


def test_consent_by_proxy_is_had_by_whoever_can_consent():
    rule = _rule("Patient or legally authorized representative able to provide informed consent", "inclusion")
    assert outcome(rule, "inclusion", attributes={"able_to_consent": True}).truth is Truth.TRUE
    assert outcome(rule, "inclusion", consent=True).truth is Truth.TRUE
    # a patient who cannot consent may have a representative who can
    assert outcome(rule, "inclusion", attributes={"able_to_consent": False}).truth is Truth.UNKNOWN
    assert outcome(rule, "inclusion", attributes={"consent_in_person_or_by_proxy": True}).truth is Truth.TRUE
    assert outcome(rule, "inclusion", attributes={"consent_in_person_or_by_proxy": False}).truth is Truth.FALSE


def test_no_one_to_consent_excludes_only_who_has_no_one():
    rule = _rule("Patient or legal guardian unable to provide informed consent", "exclusion")
    assert outcome(rule, "exclusion", attributes={"able_to_consent": False}).truth is Truth.UNKNOWN
    assert outcome(rule, "exclusion", attributes={"able_to_consent": True}).truth is Truth.FALSE
    assert outcome(rule, "exclusion", consent=True).truth is Truth.FALSE


def test_the_nci_template_lets_in_who_consents_through_a_representative():
    rule = _rule("Ability to understand and the willingness to sign a written informed consent document. "
                 "Participants with impaired decision-making capacity (IDMC) who have a legally authorized "
                 "representative (LAR) and/or family member available will also be eligible", "inclusion")
    # (it was read as the patient's own capacity and words, failing every patient who lacks it)
    assert outcome(rule, "inclusion", attributes={"able_to_consent": False}).truth is Truth.UNKNOWN
    assert outcome(rule, "inclusion", attributes={"able_to_consent": True}).truth is Truth.TRUE


def test_compliance_by_proxy():
    rule = _rule("Parent or legal guardian willing and able to comply with all study procedures", "inclusion")
    assert outcome(rule, "inclusion", attributes={"able_to_comply": False}).truth is Truth.UNKNOWN
    assert outcome(rule, "inclusion", consent=True).truth is Truth.TRUE


def test_walking_with_an_aid_is_ambulatory_not_unassisted():
    ambulatory = _rule("Ambulatory, with or without assistive device", "inclusion")
    unassisted = _rule("Able to walk independently", "inclusion")
    # a walker user recorded as walking without help meets both; one recorded as ambulatory only
    # meets the first and is not failed by the second
    assert outcome(ambulatory, "inclusion", attributes={"walks_unassisted": True}).truth is Truth.TRUE
    assert outcome(ambulatory, "inclusion", attributes={"ambulatory": True}).truth is Truth.TRUE
    assert outcome(unassisted, "inclusion", attributes={"ambulatory": True}).truth is Truth.UNKNOWN
    # nor excluded for being unable to walk without help
    excluded = _rule("Unable to walk without assistance", "exclusion")
    assert outcome(excluded, "exclusion", attributes={"ambulatory": True}).truth is Truth.UNKNOWN


def test_either_language_will_do_and_only_neither_excludes():
    either = _rule("Fluent in English or Spanish", "inclusion")
    assert outcome(either, "inclusion", attributes={"speaks_spanish": True, "speaks_english": False}).truth is Truth.TRUE
    neither = _rule("Unable to speak English or Spanish", "exclusion")
    spanish_only = {"speaks_spanish": True, "speaks_english": False}
    assert outcome(neither, "exclusion", attributes=spanish_only).truth is Truth.FALSE
    assert outcome(neither, "exclusion", attributes={"speaks_spanish": False, "speaks_english": False}).truth \
        is Truth.TRUE
    reads_only = _rule("Inability to speak or read English", "exclusion")
    assert outcome(reads_only, "exclusion", attributes={"reads_english": True}).truth is Truth.FALSE


def test_willing_to_sign_is_not_failed_before_signing():
    rule = _rule("Willing to participate in the study and sign the informed consent form", "inclusion")
    # (read as signed consent, it failed every patient at pre-screening, whose consent is not yet signed)
    assert outcome(rule, "inclusion", consent=False).truth is Truth.UNKNOWN
    assert outcome(rule, "inclusion", consent=True).truth is Truth.TRUE


def test_a_move_planned_for_after_the_study_does_not_exclude():
    rule = _rule("Planned relocation during the study period", "exclusion")
    assert outcome(rule, "exclusion", attributes={"plans_to_relocate": False}).truth is Truth.FALSE
    assert outcome(rule, "exclusion").truth is Truth.UNKNOWN
    staying = _rule("Plans to remain in the study area for the duration of the study", "inclusion")
    assert outcome(staying, "inclusion", attributes={"plans_to_relocate": False}).truth is Truth.TRUE


def test_an_electronic_diary_implies_a_diary_not_the_reverse():
    paper = _rule("Willing to complete a symptom diary", "inclusion")
    electronic = _rule("Able and willing to complete the daily e-diary", "inclusion")
    assert outcome(paper, "inclusion", attributes={"completes_electronic_diary": True}).truth is Truth.TRUE
    assert outcome(electronic, "inclusion", attributes={"completes_diary": True}).truth is Truth.UNKNOWN


def test_an_inability_to_consent_asked_for_fails_no_one_who_has_signed():
    # emergency research: the consent signed may be a representative's, so a signed consent, which
    # counts as able, does not fail the patient (the criterion stays words)
    rule = _rule("Unable to provide informed consent", "inclusion")
    assert outcome(rule, "inclusion", consent=True).truth is Truth.UNKNOWN
