"""End to end: every example profile in examples/patients/ screened against its trial.

A profile is named ``NCT…-<verdict>[-<what it shows>].yaml``: the NCT id is the trial it is
screened against and the verdict is the ``overall`` the report must give. Each JSON report is
compared byte for byte with ``tests/golden/examples/<profile stem>.json``; run with
``UPDATE_GOLDEN=1`` to rewrite those files after a deliberate change, and review the diff.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from screening import CompiledTrial, Library, Patient, load_patient, load_trial, render, screen

ROOT = Path(__file__).resolve().parents[1]
PATIENTS = ROOT / "examples" / "patients"
GOLDEN = Path(__file__).parent / "golden" / "examples"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
NAME = re.compile(r"^(?P<nct>NCT\d{8})-(?P<overall>eligible|ineligible|undetermined)(?:-[a-z0-9]+(?:-[a-z0-9]+)*)?$")
PROFILES = sorted(p for p in PATIENTS.iterdir() if p.suffix in (".yaml", ".yml", ".json"))


@cache
def _library() -> Library:
    # The checkout's own library, whatever SCREENING_LIBRARY says in the environment.
    return Library(ROOT / "rules")


@cache
def _trial(nct_id: str) -> CompiledTrial:
    return load_trial(nct_id, _library())


def _name(profile: Path) -> re.Match[str]:
    match = NAME.match(profile.stem)
    assert match, f"{profile.name}: expected NCT<8 digits>-eligible|ineligible|undetermined[-words]"
    return match


def _report(profile: Path, patient: Patient | None = None) -> dict:
    return json.loads(_json(profile, patient))


def _json(profile: Path, patient: Patient | None = None) -> str:
    trial = _trial(_name(profile)["nct"])
    return render(screen(trial, patient or load_patient(profile)), "json")


def _ids(profiles: list[Path]) -> list[str]:
    return [p.stem for p in profiles]


def test_there_are_profiles_for_every_seed_trial() -> None:
    """Three profiles (one per verdict) for a trial with criteria; one undetermined otherwise."""
    have = {(m["nct"], m["overall"]) for m in map(_name, PROFILES)}
    for nct_id in _library().ids():
        wanted = ("eligible", "ineligible", "undetermined") if _library().trial(nct_id).criteria \
            else ("undetermined",)
        for overall in wanted:
            assert (nct_id, overall) in have, f"no {overall} example profile for {nct_id}"


@pytest.mark.parametrize("profile", PROFILES, ids=_ids(PROFILES))
def test_report_matches_golden(profile: Path) -> None:
    text = _json(profile)
    golden = GOLDEN / f"{profile.stem}.json"
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(text.encode("utf-8"))
    assert golden.exists(), f"no golden report {golden.name}; run with UPDATE_GOLDEN=1 and review it"
    expected = golden.read_bytes().decode("utf-8")
    if text != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True),
                                            f"golden/{golden.name}", "now", n=2))
        pytest.fail(f"{profile.name}: the report differs from its golden file "
                    f"(UPDATE_GOLDEN=1 rewrites it)\n{diff[:4000]}")


@pytest.mark.parametrize("profile", PROFILES, ids=_ids(PROFILES))
def test_overall_is_the_verdict_in_the_file_name(profile: Path) -> None:
    report = _report(profile)
    undecided = [(c["id"], c["verdict"]) for c in report["criteria"] if c["verdict"] != "pass"]
    assert report["overall"] == _name(profile)["overall"], undecided
    assert report["trial"]["nct_id"] == _name(profile)["nct"]


@pytest.mark.parametrize("profile", PROFILES, ids=_ids(PROFILES))
def test_profile_loads_without_warnings(profile: Path) -> None:
    """Every name and code in an example is in the vocabulary."""
    assert load_patient(profile).warnings == ()


@pytest.mark.parametrize("profile", PROFILES, ids=_ids(PROFILES))
def test_profile_has_a_header_saying_what_it_shows(profile: Path) -> None:
    if profile.suffix == ".json":
        pytest.skip("JSON has no comments")
    first = profile.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# ") and len(first) > 20


@pytest.mark.parametrize("profile", PROFILES, ids=_ids(PROFILES))
def test_answers_settle_only_what_the_engine_leaves_unknown(profile: Path) -> None:
    """A coordinator's answer stands in for judgement or unread words, never for the data: without
    the answers, each answered criterion is unknown. And a failure comes from the data."""
    patient = load_patient(profile)
    answered = {key.split("/")[1] for key in patient.answers if key.startswith(_name(profile)["nct"] + "/")}
    assert len(answered) == len(patient.answers), "an answer keyed to another trial"
    with_answers = {c["id"]: c for c in _report(profile)["criteria"]}
    without = {c["id"]: c["verdict"] for c in _report(profile, patient.model_copy(update={"answers": {}}))["criteria"]}
    for cid in answered:
        assert with_answers[cid]["answered"], cid
        assert without[cid] == "unknown", f"{cid} is decidable ({without[cid]}) without the answer"
    assert not [cid for cid, c in with_answers.items() if c["verdict"] == "fail" and c["answered"]]


def test_eligible_profiles_pass_every_criterion_including_registry_limits() -> None:
    for profile in PROFILES:
        if _name(profile)["overall"] != "eligible":
            continue
        report = _report(profile)
        verdicts = {c["id"]: c["verdict"] for c in report["criteria"]}
        assert set(verdicts.values()) == {"pass"}, (profile.name, verdicts)
        trial = _trial(_name(profile)["nct"]).trial
        assert len(verdicts) >= len(trial.criteria) + bool(trial.minimum_age) + bool(trial.maximum_age)


@pytest.mark.parametrize("nct_id", _library().ids())
def test_every_profile_screens_against_every_trial(nct_id: str) -> None:
    """Screening never raises, whichever trial a profile meets (a coordinator tries them all)."""
    for profile in PROFILES:
        report = screen(_trial(nct_id), load_patient(profile))
        assert report.overall in ("eligible", "ineligible", "undetermined"), profile.name


def test_a_trial_without_criteria_is_undetermined_with_nothing_to_check() -> None:
    empty = [p for p in PROFILES if not _trial(_name(p)["nct"]).trial.criteria]
    assert empty, "no example for a record that states no criteria"
    for profile in empty:
        report = _report(profile)
        assert (report["overall"], report["criteria"], report["counts"]) == (
            "undetermined", [], {"pass": 0, "fail": 0, "unknown": 0})


@pytest.mark.parametrize("profile", PROFILES, ids=_ids(PROFILES))
def test_json_is_byte_identical_across_runs(profile: Path) -> None:
    first = _json(profile)
    _trial.cache_clear()  # compile the trial afresh too
    assert _json(profile) == first


def test_json_is_byte_identical_across_processes() -> None:
    """String hashing differs between interpreters; set or dict order must not leak into a report."""
    script = (
        "import sys, json\n"
        "from pathlib import Path\n"
        "from screening import Library, load_patient, load_trial, render, screen\n"
        "lib = Library(Path(sys.argv[1]))\n"
        "out = {}\n"
        "for name in sys.argv[2:]:\n"
        "    p = Path(name)\n"
        "    out[p.stem] = render(screen(load_trial(p.stem.split('-')[0], lib), load_patient(p)), 'json')\n"
        "print(json.dumps(out))\n"
    )
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", script, str(ROOT / "rules"), *map(str, PROFILES)],
                              capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        runs.append(json.loads(done.stdout))
    assert runs[0] == runs[1]
    assert runs[0] == {p.stem: _json(p) for p in PROFILES}
