"""Round 7 prior cancer treatment and wash-outs: two wash-outs joined by "or", "and recovered" after
a wash-out, a last dose said to lie a time (or half-lives) before the start. Each construct read
here, its near misses that must stay free text, and what the readings decide for made-up patients."""

from __future__ import annotations

import pytest

from made_up import outcome
from screening.compile import compile_criterion, parse_rule
from screening.logic import Truth
from screening.printer import to_text

READ = [
    # two wash-outs joined by "or": either excludes; in an inclusion either will do, as the words say
    ("Less than 4 weeks since prior chemotherapy or less than 2 weeks since prior radiotherapy", "exclusion",
     "medication chemotherapy within 4 weeks before screening or procedure radiotherapy within 2 weeks before "
     "screening"),
    ("Less than 4 weeks since prior chemotherapy, or less than 2 weeks since prior radiotherapy", "exclusion",
     "medication chemotherapy within 4 weeks before screening or procedure radiotherapy within 2 weeks before "
     "screening"),
    ("At least 4 weeks since prior chemotherapy or at least 2 weeks since prior radiotherapy", "inclusion",
     "not medication chemotherapy within 4 weeks before screening or not procedure radiotherapy within 2 weeks "
     "before screening"),
    # "and recovered" after wash-outs: from the treatments washed out
    ("More than 2 weeks since prior myelosuppressive chemotherapy (4 weeks for nitrosoureas) and recovered",
     "inclusion",
     "not medication chemotherapy within 2 weeks before screening and not medication nitrosourea within 4 weeks "
     "before screening and attribute recovered_from_prior_chemotherapy"),
    ("At least 4 weeks since prior chemotherapy and at least 2 weeks since radiotherapy and recovered", "inclusion",
     "not medication chemotherapy within 4 weeks before screening and not procedure radiotherapy within 2 weeks "
     "before screening and attribute recovered_from_prior_chemotherapy and attribute "
     "recovered_from_prior_radiotherapy"),
    # the last dose a time before the start: at least that long, in half-lives too
    ("Participant's last dose of prior antineoplastic therapy, including any immunotherapy, was 21 days or 5 "
     "half-lives, whichever is shorter, prior to initiation of study intervention administration", "inclusion",
     "not medication anticancer_therapy within min(21 days, 5 half-lives) before first_dose"),
    ("Last dose of prior biologic therapy was 12 weeks or 5 half-lives, whichever is longer, prior to randomization",
     "inclusion", "not medication biologic within max(12 weeks, 5 half-lives) before randomization"),
    ("Last dose of prior chemotherapy was at least 21 days prior to first dose", "inclusion",
     "not medication chemotherapy within 21 days before first_dose"),
    # ongoing toxicity of prior therapy, no grade said: not recovered from it
    ("Ongoing toxicity associated with prior anticancer therapy", "exclusion",
     "not attribute recovered_from_prior_therapy"),
    ("Persistent toxicities from prior radiotherapy", "exclusion", "not attribute recovered_from_prior_radiotherapy"),
    ("Unresolved toxicity > grade 1 from prior therapy", "exclusion", "not attribute recovered_from_prior_toxicity"),
    # lines of treatment given for one disease
    ("More than 2 prior lines of chemotherapy for metastatic NSCLC", "exclusion",
     "lines of chemotherapy for (nsclc [metastatic]) > 2"),
    ("No more than 2 prior lines of systemic therapy for metastatic disease", "inclusion",
     "lines of therapy [systemic] for (metastatic_disease) <= 2"),
    ("Received more than 3 prior lines of systemic therapy for advanced disease", "exclusion",
     "lines of therapy [systemic] for (advanced_cancer) > 3"),
    ("More than 1 prior line of therapy for locally advanced or metastatic disease", "exclusion",
     "lines of therapy for (advanced_cancer) > 1"),
    ("Prior treatment with more than 2 lines of chemotherapy", "exclusion", "lines of chemotherapy > 2"),
    ("At least 2 prior lines of chemotherapy for advanced disease", "inclusion",
     "lines of chemotherapy for (advanced_cancer) >= 2"),
    ("Received at least 1 prior line of systemic therapy for advanced disease", "inclusion",
     "lines of therapy [systemic] for (advanced_cancer) >= 1"),
    # a cancer treatment for advanced disease: for advanced cancer
    ("Prior chemotherapy for advanced disease", "exclusion", "medication chemotherapy [history] for (advanced_cancer)"),
    ("Prior anti-PD-1 therapy for advanced disease", "exclusion",
     "medication pd1_inhibitor [history] for (advanced_cancer)"),
    # both bounds of one count of lines, the lines named once
    ("Treated with at least one line of chemotherapy, but not more than two lines", "inclusion",
     "medication chemotherapy and lines of chemotherapy <= 2"),
    ("At least 1 but no more than 3 prior lines of chemotherapy", "inclusion",
     "lines of chemotherapy >= 1 and lines of chemotherapy <= 3"),
    ("At least one prior line of systemic therapy but no more than 3 prior lines", "inclusion",
     "lines of therapy [systemic] >= 1 and lines of therapy [systemic] <= 3"),
    # systemic therapy given for a cancer: systemic anticancer therapy
    ("Prior systemic therapy for metastatic NSCLC", "exclusion",
     "medication anticancer_therapy [history, systemic] for (nsclc [metastatic])"),
    ("Has not received prior systemic therapy for advanced disease", "inclusion",
     "not medication anticancer_therapy [history, systemic] for (advanced_cancer)"),
    ("1-3 prior lines of chemotherapy for metastatic colorectal cancer", "inclusion",
     "lines of chemotherapy for (colorectal_cancer [metastatic]) >= 1 and lines of chemotherapy for "
     "(colorectal_cancer [metastatic]) <= 3"),
]


@pytest.mark.parametrize("text, kind, rule", READ)
def test_read(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


STAYS_WORDS = [
    # a wash-out that names who is excluded by having washed out
    ("Less than 4 weeks since prior chemotherapy or less than 2 weeks since prior radiotherapy", "inclusion"),
    ("More than 2 weeks since prior chemotherapy and recovered", "exclusion"),
    # recovered from one kind of radiotherapy is not recovered from every radiotherapy; no fact
    # records recovery from a biologic
    ("At least 4 weeks since prior whole brain radiotherapy and recovered", "inclusion"),
    ("At least 4 weeks since prior biologic therapy and recovered", "inclusion"),
    # (days or half-lives without "whichever": round 8 reads them, deciding what both would)
    # cycles or courses are not lines of treatment
    ("Must have received at least 5 courses of first-line chemotherapy", "inclusion"),
    # a grade of one kind of therapy's toxicity is another fact; "no ongoing toxicity" is left as words
    ("Unresolved toxicity > grade 1 from prior radiotherapy", "exclusion"),
    ("No ongoing toxicity from prior chemotherapy", "inclusion"),
    ("Ongoing toxicity from prior therapy requiring treatment", "exclusion"),
    # "advanced disease" after what is not a cancer treatment may be of any disease
    ("Prior levodopa for advanced disease", "exclusion"),
    # the upper bound of lines of another treatment, or of cycles
    ("At least one line of chemotherapy but not more than 2 lines of immunotherapy", "inclusion"),
    ("Prior chemotherapy, but not more than 2 cycles", "inclusion"),
    # "for this cancer", "for their cancer": the patient's own cancer, which the class named does not say
    ("Prior chemotherapy for this cancer", "exclusion"),
    ("Prior systemic therapy for their cancer", "exclusion"),
    ("Prior systemic therapy for the current malignancy", "exclusion"),
    ("More than 2 lines of chemotherapy for this cancer", "exclusion"),
    ("No prior chemotherapy or radiotherapy for this cancer", "inclusion"),
    # systemic therapy for what is not a cancer, or for nothing named
    ("Prior systemic therapy for psoriasis", "exclusion"),
    ("No prior systemic therapy", "inclusion"),
    # lines for what is not one disease, or with more said of them
    ("More than 1 prior line of chemotherapy in the advanced/metastatic setting", "exclusion"),
    ("No more than 2 prior lines of therapy for metastatic disease, including chemotherapy", "inclusion"),
    ("Two lines of chemotherapy for recurrent or metastatic disease", "exclusion"),
]


@pytest.mark.parametrize("text, kind", STAYS_WORDS)
def test_stays_words(text, kind):
    assert to_text(compile_criterion(text, kind).rule).startswith("text ")


def test_either_washout_will_do_in_an_inclusion():
    rule = to_text(compile_criterion(
        "At least 4 weeks since prior chemotherapy or at least 2 weeks since prior radiotherapy", "inclusion").rule)
    chemo_last_week = {"medications": [{"name": "carboplatin", "start": "2026-11-01", "end": "2026-11-14"}]}
    assert outcome(rule, "inclusion", complete=["medications", "procedures"], **chemo_last_week).truth is Truth.TRUE
    both = {**chemo_last_week, "procedures": [{"name": "radiotherapy", "date": "2026-11-15"}]}
    assert outcome(rule, "inclusion", complete=["medications", "procedures"], **both).truth is Truth.FALSE


def test_last_dose_in_days_or_half_lives_decides_what_the_days_settle():
    rule = to_text(compile_criterion(
        "Participant's last dose of prior antineoplastic therapy was 21 days or 5 half-lives, whichever is shorter, "
        "prior to initiation of study intervention", "inclusion").rule)
    long_ago = {"medications": [{"name": "carboplatin", "start": "2026-08-01", "end": "2026-10-01"}]}
    assert outcome(rule, "inclusion", complete=["medications"], **long_ago).truth is Truth.TRUE
    last_week = {"medications": [{"name": "carboplatin", "start": "2026-08-01", "end": "2026-11-13"}]}
    assert outcome(rule, "inclusion", complete=["medications"], **last_week).truth is Truth.UNKNOWN


def test_lines_count_only_the_courses_given_for_the_disease():
    rule = to_text(compile_criterion("No more than 1 prior line of chemotherapy for metastatic disease",
                                     "inclusion").rule)
    assert rule == "lines of chemotherapy for (metastatic_disease) <= 1"
    adjuvant = {"name": "carboplatin", "start": "2024-01-01", "end": "2024-05-01", "note": "adjuvant", "therapy_line": 1}
    metastatic = {"name": "docetaxel", "start": "2025-01-01", "end": "2025-05-01", "indication": "metastatic NSCLC",
                  "therapy_line": 2}
    assert outcome(rule, "inclusion", complete=["medications"], medications=[adjuvant, metastatic]).truth is Truth.TRUE
    unsaid = {"name": "pemetrexed", "start": "2025-06-01", "therapy_line": 3}
    found = outcome(rule, "inclusion", complete=["medications"], medications=[adjuvant, metastatic, unsaid])
    assert found.truth is Truth.UNKNOWN and found.missing == ("what each course was given for",)
    second = {**unsaid, "indication": "metastatic NSCLC"}
    assert outcome(rule, "inclusion", complete=["medications"], medications=[metastatic, second]).truth is Truth.FALSE


def test_lines_given_for_print_and_read_back():
    text = "lines of therapy [systemic] for (nsclc [metastatic]) <= 2"
    assert to_text(parse_rule(text)) == text


def test_locally_advanced_is_not_unresectable():
    # a locally advanced cancer may still be removed by surgery: read as "unresectable", an inclusion
    # of "locally advanced" would ask for more than its words
    rule = compile_criterion("Locally advanced or metastatic non-small cell lung cancer", "inclusion").rule
    assert to_text(rule) == "condition nsclc [locally_advanced] or condition nsclc [metastatic]"
    said = {"conditions": [{"name": "NSCLC", "note": "locally advanced, resectable, stage IIIA"}]}
    assert outcome(to_text(rule), "inclusion", **said).truth is Truth.TRUE
    assert outcome("condition nsclc [unresectable]", "inclusion", **said).truth is Truth.UNKNOWN
