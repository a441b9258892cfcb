"""Canonical printing: every rule prints in the criteria language and reads back to itself."""

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from screening.compile import parse_rule
from screening.nodes import (
    AllOf, AnyOf, AtLeast, Category, Comparison, Conditional, EpisodeCount, Exemption, FamilyHistory, FreeText,
    Grade, HadProcedure, Cohort, NoRequirement,
    HasAttribute, HasCondition, Judgement, Lasting, NormalMultiple, Not, Status, TimeWindow, Titre, TookMedication, TreatmentLines, Vaccinated,
)
from screening.printer import number, to_text

IDENTITY = Path(__file__).parent / "golden" / "rules" / "identity.txt"

concepts = st.sampled_from(["creatinine", "alt", "egfr", "ana", "sle", "rituximab", "isn_rps_class", "age"])
ops = st.sampled_from([">", ">=", "<", "<=", "="])
units = st.none() | st.sampled_from(["mg/dL", "umol/L", "10^9/L", "/uL", "mL/min/1.73m2", "g/24h", "%", "years",
                                     "mg/kg/day", "x10^3/uL", "mEq/L"])
values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
quals = st.lists(st.sampled_from(["active", "history", "severe", "uncontrolled", "secondary", "planned", "new"]),
                 max_size=3, unique=True).map(tuple)
half_lives = st.just({}) | st.builds(lambda n, which: {"half_lives": float(n), "whichever": which},
                                     st.integers(1, 10), st.sampled_from(["longer", "shorter"]))
windows = st.none() | st.builds(
    lambda extra, **fields: TimeWindow(**fields, **extra), half_lives,
    amount=st.integers(1, 520).map(float), unit=st.sampled_from(["days", "weeks", "months", "years"]),
    direction=st.sampled_from(["past", "future"]),
    anchor=st.sampled_from(["screening", "randomization", "baseline", "enrollment", "consent", "first_dose"]))
lastings = st.none() | st.builds(Lasting, op=ops, amount=st.integers(1, 120).map(float),
                                 unit=st.sampled_from(["days", "weeks", "months", "years"]))
grades = st.none() | st.builds(lambda a, b: Grade(low=min(a, b), high=max(a, b)), st.integers(1, 5),
                                 st.integers(1, 5))
exemptions = st.lists(st.builds(Exemption, concept=concepts, qualifiers=quals), max_size=2).map(tuple)
category_values = st.lists(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9+\-]{0,5}", fullmatch=True), min_size=1,
                           max_size=4).map(tuple)

leaves = st.one_of(
    st.builds(Comparison, concept=concepts, op=ops, value=values, unit=units, window=windows),
    st.builds(NormalMultiple, concept=concepts, op=ops, factor=st.floats(0.1, 100), limit=st.sampled_from(["ULN", "LLN"]),
              window=windows),
    st.builds(Titre, concept=concepts, op=ops, dilution=st.integers(1, 10240), window=windows),
    st.builds(Category, concept=concepts, values=category_values, window=windows),
    st.builds(HasCondition, concept=concepts, qualifiers=quals, excluding=exemptions, grade=grades, window=windows,
              lasting=lastings),
    st.builds(HasCondition, term=st.text(max_size=20), qualifiers=quals),
    st.builds(TookMedication, concept=concepts, qualifiers=quals, excluding=exemptions, window=windows, lasting=lastings,
              dose=st.none() | st.builds(Comparison, concept=st.just("dose"), op=ops, value=values,
                                         unit=st.sampled_from(["mg/day", "mg/kg/day", "g"]))),
    st.builds(HadProcedure, concept=concepts, qualifiers=quals, window=windows),
    st.builds(Vaccinated, concept=concepts, qualifiers=quals, excluding=exemptions, window=windows),
    st.builds(TreatmentLines, concept=concepts, op=ops, count=st.integers(0, 12)),
    st.builds(EpisodeCount, concept=concepts, qualifiers=quals, op=ops, count=st.integers(0, 12), window=windows,
              either=st.just(()) | st.lists(st.sampled_from(["mild", "moderate", "severe", "hospitalized"]), min_size=2,
                                            max_size=3, unique=True).map(tuple),
              requiring=st.none() | st.builds(TookMedication, concept=concepts, qualifiers=quals)
              | st.builds(lambda a, b: AnyOf(items=(a, b)), st.builds(TookMedication, concept=concepts),
                          st.builds(HadProcedure, concept=concepts))),
    st.builds(Status, field=st.sampled_from(["pregnant", "breastfeeding", "childbearing_potential", "contraception",
                                             "consent", "female", "male"])),
    st.builds(HasAttribute, concept=concepts),
    st.builds(Cohort, text=st.text(max_size=30)),
    st.builds(NoRequirement, says=st.sampled_from(["allows", "refers", "unspecified", "defines"]), text=st.text(max_size=30)),
    st.builds(FamilyHistory, concept=concepts, first_degree=st.booleans()),
    st.builds(Judgement, text=st.text(max_size=30)),
    st.builds(FreeText, text=st.text(max_size=30)),
)


def _logic(children):
    many = st.lists(children, min_size=2, max_size=4).map(tuple)
    return st.one_of(
        st.builds(AllOf, items=many),
        st.builds(AnyOf, items=many),
        st.builds(Not, item=children),
        st.builds(lambda items, n: AtLeast(count=n, items=items), many, st.integers(1, 4)),
        st.builds(Conditional, when=children, then=children),
    )


rules = st.recursive(leaves, _logic, max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(rules)
def test_print_then_parse_is_the_identity(rule):
    text = to_text(rule)
    assert parse_rule(text) == rule, text
    assert to_text(parse_rule(text)) == text


def test_golden_identity_lines_round_trip_exactly():
    lines = [ln for ln in IDENTITY.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    assert len(lines) > 10
    for line in lines:
        assert to_text(parse_rule(line)) == line


@pytest.mark.parametrize("value, text", [(30.0, "30"), (1.5, "1.5"), (265.2, "265.2"), (0.1, "0.1"),
                                         (100000.0, "100000")])
def test_numbers_print_shortest(value, text):
    assert number(value) == text


def test_nesting_is_kept_by_parentheses():
    rule = AllOf(items=(AnyOf(items=(Status(field="pregnant"), Status(field="breastfeeding"))),
                        Status(field="female")))
    assert to_text(rule) == "(pregnant or breastfeeding) and female"
