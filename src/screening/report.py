"""The screening report (DESIGN §6): a frozen model and its four renderings.

The evaluator fills the model — one :class:`CriterionResult` per criterion, registry limits first —
and :func:`build_report` derives what follows from the results (counts, the overall verdict, the
data still to settle). :func:`render` turns a report into JSON (the contract), Markdown, a
self-contained HTML page or a terminal table. The JSON keys and their order are exactly §6, with
extensions only added after what §6 names, never renamed.

Every rendering shows the verdict as a word, not only as a colour, and quotes each criterion as the
record states it. The one liberty taken for display (not in JSON) is to drop the Markdown backslash
escapes of ClinicalTrials.gov text (``\\>`` → ``>``), which the registry itself does not show.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from io import StringIO
from itertools import groupby
from typing import Final, Literal

import jinja2
from pydantic import BaseModel, ConfigDict, Field, model_validator
from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from screening.evaluate import Evidence
from screening.trial import Trial

SCHEMA: Final = "screening.report/1"

Verdict = Literal["pass", "fail", "unknown"]
Overall = Literal["eligible", "ineligible", "undetermined"]
ResultKind = Literal["inclusion", "exclusion", "registry"]
Format = Literal["table", "json", "markdown", "html"]


class _Frozen(BaseModel):
    # populate_by_name: fields whose JSON key is a Python keyword or a BaseModel attribute
    # ("pass", "schema") can be built by either name; they always serialise by alias.
    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, serialize_by_alias=True
    )


class CriterionResult(_Frozen):
    """The verdict on one criterion, with its explanation, evidence and missing data.

    ``reason`` is a reason code (``missing``, ``stale``, ``no_reference_range``, ``free_text``,
    ``judgement``, ``implausible_threshold``, ``ambiguous``, ``answered``, ``not_applicable`` …)
    or ``None``; ``answered`` is true when a coordinator's answer settled the criterion.
    """

    id: str
    kind: ResultKind
    label: str
    text: str
    rule: str
    structured: bool
    verdict: Verdict
    explanation: str
    evidence: tuple[Evidence, ...] = ()
    missing: tuple[str, ...] = ()
    # extensions to §6
    reason: str | None = None
    answered: bool = False


class TrialRef(_Frozen):
    """The trial a report is about."""

    nct_id: str
    title: str


class PatientRef(_Frozen):
    """The patient a report is about."""

    id: str


class Counts(_Frozen):
    """How many criteria pass, fail and are unknown; all three keys are always present."""

    pass_: int = Field(alias="pass", ge=0)
    fail: int = Field(ge=0)
    unknown: int = Field(ge=0)

    @classmethod
    def of(cls, verdicts: Iterable[Verdict]) -> Counts:
        """Tally verdicts."""
        tally = dict.fromkeys(("pass", "fail", "unknown"), 0)
        for verdict in verdicts:
            tally[verdict] += 1
        return cls.model_validate(tally)


class SettleItem(_Frozen):
    """A piece of missing data and the ids of the unknown criteria it would help decide."""

    item: str
    criteria: tuple[str, ...]


class Report(_Frozen):
    """A screening report, exactly the JSON object of DESIGN §6 plus ``to_settle`` and ``warnings``.

    Built by :func:`build_report`; constructing one by hand is checked for coherence (counts agree
    with the criteria, and the overall verdict with the verdicts).
    """

    schema_: Literal["screening.report/1"] = Field(default=SCHEMA, alias="schema")
    trial: TrialRef
    patient: PatientRef
    as_of: dt.date
    overall: Overall
    counts: Counts
    criteria: tuple[CriterionResult, ...]
    # extensions to §6
    to_settle: tuple[SettleItem, ...] = ()
    warnings: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _coherent(self) -> Report:
        verdicts = [c.verdict for c in self.criteria]
        if self.counts != Counts.of(verdicts):
            raise ValueError(f"counts {self.counts.model_dump()} disagree with the criteria")
        # overall_of with either flag: the flag only ever turns 'eligible' into 'undetermined'
        allowed = {overall_of(verdicts, has_stated_criteria=flag) for flag in (True, False)}
        if self.overall not in allowed:
            raise ValueError(f"overall {self.overall!r} disagrees with the criteria's verdicts")
        return self


def overall_of(verdicts: Iterable[Verdict], *, has_stated_criteria: bool) -> Overall:
    """The overall verdict: ``ineligible`` if any criterion fails, ``eligible`` if every one passes.

    Otherwise ``undetermined`` — which includes a trial whose record states no criteria at all
    (``has_stated_criteria=False``): registry age and sex limits alone do not make a patient
    eligible, though failing one does make them ineligible.
    """
    seen = set(verdicts)
    if "fail" in seen:
        return "ineligible"
    if seen == {"pass"} and has_stated_criteria:
        return "eligible"
    return "undetermined"


def to_settle(criteria: Sequence[CriterionResult]) -> tuple[SettleItem, ...]:
    """The data missing for unknown criteria, most useful first.

    Ranked by how many unknown criteria an item would help decide (most first), then by name;
    each item lists those criteria in report order.
    """
    wanted: dict[str, list[str]] = {}
    for criterion in criteria:
        if criterion.verdict != "unknown":
            continue
        for item in dict.fromkeys(criterion.missing):  # an item named twice counts once
            wanted.setdefault(item, []).append(criterion.id)
    ranked = sorted(wanted.items(), key=lambda kv: (-len(kv[1]), kv[0].casefold(), kv[0]))
    return tuple(SettleItem(item=item, criteria=tuple(ids)) for item, ids in ranked)


def build_report(
    trial: Trial,
    patient_id: str,
    as_of: dt.date,
    criteria: Sequence[CriterionResult],
    warnings: Sequence[str] = (),
) -> Report:
    """Assemble a report from the evaluated criteria, deriving counts, overall and ``to_settle``.

    Whether the record states any criteria is read from ``trial.criteria``.
    """
    verdicts = [c.verdict for c in criteria]
    return Report(
        trial=TrialRef(nct_id=trial.nct_id, title=trial.title),
        patient=PatientRef(id=patient_id),
        as_of=as_of,
        overall=overall_of(verdicts, has_stated_criteria=bool(trial.criteria)),
        counts=Counts.of(verdicts),
        criteria=tuple(criteria),
        to_settle=to_settle(criteria),
        warnings=tuple(warnings),
    )


# ---------------------------------------------------------------------------------------------
# Words shared by the human renderings

VERDICT_WORDS: dict[str, str] = {"pass": "PASS", "fail": "FAIL", "unknown": "UNKNOWN"}
VERDICT_SYMBOLS: dict[str, str] = {"pass": "✓", "fail": "✗", "unknown": "?"}
OVERALL_WORDS: dict[str, str] = {
    "eligible": "ELIGIBLE",
    "ineligible": "INELIGIBLE",
    "undetermined": "UNDETERMINED",
}

#: Section title and how to read a verdict, per kind of criterion.
KIND_SECTIONS: dict[str, tuple[str, str]] = {
    "registry": ("Registry limits", "Age and sex limits stated in the registry record."),
    "inclusion": ("Inclusion criteria", "PASS: the statement holds for the patient."),
    "exclusion": (
        "Exclusion criteria",
        "PASS: the statement does not hold, so the patient is not excluded.",
    ),
}

#: Reason codes in words; a code not listed here is shown with its underscores as spaces.
REASON_WORDS: dict[str, str] = {
    "missing": "data missing",
    "stale": "data too old",
    "no_reference_range": "no reference range",
    "free_text": "free text, not read",
    "judgement": "investigator's judgement",
    "implausible_threshold": "implausible threshold",
    "ambiguous": "ambiguous wording",
    "answered": "answered by the coordinator",
    "not_applicable": "not applicable",
}

#: Evidence fields and their column headings, in §6 order.
EVIDENCE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("item", "Item"),
    ("value", "Value"),
    ("date", "Date"),
    ("compared_as", "Compared as"),
    ("threshold", "Threshold"),
    ("source", "Source"),
    ("note", "Note"),
)

SETTLE_HINT = "Data that would decide the unknown criteria, most useful first"

_ALWAYS_SHOWN = {"item", "value"}
_MD_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # backslash + ASCII punctuation
_OVERVIEW_WIDTH = 90


@dataclass(frozen=True)
class Section:
    """A run of consecutive criteria of one kind, with its title and how to read its verdicts."""

    kind: str
    title: str
    hint: str
    criteria: tuple[CriterionResult, ...]


def sections(criteria: Sequence[CriterionResult]) -> list[Section]:
    """Group consecutive criteria by kind, keeping report order."""
    return [
        Section(kind, *KIND_SECTIONS[kind], tuple(run))
        for kind, run in groupby(criteria, key=lambda c: c.kind)
    ]


def display_text(text: str) -> str:
    """Criterion text as the registry shows it: Markdown backslash escapes (``\\>``) removed."""
    return _MD_BACKSLASH_ESCAPE.sub(r"\1", text)


def reason_words(reason: str | None) -> str:
    """A reason code in words ('' for none)."""
    if reason is None:
        return ""
    return REASON_WORDS.get(reason, reason.replace("_", " "))


def shorten(text: str, width: int = _OVERVIEW_WIDTH) -> str:
    """One line of at most ``width`` characters, cut at a word."""
    return textwrap.shorten(display_text(text), width=width, placeholder=" …")


def evidence_columns(evidence: Sequence[Evidence]) -> list[tuple[str, str]]:
    """The evidence columns worth showing: item and value always, others when a row has one."""
    return [
        (key, heading)
        for key, heading in EVIDENCE_COLUMNS
        if key in _ALWAYS_SHOWN or any(getattr(e, key) is not None for e in evidence)
    ]


def counts_line(counts: Counts) -> str:
    """'3 pass · 1 fail · 2 unknown'."""
    return f"{counts.pass_} pass · {counts.fail} fail · {counts.unknown} unknown"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary_sentence(report: Report) -> str:
    """One sentence saying why the overall verdict is what it is."""
    counts = report.counts
    if report.overall == "ineligible":
        return f"{_plural(counts.fail, 'criterion fails', 'criteria fail')}."
    if report.overall == "eligible":
        return "Every criterion passes."
    if counts.unknown:
        return (
            f"No criterion fails; {_plural(counts.unknown, 'criterion is', 'criteria are')}"
            " still unknown."
        )
    # undetermined with nothing unknown or failing: only the record's lack of criteria explains it
    return "The trial record states no criteria, so no patient can be found eligible by it."


def criterion_facts(criterion: CriterionResult) -> list[str]:
    """How a criterion was read and decided, in words: reason, free text, coordinator's answer."""
    facts = [
        reason_words(criterion.reason),
        "" if criterion.structured else "not fully structured",
        REASON_WORDS["answered"] if criterion.answered else "",
    ]
    return [fact for fact in dict.fromkeys(facts) if fact]  # reason 'answered' says it once


def criterion_heading_facts(criterion: CriterionResult) -> list[str]:
    """Kind, label and :func:`criterion_facts`, for the line under a criterion's heading."""
    label = [f"label {criterion.label}"] if criterion.label else []
    return [criterion.kind, *label, *criterion_facts(criterion)]


def evidence_line(evidence: Evidence) -> str:
    """One piece of evidence as a line of text."""
    line = f"{evidence.item}: {evidence.value}"
    if evidence.date:
        line += f" ({evidence.date})"
    if evidence.compared_as:
        line += f" = {evidence.compared_as}"
    if evidence.threshold:
        line += f" vs {evidence.threshold}"
    extras = [x for x in (evidence.source, evidence.note) if x]
    if extras:
        line += f" [{'; '.join(extras)}]"
    return line


# ---------------------------------------------------------------------------------------------
# JSON


def render_json(report: Report) -> str:
    """The report as §6 JSON: keys in contract order, indent 2, UTF-8 text, trailing newline."""
    data = report.model_dump(mode="json", by_alias=True)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------------------------
# Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
# what would open a heading, list, quote or setext underline at the start of a line
_MD_LINE_START = re.compile(r"^(\s*)([#+=-])|^(\s*\d+)([.)])(?=\s|$)", re.MULTILINE)


def md_escape(text: str) -> str:
    """Plain text made safe as Markdown inline content: nothing becomes markup or HTML."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_ENTITY_LIKE.sub(r"\\&", text)


def md_escape_block(text: str) -> str:
    """Plain text made safe as Markdown lines of their own (nothing opens a block either)."""
    return _MD_LINE_START.sub(
        lambda m: (m[1] or m[3] or "") + "\\" + (m[2] or m[4]), md_escape(text)
    )


def _md_cell(text: str) -> str:
    return md_escape(" ".join(text.split()))


def _md_fence(code: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{code}\n{fence}"


def _md_table(headings: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(headings) + " |", "|" + "---|" * len(headings)]
    lines += ["| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in rows]
    return lines


def _md_criterion(criterion: CriterionResult) -> list[str]:
    verdict = VERDICT_WORDS[criterion.verdict]
    quoted = md_escape_block(display_text(criterion.text))
    lines = [
        f"### {md_escape(criterion.id)} — {verdict}",
        "",
        md_escape(" · ".join(criterion_heading_facts(criterion))),
        "",
        *(f"> {line}".rstrip() for line in quoted.split("\n")),
        "",
        "Rule as understood:",
        "",
        _md_fence(criterion.rule),
        "",
        md_escape_block(criterion.explanation),
    ]
    if criterion.evidence:
        columns = evidence_columns(criterion.evidence)
        lines += ["", "Evidence:", ""]
        lines += _md_table(
            [heading for _, heading in columns],
            ([getattr(e, key) or "" for key, _ in columns] for e in criterion.evidence),
        )
    if criterion.missing:
        lines += ["", "Missing: " + "; ".join(md_escape(item) for item in criterion.missing)]
    return lines


def render_markdown(report: Report) -> str:
    """The report as Markdown: header, warnings, to settle, overview, then each criterion."""
    lines = [
        f"# Eligibility pre-screening — {md_escape(report.trial.nct_id)}",
        "",
        *([f"**Trial:** {md_escape(report.trial.title)}  "] if report.trial.title else []),
        f"**Patient:** {md_escape(report.patient.id)}  ",
        f"**As of:** {report.as_of.isoformat()}  ",
        f"**Overall:** **{OVERALL_WORDS[report.overall]}** — {counts_line(report.counts)}",
        "",
        md_escape_block(summary_sentence(report)),
    ]
    if report.warnings:
        lines += ["", "## Warnings", ""]
        lines += [f"- {md_escape(warning)}" for warning in report.warnings]
    if report.to_settle:
        lines += ["", "## To settle", "", f"{SETTLE_HINT}:", ""]
        lines += [
            f"{n}. {md_escape(s.item)} — {', '.join(s.criteria)}"
            for n, s in enumerate(report.to_settle, start=1)
        ]
    if report.criteria:
        lines += ["", "## Overview", ""]
        lines += _md_table(
            ["ID", "Kind", "Label", "Verdict", "Criterion"],
            (
                [c.id, c.kind, c.label, VERDICT_WORDS[c.verdict], shorten(c.text)]
                for c in report.criteria
            ),
        )
    for section in sections(report.criteria):
        lines += ["", f"## {section.title}", "", f"_{md_escape(section.hint)}_"]
        for criterion in section.criteria:
            lines += ["", *_md_criterion(criterion)]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# HTML


def _template_source(name: str) -> str:
    # importlib.resources finds the template in a checkout and in an installed wheel alike
    return (resources.files("screening") / "templates" / name).read_text(encoding="utf-8")


@cache
def _html_environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FunctionLoader(_template_source),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.globals.update(
        verdict_words=VERDICT_WORDS,
        verdict_symbols=VERDICT_SYMBOLS,
        overall_words=OVERALL_WORDS,
        evidence_columns=evidence_columns,
        criterion_heading_facts=criterion_heading_facts,
        counts_line=counts_line,
        settle_hint=SETTLE_HINT,
    )
    environment.filters.update(
        display_text=display_text, shorten=shorten, reason_words=reason_words
    )
    return environment


def render_html(report: Report) -> str:
    """The report as one self-contained, print-friendly HTML page (inline CSS, no scripts)."""
    template = _html_environment().get_template("report.html.j2")
    return template.render(
        report=report,
        sections=sections(report.criteria),
        summary=summary_sentence(report),
    )


# ---------------------------------------------------------------------------------------------
# Terminal table

#: Rich styles per verdict and overall verdict; dropped when rendering without colour.
VERDICT_STYLES: dict[str, str] = {
    "pass": "bold green",
    "fail": "bold red",
    "unknown": "bold yellow",
    "eligible": "bold green",
    "ineligible": "bold red",
    "undetermined": "bold yellow",
}


def _table_details(criterion: CriterionResult) -> Text:
    # rich Text, never markup strings: criterion text may hold "[...]" that markup would eat
    details = Text(display_text(criterion.text))
    details.append("\nRule: ", style="bold")
    details.append(criterion.rule, style="cyan")
    details.append(f"\n{criterion.explanation}", style="italic")
    for evidence in criterion.evidence:
        details.append(f"\n• {evidence_line(evidence)}")
    if criterion.missing:
        details.append("\nMissing: ", style="bold")
        details.append("; ".join(criterion.missing))
    return details


def _table_section(section: Section, id_width: int, verdict_width: int) -> Table:
    table = Table(
        title=Text(f"{section.title} — {section.hint}", style="bold"),
        title_justify="left",
        box=box.SQUARE,
        show_lines=True,
        expand=True,
    )
    table.add_column("ID", width=id_width)
    table.add_column("Verdict", width=verdict_width)
    table.add_column("Criterion", ratio=1)
    for criterion in section.criteria:
        ident = Text(criterion.id)
        if criterion.label:
            ident.append(f"\n{criterion.label}", style="dim")
        verdict = Text(VERDICT_WORDS[criterion.verdict], style=VERDICT_STYLES[criterion.verdict])
        for fact in criterion_facts(criterion):
            verdict.append(f"\n{fact}", style="dim")
        table.add_row(ident, verdict, _table_details(criterion))
    return table


def render_table(report: Report, width: int = 120, *, color: bool = False) -> str:
    """The report as terminal text: a header, warnings, to settle, then a table per section.

    Verdicts are words, so the text reads the same without colour; ``color=True`` adds ANSI
    colour for a terminal.
    """
    header = Text(f"Eligibility pre-screening — {report.trial.nct_id}\n", style="bold")
    if report.trial.title:
        header.append(f"{report.trial.title}\n")
    header.append(f"Patient {report.patient.id} · as of {report.as_of.isoformat()}\n")
    header.append("Overall: ")
    header.append(OVERALL_WORDS[report.overall], style=VERDICT_STYLES[report.overall])
    header.append(f" — {counts_line(report.counts)}\n{summary_sentence(report)}")
    parts: list[Text | Table] = [header]
    if report.warnings:
        warnings = Text("\nWarnings", style="bold red")
        for warning in report.warnings:
            warnings.append(f"\n  ! {warning}")
        parts.append(warnings)
    if report.to_settle:
        settle = Text("\nTo settle", style="bold")
        settle.append(f" — {SETTLE_HINT.lower()}")
        for n, item in enumerate(report.to_settle, start=1):
            settle.append(f"\n  {n}. {item.item} — {', '.join(item.criteria)}")
        parts.append(settle)
    # the same column widths in every section's table, so the tables line up
    id_width = max((len(s) for c in report.criteria for s in (c.id, c.label)), default=2)
    verdict_width = max(
        (len(s) for c in report.criteria for s in (VERDICT_WORDS[c.verdict], *criterion_facts(c))),
        default=7,
    )
    # never narrower than the column headings ("ID", "Verdict")
    widths = (min(max(id_width, 2), 8), max(min(verdict_width, 16), len("Verdict")))
    for section in sections(report.criteria):
        parts += [Text(""), _table_section(section, *widths)]

    out = StringIO()
    console = Console(
        file=out,
        width=width,
        color_system="standard" if color else None,
        force_terminal=color,  # explicit either way, so FORCE_COLOR / TTY sniffing cannot change it
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )
    console.print(Group(*parts))
    # rich pads titles to the full width; trailing blanks are noise in a file or a diff
    return "".join(line.rstrip() + "\n" for line in out.getvalue().splitlines())


# ---------------------------------------------------------------------------------------------

RENDERERS: dict[str, Callable[[Report], str]] = {
    "table": render_table,
    "json": render_json,
    "markdown": render_markdown,
    "html": render_html,
}


def render(report: Report, fmt: Format) -> str:
    """Render a report in one of the formats of the command line's ``--format``."""
    return RENDERERS[fmt](report)
