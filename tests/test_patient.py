"""Tests for screening.patient: the §5 profile models, YAML/JSON loading, errors and schema."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from screening.errors import InputError
from screening.patient import (
    ENTRY_KINDS,
    Lab,
    Patient,
    age_on,
    load_patient,
    patient_from_mapping,
    patient_json_schema,
)

FIXTURES = Path(__file__).parent / "fixtures" / "patients"
EXAMPLES = Path(__file__).parents[1] / "examples" / "patients"


def write(tmp_path: Path, text: str, name: str = "patient.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_error(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load_patient(path)
    return caught.value


# --- good profiles ---------------------------------------------------------------------------


def test_full_profile_loads_every_field() -> None:
    patient = load_patient(FIXTURES / "full.yaml")
    assert patient.id == "LN-001"
    assert patient.as_of == date(2026, 11, 20)
    assert patient.birth_date == date(1988, 3, 2)
    assert (patient.age, patient.sex) == (38, "female")
    assert (patient.pregnant, patient.breastfeeding) == (False, False)
    assert (patient.childbearing_potential, patient.contraception, patient.consent) == (
        True,
        True,
        True,
    )
    assert patient.complete == ("conditions", "medications", "procedures")

    (lupus,) = patient.conditions
    assert (lupus.name, lupus.code) == ("systemic lupus erythematosus", "SNOMED:55464009")
    assert (lupus.onset, lupus.end) == (date(2014, 6, 1), date(2020, 1, 1))
    assert (lupus.severity, lupus.controlled, lupus.hospitalized, lupus.note) == (
        "severe",
        False,
        True,
        "secondary",
    )

    creatinine, ana, dsdna = patient.labs
    assert (creatinine.value, creatinine.unit) == (1.1, "mg/dL")
    assert creatinine.date == date(2026, 11, 10)
    assert (creatinine.ref_high, creatinine.ref_low) == (1.2, 0.6)
    assert ana.value == "1:320" and ana.unit is None
    assert dsdna.value == "positive"

    assert patient.scores[0].value == 10 and patient.scores[0].name == "SLEDAI-2K"
    assert (patient.vitals[0].value, patient.vitals[0].unit) == (62, "kg")

    (mmf,) = patient.medications
    assert (mmf.dose, mmf.route, mmf.outcome) == ("2 g/day", "oral", "no_response")
    assert (mmf.start, mmf.end, mmf.code) == (date(2025, 1, 15), date(2025, 6, 1), "RXNORM:68149")

    (biopsy,) = patient.procedures
    assert biopsy.planned is False and biopsy.code == "SNOMED:79185005"
    assert biopsy.findings == {
        "isn_rps_class": "IV+V",
        "sclerosed_glomeruli_percent": 10,
        "crescents_percent": 0.5,
        "capillary_loop_necrosis": False,
    }
    assert isinstance(biopsy.findings["capillary_loop_necrosis"], bool)

    (mmr,) = patient.vaccinations
    assert (mmr.name, mmr.date, mmr.code) == (
        "measles mumps rubella vaccine",
        date(2026, 9, 1),
        "CVX:03",
    )
    assert patient.answers == {"NCT03580291/E8": False, "NCT03580291/I3": True}
    assert patient.source == str(FIXTURES / "full.yaml")


def test_entries_carry_their_source_line() -> None:
    patient = load_patient(FIXTURES / "full.yaml")
    assert patient.conditions[0].line == 15
    assert [lab.line for lab in patient.labs] == [25, 31, 34]
    assert patient.vitals[0].line == 40
    assert patient.procedures[0].line == 52
    assert patient.vaccinations[0].line == 63


def test_entries_resolve_to_vocabulary_concepts() -> None:
    patient = load_patient(FIXTURES / "full.yaml")
    creatinine = patient.labs[0]
    assert creatinine.concept_id is not None
    same = Lab(name="Scr", value=88, unit="umol/L")
    assert same.concept_id == creatinine.concept_id


def test_missing_fields_are_unknown_not_false() -> None:
    patient = patient_from_mapping({"id": "P"})
    assert patient.pregnant is None and patient.consent is None and patient.sex is None
    assert patient.as_of is None and patient.age is None
    assert patient.complete == () and patient.labs == () and patient.answers == {}
    assert patient.warnings == () and patient.source is None


def test_unquoted_titre_stays_text(tmp_path: Path) -> None:
    # YAML 1.1 (PyYAML) reads 1:320 as a base-60 integer; YAML 1.2 keeps it text.
    text = "id: T\nlabs:\n  - name: ANA\n    value: 1:320\n  - {name: ANA, value: 1:40}\n"
    path = write(tmp_path, text)
    patient = load_patient(path)
    assert [lab.value for lab in patient.labs] == ["1:320", "1:40"]


def test_yaml_one_one_words_are_not_booleans(tmp_path: Path) -> None:
    # In YAML 1.2 `positive`/`no` are words; a qualitative lab keeps them.
    patient = load_patient(write(tmp_path, "id: T\nlabs:\n  - {name: ANA, value: no}\n"))
    assert patient.labs[0].value == "no"


def test_numeric_text_value_becomes_a_number() -> None:
    patient = patient_from_mapping({"id": "T", "labs": [{"name": "zz thing", "value": "7.5"}]})
    assert patient.labs[0].value == 7.5


def test_json_profile_equals_yaml_profile_and_has_lines() -> None:
    from_yaml = load_patient(FIXTURES / "full.yaml")
    from_json = load_patient(FIXTURES / "full.json")
    assert from_json == from_yaml
    assert from_json.labs[0].line == 30  # the line of its opening brace in full.json


def test_json_recognised_by_content(tmp_path: Path) -> None:
    path = write(tmp_path, '{"id": "J", "as_of": "2026-01-02"}', name="profile.txt")
    assert load_patient(path).as_of == date(2026, 1, 2)


def test_yaml_flow_mapping_is_not_mistaken_for_json(tmp_path: Path) -> None:
    assert load_patient(write(tmp_path, "{id: F, sex: male}\n")).sex == "male"


def test_equality_ignores_where_it_was_read(tmp_path: Path) -> None:
    one = load_patient(write(tmp_path, "id: E\nlabs:\n  - {name: zz a, value: 1}\n", "a.yaml"))
    other = load_patient(write(tmp_path, "id: E\n\n\nlabs: [{name: zz a, value: 1.0}]\n", "b.yaml"))
    assert one.labs[0].line != other.labs[0].line and one.source != other.source
    assert one == other


def test_words_are_matched_regardless_of_case() -> None:
    patient = patient_from_mapping(
        {"id": "C", "sex": "Female", "medications": [{"name": "zz", "outcome": "No response"}]}
    )
    assert patient.sex == "female" and patient.medications[0].outcome == "no_response"


def test_null_list_means_empty() -> None:
    assert patient_from_mapping({"id": "N", "labs": None, "answers": None}).labs == ()


# --- errors ----------------------------------------------------------------------------------


def test_unknown_field_suggests_the_right_one() -> None:
    error = load_error(FIXTURES / "unknown_field.yaml")
    assert (error.field, error.line) == ("labz", 4)
    assert str(error) == (
        f"{FIXTURES / 'unknown_field.yaml'}:4, field 'labz': "
        "unknown field 'labz' (did you mean 'labs'?)"
    )


def test_unknown_field_in_an_entry_names_its_path(tmp_path: Path) -> None:
    path = write(tmp_path, "id: X\nlabs:\n  - name: creatinine\n    value: 88\n    vlaue: 3\n")
    error = load_error(path)
    assert (error.field, error.line) == ("labs[0].vlaue", 5)
    assert "did you mean 'value'?" in str(error)


def test_wrong_dimension_unit_names_entry_and_line() -> None:
    error = load_error(FIXTURES / "wrong_unit.yaml")
    assert (error.field, error.line) == ("labs[1].unit", 10)
    text = str(error)
    assert text.startswith(f"{FIXTURES / 'wrong_unit.yaml'}:10, field 'labs[1].unit': ")
    assert "unit 'mg' has the wrong dimension for" in text and "creatinine" in text


def test_unreadable_unit_is_an_error() -> None:
    error = load_error(FIXTURES / "unknown_unit.yaml")
    assert (error.field, error.line) == ("labs[0].unit", 3)
    assert "cannot read unit 'mg per blorp'" in str(error)


@pytest.mark.parametrize("unit", ["mg per blorp", "mg/(dL", "/", "0/0"])
def test_any_unreadable_unit_is_an_input_error(unit: str) -> None:
    with pytest.raises(InputError) as caught:
        patient_from_mapping(
            {"id": "U", "labs": [{"name": "creatinine", "value": 1, "unit": unit}]}
        )
    assert caught.value.field == "labs[0].unit"


def test_missing_unit_on_a_quantity_is_an_error(tmp_path: Path) -> None:
    text = "id: U\nlabs:\n  - {name: zz, value: 1}\n  - {name: serum creatinine, value: 1.1}\n"
    error = load_error(write(tmp_path, text))
    assert (error.field, error.line) == ("labs[1].unit", 4)
    assert "unit missing" in str(error)


def test_missing_unit_means_canonical_where_it_is_dimensionless() -> None:
    labs = [{"name": "HbA1c", "value": 7.2}, {"name": "INR", "value": 1.1}]
    patient = patient_from_mapping({"id": "U", "labs": labs})
    assert [lab.unit for lab in patient.labs] == [None, None]


def test_missing_unit_on_text_value_is_fine() -> None:
    patient = patient_from_mapping({"id": "U", "labs": [{"name": "creatinine", "value": "high"}]})
    assert patient.labs[0].unit is None


def test_bad_date_names_field_and_line() -> None:
    error = load_error(FIXTURES / "bad_date.yaml")
    assert (error.field, error.line) == ("medications[0].start", 4)
    assert "'2025-02-30' is not a date" in str(error)


@pytest.mark.parametrize("written", ["20261120", "'20-11-2026'", "yesterday"])
def test_dates_must_be_iso(tmp_path: Path, written: str) -> None:
    error = load_error(write(tmp_path, f"id: D\nas_of: {written}\n"))
    assert (error.field, error.line) == ("as_of", 2) and "is not a date" in str(error)


def test_dates_in_order(tmp_path: Path) -> None:
    text = "id: D\nconditions:\n  - name: zz\n    onset: 2020-02-01\n    end: 2020-01-01\n"
    error = load_error(write(tmp_path, text))
    assert (error.field, error.line) == ("conditions[0].end", 5)


def test_birth_after_screening_date(tmp_path: Path) -> None:
    error = load_error(write(tmp_path, "id: B\nbirth_date: 2030-01-01\nas_of: 2026-01-01\n"))
    assert (error.field, error.line) == ("birth_date", 2)


def test_yaml_syntax_error_has_its_line() -> None:
    error = load_error(FIXTURES / "syntax_error.yaml")
    assert error.line == 4 and "YAML syntax error" in str(error)


def test_duplicate_key_has_its_line() -> None:
    error = load_error(FIXTURES / "duplicate_key.yaml")
    assert error.line == 4 and "duplicate key" in str(error)


def test_json_syntax_and_duplicate_errors_have_lines(tmp_path: Path) -> None:
    assert load_error(write(tmp_path, '{"id": "J",\n "sex" "male"}', "a.json")).line == 2
    duplicate = load_error(write(tmp_path, '{"id": "J",\n "id": "K"}', "b.json"))
    assert duplicate.line == 2 and "duplicate key 'id'" in str(duplicate)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("- id: X\n", "found a list"),
        ("", "the file is empty"),
        ("just words\n", "found 'just words'"),
    ],
)
def test_not_a_mapping(tmp_path: Path, text: str, found: str) -> None:
    assert found in str(load_error(write(tmp_path, text)))


def test_not_a_mapping_fixture() -> None:
    assert "mapping" in str(load_error(FIXTURES / "not_mapping.yaml"))


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert str(load_error(tmp_path / "nope.yaml")) == f"{tmp_path / 'nope.yaml'}: no such file"
    assert "directory" in str(load_error(tmp_path))


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("id: 12\n", "id", "quotes"),
        ("sex: male\n", "id", "required field 'id' is missing"),
        ("id: X\nsex: femal\n", "sex", "did you mean 'female'?"),
        ("id: X\npregnant: unknown\n", "pregnant", "leave the field out"),
        ("id: X\nage: -3\n", "age", "must be at least 0"),
        ("id: X\ncomplete: [labz]\n", "complete[0]", "did you mean 'labs'?"),
        ("id: X\nlabs: creatinine\n", "labs", "expected a list"),
        ("id: X\nlabs: [creatinine 1.1]\n", "labs[0]", "expected a mapping"),
        ("id: X\nlabs: [{value: 3}]\n", "labs[0]", "needs a name or a code"),
        ("id: X\nlabs: [{name: zz, value: .nan}]\n", "labs[0].value", "finite"),
        ("id: X\nlabs: [{name: zz, value: true}]\n", "labs[0].value", "number or text"),
        ("id: X\nanswers: {NCT1/E8: true}\n", "answers.NCT1/E8", "like NCT03580291/E8"),
        ("id: X\nanswers: {NCT03580291/X8: true}\n", "answers.NCT03580291/X8", "criterion id"),
        ("id: X\nprocedures: [{name: z, findings: {a: []}}]\n", "procedures[0].findings.a", "list"),
        ("id: X\nmedications: [{name: zz, route: mouth}]\n", "medications[0].route", "'oral'"),
    ],
)
def test_invalid_values_are_one_line_errors(
    tmp_path: Path, text: str, field: str, words: str
) -> None:
    error = load_error(write(tmp_path, text))
    assert error.field == field
    assert words in str(error)
    assert "\n" not in str(error) and error.file == str(tmp_path / "patient.yaml")


def test_several_problems_report_the_first_and_count() -> None:
    with pytest.raises(InputError) as caught:
        patient_from_mapping({"id": "X", "sex": "q", "pregnant": 3})
    assert caught.value.field == "sex" and caught.value.line is None
    assert "(and 1 more problem)" in str(caught.value)


def test_mapping_errors_name_the_source() -> None:
    with pytest.raises(InputError) as caught:
        patient_from_mapping({"id": "X", "labz": []}, source="tool")
    assert str(caught.value) == "tool, field 'labz': unknown field 'labz' (did you mean 'labs'?)"


# --- vocabulary warnings ---------------------------------------------------------------------


def test_unknown_lab_name_is_kept_with_a_warning() -> None:
    patient = load_patient(FIXTURES / "unknown_lab.yaml")
    assert patient.labs[1].name == "creatinin" and patient.labs[1].concept_id is None
    (warning,) = [w for w in patient.warnings if "creatinin'" in w]
    assert warning.startswith(f"{FIXTURES / 'unknown_lab.yaml'}:5: ")
    assert "lab 'creatinin' is not in the vocabulary (did you mean 'creatinine'" in warning
    assert not any("'creatinine'" in w.split("(")[0] for w in patient.warnings)


def test_code_wins_over_name_and_the_clash_is_reported() -> None:
    lab = {"name": "weight", "code": "LOINC:2160-0", "value": 1.0, "unit": "mg/dL"}
    patient = patient_from_mapping({"id": "C", "labs": [lab]}, source="tool")
    assert patient.labs[0].concept_id == Lab(name="creatinine").concept_id
    (warning,) = patient.warnings
    assert warning.startswith("tool: lab 'weight': code LOINC:2160-0 means")
    assert warning.endswith("the code is used")


def test_unit_is_checked_against_the_concept_the_code_names(tmp_path: Path) -> None:
    text = "id: C\nlabs:\n  - {name: weight, code: LOINC:2160-0, value: 1, unit: kg}\n"
    path = write(tmp_path, text)
    assert load_error(path).field == "labs[0].unit"


# --- schema ----------------------------------------------------------------------------------


def test_schema_describes_every_input_field_and_forbids_others() -> None:
    schema = patient_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["properties"]) == set(Patient.model_fields)
    assert schema["additionalProperties"] is False and schema["required"] == ["id"]
    for model, _ in ENTRY_KINDS.values():
        definition = schema["$defs"][model.__name__]
        assert set(definition["properties"]) == set(model.model_fields)
        assert definition["additionalProperties"] is False
    assert schema["properties"]["answers"]["additionalProperties"] is False
    named = set(schema["properties"]).union(
        *(definition["properties"] for definition in schema["$defs"].values())
    )
    assert named.isdisjoint({"concept_id", "line", "warnings", "source"})  # computed, not input


def test_schema_is_deterministic_json() -> None:
    first = json.dumps(patient_json_schema(), sort_keys=False)
    assert first == json.dumps(patient_json_schema(), sort_keys=False)
    assert json.loads(first) == patient_json_schema()


# --- age -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "day", "years"),
    [
        (date(1988, 3, 2), date(2026, 3, 2), 38),  # birthday today
        (date(1988, 3, 2), date(2026, 3, 1), 37),  # the day before
        (date(2000, 2, 29), date(2027, 2, 28), 26),  # leap-day birth, common year
        (date(2000, 2, 29), date(2027, 3, 1), 27),
        (date(2000, 2, 29), date(2028, 2, 29), 28),  # leap year: birthday itself
        (date(2000, 2, 29), date(2000, 2, 29), 0),
        (date(2000, 2, 29), date(2000, 2, 28), None),  # before birth
    ],
)
def test_age_on(born: date, day: date, years: int | None) -> None:
    assert age_on(Patient(id="A", birth_date=born), day) == years


def test_age_on_falls_back_to_age_as_given() -> None:
    assert age_on(Patient(id="A", age=61), date(2026, 1, 1)) == 61
    assert age_on(Patient(id="A"), date(2026, 1, 1)) is None


# --- examples --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", sorted(EXAMPLES.glob("*.y*ml")) + sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.name
)
def test_example_profiles_are_valid(path: Path) -> None:
    patient = load_patient(path)
    assert patient.id
    assert not any("is not in the vocabulary" in w for w in patient.warnings if "lab '" in w)


# --- round trip ------------------------------------------------------------------------------

days = st.dates(date(1900, 1, 1), date(2100, 12, 31))
words = st.text(st.characters(categories=("L", "N", "Zs", "Pd")), min_size=1, max_size=12).filter(
    str.strip  # text fields are stripped, and a blank one is an error
)
unknown_names = words.map(lambda text: f"zz {text}")  # never a vocabulary entry
numbers = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
measured = numbers | st.integers(1, 5000).map(lambda n: f"1:{n}") | st.sampled_from(
    ["positive", "negative", "detected", "not detected", "<0.5"]
)
flags = st.none() | st.booleans()


def entry(required: dict, optional: dict) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries({"name": unknown_names, **required}, optional=optional)


labs = entry({}, {"value": measured, "unit": st.just("mg/dL"), "date": days, "ref_high": numbers})
known_labs = st.fixed_dictionaries(
    {"name": st.sampled_from(["creatinine", "serum creatinine", "Scr"]), "value": numbers,
     "unit": st.sampled_from(["umol/L", "µmol/L", "mg/dL"])},
    optional={"date": days},
)
ordered = st.tuples(days, days).map(sorted)
conditions = entry(
    {},
    {
        "code": st.just("SNOMED:0"),
        "severity": st.sampled_from(["mild", "moderate", "severe"]),
        "grade": st.integers(1, 5),
        "controlled": flags,
        "hospitalized": flags,
        "note": words,
    },
).flatmap(
    lambda item: ordered.map(lambda span: {**item, "onset": span[0], "end": span[1]})
    | st.just(item)
)
medications = entry(
    {},
    {
        "dose": words,
        "route": st.sampled_from(["oral", "iv", "sc"]),
        "start": days,
        "outcome": st.sampled_from(["responded", "no_response", "intolerant"]),
    },
)
findings = st.dictionaries(
    st.from_regex(r"[a-z][a-z_]{0,9}", fullmatch=True),
    words | st.integers(-1000, 1000) | numbers | st.booleans(),
    max_size=4,
)
procedures = entry({}, {"date": days, "planned": flags, "findings": findings})
answers = st.dictionaries(
    st.from_regex(r"NCT\d{8}/[IE][1-9]\d{0,1}", fullmatch=True), st.booleans(), max_size=3
)
profiles = st.fixed_dictionaries(
    {"id": words},
    optional={
        "as_of": st.dates(date(2000, 1, 1), date(2100, 1, 1)),
        "birth_date": st.dates(date(1900, 1, 1), date(1999, 12, 31)),
        "age": st.integers(0, 120),
        "sex": st.sampled_from(["female", "male"]),
        "pregnant": flags,
        "consent": flags,
        "complete": st.lists(st.sampled_from(list(ENTRY_KINDS)), unique=True),
        "conditions": st.lists(conditions, max_size=3),
        "labs": st.lists(labs | known_labs, max_size=3),
        "scores": st.lists(entry({"value": numbers}, {"date": days}), max_size=2),
        "vitals": st.lists(entry({}, {"value": numbers, "date": days}), max_size=2),
        "medications": st.lists(medications, max_size=2),
        "procedures": st.lists(procedures, max_size=2),
        "vaccinations": st.lists(entry({}, {"date": days, "code": words}), max_size=2),
        "answers": answers,
    },
)


def dump_yaml(data: dict) -> str:
    stream = io.StringIO()
    yaml = YAML()
    yaml.version = (1, 2)
    yaml.dump(data, stream)
    return stream.getvalue()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles)
def test_any_valid_mapping_round_trips_through_yaml_and_json(
    tmp_path_factory: pytest.TempPathFactory, data: dict
) -> None:
    expected = patient_from_mapping(data)
    folder = tmp_path_factory.mktemp("round")
    yaml_file = write(folder, dump_yaml(data), "p.yaml")
    assert load_patient(yaml_file) == expected
    json_file = write(folder, json.dumps(data, default=str, ensure_ascii=False), "p.json")
    assert load_patient(json_file) == expected


# --- no input makes loading raise anything but InputError -------------------------------------

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | days
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
entry_fields = sorted({name for model, _ in ENTRY_KINDS.values() for name in model.model_fields})
any_entries = st.lists(st.dictionaries(st.sampled_from([*entry_fields, "zz"]), values, max_size=5))
any_profiles = st.dictionaries(
    st.sampled_from([*Patient.model_fields, "labz"]), values | any_entries, max_size=6
)


@settings(max_examples=150, deadline=None)
@given(any_profiles)
def test_any_mapping_gives_a_patient_or_an_input_error(data: dict) -> None:
    try:
        patient_from_mapping(data)
    except InputError as error:
        assert "\n" not in str(error)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(st.characters(codec="utf-8"), max_size=60)
    | profiles.map(dump_yaml).map(lambda text: text[: len(text) // 2])  # cut anywhere
)
def test_any_text_gives_a_patient_or_an_input_error(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    path = write(tmp_path_factory.mktemp("text"), text)
    try:
        load_patient(path)
    except InputError as error:
        assert "\n" not in str(error)


def test_an_attribute_outside_the_vocabulary_is_a_warning_with_its_line(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("id: P\nattributes:\n  speaks English: true\n  plays chess: true\n")
    patient = load_patient(path)
    assert patient.attributes == {"speaks English": True, "plays chess": True}
    assert patient.warnings == (f"{path}:4: attribute 'plays chess' is not in the vocabulary; it is not used",)
