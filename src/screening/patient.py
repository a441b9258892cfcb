"""The patient profile (DESIGN §5, version 1): frozen models and their loading from YAML or JSON.

Every field but ``id`` is optional, and a missing field means *not known*, never *false*. A list
(conditions, labs, …) is open unless ``complete`` names it: what is absent from an open list is
unknown, what is absent from a complete list is absent for the patient.

Loading keeps, out of band, the line each list entry came from (``entry.line``) and the file
(``patient.source``), so later stages can cite ``patient.yaml:14``. Every problem with the input
— unreadable file, YAML or JSON syntax, unknown field, wrong type, bad date, a unit the engine
cannot read or of the wrong dimension — is one :class:`~screening.errors.InputError` naming the
file, the field (a dotted path such as ``labs[2].unit``) and, where known, the line. Names that
are not in the vocabulary are kept and reported in ``patient.warnings``.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarbool import ScalarBoolean

from screening.errors import InputError, read_input
from screening.units import UnitError, convertible, parse_unit
from screening.vocabulary import Concept, load_vocabulary

__all__ = [
    "ENTRY_KINDS",
    "Condition",
    "Entry",
    "FamilyCondition",
    "Lab",
    "ListName",
    "Medication",
    "Patient",
    "Procedure",
    "Score",
    "Vaccination",
    "Vital",
    "age_on",
    "load_patient",
    "patient_from_mapping",
    "patient_json_schema",
]

Sex = Literal["female", "male"]
Severity = Literal["mild", "moderate", "severe"]
Outcome = Literal["responded", "no_response", "intolerant"]
Route = Literal["oral", "iv", "sc", "im", "topical", "inhaled", "other"]
ListName = Literal[
    "conditions", "labs", "scores", "vitals", "medications", "procedures", "vaccinations", "family_history"
]

_ISO_DAY = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[Tt ].*)?")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_ANSWER_KEY = r"^NCT\d{8}/[IE][1-9]\d*$"


# --- value types -----------------------------------------------------------------------------


def _day(value: Any) -> Any:
    """A date, a datetime (its day) or ISO text ``YYYY-MM-DD`` (any time after it is dropped)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and (match := _ISO_DAY.fullmatch(value.strip())):
        try:
            return date.fromisoformat(match[1])
        except ValueError as error:
            raise ValueError(f"'{value}' is not a date ({error})") from None
    raise ValueError(f"{_show(value)} is not a date (write YYYY-MM-DD)")


def _measured(value: Any) -> Any:
    """A number, or text for titres ("1:320") and qualitative results ("positive").

    Text that is a plain number ("1.1", as JSON writers sometimes quote it) becomes the number.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"expected a number or text, got {_show(value)}")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValueError("must not be empty")
        if not _NUMBER.fullmatch(text):
            return text
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number, got {value}")
    return number


def _finding(value: Any) -> Any:
    """A finding is text, a number or true/false (``isn_rps_class: IV+V``, ``necrosis: false``)."""
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int | float) and math.isfinite(value):
        return value
    raise ValueError(f"expected text, a number or true/false, got {_show(value)}")


def _number(value: Any) -> Any:
    if isinstance(value, bool):  # pydantic would read true as 1.0
        raise ValueError(f"expected a number, got {value}")
    return value


def _whole(value: Any) -> Any:
    if isinstance(value, bool):  # pydantic would read true as 1
        raise ValueError(f"expected a whole number, got {value}")
    return value


def _choice(value: Any) -> Any:
    """Enumerated words are matched regardless of case, spaces and hyphens ("No response")."""
    if isinstance(value, str):
        return re.sub(r"[\s-]+", "_", value.strip().lower())
    return value


Day = Annotated[date, BeforeValidator(_day)]
Number = Annotated[float, BeforeValidator(_number)]
Measured = Annotated[float | str, BeforeValidator(_measured)]
FindingValue = Annotated[str | float | int | bool, BeforeValidator(_finding)]
Text = Annotated[str, StringConstraints(min_length=1)]
AnswerKey = Annotated[str, StringConstraints(pattern=_ANSWER_KEY)]


# --- models ----------------------------------------------------------------------------------


class _Record(BaseModel):
    """Frozen, closed and compared by its fields only: where it was read from is not its value."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, allow_inf_nan=False
    )

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in type(self).model_fields)


class Entry(_Record):
    """An item of one of the profile's lists, matched to a vocabulary concept by code or name.

    ``concept_id`` is the concept it resolved to (the code wins when both code and name
    resolve), or None when neither is in the vocabulary. ``line`` is the source line it was
    read from, when it was read from a file.
    """

    name: Text | None = Field(None, description="As written; matched through the vocabulary.")
    code: Text | None = Field(None, description="A code such as SNOMED:55464009 or LOINC:2160-0.")

    _line: int | None = PrivateAttr(None)

    @property
    def line(self) -> int | None:
        return self._line

    @cached_property
    def concept_id(self) -> str | None:
        # Looked up outside validation: a fault in the vocabulary data is not the profile's.
        by_code, by_name = _concepts(self)
        concept = by_code or by_name
        return concept.id if concept else None

    @model_validator(mode="after")
    def _named(self) -> Entry:
        if self.name is None and self.code is None:
            raise ValueError("an entry needs a name or a code")
        return self


class Condition(Entry):
    """A diagnosis or history item; no ``end`` means ongoing."""

    onset: Day | None = None
    end: Day | None = Field(None, description="Absent: ongoing.")
    severity: Annotated[Severity, BeforeValidator(_choice)] | None = None
    grade: Annotated[int, Field(ge=1, le=5), BeforeValidator(_whole)] | None = Field(
        None, description="CTCAE grade (1-5) of an adverse event; a change of grade is a new entry.")
    controlled: bool | None = None
    hospitalized: bool | None = Field(None, description="For infections: needed hospital care.")
    note: str | None = Field(None, description='Free-text qualifier, e.g. "secondary".')

    @model_validator(mode="after")
    def _in_order(self) -> Condition:
        _check_order(self.onset, self.end, "onset")
        return self


class Lab(Entry):
    """A laboratory result: a number with its unit, a titre ("1:320") or a qualitative word."""

    value: Measured | None = None
    unit: Text | None = None
    date: Day | None = None
    ref_high: Number | None = Field(None, description="Upper limit of normal, in the same unit.")
    ref_low: Number | None = Field(None, description="Lower limit of normal, in the same unit.")


class Score(Entry):
    """A disease-activity or other index (SLEDAI-2K, ECOG…)."""

    value: Measured | None = None
    date: Day | None = None


class Vital(Entry):
    """A vital sign or body measurement (weight, blood pressure…)."""

    value: Number | None = None
    unit: Text | None = None
    date: Day | None = None


class Medication(Entry):
    """A medication taken or being taken; no ``end`` means ongoing. ``indication`` is what it was
    given for ("metastatic melanoma"), matched through the vocabulary with its setting words."""

    dose: Text | None = Field(None, description='As written, e.g. "2 g/day".')
    route: Annotated[Route, BeforeValidator(_choice)] | None = None
    start: Day | None = None
    end: Day | None = Field(None, description="Absent: ongoing.")
    outcome: Annotated[Outcome, BeforeValidator(_choice)] | None = None
    note: str | None = Field(None, description='Free-text qualifiers of the course, e.g. "adjuvant", "first-line".')
    indication: Text | None = Field(
        None, description='What it was given for, a condition as named, e.g. "metastatic melanoma".')
    therapy_line: int | None = Field(
        None, ge=1, description="Which line of treatment the course belonged to (1: first line).")

    @model_validator(mode="after")
    def _in_order(self) -> Medication:
        _check_order(self.start, self.end, "start")
        return self


class Procedure(Entry):
    """A procedure done (or, with ``planned: true``, scheduled), with its findings.

    One done on a day has a ``date``; one that goes on over time (dialysis, mechanical
    ventilation) is a course with a ``start`` and, once stopped, an ``end``: no ``end`` means
    ongoing, as for a medication. How long a procedure has gone on is known only from a course.
    """

    date: Day | None = None
    start: Day | None = Field(None, description="For one that goes on (dialysis): when it began.")
    end: Day | None = Field(None, description="For one that goes on: when it stopped; absent with a start: ongoing.")
    planned: bool | None = None
    note: str | None = Field(None, description='Free-text qualifiers, e.g. "palliative".')
    indication: Text | None = Field(
        None, description='What it was done for, a condition as named, e.g. "prostate cancer".')
    findings: dict[str, FindingValue] = Field(
        default_factory=dict, description="Key/values such as isn_rps_class: IV+V."
    )

    @property
    def is_course(self) -> bool:
        """Recorded as going on from a start to an end, not as done on one day."""
        return self.start is not None or self.end is not None

    @property
    def first_day(self) -> date | None:
        """The day it was done, or began."""
        return self.start if self.is_course else self.date

    @model_validator(mode="after")
    def _one_way_dated(self) -> Procedure:
        if self.date is not None and self.is_course:
            raise _field_problem("start", "a procedure has a date (done on one day) or a start and end "
                                          "(one that goes on), not both")
        _check_order(self.start, self.end, "start")
        return self


class Vaccination(Entry):
    """A vaccine given; live vaccines within a window are common exclusions."""

    date: Day | None = None


class FamilyCondition(Entry):
    """A condition a relative has or had ("family history of medullary thyroid carcinoma");
    written as the condition's name alone, or with the relative."""

    relation: Text | None = Field(None, description='Who had it, e.g. "mother", "first-degree relative".')


def _named_entries(value: Any) -> Any:
    """A list entry written as a bare name is that name."""
    if isinstance(value, (list, tuple)):
        return [{"name": v} if isinstance(v, str) else v for v in value]
    return value


class Patient(_Record):
    """A patient profile (DESIGN §5). Missing fields are unknown; see ``complete`` for lists.

    ``source`` is the file it was read from; ``warnings`` lists what a coordinator should look
    at although it is not an error (names that are not in the vocabulary).
    """

    id: Text
    as_of: Day | None = Field(None, description="Screening date; absent: the day of screening.")
    birth_date: Day | None = None
    age: Annotated[int, Field(ge=0, le=150), BeforeValidator(_number)] | None = Field(
        None, description="Years; used when birth_date is absent."
    )
    sex: Annotated[Sex, BeforeValidator(_choice)] | None = None
    pregnant: bool | None = None
    breastfeeding: bool | None = None
    childbearing_potential: bool | None = None
    contraception: bool | None = Field(None, description="Uses or agrees to use contraception.")
    consent: bool | None = Field(None, description="Has signed informed consent.")
    complete: tuple[ListName, ...] = Field(
        (), description="Lists that are complete: what they lack, the patient does not have."
    )
    conditions: tuple[Condition, ...] = ()
    labs: tuple[Lab, ...] = ()
    scores: tuple[Score, ...] = ()
    vitals: tuple[Vital, ...] = ()
    medications: tuple[Medication, ...] = ()
    procedures: tuple[Procedure, ...] = ()
    vaccinations: tuple[Vaccination, ...] = ()
    family_history: Annotated[tuple[FamilyCondition, ...], BeforeValidator(_named_entries)] = Field(
        (), description="Conditions of the patient's relatives, by name (or {name, relation}).")
    attributes: dict[Text, bool] = Field(
        default_factory=dict,
        description="Yes/no facts a coordinator records, by vocabulary name: able to swallow tablets, "
                    "speaks English, right-handed.",
    )
    cohorts: tuple[Text, ...] | None = Field(
        None,
        description="The cohort headings of the trial the patient is screened for (\"Healthy Controls\", "
                    "\"Arm B patients\"), matched ignoring case, spacing and punctuation; absent: not known.",
    )
    answers: dict[AnswerKey, bool] = Field(
        default_factory=dict,
        description="A coordinator's answers: NCT id/criterion id -> is the statement true.",
        json_schema_extra={"additionalProperties": False},  # keys outside the pattern are errors
    )

    _source: str | None = PrivateAttr(None)
    _warnings: tuple[str, ...] = PrivateAttr(())

    @property
    def source(self) -> str | None:
        return self._source

    @property
    def warnings(self) -> tuple[str, ...]:
        return self._warnings

    @field_validator(
        "complete",
        "conditions",
        "labs",
        "scores",
        "vitals",
        "medications",
        "procedures",
        "vaccinations",
        "family_history",
        mode="before",
    )
    @classmethod
    def _null_list_is_empty(cls, value: Any) -> Any:
        # `labs:` with nothing under it is YAML null; it says no more than an empty list.
        return () if value is None else value

    @field_validator("answers", mode="before")
    @classmethod
    def _null_answers_are_empty(cls, value: Any) -> Any:
        return {} if value is None else value

    @model_validator(mode="after")
    def _born_before_screening(self) -> Patient:
        if self.birth_date and self.as_of and self.birth_date > self.as_of:
            raise _field_problem(
                "birth_date", f"birth_date {self.birth_date} is after as_of {self.as_of}"
            )
        return self


# What each list of the profile holds, and the word for one of its entries in messages.
ENTRY_KINDS: dict[str, tuple[type[Entry], str]] = {
    "conditions": (Condition, "condition"),
    "labs": (Lab, "lab"),
    "scores": (Score, "score"),
    "vitals": (Vital, "vital"),
    "medications": (Medication, "medication"),
    "procedures": (Procedure, "procedure"),
    "vaccinations": (Vaccination, "vaccination"),
    "family_history": (FamilyCondition, "family history condition"),
}


def _field_problem(field: str, message: str) -> PydanticCustomError:
    """An error found by a model-level check, located at one of the model's fields."""
    return PydanticCustomError("field_problem", "{message}", {"field": field, "message": message})


def _check_order(first: date | None, end: date | None, first_name: str) -> None:
    if first and end and end < first:
        raise _field_problem("end", f"end {end} is before {first_name} {first}")


def _concepts(entry: Entry) -> tuple[Concept | None, Concept | None]:
    """The concepts the entry's code and name resolve to, in that order."""
    vocabulary = load_vocabulary()
    by_code = vocabulary.lookup(entry.code) if entry.code else None
    by_name = vocabulary.lookup(entry.name) if entry.name else None
    return by_code, by_name


# --- public functions ------------------------------------------------------------------------


def load_patient(path: str | Path) -> Patient:
    """Read a patient profile from a YAML or JSON file; any problem is one :class:`InputError`.

    JSON is recognised by the ``.json`` extension or by content that starts with ``{``.
    List entries keep their source line (``entry.line``) and the patient its file (``source``).
    """
    file = str(path)
    text = _read(Path(path), file)
    if Path(path).suffix.lower() == ".json":
        data, lines = _parse_json(text, file)
    elif text.lstrip().startswith("{"):
        try:
            data, lines = _parse_json(text, file)
        except InputError:  # a YAML flow mapping, not JSON: let YAML read (and judge) it
            data, lines = _parse_yaml(text, file)
    else:
        data, lines = _parse_yaml(text, file)
    return _build(data, lines, file)


def patient_from_mapping(data: Mapping[str, Any], source: str | None = None) -> Patient:
    """Build a profile from an already-parsed mapping (no line numbers), checked as a file is."""
    return _build(_plain(data, (), {}), {}, source)


def patient_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the input profile, for editors and yaml-language-server.

    What loading computes (lines, concept ids, warnings, source) is not part of it.
    """
    schema = Patient.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def age_on(patient: Patient, day: date) -> int | None:
    """Completed years on ``day`` from ``birth_date`` (else ``age`` as given); None if unknown.

    Someone born on 29 February completes a year on 1 March in common years.
    """
    born = patient.birth_date
    if born is None:
        return patient.age
    if day < born:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# --- reading ---------------------------------------------------------------------------------

Lines = dict[tuple[str | int, ...], int]  # path of a key or list item -> its 1-based line


class _Constructor(RoundTripConstructor):
    """Round-trip constructor that leaves timestamps as text.

    Dates are then parsed by the models, so a bad date is a field error with its line instead
    of a bare ``ValueError`` from inside the YAML library.
    """


_Constructor.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


def _yaml() -> YAML:
    # Round-trip mode keeps line numbers; YAML 1.2 keeps `1:320` a string (1.1 read it as 80).
    yaml = YAML(typ="rt")
    yaml.version = (1, 2)
    yaml.Constructor = _Constructor
    return yaml


def _read(path: Path, file: str) -> str:
    data = read_input(path, file, "patient profile")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", file=file) from None


def _parse_yaml(text: str, file: str) -> tuple[Any, Lines]:
    try:
        tree = _yaml().load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "unreadable YAML"
        prefix = "" if isinstance(error, DuplicateKeyError) else "YAML syntax error: "
        line = mark.line + 1 if mark else None
        raise InputError(f"{prefix}{problem}", file=file, line=line) from None
    except YAMLError as error:
        raise InputError(f"YAML error: {error}", file=file) from None
    lines: Lines = {}
    return _plain(tree, (), lines), lines


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for key, value in pairs:
        if key in mapping:
            raise _DuplicateKey(key)
        mapping[key] = value
    return mapping


def _parse_json(text: str, file: str) -> tuple[Any, Lines]:
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        raise InputError(f"JSON syntax error: {error.msg}", file=file, line=error.lineno) from None
    except _DuplicateKey as duplicate:
        line = None
        try:  # the YAML reader knows where the second one is
            _yaml().load(text)
        except DuplicateKeyError as error:
            line = error.problem_mark.line + 1 if error.problem_mark else None
        except YAMLError:
            pass
        raise InputError(f"duplicate key '{duplicate.key}'", file=file, line=line) from None
    # JSON is YAML 1.2, so the YAML reader gives line numbers for free; without them, no lines.
    lines: Lines = {}
    try:
        _plain(_yaml().load(text), (), lines)
    except YAMLError:
        lines.clear()
    return data, lines


def _plain(node: Any, path: tuple[str | int, ...], lines: Lines) -> Any:
    """Plain Python values from a parsed document, recording the line of each key and item."""
    if isinstance(node, Mapping):
        positions = node.lc.data if isinstance(node, CommentedMap) else {}
        plain = {}
        for key, value in node.items():
            name = key if isinstance(key, str) else str(key)
            if key in positions:
                lines[(*path, name)] = positions[key][0] + 1
            plain[name] = _plain(value, (*path, name), lines)
        return plain
    if isinstance(node, list | tuple):
        positions = node.lc.data if isinstance(node, CommentedSeq) else {}
        for index in range(len(node)):
            if index in positions:
                lines[(*path, index)] = positions[index][0] + 1
        return [_plain(item, (*path, index), lines) for index, item in enumerate(node)]
    # ruamel's scalar subclasses (ScalarFloat, ScalarBoolean, …) become the plain types.
    if isinstance(node, ScalarBoolean):
        return bool(node)
    for plain_type in (bool, int, float, str):
        if isinstance(node, plain_type):
            return plain_type(node)
    return node


# --- building and checking -------------------------------------------------------------------


def _build(data: Any, lines: Lines, source: str | None) -> Patient:
    if not isinstance(data, dict):
        found = "the file is empty" if data is None else f"found {_show(data)}"
        raise InputError(f"a patient profile is a mapping of fields; {found}", file=source)
    try:
        patient = Patient.model_validate(data)
    except ValidationError as error:
        raise _input_error(error, lines, source) from None
    warnings: list[str] = []
    for list_name, (_, kind) in ENTRY_KINDS.items():
        for index, entry in enumerate(getattr(patient, list_name)):
            path = (list_name, index)
            entry._line = lines.get(path)
            where = _where(source, entry.line)
            by_code, by_name = _concepts(entry)
            if by_code is None and by_name is None:
                warnings.append(where + _not_in_vocabulary(kind, entry))
            elif by_code and by_name and by_code.id != by_name.id:
                warnings.append(
                    f"{where}{kind} '{entry.name}': code {entry.code} means '{by_code.name}',"
                    f" not '{by_name.name}'; the code is used"
                )
            concept = by_code or by_name
            if concept and isinstance(entry, Lab | Vital):
                _check_unit(entry, concept, path, lines, source)
    vocabulary = load_vocabulary()
    for key in patient.attributes:
        found = vocabulary.lookup(key)
        if found is None or found.category != "attribute":
            where = _where(source, lines.get(("attributes", key)))
            warnings.append(f"{where}attribute '{key}' is not in the vocabulary; it is not used")
    patient._source = source
    patient._warnings = tuple(warnings)
    return patient


def _where(source: str | None, line: int | None) -> str:
    if source is None:
        return ""
    return f"{source}:{line}: " if line is not None else f"{source}: "


def _not_in_vocabulary(kind: str, entry: Entry) -> str:
    written = entry.name or entry.code or ""
    message = f"{kind} '{written}' is not in the vocabulary"
    suggestions = load_vocabulary().suggest(written, n=3)
    return message + _did_you_mean(suggestions)


def _did_you_mean(candidates: list[str]) -> str:
    if not candidates:
        return ""
    quoted = [f"'{candidate}'" for candidate in candidates]
    listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f" (did you mean {listed}?)"


def _check_unit(
    entry: Lab | Vital,
    concept: Concept,
    path: tuple[str | int, ...],
    lines: Lines,
    source: str | None,
) -> None:
    """A quantity's unit must be readable and of its concept's dimension (DESIGN §5)."""
    if not concept.unit:
        return
    field = _dotted((*path, "unit"))
    expected = f"expected a unit convertible to {concept.unit}"
    if entry.unit is None:
        if isinstance(entry.value, float) and _needs_unit(concept):
            raise InputError(
                f"unit missing for {concept.name} ({expected})",
                file=source, field=field, line=lines.get(path),
            )
        return
    line = lines.get((*path, "unit"), lines.get(path))
    try:
        parse_unit(entry.unit)
    except UnitError as error:
        raise InputError(str(error), file=source, field=field, line=line) from None
    if not convertible(entry.unit, concept, through_body_surface=True):
        raise InputError(
            f"unit '{entry.unit}' has the wrong dimension for {concept.name} ({expected})",
            file=source, field=field, line=line,
        )


# A rate whose name says its period ("monthly migraine days"): a bare number is per that period.
_NAMED_PERIOD = re.compile(r"\b(?:daily|weekly|monthly|yearly|per (?:day|week|month|year))\b", re.IGNORECASE)


def _needs_unit(concept: Concept) -> bool:
    """A bare number means the canonical unit only where no unit could be meant instead."""
    return concept.value_type == "quantity" and not parse_unit(concept.unit).dimensionless \
        and not _NAMED_PERIOD.search(concept.name)


# --- validation errors as one line -----------------------------------------------------------


def _input_error(error: ValidationError, lines: Lines, source: str | None) -> InputError:
    problems = [(_path(problem), problem) for problem in error.errors()]
    # Report the problem that comes first in the file; the others are counted.
    problems.sort(key=lambda item: (_line(item[0], lines) is None, _line(item[0], lines) or 0))
    path, first = problems[0]
    message = _describe(first, path)
    if len(problems) > 1:
        more = len(problems) - 1
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return InputError(message, file=source, field=_dotted(path) or None, line=_line(path, lines))


def _path(problem: Any) -> tuple[str | int, ...]:
    path = tuple(part for part in problem["loc"] if part != "[key]")
    if problem["type"] == "field_problem":
        path += (problem["ctx"]["field"],)
    return path


def _line(path: tuple[str | int, ...], lines: Lines) -> int | None:
    """The line of the field, or of the nearest enclosing entry that has one."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def _dotted(path: tuple[str | int, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _fields_at(path: tuple[str | int, ...]) -> list[str]:
    """The field names allowed where ``path`` ends (the mapping that holds its last key)."""
    if len(path) == 1:
        return list(Patient.model_fields)
    if len(path) == 3 and path[0] in ENTRY_KINDS:
        return list(ENTRY_KINDS[str(path[0])][0].model_fields)
    return []


_TYPE_WORDS = {
    "string_type": "text",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "tuple_type": "a list",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
}


def _describe(problem: Any, path: tuple[str | int, ...]) -> str:
    """One line, in a coordinator's words, for one pydantic error."""
    kind, value = problem["type"], problem.get("input")
    last = str(path[-1]) if path else ""
    if kind == "extra_forbidden":
        return f"unknown field '{last}'" + _did_you_mean(
            difflib.get_close_matches(last, _fields_at(path), n=1, cutoff=0.6)
        )
    if kind == "missing":
        return f"the required field '{last}' is missing"
    if kind == "value_error":
        return str(problem["ctx"]["error"])
    if kind == "field_problem":
        return str(problem["ctx"]["message"])
    if kind == "literal_error":
        allowed = problem["ctx"]["expected"]
        guess = difflib.get_close_matches(str(value), re.findall(r"'([^']*)'", allowed), n=1)
        return f"{_show(value)} is not allowed here; expected {allowed}" + _did_you_mean(guess)
    if kind == "string_pattern_mismatch" and path[:1] == ("answers",):
        return (
            f"answer key '{last}' should be a trial's NCT id and a criterion id,"
            " like NCT03580291/E8"
        )
    if kind == "greater_than_equal":
        return f"must be at least {problem['ctx']['ge']}, got {_show(value)}"
    if kind == "less_than_equal":
        return f"must be at most {problem['ctx']['le']}, got {_show(value)}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind in _TYPE_WORDS:
        hint = ""
        if kind == "string_type" and isinstance(value, int | float):
            hint = " (put it in quotes to keep it as text)"
        elif kind in ("bool_type", "bool_parsing"):
            hint = " (leave the field out when it is not known)"
        return f"expected {_TYPE_WORDS[kind]}, got {_show(value)}{hint}"
    return str(problem["msg"])


def _show(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, str):
        return f"'{value}'"
    return str(value)
