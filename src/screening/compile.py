"""Criterion text → typed rule tree.

The stages, in order:

1. :func:`normalise` — markdown escapes, unicode comparators, decimal commas and thousands
   separators, keeping a map back to the verbatim characters so spans point at the source words;
2. :func:`tokenize` — the vocabulary (concept names, longest first) and ``grammars/lexicon.yaml``
   (function words) turn the text into grammar terminals; numbers take their units;
3. clauses — the tokens are cut at top-level ``;`` and sentence ends, and each clause is parsed
   on its own by the LALR grammar ``grammars/criteria.lark``, so one unreadable clause becomes one
   free-text leaf instead of sinking the criterion;
4. :class:`_Reader` — the parse tree becomes frozen rule nodes with spans; the meaning of lists
   (all / any) and which window or qualifier reaches which part is decided here, because it
   depends on the criterion being an inclusion or an exclusion.

The canonical criteria language (``grammars/rules.lark``) is read by :func:`parse_rule`.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from lark import Token, Transformer, Tree, v_args
from lark.exceptions import LarkError, VisitError
from ruamel.yaml import YAML

from .grammar import criteria_parser, grammar_dir, rules_parser
from .nodes import (
    AllOf, AnyOf, AtLeast, Category, Comparison, Conditional, Exemption, FreeText, HadProcedure,
    HasCondition, Judgement, Node, NormalMultiple, Not, Rule, Span, Status, TimeWindow, Titre,
    TookMedication, Vaccinated, walk,
)
from .trial import CriterionKind, Trial
from .units import UnitError, canonical_value, parse_unit
from .vocabulary import Concept, Vocabulary, load_vocabulary

# Clauses longer than this are not parsed: registry sentences are far shorter, and a cap keeps a
# pathological input from costing more than a linear scan.
MAX_CLAUSE_TOKENS = 400


class RuleSyntaxError(ValueError):
    """A rule in the criteria language that does not parse; says where."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.column = column


# --- 1. normalisation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Normalised:
    """Normalised text and, for each of its characters, the offset of the verbatim character."""

    text: str
    origin: tuple[int, ...]  # len(text) + 1 entries; the last is the verbatim length

    def span(self, start: int, end: int) -> Span:
        return Span(start=self.origin[start], end=self.origin[max(end, start)])


_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r) for p, r in (
        (r"\\([<>^\[\]_*#\-.()+!=~|`])", r"\1"),      # markdown escapes: \> → >
        (r"[≥≧⩾]", ">="), (r"[≤≦⩽]", "<="), (r"＞", ">"), (r"＜", "<"),
        (r"[–—−‐]", "-"), (r"[’‘`´]", "'"), (r"[“”]", '"'), (r"\u00a0|\u2009|\u202f", " "),
        (r"(?<=\d),(?=\d{3}(?!\d))", ""),              # thousands: 100,000 → 100000
        (r"(?<=\d),(?=\d{1,2}\s*[A-Za-zµμ%/])", "."),  # decimal comma before a unit: 5,4 mEq/l
        (r"(?<=\d) (?=000(?!\d))", ""),                # 100 000 → 100000
    )
)


def normalise(text: str) -> Normalised:
    """Rewrite the text for reading, remembering where every character came from."""
    out, origin = text, list(range(len(text) + 1))
    for pattern, repl in _REWRITES:
        pieces: list[str] = []
        new_origin: list[int] = []
        last = 0
        for m in pattern.finditer(out):
            pieces.append(out[last:m.start()])
            new_origin.extend(origin[last:m.start()])
            replacement = m.expand(repl)
            pieces.append(replacement)
            new_origin.extend([origin[m.start()]] * len(replacement))
            last = m.end()
        pieces.append(out[last:])
        new_origin.extend(origin[last:len(out)])
        new_origin.append(origin[len(out)])
        out, origin = "".join(pieces), new_origin
    return Normalised(out, tuple(origin))


# --- 2. tokens -----------------------------------------------------------------------------------

_PIECE = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)"
    r"|(?P<word>[^\W\d_](?:[^\W_]|'(?=[^\W\d_]))*)"
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


def _pieces(text: str) -> list[_Piece]:
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

    def __init__(self, entries: Iterable[_Entry], bare_units: Iterable[str]) -> None:
        self.by_first: dict[str, list[_Entry]] = {}
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
_ENTITY_TERMINALS = {"condition": "COND", "medication": "MED", "drug_class": "MED",
                     "procedure": "PROC", "vaccine": "VACC"}


def _concept_terminal(concept: Concept, vocab: Vocabulary) -> str | None:
    if concept.category in _QUANTITY_CATEGORIES:
        return {
            "quantity": "MEASURE", "titre": "QUALITATIVE", "qualitative": "QUALITATIVE",
            "categorical": "CATEGORICAL",
            "ordinal": "MEASURE" if all(c.isdigit() for c in concept.categories) else "CATEGORICAL",
            "boolean": "FLAG",
        }[concept.value_type]
    if concept.category in _ENTITY_TERMINALS:
        return _ENTITY_TERMINALS[concept.category]
    # A class takes the terminal of what it classifies.
    for member in sorted(vocab.descendants(concept.id)):
        c = vocab.get(member)
        if c.category != "class" and c.id != concept.id:
            return _concept_terminal(c, vocab)
    return None


@functools.cache
def _lexicon() -> _Lexicon:
    data = YAML(typ="safe").load((grammar_dir() / "lexicon.yaml").read_text(encoding="utf-8"))
    entries: list[_Entry] = []
    seen: dict[tuple[str, ...], str] = {}
    bare_units = data.pop("BARE_UNITS", [])

    def add(form: str, terminal: str, value: str, case_sensitive: bool, vocabulary: bool) -> None:
        pieces = _pieces(form)
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
    vocab = load_vocabulary()
    for form, concept_id, case_sensitive in vocab.surface_forms():
        terminal = _concept_terminal(vocab.get(concept_id), vocab)
        if terminal is not None:
            add(form, terminal, concept_id, case_sensitive, True)
    return _Lexicon(entries, bare_units)


_AFTER_NUMBER = frozenset({"TIMEUNIT", "YEARS_OLD", "ULN", "LLN", "TIMES"})
_SCIENTIFIC = re.compile(r"\s*[x×*]\s*10\s*(?:\^|\*\*?|e)?\s*\d+")
_UNIT_STOP = re.compile(r"[\s,;()\[\]]")


@functools.lru_cache(maxsize=4096)
def _readable_unit(text: str) -> bool:
    try:
        parse_unit(text)
    except (UnitError, Exception):  # pint raises several kinds on nonsense; all mean "not a unit"
        return False
    return True


def _read_unit(text: str, pos: int, bare_units: frozenset[str]) -> tuple[str, int] | None:
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
        if j == i:
            break
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
            return candidate, end
    return None


def _unit_like(candidate: str, bare_units: frozenset[str]) -> bool:
    # pint reads many English words as units ("a", "at", "in", "s"): a unit here must look like
    # one — a ratio, a percent, a power of ten — or be a unit people write bare.
    if any(c in candidate for c in "/%^²³") or _SCIENTIFIC.match(" " + candidate):
        return True
    return candidate.lower().replace(" ", "") in bare_units


_ROMAN_OR_LETTER = re.compile(r"^(?:[IVX]+|[A-E])$")
# Values a bare "class" may take ("class III or IV"): the concept comes from what follows.
_ROMAN_CLASSES = ("I", "II", "III", "IV", "V", "VI")


def tokenize(norm: Normalised) -> list[Token]:
    """Grammar terminals for normalised criterion text (filler words dropped)."""
    lex = _lexicon()
    vocab = load_vocabulary()
    text = norm.text
    pieces = _pieces(text)
    tokens: list[Token] = []
    i = 0

    def emit(terminal: str, value: str, start: int, end: int) -> None:
        tokens.append(Token(terminal, value, start_pos=start, end_pos=end, line=1, column=start + 1,
                            end_line=1, end_column=end + 1))

    while i < len(pieces):
        p = pieces[i]
        prev_is_number = bool(tokens) and tokens[-1].type == "NUMBER" and tokens[-1].end_pos == p.start - (
            1 if text[p.start - 1:p.start] == " " else 0)
        if p.kind == "num":
            # a titre: 1:80
            if p.text == "1" and i + 2 < len(pieces) and pieces[i + 1].text == ":" and pieces[i + 2].kind == "num" \
                    and pieces[i + 1].start == p.end and pieces[i + 2].start == pieces[i + 1].end:
                emit("TITRE", pieces[i + 2].text, p.start, pieces[i + 2].end)
                i += 3
                continue
            entry = lex.match(pieces, i)  # names that start with a number: "24-hour urine protein"
            if entry is not None and entry.from_vocabulary:
                end = pieces[i + len(entry.keys) - 1].end
                emit(entry.terminal, entry.value, p.start, end)
                i += len(entry.keys)
                continue
            emit("NUMBER", p.text, p.start, p.end)
            i += 1
            scientific = _SCIENTIFIC.match(text, p.end)
            if not scientific and i < len(pieces):
                after = lex.match(pieces, i, only=_AFTER_NUMBER)
                if after is not None:
                    continue
            unit = _read_unit(text, p.end, lex.bare_units)
            if unit is not None:
                unit_text, unit_end = unit
                emit("UNIT", unit_text, p.end + (len(text[p.end:]) - len(text[p.end:].lstrip(" "))), unit_end)
                while i < len(pieces) and pieces[i].start < unit_end:
                    i += 1
            continue
        entry = lex.match(pieces, i)
        if entry is not None:
            end = pieces[i + len(entry.keys) - 1].end
            if entry.terminal != "filler":
                emit(entry.terminal, entry.value, p.start, end)
            i += len(entry.keys)
            continue
        del prev_is_number
        if p.kind == "word":
            emit("WORD", p.text, p.start, p.end)
        elif p.text == ".":
            emit("PERIOD", ".", p.start, p.end)
        elif p.text == "+":
            emit("PLUS", "+", p.start, p.end)
        i += 1
    return _in_context(tokens, vocab, text)


def _in_context(tokens: list[Token], vocab: Vocabulary, text: str) -> list[Token]:
    """Settle the words whose role depends on their neighbours ("of", "to", "-", "for", roman
    numerals after a categorical name), and fold redundant parentheses."""
    out: list[Token] = []
    n = len(tokens)
    categories: tuple[str, ...] = ()
    for k, t in enumerate(tokens):
        prev = out[-1] if out else None
        nxt = tokens[k + 1] if k + 1 < n else None
        ptype = prev.type if prev is not None else None
        ntype = nxt.type if nxt is not None else None
        if t.type == "CATEGORICAL":
            categories = vocab.get(t.value).categories
        elif t.type == "CLASS" and not categories:
            categories = _ROMAN_CLASSES
        if t.type == "WORD" and ptype in ("AND", "OR") and len(out) >= 2 and out[-2].type == "COND":
            # "hepatitis B and C": the second name shares the first one's head
            head = text[out[-2].start_pos:out[-2].end_pos].split()[:-1]
            found = vocab.lookup(" ".join([*head, t.value])) if head else None
            if found is not None and found.category == vocab.get(out[-2].value).category:
                t = Token("COND", found.id, start_pos=t.start_pos, end_pos=t.end_pos, line=1, column=t.column,
                          end_line=1, end_column=t.end_column)
        if t.type == "COND" and ptype in ("AND", "OR") and len(out) >= 2 and out[-2].type == "WORD":
            # "basal or squamous cell": the first name shares the second one's tail
            tail = text[t.start_pos:t.end_pos].split()[1:]
            found = vocab.lookup(" ".join([out[-2].value, *tail])) if tail else None
            if found is not None and found.category == vocab.get(t.value).category:
                w = out[-2]
                out[-2] = Token("COND", found.id, start_pos=w.start_pos, end_pos=w.end_pos, line=1, column=w.column,
                                end_line=1, end_column=w.end_column)
        if t.type == "COND" and ptype == "COND" and vocab.is_a(prev.value, t.value):
            continue  # "human immunodeficiency virus [HIV] infection": the infection is the virus's
        if t.type == "SHOWING":
            # "renal biopsy showing X": the finding is the criterion, the procedure its source
            if ptype == "PROC":
                out.pop()
            continue
        if t.type == "MEASURE" and ptype == "COLON" and len(out) >= 2 and out[-2].type == "MEASURE" \
                and out[-2].value == t.value:  # "Age: age > 18"
            del out[-2:]
        if t.type == "OF" and ptype == "NUMBER" and len(out) >= 2 and out[-2].type == "GE":
            # "at least 4 of (the 11) …": a count, not a comparison
            count = out[-1]
            out[-2:] = [Token("AT_LEAST_OF", count.value, start_pos=out[-2].start_pos, end_pos=t.end_pos, line=1,
                              column=out[-2].column, end_line=1, end_column=t.end_column)]
            continue
        if t.type == "OF" and ptype not in ("TIMEUNIT", "ANCHOR"):
            continue
        if t.type == "BETWEEN" and ntype != "NUMBER":
            continue
        if t.type == "TO" and not (ptype in ("NUMBER", "UNIT", "TIMEUNIT", "YEARS_OLD") and ntype == "NUMBER"):
            continue
        if t.type == "DASH" and not (ptype in ("NUMBER", "UNIT") and ntype == "NUMBER"):
            continue
        if t.type == "IF" and t.value.lower() in ("for", "when", "where") and ntype not in ("FEMALE", "MALE", "CBP"):
            continue
        if t.type == "QUAL" and t.value == "history" and ntype == "NUMBER":
            t = Token("WITHIN", t.value, start_pos=t.start_pos, end_pos=t.end_pos, line=1, column=t.column,
                      end_line=1, end_column=t.end_column)
        raw = text[t.start_pos:t.end_pos]
        if categories and t.type != "CATEGORICAL" and (t.type == "PLUS" or _ROMAN_OR_LETTER.match(raw)):
            # ISN/RPS "III+V", BILAG "A": values of the categorical name read before ("IV" is
            # not intravenous here)
            if t.type != "PLUS" and (raw in categories or any(raw in c.split("+") for c in categories)):
                t = Token("WORD", raw, start_pos=t.start_pos, end_pos=t.end_pos, line=1, column=t.column,
                          end_line=1, end_column=t.end_column)
                if ptype == "PLUS" and len(out) >= 2 and out[-2].type == "CATVAL":
                    joined = f"{out[-2].value}+{t.value}"
                    out[-2:] = [Token("CATVAL", joined, start_pos=out[-2].start_pos, end_pos=t.end_pos,
                                      line=1, column=out[-2].column, end_line=1, end_column=t.end_column)]
                    continue
                t = Token("CATVAL", t.value, start_pos=t.start_pos, end_pos=t.end_pos, line=1,
                          column=t.column, end_line=1, end_column=t.end_column)
            elif t.type == "PLUS" and ptype == "CATVAL":
                out.append(t)
                continue
        if t.type == "PLUS":
            continue
        if t.type in ("OR", "AND", "ANDOR") and (ntype is None or ntype in ("DURING_TRIAL", "WITHIN", "WITHIN_NEXT",
                                                                             "RPAR", "PERIOD", "SEMI")):
            continue  # a connective with nothing after it ("needed / received during the study")
        if t.type in ("EXCEPT", "INCLUDING", "ETC") and ptype == "COMMA":  # ", except X" belongs to the part before
            out.pop()
        out.append(t)
    return _fold(out)


_ANNOTATION_BLOCKERS = {"GT", "GE", "LT", "LE", "EQ", "MEASURE", "UNIT", "TITRE", "WITHIN", "EXCEPT"}


def _restates(before: list[Token], inner: list[Token]) -> bool:
    """"albumin >= 25 g/L (2.5 g/dL)": the parenthesis gives the same threshold in another unit."""
    if len(inner) != 2 or [t.type for t in inner] != ["NUMBER", "UNIT"] or len(before) < 3:
        return False
    number, unit = before[-2], before[-1]
    measure = next((t for t in reversed(before) if t.type == "MEASURE"), None)
    if number.type != "NUMBER" or unit.type != "UNIT" or measure is None or measure.value == "age":
        return False
    concept = load_vocabulary().get(measure.value)
    try:
        a = canonical_value(float(number.value), unit.value, concept)
        b = canonical_value(float(inner[0].value), inner[1].value, concept)
    except (UnitError, ValueError):
        return False
    return abs(a - b) <= 0.02 * max(abs(a), abs(b))


def _names_kinds_of(outer: Token, inner: list[Token]) -> bool:
    vocab = load_vocabulary()
    names = [t for t in inner if t.type not in ("OR", "AND", "COMMA", "ANDOR")]
    return bool(names) and all(t.type == "COND" and vocab.is_a(t.value, outer.value) for t in names)


def _fold(tokens: list[Token]) -> list[Token]:
    """``(ISN/RPS 2003 classification criteria)`` → one ANNOTATION; ``alanine aminotransferase
    (ALT)`` → the name once; "with or without …" → one UNCONSTRAINED."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        if t.type == "WITH_OR_WITHOUT":
            # "with or without microscopic hematuria (…)": no constraint, up to the next list break
            depth, j = 0, k + 1
            while j < len(tokens) and not (depth == 0 and tokens[j].type in ("COMMA", "SEMI", "PERIOD")):
                depth += {"LPAR": 1, "RPAR": -1}.get(tokens[j].type, 0)
                j += 1
            last = tokens[j - 1]
            out.append(Token("UNCONSTRAINED", "", start_pos=t.start_pos, end_pos=last.end_pos, line=1,
                             column=t.column, end_line=1, end_column=last.end_column))
            k = j
            continue
        if t.type == "LPAR":
            depth, j = 0, k
            while j < len(tokens):
                if tokens[j].type == "LPAR":
                    depth += 1
                elif tokens[j].type == "RPAR":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j < len(tokens):
                inner = tokens[k + 1:j]
                kinds = {x.type for x in inner}
                if "CLASSIFICATION" in kinds and not kinds & _ANNOTATION_BLOCKERS:
                    out.append(Token("ANNOTATION", "", start_pos=t.start_pos, end_pos=tokens[j].end_pos,
                                     line=1, column=t.column, end_line=1, end_column=tokens[j].end_column))
                    k = j + 1
                    continue
                if len(inner) == 1 and out and out[-1].type == inner[0].type and (
                        out[-1].value == inner[0].value or out[-1].type in ("ULN", "LLN")):
                    k = j + 1
                    continue
                if _restates(out, inner):
                    k = j + 1
                    continue
                if out and out[-1].type == "COND" and _names_kinds_of(out[-1], inner):
                    # "cancers of the skin (basal or squamous cell)": the parenthesis says which
                    out.pop()
                    out.extend(inner)
                    k = j + 1
                    continue
                if not inner:
                    k = j + 1
                    continue
        out.append(t)
        k += 1
    return out


# --- 3. clauses ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Clause:
    tokens: list[Token]
    start: int  # normalised offsets of the clause's words, separators excluded
    end: int


def _clauses(tokens: list[Token], length: int) -> list[_Clause]:
    """Cut at top-level ``;`` and sentence ends, and before "However"."""
    clauses: list[_Clause] = []
    current: list[Token] = []
    start = 0
    depth = 0

    def close(end: int) -> None:
        if current:
            clauses.append(_Clause(list(current), start, end))
        current.clear()

    for t in tokens:
        if t.type == "LPAR":
            depth += 1
        elif t.type == "RPAR":
            depth = max(0, depth - 1)
        if depth == 0 and t.type in ("SEMI", "PERIOD"):
            close(t.start_pos)
            start = t.end_pos
            continue
        if depth == 0 and t.type == "HOWEVER" and current:
            close(t.start_pos)
            start = t.start_pos
        if t.type == "PERIOD":
            continue
        current.append(t)
    close(length)
    return clauses


# --- 4. reading the parse tree -------------------------------------------------------------------


@dataclass
class _Part:
    """One part of a clause before the list around it is settled."""

    node: Rule | None = None          # a finished rule
    terminal: str | None = None       # COND/MED/PROC/VACC for an entity
    concept: str | None = None
    quals: list[str] = field(default_factory=list)
    variants: list[list[str]] = field(default_factory=list)  # "severe or uncontrolled": any group
    negated: bool = False
    window: TimeWindow | None = None
    excluding: list[Exemption] = field(default_factory=list)
    including: list[str] = field(default_factory=list)
    requiring: list[Rule] = field(default_factory=list)
    dose: Comparison | None = None
    elliptic: tuple[str, float, str | None] | None = None  # "≤ 10": op, value, unit of the previous measure
    measure: str | None = None        # the concept a comparison part measured (for elliptic parts)
    definition: Rule | None = None    # "(total bilirubin > 14 mg/L; …)" after a head
    unconstrained: bool = False       # "with or without …"
    planned_pregnancy: bool = False
    span: Span | None = None


class _Unreadable(Exception):
    """The clause parsed but means something the rule tree cannot say; it stays free text."""


_OP = {"GT": ">", "GE": ">=", "LT": "<", "LE": "<=", "EQ": "="}
_NEGATED_OP = {">": "<=", ">=": "<", "<": ">=", "<=": ">", "=": "="}
_YEARS = {"hours": 1 / (24 * 365.25), "days": 1 / 365.25, "weeks": 7 / 365.25, "months": 1 / 12, "years": 1.0}


class _Reader(Transformer):
    """Parse tree of one clause → rule node. Methods are named after grammar productions."""

    def __init__(self, norm: Normalised, kind: CriterionKind, vocab: Vocabulary) -> None:
        super().__init__()
        self.norm = norm
        self.kind = kind
        self.vocab = vocab

    # helpers
    def _span(self, items: Sequence[object]) -> Span | None:
        starts, ends = [], []
        for it in items:
            if isinstance(it, Token):
                starts.append(it.start_pos)
                ends.append(it.end_pos)
            elif isinstance(it, _Part) and it.span is not None:
                starts.append(self._norm_index(it.span.start))
                ends.append(self._norm_index(it.span.end, end=True))
        if not starts:
            return None
        return self.norm.span(min(starts), max(ends))

    def _norm_index(self, verbatim: int, end: bool = False) -> int:
        origin = self.norm.origin
        for i, o in enumerate(origin):
            if o >= verbatim:
                return i
        return len(origin) - 1

    # --- values
    def cmp(self, items):
        return _OP[items[0].type]

    def comparison(self, items):
        return (items[0], items[1])

    def quantity(self, items):
        unit = items[1] if len(items) > 1 else None
        return ("quantity", float(items[0]), unit)

    def uln(self, items):
        return ("ULN", float(items[0]), None)

    def lln(self, items):
        return ("LLN", float(items[0]), None)

    def titre(self, items):
        return ("titre", float(items[0].value), None)

    def unit(self, items):
        return items[0] if isinstance(items[0], str) and not isinstance(items[0], Token) else str(items[0])

    def years(self, items):
        t = items[0]
        return t.value if t.type == "TIMEUNIT" else "years"

    def msep(self, items):
        return items[0]

    # --- measures
    def _measure_node(self, concept_id: str, op: str, value: tuple, span) -> Rule:
        kind, number, unit = value
        if kind in ("ULN", "LLN"):
            return NormalMultiple(concept=concept_id, op=op, factor=number, limit=kind, span=span)
        if kind == "titre":
            return Titre(concept=concept_id, op=op, dilution=int(number), span=span)
        if concept_id == "age":
            unit = unit or "years"
            if unit not in _YEARS:
                raise _Unreadable("age in a unit that is not time")
            return Comparison(concept="age", op=op, value=number, unit=unit, span=span)
        concept = self.vocab.get(concept_id)
        if unit is not None:
            try:
                canonical_value(number, unit, concept)
            except UnitError as error:
                raise UnitMismatch(str(error), span) from error
        return Comparison(concept=concept_id, op=op, value=number, unit=unit, span=span)

    def compare(self, items):
        measures = [t for t in items if isinstance(t, Token) and t.type == "MEASURE"]
        seps = {t.type for t in items if isinstance(t, Token) and t.type in ("OR", "AND", "ANDOR", "COMMA")}
        op, value = items[-1]
        span = self._span([t for t in items if isinstance(t, Token)])
        nodes = [self._measure_node(m.value, op, value, span) for m in measures]
        if len(nodes) == 1:
            return _Part(node=nodes[0], measure=measures[0].value, span=span)
        if seps == {"AND"} and self.kind == "inclusion":
            return _Part(node=AllOf(items=tuple(nodes), span=span), span=span)
        return _Part(node=AnyOf(items=tuple(nodes), span=span), span=span)

    def compare_after(self, items):
        (op, value), measure = items
        span = self._span([measure])
        return _Part(node=self._measure_node(measure.value, op, value, span), measure=measure.value, span=span)

    def compare_postfix(self, items):
        measure, value, op = items[0], items[-2], items[-1]
        span = self._span([measure])
        return _Part(node=self._measure_node(measure.value, op, value, span), measure=measure.value, span=span)

    def elliptic(self, items):
        op, value = items[0]
        return _Part(elliptic=(op, value), span=None)

    def range(self, items):
        measure = items[0]
        values = [i for i in items if isinstance(i, tuple)]
        low, high = values
        if high[2] is not None and low[2] is None:
            low = (low[0], low[1], high[2])
        span = self._span([measure])
        nodes = (self._measure_node(measure.value, ">=", low, span), self._measure_node(measure.value, "<=", high, span))
        return _Part(node=AllOf(items=nodes, span=span), measure=measure.value, span=span)

    def bare_range(self, items):
        values = [i for i in items if isinstance(i, tuple)]
        low, high = values
        unit = high[2] or low[2]
        if unit not in _YEARS:
            raise _Unreadable("a range of what?")
        span = self._span([t for t in items if isinstance(t, Token)])
        return _Part(node=AllOf(items=(
            Comparison(concept="age", op=">=", value=low[1], unit=unit, span=span),
            Comparison(concept="age", op="<=", value=high[1], unit=unit, span=span)), span=span), measure="age",
            span=span)

    def bare_postfix(self, items):
        value, op = items
        if value[0] != "quantity" or value[2] not in _YEARS:
            raise _Unreadable("a threshold of what?")
        return _Part(node=Comparison(concept="age", op=op, value=value[1], unit=value[2]), measure="age")

    # --- qualitative and categorical
    def titre_note(self, items):
        op = next(i for i in items if isinstance(i, str) and not isinstance(i, Token))
        titre = next(i for i in items if isinstance(i, Token) and i.type == "TITRE")
        return ("titre", op, int(titre.value))

    def positive(self, items):
        concept = next(t for t in items if isinstance(t, Token) and t.type == "QUALITATIVE")
        note = next((i for i in items if isinstance(i, tuple)), None)
        span = self._span([t for t in items if isinstance(t, Token)])
        return _Part(node=self._positive(concept.value, note, span), measure=concept.value, span=span)

    def _positive(self, concept_id: str, note, span) -> Rule:
        if note is not None:
            return Titre(concept=concept_id, op=note[1], dilution=note[2], span=span)
        return Category(concept=concept_id, values=("positive",), span=span)

    def negative(self, items):
        concept = next(t for t in items if t.type == "QUALITATIVE")
        span = self._span(items)
        return _Part(node=Category(concept=concept.value, values=("negative",), span=span), span=span)

    def titre_compare(self, items):
        concept, op, titre = items
        span = self._span([concept, titre])
        return _Part(node=Titre(concept=concept.value, op=op, dilution=int(titre.value), span=span), span=span)

    def titre_only(self, items):
        concept, note = items
        span = self._span([concept])
        return _Part(node=Titre(concept=concept.value, op=note[1], dilution=note[2], span=span), span=span)

    def bare_qualitative(self, items):
        # "… and/or anti-DNA antibodies": positive, carried from the part before (see _settle)
        return _Part(measure=items[0].value, concept=items[0].value, terminal="QUALITATIVE",
                     span=self._span(items))

    def negative_condition(self, items):
        cond = next(t for t in items if t.type == "COND")
        span = self._span(items)
        node = HasCondition(concept=cond.value, span=span)
        return _Part(node=Not(item=node, span=span), span=span)

    def washout(self, items):
        op, (kind, amount, unit) = items[0]
        if op not in (">", ">=") or kind != "quantity" or unit not in _YEARS:
            raise _Unreadable("a wash-out needs a time")
        tokens = [t for t in items if isinstance(t, Token)]
        entity = next(t for t in tokens if t.type in ("COND", "MED", "PROC", "VACC"))
        window = TimeWindow(amount=amount, unit=unit)
        span = self._span(tokens)
        node = self._entity_node(entity.type, entity.value, [], window, (), None, span)
        return _Part(node=Not(item=node, span=span), span=span)

    def positive_condition(self, items):
        cond = items[1]
        return _Part(terminal="COND", concept=cond.value, span=self._span(items))

    def category(self, items):
        tokens = [t for t in items if isinstance(t, Token)]
        concept_tok = next((t for t in tokens if t.type == "CATEGORICAL"), None)
        cond = next((t for t in tokens if t.type == "COND"), None)
        concept_id = concept_tok.value if concept_tok is not None else None
        if concept_id is None and cond is not None:
            # "class III or IV lupus nephritis": the classification named after the condition
            found = self.vocab.lookup(f"{self.vocab.get(cond.value).name} class")
            concept_id = found.id if found is not None and found.value_type == "categorical" else None
        if concept_id is None:
            raise _Unreadable("category values without a name")
        allowed = set(self.vocab.get(concept_id).categories)
        values = tuple(t.value for t in tokens if t.type == "CATVAL")
        if allowed and not set(values) <= allowed:
            raise _Unreadable("a value the classification does not have")
        span = self._span(tokens)
        return _Part(node=Category(concept=concept_id, values=values, span=span), span=span)

    def flag(self, items):
        span = self._span(items)
        return _Part(node=Category(concept=items[0].value, values=("yes",), span=span), span=span)

    # --- entities and status
    def dose(self, items):
        op, value = items[0]
        if value[0] != "quantity" or value[2] is None:
            raise _Unreadable("a dose without a unit")
        return Comparison(concept="dose", op=op, value=value[1], unit=value[2])

    def entity(self, items):
        tok = next(t for t in items if isinstance(t, Token) and t.type in ("COND", "MED", "PROC", "VACC"))
        dose = next((i for i in items if isinstance(i, Comparison)), None)
        other = any(isinstance(t, Token) and t.type == "OTHER" for t in items)
        part = _Part(terminal=tok.type, concept=tok.value, dose=dose, span=self._span([tok]))
        if other:
            part.quals.append("other")
        return part

    def _status(self, name: str, items) -> _Part:
        span = self._span([t for t in items if isinstance(t, Token)])
        return _Part(node=Status(field=name, span=span), span=span)

    def pregnant(self, items):
        return self._status("pregnant", items)

    def breastfeeding(self, items):
        return self._status("breastfeeding", items)

    def pregnancy_test_negative(self, items):
        span = self._span(items)
        return _Part(node=Not(item=Status(field="pregnant", span=span), span=span), span=span)

    def contraception(self, items):
        return self._status("contraception", items)

    def consent(self, items):
        return self._status("consent", items)

    comply = consent  # DESIGN §5: consent = has signed and will comply with the protocol

    def classified(self, items):
        cond = items[-1]
        return _Part(terminal="COND", concept=cond.value, span=self._span(items))

    # --- groups
    def group(self, items):
        seq = next(i for i in items if isinstance(i, _Seq))
        return _Part(node=self._settle(seq), span=seq.span)

    def any_group(self, items):
        seq = items[-1]
        nodes = self._nodes(seq)
        return _Part(node=nodes[0] if len(nodes) == 1 else AnyOf(items=tuple(nodes), span=seq.span), span=seq.span)

    def at_least_group(self, items):
        count = int(items[0].value)
        seq = items[-1]
        return _Part(node=AtLeast(count=count, items=tuple(self._nodes(seq)), span=seq.span), span=seq.span)

    # --- posts
    def window_past(self, items):
        amount = float(next(t for t in items if t.type == "NUMBER"))
        unit = next(t for t in items if t.type == "TIMEUNIT").value
        anchor = next((t.value for t in items if t.type == "ANCHOR"), "screening")
        return TimeWindow(amount=amount, unit=unit, direction="past", anchor=anchor)

    def window_next(self, items):
        amount = float(next(t for t in items if t.type == "NUMBER"))
        unit = next(t for t in items if t.type == "TIMEUNIT").value
        anchor = next((t.value for t in items if t.type == "ANCHOR"), "screening")
        return TimeWindow(amount=amount, unit=unit, direction="future", anchor=anchor)

    def during_trial(self, items):
        return ("planned",)

    def ent_item(self, items):
        quals = [q for i in items if isinstance(i, _Quals) for g in i.groups for q in g if isinstance(q, str)] + [
            t.value for t in items if isinstance(t, Token) and t.type == "QUAL"]
        tok = next(t for t in items if isinstance(t, Token) and t.type in ("COND", "MED", "PROC", "VACC"))
        return Exemption(concept=tok.value, qualifiers=tuple(q for q in quals if q in _EXEMPTION_QUALS))

    def ent_list(self, items):
        out: list[Exemption] = []
        for e in (i for i in items if isinstance(i, Exemption)):
            if out and not e.qualifiers:  # "adequately treated A or B": both treated
                e = e.model_copy(update={"qualifiers": out[-1].qualifiers})
            out.append(e)
        return out

    def except_(self, items):
        found = next(i for i in items if isinstance(i, list))
        return ("except", found)

    def including(self, items):
        lists = [i for i in items if isinstance(i, list)]
        excepts = [i for i in items if isinstance(i, tuple) and i[0] == "except"]
        return ("including", lists[0], excepts[0][1] if excepts else [])

    def post_qual(self, items):
        return ("qual", items[0].value)

    def requiring(self, items):
        tok = items[1]
        return ("requiring", tok)

    def determined_by(self, items):
        window = next((i for i in items if isinstance(i, TimeWindow)), None)
        return ("evidence", window)

    def showing(self, items):
        return ("noop",)

    annotation = etc = at_anchor = showing

    def equivalent(self, items):
        tok = next((t for t in items if isinstance(t, Token) and t.type == "MED"), None)
        return ("equivalent", tok.value if tok is not None else None)

    def definition(self, items):
        seq = next(i for i in items if isinstance(i, _Seq))
        return ("definition", self._settle(seq))

    def qual_item(self, items):
        window = next((i for i in items if isinstance(i, TimeWindow)), None)
        return window if window is not None else items[0].value

    def quals(self, items):
        """Qualifier groups: "active or history of recurrent" → [[active], [history, recurrent]]."""
        groups: list[list[object]] = [[]]
        for item in items:
            if isinstance(item, Token):
                if item.type in ("OR", "ANDOR"):
                    groups.append([])
                continue
            groups[-1].append(item)
        return _Quals([g for g in groups if g])

    # --- parts and sequences
    def part(self, items):
        negated = bool(items) and isinstance(items[0], Token) and items[0].type == "NEG"
        rest = items[1:] if negated else items
        groups: list[list[object]] = []
        if rest and isinstance(rest[0], _Quals):
            groups = rest[0].groups
            rest = rest[1:]
        part: _Part = rest[0]
        part.negated = negated
        for group in groups:  # a recent window written among the qualifiers: "recent (within 60 days)"
            for q in group:
                if isinstance(q, TimeWindow):
                    part.window = q
        names = [[q for q in g if isinstance(q, str)] for g in groups]
        names = [g for g in names if g]
        if len(names) == 1:
            part.quals = names[0] + part.quals
        elif names:
            part.variants = names
        for post in rest[1:]:
            self._apply_post(part, post)
        return part

    def _apply_post(self, part: _Part, post) -> None:
        if isinstance(post, TimeWindow):
            part.window = post
            return
        tag = post[0]
        if tag == "planned":
            part.quals.append("planned")
        elif tag == "except":
            part.excluding.extend(post[1])
        elif tag == "including":
            part.including.extend(e.concept for e in post[1])
            part.excluding.extend(post[2])
        elif tag == "qual":
            part.quals.append(post[1])
        elif tag == "requiring":
            tok = post[1]
            part.requiring.append(self._entity_node(tok.type, tok.value, ["current"], None, (), None, None))
        elif tag == "evidence":
            if post[1] is not None:
                part.window = post[1]
        elif tag == "equivalent":
            part.quals.append("equivalent")
        elif tag == "definition":
            part.definition = post[1]

    def unconstrained(self, items):
        return _Part(unconstrained=True)

    def defined(self, items):
        seq = next(i for i in items if isinstance(i, _Seq))
        node = self._settle(seq)
        return _Part(node=node, span=seq.span)

    def sep(self, items):
        types = {t.type for t in items}
        if types & {"OR", "ANDOR"}:
            return "or"
        if "AND" in types:
            return "and"
        if "SEMI" in types:
            return "semi"
        if "COLON" in types:
            return "colon"
        return "comma"

    def seq(self, items):
        parts = [i for i in items if isinstance(i, _Part)]
        seps = [i for i in items if isinstance(i, str)]
        spans = [p.span for p in parts if p.span is not None]
        span = Span(start=min(s.start for s in spans), end=max(s.end for s in spans)) if spans else None
        return _Seq(parts, seps, span)

    def subject(self, items):
        sexes = set()
        for i in items:
            if isinstance(i, set):
                sexes |= i
        cbp = any(isinstance(t, Token) and t.type == "CBP" for t in items)
        return ("subject", sexes, cbp, self._span([t for t in items if isinstance(t, Token)]))

    def sex_list(self, items):
        return {t.type.lower() for t in items if t.type in ("FEMALE", "MALE")}

    def lead(self, items):
        found = next((i for i in items if isinstance(i, _Quals)), None)
        quals = [q for g in found.groups for q in g if isinstance(q, str)] if found else []
        window = next(i for i in items if isinstance(i, TimeWindow))
        return ("lead", quals, window)

    def start(self, items):
        subject = [i for i in items if isinstance(i, tuple) and i[0] == "subject"]
        lead = next((i for i in items if isinstance(i, tuple) and i[0] == "lead"), None)
        seq = next(i for i in items if isinstance(i, _Seq))
        if lead is not None:
            for p in seq.parts:
                p.quals = lead[1] + p.quals
                if p.window is None:
                    p.window = lead[2]
        node = self._settle(seq)
        for _, sexes, cbp, span in subject:
            node = self._restrict(node, sexes, cbp, span)
        return node

    def if_then(self, items):
        seqs = [i for i in items if isinstance(i, _Seq)]
        when = self._settle(seqs[0])
        then = self._settle(seqs[1])
        return Conditional(when=when, then=then, span=_join(when.span, then.span))

    def allowance(self, items):
        seq = next(i for i in items if isinstance(i, _Seq))
        return _Allowance(seq)

    # --- settling a sequence into one rule
    def _restrict(self, node: Rule, sexes: set[str], cbp: bool, span: Span | None) -> Rule:
        who: list[Rule] = []
        if len(sexes) == 1:
            who.append(Status(field=sexes.pop(), span=span))
        if cbp:
            if not who:
                who.append(Status(field="female", span=span))
            who.append(Status(field="childbearing_potential", span=span))
        if not who:
            return node
        when = who[0] if len(who) == 1 else AllOf(items=tuple(who), span=span)
        # An inclusion asks something OF these patients; an exclusion names them.
        if self.kind == "inclusion":
            return Conditional(when=when, then=node, span=_join(span, node.span))
        return AllOf(items=(*who, node), span=_join(span, node.span))

    def _entity_node(self, terminal, concept, quals, window, excluding, dose, span, negated_dose=False) -> Rule:
        q = tuple(dict.fromkeys(x for x in quals if x in _ENTITY_QUALS[terminal]))
        exc = tuple(excluding)
        if terminal == "COND":
            return HasCondition(concept=concept, qualifiers=q, excluding=exc, window=window, span=span)
        if terminal == "MED":
            return TookMedication(concept=concept, qualifiers=q, excluding=exc, dose=dose, window=window, span=span)
        if terminal == "PROC":
            return HadProcedure(concept=concept, qualifiers=q, window=window, span=span)
        if terminal == "VACC":
            return Vaccinated(concept=concept, qualifiers=q, excluding=exc, window=window, span=span)
        raise _Unreadable(terminal)

    def _examples(self, seq: _Seq) -> _Seq:
        """"other autoimmune diseases apart from SLE: dermatomyositis, scleroderma, etc." — the
        list after the colon only gives examples of the class before it."""
        k = seq.seps.index("colon")
        head, tail = seq.parts[: k + 1], seq.parts[k + 1:]
        classes = [p.concept for p in head if p.terminal is not None and p.concept]
        if not classes or not all(p.concept and any(self.vocab.is_a(p.concept, c) for c in classes) for p in tail):
            raise _Unreadable("a colon that does not introduce examples")
        return _Seq(head, seq.seps[:k], seq.span)

    def _nodes(self, seq: _Seq) -> list[Rule]:
        _distribute(seq)
        return [self._part_node(p, seq) for p in seq.parts if not p.unconstrained]

    def _part_node(self, p: _Part, seq: _Seq) -> Rule:
        if p.definition is not None:
            node = p.definition
        elif p.node is not None:
            node = p.node
            if p.window is not None:
                node = _with_window(node, p.window)
            if p.quals and "planned" in p.quals and isinstance(node, Status) and node.field == "pregnant":
                raise _Unreadable("planned pregnancy")
        elif p.terminal == "QUALITATIVE":
            # a test named in a list of findings ("… and/or cylindruria") is a positive finding
            node = Category(concept=p.concept, values=("positive",), window=p.window, span=p.span)
        elif p.terminal is not None:
            if "other" in p.quals and not p.excluding and p.terminal == "COND" and not any(
                    q is not p and q.concept and self.vocab.lookup(q.concept) and p.concept
                    and self.vocab.is_a(q.concept, p.concept) for q in seq.parts):
                # "other autoimmune diseases" other than what? (a drug "other" than the study's
                # is any such drug: the patient is not yet on the study drug)
                raise _Unreadable("'other' without saying other than what")
            if "equivalent" in p.quals and p.terminal == "MED" and p.concept is not None:
                # "prednisone > 0.5 mg/kg/day (or equivalent)": needs a dose equivalence table
                if self.vocab.get(p.concept).prednisone_equivalent is None:
                    raise _Unreadable("equivalent of what?")
            variants = [p.quals + v for v in p.variants] or [p.quals]
            nodes = [self._entity_node(p.terminal, p.concept, q, p.window, p.excluding, p.dose, p.span)
                     for q in variants]
            node = nodes[0] if len(nodes) == 1 else AnyOf(items=tuple(nodes), span=p.span)
            if p.including:
                extra = [self._entity_node(p.terminal, c, p.quals, p.window, (), None, p.span)
                         for c in p.including if not self.vocab.is_a(c, p.concept)]
                if extra:
                    node = AnyOf(items=(node, *extra), span=p.span)
            if p.requiring:
                node = AllOf(items=(node, *p.requiring), span=p.span)
        else:
            raise _Unreadable("nothing to say")
        if p.negated:
            node = Not(item=node, span=node.span)
        return node

    def _settle(self, seq: _Seq) -> Rule:
        if "colon" in seq.seps:
            seq = self._examples(seq)
        nodes = list(dict.fromkeys(self._nodes(seq)))  # "signed consent and complied" says consent once
        if not nodes:
            raise _Unreadable("no constraint")
        seps = [s for s, p in zip(seq.seps, seq.parts[1:]) if not p.unconstrained] or ["and"]
        if len(nodes) == 1:
            return nodes[0]
        span = seq.span
        if set(seps) <= {"or", "comma"} and "or" in seps:
            return AnyOf(items=tuple(nodes), span=span)
        if "or" in seps:
            if self.kind == "exclusion":  # any of anything: the grouping cannot change the verdict
                return AnyOf(items=tuple(_flatten_any(nodes)), span=span)
            raise _Unreadable("'and' and 'or' mixed in one list")
        # A list joined by "and" or commas: in an exclusion, each named item of one kind
        # excludes ("hepatitis B, hepatitis C and HIV"); items of different kinds describe one
        # case together ("infection requiring hospitalization and IV antibiotics").
        kinds = {_kind_of(p) for p in seq.parts if not p.unconstrained}
        if self.kind == "exclusion" and len(kinds) == 1:
            return AnyOf(items=tuple(nodes), span=span)
        return AllOf(items=tuple(nodes), span=span)


_EXEMPTION_QUALS = {"secondary", "treated", "active", "history"}
_ENTITY_QUALS = {
    "COND": {"active", "history", "current", "recurrent", "severe", "uncontrolled", "secondary", "hospitalized",
             "planned", "refractory", "treated"},
    "MED": {"active", "history", "current", "intravenous", "new", "dose_change", "planned", "refractory",
            "intolerant", "equivalent"},
    "PROC": {"history", "current", "planned", "new"},
    "VACC": {"planned", "history", "new"},
}


class UnitMismatch(ValueError):
    """A threshold whose unit cannot measure its analyte: a compile error that points at the words."""

    def __init__(self, message: str, span: Span | None) -> None:
        super().__init__(message)
        self.span = span


@dataclass
class _Quals:
    groups: list[list[object]]


@dataclass
class _Seq:
    parts: list[_Part]
    seps: list[str]
    span: Span | None


@dataclass
class _Allowance:
    seq: _Seq


def _join(a: Span | None, b: Span | None) -> Span | None:
    if a is None or b is None:
        return a or b
    return Span(start=min(a.start, b.start), end=max(a.end, b.end))


def _flatten_any(nodes: Iterable[Rule]) -> list[Rule]:
    out: list[Rule] = []
    for n in nodes:
        out.extend(n.items if isinstance(n, AnyOf) else (n,))
    return out


def _with_window(node: Rule, window: TimeWindow) -> Rule:
    if isinstance(node, (Comparison, NormalMultiple, Titre, Category)) and node.window is None:
        return node.model_copy(update={"window": window})
    if isinstance(node, (AllOf, AnyOf)):
        return node.model_copy(update={"items": tuple(_with_window(i, window) for i in node.items)})
    return node


_LOGIC_NODES = (AllOf, AnyOf, Not, AtLeast, Conditional)
_MEASURE_NODES = (Comparison, NormalMultiple, Titre, Category)


def _kind_of(p: _Part) -> str:
    """What a list item is about (a measured value, a condition, a drug, patient status…), so
    that an exclusion's "and" is read as "any of" only between items of one kind."""
    if p.terminal in _ENTITY_QUALS:
        return p.terminal
    if p.terminal == "QUALITATIVE":
        return "MEASURE"
    node = p.definition or p.node
    if node is None:
        return "?"
    leaves = [n for n in walk(node) if not isinstance(n, _LOGIC_NODES)]
    if leaves and all(isinstance(n, _MEASURE_NODES) for n in leaves):
        return "MEASURE"
    if leaves and all(isinstance(n, Status) for n in leaves):
        return "STATUS"
    return type(leaves[0]).__name__ if leaves else "?"


def _measured(p: _Part) -> bool:
    return isinstance(p.node, _MEASURE_NODES) or p.terminal == "QUALITATIVE"


def _distribute(seq: _Seq) -> None:
    """Share what registry English writes once for a list: qualifiers forward ("severe or
    uncontrolled A, B and C"), windows and exceptions backward ("A or B within 12 weeks"),
    the measured name into elliptic comparisons ("SLEDAI ≥4 and ≤10"), "positive" into a bare
    test name ("positive ANA and/or anti-DNA")."""
    parts = seq.parts
    for k, p in enumerate(parts):
        if k == 0:
            continue
        prev = parts[k - 1]
        if p.elliptic is not None:
            anchor = next((q for q in reversed(parts[:k]) if q.measure is not None), None)
            if anchor is None or anchor.measure is None:
                raise _Unreadable("a threshold of what?")
            op, value = p.elliptic
            base = anchor.node
            unit = value[2]
            if unit is None and isinstance(base, Comparison):
                unit = base.unit
            p.node = Comparison(concept=anchor.measure, op=op, value=value[1], unit=unit) if value[0] == "quantity" \
                else NormalMultiple(concept=anchor.measure, op=op, factor=value[1], limit=value[0])
            p.measure = anchor.measure
            p.elliptic = None
        if p.terminal == "QUALITATIVE" and p.node is None and prev.node is not None and isinstance(
                prev.node, (Category, Titre)) and (not isinstance(prev.node, Category) or prev.node.values == ("positive",)):
            p.node = Category(concept=p.concept, values=("positive",), span=p.span)
        if p.terminal in _ENTITY_QUALS and prev.terminal in _ENTITY_QUALS and not p.quals and not p.variants:
            p.quals = [q for q in prev.quals if q != "other"]
            p.variants = [list(v) for v in prev.variants]
    for k in range(len(parts) - 2, -1, -1):
        p, nxt = parts[k], parts[k + 1]
        if p.terminal in _ENTITY_QUALS and nxt.terminal in _ENTITY_QUALS:
            if p.window is None and nxt.window is not None:
                p.window = nxt.window
            if not p.excluding and nxt.excluding:
                p.excluding = list(nxt.excluding)
        elif _measured(p) and _measured(nxt) and p.window is None and nxt.window is not None:
            p.window = nxt.window
    for p in parts:
        if p.elliptic is not None:
            raise _Unreadable("a threshold of what?")


# --- the facade of this stage --------------------------------------------------------------------


@dataclass(frozen=True)
class CompileError:
    """A problem found while compiling: it names the words it is about."""

    message: str
    span: Span | None


@dataclass(frozen=True)
class CompiledCriterion:
    """A criterion's rule tree and what the compiler noticed on the way."""

    rule: Rule
    errors: tuple[CompileError, ...] = ()


def compile_criterion(text: str, kind: CriterionKind = "inclusion") -> CompiledCriterion:
    """Compile a criterion's verbatim text into a rule tree. Never raises on any text: what
    cannot be read becomes a free-text leaf, what only a clinician can judge a judgement leaf."""
    norm = normalise(text)
    vocab = load_vocabulary()
    errors: list[CompileError] = []
    nodes: list[Rule] = []
    for piece in _clauses(tokenize(norm), len(norm.text)):
        clause = piece.tokens
        span = _trimmed(text, norm.span(piece.start, piece.end))
        words = text[span.start:span.end]
        if any(t.type == "JUDGEMENT" for t in clause):
            nodes.append(Judgement(text=words, span=span))
            continue
        node = _read_clause(clause, norm, kind, vocab, errors)
        if isinstance(node, _Allowance):
            if nodes:
                nodes[-1] = _allow(nodes[-1], node, norm, kind, vocab)
            else:
                nodes.append(FreeText(text=words, span=span))
            continue
        nodes.append(node if node is not None else FreeText(text=words, span=span))
    if not nodes:
        stripped = text.strip()
        rule: Rule = FreeText(text=stripped, span=Span(start=0, end=len(text)))
        return CompiledCriterion(rule=rule, errors=tuple(errors))
    if len(nodes) == 1:
        return CompiledCriterion(rule=nodes[0], errors=tuple(errors))
    full = Span(start=0, end=len(text))
    combined: Rule = AllOf(items=tuple(nodes), span=full) if kind == "inclusion" else AnyOf(
        items=tuple(_flatten_any(nodes)), span=full)
    return CompiledCriterion(rule=combined, errors=tuple(errors))


def _trimmed(text: str, span: Span) -> Span:
    """The span without surrounding spaces and list punctuation."""
    start, end = span.start, span.end
    while start < end and (text[start].isspace() or text[start] in ",;:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return Span(start=start, end=end)


_COMPARATORS = {"GT", "GE", "LT", "LE", "EQ"}
_HEAD_TOKENS = {"WORD", "QUAL", "COND", "OR", "AND", "COMMA", "ANDOR", "OTHER"}


def _tidy(clause: list[Token]) -> list[Token]:
    """Drop what frames a clause without constraining it: a leading connective, a label
    ("Laboratory exclusions: …"), a description that a parenthesis or "determined by" defines
    ("severe liver dysfunction (bilirubin > 14 mg/L; …)")."""
    while clause and clause[0].type in ("OR", "AND", "COMMA", "ANDOR", "SEMI", "COLON"):
        clause = clause[1:]
    while clause and clause[-1].type in ("OR", "AND", "COMMA", "ANDOR", "SEMI", "COLON"):
        clause = clause[:-1]
    if len(clause) == 1 and clause[0].type == "NUMBER":
        return []  # a stray list number ("1") is not a criterion
    colon = next((k for k, t in enumerate(clause) if t.type == "COLON"), None)
    if colon and (all(t.type == "WORD" for t in clause[:colon]) or clause[0].type == "CLASSIFIED"):
        # a label ("Laboratory exclusions:"), or "criteria for active renal disease:" whose
        # list says what the criteria are
        clause = clause[colon + 1:]
    for k, t in enumerate(clause):
        if t.type not in _HEAD_TOKENS:
            if k and t.type == "DETERMINED_BY" and k + 1 < len(clause) and clause[k + 1].type == "MEASURE" \
                    and any(x.type in ("WORD", "COND") for x in clause[:k]):
                return clause[k + 1:]
            if k and t.type == "LPAR" and any(x.type in ("WORD", "COND") for x in clause[:k]):
                depth, j = 0, k
                for j in range(k, len(clause)):
                    depth += {"LPAR": 1, "RPAR": -1}.get(clause[j].type, 0)
                    if depth == 0:
                        break
                inner = clause[k + 1:j]
                if any(x.type in _COMPARATORS for x in inner) and all(x.type != "LPAR" for x in inner[:1]):
                    return inner + clause[j + 1:]
            break
    return clause


def _read_clause(clause: list[Token], norm: Normalised, kind: CriterionKind, vocab: Vocabulary,
                 errors: list[CompileError]) -> Rule | _Allowance | None:
    clause = _tidy(clause)
    if not clause or len(clause) > MAX_CLAUSE_TOKENS or _only_words(clause):
        return None
    try:
        tree = criteria_parser().parse(clause)
    except LarkError:
        return _classified(clause, norm)
    try:
        return _Reader(norm, kind, vocab).transform(tree)
    except VisitError as error:
        inner = error.orig_exc
        if isinstance(inner, UnitMismatch):
            errors.append(CompileError(str(inner), inner.span))
            return None
        if not isinstance(inner, _Unreadable):
            # a reader bug must not cost the criterion: its words stay, and the error is reported
            errors.append(CompileError(f"internal: {type(inner).__name__}: {inner}", None))
            return None
    return _classified(clause, norm)


def _classified(clause: list[Token], norm: Normalised) -> Rule | None:
    """"Fulfilling the 1997 ACR or 2012 SLICC classification criteria for SLE": for
    pre-screening, a diagnosis of the one condition the clause names."""
    if not any(t.type in ("CLASSIFIED", "CLASSIFICATION") for t in clause):
        return None
    conditions = {t.value for t in clause if t.type == "COND"}
    if len(conditions) != 1 or any(t.type in _COMPARATORS | {"NEG", "EXCEPT", "MED", "PROC"} for t in clause):
        return None
    token = next(t for t in clause if t.type == "COND")
    return HasCondition(concept=conditions.pop(), span=norm.span(token.start_pos, token.end_pos))


def _only_words(clause: list[Token]) -> bool:
    return all(t.type in ("WORD", "COMMA", "AND", "OR") for t in clause)


def _allow(node: Rule, allowance: _Allowance, norm: Normalised, kind: CriterionKind, vocab: Vocabulary) -> Rule:
    """"However, participants with secondary Sjögren's syndrome are allowed": the allowed
    conditions become exemptions of the conditions the previous clause names."""
    exemptions: list[Exemption] = []
    for p in allowance.seq.parts:
        if p.terminal != "COND" or p.concept is None:
            raise_unreadable = True
            if raise_unreadable:
                return node
        quals = tuple(q for q in p.quals if q in _EXEMPTION_QUALS)
        exemptions.append(Exemption(concept=p.concept, qualifiers=quals))

    def exempt(n: Rule) -> Rule:
        if isinstance(n, HasCondition):
            return n.model_copy(update={"excluding": n.excluding + tuple(exemptions)})
        if isinstance(n, (AllOf, AnyOf)):
            return n.model_copy(update={"items": tuple(exempt(i) for i in n.items)})
        if isinstance(n, Not):
            return n.model_copy(update={"item": exempt(n.item)})
        return n

    return exempt(node)


# --- the canonical language ----------------------------------------------------------------------


@v_args(inline=True)
class _RuleReader(Transformer):
    """rules.lark parse tree → rule nodes (no spans: the text is the rule itself)."""

    def any_of(self, *items):
        return items[0] if len(items) == 1 else AnyOf(items=items)

    def all_of(self, *items):
        return items[0] if len(items) == 1 else AllOf(items=items)

    def not_(self, item):
        return Not(item=item)

    def at_least(self, count, *items):
        return AtLeast(count=int(count), items=items)

    def conditional(self, when, then):
        return Conditional(when=when, then=then)

    def unit(self, token):
        return str(token)

    def window(self, amount, unit, direction, anchor):
        return TimeWindow(amount=float(amount), unit=str(unit), direction="past" if direction == "before" else "future",
                          anchor=str(anchor))

    def compare(self, concept, op, value, *rest):
        unit = next((r for r in rest if isinstance(r, str)), None)
        window = next((r for r in rest if isinstance(r, TimeWindow)), None)
        return Comparison(concept=str(concept), op=str(op), value=float(value), unit=unit, window=window)

    def normal_multiple(self, concept, op, factor, limit, window=None):
        return NormalMultiple(concept=str(concept), op=str(op), factor=float(factor), limit=str(limit), window=window)

    def titre(self, concept, op, titre, window=None):
        return Titre(concept=str(concept), op=str(op), dilution=int(str(titre)[2:]), window=window)

    def category(self, concept, *rest):
        window = rest[-1] if rest and isinstance(rest[-1], TimeWindow) else None
        values = tuple(str(v) for v in rest if isinstance(v, Token))
        return Category(concept=str(concept), values=values, window=window)

    def target(self, token):
        if token.type == "STRING":
            return ("term", json.loads(token))
        return ("concept", str(token))

    def quals(self, *tokens):
        return ("quals", tuple(str(t) for t in tokens))

    def exemption(self, concept, quals=None):
        return Exemption(concept=str(concept), qualifiers=quals[1] if quals else ())

    def exempt(self, *items):
        return ("exempt", tuple(items))

    def dose(self, op, value, unit):
        return Comparison(concept="dose", op=str(op), value=float(value), unit=unit)

    def _entity(self, cls, target, rest, **extra):
        fields: dict[str, object] = {target[0]: target[1]}
        for r in rest:
            if isinstance(r, TimeWindow):
                fields["window"] = r
            elif isinstance(r, Comparison):
                fields["dose"] = r
            elif r[0] == "quals":
                fields["qualifiers"] = r[1]
            elif r[0] == "exempt":
                fields["excluding"] = r[1]
        return cls(**fields, **extra)

    def condition(self, target, *rest):
        return self._entity(HasCondition, target, rest)

    def medication(self, target, *rest):
        return self._entity(TookMedication, target, rest)

    def procedure(self, target, *rest):
        return self._entity(HadProcedure, target, rest)

    def vaccination(self, concept, *rest):
        return self._entity(Vaccinated, ("concept", str(concept)), rest)

    def status(self, token):
        return Status(field=str(token))

    def judgement(self, token):
        return Judgement(text=json.loads(token))

    def free_text(self, token):
        return FreeText(text=json.loads(token))


def parse_rule(text: str) -> Rule:
    """Read a rule written in the criteria language (what the printer writes, or a reviewer)."""
    try:
        tree = rules_parser().parse(text)
    except LarkError as error:
        column = getattr(error, "column", None)
        where = f" at column {column}" if isinstance(column, int) and column > 0 else ""
        raise RuleSyntaxError(f"cannot read rule{where}: {text!r}", column if isinstance(column, int) else None) \
            from None
    node = _RuleReader().transform(tree)
    if isinstance(node, Tree):
        raise RuleSyntaxError(f"cannot read rule: {text!r}")
    return node


def unknown_concepts(rule: Node, vocab: Vocabulary | None = None) -> list[str]:
    """Concept ids a rule names that the vocabulary does not know (a hand-written rule's typos)."""
    from .nodes import walk

    vocab = vocab or load_vocabulary()
    missing: list[str] = []
    for n in walk(rule):
        concept = getattr(n, "concept", None)
        if concept and concept not in ("age", "dose") and vocab.lookup(concept) is None:
            missing.append(concept)
    return missing


@dataclass(frozen=True)
class CompiledTrial:
    """A trial with a rule per criterion: compiled from its text, or a reviewer's rule."""

    trial: Trial
    rules: Mapping[str, Rule]
    errors: Mapping[str, tuple[CompileError, ...]]
    reviewed: frozenset[str] = frozenset()


def compile_trial(trial: Trial, reviewed_rules: Mapping[str, str] | None = None) -> CompiledTrial:
    """Compile every criterion of a trial; ``reviewed_rules`` (criterion id → rule text in the
    criteria language) replace the compiler's reading where a reviewer has written one."""
    reviewed_rules = reviewed_rules or {}
    rules: dict[str, Rule] = {}
    errors: dict[str, tuple[CompileError, ...]] = {}
    for c in trial.criteria:
        if c.id in reviewed_rules:
            rules[c.id] = parse_rule(reviewed_rules[c.id])
            errors[c.id] = ()
            continue
        compiled = compile_criterion(c.text, c.kind)
        rules[c.id] = compiled.rule
        errors[c.id] = compiled.errors
    return CompiledTrial(trial, rules, errors, frozenset(reviewed_rules))


__all__ = [
    "CompileError", "CompiledCriterion", "CompiledTrial", "compile_trial", "Normalised", "RuleSyntaxError", "UnitMismatch",
    "compile_criterion", "normalise", "parse_rule", "tokenize", "unknown_concepts",
]
