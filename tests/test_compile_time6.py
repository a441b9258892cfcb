"""Round 6 time constructs: a time since the last treatment or event. Each construct read here,
and its near misses that must stay free text."""

from __future__ import annotations

import pytest

from screening.compile import compile_criterion
from screening.printer import to_text

READ = [
    # a time since the last treatment: a wash-out, its qualifiers kept
    ("At least 6 months since last dose of adjuvant chemotherapy", "inclusion",
     "not medication chemotherapy [adjuvant] within 6 months before screening"),
    ("Less than 4 weeks since last dose of adjuvant chemotherapy", "exclusion",
     "medication chemotherapy [adjuvant] within 4 weeks before screening"),
    ("At least 2 weeks since the last dose of prior radiation therapy", "inclusion",
     "not procedure radiotherapy within 2 weeks before screening"),
    ("At least 4 weeks since the last dose of prior chemotherapy or radiotherapy", "inclusion",
     "not (medication chemotherapy within 4 weeks before screening or procedure radiotherapy within 4 weeks "
     "before screening)"),
    ("At least 3 months since last dose of any biologic", "inclusion",
     "not medication biologic within 3 months before screening"),
    # ... with no comparator, in an inclusion: at least that long
    ("Four weeks since the last cytotoxic chemotherapy", "inclusion",
     "not medication chemotherapy within 4 weeks before screening"),
    ("4 weeks since prior radiotherapy", "inclusion", "not procedure radiotherapy within 4 weeks before screening"),
    # ... since the last episode of an acute event
    ("More than 6 months since the last episode of pneumonia", "inclusion",
     "not condition pneumonia within 6 months before screening"),
]


@pytest.mark.parametrize(("text", "kind", "expected"), READ)
def test_read(text: str, kind: str, expected: str) -> None:
    assert to_text(compile_criterion(text, kind).rule) == expected


STAYS_FREE_TEXT = [
    # a time since, with no comparator, listed as an exclusion: who is excluded is not said
    ("4 weeks since the last chemotherapy", "exclusion"),
    # the last episode of a disease that goes on is not one of its entries
    ("More than 6 months since the last episode of depression", "inclusion"),
]


@pytest.mark.parametrize(("text", "kind"), STAYS_FREE_TEXT)
def test_stays_free_text(text: str, kind: str) -> None:
    assert to_text(compile_criterion(text, kind).rule).startswith("text "), to_text(compile_criterion(text, kind).rule)
