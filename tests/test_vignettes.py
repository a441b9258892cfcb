"""Coordinator vignettes: realistic patients on real ClinicalTrials.gov records that the engine
was not written from, each with a research coordinator's verdict on every criterion.

``fixtures/vignettes/`` holds, per case, the trial record (``NCT….json``, copied from the corpus),
the profile (``NCT…-n.yaml``) and the coordinator's verdicts (``NCT…-n.expected.yaml``: id →
[verdict, why], plus ``debatable`` ids where the coordinator's own verdict could go either way).

Asserted per criterion:

* the cardinal rule — where the coordinator says pass or unknown, the engine must not say fail;
* where the coordinator says fail, the engine must not say pass, unless the coordinator's verdict
  is marked debatable. Saying unknown there is allowed (the engine could not read the words).

Everything else is counted; ``pytest -s tests/test_vignettes.py`` prints the agreement table.
Known engine errors are strict xfails whose reason names the bug, so they show until fixed.
"""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from screening import (
    CompiledTrial,
    load_patient,
    load_trial,
    patient_from_mapping,
    screen,
)

VIGNETTES = Path(__file__).parent / "fixtures" / "vignettes"
PROFILES = sorted(p.stem for p in VIGNETTES.glob("NCT*-*.yaml") if not p.stem.endswith(".expected"))

#: Cases ("profile/criterion") where the engine contradicts the coordinator today, and why.
KNOWN_ENGINE_ERRORS: dict[str, str] = {
}

Verdicts = dict[str, tuple[str, str]]


@functools.cache
def _trial(nct_id: str) -> CompiledTrial:
    return load_trial(VIGNETTES / f"{nct_id}.json")


@functools.cache
def engine_verdicts(profile: str) -> Verdicts:
    """Criterion id → (engine verdict, its explanation) for one vignette profile."""
    report = screen(_trial(profile.split("-")[0]), load_patient(VIGNETTES / f"{profile}.yaml"))
    return {c.id: (c.verdict, c.explanation) for c in report.criteria}


@functools.cache
def coordinator(profile: str) -> tuple[Verdicts, frozenset[str]]:
    """Criterion id → (coordinator verdict, why), and the ids whose verdict is debatable."""
    data = YAML(typ="safe").load(VIGNETTES / f"{profile}.expected.yaml")
    verdicts = {cid: (str(v), str(why)) for cid, (v, why) in data["verdicts"].items()}
    return verdicts, frozenset(data.get("debatable") or {})


def _cases() -> list[pytest.param]:
    cases = []
    for profile in PROFILES:
        for cid in coordinator(profile)[0]:
            key = f"{profile}/{cid}"
            marks = [pytest.mark.xfail(strict=True, reason=KNOWN_ENGINE_ERRORS[key])] \
                if key in KNOWN_ENGINE_ERRORS else []
            cases.append(pytest.param(profile, cid, id=key, marks=marks))
    return cases


def _clash(profile: str, cid: str) -> str | None:
    """What is wrong with the engine's verdict on one criterion, or None."""
    expected, debatable = coordinator(profile)
    want, why = expected[cid]
    got, explanation = engine_verdicts(profile)[cid]
    if got == "fail" and want in ("pass", "unknown"):
        return f"wrong fail: coordinator says {want} ({why}); engine: {explanation}"
    if got == "pass" and want == "fail" and cid not in debatable:
        return f"wrong pass: coordinator says fail ({why}); engine: {explanation}"
    return None


def _kind(want: str, got: str) -> str:
    if want == got:
        return "same"
    if got == "unknown":
        return "engine unknown"
    if want == "unknown":
        return "engine decided"
    return "disagree"


@pytest.mark.parametrize("profile", PROFILES)
def test_every_criterion_has_a_coordinator_verdict(profile: str) -> None:
    expected, debatable = coordinator(profile)
    assert set(expected) == set(engine_verdicts(profile))
    assert {v for v, _ in expected.values()} <= {"pass", "fail", "unknown"}
    assert debatable <= set(expected)


@pytest.mark.parametrize(("profile", "cid"), _cases())
def test_engine_never_contradicts_the_coordinator(profile: str, cid: str) -> None:
    problem = _clash(profile, cid)
    assert problem is None, f"{profile}/{cid}: {problem}"


def test_agreement_table() -> None:
    """Prints engine-vs-coordinator agreement per trial; every known error names a real case."""
    rows: dict[str, Counter[str]] = {}
    for profile in PROFILES:
        counts = rows.setdefault(profile.split("-")[0], Counter())
        expected, _ = coordinator(profile)
        for cid, (want, _why) in expected.items():
            counts[_kind(want, engine_verdicts(profile)[cid][0])] += 1
    columns = ("same", "engine unknown", "engine decided", "disagree")
    total = sum(rows.values(), Counter())
    print(f"\n{'trial':12} " + " ".join(f"{c:>15}" for c in columns))
    for name, counts in [*sorted(rows.items()), ("total", total)]:
        print(f"{name:12} " + " ".join(f"{counts[c]:>15}" for c in columns))
    cases = {f"{p}/{cid}" for p in PROFILES for cid in coordinator(p)[0]}
    assert set(KNOWN_ENGINE_ERRORS) <= cases
    assert sum(total.values()) == len(cases)


def test_hba1c_reported_in_ifcc_units_is_screened_like_percent() -> None:
    patient = patient_from_mapping({"id": "VG-T2D-IFCC", "as_of": "2026-03-02", "labs": [
        {"name": "HbA1c", "value": 64, "unit": "mmol/mol", "date": "2026-02-10"}]})
    report = screen(_trial("NCT00184600"), patient)
    assert {c.id: c.verdict for c in report.criteria}["I5"] == "pass"


def test_prolactin_reported_in_miu_per_l_is_read() -> None:
    patient = patient_from_mapping({"id": "VG-PRL-MIU", "as_of": "2026-03-02", "labs": [
        {"name": "prolactin", "value": 480, "unit": "mIU/L", "date": "2026-02-18",
         "ref_low": 100, "ref_high": 500},
        {"name": "TSH", "value": 2.0, "unit": "mIU/L", "date": "2026-02-18",
         "ref_low": 0.4, "ref_high": 4.0}]})
    report = screen(_trial("NCT01817400"), patient)
    assert {c.id: c.verdict for c in report.criteria}["I8"] == "pass"
