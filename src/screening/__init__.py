"""screening — clinical-trial eligibility pre-screening.

Three names do the work for a coordinator's tool::

    from screening import load_trial, load_patient, screen, render

    trial = load_trial("NCT03580291")            # an NCT id in the library, or a path to a record
    patient = load_patient("patient.yaml")
    report = screen(trial, patient)              # pass / fail / unknown per criterion
    print(render(report, "markdown"))            # or "json", "html", "table"

Errors a user can cause (an unreadable file, an unknown trial, a unit of the wrong dimension) are
:class:`InputError`, whose message is one line naming the file, the field and the line.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .compile import CompiledTrial, compile_criterion, compile_trial, parse_rule
from .rules import RuleSyntaxError, unknown_concepts
from .errors import InputError
from .explain import screen_trial
from .library import Library, resolve_trial
from .patient import Patient, load_patient, patient_from_mapping
from .printer import to_text
from .report import Report, render
from .trial import Trial

__version__ = "0.1.0"


def load_trial(ref: str | Path, library: Library | None = None) -> CompiledTrial:
    """A trial ready to screen: an NCT id from the trial library (with its reviewed rules) or a
    path to a registry document or ClinicalTrials.gov v2 JSON file, compiled on the fly."""
    library = library or Library.default()
    trial = resolve_trial(str(ref), library)
    reviewed: dict[str, str] = {}
    if trial.nct_id in library.ids() and not Path(str(ref)).is_file():
        entry = library.entry(trial.nct_id)
        reviewed = {cid: rule for cid, rule in entry.rules.items() if cid in entry.reviewed and rule}
    for cid, rule in reviewed.items():  # a reviewer's hand-written rule must read, and name known concepts
        where = {"file": str(library.path(trial.nct_id)), "field": f"criteria.{cid}.rule"}
        try:
            unknown = unknown_concepts(parse_rule(rule))
        except RuleSyntaxError as error:
            raise InputError(str(error), **where) from None
        if unknown:
            raise InputError(f"reviewed rule names concepts the vocabulary does not know: {', '.join(unknown)}",
                             **where)
    return compile_trial(trial, reviewed)


def screen(trial: CompiledTrial | Trial, patient: Patient, as_of: date | None = None) -> Report:
    """Screen a patient against a trial; ``as_of`` defaults to the profile's, else today."""
    compiled = trial if isinstance(trial, CompiledTrial) else compile_trial(trial)
    return screen_trial(compiled, patient, as_of)


__all__ = [
    "CompiledTrial", "InputError", "Library", "Patient", "Report", "Trial", "compile_criterion",
    "compile_trial", "load_patient", "load_trial", "parse_rule", "patient_from_mapping", "render",
    "screen", "to_text",
]
