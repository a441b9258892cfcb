"""What the round 6 time readings decide for made-up patients: a wash-out since the last
treatment passes whoever had none (on a complete list) or had it long enough ago, and is unknown
for a course without dates; the trial's start named by its drug is counted from the screening
date; a window of its own for an item in brackets."""

from __future__ import annotations

import pytest

from screening.compile import compile_criterion
from screening.logic import Truth
from screening.printer import to_text

from made_up import outcome


def _rule(text: str, kind: str) -> str:
    return to_text(compile_criterion(text, kind).rule)


@pytest.mark.parametrize(("medications", "complete", "expected"), [
    ([], ["medications"], Truth.TRUE),                                                     # never had it
    ([], [], Truth.UNKNOWN),                                                               # not known
    ([{"name": "carboplatin", "start": "2026-06-01", "end": "2026-09-01"}], ["medications"], Truth.TRUE),
    ([{"name": "carboplatin", "start": "2026-06-01", "end": "2026-11-10"}], ["medications"], Truth.FALSE),
    ([{"name": "carboplatin", "start": "2026-06-01"}], ["medications"], Truth.FALSE),       # still on it
    ([{"name": "carboplatin"}], ["medications"], Truth.UNKNOWN),                           # when, not said
])
def test_a_time_since_the_last_chemotherapy(medications, complete, expected) -> None:
    rule = _rule("Four weeks since the last cytotoxic chemotherapy", "inclusion")
    assert outcome(rule, "inclusion", medications=medications, complete=complete).truth == expected


@pytest.mark.parametrize(("note", "end", "expected"), [
    ("adjuvant", "2026-09-01", Truth.FALSE),      # adjuvant, 11 weeks ago: not 6 months
    ("adjuvant", "2025-09-01", Truth.TRUE),
    (None, "2026-09-01", Truth.UNKNOWN),          # whether it was adjuvant is not said
])
def test_a_time_since_the_last_adjuvant_chemotherapy(note, end, expected) -> None:
    rule = _rule("At least 6 months since last dose of adjuvant chemotherapy", "inclusion")
    course = {"name": "carboplatin", "start": "2025-06-01", "end": end, **({"note": note} if note else {})}
    assert outcome(rule, "inclusion", medications=[course], complete=["medications"]).truth == expected


@pytest.mark.parametrize(("onset", "expected"), [
    ("2026-09-01", Truth.FALSE),    # 11 weeks ago
    ("2025-09-01", Truth.TRUE),
])
def test_a_time_since_the_last_episode_of_an_acute_event(onset, expected) -> None:
    rule = _rule("More than 6 months since the last episode of pneumonia", "inclusion")
    conditions = [{"name": "pneumonia", "onset": onset}]
    assert outcome(rule, "inclusion", conditions=conditions, complete=["conditions"]).truth == expected


@pytest.mark.parametrize(("vaccination", "expected"), [
    ({"name": "MMR vaccine", "date": "2026-11-10"}, Truth.TRUE),
    ({"name": "MMR vaccine", "date": "2026-10-10"}, Truth.FALSE),
    ({"name": "MMR vaccine"}, Truth.UNKNOWN),       # no date: not failed
])
def test_the_first_dose_of_a_named_drug_is_counted_from_screening(vaccination, expected) -> None:
    rule = _rule("Vaccination with a live vaccine within the 14 days prior to the first dose of Raptiva®", "exclusion")
    assert outcome(rule, "exclusion", vaccinations=[vaccination], complete=["vaccinations"]).truth == expected


@pytest.mark.parametrize(("medications", "expected"), [
    ([{"name": "carmustine", "start": "2026-10-01", "end": "2026-11-01"}], Truth.FALSE),   # a nitrosourea, 19 days ago
    ([{"name": "carmustine", "start": "2026-08-01", "end": "2026-09-20"}], Truth.TRUE),
    ([{"name": "paclitaxel", "start": "2026-10-01", "end": "2026-11-01"}], Truth.TRUE),    # 2 weeks are enough
])
def test_a_bracket_gives_its_item_a_window_of_its_own(medications, expected) -> None:
    rule = _rule("More than 2 weeks since prior myelosuppressive chemotherapy (4 weeks for nitrosoureas)", "inclusion")
    assert outcome(rule, "inclusion", medications=medications, complete=["medications"]).truth == expected


@pytest.mark.parametrize(("onset", "expected"), [
    ("2025-01-01", Truth.TRUE),
    ("2026-09-01", Truth.FALSE),
])
def test_a_duration_with_its_comparator_after_it(onset, expected) -> None:
    rule = _rule("Chronic back pain for six months or longer", "inclusion")
    conditions = [{"name": "low back pain", "onset": onset, "note": "chronic"}]
    assert outcome(rule, "inclusion", conditions=conditions, complete=["conditions"]).truth == expected
