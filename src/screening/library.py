"""The trial library (DESIGN §4): one YAML file per trial, named by NCT id, in ``rules/``.

A file holds the trial's metadata, then ``criteria:`` in order, each with ``id``, ``kind``,
``label``, the verbatim ``text`` and ``rule`` — the canonical rule text the compiler produced from
the text, or ``null``. A reviewer may replace a rule by hand and mark it::

    reviewed: {by: Dr A. Reviewer, note: biopsy class read from the pathology report}

:meth:`Library.add` never overwrites a reviewed rule. Files are written with ruamel.yaml (YAML 1.2),
deterministically: the same trial and rules give the same bytes.
"""

from __future__ import annotations

import difflib
import importlib.resources
import os
import re
from collections.abc import Callable, Mapping
from io import StringIO
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
)

from screening.errors import InputError
from screening.ingest import NCT_ID, read_trial
from screening.trial import Criterion, Trial

CompileRule = Callable[[Criterion], str | None]

HEADER = (
    "Trial library entry, written by `screen trials add` from the registry record.\n"
    "Each criterion's `rule` is what the compiler makes of its `text`. To correct one by hand,\n"
    "edit `rule` and add `reviewed: {by: NAME, note: WHY}`; reviewed rules are never overwritten."
)
#: Keys a criterion may carry in the file.
CRITERION_KEYS = ("id", "kind", "label", "group", "text", "rule", "reviewed")
#: Longer strings are written as folded block scalars, wrapped to the line width.
BLOCK_AFTER = 80
WIDTH = 88
# Characters YAML block and plain scalars cannot carry safely: those strings are double-quoted.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]|^\s|\s$|\n\s|\s\n")


class Review(BaseModel):
    """A reviewer's mark on a hand-written rule."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    by: str | None = None
    note: str = ""


class LibraryEntry(BaseModel):
    """A trial as stored: the trial, each criterion's stored rule text and the review marks."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    trial: Trial
    rules: dict[str, str | None]  # criterion id -> rule text (None: not compiled)
    reviewed: dict[str, Review] = {}  # criterion id -> review mark


class Library:
    """A folder of trial files (``<NCT id>.yaml``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    @classmethod
    def default(cls) -> Library:
        """``$SCREENING_LIBRARY``, else the checkout's ``rules/``, else the copy in the wheel."""
        configured = os.environ.get("SCREENING_LIBRARY")
        if configured:
            return cls(Path(configured))
        checkout = Path(__file__).resolve().parents[2] / "rules"
        if checkout.is_dir():
            return cls(checkout)
        return cls(Path(str(importlib.resources.files("screening") / "rules")))

    def path(self, nct_id: str) -> Path:
        """Where the trial's file is (whether or not it exists)."""
        return self.folder / f"{nct_id.strip().upper()}.yaml"

    def ids(self) -> list[str]:
        """The NCT ids in the library, sorted."""
        if not self.folder.is_dir():
            return []
        return sorted(p.stem for p in self.folder.glob("*.yaml") if NCT_ID.fullmatch(p.stem))

    def entry(self, nct_id: str) -> LibraryEntry:
        """The stored trial with its rules and review marks; InputError if it is not here."""
        path = self.path(nct_id)
        if not path.is_file():
            key = nct_id.strip().upper()
            message = f"unknown trial {key} (library: {self.folder})"
            close = difflib.get_close_matches(key, self.ids(), n=1, cutoff=0.6)
            raise InputError(message + (f"; did you mean {close[0]}?" if close else ""))
        return _load(path)

    def trial(self, nct_id: str) -> Trial:
        """The stored trial."""
        return self.entry(nct_id).trial

    def add(self, trial: Trial, compile_rule: CompileRule | None = None) -> tuple[Path, list[str]]:
        """Write (or rewrite) the trial's file; return its path and messages for the reviewer.

        Rules not marked reviewed are ``compile_rule(criterion)`` (``null`` without a compiler).
        A reviewed rule is kept as it is; when its criterion's text changed, a message says so.
        A reviewed criterion missing from the new record is an InputError (nothing is written).
        """
        path = self.path(trial.nct_id)
        old = _load(path) if path.exists() else None
        reviewed = dict(old.reviewed) if old else {}
        old_texts = {c.id: c.text for c in old.trial.criteria} if old else {}
        orphans = sorted(set(reviewed) - {c.id for c in trial.criteria}, key=_id_order)
        if orphans:
            raise InputError(
                f"reviewed rules for {', '.join(orphans)} have no criterion in the new record; "
                "remove their 'reviewed' marks by hand to replace them",
                file=str(path),
            )
        rules: dict[str, str | None] = {}
        messages = []
        for criterion in trial.criteria:
            review = reviewed.get(criterion.id)
            if review is None:
                rules[criterion.id] = compile_rule(criterion) if compile_rule else None
                continue
            rules[criterion.id] = old.rules.get(criterion.id) if old else None
            if old_texts.get(criterion.id) != criterion.text:
                messages.append(
                    f"{trial.nct_id}/{criterion.id}: text changed under a reviewed rule"
                    f" (reviewed by {review.by or 'unknown'}); check the rule still fits"
                )
        entry = LibraryEntry(trial=trial, rules=rules, reviewed=reviewed)
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".yaml.tmp")
        temporary.write_text(dumps(entry), encoding="utf-8")
        temporary.replace(path)  # a reader never sees half a file
        return path, messages


def resolve_trial(ref: str, library: Library) -> Trial:
    """A trial by NCT id (from the library) or by a document's path (ingested, not stored)."""
    key = ref.strip().upper()
    if NCT_ID.fullmatch(key) and key in library.ids():
        return library.trial(key)
    if Path(ref).exists():
        return read_trial(ref)
    if NCT_ID.fullmatch(key):
        library.entry(key)  # raises "unknown trial", with a suggestion
    raise InputError(f"no such file, and not an NCT id in the library ({library.folder})", file=ref)


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


class _Representer(RoundTripRepresenter):
    """Round-trip representer that writes ``null`` rather than an empty value."""


_Representer.add_representer(
    type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null")
)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Representer = _Representer
    yaml.width = WIDTH
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    return yaml


def _scalar(value: Any) -> Any:
    """Strings in the style that reads best and still round-trips exactly."""
    if not isinstance(value, str):
        return value
    if _UNSAFE.search(value):
        return DoubleQuotedScalarString(value)
    if "\n" in value:
        return LiteralScalarString(value)
    return FoldedScalarString(value) if len(value) > BLOCK_AFTER else value


def _document(entry: LibraryEntry) -> CommentedMap:
    trial = entry.trial
    doc = CommentedMap()
    for name in Trial.model_fields:
        if name != "criteria":
            value = getattr(trial, name)
            doc[name] = (
                CommentedSeq(map(_scalar, value)) if isinstance(value, tuple) else _scalar(value)
            )
    criteria = CommentedSeq()
    for criterion in trial.criteria:
        item = CommentedMap(
            (key, _scalar(getattr(criterion, key))) for key in ("id", "kind", "label", "group", "text")
            if key != "group" or criterion.group  # a group heading only where the record has one
        )
        item["rule"] = _scalar(entry.rules.get(criterion.id))
        review = entry.reviewed.get(criterion.id)
        if review is not None:
            item["reviewed"] = CommentedMap((k, _scalar(v)) for k, v in review.model_dump().items())
        criteria.append(item)
    doc["criteria"] = criteria
    doc.yaml_set_start_comment(HEADER)
    return doc


def dumps(entry: LibraryEntry) -> str:
    """The entry as the text of its library file."""
    buffer = StringIO()
    _yaml().dump(_document(entry), buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def _id_order(criterion_id: str) -> tuple[str, int]:
    match = re.fullmatch(r"([A-Z]+)(\d+)", criterion_id)
    return (match[1], int(match[2])) if match else (criterion_id, 0)


def _plain(node: Any) -> Any:
    """ruamel's round-trip types as plain Python values."""
    if isinstance(node, Mapping):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


def _line(node: Any, key: Any = None) -> int | None:
    """1-based line of a node (or of one of its keys) in the file, when ruamel recorded it."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return None
    try:
        return (lc.key(key)[0] if key is not None else lc.line) + 1
    except (KeyError, IndexError, TypeError):
        return lc.line + 1


def _invalid(error: ValidationError, node: Any, file: str, prefix: str = "") -> InputError:
    first = error.errors()[0]
    loc = [str(part) for part in first["loc"]]
    return InputError(
        first["msg"],
        file=file,
        field=prefix + ".".join(loc),
        line=_line(node, loc[0] if loc else None),
    )


def _load(path: Path) -> LibraryEntry:
    file = str(path)
    try:
        data = _yaml().load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", file=file) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", file=file) from None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise InputError(
            f"invalid YAML: {error.problem or error.context}",
            file=file,
            line=mark.line + 1 if mark else None,
        ) from None
    except YAMLError as error:
        raise InputError(f"invalid YAML: {error}", file=file) from None
    if not isinstance(data, Mapping):
        raise InputError("expected the trial's fields (a mapping)", file=file)
    nodes = data.get("criteria") or []
    if not isinstance(nodes, list):
        raise InputError(
            "expected a list of criteria", file=file, field="criteria", line=_line(data, "criteria")
        )

    criteria: list[Criterion] = []
    rules: dict[str, str | None] = {}
    reviewed: dict[str, Review] = {}
    for index, node in enumerate(nodes):
        where = f"criteria[{index}]."
        if not isinstance(node, Mapping):
            raise InputError(
                "expected a criterion (a mapping)", file=file, field=where[:-1], line=_line(nodes)
            )
        unknown = sorted(set(map(str, node)) - set(CRITERION_KEYS))
        if unknown:
            raise InputError(
                f"unknown key; a criterion has {', '.join(CRITERION_KEYS)}",
                file=file,
                field=where + unknown[0],
                line=_line(node, unknown[0]),
            )
        fields = _plain(node)
        try:
            criterion = Criterion.model_validate(
                {k: fields[k] for k in ("id", "kind", "label", "group", "text") if k in fields}
            )
            review = (
                Review.model_validate(fields["reviewed"])
                if fields.get("reviewed") is not None
                else None
            )
        except ValidationError as error:
            raise _invalid(error, node, file, where) from None
        rule = fields.get("rule")
        if rule is not None and not isinstance(rule, str):
            raise InputError(
                "expected rule text or null",
                file=file,
                field=where + "rule",
                line=_line(node, "rule"),
            )
        if criterion.id in rules:
            raise InputError(
                f"duplicate criterion id {criterion.id}",
                file=file,
                field=where + "id",
                line=_line(node, "id"),
            )
        criteria.append(criterion)
        rules[criterion.id] = rule
        if review is not None:
            reviewed[criterion.id] = review

    metadata = {k: v for k, v in _plain(data).items() if k != "criteria"}
    try:
        trial = Trial.model_validate({**metadata, "criteria": criteria})
    except ValidationError as error:
        raise _invalid(error, data, file) from None
    if trial.nct_id != path.stem:
        raise InputError(
            f"file holds {trial.nct_id}, but is named {path.name}",
            file=file,
            field="nct_id",
            line=_line(data, "nct_id"),
        )
    return LibraryEntry(trial=trial, rules=rules, reviewed=reviewed)
