"""Tests for screening.cli: the `screen` command (DESIGN §3).

Most run the entry point in-process (``main(argv)``, which routes ``screen PATIENT --trial …``
to the hidden ``run`` command); a few run the installed console script as a user would.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from screening import Library, load_patient, load_trial, render, screen
from screening.cli import app, main

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
SEED_DOCUMENTS = sorted((ROOT / "examples" / "trials").glob("NCT*.txt"))
FIXTURES = Path(__file__).parent / "fixtures" / "cli"
ELIGIBLE = ROOT / "examples" / "patients" / "NCT03580291-eligible.yaml"
INELIGIBLE = ROOT / "examples" / "patients" / "NCT03580291-ineligible.yaml"
SECTION_6_KEYS = ["schema", "trial", "patient", "as_of", "overall", "counts", "criteria"]
CRITERION_KEYS = {"id", "kind", "label", "text", "rule", "structured", "verdict", "explanation",
                  "evidence", "missing"}


@pytest.fixture(autouse=True)
def _checkout_library(monkeypatch: pytest.MonkeyPatch) -> None:
    # The bundled rules/, whatever the developer's environment points at.
    monkeypatch.delenv("SCREENING_LIBRARY", raising=False)


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    """Run ``screen ARGS…`` in-process: (exit status, standard output, standard error)."""
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str, *words: str) -> None:
    """Bad input: one line on standard error, naming what is wrong, and no traceback."""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("screen: ")
    assert "Traceback" not in err
    for word in words:
        assert word in lines[0], (word, lines[0])


def library_files() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(RULES.iterdir())}


# --- screening --------------------------------------------------------------------------------


def test_json_format_prints_exactly_the_section_6_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, ELIGIBLE, "--trial", "NCT03580291", "--format", "json")
    assert (code, err) == (0, "")
    expected = render(screen(load_trial("NCT03580291", Library(RULES)), load_patient(ELIGIBLE)), "json")
    assert out.rstrip("\n") == expected.rstrip("\n")
    report = json.loads(out)  # nothing but the report on standard output
    assert list(report)[: len(SECTION_6_KEYS)] == SECTION_6_KEYS
    assert report["schema"] == "screening.report/1"
    assert report["overall"] == "eligible"
    assert all(CRITERION_KEYS <= set(c) for c in report["criteria"])
    assert sum(report["counts"].values()) == len(report["criteria"])


def test_exit_status_is_zero_whatever_the_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, INELIGIBLE, "--trial", "NCT03580291", "--format", "json")
    assert (code, json.loads(out)["overall"]) == (0, "ineligible")


def test_table_is_the_default_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, ELIGIBLE, "--trial", "NCT03580291")
    assert code == 0
    assert "NCT03580291" in out and "ELIGIBLE" in out and "E11" in out


def test_markdown_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, ELIGIBLE, "--trial", "NCT03580291", "--format", "markdown")
    assert code == 0
    assert out.startswith("# ") and "NCT03580291" in out


def test_html_format_gives_a_page(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, ELIGIBLE, "--trial", "NCT03580291", "--format", "html")
    assert code == 0
    assert out.lstrip().lower().startswith("<!doctype html>")
    assert out.rstrip().endswith("</html>")
    assert "NCT03580291" in out and "LN-001" in out


def test_as_of_moves_the_screening_date(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, ELIGIBLE, "--trial", "NCT03580291", "--format", "json", "--as-of", "2027-01-15")
    assert (code, json.loads(out)["as_of"]) == (0, "2027-01-15")


def test_a_bad_as_of_is_input_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, ELIGIBLE, "--trial", "NCT03580291", "--as-of", "2026-13-01")
    assert code == 2
    assert_one_line_error(err, "--as-of", "2026-13-01")


def test_the_library_trial_lists_its_criteria_and_registry_limits() -> None:
    compiled = load_trial("NCT03580291", Library(RULES))
    assert (len(compiled.trial.inclusion), len(compiled.trial.exclusion)) == (6, 11)
    report = json.loads(render(screen(compiled, load_patient(ELIGIBLE)), "json"))
    kinds = [c["kind"] for c in report["criteria"]]
    assert (kinds.count("inclusion"), kinds.count("exclusion")) == (6, 11)
    assert [c["label"] for c in report["criteria"] if c["kind"] == "registry"] == ["minimum age", "maximum age"]


# --- trials given as documents ----------------------------------------------------------------


@pytest.mark.parametrize("document", SEED_DOCUMENTS, ids=lambda p: p.stem)
def test_trial_path_for_every_seed_document(capsys: pytest.CaptureFixture[str], document: Path) -> None:
    """A path is read on the fly, gives what the library gives (bar reviewed rules), writes nothing."""
    before = library_files()
    code, out, err = run(capsys, ELIGIBLE, "--trial", document, "--format", "json")
    assert (code, err) == (0, "")
    by_path = json.loads(out)
    assert by_path["trial"]["nct_id"] == document.stem
    assert library_files() == before
    by_id = json.loads(render(screen(load_trial(document.stem, Library(RULES)), load_patient(ELIGIBLE)), "json"))
    reviewed = Library(RULES).entry(document.stem).reviewed
    strip = lambda report: [c for c in report["criteria"] if c["id"] not in reviewed]  # noqa: E731
    assert strip(by_path) == strip(by_id)


def test_trial_path_for_a_ctgov_v2_json_record(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, FIXTURES / "ckd_patient.yaml", "--trial", FIXTURES / "NCT09990101.json",
                         "--format", "json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["trial"]["nct_id"] == "NCT09990101"
    verdicts = {c["id"]: c["verdict"] for c in report["criteria"]}
    assert verdicts == {"R1": "pass", "R2": "pass", "R3": "pass", "I1": "pass", "I2": "pass",
                        "E1": "pass", "E2": "fail"}
    # creatinine in µmol/L against a threshold written in mg/dL: the conversion is shown
    creatinine = next(c for c in report["criteria"] if c["id"] == "E2")["evidence"][0]
    assert creatinine["value"] == "250 µmol/L"
    assert creatinine["compared_as"].endswith("mg/dL") and creatinine["compared_as"].startswith("2.8")
    assert report["overall"] == "ineligible"


def test_a_file_that_is_not_a_trial_record(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, ELIGIBLE, "--trial", FIXTURES / "minutes.txt")
    assert (code, out) == (2, "")
    assert_one_line_error(err, "minutes.txt", "not a trial")


def test_a_patient_profile_given_as_the_trial(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, ELIGIBLE, "--trial", INELIGIBLE)
    assert code == 2
    assert_one_line_error(err, INELIGIBLE.name)


def test_an_unknown_nct_id_suggests_a_near_one(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, ELIGIBLE, "--trial", "NCT03580219")
    assert (code, out) == (2, "")
    assert_one_line_error(err, "NCT03580219", "did you mean", "NCT03580291")


def test_a_missing_trial_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, ELIGIBLE, "--trial", tmp_path / "NCT00000000.json")
    assert code == 2
    assert_one_line_error(err, "NCT00000000.json")


# --- bad patient files ------------------------------------------------------------------------


@pytest.mark.parametrize(("fixture", "field", "line", "words"), [
    ("labz.yaml", "'labz'", 4, ("did you mean 'labs'",)),
    ("wrong_unit.yaml", "'labs[1].unit'", 6, ("'mg'", "creatinine")),
], ids=["unknown field", "wrong unit"])
def test_a_bad_patient_file_names_file_field_and_line(
        capsys: pytest.CaptureFixture[str], fixture: str, field: str, line: int, words: tuple[str, ...]) -> None:
    code, out, err = run(capsys, FIXTURES / fixture, "--trial", "NCT03580291")
    assert (code, out) == (2, "")
    assert_one_line_error(err, f"{fixture}:{line}", field, *words)


def test_a_missing_patient_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, tmp_path / "nobody.yaml", "--trial", "NCT03580291")
    assert code == 2
    assert_one_line_error(err, "nobody.yaml")


# --- output -----------------------------------------------------------------------------------


def test_output_writes_the_report_to_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out, _ = run(capsys, ELIGIBLE, "--trial", "NCT03580291", "--format", "json", "--output", target)
    assert (code, out) == (0, "")
    assert json.loads(target.read_text(encoding="utf-8"))["patient"]["id"] == "LN-001"


def test_output_refuses_to_overwrite_the_patient_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    patient = tmp_path / "patient.yaml"
    patient.write_bytes(ELIGIBLE.read_bytes())
    code, _, err = run(capsys, patient, "--trial", "NCT03580291", "--format", "json", "--output", patient)
    assert code == 2
    assert_one_line_error(err, "patient.yaml", "--output")
    assert patient.read_bytes() == ELIGIBLE.read_bytes()


# --- other commands ---------------------------------------------------------------------------


def test_schema_prints_the_profile_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert {"id", "labs", "conditions", "complete", "answers"} <= set(schema["properties"])
    assert schema["required"] == ["id"]


def test_trials_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "trials", "list")
    assert code == 0
    listed = [line.split()[0] for line in out.splitlines() if line.strip()]
    assert listed == Library(RULES).ids()
    assert re.search(r"^NCT03580291\s+6 incl\s+11 excl\s+Human Umbilical Cord", out, re.MULTILINE)


def test_trials_show(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "trials", "show", "NCT03580291")
    assert code == 0
    assert out.startswith("NCT03580291: Human Umbilical Cord Mesenchymal Stem Cells")
    assert "minimum age: 18 Years" in out
    assert len(re.findall(r"^I\d+ \[inclusion\]", out, re.MULTILINE)) == 6
    assert len(re.findall(r"^E\d+ \[exclusion\]", out, re.MULTILINE)) == 11
    assert len(re.findall(r"^    rule", out, re.MULTILINE)) == 17
    assert "creatinine >= 265.2 umol/L" in out


def test_trials_show_an_unknown_trial(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "trials", "show", "NCT99999999")
    assert code == 2
    assert_one_line_error(err, "NCT99999999")


def test_compile_shows_rules_and_a_coverage_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "compile", "NCT03580291")
    assert code == 0
    assert re.search(r"^NCT03580291: \d+/17 criteria fully structured$", out, re.MULTILINE)
    assert re.search(r"^\s+E6\s+\S\s+.*creatinine >= 265\.2 umol/L", out, re.MULTILINE)


def test_compile_a_folder_totals_coverage(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "compile", ROOT / "examples" / "trials", "-q")
    assert code == 0
    assert len(re.findall(r"^NCT\d{8}: \d+/\d+ criteria fully structured$", out, re.MULTILINE)) == 5
    assert re.search(r"^TOTAL: \d+/\d+ criteria fully structured \(\d+\.\d%\) in 5 trials$", out, re.MULTILINE)


def test_trials_add_writes_only_to_the_given_library(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    before = library_files()
    code, out, _ = run(capsys, "trials", "add", FIXTURES / "NCT09990101.json", SEED_DOCUMENTS[0],
                       "--library", tmp_path)
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["NCT09990101.yaml", f"{SEED_DOCUMENTS[0].stem}.yaml"])
    assert "NCT09990101: 2 inclusion, 2 exclusion" in out
    assert library_files() == before
    # and the new library is usable at once
    code, out, _ = run(capsys, FIXTURES / "ckd_patient.yaml", "--trial", "NCT09990101", "--library", tmp_path,
                       "--format", "json")
    assert (code, json.loads(out)["overall"]) == (0, "ineligible")
    code, out, _ = run(capsys, "trials", "list", "--library", tmp_path)
    assert [line.split()[0] for line in out.splitlines()] == sorted(["NCT09990101", SEED_DOCUMENTS[0].stem])


def test_screening_library_environment_variable(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    run(capsys, "trials", "add", FIXTURES / "NCT09990101.json", "--library", tmp_path)
    monkeypatch.setenv("SCREENING_LIBRARY", str(tmp_path))
    code, out, _ = run(capsys, "trials", "list")
    assert (code, out.split()[0]) == (0, "NCT09990101")


def test_no_arguments_prints_help() -> None:
    result = CliRunner().invoke(app, [])
    assert "trials" in result.output and "compile" in result.output and "schema" in result.output


# --- the installed command ------------------------------------------------------------------------


def installed_screen() -> Path:
    script = Path(sys.executable).parent / ("screen.exe" if os.name == "nt" else "screen")
    if not script.exists():
        pytest.skip("the console script is not installed in this environment")
    return script


def test_console_script_works_outside_the_checkout(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SCREENING_LIBRARY"}
    done = subprocess.run([installed_screen(), ELIGIBLE, "--trial", "NCT03580291", "--format", "json"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")
    report = json.loads(done.stdout)
    assert (report["trial"]["nct_id"], report["overall"]) == ("NCT03580291", "eligible")
    assert list(tmp_path.iterdir()) == []


def test_console_script_reports_bad_input_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SCREENING_LIBRARY"}
    done = subprocess.run([installed_screen(), FIXTURES / "labz.yaml", "--trial", "NCT03580291"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (2, "")
    assert_one_line_error(done.stderr, "labz.yaml:4", "'labz'")
