"""The ``screen`` command (DESIGN §3): a thin typer layer over the library API.

    screen PATIENT --trial TRIAL [--format table|json|markdown|html] [--output FILE]
    screen trials list | show NCT… | add PATH…
    screen compile TRIAL|FOLDER…       each criterion's rule, and coverage
    screen schema                      JSON Schema of the patient profile

Bad input exits with status 2 and one line on standard error; never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from .errors import InputError

USAGE = """Pre-screen a patient against a clinical trial's eligibility criteria.

    screen PATIENT --trial NCT…|PATH [--format table|json|markdown|html] [--output FILE] [--as-of DATE]

PATIENT is a profile (YAML or JSON); TRIAL an NCT id in the trial library or a trial document
(ClinicalTrials.gov v2 JSON or a registry page). Each criterion comes out pass, fail or unknown."""

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False, help=USAGE,
                  rich_markup_mode=None)
trials_app = typer.Typer(add_completion=False, no_args_is_help=True, help="The trial library (rules/).")
app.add_typer(trials_app, name="trials")

LibraryOption = Annotated[Optional[Path], typer.Option(
    "--library", envvar="SCREENING_LIBRARY", help="Trial library folder (default: the bundled rules/).")]


class Format(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    html = "html"


def _library(folder: Path | None):
    from .library import Library

    return Library(folder) if folder is not None else Library.default()


def _fail(error: InputError) -> None:
    typer.echo(f"screen: {error}", err=True)
    raise typer.Exit(2)


@app.command("run", hidden=True)
def run(
    patient: Annotated[Path, typer.Argument(help="Patient profile (YAML or JSON).")],
    trial: Annotated[str, typer.Option("--trial", "-t", help="NCT id in the library, or a trial document.")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format.table,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report here.")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Screening date (YYYY-MM-DD).")] = None,
    library: LibraryOption = None,
) -> None:
    """Screen PATIENT against a trial and print the report."""
    from . import load_patient, load_trial, screen
    from .report import render, render_table

    try:
        day = _date(as_of)
        profile = load_patient(patient)
        compiled = load_trial(trial, _library(library))
        report = screen(compiled, profile, day)
        if fmt is Format.table and output is None:
            width = max(80, min(160, _terminal_width()))
            text = render_table(report, width=width, color=sys.stdout.isatty())
        else:
            text = render(report, fmt.value)
        if output is None:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
            return
        _refuse_overwriting_input(output, patient, trial)
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)
    except InputError as error:
        _fail(error)


def _terminal_width() -> int:
    try:
        return os.get_terminal_size().columns
    except OSError:
        return 120


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"'{text}' is not a date (YYYY-MM-DD)", field="--as-of") from None


def _refuse_overwriting_input(output: Path, *inputs: object) -> None:
    for given in inputs:
        path = Path(str(given))
        if path.exists() and output.exists() and output.resolve() == path.resolve():
            raise InputError("refusing to overwrite an input file with the report", file=str(output),
                             field="--output")


@trials_app.command("list")
def trials_list(library: LibraryOption = None) -> None:
    """List the trials in the library."""
    try:
        lib = _library(library)
        for nct in lib.ids():
            t = lib.trial(nct)
            typer.echo(f"{nct}  {len(t.inclusion):>3} incl  {len(t.exclusion):>3} excl  {t.title}")
    except InputError as error:
        _fail(error)


@trials_app.command("show")
def trials_show(nct_id: str, library: LibraryOption = None) -> None:
    """Show a library trial: metadata and criteria with their rules."""
    try:
        lib = _library(library)
        entry = lib.entry(nct_id)
        t = entry.trial
        typer.echo(f"{t.nct_id}: {t.title}")
        for label, value in (("phase", t.phase), ("status", t.status), ("enrollment", t.enrollment),
                             ("conditions", ", ".join(t.conditions) or None), ("minimum age", t.minimum_age),
                             ("maximum age", t.maximum_age), ("sex", t.sex), ("source", t.source)):
            if value is not None:
                typer.echo(f"  {label}: {value}")
        for c in t.criteria:
            mark = " (reviewed)" if c.id in entry.reviewed else ""
            typer.echo(f"\n{c.id} [{c.kind}] {c.label} {c.text}")
            typer.echo(f"    rule{mark}: {entry.rules.get(c.id)}")
    except InputError as error:
        _fail(error)


@trials_app.command("add")
def trials_add(paths: list[Path], library: LibraryOption = None) -> None:
    """Ingest trial documents into the library (reviewed rules are kept)."""
    from .compile import compile_trial
    from .ingest import read_trial
    from .printer import to_text

    try:
        lib = _library(library)
        for path in paths:
            trial = read_trial(path)
            rules = compile_trial(trial).rules
            written, messages = lib.add(trial, lambda c, rules=rules: to_text(rules[c.id]))
            for m in messages:
                typer.echo(f"screen: {m}", err=True)
            typer.echo(f"{trial.nct_id}: {len(trial.inclusion)} inclusion, {len(trial.exclusion)} exclusion "
                       f"→ {written}")
    except InputError as error:
        _fail(error)


@app.command("compile")
def compile_command(
    refs: Annotated[list[str], typer.Argument(help="NCT ids, trial documents or folders of them.")],
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Coverage lines only.")] = False,
    library: LibraryOption = None,
) -> None:
    """Show how each criterion compiles, and how much of each trial is fully structured."""
    from . import load_trial
    from .coverage import coverage_of, unreadable_summary
    from .printer import to_text

    try:
        lib = _library(library)
        paths: list[str] = []
        for ref in refs:
            p = Path(ref)
            paths.extend(sorted(str(f) for f in p.iterdir() if f.is_file()) if p.is_dir() else [ref])
        results = []
        for ref in paths:
            compiled = load_trial(ref, lib)
            cov = coverage_of(compiled)
            results.append(cov)
            if not quiet:
                typer.echo(f"\n{compiled.trial.nct_id}: {compiled.trial.title}")
                if compiled.cohorts():
                    typer.echo(f"  cohorts: {'; '.join(compiled.cohorts())}")
                for c in compiled.trial.criteria:
                    rule = compiled.rules[c.id]
                    typer.echo(f"  {c.id:<4} {'✓' if c.id in cov.structured else '✗'} {to_text(rule)}")
                    for problem in cov.problems.get(c.id, ()):
                        typer.echo(f"         ! {problem}")
            typer.echo(f"{compiled.trial.nct_id}: {len(cov.structured)}/{cov.total} criteria fully structured")
        if len(results) > 1:
            structured = sum(len(r.structured) for r in results)
            total = sum(r.total for r in results)
            share = 100 * structured / total if total else 0
            typer.echo(f"\nTOTAL: {structured}/{total} criteria fully structured ({share:.1f}%) "
                       f"in {len(results)} trials")
            typer.echo("Most common unreadable constructs:")
            for line in unreadable_summary(results):
                typer.echo(f"  {line}")
    except InputError as error:
        _fail(error)


@app.command("schema")
def schema() -> None:
    """Print the JSON Schema of the patient profile (for editors)."""
    from .patient import patient_json_schema

    typer.echo(json.dumps(patient_json_schema(), indent=2, ensure_ascii=False))


_SUBCOMMANDS = {"run", "trials", "compile", "schema", "--help", "-h"}


def main(argv: list[str] | None = None) -> None:
    """Entry point: ``screen PATIENT --trial …`` runs the screening; other words are sub-commands."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] not in _SUBCOMMANDS:
        args.insert(0, "run")
    try:
        app(args=args, prog_name="screen", standalone_mode=True)
    except InputError as error:  # raised outside a command body (e.g. while loading data)
        typer.echo(f"screen: {error}", err=True)
        sys.exit(2)
    except Exception as error:  # a bug of ours: one line, and a status that is not "bad input"
        typer.echo(f"screen: internal error ({type(error).__name__}: {error}); please report it", err=True)
        sys.exit(1)

