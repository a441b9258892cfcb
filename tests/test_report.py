"""Tests for screening.report: the §6 model, overall verdict, to-settle ranking and renderings."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from html import unescape
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt  # a dependency of rich
from pydantic import ValidationError

from screening.report import (
    Counts,
    CriterionResult,
    Evidence,
    Report,
    SettleItem,
    _md_table,
    build_report,
    md_escape_block,
    overall_of,
    render,
    render_html,
    render_json,
    render_markdown,
    render_table,
    to_settle,
)
from screening.trial import Criterion, Trial

GOLDEN = Path(__file__).parent / "golden" / "report"
HOSTILE = "<script>alert('x')</script> & <b>bold</b>"

CRITERIA = (
    CriterionResult(
        id="R1", kind="registry", label="", text="Minimum age: 18 Years", rule="age >= 18 years",
        structured=True, verdict="pass", explanation="The patient is 38 years old, at least 18.",
        evidence=(Evidence(item="age", value="38 years", date="2026-11-20", threshold="≥ 18 years",
                           source="birth_date"),),
    ),
    CriterionResult(
        id="I1", kind="inclusion", label="3.",
        text="Presence of class III, IV, V, III+V or IV+V LN as determined by renal biopsy within "
             "12 weeks of randomization",
        rule="procedure(renal biopsy, within 12 weeks before randomization)"
             ".isn_rps_class in {III, IV, V, III+V, IV+V}",
        structured=True, verdict="pass",
        explanation="A renal biopsy 7 weeks ago found class IV+V.",
        evidence=(Evidence(item="renal biopsy: ISN/RPS class", value="IV+V", date="2026-10-02",
                           source="procedures[0]"),),
    ),
    CriterionResult(
        id="I2", kind="inclusion", label="4.",
        text="Morning proteinuria /creatinine ratio \\>1.0 or 24 hours Proteinuria \\>1.0g",
        rule="any(urine protein/creatinine ratio > 1.0 mg/mg, 24-hour urine protein > 1.0 g/24h)",
        structured=True, verdict="unknown", reason="missing",
        explanation="No urine protein/creatinine ratio nor 24-hour urine protein is on file.",
        missing=("urine protein/creatinine ratio", "24-hour urine protein"),
    ),
    CriterionResult(
        id="E1", kind="exclusion", label="7.",
        text=f"Severe kidney dysfunction (Ccr < 30 ml/min & Scr ≥265.2umol/L) {HOSTILE}",
        rule="any(creatinine clearance < 30 mL/min, serum creatinine >= 265.2 umol/L)",
        structured=True, verdict="fail",
        explanation="Serum creatinine 3.2 mg/dL is 282.9 µmol/L, at or above 265.2 µmol/L.",
        evidence=(
            Evidence(item="serum creatinine", value="3.2 mg/dL", date="2026-11-10",
                     compared_as="282.9 µmol/L", threshold="≥ 265.2 µmol/L", source="labs[0]"),
            Evidence(item="creatinine clearance", value="41 mL/min", date="2026-11-10",
                     threshold="< 30 mL/min", source="labs[1]", note=f"not met {HOSTILE}"),
        ),
    ),
    CriterionResult(
        id="E2", kind="exclusion", label="8.", text="Hemoglobin <8g/dL",
        rule="hemoglobin < 8 g/dL", structured=True, verdict="unknown", reason="stale",
        explanation="The latest hemoglobin is 14 months old, older than the 90-day default.",
        evidence=(Evidence(item="hemoglobin", value="12.1 g/dL", date="2025-09-01",
                           threshold="< 8 g/dL", source="labs[4]", note="stale"),),
        missing=("hemoglobin",),
    ),
    CriterionResult(
        id="E3", kind="exclusion", label="9.",
        text="Nephrotic-range proteinuria (24-hour urine protein > 3.5 g) | in the opinion of the "
             "investigator, unsuitable",
        rule='all(24-hour urine protein > 3.5 g/24h, judgement("unsuitable"))',
        structured=False, verdict="unknown", reason="judgement",
        explanation="Needs a 24-hour urine protein and the investigator's judgement.",
        missing=("24-hour urine protein", "investigator's assessment"),
    ),
    CriterionResult(
        id="E4", kind="exclusion", label="12.", text="Women who are pregnant or breastfeeding.",
        rule="any(pregnant, breastfeeding)", structured=True, verdict="pass", reason="answered",
        answered=True, explanation="The coordinator answered that this does not apply.",
    ),
)


def make_trial(*texts: str) -> Trial:
    return Trial(
        nct_id="NCT00000001",
        title="Mycophenolate & tacrolimus in <lupus> nephritis",
        criteria=tuple(
            Criterion(id=f"I{n}", kind="inclusion", text=text) for n, text in enumerate(texts, 1)
        ),
    )


@pytest.fixture
def report() -> Report:
    return build_report(
        make_trial("stated"),
        patient_id="LN-001",
        as_of=dt.date(2026, 11, 20),
        criteria=CRITERIA,
        warnings=(
            "Registry minimum age (18 Years) disagrees with I1's text (16 years).",
            f"Unknown name in the patient file: labs[3] {HOSTILE}",
        ),
    )


# --- golden files ------------------------------------------------------------------------------

RENDERINGS = {
    "report.json": render_json,
    "report.md": render_markdown,
    "report.html": render_html,
    "report.txt": render_table,
}


@pytest.mark.parametrize("name", sorted(RENDERINGS))
def test_renderings_match_golden_files(report: Report, name: str) -> None:
    """Each rendering of the hand-built report is its golden file; UPDATE_GOLDEN=1 rewrites."""
    rendered = RENDERINGS[name](report)
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "html"])
def test_render_dispatches_on_format(report: Report, fmt: str) -> None:
    direct = {"table": render_table, "json": render_json, "markdown": render_markdown,
              "html": render_html}[fmt]
    assert render(report, fmt) == direct(report)  # type: ignore[arg-type]


# --- the JSON contract -------------------------------------------------------------------------


def test_json_keys_are_design_section_6_in_order(report: Report) -> None:
    data = json.loads(render_json(report))
    assert list(data) == ["schema", "trial", "patient", "as_of", "overall", "counts", "criteria",
                          "to_settle", "warnings"]
    assert data["schema"] == "screening.report/1"
    assert list(data["trial"]) == ["nct_id", "title"]
    assert list(data["patient"]) == ["id"]
    assert list(data["counts"]) == ["pass", "fail", "unknown"]
    assert data["counts"] == {"pass": 3, "fail": 1, "unknown": 3}
    assert data["as_of"] == "2026-11-20"
    for criterion in data["criteria"]:
        assert list(criterion) == ["id", "kind", "label", "text", "rule", "structured", "verdict",
                                   "explanation", "evidence", "missing", "reason", "answered"]
        for evidence in criterion["evidence"]:
            assert list(evidence) == ["item", "value", "date", "compared_as", "threshold",
                                      "source", "note"]
    assert data["to_settle"][0] == {"item": "24-hour urine protein", "criteria": ["I2", "E3"]}


def test_json_is_byte_identical_and_round_trips(report: Report) -> None:
    text = render_json(report)
    assert text == render_json(report)
    assert text.endswith("}\n") and "≥" in text  # UTF-8 text, not \u escapes
    again = Report.model_validate_json(text)
    assert again == report
    assert render_json(again) == text


def test_counts_are_always_all_three_keys() -> None:
    counts = Counts.of(["pass", "pass"])
    assert json.loads(counts.model_dump_json()) == {"pass": 2, "fail": 0, "unknown": 0}


def test_report_refuses_counts_that_disagree_with_the_criteria(report: Report) -> None:
    data = report.model_dump(by_alias=True)
    data["counts"] = {"pass": 7, "fail": 0, "unknown": 0}
    with pytest.raises(ValidationError, match="counts"):
        Report.model_validate(data)


@pytest.mark.parametrize("overall", ["eligible", "undetermined"])
def test_report_refuses_an_overall_that_disagrees_with_a_fail(report: Report, overall: str) -> None:
    data = report.model_dump(by_alias=True) | {"overall": overall}
    with pytest.raises(ValidationError, match="overall"):
        Report.model_validate(data)


# --- overall verdict ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("verdicts", "stated", "expected"),
    [
        (["pass", "fail", "unknown"], True, "ineligible"),
        (["pass", "pass"], True, "eligible"),
        (["pass", "unknown"], True, "undetermined"),
        (["unknown"], True, "undetermined"),
        ([], True, "undetermined"),
        (["pass", "pass"], False, "undetermined"),  # registry limits alone
        (["fail", "pass"], False, "ineligible"),  # but failing one is enough
    ],
)
def test_overall_of(verdicts: list, stated: bool, expected: str) -> None:
    assert overall_of(verdicts, has_stated_criteria=stated) == expected


verdict_lists = st.lists(st.sampled_from(["pass", "fail", "unknown"]), max_size=8)


@given(verdict_lists, st.booleans(), st.randoms(use_true_random=False))
def test_overall_depends_on_verdicts_not_their_order(verdicts: list, stated: bool, rnd) -> None:
    shuffled = list(verdicts)
    rnd.shuffle(shuffled)
    overall = overall_of(verdicts, has_stated_criteria=stated)
    assert overall == overall_of(shuffled, has_stated_criteria=stated)
    assert (overall == "ineligible") == ("fail" in verdicts)
    assert overall != "eligible" or (stated and verdicts and set(verdicts) == {"pass"})


def test_build_report_is_undetermined_for_a_record_without_criteria() -> None:
    registry = [c for c in CRITERIA if c.kind == "registry"]
    built = build_report(make_trial(), "P", dt.date(2026, 1, 1), registry)
    assert built.overall == "undetermined"
    assert "states no criteria" in render_markdown(built)
    stated = build_report(make_trial("x"), "P", dt.date(2026, 1, 1), registry)
    assert stated.overall == "eligible"


# --- to settle ---------------------------------------------------------------------------------


def _unknown(id_: str, *missing: str, verdict: str = "unknown") -> CriterionResult:
    return CriterionResult(id=id_, kind="inclusion", label="", text="t", rule="r", structured=True,
                           verdict=verdict, explanation="e", missing=missing)  # type: ignore[arg-type]


def test_to_settle_ranks_by_criteria_decided_then_by_name() -> None:
    settle = to_settle([
        _unknown("I1", "b-item", "hba1c"),
        _unknown("I2", "Zeta", "hba1c", "hba1c"),  # named twice, counted once
        _unknown("I3", "alpha", "hba1c"),
        _unknown("I4", "Zeta"),
        _unknown("I5", "alpha", "ignored", verdict="pass"),  # only unknown criteria count
    ])
    assert settle == (
        SettleItem(item="hba1c", criteria=("I1", "I2", "I3")),
        SettleItem(item="Zeta", criteria=("I2", "I4")),
        SettleItem(item="alpha", criteria=("I3",)),
        SettleItem(item="b-item", criteria=("I1",)),
    )


@given(st.lists(st.tuples(st.sampled_from(["pass", "fail", "unknown"]),
                          st.lists(st.sampled_from(["a", "B", "c", "d"]), max_size=3)),
                max_size=6))
def test_to_settle_lists_exactly_what_unknown_criteria_miss(rows: list) -> None:
    criteria = [_unknown(f"I{n}", *missing, verdict=verdict)
                for n, (verdict, missing) in enumerate(rows, 1)]
    settle = to_settle(criteria)
    expected = {item for c in criteria if c.verdict == "unknown" for item in c.missing}
    assert [s.item for s in settle] == sorted(
        expected, key=lambda i: (-sum(i in c.missing for c in criteria if c.verdict == "unknown"),
                                 i.casefold()))
    for s in settle:
        assert s.criteria == tuple(c.id for c in criteria
                                   if c.verdict == "unknown" and s.item in c.missing)


# --- human renderings --------------------------------------------------------------------------


def test_html_escapes_everything_and_is_self_contained(report: Report) -> None:
    page = render_html(report)
    assert "<script" not in page and "<b>" not in page and "<lupus>" not in page
    assert "&lt;script&gt;" in page and "&lt;lupus&gt;" in page and "&amp; tacrolimus" in page
    assert not re.search(r"https?:", page)
    assert not re.search(r"<(link|img|iframe|object|embed)\b|\bsrc=|@import|url\(", page)
    assert "@media print" in page
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")


def test_verdicts_are_words_not_only_colour(report: Report) -> None:
    page = render_html(report)
    plain = render_table(report)
    for word in ("PASS", "FAIL", "UNKNOWN", "INELIGIBLE"):
        assert word in page and word in plain and word in render_markdown(report)
    assert "\x1b[" not in plain
    coloured = render_table(report, color=True)
    assert "\x1b[" in coloured
    uncoloured = re.sub(r"\x1b\[[0-9;]*m", "", coloured)
    assert [line.rstrip() for line in uncoloured.splitlines()] == plain.splitlines()


def test_table_keeps_brackets_that_rich_markup_would_eat() -> None:
    bracketed = CRITERIA[1].model_copy(update={"text": "class [bold]IV[/bold] or [red]V"})
    built = build_report(make_trial("x"), "P", dt.date(2026, 1, 1), [bracketed])
    assert "class [bold]IV[/bold] or [red]V" in render_table(built, width=200)


def test_display_drops_registry_markdown_escapes_but_json_keeps_them(report: Report) -> None:
    assert "ratio \\\\>1.0" in render_json(report)  # verbatim, JSON-escaped backslash
    assert "ratio &gt;1.0" in render_html(report)
    assert "ratio >1.0" in render_table(report)
    assert "ratio \\>1.0" in render_markdown(report)  # Markdown's own escape, shown as '>'


md_text = st.text(st.sampled_from(list("ab1 9.-+=#*_`[]()<>|~&;!\\/:{}\"'%^$@?,µ≥")),
                  min_size=1, max_size=30).map(str.strip).filter(bool)


@settings(max_examples=200)
@given(md_text)
def test_markdown_escaping_shows_the_text_as_written(text: str) -> None:
    """Whatever the registry text holds, Markdown shows it literally: no markup, no HTML."""
    markdown = MarkdownIt("commonmark").enable("table")
    paragraph = markdown.render(md_escape_block(text))
    assert paragraph.startswith("<p>") and paragraph.endswith("</p>\n")
    assert unescape(paragraph[3:-5]) == text
    table = markdown.render("\n".join(_md_table(["A", "B"], [[text, "x"]])))
    cells = [unescape(cell) for cell in re.findall(r"<td>(.*?)</td>", table)]
    assert cells == [" ".join(text.split()), "x"]


# --- the page in a real browser ----------------------------------------------------------------


def _png_size_and_colours(png: bytes) -> tuple[int, int, int]:
    """Width, height and number of distinct byte values in the decompressed image data."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    data, offset = b"", 8
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset:offset + 4])
        if png[offset + 4:offset + 8] == b"IDAT":
            data += png[offset + 8:offset + 8 + length]
        offset += 12 + length
    return width, height, len(set(zlib.decompress(data)))


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_html_renders_in_headless_chromium(report: Report, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_html(report), encoding="utf-8")
    shot = tmp_path / "report.png"
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
         "--window-size=1200,1600", page.as_uri()],
        check=True, capture_output=True, timeout=90,
    )
    width, height, distinct = _png_size_and_colours(shot.read_bytes())
    assert (width, height) == (1200, 1600)
    assert distinct > 50  # text, badges and borders, not a blank page
