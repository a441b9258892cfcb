"""Tests for screening.library: the rules/ folder of trial files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from screening.errors import InputError
from screening.ingest import read_trial
from screening.library import Library, LibraryEntry, Review, dumps, resolve_trial
from screening.trial import Criterion, Trial

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "examples" / "trials").glob("NCT*.txt"))
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "trials"


def compile_upper(criterion: Criterion) -> str:
    """A stand-in compiler: any deterministic function of the text will do."""
    return f"text({criterion.text.upper()!r})"


def set_review(path: Path, criterion_id: str, rule: str, by: str = "Dr Who") -> None:
    """Edit a library file the way a reviewer would."""
    yaml = YAML()
    data = yaml.load(path.read_text(encoding="utf-8"))
    item = next(c for c in data["criteria"] if c["id"] == criterion_id)
    item["rule"] = rule
    item["reviewed"] = {"by": by, "note": "checked against the protocol"}
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_round_trip(tmp_path: Path, seed: Path) -> None:
    trial = read_trial(seed)
    path, messages = Library(tmp_path).add(trial)
    assert (path, messages) == (tmp_path / f"{trial.nct_id}.yaml", [])
    assert Library(tmp_path).trial(trial.nct_id) == trial


def test_round_trip_of_v2_trial_with_rules(tmp_path: Path) -> None:
    trial = read_trial(FIXTURES / "NCT09990001.json")
    library = Library(tmp_path)
    library.add(trial, compile_upper)
    entry = library.entry("nct09990001")  # ids are matched whatever their case
    assert entry.trial == trial
    assert entry.rules == {c.id: compile_upper(c) for c in trial.criteria}
    assert entry.reviewed == {}


def test_without_a_compiler_rules_are_null(tmp_path: Path) -> None:
    trial = read_trial(FIXTURES / "NCT09990001.json")
    path, _ = Library(tmp_path).add(trial)
    assert "rule: null" in path.read_text(encoding="utf-8")
    assert set(Library(tmp_path).entry(trial.nct_id).rules.values()) == {None}


def test_file_reads_well(tmp_path: Path) -> None:
    trial = read_trial(ROOT / "examples" / "trials" / "NCT03171194.txt")
    text = Library(tmp_path).add(trial)[0].read_text(encoding="utf-8")
    assert text.startswith("# Trial library entry")
    keys = [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()]
    assert keys == [
        "nct_id",
        "title",
        "phase",
        "status",
        "enrollment",
        "conditions",
        "minimum_age",
        "maximum_age",
        "sex",
        "healthy_volunteers",
        "source",
        "criteria",
    ]
    assert (
        "  - id: E2\n    kind: exclusion\n    label: '*'\n    text: >-\n" in text
    )  # long text: a block
    assert max(len(line) for line in text.splitlines()) < 110


def test_rewrite_is_byte_identical(tmp_path: Path) -> None:
    library = Library(tmp_path)
    for seed in SEEDS:
        trial = read_trial(seed)
        path, _ = library.add(trial, compile_upper)
        first = path.read_bytes()
        library.add(trial, compile_upper)
        assert path.read_bytes() == first
        assert dumps(library.entry(trial.nct_id)).encode() == first


def test_reviewed_rule_is_never_overwritten(tmp_path: Path) -> None:
    library = Library(tmp_path)
    trial = read_trial(FIXTURES / "NCT09990001.json")
    path, _ = library.add(trial, compile_upper)
    set_review(path, "E2", "any(condition('tuberculosis'), condition('hepatitis B'))")

    _, messages = library.add(trial, lambda c: "recompiled")
    entry = library.entry(trial.nct_id)
    assert messages == []
    assert entry.rules["E2"] == "any(condition('tuberculosis'), condition('hepatitis B'))"
    assert entry.reviewed == {"E2": Review(by="Dr Who", note="checked against the protocol")}
    assert entry.rules["E1"] == "recompiled"  # not reviewed: what the compiler says now


def test_changed_text_under_a_reviewed_rule_is_reported(tmp_path: Path) -> None:
    library = Library(tmp_path)
    trial = read_trial(FIXTURES / "NCT09990001.json")
    path, _ = library.add(trial)
    set_review(path, "E3", "lab('creatinine') > 3 mg/dL")
    changed = [
        c.model_copy(update={"text": "Serum creatinine > 2 mg/dL"}) if c.id == "E3" else c
        for c in trial.criteria
    ]
    _, messages = library.add(trial.model_copy(update={"criteria": tuple(changed)}))
    assert len(messages) == 1 and messages[0].startswith(
        "NCT09990001/E3: text changed under a reviewed rule"
    )
    entry = library.entry(trial.nct_id)
    assert entry.rules["E3"] == "lab('creatinine') > 3 mg/dL"
    assert entry.trial.criteria[-1].text == "Serum creatinine > 2 mg/dL"
    assert "E3" in entry.reviewed


def test_reviewed_criterion_missing_from_new_record_stops_the_write(tmp_path: Path) -> None:
    library = Library(tmp_path)
    trial = read_trial(FIXTURES / "NCT09990001.json")
    path, _ = library.add(trial)
    set_review(path, "E3", "lab('creatinine') > 3 mg/dL")
    before = path.read_bytes()
    shorter = trial.model_copy(update={"criteria": trial.criteria[:-1]})
    with pytest.raises(InputError, match="reviewed rules for E3"):
        library.add(shorter)
    assert path.read_bytes() == before


def test_ids_are_sorted_nct_files_only(tmp_path: Path) -> None:
    library = Library(tmp_path)
    assert library.ids() == []
    for seed in SEEDS:
        library.add(read_trial(seed))
    (tmp_path / "notes.yaml").write_text("a: 1\n", encoding="utf-8")
    assert library.ids() == sorted(p.stem for p in SEEDS)
    assert Library(tmp_path / "missing").ids() == []


def test_unknown_trial_suggests_a_close_id(tmp_path: Path) -> None:
    library = Library(tmp_path)
    library.add(read_trial(ROOT / "examples" / "trials" / "NCT03580291.txt"))
    with pytest.raises(InputError) as error:
        library.entry("NCT03580219")
    assert str(error.value) == (
        f"unknown trial NCT03580219 (library: {tmp_path}); did you mean NCT03580291?"
    )


@pytest.mark.parametrize(
    ("edit", "expected", "line"),
    [
        (lambda t: t.replace("criteria:\n", "criteria:\n  - [unclosed\n", 1), "invalid YAML", None),
        (
            lambda t: t.replace("    rule: null", "    rule: null\n    colour: red", 1),
            r"field 'criteria\[0\]\.colour'",
            23,
        ),
        (
            lambda t: t.replace("kind: inclusion", "kind: maybe", 1),
            r"field 'criteria\[0\]\.kind'",
            19,
        ),
        (lambda t: t.replace("enrollment: 120", "enrollment: lots"), "field 'enrollment'", 8),
        (lambda t: t.replace("nct_id: NCT09990001", "nct_id: NCT09990002"), "holds NCT09990002", 4),
        (lambda t: t.replace("id: E2", "id: E1"), "duplicate criterion id E1", None),
    ],
)
def test_malformed_files_are_input_errors(
    tmp_path: Path, edit, expected: str, line: int | None
) -> None:
    library = Library(tmp_path)
    path, _ = library.add(read_trial(FIXTURES / "NCT09990001.json"))
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(InputError, match=expected) as error:
        library.entry("NCT09990001")
    assert error.value.file == str(path)
    if line is not None:
        assert error.value.line == line


def test_environment_variable_names_the_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCREENING_LIBRARY", str(tmp_path))
    assert Library.default().folder == tmp_path
    monkeypatch.delenv("SCREENING_LIBRARY")
    assert Library.default().folder == ROOT / "rules"


def test_checkout_library_holds_the_seeds() -> None:
    library = Library(ROOT / "rules")
    assert library.ids() == sorted(p.stem for p in SEEDS)
    for seed in SEEDS:
        stored = library.trial(seed.stem)
        assert stored.source == f"examples/trials/{seed.name}"
        assert stored == read_trial(seed).model_copy(update={"source": stored.source})


def test_resolve_trial_by_id_and_by_path(tmp_path: Path) -> None:
    library = Library(tmp_path / "rules")
    seed = ROOT / "examples" / "trials" / "NCT03917797.txt"
    library.add(read_trial(seed))
    assert resolve_trial("NCT03917797", library) == read_trial(seed)
    assert resolve_trial(" nct03917797 ", library) == read_trial(seed)
    document = tmp_path / "downloaded.json"
    shutil.copy(FIXTURES / "NCT09990001.json", document)
    assert resolve_trial(str(document), library).nct_id == "NCT09990001"
    assert library.ids() == ["NCT03917797"]  # a path is ingested, not stored


def test_resolve_trial_errors(tmp_path: Path) -> None:
    library = Library(tmp_path)
    with pytest.raises(InputError, match="unknown trial NCT01234567"):
        resolve_trial("NCT01234567", library)
    with pytest.raises(InputError, match="no such file, and not an NCT id"):
        resolve_trial(str(tmp_path / "nowhere.json"), library)
    with pytest.raises(InputError, match="not a trial record"):
        resolve_trial(str(FIXTURES / "not_a_trial.txt"), library)


TEXT = st.text(
    st.sampled_from(
        [*"ab  ≥\\<>:#-*'\".,;|>!&%@`?{}[]\t\n", "\u00a0", "\x85", "\u2028", "é", "\r"]
    ),
    min_size=1,
    max_size=150,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(TEXT, min_size=1, max_size=4), st.one_of(st.none(), TEXT))
def test_any_text_survives_the_file(tmp_path: Path, texts: list[str], rule: str | None) -> None:
    criteria = tuple(
        Criterion(id=f"I{i}", kind="inclusion", label=text[:3], text=text)
        for i, text in enumerate(texts, 1)
    )
    trial = Trial(nct_id="NCT09990040", title=texts[0], conditions=tuple(texts), criteria=criteria)
    library = Library(tmp_path)
    library.add(trial, lambda _: rule)
    assert library.entry("NCT09990040") == LibraryEntry(
        trial=trial, rules={c.id: rule for c in criteria}, reviewed={}
    )


def test_every_library_rule_not_reviewed_is_exactly_what_the_compiler_makes():
    from screening.compile import compile_trial, parse_rule
    from screening.printer import to_text

    library = Library(Path(__file__).resolve().parents[1] / "rules")
    for nct_id in library.ids():
        entry = library.entry(nct_id)
        compiled = compile_trial(entry.trial)
        for c in entry.trial.criteria:
            stored = entry.rules.get(c.id)
            if c.id in entry.reviewed:
                assert stored and to_text(parse_rule(stored)) == stored, (nct_id, c.id)
            else:
                expected = to_text(compiled.rules[c.id])
                assert stored == expected, f"{nct_id} {c.id}: run `screen trials add examples/trials/{nct_id}.*`"


def test_a_reviewed_rule_replaces_the_compilers_and_a_bad_one_is_an_input_error(tmp_path):
    from screening import load_trial
    from screening.printer import to_text

    library = Library(tmp_path)
    trial = read_trial(Path(__file__).resolve().parents[1] / "examples" / "trials" / "NCT03580291.txt")
    path, _ = library.add(trial)
    text = path.read_text(encoding="utf-8")
    yaml = YAML()
    data = yaml.load(text)
    data["criteria"][0]["rule"] = "age >= 21 years"
    data["criteria"][0]["reviewed"] = {"by": "coordinator", "note": "site policy"}
    with path.open("w", encoding="utf-8") as f:
        yaml.dump(data, f)
    assert to_text(load_trial("NCT03580291", library).rules["I1"]) == "age >= 21 years"
    data["criteria"][0]["rule"] = "creatinin >= 2 mg/dL"
    with path.open("w", encoding="utf-8") as f:
        yaml.dump(data, f)
    with pytest.raises(InputError, match="creatinin"):
        load_trial("NCT03580291", library)
