"""Trial ingestion: registry documents → :class:`~screening.trial.Trial`.

Layouts read (:func:`read_trial` tells them apart):

* **ClinicalTrials.gov API v2 study JSON** — ``{"protocolSection": …}``, alone or inside the
  search response ``{"studies": [study]}`` (one study only);
* **the ClinicalTrials.gov-style page** saved as text — a ``NCT ID: NCT…`` line, section headings
  ("Basic Information", "Conditions", "Eligibility Criteria", …) each followed by one line of site
  description; registry age/sex limits after the criteria, bare ("18 Years", "ALL", "No") or
  under "Minimum Eligible Age" / "Maximum Eligible Age" / "Eligible Sex" labels;
* **the MedPath page** — a ``MedPath`` banner, labels on their own line ("Registration Number",
  "Status", "Sex", "Target Recruitment") with the value on the next line;
* **the older registry record** — ``Clinical Trial: …`` and ``Field: value`` lines; its NCT id, when
  the text has none, comes from a file name that is an NCT id.

Eligibility text, from any layout, is cut into criteria by :func:`split_criteria`. What a
criterion's ``text`` is (the compiler reads it):

* the item's own text without its bullet or number, wrapped lines joined by one space, spacing
  inside a line and markdown escapes (``\\>``, ``\\<``) kept as written;
* what belongs to the item — deeper-indented sub-items, paragraphs indented under it, and, when the
  item ends with ":", the unbulleted lines and differently-labelled items that follow it — is
  appended in order after ``"; "``, or after a single space when the text so far already ends in
  punctuation (``. : ; , ! ?``). An enumerated sub-item keeps its label ("a. …", "2) …"); a
  bulleted one drops its bullet.

Not criteria: headings ("Inclusion Criteria:", "Key Exclusion Criteria", "INCLUSION CRITERIA",
"[Exclusion Criteria]", "Inclusion:"); unlabelled paragraphs that end with ":" or announce a list
("… all of the following …") — preambles and group headings ("Hematopoietic:"); and a short title
line right above a list ("Parkinson's Disease"), which would otherwise read as a condition the
patient must have. Other unlabelled paragraphs are criteria, and text with no heading at all is
inclusion criteria, one per item or paragraph. Lines a web mirror flattened ("Inclusion Criteria:
* a. * b. Exclusion Criteria: * c.") are cut apart first (:func:`_unflatten`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

from screening.errors import InputError, read_input
from screening.trial import Criterion, CriterionKind, Sex, Trial

NCT_ID = re.compile(r"NCT\d{8}")

# ---------------------------------------------------------------------------------------------
# Vocabulary of the registries (data, not branches)
# ---------------------------------------------------------------------------------------------

#: Words that name a section of criteria, and the kind of criteria that follow.
HEADING_KEYWORDS: dict[str, CriterionKind] = {
    "inclusion": "inclusion",
    "exclusion": "exclusion",
    "non-inclusion": "exclusion",
    "non inclusion": "exclusion",
    "noninclusion": "exclusion",
}

#: ClinicalTrials.gov overall statuses (API v2 spelling); page spellings map onto them.
STATUSES = frozenset(
    {
        "ACTIVE_NOT_RECRUITING",
        "APPROVED_FOR_MARKETING",
        "AVAILABLE",
        "COMPLETED",
        "ENROLLING_BY_INVITATION",
        "NO_LONGER_AVAILABLE",
        "NOT_YET_RECRUITING",
        "RECRUITING",
        "SUSPENDED",
        "TEMPORARILY_NOT_AVAILABLE",
        "TERMINATED",
        "UNKNOWN",
        "WITHDRAWN",
        "WITHHELD",
    }
)
STATUS_ALIASES = {"UNKNOWN_STATUS": "UNKNOWN"}

#: Registry sex values (v2 enum, page and record spellings).
SEXES: dict[str, Sex] = {"all": "all", "both": "all", "female": "female", "male": "male"}

#: Registry answers to "accepts healthy volunteers".
YES_NO = {"yes": True, "no": False, "true": True, "false": False}

#: A phase value that is not a number.
PHASE_NOT_APPLICABLE = frozenset({"NA", "N/A", "NOT APPLICABLE"})

#: Labels of the registry-limit block that follows the criteria on a ClinicalTrials.gov page.
REGISTRY_LABELS = {
    "minimum eligible age": "minimum_age",
    "minimum age": "minimum_age",
    "maximum eligible age": "maximum_age",
    "maximum age": "maximum_age",
    "eligible sex": "sex",
    "sex": "sex",
    "gender": "sex",
    "accepts healthy volunteers": "healthy_volunteers",
    "healthy volunteers": "healthy_volunteers",
}

#: Section headings of the ClinicalTrials.gov-style page (a line of its own).
CTGOV_SECTIONS = frozenset(
    {
        "Study Results",
        "Basic Information",
        "Brief Summary",
        "Related Clinical Trials",
        "Detailed Description",
        "Conditions",
        "Keywords",
        "Study Design",
        "Study Groups",
        "Interventions",
        "Other Intervention Names",
        "Outcome Measures",
        "Eligibility Criteria",
        "Sponsors",
        "Collaborators",
        "Responsible Party",
        "Principal Investigators",
        "Locations",
        "Countries",
        "Central Contacts",
        "Facility Contacts",
        "References",
        "Other Identifiers",
        "More Related Trials",
    }
)

#: MedPath labels whose value is the next line, and the trial field each fills.
MEDPATH_FIELDS = {
    "Registration Number": "nct_id",
    "Status": "status",
    "Sex": "sex",
    "Target Recruitment": "enrollment",
    "Minimum Age": "minimum_age",
    "Maximum Age": "maximum_age",
    "Healthy Volunteers": "healthy_volunteers",
}
#: MedPath headings that end the list under "Conditions" or the criteria.
MEDPATH_SECTIONS = frozenset(
    {
        "Interventions",
        "Registration Number",
        "Lead Sponsor",
        "Brief Summary",
        "Detailed Description",
        "Recruitment & Eligibility",
        "Study & Design",
        "Study Type",
        "Study Design",
        "Arm && Interventions",
        "Primary Outcome Measures",
        "Secondary Outcome Measures",
        "Trial Locations",
    }
)

#: Fields of the older registry record, in order of preference for each trial field.
RECORD_FIELDS: dict[str, tuple[str, ...]] = {
    "nct_id": ("NCT ID", "NCT Number", "ClinicalTrials.gov Identifier"),
    "title": ("Clinical Trial", "Brief Title", "Official Title"),
    # the recruitment status is what the registry shows now; "Study Status" is the sponsor's
    "status": ("Recruit Status", "Overall Status", "Study Status"),
    "phase": ("Phase",),
    "conditions": ("Conditions", "Condition"),
    "enrollment": ("Enrollment",),
    "sex": ("Gender", "Sex"),
    "minimum_age": ("Minimum Age",),
    "maximum_age": ("Maximum Age",),
    "healthy_volunteers": ("Accepts Healthy Volunteers", "Healthy Volunteers"),
    "criteria": ("Eligibility Criteria", "Criteria", "Eligibility"),
}
#: Other fields of that record (they end a multi-line criteria field).
RECORD_OTHER_FIELDS = frozenset(
    {
        "Study Type",
        "Brief Summary",
        "Detailed Summary",
        "Detailed Description",
        "Sponsor",
        "Collaborators",
        "Intervention",
        "Interventions",
        "Current Primary Outcome",
        "Original Primary Outcome",
        "Current Secondary Outcome",
        "Original Secondary Outcome",
        "Information By",
        "Dates",
        "Date Received",
        "Date Started",
        "Date Completion",
        "Last Updated",
        "Last Verified",
        "Locations",
        "Study ID Numbers",
        "Keywords",
    }
)

# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def read_trial(path: str | Path) -> Trial:
    """Read a trial document in any supported layout; :class:`InputError` for anything else.

    ``Trial.source`` is the path as given.
    """
    source = str(path)
    text = _read_text(Path(path), source)
    if text.lstrip().startswith(("{", "[")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError(f"invalid JSON: {error.msg}", file=source, line=error.lineno) from None
        return trial_from_v2(_one_study(data, source), source)
    return parse_trial_text(text, source)


def trial_from_v2(study: Mapping[str, Any], source: str | None = None) -> Trial:
    """Build a trial from one ClinicalTrials.gov API v2 study (its ``protocolSection`` modules)."""
    if not isinstance(study, Mapping) or not isinstance(study.get("protocolSection"), Mapping):
        raise InputError(
            "JSON without protocolSection: not a ClinicalTrials.gov API v2 study",
            file=source,
            field="protocolSection",
        )

    def get(path: str, expected: str = "text") -> Any:
        value = _v2_field(study, f"protocolSection.{path}", expected, source)
        return value.strip() if isinstance(value, str) else value

    nct_id = get("identificationModule.nctId") or _nct_from_name(source)
    if not nct_id:
        raise InputError(
            "no NCT id in the study",
            file=source,
            field="protocolSection.identificationModule.nctId",
        )
    sex = get("eligibilityModule.sex") or "ALL"
    if sex.lower() not in SEXES:
        raise InputError(
            f"expected ALL, FEMALE or MALE, found {sex!r}",
            file=source,
            field="protocolSection.eligibilityModule.sex",
        )
    phases = get("designModule.phases", "a list of text") or []
    return Trial(
        nct_id=nct_id,
        title=get("identificationModule.briefTitle")
        or get("identificationModule.officialTitle")
        or "",
        phase=_phase("/".join(phases)),
        status=_status(get("statusModule.overallStatus")),
        enrollment=get("designModule.enrollmentInfo.count", "a whole number"),
        conditions=tuple(
            c.strip() for c in get("conditionsModule.conditions", "a list of text") or ()
        ),
        minimum_age=_age(get("eligibilityModule.minimumAge")),
        maximum_age=_age(get("eligibilityModule.maximumAge")),
        sex=SEXES[sex.lower()],
        healthy_volunteers=get("eligibilityModule.healthyVolunteers", "true or false"),
        criteria=tuple(split_criteria(get("eligibilityModule.eligibilityCriteria") or "")),
        source=source,
    )


def parse_trial_text(text: str, source: str | None = None) -> Trial:
    """Build a trial from a registry page saved as text (CT.gov page, MedPath page, old record)."""
    lines = text.splitlines()
    for layout in _LAYOUTS:
        if layout.detect(lines):
            fields = layout.parse(lines)
            break
    else:
        raise InputError(
            "not a trial record: expected ClinicalTrials.gov API v2 JSON, a ClinicalTrials.gov "
            "page, a MedPath page or a registry record",
            file=source,
        )
    nct_id = fields.pop("nct_id", None) or _nct_from_name(source)
    if not nct_id:
        raise InputError(
            f"no NCT id in this {layout.name} and the file name is not one", file=source
        )
    criteria = split_criteria(fields.pop("criteria", ""))
    return Trial(nct_id=nct_id, criteria=tuple(criteria), source=source, **fields)


def split_criteria(text: str) -> list[Criterion]:
    """Cut eligibility text into ordered inclusion and exclusion criteria (``I1…``, ``E1…``).

    See the module docstring for what counts as a criterion and how its text is assembled.
    """
    builder = _Builder()
    for raw in text.splitlines():
        for piece in _unflatten(raw):
            builder.feed(_classify(piece))
    return builder.finish()


# ---------------------------------------------------------------------------------------------
# Reading files and JSON
# ---------------------------------------------------------------------------------------------


def _read_text(path: Path, source: str) -> str:
    data = read_input(path, source, "trial document")
    if not data.strip():
        raise InputError("empty file, not a trial record", file=source)
    if b"\x00" in data:
        raise InputError("binary file, not a trial record", file=source)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"not UTF-8 text (byte {error.start}), not a trial record", file=source
        ) from None


def _one_study(data: Any, source: str) -> Mapping[str, Any]:
    """The study of a v2 document: the object itself, or the single one of a search response."""
    if isinstance(data, Mapping) and "protocolSection" in data:
        return data
    if isinstance(data, Mapping) and isinstance(data.get("studies"), list):
        studies = data["studies"]
        if len(studies) != 1:
            raise InputError(
                f"search response holds {len(studies)} studies; save one study per file",
                file=source,
                field="studies",
            )
        return studies[0] if isinstance(studies[0], Mapping) else {}
    raise InputError(
        "JSON without protocolSection: not a ClinicalTrials.gov API v2 study",
        file=source,
        field="protocolSection",
    )


#: What a v2 field must hold, by the words an error message uses for it.
_V2_TYPES: dict[str, Callable[[Any], bool]] = {
    "an object": lambda v: isinstance(v, Mapping),
    "text": lambda v: isinstance(v, str),
    "a list of text": lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v),
    "a whole number": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "true or false": lambda v: isinstance(v, bool),
}


def _v2_field(study: Mapping[str, Any], path: str, expected: str, source: str | None) -> Any:
    """The value at a dotted path of a v2 study (``None`` if absent); InputError names the field."""
    node: Any = study
    walked: list[str] = []
    for key in path.split("."):
        if not isinstance(node, Mapping):
            raise InputError(
                f"expected an object, found {node!r:.60}", file=source, field=".".join(walked)
            )
        walked.append(key)
        node = node.get(key)
        if node is None:
            return None
    if not _V2_TYPES[expected](node):
        raise InputError(f"expected {expected}, found {node!r:.60}", file=source, field=path)
    return node


# ---------------------------------------------------------------------------------------------
# Normalising registry values
# ---------------------------------------------------------------------------------------------

_AGE = re.compile(r"\d+(?:\.\d+)?\s+(?:year|month|week|day|hour|minute)s?", re.I)
_PHASE_PART = re.compile(r"(early[\s_]*)?phase[\s_]*(\d)((?:\s*/\s*\d)*)", re.I)
_PHASE_LINE = re.compile(r"(?:(?:early[\s_]*)?phase[\s_]*\d(?:\s*/\s*\d)*\s*[/,]?\s*)+", re.I)
_ENROLLMENT = re.compile(r"(\d[\d,]*)(?:\s+participants?)?(?:\s*\(\w+\))?", re.I)


def _nct_from_name(source: str | None) -> str | None:
    stem = Path(source).stem.upper() if source else ""
    return stem if NCT_ID.fullmatch(stem) else None


def _age(value: str | None) -> str | None:
    """A registry age as stated ("18 Years"); ``None`` when absent or "N/A"."""
    value = " ".join((value or "").split())
    return value if _AGE.fullmatch(value) else None


def _status(value: str | None) -> str | None:
    """A status in API v2 spelling ("Active, not recruiting" → ``ACTIVE_NOT_RECRUITING``)."""
    if not value:
        return None
    key = re.sub(r"[^A-Z]+", "_", value.upper()).strip("_")
    return STATUS_ALIASES.get(key, key)


def _known_status(value: str) -> str | None:
    status = _status(value)
    return status if status in STATUSES else None


def _phase(value: str | None) -> str | None:
    """Phase for people: "Phase 2", "Phase 1/Phase 2", "Early Phase 1", "Not Applicable"."""
    value = (value or "").strip()
    if value.upper() in PHASE_NOT_APPLICABLE:
        return "Not Applicable"
    names = []
    for early, first, more in _PHASE_PART.findall(value):
        numbers = [first, *re.findall(r"\d", more)]
        names += [("Early Phase " if early else "Phase ") + n for n in numbers]
    return "/".join(dict.fromkeys(names)) or None


def _enrollment(value: str) -> int | None:
    match = _ENROLLMENT.fullmatch(value.strip())
    return int(match[1].replace(",", "")) if match else None


# ---------------------------------------------------------------------------------------------
# Text layouts
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    name: str
    detect: Callable[[list[str]], bool]
    parse: Callable[[list[str]], dict[str, Any]]


def _nonblank(lines: Iterable[str]) -> list[str]:
    return [line.strip() for line in lines if line.strip()]


def _sections(lines: list[str], headings: frozenset[str]) -> dict[str, list[str]]:
    """Lines under each heading (first occurrence), up to the next heading."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        name = line.strip()
        if name in headings:  # a repeated heading ends the first one's lines
            current = None if name in found else found.setdefault(name, [])
        elif current is not None:
            current.append(line)
    return found


def _criteria_region(lines: list[str]) -> list[str]:
    """From the first criteria heading on (what precedes it is site text)."""
    for index, line in enumerate(lines):
        if _heading_kind(line.strip()):
            return lines[index:]
    return []


# -- ClinicalTrials.gov-style page -----------------------------------------------------------

_CTGOV_ID = re.compile(r"NCT ID:\s*(NCT\d{8})\s*")


def _is_ctgov_page(lines: list[str]) -> bool:
    return any(_CTGOV_ID.fullmatch(line.strip()) for line in lines)


def _parse_ctgov_page(lines: list[str]) -> dict[str, Any]:
    ids = (_CTGOV_ID.fullmatch(line.strip()) for line in lines)
    fields: dict[str, Any] = {"nct_id": next(m[1] for m in ids if m), "title": _nonblank(lines)[0]}
    sections = _sections(lines, CTGOV_SECTIONS)
    # every section heading is followed by one line of site description: skip it
    basics = _nonblank(sections.get("Basic Information", []))[1:]
    for value in basics:
        if _known_status(value) and "status" not in fields:
            fields["status"] = _known_status(value)
        elif (
            _PHASE_LINE.fullmatch(value) or value.upper() in PHASE_NOT_APPLICABLE
        ) and "phase" not in fields:
            fields["phase"] = _phase(value)
        elif value.lower().endswith(("participant", "participants")) and "enrollment" not in fields:
            fields["enrollment"] = _enrollment(value)
    fields["conditions"] = tuple(_nonblank(sections.get("Conditions", []))[1:])
    eligibility = sections.get("Eligibility Criteria", [])
    body, limits = _split_registry_tail(eligibility)
    fields.update(limits)
    region = _criteria_region(body)
    if not region and _nonblank(body):  # no headings: everything after the site description
        first = next(i for i, line in enumerate(body) if line.strip())
        region = body[first + 1 :]
    fields["criteria"] = "\n".join(region)
    return fields


def _registry_value(line: str) -> tuple[str | None, Any]:
    """(field, value) of one line of the registry-limit block; (None, None) if it is not one."""
    text = " ".join(line.split())
    low = text.lower().rstrip(":")
    if low in REGISTRY_LABELS:
        return "label", REGISTRY_LABELS[low]
    if _AGE.fullmatch(text):
        return "age", text
    if text.upper() in PHASE_NOT_APPLICABLE:
        return "age", None
    if low in SEXES:
        return "sex", SEXES[low]
    if low in YES_NO:
        return "healthy_volunteers", YES_NO[low]
    return None, None


def _split_registry_tail(lines: list[str]) -> tuple[list[str], dict[str, Any]]:
    """Separate the age/sex/healthy-volunteer block that closes the eligibility section.

    Labelled values go to their label; bare ages are minimum then maximum.
    """
    start = len(lines)
    while start and (not lines[start - 1].strip() or _registry_value(lines[start - 1])[0]):
        start -= 1
    limits: dict[str, Any] = {}
    label: str | None = None
    ages = iter(("minimum_age", "maximum_age"))
    for line in lines[start:]:
        kind, value = _registry_value(line)
        if kind == "label":
            label = value
            continue
        if kind is None:
            continue
        target = label or (next(ages, None) if kind == "age" else kind)
        if target and target not in limits:
            limits[target] = value
        label = None
    return lines[:start], limits


# -- MedPath page -----------------------------------------------------------------------------


def _is_medpath_page(lines: list[str]) -> bool:
    first = _nonblank(lines[:5])
    return bool(first) and first[0] == "MedPath"


def _parse_medpath_page(lines: list[str]) -> dict[str, Any]:
    text_lines = _nonblank(lines)
    fields: dict[str, Any] = {"title": text_lines[1] if len(text_lines) > 1 else ""}
    parse_value: dict[str, Callable[[str], Any]] = {
        "nct_id": lambda v: v if NCT_ID.fullmatch(v) else None,
        "status": _known_status,
        "sex": lambda v: SEXES.get(v.lower()),
        "enrollment": _enrollment,
        "minimum_age": _age,
        "maximum_age": _age,
        "healthy_volunteers": lambda v: YES_NO.get(v.lower()),
    }
    for line, value in pairwise(text_lines):
        name = MEDPATH_FIELDS.get(line)
        if name and name not in fields:
            fields[name] = parse_value[name](value)
    header = text_lines[2 : text_lines.index("Conditions")] if "Conditions" in text_lines else []
    for line in header:  # "Phase 3" and "Recruiting" stand alone under the title
        if "phase" not in fields and (
            _PHASE_LINE.fullmatch(line) or line.upper() in PHASE_NOT_APPLICABLE
        ):
            fields["phase"] = _phase(line)
        if fields.get("status") is None and _known_status(line):
            fields["status"] = _known_status(line)
    if "Conditions" in text_lines:
        after = text_lines[text_lines.index("Conditions") + 1 :]
        stop = next((i for i, line in enumerate(after) if line in MEDPATH_SECTIONS), len(after))
        fields["conditions"] = tuple(after[:stop])
    region = _criteria_region(lines)
    stop = next(
        (i for i, line in enumerate(region) if line.strip() in MEDPATH_SECTIONS), len(region)
    )
    fields["criteria"] = "\n".join(region[:stop])
    return {key: value for key, value in fields.items() if value is not None}


# -- older registry record --------------------------------------------------------------------

_RECORD_FIELD = re.compile(r"([A-Z][A-Za-z.()/ ]{0,40}?):(?:\s+(.*))?")


def _is_old_record(lines: list[str]) -> bool:
    first = _nonblank(lines[:5])
    return bool(first) and first[0].startswith("Clinical Trial:")


def _record_fields(lines: list[str]) -> dict[str, str]:
    """``Field: value`` pairs of the record; a criteria field runs on to the next known field."""
    known = {name for names in RECORD_FIELDS.values() for name in names} | RECORD_OTHER_FIELDS
    values: dict[str, list[str]] = {}
    criteria: list[str] | None = None  # the lines of the criteria field being read
    for line in lines:
        match = None if line[:1].isspace() else _RECORD_FIELD.fullmatch(line.rstrip())
        if match and match[1] in known and not _heading_kind(line.strip()):
            value = values.setdefault(match[1], [])
            value.append(match[2] or "")
            criteria = value if match[1] in RECORD_FIELDS["criteria"] else None
        elif criteria is not None:
            criteria.append(line)
    return {name: "\n".join(parts).strip() for name, parts in values.items()}


def _parse_old_record(lines: list[str]) -> dict[str, Any]:
    values = _record_fields(lines)

    def first(name: str) -> str:
        return next((values[n] for n in RECORD_FIELDS[name] if values.get(n)), "")

    fields: dict[str, Any] = {
        "nct_id": next(iter(NCT_ID.findall(first("nct_id"))), None),
        "title": first("title"),
        "status": _status(first("status")),
        "phase": _phase(first("phase")),
        "conditions": tuple(c.strip() for c in first("conditions").split(";") if c.strip()),
        "enrollment": _enrollment(first("enrollment")),
        "minimum_age": _age(first("minimum_age")),
        "maximum_age": _age(first("maximum_age")),
        "healthy_volunteers": YES_NO.get(first("healthy_volunteers").lower()),
        "criteria": first("criteria"),
    }
    sex = SEXES.get(first("sex").lower())
    if sex:
        fields["sex"] = sex
    return fields


_LAYOUTS = (
    _Layout("MedPath page", _is_medpath_page, _parse_medpath_page),
    _Layout("ClinicalTrials.gov page", _is_ctgov_page, _parse_ctgov_page),
    _Layout("registry record", _is_old_record, _parse_old_record),
)

# ---------------------------------------------------------------------------------------------
# Splitting eligibility text into criteria
# ---------------------------------------------------------------------------------------------

_BULLETS = "-*•·▪◦●‣"
_KEYWORD = "|".join(sorted(map(re.escape, HEADING_KEYWORDS), key=len, reverse=True))
_HEADING = re.compile(
    r"[\[(*_#\s]*"
    r"(?:"
    # "Inclusion Criteria", "Key Exclusion Criteria", "Exclusion criteria for healthy controls"
    rf"(?P<before>(?:[\w'\u2019/&-]+\s+){{0,4}})(?P<a>{_KEYWORD})\s+criteri(?:a|on)"
    r"(?:\s+(?:for|in)\s+(?P<after>[^:]{1,60})|\s*\((?P<note>[^)]{1,60})\))?"
    rf"|criteria\s+for\s+(?P<b>{_KEYWORD})"  # "Criteria for inclusion"
    rf"|(?P<c>{_KEYWORD})s?"  # "Inclusion:", "EXCLUSION"
    r")[\s\])*_]*:?[\s*_]*",
    re.IGNORECASE,
)
_ITEM = re.compile(
    r"(?P<label>[" + re.escape(_BULLETS) + r"]"
    r"|\(?(?:\d{1,3}|[A-Za-z]|[ivxIVX]{2,4})[.)]"  # 1.  1)  (1)  a.  B)  iv.
    r"|\d{1,2}(?:\.\d{1,2})+\.?)"  # 6.1  6.1.
    r"(?:[ \t]+(?P<text>\S.*))?"
)
_INLINE_BULLET = re.compile(r"(?<=\s)[*•](?=\s)")
_LEADING_HEADING = re.compile(rf"\W*(?:(?:key|main|major)\s+)?(?:{_KEYWORD})\s+criteria\s*:", re.I)
_INLINE_HEADING = re.compile(
    rf"(?<!\S)(?:(?:key|main|major)\s+)?(?:{_KEYWORD})\s+criteria\s*:", re.I
)
_INLINE_NUMBER = re.compile(r"(?<!\S)(\d{1,2})[.)](?=\s)")
_TEXT_NUMBER = re.compile(r"(\d{1,2})\s+(?=[A-Za-z(])")
_ANNOUNCES_LIST = re.compile(r"\b(?:all|any|each|one|none|both)\b.{0,40}\bof the following\b", re.I)

LineKind = Literal["blank", "heading", "item", "text"]


@dataclass(frozen=True)
class _Line:
    """One classified line: its kind, where its bullet and its text start, label and text."""

    kind: LineKind
    indent: int = 0
    body: int = 0
    label: str = ""
    text: str = ""
    heading: CriterionKind = "inclusion"
    group: str = ""  # whom a heading limits its list to ("Exclusion criteria for healthy controls")


# A line naming a cohort of the trial, over criteria headings of its own: "Surgical cohort",
# "Part A (dose escalation)", "Cohort 2: combination", "Healthy volunteers".
_COHORT_LINE = re.compile(
    r"[\W_]*(?:(?:[\w'’&/-]+\s+){0,5}?(?:cohort|arm)"
    r"|(?:cohort|arm|part|group|phase)\s+(?:[A-Z]|\d{1,2}[a-z]?|[IVX]{1,4})\b"
    r"|healthy\s+(?:volunteers|controls|subjects|participants))(?:\s*[(:,-][^.;]{0,60})?:?",
    re.IGNORECASE)


def _heading_kind(text: str) -> CriterionKind | None:
    match = _HEADING.fullmatch(text)
    if not match:
        return None
    word = (match["a"] or match["b"] or match["c"]).lower()
    return HEADING_KEYWORDS[re.sub(r"\s+", " ", word)]


# Words before "exclusion criteria" that rank or sort the list rather than say whom it is for.
_PLAIN_HEADING_WORDS = frozenset({"key", "main", "major", "minor", "general", "additional", "other", "specific",
                                  "study", "trial", "principal", "primary", "secondary", "important", "the", "and",
                                  "all", "common", "basic", "essential", "clinical", "medical", "laboratory",
                                  "patient", "patients", "subject", "subjects", "participant", "participants",
                                  "eligibility", "protocol", "screening", "enrollment", "enrolment", "core",
                                  "detailed", "further", "overall", "standard", "disease", "diagnostic"})


def _heading_group(text: str) -> str:
    """Whom a criteria heading limits its list to: "Parkinson's Disease exclusion criteria",
    "Exclusion criteria for healthy controls" name a group; "Key exclusion criteria" does not."""
    match = _HEADING.fullmatch(text)
    if not match or not match["a"]:
        return ""
    before = (match["before"] or "").strip()
    if before and not {w.lower() for w in before.split()} <= _PLAIN_HEADING_WORDS:
        return before
    return (match["after"] or match["note"] or "").strip()


def _is_group_label(lines: list[str]) -> bool:
    """A short title over a list ("Hematopoietic", "Parkinson's Disease"): not a statement.

    Kept as a criterion it would read as a condition the patient must have.
    """
    text = " ".join(lines)
    return len(lines) == 1 and len(text.split()) <= 6 and not re.search(r"\d|[.;,!?)]$", text)


def _label_style(label: str) -> str:
    """bullet / number / letter: an item ending with ":" owns following items of another style."""
    core = label.strip("()")
    if core in _BULLETS:
        return "bullet"
    return "number" if core[:1].isdigit() else "letter"


def _plausible_label(label: str, text: str) -> bool:
    """Reject abbreviations and decimals that only look like labels ("E. coli", "2.5 mg")."""
    core = label.strip("()")
    if re.fullmatch(r"\d+\.\d+\.?", core):
        return text[:1].isupper()
    if core[:1].isalpha() and core[:1].isupper() and len(core) == 2:
        return not text[:1].islower()
    return True


def _classify(raw: str) -> _Line:
    stripped = raw.strip()
    if not stripped:
        return _Line("blank")
    lead = raw[: len(raw) - len(raw.lstrip())]
    indent = len(lead.expandtabs(4))
    match = _ITEM.fullmatch(stripped)
    if match and _plausible_label(match["label"], match["text"] or ""):
        text = (match["text"] or "").rstrip()
        kind = _heading_kind(text) if text else None  # "-  INCLUSION CRITERIA:"
        if kind:
            return _Line("heading", heading=kind, group=_heading_group(text))
        body = indent + (match.start("text") if match["text"] else len(match["label"]) + 1)
        return _Line("item", indent, body, match["label"], text)
    kind = _heading_kind(stripped)
    if kind:
        return _Line("heading", heading=kind, group=_heading_group(stripped))
    return _Line("text", indent, indent, "", stripped)


def _unflatten(line: str) -> list[str]:
    """Cut apart a line a web mirror flattened ("Inclusion Criteria: * a. * b. Exclusion … * c.").

    A line is flattened when it carries two or more inline ``*``/``•`` bullets, or starts with a
    criteria heading followed by text. It is cut before each inline heading and bullet; after a
    heading, a run of inline numbers counting up from 1 ("1. … 2. … 3. …") is cut too.
    """
    leading = _LEADING_HEADING.match(line)
    bullets = _INLINE_BULLET.findall(line)
    rest = line[leading.end() :].strip() if leading else ""
    if len(bullets) < 2 and not rest:
        return [line]
    start = leading.end() if leading else 0
    cuts = {m.start() for m in _INLINE_HEADING.finditer(line, start)}
    cuts |= {m.start() for m in _INLINE_BULLET.finditer(line, start)}
    cuts.add(start)
    pieces = _cut(line, cuts)
    out: list[str] = []
    for piece in pieces:
        numbers = _counting_run(piece) if (leading or _LEADING_HEADING.match(piece)) else []
        out += _cut(piece, set(numbers)) if len(numbers) > 1 else [piece]
    return [piece for piece in out if piece.strip()]


def _cut(text: str, positions: set[int]) -> list[str]:
    bounds = [0, *sorted(p for p in positions if 0 < p < len(text)), len(text)]
    return [text[a:b].strip() for a, b in pairwise(bounds) if text[a:b].strip()]


def _counting_run(text: str) -> list[int]:
    """Start positions of inline enumerators 1, 2, 3… in order (empty unless it starts at 1)."""
    run: list[int] = []
    for match in _INLINE_NUMBER.finditer(text):
        if int(match[1]) == len(run) + 1:
            run.append(match.start())
    return run


@dataclass
class _Draft:
    """A criterion being assembled: its own text, then what belongs to it."""

    kind: CriterionKind
    label: str
    body: int  # column where the item's text starts; deeper lines belong to it
    parts: list[str] = field(default_factory=list)

    @property
    def owns(self) -> bool:
        """An item ending with ":" owns the unbulleted lines and other-style items after it."""
        return self.parts[0].endswith(":")

    def continue_line(self, text: str) -> None:
        self.parts[-1] = f"{self.parts[-1]} {text}" if self.parts[-1] else text

    def add(self, text: str, label: str = "") -> None:
        self.parts.append(f"{label} {text}" if label and text else text)

    def text(self) -> str:
        out = ""
        for part in filter(None, self.parts):
            out += (" " if out[-1] in ".:;,!?" else "; ") + part if out else part
        return out


class _Builder:
    """Line-by-line state machine that turns classified lines into ordered criteria."""

    def __init__(self) -> None:
        self.kind: CriterionKind = "inclusion"  # text before any heading is inclusion
        self.group = ""  # the last group heading inside the section ("Patients with bipolar disorder:")
        self.headed: set[str] = set()  # groups a criteria heading names ("Exclusion criteria for controls")
        self.cohort = ""  # the cohort a line before the criteria headings names ("Part A (dose escalation)")
        self.done: list[tuple[CriterionKind, str, str, str]] = []
        self.item: _Draft | None = None
        self.paragraph: list[str] | None = None
        self.after_blank = True

    def feed(self, line: _Line) -> None:
        if line.kind == "blank":
            self.after_blank = True
            return
        if line.kind == "heading":
            if self.paragraph is not None and _COHORT_LINE.fullmatch(" ".join(self.paragraph)):
                # "Surgical cohort" over its own inclusion and exclusion criteria: the cohort
                # they are for, until the next such line
                self.cohort = " ".join(self.paragraph)
                self.paragraph = None
            self._close()
            self.kind = line.heading
            self.group = line.group or self.cohort
            if self.group:
                self.headed.add(self.group)
        elif line.kind == "item":
            self._item(line)
        else:
            self._text(line)
        self.after_blank = False

    def _item(self, line: _Line) -> None:
        item = self.item
        nested = item is not None and (
            line.indent >= item.body
            or (item.owns and _label_style(line.label) != _label_style(item.label))
        )
        if item is not None and nested:
            item.add(line.text, "" if _label_style(line.label) == "bullet" else line.label)
            return
        self._close(next_is_item=True)
        self.item = _Draft(self.kind, line.label, line.body, [line.text])

    def _text(self, line: _Line) -> None:
        item = self.item
        if item is not None:
            if not self.after_blank:  # a wrapped line of the item (or of its last sub-item)
                item.continue_line(line.text)
                return
            new_group = line.text.endswith(":") and line.indent < item.body
            if line.indent >= item.body or (item.owns and not new_group):
                item.add(line.text)
                return
        elif self.paragraph is not None and not self.after_blank:
            self.paragraph.append(line.text)
            return
        self._close()
        self.paragraph = [line.text]

    def _close(self, next_is_item: bool = False) -> None:
        if self.item is not None:
            self._emit(self.item.label, self.item.text())
            self.item = None
        if self.paragraph is not None:
            text = " ".join(self.paragraph)
            heading = text.endswith(":") or (
                next_is_item and (_ANNOUNCES_LIST.search(text) or _is_group_label(self.paragraph))
            )
            if heading:
                self.group = text
            else:
                self._emit("", text)
            self.paragraph = None

    def _unnumber(self, items: list[int]) -> None:
        """"- 1 Sign an informed consent form", "- 2 Be able to …": a list numbered 1, 2, 3 … in
        its texts as well as bulleted; the numbers are labels, not words of the criteria."""
        numbers = [_TEXT_NUMBER.match(self.done[k][2]) for k in items]
        if len(items) < 3 or not all(numbers) or [int(m[1]) for m in numbers] != list(range(1, len(items) + 1)):
            return
        for k, m in zip(items, numbers):
            kind, _, text, group = self.done[k]
            self.done[k] = (kind, m[1], text[m.end():], group)

    def _emit(self, label: str, text: str) -> None:
        if text:
            self.done.append((self.kind, label, text, self.group))

    def finish(self) -> list[Criterion]:
        self._close()
        for kind in ("inclusion", "exclusion"):
            items = [k for k, d in enumerate(self.done) if d[0] == kind]
            groups = {self.done[k][3] for k in items}
            if len(groups) == 1 and items and not groups & self.headed:
                # one heading over the whole list ("Women aged 18-39 who meet the following
                # criteria"): a preamble, not a group among others (but "Exclusion criteria for
                # healthy controls" says whom the section is for, even alone)
                for k in items:
                    self.done[k] = (*self.done[k][:3], "")
            self._unnumber(items)
        counters = {"inclusion": 0, "exclusion": 0}
        criteria = []
        for kind, label, text, group in self.done:
            counters[kind] += 1
            prefix = "I" if kind == "inclusion" else "E"
            criteria.append(
                Criterion(id=f"{prefix}{counters[kind]}", kind=kind, label=label, text=text, group=group)
            )
        return criteria


__all__ = ("parse_trial_text", "read_trial", "split_criteria", "trial_from_v2")
