"""The clinical vocabulary: concepts, their names and codes, classes and analyte data.

The vocabulary is data: ``vocab/*.yaml`` beside this module, one file per kind of concept (labs,
scores, vitals, conditions, medications, procedures, vaccines, findings, classes). Each file
gives a default ``category`` and a list of ``concepts``, each a :class:`Concept`.

Names are matched after :func:`normalise_name` (case, spacing, ``_``/``-``, apostrophes,
accents), so "Sjögren's" and "sjogrens" meet. For a text tokenizer, :meth:`surface_forms`
marks a form written entirely in upper case ("ALL", "MS", "AST") as case-sensitive, so the word
"all" never becomes acute lymphoblastic leukemia; the data decides, no list in code does.

Loading checks the data: duplicate ids, is-a and manifestation references to unknown concepts,
is-a cycles, a name or code shared by two concepts, and canonical units that
:func:`screening.units.parse_unit` cannot read.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import importlib.resources
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from screening import units

# A class named by the route its drugs are given by: "topical corticosteroid", "inhaled corticosteroid".
_ROUTE_CLASS = re.compile(r"^(topical|inhaled|oral) (.+)$", re.IGNORECASE)

__all__ = [
    "Concept",
    "ConceptCategory",
    "ValueType",
    "Vocabulary",
    "VocabularyError",
    "load_vocabulary",
    "main_category",
    "normalise_name",
]

ConceptCategory = Literal[
    "lab",
    "score",
    "vital",
    "condition",
    "medication",
    "drug_class",
    "procedure",
    "vaccine",
    "finding",
    "class",
    "attribute",
]
ValueType = Literal["quantity", "titre", "qualitative", "ordinal", "categorical", "boolean"]

_SLUG = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")


class VocabularyError(ValueError):
    """The vocabulary data is inconsistent (a programming error in the shipped files)."""


class Scale(BaseModel):
    """A unit on another scale of the same measurement: canonical = factor × value + offset.

    HbA1c reported in IFCC mmol/mol is 0.09148 × value + 2.152 in NGSP %; no unit factor says that.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    unit: str
    factor: float
    offset: float = 0.0


class Concept(BaseModel):
    """One thing a criterion or a patient profile can name: a lab, score, condition, drug…

    ``is_a`` names parent concepts (classes are concepts of category ``class`` or
    ``drug_class``); an attribute's parents are the facts it implies (recovered from every prior
    therapy, a patient has recovered from prior radiotherapy). ``manifestation_of`` names a
    condition that having this one implies: lupus nephritis is a manifestation of SLE, so it is
    not "another" disease beside SLE.
    ``unit`` is the canonical unit of a measured value; ``molar_mass``, ``valence``,
    ``ratio_molar_mass`` and ``per`` let :func:`screening.units.canonical_value` convert to it.
    ``covers`` makes a class hold every concept of those categories ("medical condition" holds
    every condition and condition class), so a generic head needs no member list;
    ``covers_except`` names classes whose members it does not hold (a "medical" illness is not a
    psychiatric one). ``event`` marks an acute event dated by its onset (a myocardial infarction,
    a fracture): recorded with no end, it is over, not ongoing; its descendants are events too.
    ``ctcae`` marks an adverse event of treatment that a bare "grade 2" is said of on the CTCAE
    scale ("grade ≥ 2 peripheral neuropathy"); a condition with a grading of its own (hypertension,
    oral mucositis, hepatic encephalopathy) or a tumour is not, and descendants are not marked by it.
    ``subgroup`` marks a fact that picks out whom, among the men or the women, a requirement is
    asked of ("male participants with a female partner of childbearing potential", "sexually
    active males", "men able to father children").
    ``unlisted`` marks a state a problem list seldom names (menopause): a complete conditions list
    without it does not say the patient is not in it.
    ``latent`` marks an infection carried but not active (latent tuberculosis): it is not "active".
    ``seropositive_is_infection`` marks an infection the body never clears (HIV): antibodies to it
    mean it is present, so "seropositive for HIV" is the infection (for CMV it is not).
    ``other_uses`` marks a drug also given for what is not cancer (cyclophosphamide for lupus,
    leuprolide for endometriosis): it is anticancer therapy only when given for cancer.
    ``histology`` marks a cancer named by its cells, not its organ (adenocarcinoma, sarcoma): a
    trial of it studies a cancer of some organ, recorded under that organ's name (colon cancer).
    ``rates`` names the conditions a scale rates (NYHA class rates heart failure): named beside
    the scale ("heart failure NYHA class III"), one of them adds nothing to it.
    ``said_of`` names the class of diseases a value is recorded of, one disease at a time (a
    tumour stage is the stage of one cancer): with two such diseases on record, which one a
    reading is of is not recorded. On a condition (CNS involvement) it names the diseases that
    condition is a site of: "CNS involvement by lymphoma" names both, never linked in a profile.
    ``in_percent`` names what a threshold in % after this name measures, when the name itself
    is not measured in %: "FEV1 ≥ 40%" is FEV1 % predicted (FEV1 itself is in litres), "BSA ≥
    10%" the share of the body surface a skin disease covers.
    ``way_of_measuring`` marks a measurement taken one way of several (FEV1 after a
    bronchodilator): it is not a kind of the plain name nor the reverse, and the names listed
    after it ("post-bronchodilator FEV1 and FVC") may share its way, which their plain reading
    would drop.
    ``body_surface`` marks a clearance written either per 1.73 m² of body surface or as an
    absolute rate ("creatinine clearance ≥ 60 mL/min/1.73 m²"): the two differ by the patient's
    body surface area, through which one is compared with the other.
    ``detects`` names the infection a test finds (HCV antibody and HCV RNA, hepatitis C): results
    of tests for one infection joined by "and" describe one case together ("positive HCV antibody
    and detectable HCV RNA" is a current infection, not either result alone).
    ``form_class`` marks a drug class by what a product is, not by what it does (a dietary
    supplement, a herbal medicine): named as an example of a class by action ("sleep aids including
    dietary supplements") it picks out those of them that are supplements, not every supplement.
    ``categories`` lists the allowed values of a categorical or ordinal value, lowest first for
    ordinal ones. ``plausible`` is the physiologically plausible range in the canonical unit.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    category: ConceptCategory
    name: str
    synonyms: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    is_a: tuple[str, ...] = ()
    manifestation_of: tuple[str, ...] = ()
    detects: tuple[str, ...] = ()
    value_type: ValueType = "quantity"
    unit: str | None = None
    molar_mass: float | None = None
    valence: int | None = None
    ratio_molar_mass: float | None = None
    per: str | None = None
    plausible: tuple[float, float] | None = None
    categories: tuple[str, ...] = ()
    prednisone_equivalent: float | None = None
    live: bool | None = None
    recency_days: int | None = None
    covers: tuple[ConceptCategory, ...] = ()
    covers_except: tuple[str, ...] = ()
    event: bool = False
    ctcae: bool = False
    other_uses: bool = False
    histology: bool = False
    latent: bool = False
    seropositive_is_infection: bool = False
    unlisted: bool = False
    subgroup: bool = False
    form_class: bool = False
    in_percent: str | None = None
    body_surface: bool = False
    way_of_measuring: bool = False
    rates: tuple[str, ...] = ()
    said_of: tuple[str, ...] = ()
    scales: tuple[Scale, ...] = ()  # other scales related by a formula, not a factor (HbA1c IFCC)

    @model_validator(mode="after")
    def _consistent(self) -> Concept:
        problems = []
        if not _SLUG.fullmatch(self.id):
            problems.append("id must be a lower-case slug (letters, digits, single underscores)")
        if self.plausible is not None and self.plausible[0] > self.plausible[1]:
            problems.append("plausible range is reversed")
        if self.value_type == "categorical" and not self.categories:
            problems.append("a categorical value needs its categories")
        if self.molar_mass is not None and self.ratio_molar_mass is not None:
            # Both are [mass]/[substance] bridges; together a conversion would be ambiguous.
            problems.append("molar_mass and ratio_molar_mass exclude each other")
        for field in ("molar_mass", "ratio_molar_mass", "prednisone_equivalent"):
            number = getattr(self, field)
            if number is not None and number <= 0:
                problems.append(f"{field} must be positive")
        if self.valence == 0:
            problems.append("valence cannot be 0")
        if problems:
            raise ValueError(f"concept {self.id!r}: " + "; ".join(problems))
        return self


# --- names and codes ------------------------------------------------------------------------

_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`´ʼ"), None)
_SEPARATORS = re.compile(r"[\s_\-‐‑‒–—]+")
_AROUND_SLASH = re.compile(r"\s*/\s*")

# Code systems as people write them, to one spelling ("ICD-10-CM:M32.14" is "ICD10:M32.14").
_CODE_SYSTEMS = {
    "LOINC": "LOINC",
    "SNOMED": "SNOMED",
    "SNOMEDCT": "SNOMED",
    "SNOMED CT": "SNOMED",
    "SCT": "SNOMED",
    "ICD10": "ICD10",
    "ICD 10": "ICD10",
    "ICD10CM": "ICD10",
    "ICD 10 CM": "ICD10",
    "ATC": "ATC",
    "RXNORM": "RXNORM",
}
# Systems whose codes nest by prefix: an unknown ICD-10 "M32.19" falls back to "M32.1", "M32".
_HIERARCHICAL_SYSTEMS = {"ICD10": 3, "ATC": 3}  # system -> shortest prefix tried


def normalise_name(text: str) -> str:
    """The form names are compared in: lower case, no accents or apostrophes, ``_``/``-`` as
    spaces, single spaces, no spaces around ``/``. ``"Sjögren's"`` → ``"sjogrens"``."""
    plain = text
    if not text.isascii():  # most names are ASCII: skip the costly decomposition for them
        decomposed = unicodedata.normalize("NFKD", text)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.translate(_APOSTROPHES).casefold()
    plain = _SEPARATORS.sub(" ", plain)
    return _AROUND_SLASH.sub("/", plain).strip()


# A substage: the stage's numeral and a letter (and a digit): "IIIB", "IC2", HCV genotype "1a".
_SUBSTAGE = re.compile(r"^([IVX]+|\d+)[A-D]\d?$")


def main_category(value: str) -> str | None:
    """The stage a substage belongs to ("IIIB" → "III", "1a" → "1": stage IIIB is stage III);
    None for a value that is no substage."""
    m = _SUBSTAGE.match(re.sub(r"\s+", "", value).upper())
    return m[1] if m else None


def _normalise_code(code: str) -> str | None:
    system, colon, value = code.partition(":")
    if not colon:
        return None
    system = _CODE_SYSTEMS.get(" ".join(_SEPARATORS.sub(" ", system).upper().split()))
    if system is None or not value.strip():
        return None
    return f"{system}:{value.strip().upper()}"


def _is_case_sensitive(form: str) -> bool:
    """A form written entirely in upper case is an abbreviation matched case-sensitively."""
    return any(c.isalpha() for c in form) and form == form.upper()


# --- the vocabulary ----------------------------------------------------------------------------


class Vocabulary:
    """Concepts by id, with lookup by name, synonym or code, and is-a reasoning."""

    def __init__(self, concepts: Iterable[Concept]) -> None:
        by_id: dict[str, Concept] = {}
        for concept in concepts:
            if concept.id in by_id:
                raise VocabularyError(f"duplicate concept id {concept.id!r}")
            by_id[concept.id] = concept
        self.concepts: Mapping[str, Concept] = MappingProxyType(by_id)
        self._covers = [c for c in by_id.values() if c.covers]
        self._check_references()
        self._by_name, self._display = self._index_names()
        self._by_code = self._index_codes()
        self._covered_by: dict[str, list[str]] = {}  # concept → the general heads holding it
        self._ancestors = self._close_is_a()
        children: dict[str, set[str]] = {concept_id: set() for concept_id in by_id}
        for concept in by_id.values():
            for parent in (*concept.is_a, *self._covered_by[concept.id]):
                children[parent].add(concept.id)
        self._children = {key: frozenset(value) for key, value in children.items()}
        self._descendants: dict[str, frozenset[str]] = {}
        self._events = frozenset(concept_id for concept_id, above in self._ancestors.items()
                                 if any(by_id[a].event for a in above))
        self._surface = sorted(
            {
                (form, concept.id, _is_case_sensitive(form))
                for concept in by_id.values()
                for form in (concept.name, *concept.synonyms)
            },
            key=lambda entry: (-len(entry[0]), entry[0], entry[1]),
        )
        self._check_units()

    # validation and indexes

    def _check_references(self) -> None:
        for concept in self.concepts.values():
            for field in ("is_a", "manifestation_of", "covers_except", "rates", "said_of", "detects"):
                for target in getattr(concept, field):
                    if target not in self.concepts:
                        raise VocabularyError(
                            f"concept {concept.id!r}: {field} names unknown concept {target!r}"
                        )
                    if target == concept.id:
                        raise VocabularyError(f"concept {concept.id!r}: {field} names itself")
            target = concept.in_percent
            if target is not None and (target not in self.concepts or self.concepts[target].unit != "%"):
                raise VocabularyError(f"concept {concept.id!r}: in_percent names no concept measured in %")

    def _index_names(self) -> tuple[dict[str, str], dict[str, str]]:
        by_name: dict[str, str] = {}
        display: dict[str, str] = {}
        for concept in self.concepts.values():
            for form in (concept.id, concept.name, *concept.synonyms):
                key = normalise_name(form)
                if not key:
                    raise VocabularyError(f"concept {concept.id!r}: empty name or synonym")
                owner = by_name.setdefault(key, concept.id)
                if owner != concept.id:
                    raise VocabularyError(
                        f"name {form!r} belongs to both {owner!r} and {concept.id!r}; keep it on one of them"
                    )
                if form != concept.id:
                    display.setdefault(key, form)
        return by_name, display

    def _index_codes(self) -> dict[str, str]:
        by_code: dict[str, str] = {}
        for concept in self.concepts.values():
            for code in concept.codes:
                key = _normalise_code(code)
                if key is None:
                    raise VocabularyError(
                        f"concept {concept.id!r}: cannot read code {code!r} (want SYSTEM:VALUE)"
                    )
                owner = by_code.setdefault(key, concept.id)
                if owner != concept.id:
                    raise VocabularyError(f"code {code!r} belongs to both {owner!r} and {concept.id!r}")
        return by_code

    def _close_is_a(self) -> dict[str, frozenset[str]]:
        closed: dict[str, frozenset[str]] = {}

        def close(concept_id: str, path: tuple[str, ...]) -> frozenset[str]:
            if concept_id in closed:
                return closed[concept_id]
            if concept_id in path:
                cycle = " -> ".join((*path[path.index(concept_id) :], concept_id))
                raise VocabularyError(f"is_a cycle: {cycle}")
            found = {concept_id}
            for parent in self.concepts[concept_id].is_a:
                found |= close(parent, (*path, concept_id))
            closed[concept_id] = frozenset(found)
            return closed[concept_id]

        for concept_id in self.concepts:
            close(concept_id, ())
        plain = dict(closed)
        self._covered_by = {concept.id: self._covering(concept, plain) for concept in self.concepts.values()}
        for concept_id, covers in self._covered_by.items():
            for cover in covers:
                closed[concept_id] |= closed[cover]
        return closed

    def _covering(self, concept: Concept, plain: Mapping[str, frozenset[str]]) -> list[str]:
        """The classes that hold ``concept`` by its category alone (``plain``: is-a closure without
        them). One holds it outside its exceptions, or when it holds another of its ancestors: a
        tic disorder is psychiatric, but also neurological, and that is a medical condition."""
        def held(cover: Concept, concept_id: str) -> bool:
            member = self.concepts[concept_id]
            return member.category in cover.covers and not member.covers \
                and not plain[concept_id] & set(cover.covers_except)

        return [c.id for c in self._covers if not concept.covers and any(held(c, a) for a in plain[concept.id])]

    def _check_units(self) -> None:
        for concept in self.concepts.values():
            try:
                if concept.unit is not None:
                    units.parse_unit(concept.unit)
                if concept.per is not None:
                    units.parse_period(concept.per)
            except units.UnitError as error:
                raise VocabularyError(f"concept {concept.id!r}: {error}") from error

    # queries

    def get(self, concept_id: str) -> Concept:
        """The concept with this id; ``KeyError`` if there is none."""
        return self.concepts[concept_id]

    def lookup(self, name_or_code: str) -> Concept | None:
        """The concept named by an id, name, synonym or code (``"LOINC:2160-0"``), or ``None``.

        Names are compared after :func:`normalise_name`. An ICD-10 or ATC code not in the
        vocabulary falls back to its nearest listed parent code (``M32.19`` → ``M32.1`` → ``M32``).
        """
        concept_id = self._by_name.get(normalise_name(name_or_code))
        if concept_id is None:
            concept_id = self._lookup_code(name_or_code)
        return None if concept_id is None else self.concepts[concept_id]

    def _lookup_code(self, code: str) -> str | None:
        key = _normalise_code(code)
        if key is None:
            return None
        if key in self._by_code:
            return self._by_code[key]
        system, _, value = key.partition(":")
        shortest = _HIERARCHICAL_SYSTEMS.get(system)
        if shortest is None:
            return None
        value = value.rstrip(".")
        while len(value) > shortest:
            value = value[:-1].rstrip(".")
            if f"{system}:{value}" in self._by_code:
                return self._by_code[f"{system}:{value}"]
        return None

    def is_event(self, concept_id: str) -> bool:
        """Whether a condition is an acute event (it or a class above it is marked ``event``)."""
        return concept_id in self._events

    def is_a(self, concept_id: str, ancestor_id: str) -> bool:
        """Whether ``concept_id`` is ``ancestor_id`` or one of its descendants (reflexive, transitive)."""
        return ancestor_id in self.ancestors(concept_id)

    def ancestors(self, concept_id: str) -> frozenset[str]:
        """The concept and every class above it."""
        return self._ancestors[concept_id]

    def by_route(self, concept_id: str) -> tuple[str, str] | None:
        """The route and the drug class of a class named by its route ("inhaled corticosteroid" →
        ``("inhaled", "corticosteroid")``): its members are the class's drugs given that way, which
        a record tells only by the route of the entry."""
        said = _ROUTE_CLASS.match(self.get(concept_id).name) if self.lookup(concept_id) else None
        drug_class = self.lookup(said[2]) if said else None
        return None if said is None or drug_class is None else (said[1].lower(), drug_class.id)

    def descendants(self, class_id: str) -> frozenset[str]:
        """The class and every concept below it."""
        if class_id not in self._descendants:
            found = {class_id}
            pending = [class_id]
            while pending:
                for child in self._children[pending.pop()]:
                    if child not in found:
                        found.add(child)
                        pending.append(child)
            self._descendants[class_id] = frozenset(found)
        return self._descendants[class_id]

    def surface_forms(self) -> list[tuple[str, str, bool]]:
        """Every name and synonym as ``(form, concept_id, case_sensitive)``, longest first."""
        return list(self._surface)

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """Names close to an unknown ``name``, best first, at most one per concept."""
        matches = difflib.get_close_matches(normalise_name(name), self._by_name, n=n * 4, cutoff=0.6)
        suggestions: list[str] = []
        seen: set[str] = set()
        for key in matches:
            concept_id = self._by_name[key]
            if concept_id not in seen:
                seen.add(concept_id)
                suggestions.append(self._display.get(key, self.concepts[concept_id].name))
        return suggestions[:n]


# --- loading the shipped data ------------------------------------------------------------------


def _read_file(name: str, document: Any) -> list[Concept]:
    if not isinstance(document, dict) or not isinstance(document.get("concepts"), list):
        raise VocabularyError(f"vocab/{name}: expected a mapping with a 'concepts' list")
    default_category = document.get("category")
    concepts = []
    for index, entry in enumerate(document["concepts"]):
        if not isinstance(entry, dict):
            raise VocabularyError(f"vocab/{name}: concept #{index + 1} is not a mapping")
        fields = {"category": default_category, **entry} if default_category else dict(entry)
        try:
            concepts.append(Concept.model_validate(fields))
        except ValidationError as error:
            label = entry.get("id", f"#{index + 1}")
            raise VocabularyError(f"vocab/{name}: concept {label}: {error}") from error
    return concepts


def _documents(texts: dict[str, str]) -> dict[str, Any]:
    """The YAML files parsed, through a JSON copy in the user's cache keyed by their content.

    Parsing some 3,000 concepts of YAML is most of the start-up time; the cache is only a faster
    reading of the same text (a changed file has another key), and any trouble with it falls
    back to parsing.
    """
    digest = hashlib.sha256("\0".join(f"{k}\0{v}" for k, v in sorted(texts.items())).encode()).hexdigest()[:20]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "screening" / f"vocab-{digest}.json"
    try:
        return json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    yaml = YAML(typ="safe")  # libyaml parser when ruamel.yaml.clib is installed
    documents: dict[str, Any] = {}
    for name, text in texts.items():
        try:
            documents[name] = yaml.load(text)
        except YAMLError as error:
            raise VocabularyError(f"vocab/{name}: {error}") from error
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(documents, default=str), encoding="utf-8")
        partial.replace(cache)
    except OSError:
        pass  # a read-only home only costs the speed-up
    return documents


@functools.cache
def load_vocabulary() -> Vocabulary:
    """The shipped vocabulary (``screening/vocab/*.yaml``), read and checked once."""
    folder = importlib.resources.files("screening").joinpath("vocab")
    texts = {entry.name: entry.read_text(encoding="utf-8")
             for entry in sorted(folder.iterdir(), key=lambda item: item.name) if entry.name.endswith(".yaml")}
    concepts: list[Concept] = []
    for name, document in _documents(texts).items():
        concepts.extend(_read_file(name, document))
    return Vocabulary(concepts)
