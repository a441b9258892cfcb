"""The unit registry: reading units as people write them, and conversion to canonical units."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.units import UnitError, canonical_value, convertible, format_quantity, parse_unit, ureg
from screening.vocabulary import Concept, load_vocabulary

VOCABULARY = load_vocabulary()


def concept(concept_id: str) -> Concept:
    return VOCABULARY.get(concept_id)


def in_unit(concept_id: str, unit: str) -> Concept:
    """The vocabulary's concept with another canonical unit, to convert towards that unit."""
    return concept(concept_id).model_copy(update={"unit": unit})


# --- reading units -----------------------------------------------------------------------------

READABLE = (
    "umol/L µmol/L μmol/L mg/dL mg/dl mg/L g/L g/dL g/dl mmol/L mEq/L mEq/l meq/L IU/L U/L UI/L "
    "IU/mL /uL /µL /mm3 /mm³ cells/uL cells/mm3 10^9/L 10*9/L x10^9/L ×10⁹/L 10^3/uL x10^3/µL "
    "10^3/mm3 10E9/L G/L mL/min ml/min mL/min/1.73m2 ml/min/1.73m^2 g/24h g/day mg/24h g/g mg/mg "
    "mg/g mg/mmol % mmHg kPa pg/mL ng/mL ng/dL µg/L mcg/mL copies/mL /hpf /HPF RBC/hpf ms msec bpm "
    "beats/min /min kg g mg kg/m2 kg/m² cm m degC °C mg/kg/day mg/kg mg/day mg/d g/d U/mL mIU/mL IU "
    "sec s"
).split() + ["mL/min/1.73 m²", "g/24 h", "mm Hg", "x 10^9/L", "cells per µL"]


@pytest.mark.parametrize("text", READABLE)
def test_reads_units_as_people_and_ucum_write_them(text: str) -> None:
    assert isinstance(parse_unit(text), type(ureg.Unit("m")))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("µmol/L", "umol/L"),
        ("μmol/L", "umol/L"),  # Greek mu and micro sign
        ("mg/dl", "mg/dL"),
        ("meq/L", "mEq/L"),
        ("UI/L", "IU/L"),
        ("IU/L", "U/L"),  # enzyme units: the same unit here
        ("/uL", "cells/uL"),
        ("/mm3", "/uL"),
        ("10^9/L", "10*9/L"),
        ("10^9/L", "G/L"),
        ("10^9/L", "×10⁹/L"),
        ("10^3/uL", "10^9/L"),
        ("10^3/uL", "K/µL"),  # thousands, not kelvin
        ("/h", "events/hour"),
        ("g/24h", "g/day"),
        ("g/24 h", "g/d"),
        ("mL/min/1.73m2", "mL/min/1.73 m²"),
        ("/HPF", "RBC/hpf"),
        ("bpm", "/min"),
        ("°C", "degC"),
        ("msec", "ms"),
        ("mcg/mL", "ug/mL"),
    ],
)
def test_spellings_of_one_unit_are_one_unit(first: str, second: str) -> None:
    assert ureg.Quantity(1, parse_unit(first)).to(parse_unit(second)).magnitude == pytest.approx(1.0)


@pytest.mark.parametrize(
    "text", ["", "  ", "mg,dL", "10,000/uL", "furlongs per fortnight x", "mg/dL/xyz", "1.5", "<5", "10^5/L"]
)
def test_unreadable_units_raise_unit_error_naming_the_text(text: str) -> None:
    with pytest.raises(UnitError):
        parse_unit(text)


@given(st.text(alphabet="mgdLuµ/()*^%0123456789 .,-+_xeE²", max_size=12))
def test_any_text_is_read_or_refused_with_unit_error(text: str) -> None:
    try:
        parse_unit(text)
    except UnitError:
        pass


def test_unit_error_message_names_the_text() -> None:
    with pytest.raises(UnitError, match="mg,dL"):
        parse_unit("mg,dL")


def test_g_per_litre_is_not_giga_per_litre() -> None:
    assert parse_unit("g/L").dimensionality != parse_unit("G/L").dimensionality


def test_per_square_metre_differs_from_per_standard_body_surface_by_1_73() -> None:
    egfr = concept("egfr")
    assert parse_unit("mL/min/m2") != parse_unit("mL/min/1.73m2")
    assert canonical_value(40, "mL/min/m2", egfr) == pytest.approx(40 * 1.73)
    assert canonical_value(40, "mL/min/1.73m2", egfr) == pytest.approx(40)


# --- canonical values --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "concept_id", "target", "expected", "tolerance"),
    [
        (1.0, "mg/dL", "creatinine", "umol/L", 88.4, 0.05),
        (265.2, "umol/L", "creatinine", "mg/dL", 3.0, 0.001),
        (265.2, "µmol/L", "creatinine", None, 3.0, 0.001),
        (14, "mg/L", "total_bilirubin", "umol/L", 23.9, 0.05),
        (30, "µmol/L", "total_bilirubin", None, 1.754, 0.001),
        (3000, "/uL", "wbc", None, 3.0, 1e-9),
        (50000, "/uL", "platelets", None, 50.0, 1e-9),
        (100000, "/mm3", "platelets", None, 100.0, 1e-9),
        (30000, "/mm3", "platelets", None, 30.0, 1e-9),
        (2.0, "/mm3", "wbc", None, 0.002, 1e-12),
        (1500, "cells/mm3", "anc", None, 1.5, 1e-9),
        (4.5, "x10^3/µL", "wbc", None, 4.5, 1e-9),
        (8, "g/dL", "hemoglobin", "g/L", 80.0, 1e-9),
        (80, "g/L", "hemoglobin", None, 8.0, 1e-9),
        (5.4, "mEq/L", "potassium", None, 5.4, 1e-9),
        (2, "mEq/L", "calcium", "mmol/L", 1.0, 1e-9),
        (2.5, "mmol/L", "calcium", None, 10.02, 0.001),
        (113.12, "mg/mmol", "upcr", None, 1.0, 1e-9),
        (500, "mg/g", "upcr", None, 0.5, 1e-9),
        (1.0, "mg/mg", "upcr", None, 1.0, 1e-9),
        (30, "mg/mmol", "uacr", None, 265.2, 0.1),
        (1.0, "g", "urine_protein_24h", None, 1.0, 1e-9),
        (500, "mg", "urine_protein_24h", None, 0.5, 1e-9),
        (1.0, "g/day", "urine_protein_24h", None, 1.0, 1e-9),
        (1200, "mg/24h", "urine_protein_24h", None, 1.2, 1e-9),
        (30, "ml/min", "creatinine_clearance", None, 30.0, 1e-9),
        (7.0, "mmol/L", "glucose", None, 126.1, 0.1),
        (98.6, "degF", "temperature", None, 37.0, 1e-6),
        (20, "kPa", "pao2", None, 150.0, 0.1),
        (450, "msec", "qtc", None, 450.0, 1e-9),
        (5, "RBC/hpf", "urine_rbc", None, 5.0, 1e-9),
        (0.42, "L/L", "hematocrit", None, 42.0, 1e-9),
        (7.5, "mmol/L", "hemoglobin", None, 12.09, 0.01),
        (60, "bpm", "heart_rate", None, 60.0, 1e-9),
        (5.0, "µIU/mL", "tsh", None, 5.0, 1e-9),
        (5.0, "mIU/mL", "tsh", None, 5000.0, 1e-6),
    ],
)
def test_canonical_values(
    value: float, unit: str, concept_id: str, target: str | None, expected: float, tolerance: float
) -> None:
    analyte = in_unit(concept_id, target) if target else concept(concept_id)
    assert canonical_value(value, unit, analyte) == pytest.approx(expected, abs=tolerance)


def test_molar_mass_bridge_agrees_with_pints_chemistry_context() -> None:
    creatinine = concept("creatinine")
    by_context = ureg.Quantity(97.24, "umol/L").to("mg/dL", "chemistry", mw=113.12 * ureg("g/mol"))
    assert canonical_value(97.24, "umol/L", creatinine) == pytest.approx(by_context.magnitude, rel=1e-12)


def test_no_unit_means_the_canonical_unit() -> None:
    assert canonical_value(1.3, None, concept("creatinine")) == 1.3


@pytest.mark.parametrize(
    ("unit", "concept_id"),
    [
        ("mg/dL", "creatinine_clearance"),
        ("mL/min", "egfr"),  # not normalised to body surface: not the same quantity
        ("g/dL", "wbc"),
        ("mg/dL", "urine_protein_24h"),  # a concentration is not a daily amount
        ("U/L", "creatinine"),
        ("IU/L", "crp"),
        ("%", "anc"),
        ("mg", "ecog"),
        ("%", "ecog"),
        ("mmHg", "heart_rate"),
    ],
)
def test_wrong_dimension_raises_unit_error(unit: str, concept_id: str) -> None:
    with pytest.raises(UnitError):
        canonical_value(1.0, unit, concept(concept_id))
    assert not convertible(unit, concept(concept_id))


def test_unreadable_unit_is_not_convertible() -> None:
    assert not convertible("mg,dL", concept("creatinine"))
    assert convertible("µmol/L", concept("creatinine"))


def test_dimension_error_names_both_units() -> None:
    with pytest.raises(UnitError, match=r"mg/dL.*creatinine clearance.*mL/min"):
        canonical_value(1.0, "mg/dL", concept("creatinine_clearance"))


# --- round trips (law: converting to an equivalent unit and back changes nothing) -------------

CANDIDATE_UNITS = sorted(
    {
        *READABLE,
        *"mg/L ug/dL nmol/L pmol/L mmol/L ng/L ukat/L mmol/mol L/L fL L mL kPa 10^12/L".split(),
        *"copies/uL mm/h mm/hr mg/mmol mmol/day".split(),
    }
)
_PAIRS = [
    (analyte, unit)
    for analyte in VOCABULARY.concepts.values()
    if analyte.unit is not None and analyte.unit not in {"degC"}
    for unit in CANDIDATE_UNITS
    if unit not in {"degC", "°C", "degF"} and convertible(unit, analyte)
    and unit not in {scale.unit for scale in analyte.scales}  # formulas, not factors: tested on their own
]


def test_many_analytes_have_several_convertible_units() -> None:
    assert len(_PAIRS) > 1000


@settings(max_examples=300, deadline=None)
@given(pair=st.sampled_from(_PAIRS), value=st.floats(min_value=1e-3, max_value=1e6, allow_nan=False))
def test_round_trip_through_any_equivalent_unit(pair: tuple[Concept, str], value: float) -> None:
    analyte, unit = pair
    canonical = canonical_value(value, unit, analyte)
    back = canonical_value(canonical, analyte.unit, analyte.model_copy(update={"unit": unit}))
    assert math.isclose(back, value, rel_tol=1e-9)


@given(value=st.floats(min_value=-50, max_value=150, allow_nan=False))
def test_temperature_round_trip(value: float) -> None:
    celsius = canonical_value(value, "degF", concept("temperature"))
    back = canonical_value(celsius, "degC", in_unit("temperature", "degF"))
    assert math.isclose(back, value, rel_tol=1e-9, abs_tol=1e-9)


# --- formatting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (97.2418, "umol/L", "97.24 µmol/L"),
        (1.5, "10^9/L", "1.5 × 10⁹/L"),
        (3.0, "x10^3/uL", "3 × 10³/µL"),
        (3000, "/uL", "3000/µL"),
        (0.1 + 0.2, "g/24h", "0.3 g/24 h"),
        (42, "%", "42%"),
        (69.2, "mL/min/1.73m2", "69.2 mL/min/1.73 m²"),
        (25.0, "kg/m2", "25 kg/m²"),
        (37.00000000000006, "degC", "37 °C"),
        (1234567, "copies/mL", "1235000 copies/mL"),
        (2e-7, "mg", "0.0000002 mg"),
        (1.2, "1", "1.2"),
        (0, "mg/dL", "0 mg/dL"),
    ],
)
def test_format_quantity(value: float, unit: str, text: str) -> None:
    assert format_quantity(value, unit) == text


def test_hba1c_in_ifcc_mmol_per_mol_converts_by_the_master_equation() -> None:
    hba1c = load_vocabulary().get("hba1c")
    assert canonical_value(64, "mmol/mol", hba1c) == pytest.approx(8.0, abs=0.01)
    assert canonical_value(48, "mmol/mol", hba1c) == pytest.approx(6.54, abs=0.01)
    # a molar ratio for an analyte without a scale is still refused
    with pytest.raises(UnitError):
        canonical_value(5, "mmol/mol", load_vocabulary().get("hematocrit"))
