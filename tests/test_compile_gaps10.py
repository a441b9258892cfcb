"""Round 10 grammar gaps: clauses whose every word was known but whose meaning was not settled —
a serostatus ("seropositive for HIV"), read as the infection only where the body never clears
it, alone or carried along a list of tests. Each construct read here, its near misses that must
stay free text, and what the readings decide for made-up patients."""

from __future__ import annotations

import pytest

from made_up import outcome
from screening.compile import compile_criterion
from screening.logic import Truth
from screening.printer import to_text

READ = [
    # antibodies to HIV or HTLV mean the infection: it is never cleared
    ("Seropositive for HIV", "exclusion", "condition hiv_infection"),
    ("Subjects who are seropositive for HIV will be excluded", "exclusion", "condition hiv_infection"),
    ("Seropositive for HTLV-1", "exclusion", "condition htlv_infection"),
    # HIV-2 is HIV infection too ("HIV-1/2" is written for both)
    ("Seropositive for HIV-1 or HIV-2", "exclusion", "condition hiv_infection"),
    ("HIV-1/2 infection", "exclusion", "condition hiv_infection"),
    ("HIV seronegative", "inclusion", "not condition hiv_infection [current]"),
    # the "seropositive for" written once reaches every test and HIV after it
    ("Seropositive for hepatitis B antigen, hepatitis C antibody, or HIV", "exclusion",
     "hbsag in {positive} or hcv_antibody in {positive} or condition hiv_infection"),
    ("Seronegative for HBsAg, HCV antibody and HIV", "inclusion",
     "hbsag in {negative} and hcv_antibody in {negative} and not condition hiv_infection [current]"),
    # "positive for" is not of antibodies: the infection, as before
    ("Positive for hepatitis B antigen or CMV", "exclusion",
     "hbsag in {positive} or condition cytomegalovirus_infection"),
]


@pytest.mark.parametrize("text, kind, rule", READ)
def test_read(text, kind, rule):
    assert to_text(compile_criterion(text, kind).rule) == rule


STAYS_WORDS = [
    # antibodies that a past infection or a vaccine leaves are not the infection, alone …
    ("Seropositive for CMV", "exclusion"),
    ("Seronegative for CMV", "inclusion"),
    # … nor in a list after a test (it was read as the infection: a carrier whose problem list
    # names no CMV disease passed an exclusion the words would apply to)
    ("Seropositive for hepatitis B antigen or CMV", "exclusion"),
    ("Seropositive for hepatitis B antigen, hepatitis C antibody, or CMV", "exclusion"),
    ("Seropositive for CMV or HIV", "exclusion"),
    # … nor their absence its absence (it was read as no current CMV infection, which a carrier
    # with a past infection also meets)
    ("Seronegative for HBsAg and CMV", "inclusion"),
]


@pytest.mark.parametrize("text, kind", STAYS_WORDS)
def test_stays_words(text, kind):
    assert to_text(compile_criterion(text, kind).rule).startswith("text ")


def _rule(text: str, kind: str) -> str:
    return to_text(compile_criterion(text, kind).rule)


def test_seropositive_for_hiv_excludes_only_the_infected():
    rule = _rule("Seropositive for HIV", "exclusion")
    infected = {"conditions": [{"name": "HIV infection", "onset": "2015-03-01"}]}
    assert outcome(rule, "exclusion", complete=["conditions"], **infected).truth is Truth.TRUE
    other = {"conditions": [{"name": "cytomegalovirus infection", "onset": "2019-03-01", "end": "2019-05-01"}]}
    assert outcome(rule, "exclusion", complete=["conditions"], **other).truth is Truth.FALSE
    assert outcome(rule, "exclusion").truth is Truth.UNKNOWN


def test_a_serology_list_asks_the_antibodies_not_the_disease():
    # a problem list without CMV does not say the patient has no CMV antibodies: a coordinator looks
    rule = _rule("Seropositive for hepatitis B antigen or CMV", "exclusion")
    none = {"conditions": [{"name": "hypertension", "onset": "2019-03-01"}]}
    assert outcome(rule, "exclusion", complete=["conditions"], **none).truth is Truth.UNKNOWN
