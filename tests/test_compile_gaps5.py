"""Round 5 of the corpus's cheapest unread clauses: clauses whose every word the tokenizer knew,
but that the grammar or the reader refused. Each construct read here, and its near misses that
must stay free text."""

from __future__ import annotations

import pytest

from screening.compile import compile_criterion
from screening.logic import Truth
from screening.printer import to_text

from made_up import outcome

READ = [
    # a past with no length is any time before now ("history of"), not a window
    ("Patients who have used immunosuppressants in the past", "exclusion", "medication immunosuppressant [history]"),
    ("History of stroke in the past", "exclusion", "condition stroke [history]"),
    ("Stroke in the past year", "exclusion", "condition stroke within 1 years before screening"),
    # a permission that closes the criterion asks nothing
    ("Patients who have used immunosuppressants or antiangiogenic drugs in the past are not excluded", "inclusion",
     'asks_nothing allows "Patients who have used immunosuppressants or antiangiogenic drugs in the past are not '
     'excluded"'),
    ("Patients with brain metastases will not be excluded from the study", "inclusion",
     'asks_nothing allows "Patients with brain metastases will not be excluded from the study"'),
    ("Patients who have used immunosuppressants or antiangiogenic drugs in the past are not excluded;", "inclusion",
     'asks_nothing allows "Patients who have used immunosuppressants or antiangiogenic drugs in the past are not '
     'excluded"'),
    # what some patients need not do
    ("Women of non-childbearing potential are not required to use contraception.", "inclusion",
     'asks_nothing allows "Women of non-childbearing potential are not required to use contraception"'),
    ("Women of childbearing potential must use contraception. Women of non-childbearing potential are not required "
     "to use contraception.", "inclusion", "if (female and childbearing_potential) then contraception"),
    # vocabulary: the short name of the bacterium; varices of either site
    ("H. pylori negative", "exclusion", "not condition helicobacter_pylori_infection [current]"),
    ("A prior bleeding event due to esophageal and/or gastric varices within 6 months prior to initiation of study "
     "treatment", "exclusion", "condition bleeding [history] within 6 months before first_dose and condition "
     'gastroesophageal_varices and text "due to esophageal and/or gastric varices"'),
]


@pytest.mark.parametrize(("text", "kind", "expected"), READ)
def test_read(text: str, kind: str, expected: str) -> None:
    assert to_text(compile_criterion(text, kind).rule) == expected


STAYS_FREE_TEXT = [
    # a permission with a limit in it forbids the rest
    ("Patients with untreated brain metastases are not excluded", "inclusion"),
    # something is asked of them after all
    ("Patients who are not required to use contraception must be postmenopausal", "inclusion"),
    ("Men are not required to use contraception unless their partner is pregnant", "inclusion"),
]


@pytest.mark.parametrize(("text", "kind"), STAYS_FREE_TEXT)
def test_stays_free_text(text: str, kind: str) -> None:
    assert to_text(compile_criterion(text, kind).rule).startswith("text "), to_text(compile_criterion(text, kind).rule)


def test_a_past_without_a_length_counts_any_time_before_now() -> None:
    rule = to_text(compile_criterion("Patients who have used immunosuppressants in the past", "exclusion").rule)
    years_ago = [{"name": "azathioprine", "start": "2015-01-01", "end": "2016-01-01"}]
    assert outcome(rule, "exclusion", medications=years_ago).truth == Truth.TRUE
    assert outcome(rule, "exclusion", medications=[], complete=["medications"]).truth == Truth.FALSE
