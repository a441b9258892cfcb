"""The one pint unit registry of the application, and conversion to an analyte's canonical unit.

Units are read as people and UCUM write them ("umol/L", "µmol/L", "10^9/L", "10*9/L",
"x10^3/µL", "/mm3", "mL/min/1.73m2", "g/24h", "mEq/L", "RBC/hpf", "/28 days"). Pint alone
misreads several of these (it parses "mL/min/1.73m2" as (mL/min/1.73)·m², wants a number before "/mm3", knows no
"mm3" and drops commas), so :func:`parse_unit` first rewrites the text with the data tables
below, then lets pint read it. The clinical units themselves (IU, cells, equivalents, high-power
fields, the 1.73 m² body surface) are defined in ``clinical_units.txt`` beside this module.

Conversion to an analyte's canonical unit (:func:`canonical_value`) bridges dimensions with the
analyte's own data from the vocabulary: molar mass (mass ↔ amount of substance, what pint's
``chemistry`` context does), valence (equivalents ↔ moles), the molar mass of a ratio's
denominator (mg/mmol ↔ g/g) and an implied collection period (a bare "1.0 g" of 24-hour urine
protein is 1.0 g/24 h).
"""

from __future__ import annotations

import functools
import importlib.resources
import itertools
import math
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

import pint

if TYPE_CHECKING:
    from screening.vocabulary import Concept

__all__ = [
    "STANDARD_BODY_SURFACE",
    "UnitError",
    "approximate_between",
    "canonical_value",
    "convertible",
    "format_quantity",
    "parse_period",
    "parse_unit",
    "ureg",
]


class UnitError(ValueError):
    """A unit that cannot be read, or whose dimension does not fit the analyte."""


def _load_registry() -> pint.UnitRegistry:
    registry = pint.UnitRegistry()
    definitions = importlib.resources.files("screening").joinpath("clinical_units.txt")
    with importlib.resources.as_file(definitions) as path:
        registry.load_definitions(str(path))
    return registry


ureg: pint.UnitRegistry = _load_registry()

# --- reading unit text ---------------------------------------------------------------------

SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_TO_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_SUPERSCRIPT_RUN = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+")

# Single characters with one meaning in a unit.
_CHARACTERS = str.maketrans(
    {
        "µ": "u",  # micro sign U+00B5
        "μ": "u",  # Greek small mu U+03BC
        "·": "*",
        "⋅": "*",
        "−": "-",
        "×": "x",
        "℃": "degC",
        "℉": "degF",
    }
)

# Powers of ten written in front of a count unit ("10^9/L", "10*9/L", "x10^3/µL", "10E9/L").
_SCALE_WORDS = {3: "thousand", 6: "million", 9: "billion", 12: "trillion"}
_POWER_OF_TEN = re.compile(r"(?:(?<![A-Za-z0-9.])[xX*]\s*)?(?<![\d.])10\s*(?:\^|\*\*?|[eE])\s*\+?(\d+)")

# Phrases rewritten before the text is split into words (case-insensitive, in this order).
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), replacement)
    for pattern, replacement in (
        (r"°\s*C\b", "degC"),
        (r"°\s*F\b", "degF"),
        # Standard body surface: "1.73m2", "1.73 m²", "1,73 m^2", "1.73 sq m".
        (r"\(?\s*1[.,]73\s*(?:m\s*\^?\s*2|sq\.?\s*m|square\s+met(?:er|re)s?)\s*\)?", "bsa_std"),
        # A 24-hour collection: "g/24h", "g/24 h", "mg/24 hours", "g/24-hr".
        (r"\(?(?<![\d.])\s*24\s*-?\s*(?:h|hr|hrs|hour|hours)\b\s*\)?", "day"),
        (r"\bmm\s+hg\b", "mmHg"),
        (r"\bhigh[\s-]*power[\s-]*fields?\b", "hpf"),
        (r"\blow[\s-]*power[\s-]*fields?\b", "lpf"),
        (r"^\s*per\s+", "/"),  # a rate recorded as "per 4 weeks"
        (r"\s+per\s+", "/"),
        (r"\s*/\s*", "/"),
    )
)

# Words whose exact spelling matters (checked first): "G/L" is giga per litre, not gauss; "K/µL"
# thousands per microlitre, not kelvin; "mM" is millimolar, not millimetres.
_EXACT_WORDS = {
    "G": "billion",
    "K": "thousand",
    "T": "trillion",
    "M": "M",
    "mM": "mM",
    "uM": "uM",
    "nM": "nM",
    "pM": "pM",
}

# Words matched whatever their case ("MG/DL", "mg/dl", "mEq/l", "UI/L"), to pint's names.
_WORDS = {
    word: name
    for names, name in (
        (("l", "liter", "litre", "liters", "litres"), "L"),
        (("dl",), "dL"),
        (("cl",), "cL"),
        (("ml",), "mL"),
        (("ul",), "uL"),
        (("nl",), "nL"),
        (("pl",), "pL"),
        (("fl",), "fL"),
        (("g", "gm", "gram", "grams"), "g"),
        (("kg",), "kg"),
        (("mg",), "mg"),
        (("ug", "mcg"), "ug"),
        (("ng",), "ng"),
        (("pg",), "pg"),
        (("mol",), "mol"),
        (("mmol",), "mmol"),
        (("umol",), "umol"),
        (("nmol",), "nmol"),
        (("pmol",), "pmol"),
        (("eq",), "Eq"),
        (("meq",), "mEq"),
        (("ueq",), "uEq"),
        (("iu", "ui"), "IU"),
        (("miu", "mui"), "mIU"),
        (("uiu", "uui"), "uIU"),
        (("kiu",), "kIU"),
        (("u", "unit", "units"), "U"),
        (("ku",), "kU"),
        (("kat",), "kat"),
        (("ukat",), "ukat"),
        (("s", "sec", "secs", "second", "seconds"), "s"),
        (("ms", "msec", "msecs", "millisecond", "milliseconds"), "ms"),
        (("min", "mins", "minute", "minutes"), "min"),
        (("h", "hr", "hrs", "hour", "hours"), "h"),
        (("d", "day", "days"), "day"),
        (("wk", "wks", "week", "weeks"), "week"),
        (("mo", "month", "months"), "month"),
        (("y", "yr", "yrs", "year", "years"), "year"),
        (("m", "metre", "meter", "metres", "meters"), "m"),
        (("cm",), "cm"),
        (("mm",), "mm"),
        (("inch", "inches"), "inch"),
        (("lb", "lbs", "pound", "pounds"), "lb"),
        (("mmhg",), "mmHg"),
        (("kpa",), "kPa"),
        (("cmh2o",), "cmH2O"),
        (("degc", "celsius"), "degC"),
        (("degf", "fahrenheit"), "degF"),
        (("hpf",), "hpf"),
        (("lpf",), "lpf"),
        (("bpm",), "bpm"),
        (("beat", "beats"), "beat"),
        (("breath", "breaths"), "breath"),
        (("cell", "cells", "rbc", "rbcs", "wbc", "wbcs", "leukocytes", "erythrocytes"), "cell"),
        (("copy", "copies"), "copy"),
        (("count", "counts", "event", "events"), "count"),  # "AHI ≥ 15 events/hour"
        (("percent", "pct"), "percent"),
        (("point", "points"), "dimensionless"),
        (("bsa_std",), "bsa_std"),
        (("thousand",), "thousand"),
        (("million",), "million"),
        (("billion",), "billion"),
        (("trillion",), "trillion"),
    )
    for word in names
}

_WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
_EXPONENT = re.compile(r"(?<=[A-Za-z])\s*(?:\^|\*\*)?\s*(-?\d+)\b")
_READABLE = re.compile(r"[A-Za-z0-9_ */().%+-]+")


def _scale_word(match: re.Match[str]) -> str:
    exponent = int(match.group(1))
    if exponent not in _SCALE_WORDS:
        raise UnitError(f"cannot read the power of ten 10^{exponent} in a unit")
    return f"{_SCALE_WORDS[exponent]}*"


def _word(match: re.Match[str]) -> str:
    word = match.group(0)
    if word in _EXACT_WORDS:
        return _EXACT_WORDS[word]
    return _WORDS.get(word.lower(), word)


# A count per a number of days, weeks or months ("seizures /28 days", "/4 weeks"): pint units
# carry no number, so the period is a unit of its own, defined when first read.
_PERIOD = re.compile(r"/\s*(\d+)\s*-?\s*(?:(days?|d)|(weeks?|wks?)|(hours?|hrs?|h)|(months?|mo))\b", re.IGNORECASE)
_PERIOD_BASES = ("day", "week", "hour", "month")
_PERIOD_UNIT = re.compile(r"^period_(\d+)_([a-z]+)$")


def _period(match: re.Match[str]) -> str:
    count = int(match.group(1))
    base = next(b for b, g in zip(_PERIOD_BASES, match.groups()[1:], strict=True) if g)
    if count == 1:
        return f"/{base}"
    name = f"period_{count}_{base}"
    if name not in ureg:
        ureg.define(f"{name} = {count} * {base}")
    return f"/{name}"


def _pint_text(text: str) -> str:
    """Rewrite a unit as people write it into text pint reads correctly."""
    rewritten = text.strip().translate(_CHARACTERS)
    rewritten = _SUPERSCRIPT_RUN.sub(lambda m: "^" + m.group(0).translate(SUPERSCRIPTS), rewritten)
    rewritten = _POWER_OF_TEN.sub(_scale_word, rewritten)
    for pattern, replacement in _PHRASES:
        rewritten = pattern.sub(replacement, rewritten)
    rewritten = _PERIOD.sub(_period, rewritten)
    rewritten = _WORD.sub(_word, rewritten)
    rewritten = _EXPONENT.sub(r"**\1", rewritten)
    rewritten = re.sub(r"\*+\s*/", "/", rewritten)  # "billion*/L" from "10^9/L"
    rewritten = re.sub(r"\*+\s*$", "", rewritten).strip()
    if rewritten.startswith("/"):
        rewritten = "1" + rewritten  # "/mm3": pint needs a numerator
    return rewritten


@functools.lru_cache(maxsize=1024)
def parse_unit(text: str) -> pint.Unit:
    """Read a unit as people and UCUM write it (``"umol/L"``, ``"10^9/L"``, ``"mL/min/1.73m2"``).

    Raises :class:`UnitError` naming the text when it cannot be read.
    """
    if not text or not text.strip():
        raise UnitError("empty unit")
    rewritten = _pint_text(text)
    if not _READABLE.fullmatch(rewritten):
        raise UnitError(f"cannot read unit {text!r}")
    try:
        unit = ureg.parse_units(rewritten)
    # Pint's expression parser is not hardened against malformed text: besides its own errors it
    # lets through the tokenizer's, ZeroDivisionError ("e/0") and even AssertionError (".%4+.").
    except Exception as error:
        raise UnitError(f"cannot read unit {text!r}") from error
    if not isinstance(unit, pint.Unit):
        raise UnitError(f"cannot read unit {text!r}")
    return unit


@functools.lru_cache(maxsize=64)
def parse_period(text: str) -> pint.Quantity:
    """Read a period of time such as a concept's ``per`` (``"24 h"``, ``"1 week"``).

    Raises :class:`UnitError` when the text is not a positive duration.
    """
    try:
        period = ureg.Quantity(_pint_text(text))
    except Exception as error:  # as in parse_unit: pint's parser raises many kinds of error
        raise UnitError(f"cannot read period {text!r}") from error
    if period.dimensionality != ureg.Unit("s").dimensionality or not period.magnitude > 0:
        raise UnitError(f"{text!r} is not a period of time")
    return period


# --- converting to an analyte's canonical unit ---------------------------------------------

# Calendar periods have no fixed number of days: a month is 28 to 31 of them, a year 365 or 366.
_CALENDAR = frozenset({"month", "year"})


def _period_kinds(unit: pint.Unit) -> set[str]:
    """Whether a unit's time is counted in calendar periods, in fixed ones, or both."""
    kinds = set()
    for name in pint.util.to_units_container(unit):
        period = _PERIOD_UNIT.match(name)
        base = period.group(2) if period else name
        if ureg.Unit(base).dimensionality == ureg.Unit("s").dimensionality:
            kinds.add("calendar" if base in _CALENDAR else "fixed")
    return kinds


def approximate_between(a: str, b: str) -> bool:
    """Whether converting between two units would take a calendar period (month, year) for a
    number of days: "8 migraine days per month" is not a fixed number per 28 days."""
    kinds = (_period_kinds(parse_unit(a)), _period_kinds(parse_unit(b)))
    return ("calendar" in kinds[0] and "fixed" in kinds[1]) or ("fixed" in kinds[0] and "calendar" in kinds[1])



#: The body surface (m²) that clearances are normalised to: "mL/min/1.73 m²".
STANDARD_BODY_SURFACE = 1.73


def _bridges(concept: Concept, body_surface: float | None = None) -> Iterator[pint.Quantity]:
    """The factors that may turn one dimension into another for this analyte."""
    if concept.body_surface and body_surface is not None:
        yield ureg.Quantity(body_surface, "m**2")
    if concept.molar_mass is not None:
        yield ureg.Quantity(concept.molar_mass, "g/mol")
    if concept.ratio_molar_mass is not None:
        yield ureg.Quantity(concept.ratio_molar_mass, "g/mol")
    if concept.valence is not None:
        yield ureg.Quantity(1 / abs(concept.valence), "mol/Eq")
    if concept.per is not None:
        yield 1 / parse_period(concept.per)


def _bridge_factors(concept: Concept, body_surface: float | None = None) -> Iterator[pint.Quantity]:
    """Products of the analyte's bridges (each used at most once, either way), fewest first."""
    bridges = list(_bridges(concept, body_surface))
    combinations = sorted(
        itertools.product((0, 1, -1), repeat=len(bridges)),
        key=lambda powers: sum(map(abs, powers)),
    )
    for powers in combinations[1:]:  # the first is the empty product
        factor = ureg.Quantity(1)
        for bridge, power in zip(bridges, powers, strict=True):
            if power:
                factor = factor * bridge**power
        yield factor


def _cancelled_substance(unit: pint.Unit) -> bool:
    """Whether amount of substance appears above and below the line (mmol/mol)."""
    exponents = [
        power * ureg.Unit(name).dimensionality.get("[substance]", 0)
        for name, power in pint.util.to_units_container(unit).items()
    ]
    return any(e > 0 for e in exponents) and any(e < 0 for e in exponents)


def _dimension_text(unit: pint.Unit) -> str:
    return str(unit.dimensionality) if unit.dimensionality else "dimensionless"


def canonical_value(value: float, unit: str | None, concept: Concept, body_surface: float | None = None) -> float:
    """``value`` in ``unit`` expressed in ``concept.unit`` (``unit=None``: already canonical).

    Uses the concept's molar mass, valence, ratio molar mass and implied period where the
    dimensions differ, and for a clearance that may be written per body surface or not, the
    patient's ``body_surface`` in m². Raises :class:`UnitError` for an unreadable unit or a wrong
    dimension.
    """
    if unit is None or not unit.strip():
        return float(value)
    source = parse_unit(unit)
    for scale in concept.scales:
        if parse_unit(scale.unit) == source:
            return scale.factor * float(value) + scale.offset
    target = parse_unit(concept.unit) if concept.unit else ureg.Unit("")
    # A molar ratio (HbA1c in mmol/mol) and a plain fraction (%) are related by a formula,
    # not a factor: refuse rather than convert 48 mmol/mol into 4.8 %.
    if _cancelled_substance(source) != _cancelled_substance(target) and not source.dimensionality:
        raise UnitError(
            f"{unit!r} is a molar ratio and cannot be converted to {concept.unit or 'a plain number'} "
            f"for {concept.name}"
        )
    if concept.unit is None:
        if source.dimensionality or not math.isclose(ureg.Quantity(1, source).to("").magnitude, 1.0):
            raise UnitError(f"{concept.name} takes no unit, got {unit!r}")
        return float(value)
    quantity = ureg.Quantity(value, source)
    try:
        if source.dimensionality == target.dimensionality:
            return float(quantity.to(target).magnitude)
        for factor in _bridge_factors(concept, body_surface):
            bridged = quantity * factor
            if bridged.dimensionality == target.dimensionality:
                return float(bridged.to(target).magnitude)
    except pint.PintError as error:  # e.g. an offset unit (°C) times a molar mass
        raise UnitError(f"cannot convert {unit!r} to {concept.unit!r} for {concept.name}") from error
    raise UnitError(
        f"unit {unit!r} ({_dimension_text(source)}) does not fit {concept.name}, "
        f"measured in {concept.unit or 'no unit'} ({_dimension_text(target)})"
    )


def convertible(unit: str, concept: Concept, through_body_surface: bool = False) -> bool:
    """Whether a value in ``unit`` can be brought to the concept's canonical unit (with
    ``through_body_surface``, also where that takes the patient's body surface area: a creatinine
    clearance per 1.73 m²)."""
    try:
        canonical_value(1.0, unit, concept, STANDARD_BODY_SURFACE if through_body_surface else None)
    except UnitError:
        return False
    return True


# --- writing quantities for people ---------------------------------------------------------

# How a unit is shown (applied to the unit text in this order).
_PRETTY: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(r"(?:(?<![A-Za-z0-9.])[xX×*]\s*)?(?<![\d.])10\s*(?:\^|\*\*?)\s*(\d+)\s*"),
        lambda m: "× 10" + m.group(1).translate(_TO_SUPERSCRIPT),
    ),
    (re.compile(r"\bmcg\b"), "µg"),
    (re.compile(r"(?<![A-Za-z])([mdµuμ]?)l\b"), lambda m: m.group(1) + "L"),  # ml → mL, dl → dL
    (re.compile(r"(?<![A-Za-z])[uμ](?=(?:mol|L|l|g|IU|U|Eq|kat)\b)"), "µ"),
    (re.compile(r"1\.73\s*m\s*\^?\s*2"), "1.73 m²"),
    (re.compile(r"/24\s*h\b"), "/24 h"),
    (re.compile(r"(?<=[A-Za-z])\^?([23])\b"), lambda m: m.group(1).translate(_TO_SUPERSCRIPT)),
    (re.compile(r"\bdegC\b"), "°C"),
    (re.compile(r"\bdegF\b"), "°F"),
    (re.compile(r"^1$"), ""),  # a plain number (INR, pH)
)


def _pretty_unit(unit: str) -> str:
    text = unit.strip()
    for pattern, replacement in _PRETTY:
        text = pattern.sub(replacement, text)
    return text


def _number(value: float) -> str:
    """At most 4 significant digits, no exponent, no trailing zeros: 97.24, 3, 50000."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    text = format(Decimal(f"{value:.4g}").normalize(), "f")
    return "0" if text in {"-0", "0"} else text


def format_quantity(value: float, unit: str) -> str:
    """A value and its unit as a person reads them: ``"97.24 µmol/L"``, ``"1.5 × 10⁹/L"``."""
    pretty = _pretty_unit(unit) if unit else ""
    if not pretty:
        return _number(value)
    separator = "" if pretty.startswith(("/", "%")) else " "
    return f"{_number(value)}{separator}{pretty}"
