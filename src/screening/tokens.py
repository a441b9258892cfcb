"""Criterion text → grammar tokens: the first stage of compiling.

1. :func:`normalise` — markdown escapes, unicode comparators, decimal commas and thousands
   separators, keeping a map back to the verbatim characters so spans point at the source words;
2. :func:`tokenize` — the vocabulary (concept names, longest first) and ``grammars/lexicon.yaml``
   (function words) turn the text into grammar terminals; numbers take their units; words whose
   role depends on their neighbours are settled;
3. :func:`clauses` — the tokens are cut at top-level ``;`` and sentence ends, so that each clause
   is parsed on its own and one unreadable clause cannot sink the criterion; :func:`tidy` drops
   what frames a clause without constraining it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lark import Token
from ruamel.yaml import YAML

from .grammar import grammar_dir
from .nodes import Span
from .units import UnitError, canonical_value, parse_unit
from .vocabulary import Concept, Vocabulary, load_vocabulary

# --- normalisation ----------------------------------------------------------------------------


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


# --- tokens -----------------------------------------------------------------------------------

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
        tokens.append(_token(terminal, value, start, end))

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


def _token(terminal: str, value: str, start: int, end: int) -> Token:
    """A grammar token over normalised text ``[start, end)`` (one line: criteria are flattened)."""
    return Token(terminal, value, start_pos=start, end_pos=end, line=1, column=start + 1, end_line=1,
                 end_column=end + 1)


def _retyped(t: Token, terminal: str, value: str | None = None) -> Token:
    return _token(terminal, t.value if value is None else value, t.start_pos, t.end_pos)


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
                t = _retyped(t, "COND", found.id)
        if t.type == "COND" and ptype in ("AND", "OR") and len(out) >= 2 and out[-2].type == "WORD":
            # "basal or squamous cell": the first name shares the second one's tail
            tail = text[t.start_pos:t.end_pos].split()[1:]
            found = vocab.lookup(" ".join([out[-2].value, *tail])) if tail else None
            if found is not None and found.category == vocab.get(t.value).category:
                out[-2] = _retyped(out[-2], "COND", found.id)
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
            out[-2:] = [_token("AT_LEAST_OF", count.value, out[-2].start_pos, t.end_pos)]
            continue
        if t.type == "OF" and ptype not in ("TIMEUNIT", "ANCHOR"):
            continue
        if t.type == "BETWEEN" and ntype != "NUMBER":
            continue
        if t.type == "TO" and ptype == "QUAL" and ntype == "QUAL":
            t = _retyped(t, "OR")  # "moderate to severe": either
        elif t.type == "TO" and not (ptype in ("NUMBER", "UNIT", "TIMEUNIT", "YEARS_OLD") and ntype == "NUMBER"):
            continue
        if t.type == "DASH" and not (ptype in ("NUMBER", "UNIT") and ntype == "NUMBER"):
            continue
        if t.type == "IF" and t.value.lower() in ("for", "when", "where") and ntype not in ("FEMALE", "MALE", "CBP"):
            continue
        if t.type == "QUAL" and t.value == "history" and ntype == "NUMBER":
            t = _retyped(t, "WITHIN")
        raw = text[t.start_pos:t.end_pos]
        if categories and t.type != "CATEGORICAL" and (t.type == "PLUS" or _ROMAN_OR_LETTER.match(raw)):
            # ISN/RPS "III+V", BILAG "A": values of the categorical name read before ("IV" is
            # not intravenous here)
            if t.type != "PLUS" and (raw in categories or any(raw in c.split("+") for c in categories)):
                t = _retyped(t, "WORD", raw)
                if ptype == "PLUS" and len(out) >= 2 and out[-2].type == "CATVAL":
                    joined = f"{out[-2].value}+{t.value}"
                    out[-2:] = [_token("CATVAL", joined, out[-2].start_pos, t.end_pos)]
                    continue
                t = _retyped(t, "CATVAL")
            elif t.type == "PLUS" and ptype == "CATVAL":
                out.append(t)
                continue
        if t.type == "PLUS":
            continue
        if t.type == "TREATMENT":
            if ptype == "MED" or ntype == "MED":
                continue  # "antibiotic treatment", "treatment: methotrexate"
            t = _retyped(t, "WORD")
        if t.type == "TIMES" and ptype != "NUMBER":
            t = _retyped(t, "WORD")  # "at time of …" is not a multiplication
        if t.type == "TIMEUNIT" and ptype == "WITHIN":
            # "in the past year": one of them
            out.append(_token("NUMBER", "1", t.start_pos, t.start_pos))
        if t.type in ("AND", "OR", "ANDOR", "COMMA") and ptype == "ABLE" and ntype == "ABLE":
            continue  # "able to understand and give consent"
        if t.type in ("OR", "AND", "ANDOR") and (ntype is None or ntype in ("DURING_TRIAL", "WITHIN", "WITHIN_NEXT",
                                                                             "RPAR", "PERIOD", "SEMI")):
            continue  # a connective with nothing after it ("needed / received during the study")
        if t.type in ("EXCEPT", "INCLUDING", "ETC") and ptype == "COMMA":  # ", except X" belongs to the part before
            out.pop()
        out.append(t)
    return _fold(out, text)


_NAMES = {"MEASURE", "QUALITATIVE", "CATEGORICAL", "FLAG", "COND", "MED", "PROC", "VACC"}
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


def _fold(tokens: list[Token], text: str) -> list[Token]:
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
            out.append(_token("UNCONSTRAINED", "", t.start_pos, last.end_pos))
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
                    out.append(_token("ANNOTATION", "", t.start_pos, tokens[j].end_pos))
                    k = j + 1
                    continue
                if len(inner) == 1 and out and out[-1].type == inner[0].type and (
                        out[-1].value == inner[0].value or out[-1].type in ("ULN", "LLN")):
                    k = j + 1
                    continue
                if len(inner) == 1 and out and out[-1].type in _NAMES and inner[0].type in _NAMES \
                        and text[inner[0].start_pos:inner[0].end_pos].isupper():
                    # "mechanical ventilation (CMV)": an abbreviation of the name before it, even
                    # where the vocabulary knows the letters as something else
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
                if not inner or inner[-1].type == "HOWEVER_ALLOWED":
                    k = j + 1  # "(transfusion allowed)": a permission constrains nothing
                    continue
        if t.type == "COND" and out and out[-1].type == "COND" and load_vocabulary().is_a(out[-1].value, t.value):
            k += 1  # "human immunodeficiency virus (HIV) infection": the infection is the virus's
            continue
        out.append(t)
        k += 1
    return out


# --- clauses ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Clause:
    tokens: list[Token]
    start: int  # normalised offsets of the clause's words, separators excluded
    end: int


def clauses(tokens: list[Token], length: int) -> list[_Clause]:
    """Cut at top-level ``;`` and sentence ends, and before "However" — except in a list that
    "one of the following:" opens, whose items stay together as alternatives."""
    clauses: list[_Clause] = []
    current: list[Token] = []
    start = 0
    depth = 0
    choosing = False  # inside "any of the following: A; B; C"

    def close(end: int) -> None:
        if current:
            clauses.append(_Clause(list(current), start, end))
        current.clear()

    for t in tokens:
        if t.type == "LPAR":
            depth += 1
        elif t.type == "RPAR":
            depth = max(0, depth - 1)
        if t.type == "COLON" and any(x.type in ("ANY_OF", "AT_LEAST_OF") for x in current):
            choosing = True
        if depth == 0 and t.type in ("SEMI", "PERIOD") and choosing:
            current.append(_retyped(t, "OR"))
            continue
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


COMPARATORS = {"GT", "GE", "LT", "LE", "EQ"}
_HEAD_TOKENS = {"WORD", "QUAL", "COND", "OR", "AND", "COMMA", "ANDOR", "OTHER"}


def tidy(clause: list[Token]) -> list[Token]:
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
                if any(x.type in COMPARATORS for x in inner) and all(x.type != "LPAR" for x in inner[:1]):
                    return inner + clause[j + 1:]
            break
    return clause


def only_words(clause: list[Token]) -> bool:
    return all(t.type in ("WORD", "COMMA", "AND", "OR") for t in clause)
