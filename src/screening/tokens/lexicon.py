"""The words of a criterion: pieces of text, the lexicon (vocabulary names and function words),
units after numbers, and the small helpers every token pass shares.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from lark import Token
from ruamel.yaml import YAML

from ..grammar import grammar_dir
from ..units import UnitError, parse_unit
from ..vocabulary import Concept, Vocabulary, load_vocabulary
from .normalise import normalise


_PIECE = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)"
    r"|(?P<word>[^\W\d_](?:[^\W_]|'(?=[^\W\d_])|(?<=\d)\.(?=\d))*)"  # "v1.1" is one word
    r"|(?P<op>>=|<=|=>|=<|[<>=])"
    r"|(?P<punct>\S)"
)


@dataclass(frozen=True)
class _Piece:
    kind: str  # num | word | op | punct
    text: str
    key: str
    start: int
    end: int


def _word_key(word: str) -> str:
    """Case, accents, apostrophes and plural -s do not distinguish words."""
    w = unicodedata.normalize("NFKD", word)
    w = "".join(c for c in w if not unicodedata.combining(c)).lower().replace("'", "")
    if len(w) > 3 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def split_pieces(text: str) -> list[_Piece]:
    """Words, numbers, comparators and punctuation; a hyphen inside a word is dropped, so
    "anti-dsDNA" and "anti dsDNA" read alike, while "18-60" keeps its dash."""
    raw = [m for m in _PIECE.finditer(text)]
    out: list[_Piece] = []
    for i, m in enumerate(raw):
        kind = m.lastgroup or "punct"
        t = m.group()
        if t == "-" and 0 < i < len(raw) - 1:
            prev, nxt = raw[i - 1], raw[i + 1]
            joined = prev.end() == m.start() and nxt.start() == m.end()
            numeric = prev.lastgroup == "num" and nxt.lastgroup == "num"
            if joined and not numeric and prev.lastgroup in ("word", "num") and nxt.lastgroup in ("word", "num"):
                continue
        key = _word_key(t) if kind == "word" else t
        out.append(_Piece(kind, t, key, m.start(), m.end()))
    return out


@dataclass(frozen=True)
class _Entry:
    keys: tuple[str, ...]
    raw: tuple[str, ...] | None  # set for case-sensitive forms: the pieces must match exactly
    terminal: str
    value: str
    from_vocabulary: bool


class _Lexicon:
    """All multi-word forms, indexed by their first piece for longest-first matching."""

    def __init__(self, entries: Iterable[_Entry], bare_units: Iterable[str], methods: Iterable[str] = (),
                 method_words: Iterable[str] = (), only_high_abnormal: Iterable[str] = (),
                 treated_by: Mapping[str, str] | None = None, measured_as: Mapping[str, str] | None = None,
                 from_now: Iterable[str] = (), snellen: Iterable[str] = (),
                 episode_of: Mapping[str, str] | None = None, rate_of: Mapping[str, str] | None = None,
                 other_gradings: Iterable[str] = (), lines_of_any: str | None = None,
                 class_abbreviations: Mapping[str, str] | None = None, staged_by: Mapping[str, str] | None = None,
                 standard_therapy_said: Mapping[str, Iterable[str]] | None = None,
                 recovered_from: Mapping[str, str] | None = None, therapies_said_of: Iterable[str] = (),
                 tracings: Iterable[str] = (),
                 ambiguous: Mapping[str, Mapping[str, Iterable[str]]] | None = None,
                 given_as: Mapping[str, str] | None = None,
                 class_scores: Mapping[str, Mapping[str, object]] | None = None) -> None:
        self.by_first: dict[str, list[_Entry]] = {}
        self.methods = frozenset(methods)  # procedure ids that can only be how a finding was seen
        self.method_words = frozenset(method_words)
        self.tracings = frozenset(tracings)  # methods whose finding after a condition is kept in words
        self.only_high_abnormal = frozenset(only_high_abnormal)  # "normal X" is X <= ULN
        self.treated_by = dict(treated_by or {})  # condition id → the drug class that treats it
        self.lines_of_any = lines_of_any  # the class "lines of therapy" counts when no drug is named
        self.measured_as = dict(measured_as or {})  # condition id → the measure it is a value of
        self.given_as = dict(given_as or {})  # measured substance id → the drug it is given as
        # class scale → its score's measure and each class's band of points ("Child-Pugh B7")
        self.class_scores = {
            scale: (str(table["score"]), {c: (int(lo), int(hi)) for c, (lo, hi) in table["bands"].items()})
            for scale, table in (class_scores or {}).items()}
        self.from_now = frozenset(from_now)  # measures of a time counted forward from screening
        self.snellen = frozenset(snellen)  # visual acuity measures a Snellen fraction may be written for
        self.episode_of = dict(episode_of or {})  # condition id → the concept of one of its episodes
        self.rate_of = dict(rate_of or {})  # event id → the measure of how often it happens
        self.other_gradings = frozenset(w.lower() for w in other_gradings)  # "WHO grade": not CTCAE
        self.class_abbreviations = dict(class_abbreviations or {})  # "ASA" before classes → its scale
        self.staged_by = dict(staged_by or {})  # cancer class → the staging a bare "stage" is, in order
        # letters with several readings → each reading → the concepts that, named beside them, settle it
        self.ambiguous = {letters: {reading: tuple(by) for reading, by in readings.items()}
                          for letters, readings in (ambiguous or {}).items()}
        # a word or qualifier said of a therapy → what it says ("not …": its negation)
        self.standard_therapy_said = {w.lower(): said for said, words in (standard_therapy_said or {}).items()
                                      for w in words}
        self.therapies_said_of = tuple(therapies_said_of)  # the STANDARD_THERAPY token values
        self.recovered_from = dict(recovered_from or {})  # a treatment (concept or word) → recovered from it
        for e in entries:
            self.by_first.setdefault(e.keys[0], []).append(e)
        for bucket in self.by_first.values():
            bucket.sort(key=lambda e: (-len(e.keys), e.from_vocabulary))
        self.bare_units = frozenset(bare_units)

    def match(self, pieces: Sequence[_Piece], i: int, only: frozenset[str] | None = None) -> _Entry | None:
        best: _Entry | None = None
        for e in self.by_first.get(pieces[i].key, ()):
            if only is not None and e.terminal not in only:
                continue
            n = len(e.keys)
            if i + n > len(pieces):
                continue
            window = pieces[i:i + n]
            if e.raw is not None:
                if tuple(p.text for p in window) != e.raw:
                    continue
            elif tuple(p.key for p in window) != e.keys:
                continue
            # longest wins; on a tie the lexicon's function word beats a concept name, except
            # that a concept name beats a filler word
            if best is None or n > len(best.keys) or (
                n == len(best.keys) and best.terminal == "filler" and e.terminal != "filler"
            ):
                best = e
        return best


# Token class of a vocabulary concept, by category and the kind of value it takes.
_QUANTITY_CATEGORIES = {"lab", "score", "vital", "finding"}


ENTITY_TERMINALS = {"condition": "COND", "medication": "MED", "drug_class": "MED",
                     "procedure": "PROC", "vaccine": "VACC", "attribute": "ATTR"}


def concept_terminal(concept: Concept, vocab: Vocabulary) -> str | None:
    """The grammar terminal a concept's name is read as (MEASURE, COND, MED…), or None."""
    if concept.category in _QUANTITY_CATEGORIES:
        return {
            "quantity": "MEASURE", "titre": "QUALITATIVE", "qualitative": "QUALITATIVE",
            "categorical": "CATEGORICAL",
            "ordinal": "MEASURE" if all(c.isdigit() for c in concept.categories) else "CATEGORICAL",
            "boolean": "FLAG",
        }[concept.value_type]
    if concept.subgroup:
        return "SUBGROUP"
    if concept.category in ENTITY_TERMINALS:
        return ENTITY_TERMINALS[concept.category]
    # A class takes the terminal of what it classifies.
    for member in sorted(vocab.descendants(concept.id)):
        c = vocab.get(member)
        if c.category != "class" and c.id != concept.id:
            return concept_terminal(c, vocab)
    return None


@functools.cache
def load_lexicon() -> _Lexicon:
    data = YAML(typ="safe").load((grammar_dir() / "lexicon.yaml").read_text(encoding="utf-8"))
    entries: list[_Entry] = []
    seen: dict[tuple[str, ...], str] = {}
    bare_units = data.pop("BARE_UNITS", [])
    vocab = load_vocabulary()
    methods = {d for m in data.pop("METHOD_PROCEDURES", []) for d in vocab.descendants(m) | {m}}
    method_words = {" ".join(phrase.lower().split()) for phrase in data.pop("METHOD_WORDS", [])}
    tracings = {d for m in data.pop("TRACING_PROCEDURES", []) for d in vocab.descendants(m) | {m}}
    only_high_abnormal = data.pop("NORMAL_MEANS_NOT_HIGH", [])
    treated_by = data.pop("TREATED_BY", {})
    measured_as = data.pop("MEASURED_AS", {})
    from_now = data.pop("COUNTED_FROM_NOW", [])
    snellen = data.pop("SNELLEN", [])
    episode_of = data.pop("EPISODE_OF", {})
    rate_of = data.pop("RATE_OF", {})
    other_gradings = data.pop("OTHER_GRADINGS", [])
    lines_of_any = data.pop("LINES_OF_ANY", None)
    class_abbreviations = data.pop("CLASS_ABBREVIATIONS", {})
    staged_by = data.pop("STAGED_BY", {})
    ambiguous = data.pop("AMBIGUOUS_ABBREVIATIONS", {})
    standard_therapy_said = data.pop("STANDARD_THERAPY_SAID", {})
    recovered_from = data.pop("RECOVERED_FROM", {})
    given_as = data.pop("GIVEN_AS", {})
    class_scores = data.pop("CLASS_SCORES", {})
    therapies_said_of = tuple(data.get("STANDARD_THERAPY", {}))

    def add(form: str, terminal: str, value: str, case_sensitive: bool, vocabulary: bool) -> None:
        # a name is matched against normalised text, so it is normalised too ("grade ≤ 1")
        pieces = split_pieces(normalise(form).text if vocabulary else form)
        if not pieces:
            return
        keys = tuple(p.key for p in pieces)
        raw = tuple(p.text for p in pieces) if case_sensitive else None
        if not vocabulary:
            owner = seen.setdefault(keys, terminal)
            if owner != terminal:
                raise ValueError(f"lexicon: {form!r} is listed under both {owner} and {terminal}")
        entries.append(_Entry(keys, raw, terminal, value, vocabulary))

    for terminal, forms in data.items():
        if isinstance(forms, dict):
            for value, phrases in forms.items():
                for phrase in phrases:
                    add(phrase, terminal, value, False, False)
        else:
            for phrase in forms:
                add(phrase, terminal, phrase, False, False)
    for form, concept_id, case_sensitive in vocab.surface_forms():
        terminal = concept_terminal(vocab.get(concept_id), vocab)
        if terminal is not None:
            add(form, terminal, concept_id, case_sensitive, True)
    return _Lexicon(entries, bare_units, methods, method_words, only_high_abnormal, treated_by, measured_as, from_now,
                    snellen, episode_of, rate_of, other_gradings, lines_of_any, class_abbreviations, staged_by,
                    standard_therapy_said, recovered_from, therapies_said_of, tracings, ambiguous, given_as,
                    class_scores)


AFTER_NUMBER = frozenset({"TIMEUNIT", "YEARS_OLD", "ULN", "LLN", "TIMES"})


SCIENTIFIC = re.compile(r"\s*[x×*]\s*10\s*(?:\^|\*\*?|e)?\s*\d+")


_UNIT_STOP = re.compile(r"[\s,;()\[\]]")


# "x 10^9/L" is the unit 10^9/L; the canonical language writes it without the sign
LEADING_TIMES = re.compile(r"^[x×*]\s*(?=10)")


@functools.lru_cache(maxsize=4096)
def _readable_unit(text: str) -> bool:
    try:
        parse_unit(text)
    except (UnitError, Exception):  # pint raises several kinds on nonsense; all mean "not a unit"
        return False
    return True


def read_unit(text: str, pos: int, bare_units: frozenset[str]) -> tuple[str, int] | None:
    """The unit written right after a number at ``pos``, if any: the longest readable run of up
    to four space-separated chunks ("mL/min/1.73 m2", "x 10^9/L", "g/dL")."""
    start = pos
    while start < len(text) and text[start] == " ":
        start += 1
    if start >= len(text) or start - pos > 1:
        return None
    chunks: list[tuple[int, int]] = []
    i = start
    while i < len(text) and len(chunks) < 4:
        j = i
        while j < len(text) and not _UNIT_STOP.match(text[j]):
            j += 1
        collection = chunks and _PER_HOURS.search(text[chunks[-1][0]:chunks[-1][1]]) \
            and _HOURS.fullmatch(text[i:j])  # "mg/24 hours": one unit, a 24-hour collection
        if j == i or (chunks and text[i:j].isalpha() and text[i:j].lower() not in bare_units and not collection):
            break  # "x 10^9/L at screening": an English word after a unit is not part of it
        if chunks and re.fullmatch(r"\d{1,2}[.)]", text[i:j]):
            break  # "≥ 3,000/mcL 2. absolute neutrophil count": the next item's number
        chunks.append((i, j))
        if j >= len(text) or text[j] != " ":
            break
        i = j + 1
    for n in range(len(chunks), 0, -1):
        end = chunks[n - 1][1]
        candidate = text[start:end]
        while candidate and candidate[-1] in ".:":
            candidate, end = candidate[:-1], end - 1
        if not candidate or not _unit_like(candidate, bare_units):
            continue
        if _readable_unit(candidate):
            candidate = _COLLECTED.sub("/24h", candidate)
            daily = _DAILY.match(text, end)
            if daily and not re.search(r"/\s*d(?:ay)?\b", candidate) and _readable_unit(f"{candidate}/day"):
                return f"{candidate}/day", daily.end()  # "10 mg daily" is 10 mg/day
            return candidate, end
    return None


_PER_HOURS = re.compile(r"/\s*24$")
_HOURS = re.compile(r"(?i)h|hr|hrs|hours?")
_COLLECTED = re.compile(r"(?i)/\s*24\s*(?:h|hr|hrs|hours?)$")
_DAILY = re.compile(r"\s+(?:(?:once\s+)?daily|per\s+day|(?:once\s+)?a\s+day|each\s+day|every\s+day)\b", re.IGNORECASE)


def _unit_like(candidate: str, bare_units: frozenset[str]) -> bool:
    # pint reads many English words as units ("a", "at", "in", "s"): a unit here must look like
    # one — a ratio, a percent, a power of ten — or be a unit people write bare.
    if any(c in candidate for c in "/%^²³") or SCIENTIFIC.match(" " + candidate):
        return True
    return candidate.lower().replace(" ", "") in bare_units


def words_of(t: Token, text: str) -> str:
    return " ".join(text[t.start_pos:t.end_pos].lower().split())


def after_class_name(tokens: list[Token]) -> bool:
    """Whether a letter here would be a value of the categorical name just read."""
    if tokens and tokens[-1].type in ("CATEGORICAL", "CLASS"):
        return True
    return len(tokens) >= 2 and tokens[-1].type in ("OR", "COMMA", "AND", "DASH", "TO") \
        and tokens[-2].type == "WORD" and len(tokens[-2].value) == 1 and tokens[-2].value.isupper()


LIST_JOINS = frozenset({"COMMA", "OR", "ANDOR", "AND"})

# The words that name the people a criterion is about, for the patterns that step over them
# ("patients with", "in subjects > 18 years"); each pattern adds the words only it allows ("those").
PEOPLE = r"(?:patients|subjects|participants|individuals|persons|people)"


TREATMENTS = frozenset({"MED", "PROC"})


def skip_over(tokens: list[Token], k: int, types: tuple[str, ...]) -> int:
    """The first position from ``k`` whose token is not of these types."""
    while k < len(tokens) and tokens[k].type in types:
        k += 1
    return k


def closing_bracket(tokens: list[Token], k: int) -> int | None:
    """The position of the bracket that closes the one at ``k`` (None if it is never closed)."""
    depth = 0
    for j in range(k, len(tokens)):
        depth += {"LPAR": 1, "RPAR": -1}.get(tokens[j].type, 0)
        if depth == 0:
            return j
    return None


EVENTS = frozenset({"COND", "MED", "PROC", "VACC"})


def token(terminal: str, value: str, start: int, end: int) -> Token:
    """A grammar token over normalised text ``[start, end)`` (one line: criteria are flattened)."""
    return Token(terminal, value, start_pos=start, end_pos=end, line=1, column=start + 1, end_line=1,
                 end_column=end + 1)


def retyped(t: Token, terminal: str, value: str | None = None) -> Token:
    return token(terminal, t.value if value is None else value, t.start_pos, t.end_pos)


NAMES = {"MEASURE", "QUALITATIVE", "CATEGORICAL", "FLAG", "COND", "MED", "PROC", "VACC"}


def episode_concept(concept_id: str) -> str:
    """The concept of one episode of a condition ("episodes of hypoglycemia" are hypoglycemic
    episodes); the condition itself when the lexicon names none."""
    return load_lexicon().episode_of.get(concept_id, concept_id)


def normal_means_not_high(concept_id: str) -> bool:
    """Whether "normal X" asks only that X be no higher than its upper limit of normal."""
    return concept_id in load_lexicon().only_high_abnormal


COMPARATORS = {"GT", "GE", "LT", "LE", "EQ"}
