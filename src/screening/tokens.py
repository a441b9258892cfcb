"""Criterion text → grammar tokens: the first stage of compiling.

1. :func:`normalise` — markdown escapes, unicode comparators, decimal commas and thousands
   separators, keeping a map back to the verbatim characters so spans point at the source words;
2. :func:`tokenize` — the vocabulary (concept names, longest first) and ``grammars/lexicon.yaml``
   (function words) turn the text into grammar terminals; numbers take their units; phrases that
   read as one are settled (standards and their versions, list labels, "at least one", a
   threshold for one sex, "unless …"), then the words whose role depends on their neighbours;
3. :func:`clauses` — the tokens are cut at top-level ``;`` and sentence ends, so that each clause
   is parsed on its own and one unreadable clause cannot sink the criterion; :func:`tidy` drops
   what frames a clause without constraining it.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from lark import Token
from ruamel.yaml import YAML

from .grammar import grammar_dir
from .nodes import Span
from .units import UnitError, canonical_value, parse_unit, ureg
from .vocabulary import Concept, Vocabulary, load_vocabulary

# --- normalisation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Normalised:
    """Normalised text and, for each of its characters, the offset of the verbatim character."""

    text: str
    origin: tuple[int, ...]  # len(text) + 1 entries; the last is the verbatim length

    def span(self, start: int, end: int) -> Span:
        return Span(start=self.origin[start], end=self.origin[max(end, start)])


_ABILITY = r"(?:speak|read|write|understand)s?"
_ABILITY_SEP = r"\s*(?:,\s*and|,\s*or|and/or|and|or|,)\s*"
# "speak, read and write English": abilities of a language named once at the end
_ABILITIES = re.compile(rf"(?i:\b(unable\s+to|inability\s+to|not\s+able\s+to|cannot|not)\s+)?"
                        rf"(?i:\b({_ABILITY}(?:{_ABILITY_SEP}{_ABILITY})+))\s+(?:in\s+)?([A-Z][a-z]+)\b")


def _each_ability(m: re.Match[str]) -> str:
    """Each ability with its language ("speak English and read English"); after a negation the
    words stay as they are, since whether "unable to speak or read" is either or both is not said."""
    language = m.group(3)
    if m.group(1) or f"speaks_{language.lower()}" not in load_vocabulary().concepts:
        return m.group(0)  # ("read and understand Informed Consent" names no language)
    return re.sub(rf"(?i)\b({_ABILITY})\b(?={_ABILITY_SEP})", rf"\1 {language}", m.group(2)) + f" {language}"


# "BP > 140/90 mmHg": a pressure written as a pair is high when either value is, and below a pair
# when both are (hypertension is SBP ≥ 140 or DBP ≥ 90)
_PRESSURE_OPS = {">": ">", ">=": ">=", "=>": ">=", "<": "<", "<=": "<=", "=<": "<=", "greater than": ">",
                 "more than": ">", "higher than": ">", "above": ">", "over": ">", "exceeding": ">",
                 "at least": ">=", "less than": "<", "lower than": "<", "below": "<", "under": "<",
                 "no more than": "<=", "not more than": "<=", "no greater than": "<=", "at most": "<="}
_PRESSURE_PAIR = re.compile(
    r"(?i)\b(?:blood\s+pressure|BP)(?:\s*\(BP\))?\s*(?:of\s+|is\s+|:\s*)?("
    + "|".join(sorted((re.escape(o).replace("\\ ", r"\s+") for o in _PRESSURE_OPS), key=len, reverse=True))
    + r")\s*(\d{2,3})\s*/\s*(\d{2,3})(?:\s*mm\s*Hg\b)?")


def _pressure_pair(m: re.Match[str]) -> str:
    op = _PRESSURE_OPS[" ".join(m.group(1).lower().split())]
    # (both below: "with", which joins one reading in an exclusion too, where "and" between two
    # limits would read as either)
    joined = "or" if op.startswith(">") else "with"
    return f"systolic blood pressure {op} {m.group(2)} mmHg {joined} diastolic blood pressure {op} {m.group(3)} mmHg"


_REWRITES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(p), r) for p, r in (
        (r"\\([<>^\[\]_*#\-.()+!=~|`])", r"\1"),      # markdown escapes: \> → >
        (r"[≥≧⩾]", ">="), (r"[≤≦⩽]", "<="), (r"＞", ">"), (r"＜", "<"),
        (r"[–—−‐]", "-"), (r"[’‘`´]", "'"), (r"[“”]", '"'), (r"\u00a0|\u2009|\u202f", " "),
        (r"(?<=\d),(?=\d{3}(?!\d))", ""),              # thousands: 100,000 → 100000
        (r"(?<=\d),(?=\d{1,2}\s*[A-Za-zµμ%/])", "."),  # decimal comma before a unit: 5,4 mEq/l
        (r"(?<=\d) (?=000(?!\d))", ""),                # 100 000 → 100000
        # a power of ten whose superscript was lost: "20 x 10 9/L", "1 x 109/L", "100x103/mm3"
        (r"(?<=\d)\s*([x×])\s*10 ?(3|6|9|12)(?=\s*/)", r" \1 10^\2"),
        (r"(?<=\d)\s*mm\s+Hg\b", " mmHg"),              # "140 mm Hg"
        (_ABILITIES, _each_ability),
        (_PRESSURE_PAIR, _pressure_pair),
        # "(minimum sensitivity 25 IU/L or equivalent units of HCG)": how sensitive the test must be
        (r"(?i)\s*\(\s*minimum\s+sensitivity\b[^()]*\)", ""),
        # "Women of childbearing potential must have a negative serum test": a pregnancy test
        (r"(?i)(\b(?:child-?bearing|WOCBP)\b[^.;]{0,80}?\bnegative\s+(?:(?:serum|urine|urinary|blood)\s+"
         r"(?:or\s+(?:serum|urine|urinary|blood)\s+)?)?)(test)\b", r"\1pregnancy \2"),
        (r"(?i)(?<=\d)\s*beats\s+(?:per|a|/)\s*min(?:ute)?\b", " bpm"),   # "100 beats per minute"
        (r"(?i)(?<=\d)\s*breaths\s+(?:per|a|/)\s*min(?:ute)?\b", " /min"),
        # a threshold that is a power of ten: "HBV DNA ≥ 10^4 IU/mL" (not "× 10^9/L", a unit)
        *((rf"((?:[<>]=?|=)\s*)10\s*\^\s*{power}\b(?!\s*/)", rf"\g<1>{10 ** power}")
          for power in range(2, 10)),
        # "a positive pre-study drug/alcohol screen": either test, done before the study (at screening)
        (r"(?i)\bpre-?study\s+(?=(?:urine\s+)?(?:drug|alcohol|pregnancy)\b)", ""),
        (r"(?i)\b(?:urine\s+)?drugs?(?:\s+of\s+abuse)?\s*(?:/|and/or|and|or)\s*alcohol\s+(screen(?:ing)?|tests?)\b",
         r"drug screen or alcohol \1"),
        # "allergy or hypersensitivity to the study drug or its excipients": one reaction to the product
        (r"(?i)\b(?:allerg(?:y|ies)\s+(?:or|and/or)\s+hypersensitivit(?:y|ies)|hypersensitivit(?:y|ies)\s+(?:or|and/or)"
         r"\s+allerg(?:y|ies))(?=\s+to\b)", "hypersensitivity"),
        (r"(?i)(\bstudy\s+(?:drugs?|treatments?|medications?|interventions?)|\binvestigational\s+(?:medicinal\s+)?product)"
         r"\s*,?\s+(?:or|and/or)\s+(?:to\s+)?(?:any\s+of\s+)?(?:its|their)\s+(?:excipients|components|ingredients)\b", r"\1"),
        # "impaired hepatic or renal function": impaired function of either organ
        (r"(?i)\bimpaired\s+(hepatic|liver|renal|kidney)\s+(or|and/or|and)\s+(hepatic|liver|renal|kidney)\s+function\b",
         r"impaired \1 function \2 impaired \3 function"),
        # "any investigational drug or device": investigational both
        (r"(?i)\b(investigational|experimental)\s+(drugs?|agents?|products?|medications?|therap(?:y|ies)|treatments?)"
         r"\s+(or|and/or|and)\s+devices?\b", r"\1 \2 \3 \1 device"),
        # "active or latent tuberculosis": the name is said of both (latent TB is not a kind of active
        # TB); latent first, so that "active" is not shared forward onto it
        (r"(?i)\b(?:active\s+or\s+latent|latent\s+or\s+active)\s+((?:tuberculosis|TB)(?:\s+infection)?)\b",
         r"latent \1 or active \1"),
        # "pancreatitis (acute or chronic)": either, which the name alone says
        (r"(?i)\s*\(\s*(?:either\s+)?(?:acute\s+or\s+chronic|chronic\s+or\s+acute)\s*\)", ""),
        # "not pregnant, confirmed by pregnancy test": how it is known (a recent test counts already)
        (r"(?i)(\bpregnant\b)\s*,?\s*(?:as\s+)?(?:confirmed|documented|determined|verified)\s+by\s+(?:an?\s+)?"
         r"(?:negative\s+)?(?:(?:serum|urine|blood)\s+(?:or\s+(?:serum|urine|blood)\s+)?)?pregnancy\s+test(?:ing|s)?\b", r"\1"),
        # "postmenopausal (no menses for at least 12 months)": how menopause is told, not more asked
        (r"(?i)(\bpost-?menopausal(?:\s+(?:wom[ae]n|females?|subjects|patients|participants))?\b)\s*\((?=[^()]*\b(?:menses|menstrua\w*|amenorrh\w*)\b)[^()]*\)", r"\1"),
        # "(Appendix 3)", "(see Section 5.2)": where the protocol says more, not a value
        (r"(?i)\s*\(\s*(?:see\s+)?(?:appendix|section|table|figure|attachment|annex)\b[^()]*\)", ""),
        # why the protocol excludes, not whom: "(due to the possibility of exacerbation …)",
        # "… are excluded because the effects of X on a fetus are unknown"
        (r"(?i)\s*\((?:due\s+to|because\s+of)\s+(?:the\s+|a\s+)?(?:potential|possible|possibility|risk|risks"
         r"|theoretical|unknown)\b[^()]*(?:\([^()]*\)[^()]*)*\)", ""),
        # (but "anemia because of bleeding", "contraindication to aspirin because of allergy" say which)
        (r"(?i)\b(excluded|ineligible|not\s+(?:be\s+)?eligible)\s*,?\s+because\b[^.;()]*", r"\1"),
        (r"(?i),?\s+because\s+of\s+(?:the\s+|a\s+)?(?:potential|possible|possibility|risk|risks|theoretical"
         r"|unknown)\b[^.;()]*", ""),
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
            if callable(repl):
                # words written out anew ("systolic blood pressure > 140 mmHg or …" for "BP >
                # 140/90"): each piece points into the words it stands for, in order
                replacement = repl(m)
                width = m.end() - m.start()
                new_origin.extend(origin[m.start() + i * width // max(len(replacement), 1)]
                                  for i in range(len(replacement)))
            else:
                replacement = m.expand(repl)
                new_origin.extend([origin[m.start()]] * len(replacement))
            pieces.append(replacement)
            last = m.end()
        pieces.append(out[last:])
        new_origin.extend(origin[last:len(out)])
        new_origin.append(origin[len(out)])
        out, origin = "".join(pieces), new_origin
    return Normalised(out, tuple(origin))


# --- tokens -----------------------------------------------------------------------------------

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

    def __init__(self, entries: Iterable[_Entry], bare_units: Iterable[str], methods: Iterable[str] = (),
                 method_words: Iterable[str] = (), only_high_abnormal: Iterable[str] = (),
                 treated_by: Mapping[str, str] | None = None, measured_as: Mapping[str, str] | None = None,
                 from_now: Iterable[str] = (), snellen: Iterable[str] = (),
                 episode_of: Mapping[str, str] | None = None, rate_of: Mapping[str, str] | None = None,
                 other_gradings: Iterable[str] = (), lines_of_any: str | None = None,
                 class_abbreviations: Mapping[str, str] | None = None, staged_by: Mapping[str, str] | None = None) -> None:
        self.by_first: dict[str, list[_Entry]] = {}
        self.methods = frozenset(methods)  # procedure ids that can only be how a finding was seen
        self.method_words = frozenset(method_words)
        self.only_high_abnormal = frozenset(only_high_abnormal)  # "normal X" is X <= ULN
        self.treated_by = dict(treated_by or {})  # condition id → the drug class that treats it
        self.lines_of_any = lines_of_any  # the class "lines of therapy" counts when no drug is named
        self.measured_as = dict(measured_as or {})  # condition id → the measure it is a value of
        self.from_now = frozenset(from_now)  # measures of a time counted forward from screening
        self.snellen = frozenset(snellen)  # visual acuity measures a Snellen fraction may be written for
        self.episode_of = dict(episode_of or {})  # condition id → the concept of one of its episodes
        self.rate_of = dict(rate_of or {})  # event id → the measure of how often it happens
        self.other_gradings = frozenset(w.lower() for w in other_gradings)  # "WHO grade": not CTCAE
        self.class_abbreviations = dict(class_abbreviations or {})  # "ASA" before classes → its scale
        self.staged_by = dict(staged_by or {})  # cancer class → the staging a bare "stage" is, in order
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


def _concept_terminal(concept: Concept, vocab: Vocabulary) -> str | None:
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
            return _concept_terminal(c, vocab)
    return None


@functools.cache
def _lexicon() -> _Lexicon:
    data = YAML(typ="safe").load((grammar_dir() / "lexicon.yaml").read_text(encoding="utf-8"))
    entries: list[_Entry] = []
    seen: dict[tuple[str, ...], str] = {}
    bare_units = data.pop("BARE_UNITS", [])
    vocab = load_vocabulary()
    methods = {d for m in data.pop("METHOD_PROCEDURES", []) for d in vocab.descendants(m) | {m}}
    method_words = {" ".join(phrase.lower().split()) for phrase in data.pop("METHOD_WORDS", [])}
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

    def add(form: str, terminal: str, value: str, case_sensitive: bool, vocabulary: bool) -> None:
        # a name is matched against normalised text, so it is normalised too ("grade ≤ 1")
        pieces = _pieces(normalise(form).text if vocabulary else form)
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
        terminal = _concept_terminal(vocab.get(concept_id), vocab)
        if terminal is not None:
            add(form, terminal, concept_id, case_sensitive, True)
    return _Lexicon(entries, bare_units, methods, method_words, only_high_abnormal, treated_by, measured_as, from_now,
                    snellen, episode_of, rate_of, other_gradings, lines_of_any, class_abbreviations, staged_by)


_AFTER_NUMBER = frozenset({"TIMEUNIT", "YEARS_OLD", "ULN", "LLN", "TIMES"})
_SCIENTIFIC = re.compile(r"\s*[x×*]\s*10\s*(?:\^|\*\*?|e)?\s*\d+")
_UNIT_STOP = re.compile(r"[\s,;()\[\]]")
# "x 10^9/L" is the unit 10^9/L; the canonical language writes it without the sign
_LEADING_TIMES = re.compile(r"^[x×*]\s*(?=10)")


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
        if j == i or (chunks and text[i:j].isalpha() and text[i:j].lower() not in bare_units):
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
            daily = _DAILY.match(text, end)
            if daily and not re.search(r"/\s*d(?:ay)?\b", candidate) and _readable_unit(f"{candidate}/day"):
                return f"{candidate}/day", daily.end()  # "10 mg daily" is 10 mg/day
            return candidate, end
    return None


_DAILY = re.compile(r"\s+(?:daily|per\s+day|a\s+day|each\s+day)\b", re.IGNORECASE)


def _unit_like(candidate: str, bare_units: frozenset[str]) -> bool:
    # pint reads many English words as units ("a", "at", "in", "s"): a unit here must look like
    # one — a ratio, a percent, a power of ten — or be a unit people write bare.
    if any(c in candidate for c in "/%^²³") or _SCIENTIFIC.match(" " + candidate):
        return True
    return candidate.lower().replace(" ", "") in bare_units


_WINDOW_STARTS = frozenset({"WITHIN", "WITHIN_NEXT", "DURING_TRIAL", "AT_ANCHOR"})
_ROMAN_OR_LETTER = re.compile(r"^(?:[IVX]+[A-D]?|[A-E])$")
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
# What may follow a class value written as a number ("NYHA class 3 or 4"); "class II, 3 months" is
# not class III.
_AFTER_CLASS_NUMBER = frozenset({"COMMA", "OR", "AND", "ANDOR", "DASH", "TO", "RPAR", "SEMI", "PERIOD", "COND"})
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
            name = lex.match(pieces, i) if i < len(pieces) else None
            if name is not None and name.from_vocabulary and len(name.keys) > 1:
                continue  # "≥ 1 MS relapse": a name of several words, not "1 ms" and a word
            unit = _read_unit(text, p.end, lex.bare_units)
            if unit is not None:
                unit_text, unit_end = unit
                unit_start = p.end + (len(text[p.end:]) - len(text[p.end:].lstrip(" ")))
                # "kg / m2", "mL/min/1.73 m2": one unit, written as one word (which is how the
                # rule language prints it and reads it back)
                emit("UNIT", re.sub(r"\s+", "", _LEADING_TIMES.sub("", unit_text)), unit_start, unit_end)
                while i < len(pieces) and pieces[i].start < unit_end:
                    i += 1
            continue
        entry = lex.match(pieces, i)
        if entry is not None:
            end = pieces[i + len(entry.keys) - 1].end
            if entry.terminal != "filler":
                emit(entry.terminal, entry.value, p.start, end)
            elif p.text == "A" and _after_class_name(tokens):
                emit("WORD", "A", p.start, end)  # "Child-Pugh class A": a value, not an article
            i += len(entry.keys)
            continue
        if p.kind == "word":
            emit("WORD", p.text, p.start, p.end)
        elif p.text == ".":
            emit("PERIOD", ".", p.start, p.end)
        elif p.text == "+":
            emit("PLUS", "+", p.start, p.end)
        i += 1
    tokens = _unresolved_toxicity(_grades(_negative_numbers(_proxies(tokens)), text), text)
    tokens = _in_context(_cancer_stages(_class_abbreviations(tokens, text), vocab, text), vocab, text)
    tokens = _numbered_siblings(_durations(_stable_drugs(tokens, text), text), vocab, text)
    tokens = _kind_named_with_class(_unless_words(tokens, vocab, text), vocab, text)
    tokens = _organs_sharing_a_name(tokens, vocab, text)
    # passes that only read the tokens around them, in this order
    tokens = _measured_while(_elliptic_counts(_rates(tokens, text)))
    for settle in (_half_lives, _comply_lists, _adjective_commas, _trailing_conditions, _repeated_names, _ages_of_age,
                   _age_bounds, _item_labels, _contraception_periods, _not_childbearing_or, _subgroup_after_sex,
                   _women_planning, _childbearing_items, _within_range, _test_before, _counted_from_anchor,
                   _ages_by_word, _ages_of_patients, _women_with, _pregnant_with, _age_with, _dated_diagnoses,
                   _history_amounts, _thresholds_by_sex, _caveat_words, _level_words, _alternative_limits, _choice_first,
                   _dose_ranges, _during_or_before, _planned_too, _off_for, _expected_to_require, _unless_negative):
        tokens = settle(tokens)
    # passes that also read the words between the tokens, in this order
    for settle_in_text in (_patients_with, _now_or_before, _treated_with, _naive_to, _washout_of, _counted_regimens,
                           _progressed_on, _scale_of_the_value):
        tokens = settle_in_text(tokens, text)
    tokens = _treatment_lists(tokens)  # the REQUIRING that _treated_with adds
    for settle_in_text in (_completed_before, _sexed_statuses, _snellen, _measures_with, _persistent_values):
        tokens = settle_in_text(tokens, text)
    return tokens


# A class value as written: a roman numeral, or a small number ("ASA 1-3").
_CLASS_VALUE = re.compile(r"^(?:I|II|III|IV|V|VI)(?:[-–](?:I|II|III|IV|V|VI))?$|^[1-6]$")
_AFTER_CLASS_VALUE = frozenset({"DASH", "TO", "OR", "COMMA", "AND", "PERIOD", "SEMI", "RPAR", "LPAR"})


def _class_abbreviations(tokens: list[Token], text: str) -> list[Token]:
    """"ASA I-III", "ASA ≥ 3": letters that name another concept ("ASA" is aspirin) name a class
    scale when its classes follow them (lexicon CLASS_ABBREVIATIONS); "ASA 81 mg" stays aspirin."""
    named = _lexicon().class_abbreviations
    out = list(tokens)
    for k, t in enumerate(out):
        scale = named.get(text[t.start_pos:t.end_pos])
        if scale is None or t.type == "CATEGORICAL":
            continue
        j = k + 1 + (k + 1 < len(out) and out[k + 1].type in COMPARATORS)
        if j >= len(out) or not _CLASS_VALUE.match(text[out[j].start_pos:out[j].end_pos]):
            continue
        if out[j].type == "NUMBER" and j + 1 < len(out) and out[j + 1].type not in _AFTER_CLASS_VALUE:
            continue  # "ASA 3 times daily"
        out[k] = _retyped(t, "CATEGORICAL", scale)
    return out


def _thresholds_by_sex(tokens: list[Token]) -> list[Token]:
    """"Male subjects weigh ≥ 50 kg, female subjects weigh ≥ 45 kg", "Body weight: male ≥ 50 kg,
    female ≥ 45 kg": one measure with a threshold for each sex, read as "weight (men ≥ 50 kg,
    women ≥ 45 kg)". Both sexes must be given, of one measure (one sex alone, "women aged 18-45",
    is who may take part)."""
    def threshold(k: int, named: bool) -> int | None:
        """Where "SEX MEASURE? cmp NUMBER UNIT?" starting at ``k`` ends (the measure there when
        ``named``), or None."""
        m = k + 2 if named else k + 1
        if m + 1 < len(out) and out[k].type in ("MALE", "FEMALE") and (not named or out[k + 1].type == "MEASURE") \
                and out[m].type in COMPARATORS and out[m + 1].type == "NUMBER":
            return m + 3 if m + 2 < len(out) and out[m + 2].type == "UNIT" else m + 2
        return None

    out = list(tokens)
    k = 0
    while k < len(out):
        starts = k == 0 or out[k - 1].type in ("COMMA", "SEMI")
        named = starts and k < len(out) and out[k].type in ("MALE", "FEMALE")
        lead = k if named else k + (2 if k + 1 < len(out) and out[k + 1].type == "COLON" else 1)
        if not named and out[k].type != "MEASURE":
            k += 1
            continue
        first = threshold(lead, named)
        second = threshold(first + 1, named) if first is not None and first < len(out) \
            and out[first].type in ("COMMA", "AND", "SEMI") else None
        if second is None or out[lead].type == out[first + 1].type \
                or named and out[lead + 1].value != out[first + 2].value:
            k += 1
            continue
        measure = out[lead + 1] if named else out[k]
        skip = 2 if named else 1  # the sex, and the measure said with it
        pieces = [measure, _token("LPAR", "(", measure.end_pos, measure.end_pos)]
        for begin, end in ((lead, first), (first + 1, second)):
            pieces.append(_token("FOR_SEX", out[begin].type.lower(), out[begin].start_pos,
                                 out[begin + skip - 1].end_pos))
            pieces.extend(out[begin + skip:end])
            if begin == lead:
                pieces.append(out[first])
        pieces.append(_token("RPAR", ")", out[second - 1].end_pos, out[second - 1].end_pos))
        out[k:second] = pieces
        k += len(pieces)
    return out


# Words saying the patient can or will ("willing to sign consent"): a capacity, not the signature.
WILLING = re.compile(r"\b(?:able|abilit|willing|capable|understand|agree|accept|commit)", re.IGNORECASE)


def _proxies(tokens: list[Token]) -> list[Token]:
    """"Signed consent by the patient or legal guardian" is consent, whoever signs: the proxy is
    dropped. "Patient or legal representative able to give consent", "patient or carer willing to
    comply", "patient or guardian unable to consent": the patient need not be able to, so the
    sentence is not the patient's attribute and the proxy stays a word (free text)."""
    out: list[Token] = []
    sentence: list[Token] = []
    for t in [*tokens, None]:
        if t is not None and t.type not in ("PERIOD", "SEMI"):
            sentence.append(t)
            continue
        capacity = any(x.type in ("COMPLY", "NEG") or x.type == "ABLE" and WILLING.search(x.value) for x in sentence)
        out.extend(_retyped(x, "WORD") if x.type == "PROXY" else x
                   for x in sentence if x.type != "PROXY" or capacity)
        sentence = []
        if t is not None:
            out.append(t)
    return out


# After these a "-" stuck to a number is its sign, not a range or a hyphen: "≤ -2.5", "between
# -2.5 and -1".
_SIGNED_AFTER = frozenset({"GT", "GE", "LT", "LE", "EQ", "BETWEEN", "AND", "TO", "OR", "COLON", "LPAR"})


def _negative_numbers(tokens: list[Token]) -> list[Token]:
    """Merge a minus sign into the number it is written against."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if t.type == "DASH" and t.value in ("-", "–", "—") and nxt is not None and nxt.type == "NUMBER" \
                and nxt.start_pos == t.end_pos and out and out[-1].type in _SIGNED_AFTER:
            out.append(_token("NUMBER", "-" + nxt.value, t.start_pos, nxt.end_pos))
            k += 2
            continue
        out.append(t)
        k += 1
    return out


# A criterion that names the adverse-event scale: its grades are CTCAE grades, of any condition.
_CTCAE = re.compile(r"\bCTCAE\b|\bNCI[- ]CTC\b|Common Terminology Criteria", re.IGNORECASE)
_GRADE_WORDS = frozenset({"grade", "grades"})
_SEVERITIES = frozenset({"mild", "moderate", "severe"})
# Words after "or" that open a grade upwards ("grade 2 or higher") or downwards ("grade 1 or lower").
_GRADES_UP = frozenset({"higher", "greater", "above", "worse", "more", "over"})
_GRADES_DOWN = frozenset({"lower", "less", "below", "better", "under"})
_GRADE_LIST = frozenset({"OR", "COMMA", "ANDOR", "AND"})
# Before "grade" these say the grade is of something else ("WHO grade", "histologic grade",
# "NYHA grade", "K-L severity grade"): a word, a scale, a number.
_NOT_CTCAE_BEFORE = frozenset({"WORD", "MEASURE", "CATEGORICAL", "CLASS", "NUMBER", "DASH", "PLUS"})
_ANY_BEFORE = re.compile(r"(?i)\bany\s*$")
_WORD_BEFORE = re.compile(r"([\w-]+)\s*$")
_SCALE_WORDS = re.compile(r"(?i)^(?:NCI|CTC|CTCAE|v\d+(?:\.\d+)*)$")


def _grade_number(t: Token | None) -> int | None:
    return int(t.value) if t is not None and t.type == "NUMBER" and re.fullmatch(r"[0-5]", t.value) else None


def _grade_at(tokens: list[Token], k: int) -> tuple[int, int, int, int] | None:
    """The CTCAE grades a phrase around the grade word at ``k`` says, as (first token, end token,
    lowest, highest); 0 as the lowest says "none or up to". None when it is not such a phrase."""
    def at(j: int) -> Token | None:
        return tokens[j] if 0 <= j < len(tokens) else None

    first = k
    before = at(k - 1)
    if before is not None and before.type in COMPARATORS:
        # "≥ grade 3", "> grade 1", "at least grade 2"
        number = _grade_number(at(k + 1))
        if number is None:
            return None
        first, end, op = k - 1, k + 2, before.type
    elif at(k + 1) is not None and at(k + 1).type in COMPARATORS:
        # "grade ≥ 2", "grade greater than or equal to 2"
        number = _grade_number(at(k + 2))
        if number is None:
            return None
        end, op = k + 3, at(k + 1).type
    else:
        # "grade 3", "grade 3 or 4", "grade 3-4", "grade 2 or higher", "grade 2+", "grade 0-1"
        numbers = [_grade_number(at(k + 1))]
        if numbers[0] is None:
            return None
        end, ranged = k + 2, False
        while at(end) is not None and at(end).type in (_GRADE_LIST | {"DASH", "TO"}) \
                and _grade_number(at(end + 1)) is not None:
            ranged = ranged or at(end).type in ("DASH", "TO")
            numbers.append(_grade_number(at(end + 1)))
            end += 2
        if len(numbers) != 2 if ranged else numbers != list(range(numbers[0], numbers[-1] + 1)):
            return None  # "grade 1 or 3", "grade 1-2-3": not one range of grades
        low, high = numbers[0], numbers[-1]
        tail = at(end)
        word = at(end + 1)
        if tail is not None and tail.type == "GE" or tail is not None and tail.type == "PLUS" and len(numbers) == 1:
            high, end = 5, end + 1  # "grade 2 or greater", "grade 2+"
        elif tail is not None and tail.type == "LE":
            low, end = 0, end + 1  # "grade 1 or less"
        elif tail is not None and tail.type in ("OR", "AND") and word is not None and word.type == "WORD" \
                and word.value.lower() in _GRADES_UP | _GRADES_DOWN:
            if word.value.lower() in _GRADES_UP:
                high = 5
            else:
                low = 0
            end += 2
        op = None
    if op is not None:
        low, high = {"GT": (number + 1, 5), "GE": (number, 5), "LT": (0, number - 1), "LE": (0, number),
                     "EQ": (number, number)}[op]
    after = at(end)
    if after is not None and after.type == "WORD" and len(after.value) == 1:
        return None  # "grade 3a follicular lymphoma": a grade of the tumour
    if not 0 <= low <= high <= 5 or high == 0 or (low, high) == (0, 5):
        return None
    return first, end, low, high


def _grades(tokens: list[Token], text: str) -> list[Token]:
    """"Grade ≥ 2", "≥ grade 3", "grade 3 or 4", "grade 2 or higher", "CTCAE grade ≥ 3" become one
    GRADE token whose value is the range of grades, "2-5", "0-1" (none, or up to 1), with
    " ctcae" when the criterion names the scale; "WHO grade 2", "Gleason grade 3" do not."""
    ctcae = " ctcae" if _CTCAE.search(text) else ""
    out = list(tokens)
    k = 0
    while k < len(out):
        t = out[k]
        named = t.type == "MEASURE" and t.value == "ctcae_grade"
        if not (named or t.type == "WORD" and t.value.lower() in _GRADE_WORDS):
            k += 1
            continue
        found = _grade_at(out, k)
        if found is None and not named and _ANY_BEFORE.search(text, 0, t.start_pos) \
                and not (k + 1 < len(out) and out[k + 1].type in COMPARATORS | {"NUMBER"}):
            # "myocarditis of any grade": the condition, whatever its grade
            first = k - 1 if k > 0 and out[k - 1].type == "OF" else k
            del out[first:k + 1]
            k = first
            continue
        if found is None:
            k += 1
            continue
        first, end, low, high = found
        before = out[first - 1] if first > 0 else None
        named_by = out[k - 1] if k > 0 else None  # the word right before "grade", if any
        word_before = _WORD_BEFORE.search(text, 0, t.start_pos)
        if not named and (named_by is not None and named_by.type in _NOT_CTCAE_BEFORE
                          and not _SCALE_WORDS.match(named_by.value)
                          or word_before and word_before[1].lower() in _lexicon().other_gradings):
            k += 1
            continue
        if before is not None and before.type == "OF":
            first -= 1  # "neuropathy of grade 2 or higher"
        marker = _token("GRADE", f"{low}-{high}" + (" ctcae" if named else ctcae), out[first].start_pos,
                        out[end - 1].end_pos)
        out[first:end] = [marker]
        if first >= 2 and first + 1 < len(out) and out[first - 1].type == "LPAR" and out[first + 1].type == "RPAR" \
                and out[first - 2].type == "QUAL" and out[first - 2].value in _SEVERITIES:
            # "severe (grade ≥ 3) diarrhea": the grade says what "severe" means
            out[first - 2:first + 2] = [marker]
            first -= 2
        k = first + 1
    return out


# "Unresolved toxicity > grade 1 from prior therapy": the toxicities of earlier treatment have not
# all resolved to grade 1, which is the recorded attribute of recovery, negated.
_PERSISTING = frozenset({"unresolved", "persistent", "persisting", "ongoing", "residual", "continuing"})
_TOXICITIES = frozenset({"toxicity", "toxicities", "ae", "aes", "adverse event", "adverse events"})
_PRIOR_THERAPY = frozenset({"therapy", "therapies", "treatment", "treatments", "anticancer_therapy"})
_RESOLVED = frozenset({"resolved", "recovered"})
_FROM = frozenset({"from", "of", "due to", "related to", "attributed to", "caused by"})


def _words(t: Token, text: str) -> str:
    return " ".join(text[t.start_pos:t.end_pos].lower().split())


def _unresolved_toxicity(tokens: list[Token], text: str) -> list[Token]:
    """"Unresolved toxicity of grade > 1 from prior anticancer therapy", "persistent AEs (> grade 1)
    from prior treatment", "toxicities from prior therapy that have not resolved to grade ≤ 1": NEG
    and the attribute recovered_from_prior_toxicity. Prior therapy of one kind ("from prior
    radiotherapy") or another grade ("> grade 2") is another fact, and is left as it is."""
    out = list(tokens)
    k = 0
    while k < len(out):
        j, persisting = k, None
        if out[j].type in ("QUAL", "WORD") and _words(out[j], text) in _PERSISTING:
            persisting, j = out[j], j + 1
        noun = j
        if k > 0 and out[k - 1].type == "NEG":
            k += 1  # "no unresolved toxicity …": a negation of the negation, left as words
            continue
        if j + 1 < len(out) and f"{_words(out[j], text)} {_words(out[j + 1], text)}" in _TOXICITIES:
            j += 2
        elif j < len(out) and out[j].type == "WORD" and _words(out[j], text) in _TOXICITIES:
            j += 1
        else:
            k += 1
            continue
        grades: list[str] = []

        def grade_at(i: int) -> int:
            if i + 2 < len(out) and out[i].type == "LPAR" and out[i + 1].type == "GRADE" and out[i + 2].type == "RPAR":
                grades.append(out[i + 1].value.split()[0])
                return i + 3
            if i < len(out) and out[i].type == "GRADE":
                grades.append(out[i].value.split()[0])
                return i + 1
            return i

        j = grade_at(j)
        while j < len(out) and _words(out[j], text) in _FROM:
            j += 1
        if not (j + 1 < len(out) and out[j].type == "QUAL" and out[j].value == "history"
                and out[j + 1].type in ("WORD", "MED", "TREATMENT") and out[j + 1].value.lower() in _PRIOR_THERAPY):
            k += 1
            continue
        j = grade_at(j + 2)
        if not grades:
            # "… that have not resolved to grade ≤ 1", ", defined as having not resolved to grade 0 or 1"
            i = j + 1 if j < len(out) and out[j].type == "COMMA" else j
            i = i + 1 if i < len(out) and out[i].type == "DETERMINED_BY" else i
            if i + 2 < len(out) and out[i].type == "NEG" and _words(out[i + 1], text) in _RESOLVED:
                i += 3 if out[i + 2].type == "TO" else 2
                while i < len(out) and (out[i].type == "STANDARD" or _SCALE_WORDS.match(out[i].value)):
                    i += 1  # "… to CTCAE v5.0 grade 0 or 1"
                j = grade_at(i)
                grades = ["2-5"] if grades == ["0-1"] else []  # not resolved to ≤ 1: above 1
        if grades != ["2-5"] or persisting is None and not any(t.type == "NEG" for t in out[noun:j]):
            k += 1
            continue
        start = (persisting or out[noun]).start_pos
        out[k:j] = [_token("NEG", _words(persisting or out[noun], text), start, start),
                    _token("ATTR", "recovered_from_prior_toxicity", start, out[j - 1].end_pos)]
        k += 2
    return out


def _half_lives(tokens: list[Token]) -> list[Token]:
    """"30 days or 5 half-lives (of the drug), whichever is longer" (either order) becomes the
    time followed by one HALF_LIVES token whose value is "5 longer"; without "whichever" the
    words are left as they are, for which of the two counts is not said."""
    out = list(tokens)
    k = 0
    while k < len(out):
        if out[k].type != "HALF_LIVES" or k < 1 or out[k - 1].type != "NUMBER":
            k += 1
            continue
        end = k + 1
        if end < len(out) and out[end].type == "OF":
            end += 1
            if end < len(out) and out[end].type == "MED":
                end += 1
        if len(out) > k + 2 and out[k - 2].type == "OR" and k >= 4 and out[k - 3].type == "TIMEUNIT" \
                and out[k - 4].type == "NUMBER":
            time, lives, start = out[k - 4:k - 2], out[k - 1], k - 4  # "30 days or 5 half-lives"
        elif end + 2 < len(out) and out[end].type == "OR" and out[end + 1].type == "NUMBER" \
                and out[end + 2].type == "TIMEUNIT":
            time, lives, start = out[end + 1:end + 3], out[k - 1], k - 1  # "5 half-lives or 30 days"
            end += 3
        elif k >= 6 and out[k - 2].type == "WITHIN" \
                and [t.type for t in out[k - 6:k - 2]] == ["NUMBER", "TIMEUNIT", "BEFORE", "ANCHOR"]:
            # "within 30 days before screening or within 5 half-lives" (the "or" read with the
            # anchor): the anchor of both, written first
            time, lives, start = out[k - 6:k - 4], out[k - 1], k - 6
        else:
            k += 1
            continue
        # "… or 5 half-lives prior to Day 1, whichever is longer": the anchor of both
        if start == k - 6:
            anchor = out[k - 4:k - 2]
        else:
            anchor = out[end:end + 2] if [t.type for t in out[end:end + 2]] == ["BEFORE", "ANCHOR"] else []
            end += len(anchor)
        j = end + 1 if end < len(out) and out[end].type in ("COMMA", "LPAR") else end
        if j >= len(out) or out[j].type != "WHICHEVER":
            k += 1
            continue
        stop = j + 1 if j + 1 < len(out) and out[j + 1].type in ("COMMA", "RPAR") else j
        which = "longer" if any(w in out[j].value.lower() for w in ("longer", "greater", "longest")) else "shorter"
        marker = _token("HALF_LIVES", f"{lives.value} {which}", out[start].start_pos, out[stop].end_pos)
        out[start:stop + 1] = [*time, marker, *anchor]
        k = start + 3 + len(anchor)
    return out


def _after_class_name(tokens: list[Token]) -> bool:
    """Whether a letter here would be a value of the categorical name just read."""
    if tokens and tokens[-1].type in ("CATEGORICAL", "CLASS"):
        return True
    return len(tokens) >= 2 and tokens[-1].type in ("OR", "COMMA", "AND", "DASH", "TO") \
        and tokens[-2].type == "WORD" and len(tokens[-2].value) == 1 and tokens[-2].value.isupper()


_LABEL_AFTER = frozenset({"COLON", "SEMI", "COMMA", "PERIOD"})


# What may say for how long contraception is to be used ("during the study and for at least 120
# days after the last dose", "from screening until 90 days after the last dose of study drug").
_PERIOD_TOKENS = frozenset({"DURING_TRIAL", "AND", "OR", "ANDOR", "GE", "GT", "NUMBER", "TIMEUNIT", "AFTER", "BEFORE",
                            "ANCHOR", "AT_ANCHOR", "WITHIN", "WITHIN_NEXT", "TO", "LASTING"})
_PERIOD_WORDS = frozenset({"last", "final", "dose", "doses", "until", "from", "through", "throughout", "completion",
                           "starting", "beginning", "time", "stopping", "stopped", "ending",
                           "plus", "post", "posttreatment",
                           "end", "discontinuation", "administration", "of", "the", "study", "treatment", "drug",
                           "intervention", "period", "trial"})


# Attributes said "for" a period the profile does not record, as contraception is: planning a
# pregnancy ("within 6 months after the last dose"), not donating sperm ("during this period").
_FOR_A_PERIOD = frozenset({"plans_pregnancy", "no_gamete_donation"})


_MANNER_WORDS = frozenset({"simultaneously", "concurrently", "consistently", "correctly", "continuously"})


def _contraception_periods(tokens: list[Token]) -> list[Token]:
    """Drop how long and how many methods of contraception are to be used, which the profile
    does not record: whether the patient uses or agrees to use it (DESIGN §5) is what is checked."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        if tokens[k].type == "NUMBER" and k + 1 < len(tokens) and tokens[k + 1].type == "CONTRACEPTION":
            k += 1  # "two forms of contraception": the profile says whether, not how many
            continue
        j = len(out) - (2 if out and out[-1].type == "ABLE" else 1)
        if tokens[k].type == "CONTRACEPTION" and j >= 2 and out[j].type in ("OR", "ANDOR") \
                and out[j - 1].type == "COMMA" and out[j - 2].type == "CONTRACEPTION":
            j -= 1  # "agree to be abstinent, or agree to use contraception"
        if tokens[k].type == "CONTRACEPTION" and j >= 1 and out[j].type in ("OR", "ANDOR", "COMMA") \
                and out[j - 1].type == "CONTRACEPTION" and (out[j].type != "COMMA" or out[j + 1].type == "OR"):
            # "be abstinent or agree to use a condom": one method or another is contraception
            out[j - 1:] = [_token("CONTRACEPTION", out[j - 1].value, out[j - 1].start_pos, tokens[k].end_pos)]
        else:
            out.append(tokens[k])
        if tokens[k].type == "CONTRACEPTION" or tokens[k].type == "ATTR" and tokens[k].value in _FOR_A_PERIOD:
            # (and for how long a pregnancy is planned: "… within 6 months after the last dose")
            j = k + 1
            if j + 1 < len(tokens) and tokens[j].type in ("COMMA", "THEN") \
                    and tokens[j + 1].type in _PERIOD_TOKENS - {"AND", "OR"}:
                j += 1  # "…, for the duration of study and 1 week after"
            while j < len(tokens) and (tokens[j].type in _PERIOD_TOKENS
                                       or tokens[j].type == "WORD" and tokens[j].value.lower() in _PERIOD_WORDS | _MANNER_WORDS
                                       # "… for the duration of the pregnancy" (a partner's)
                                       or tokens[j].type == "PREGNANT" and tokens[j - 1].type == "LASTING"
                                       # "… after the final dose of atezolizumab": the study's drug
                                       or tokens[j].type == "MED" and (tokens[j - 1].type == "ANCHOR" or
                                                                       tokens[j - 1].type == "WORD" and tokens[j - 1]
                                                                       .value.lower() in ("last", "final"))):
                j += 1
            while j > k + 1 and tokens[j - 1].type in ("AND", "COMMA"):
                j -= 1  # "… after the last dose, and refrain from donating sperm": the next thing agreed
            period = tokens[k + 1:j]
            closes = j == len(tokens) or tokens[j].type in ("PERIOD", "SEMI", "AND", "COMMA")
            # ("for the duration of treatment with study drug plus 5 months post-treatment")
            if closes and (any(t.type in ("DURING_TRIAL", "AFTER") for t in period)
                           # "… simultaneously", "… consistently and correctly": how, which is not recorded either
                           or period and all(t.type == "AND" or t.type == "WORD" and t.value.lower() in _MANNER_WORDS
                                             for t in period)
                           or any(a.type == "LASTING" and b.type in ("ANCHOR", "PREGNANT")
                                  for a, b in zip(period, period[1:]))):
                k = j
                continue
        k += 1
    return out


def _item_labels(tokens: list[Token]) -> list[Token]:
    """"Blood test: a. WBC ≥ 4, b. ANC ≥ 1.5", "1) WBC ≥ 4; 2) ANC ≥ 1.5": the letters and
    numbers that label a list's items inside one criterion are not part of them."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        opens = not out or out[-1].type in _LABEL_AFTER
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if opens and nxt is not None and nxt.type in ("PERIOD", "RPAR") and (
                t.type == "WORD" and len(t.value) == 1 and t.value.isalpha()
                or t.type == "NUMBER" and t.value.isdigit() and int(t.value) <= 30 and nxt.type == "RPAR"):
            k += 2  # "b.", "c)", "2)"
            continue
        if opens and t.type in ("RPAR", "PERIOD"):
            k += 1  # the label itself was a filler word ("a.") or a dropped number ("1)")
            continue
        out.append(t)
        k += 1
    return out


_AGE_RUN = frozenset({"NUMBER", "TO", "DASH", "BETWEEN", "GT", "GE", "LT", "LE", "TIMEUNIT"})


def _ages_of_age(tokens: list[Token]) -> list[Token]:
    """"6 to 59 months of age", "≥ 28 days of age": the age named after its limits in months,
    weeks or days (years are YEARS_OLD), read with the name first."""
    for k in range(len(tokens) - 2):
        if tokens[k].type == "TIMEUNIT" and tokens[k + 1].type == "OF" and tokens[k + 2].type == "MEASURE" \
                and tokens[k + 2].value == "age":
            j = k
            while j > 0 and tokens[j - 1].type in _AGE_RUN:
                j -= 1
            if j > 0 and tokens[j - 1].type == "MEASURE" or not any(t.type == "NUMBER" for t in tokens[j:k]):
                return tokens
            age = _retyped(tokens[k + 2], "MEASURE")
            return [*tokens[:j], age, *tokens[j:k + 1], *tokens[k + 3:]]
    return tokens


def _age_bounds(tokens: list[Token]) -> list[Token]:
    """"≥18 and ≤75 years of age": two bounds that the age written after the second names."""
    out = list(tokens)
    for k in range(len(out) - 5):
        run = [t.type for t in out[k:k + 6]]
        if run[0] in COMPARATORS and run[1] == "NUMBER" and run[2] in ("AND", "COMMA", "TO") \
                and run[3] in COMPARATORS and run[4] == "NUMBER" and run[5] == "YEARS_OLD" \
                and (k == 0 or out[k - 1].type not in ("MEASURE", "NUMBER", "UNIT")):
            out.insert(k, _token("MEASURE", "age", out[k].start_pos, out[k].start_pos))
            break
    return out


_LAST_NUMBER = re.compile(r"\d+$")


def _numbered_siblings(tokens: list[Token], vocab: Vocabulary, text: str) -> list[Token]:
    """"CKD stage 4 or 5": a name ending in a number, then another number after "or", is the name
    with that number when the vocabulary has it (CKD stage 5, i.e. end-stage renal disease)."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        if t.type == "NUMBER" and len(out) >= 2 and out[-1].type in ("OR", "COMMA", "ANDOR") \
                and (k + 1 == len(tokens) or tokens[k + 1].type in ("OR", "COMMA", "ANDOR", "PERIOD", "SEMI", "RPAR")):
            named = next((x for x in reversed(out[:-1]) if x.type != "COMMA" and x.type != "OR"), None)
            written = text[named.start_pos:named.end_pos] if named is not None and named.type == "COND" else ""
            if _LAST_NUMBER.search(written) and "." not in t.value:
                sibling = vocab.lookup(_LAST_NUMBER.sub(t.value, written))
                if sibling is not None and sibling.category == "condition":
                    out.append(_token("COND", sibling.id, t.start_pos, t.end_pos))
                    continue
        out.append(t)
    return out


def _women_with(tokens: list[Token]) -> list[Token]:
    """"Postmenopausal women aged 50 to 80": women who are postmenopausal, the sex first (the
    subject of the clause) and the condition said of them."""
    if len(tokens) > 2 and tokens[0].type == "COND" and tokens[1].type in ("FEMALE", "MALE"):
        return [tokens[1], tokens[0], *tokens[2:]]
    return tokens


_SAID_OF_THE_PREGNANT = frozenset({"MEASURE", "COND", "GT", "GE", "LT", "LE", "BETWEEN", "NUMBER"})
_WITH_BREAKERS = frozenset({"OR", "COMMA", "ANDOR", "SEMI"})  # a list that "with" would not carry


def _pregnant_with(tokens: list[Token]) -> list[Token]:
    """"Pregnant women at ≥ 20 weeks gestation", "pregnant women aged 18 to 45", "pregnant women
    with type 1 diabetes": a value or a condition said of the pregnant women, both required."""
    if any(t.type in _WITH_BREAKERS for t in tokens):
        return tokens  # "pregnant women at ≥ 20 weeks or postpartum": which the list joins is not plain
    out: list[Token] = []
    for t in tokens:
        if out and out[-1].type == "PREGNANT" and t.type in _SAID_OF_THE_PREGNANT \
                and not (len(out) > 1 and out[-2].type == "NEG"):  # "non-pregnant women aged …" is read already
            out.append(_token("AND", "", t.start_pos, t.start_pos))
        out.append(t)
    return out


# What can end an age limit ("aged 18 years or older", "18-75 years", "≥ 18 years of age")
_AGE_ENDS = frozenset({"TIMEUNIT", "YEARS_OLD", "GE", "LE", "GT", "LT", "NUMBER", "INCLUSIVE"})
_AGE_ITEM_SEPS = frozenset({"COMMA", "AND", "OR", "ANDOR", "SEMI", "COLON", "LPAR", "RPAR"})


def _age_with(tokens: list[Token]) -> list[Token]:
    """"Adults aged 18 years or older with type 2 diabetes", "patients with NSCLC aged ≥ 18": the
    age and the condition are both said of the patient (the "with" between them is filler)."""
    out: list[Token] = []
    since = 0  # where the current list item began
    for t in tokens:
        if out and t.type in ("QUAL", "COND") and out[-1].type in _AGE_ENDS and any(
                x.type == "YEARS_OLD" or x.type == "MEASURE" and x.value == "age" for x in out[since:]):
            out.append(_token("AND", "", t.start_pos, t.start_pos))
        elif out and t.type == "MEASURE" and t.value == "age" and out[-1].type == "COND":
            out.append(_token("AND", "", t.start_pos, t.start_pos))
        if t.type in _AGE_ITEM_SEPS:
            since = len(out) + 1
        out.append(t)
    return out


_RANGE_WORDS = frozenset({"GT", "GE", "LT", "LE", "EQ", "BETWEEN", "TO", "DASH"})
_WITH = re.compile(r"\s*with(?:\s+an?)?\s*", re.IGNORECASE)


def _measures_with(tokens: list[Token], text: str) -> list[Token]:
    """"Mayo score of 6 to 12 with an endoscopic subscore ≥ 2": a value and the value "with" it
    are both required (the "with" is filler, so the two comparisons would run together)."""
    out: list[Token] = []
    for t in tokens:
        if out and t.type == "MEASURE" and out[-1].type in ("NUMBER", "UNIT", "TIMEUNIT", "YEARS_OLD") \
                and _WITH.fullmatch(text[out[-1].end_pos:t.start_pos]):
            recent = [x.type for x in out[-5:]]
            if "MEASURE" in recent and any(x in _RANGE_WORDS for x in recent[recent.index("MEASURE"):]):
                out.append(_token("AND", "with", t.start_pos, t.start_pos))
        out.append(t)
    return out


# "Bilirubin < 2 mg/dL (unless related to involvement by tumor)": an exception to a limit that
# names a cause the profile does not record, or only a class of disease (which a patient may have
# without its causing the value), is kept in its words.
_LIMIT_ENDS = frozenset({"UNIT", "ULN", "LLN", "NUMBER"})
_CAUSE_TOKENS = frozenset({"WORD", "COND", "QUAL", "OF", "AND", "OR"})
_CAUSE_ENDS = frozenset({"RPAR", "PERIOD", "SEMI"})


def _unless_words(tokens: list[Token], vocab: Vocabulary, text: str) -> list[Token]:
    """An "unless …" after a limit whose cause is not a named condition: one UNLESS_WORDS token."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        before = out[-2:-1] if out and out[-1].type == "LPAR" else out[-1:]
        if t.type == "EXCEPT" and t.value.lower().startswith("unless") and before \
                and before[0].type in _LIMIT_ENDS:
            j = k + 1
            while j < len(tokens) and tokens[j].type in _CAUSE_TOKENS:
                j += 1
            cause = tokens[k + 1:j]
            if cause and (j == len(tokens) or tokens[j].type in _CAUSE_ENDS) and any(
                    x.type == "WORD" or x.type == "COND" and vocab.get(x.value).category == "class" for x in cause):
                # the words after "unless" are what a coordinator settles: "related to …"
                start = t.start_pos + len("unless")
                start += len(text[start:cause[0].start_pos]) - len(text[start:cause[0].start_pos].lstrip())
                out.append(_token("UNLESS_WORDS", t.value, start, cause[-1].end_pos))
                k = j
                continue
        out.append(t)
        k += 1
    return out


_BOUNDS = frozenset({"GT", "GE", "LT", "LE"})
_VALUE_ENDS = frozenset({"ULN", "LLN", "UNIT"})


def _alternative_limits(tokens: list[Token]) -> list[Token]:
    """"AST ≤ 3 × ULN, or ≤ 5 × ULN if liver metastases are present": the second limit is for
    some patients only, as when it is written in parentheses ("(≤ 5 × ULN for …)"), which is how
    it is then read; not either limit for those patients and none for the others."""
    for k, t in enumerate(tokens):
        if t.type != "OR" or k < 2 or tokens[k - 1 - (tokens[k - 1].type == "COMMA")].type not in _VALUE_ENDS:
            continue
        if not any(x.type == "MEASURE" for x in tokens[:k]):
            continue
        rest = tokens[k + 1:]
        value = 3 if len(rest) > 2 and rest[2].type in _VALUE_ENDS else 2
        if len(rest) <= value or rest[0].type not in _BOUNDS or rest[1].type != "NUMBER" or rest[value].type != "IF":
            continue
        end = next((j for j in range(value + 1, len(rest)) if rest[j].type in ("PERIOD", "SEMI")), len(rest))
        if end == value + 1 or any(x.type in _BOUNDS | {"IF", "LPAR", "RPAR"} for x in rest[value + 1:end]):
            continue
        start = k - (tokens[k - 1].type == "COMMA")
        close = rest[end - 1].end_pos
        return (tokens[:start] + [_token("LPAR", "(", rest[0].start_pos, rest[0].start_pos)] + rest[:end]
                + [_token("RPAR", ")", close, close)] + rest[end:])
    return tokens


_PERSISTENT = frozenset({"persistent", "persistently"})


def _persistent_values(tokens: list[Token], text: str) -> list[Token]:
    """"Persistent ALT > 3 × ULN", "persistent neutropenia (ANC < 1000/mm3)": a value beyond the
    limit over time, which the latest value alone does not say; the word is left unread (before
    a condition with no limit it says the condition is current)."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        if t.type == "QUAL" and text[t.start_pos:t.end_pos].lower() in _PERSISTENT:
            sentence = next((j for j in range(k + 1, len(tokens)) if tokens[j].type in ("PERIOD", "SEMI")),
                            len(tokens))
            if any(x.type in _BOUNDS for x in tokens[k + 1:sentence]):
                t = _retyped(t, "WORD", text[t.start_pos:t.end_pos])
        out.append(t)
    return out


_CAVEAT_WORDS = frozenset({"WORD", "PROC", "WITHIN", "NUMBER", "TIMEUNIT", "BEFORE", "OF", "ANCHOR"})


def _caveat_words(tokens: list[Token]) -> list[Token]:
    """"(average of triplicate ECGs)", "without transfusion within 7 days": the words after a
    caveat are more of it (a window there dates the transfusion, not the value), so they are one
    token with it."""
    out: list[Token] = []
    for t in tokens:
        if out and out[-1].type == "CAVEAT" and t.type in _CAVEAT_WORDS:
            out[-1] = _token("CAVEAT", out[-1].value, out[-1].start_pos, t.end_pos)
            continue
        out.append(t)
    return out


# "Elevated ALT > 2 × ULN": the word says the comparator again. A rise by an amount is a change,
# not a level ("increased creatinine > 0.3 mg/dL"), so "elevation" and "increase" say it again only
# before a multiple of the upper limit of normal, which is a level.
_RAISED = frozenset({"elevated", "raised"})
_RISE = frozenset({"elevation", "increased", "increase"})
_NORMAL_BOUND = {"GT": "ULN", "GE": "ULN", "LT": "LLN", "LE": "LLN"}
# what may not follow "abnormal X" for the words to be about X's reference range alone
_NOT_AFTER_ABNORMAL = frozenset({"GT", "GE", "LT", "LE", "EQ", "LPAR", "NUMBER", "BETWEEN", "UNIT", "ULN", "LLN",
                                 "COMMA", "AND", "OR", "ANDOR", "MEASURE"})


def _level_words(tokens: list[Token]) -> list[Token]:
    """"Elevated ALT > 2 × ULN" is ALT > 2 × ULN; "abnormal TSH" is TSH not within its normal
    limits (what "normal" reads as, negated); "above (institutional) normal" is above the upper
    limit of normal, "below normal" under the lower."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        if t.type == "NEGATIVE" and out and out[-1].type in _NORMAL_BOUND \
                and t.value.lower().startswith("normal"):
            out.append(_retyped(t, _NORMAL_BOUND[out[-1].type]))
            continue
        word = t.value.lower() if t.type == "WORD" else ""
        after = [x.type for x in tokens[k + 1:k + 4]]
        if after[:1] == ["MEASURE"] and after[1:2] in (["GT"], ["GE"]) and (
                word in _RAISED or word in _RISE and "ULN" in after[2:] + [x.type for x in tokens[k + 4:k + 5]]):
            continue
        if word == "abnormal" and after[:1] == ["MEASURE"]:
            # one value only: "abnormal prolactin and TSH" may be either or both of them
            if len(after) == 1 or after[1] not in _NOT_AFTER_ABNORMAL:
                out.append(_retyped(t, "NEG"))
                out.append(_retyped(t, "NEGATIVE", "normal"))
                continue
        out.append(t)
    return out


def _history_amounts(tokens: list[Token]) -> list[Token]:
    """"Smoking history of ≥ 10 pack-years": an amount of the condition's measure says the history
    too, so the condition is dropped. Only after "history": "smokers with > 20 pack-years" may mean
    current smokers."""
    measured_as = _lexicon().measured_as
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        rest = tokens[k + 1:k + 5]
        if t.type == "COND" and t.value in measured_as and len(rest) == 4 \
                and rest[0].type == "QUAL" and rest[0].value == "history" and rest[1].type in COMPARATORS \
                and rest[2].type == "NUMBER" and rest[3].type == "MEASURE" and rest[3].value == measured_as[t.value]:
            k += 2
            continue
        out.append(t)
        k += 1
    return out


# What may stand between a measure's name and words that say how it was measured: its thresholds.
_THRESHOLD_TOKENS = frozenset({"GT", "GE", "LT", "LE", "EQ", "NUMBER", "UNIT", "TIMEUNIT", "TO", "DASH", "BETWEEN",
                               "AND", "OR"})


def _measured_while(tokens: list[Token]) -> list[Token]:
    """"SpO2 ≤ 94% on room air", "SpO2 on room air ≥ 92%", "born at < 32 weeks gestation": words
    naming how a value was measured make it the narrower measure they name, when they follow that
    measure's name or its thresholds or come right before them; anywhere else they stay words."""
    vocab = load_vocabulary()

    def narrows(words: Token, measure: Token | None) -> bool:
        return measure is not None and measure.type == "MEASURE" and vocab.is_a(words.value, measure.value)

    out: list[Token] = []
    narrowed: dict[int, str] = {}  # index of a measure named after the words → the narrower measure
    for i, t in enumerate(tokens):
        if t.type != "MEASURED_WHILE":
            out.append(_retyped(t, "MEASURE", narrowed[i]) if i in narrowed else t)
            continue
        k = len(out) - 1
        while k >= 0 and out[k].type in _THRESHOLD_TOKENS:
            k -= 1
        if k >= 0 and narrows(t, out[k]):
            out[k] = _retyped(out[k], "MEASURE", t.value)
            continue
        j = i + 1
        while j < len(tokens) and tokens[j].type in _THRESHOLD_TOKENS:
            j += 1
        if j < len(tokens) and narrows(t, tokens[j]):
            narrowed[j] = t.value
            continue
        out.append(_retyped(t, "WORD"))
    return out


def _scale_of_the_value(tokens: list[Token], text: str) -> list[Token]:
    """"Pain NRS ≥ 4 on a 0-10 NRS", "(0-10 scale)", "on an 11-point scale": the span of the scale
    the value was given on, after it, says no more when it is the measure's own span."""
    vocab = load_vocabulary()
    out = list(tokens)
    for k in range(len(out) - 3):
        if out[k].type != "MEASURE" or out[k + 1].type not in COMPARATORS or out[k + 2].type != "NUMBER":
            continue
        concept = vocab.lookup(out[k].value)
        if concept is None or concept.plausible is None or concept.unit is not None:
            continue
        low, high = concept.plausible
        j = k + 3
        opened = j < len(out) and out[j].type == "LPAR"
        j += opened
        run = out[j:j + 4]
        words = [text[t.start_pos:t.end_pos].lower() for t in run]
        if [t.type for t in run[:3]] in (["NUMBER", "DASH", "NUMBER"], ["NUMBER", "TO", "NUMBER"]) \
                and (float(run[0].value), float(run[2].value)) == (low, high):
            end = j + 3
        elif len(run) >= 2 and run[0].type == "NUMBER" and words[1] == "point" \
                and float(run[0].value) == high - low + 1:
            end = j + 2
        else:
            continue
        if end < len(out) and (out[end].type == "MEASURE" and out[end].value == out[k].value
                               or out[end].type == "WORD" and out[end].value.lower() == "scale"):
            end += 1  # "on a 0-10 NRS", "on a 0-10 scale"
        elif not opened:
            continue  # a bare span is read only in a parenthesis: "(0-10)"
        if opened:
            if not (end < len(out) and out[end].type == "RPAR"):
                continue
            end += 1
        del out[k + 3:end]
        break
    return out


def _counted_from_anchor(tokens: list[Token]) -> list[Token]:
    """"Life expectancy of at least 3 months from randomization": the day a time to come is counted
    from is an anchor, which screening takes as now, so it says no more than the time."""
    out = list(tokens)
    from_now = _lexicon().from_now
    for k in range(len(out) - 3):
        run = out[k:k + 6]
        if run[0].type == "MEASURE" and run[0].value in from_now and run[1].type in COMPARATORS \
                and [t.type for t in run[2:4]] == ["NUMBER", "TIMEUNIT"]:
            after = 4 + (len(run) > 5 and run[4].type == "AFTER")
            if len(run) > after and run[after].type == "ANCHOR":
                del out[k + 4:k + after + 1]
            break
    return out


def _dated_diagnoses(tokens: list[Token]) -> list[Token]:
    """"Newly diagnosed (within 3 months) or poorly controlled diabetes": a parenthesised window
    right after "diagnosed" dates the diagnosis (DATED_LPAR), among qualifiers that may not share it."""
    return [_retyped(t, "DATED_LPAR") if t.type == "LPAR" and 0 < k < len(tokens) - 1
            and tokens[k - 1].type == "QUAL" and tokens[k - 1].value == "diagnosed" and tokens[k + 1].type == "WITHIN"
            else t for k, t in enumerate(tokens)]


_NAIVE = frozenset({"naive", "naïve"})
_LIST_JOINS = frozenset({"COMMA", "OR", "AND", "ANDOR", "INCLUDING", "EXCEPT"})


_NAIVE_TO = re.compile(r"(?i)\s*(?:to|of)\s+(?:(?:any|all|the|prior)\s+)*")
_NAIVE_END = re.compile(r"(?i)na[iï]ve$")


def _naive_to(tokens: list[Token], text: str) -> list[Token]:
    """"Insulin-naive", "naive to biologics": not given the one drug or class named (NEG). Read with
    no "history": a course taken now is not naive, but whether one that ended (insulin during a
    pregnancy, a short course in hospital) still counts is the protocol's call. Only the drug
    joined to "naive" (not "naive patients treated with metformin", who take it), and not after a
    list, which "naive" may or may not reach; "treatment-naive" with no drug named is a qualifier."""
    out = list(tokens)
    for k, t in enumerate(out):
        naive = t.type == "WORD" and t.value.lower() in _NAIVE
        treatment_naive = t.type == "QUAL" and t.value == "untreated" and _NAIVE_END.search(text[t.start_pos:t.end_pos])
        if not (naive or treatment_naive):
            continue  # ("treatment-naive to JAK inhibitors" is naive to them)
        before = out[k - 1] if k else None
        after = out[k + 1] if k + 1 < len(out) else None
        if before is not None and before.type == "MED" and (k < 2 or out[k - 2].type not in _LIST_JOINS) \
                and text[before.end_pos:t.start_pos].strip() in ("", "-"):
            drug = k - 1  # "insulin naive"
        elif after is not None and after.type == "MED" and (k + 2 >= len(out) or out[k + 2].type not in _LIST_JOINS) \
                and _NAIVE_TO.fullmatch(text[t.end_pos:after.start_pos]):
            drug = k + 1  # "naive to insulin"
        else:
            continue
        start, end = min(t.start_pos, out[drug].start_pos), max(t.end_pos, out[drug].end_pos)
        never = _token("NEG", "never", start, start)
        return [*out[:min(k, drug)], never, _token("MED", out[drug].value, start, end), *out[max(k, drug) + 1:]]
    return out


_PROGRESSED = frozenset({"progressed", "progression", "progressing", "relapsed", "relapse"})
_PROGRESSION_KIND = frozenset({"radiographic", "radiological", "radiologic", "clinical", "objective", "documented"})
_ON_OR_AFTER = re.compile(r"(?i)\s*(?:on|during|after|following|while\s+on)(?:\s+or\s+(?:after|following))?\s+"
                          r"(?:(?:treatment|therapy)\s+with\s+)?"
                          r"(?:(?:at\s+least\s+one|one|a|an|the|any|prior|previous)\s+)*")


def _progressed_on(tokens: list[Token], text: str) -> list[Token]:
    """"Progressed on or after prior platinum-based chemotherapy", "radiographic progression on or
    after androgen deprivation therapy": the treatment was had (which the medications tell), and
    the progression on it is kept in the criterion's words (a course's outcome says whether it
    failed, not whether the disease progressed after it)."""
    for k, t in enumerate(tokens):
        if not (t.type == "WORD" and t.value.lower() in _PROGRESSED):
            continue
        drug = next((j for j in range(k + 1, len(tokens)) if tokens[j].type not in ("OR", "AFTER", "QUAL")), None)
        if drug is None or tokens[drug].type != "MED" \
                or not _ON_OR_AFTER.fullmatch(text[t.end_pos:tokens[drug].start_pos]) \
                or any(x.type == "QUAL" and x.value != "history" for x in tokens[k + 1:drug]) \
                or drug + 1 < len(tokens) and tokens[drug + 1].type not in ("PERIOD", "SEMI"):
            continue
        first = k
        while first and tokens[first - 1].type == "WORD" and tokens[first - 1].value.lower() in _PROGRESSION_KIND:
            first -= 1
        med = tokens[drug]
        prior = _token("QUAL", "history", med.start_pos, med.start_pos)
        # (the words run on to the clause's end: "… anti-PD-1 therapy")
        end = tokens[drug + 1].start_pos if drug + 1 < len(tokens) else len(text.rstrip(" .;"))
        said = _token("CAVEAT", "progressed on", tokens[first].start_pos, end)
        return [*tokens[:first], prior, med, said, *tokens[drug + 1:]]
    return tokens


_REGIMENS = re.compile(r"(?i)\bregimens?$")


def _counted_regimens(tokens: list[Token], text: str) -> list[Token]:
    """"At least 2 prior chemotherapy regimens", "more than 3 prior regimens": a count of regimens
    is one of lines ("2 lines of chemotherapy", "2 lines of therapy"). Only a count with its
    comparator, and only of regimens ("2 prior therapies" may count drugs)."""
    for k, t in enumerate(tokens):
        drug = t.type == "MED" and _REGIMENS.search(text[t.start_pos:t.end_pos])
        if not (drug or t.type in ("WORD", "TREATMENT") and _REGIMENS.fullmatch(t.value)):
            continue
        count = k
        while count and tokens[count - 1].type == "QUAL" and tokens[count - 1].value == "history":
            count -= 1
        if count < 2 or tokens[count - 1].type != "NUMBER" or tokens[count - 2].type not in COMPARATORS:
            continue
        lines = _token("LINES", "regimen of", t.start_pos, t.start_pos)
        named = t if drug else _retyped(t, "MED", _lexicon().lines_of_any)
        return [*tokens[:k], lines, named, *tokens[k + 1:]]
    return tokens


# spaces on one line: a word at a line's end and a name on the next are not one phrase
_SPACE = re.compile(r"[ \t]*")


def _stable_drugs(tokens: list[Token], text: str) -> list[Token]:
    """"Stable antiepileptic treatment", "on stable antihypertensive therapy": a drug taken at an
    unchanged dose, as "a stable dose of". Only right before a drug ("stable brain metastases" is
    another thing)."""
    return [_retyped(t, "QUAL", "stable") if t.type == "WORD" and t.value.lower() == "stable"
            and k + 1 < len(tokens) and tokens[k + 1].type == "MED"
            and _SPACE.fullmatch(text[t.end_pos:tokens[k + 1].start_pos])
            else t for k, t in enumerate(tokens)]


_WASHOUT = re.compile(r"(?i)^wash-?out$")
_WASHOUT_FROM = re.compile(r"(?i)\s*(?:from|since|after|for)\s+(?:(?:the|any|all|last|a|an)\s+)*")


def _washout_of(tokens: list[Token], text: str) -> list[Token]:
    """"Washout of at least 4 weeks from prior biologic therapy", "a washout period of 14 days
    since any prior investigational agent": that long since the treatment, a wash-out ("at least 4
    weeks since prior biologic therapy"); a washout of a time is at least that time."""
    for k, t in enumerate(tokens):
        if not (t.type == "WORD" and _WASHOUT.match(t.value)):
            continue
        cmp = [x for x in tokens[k + 1:k + 2] if x.type in ("GE", "GT")]
        at = k + 1 + len(cmp)
        if [x.type for x in tokens[at:at + 2]] != ["NUMBER", "TIMEUNIT"] or at + 2 >= len(tokens):
            continue
        treated = at + 2
        while treated < len(tokens) and tokens[treated].type == "QUAL" and tokens[treated].value == "history":
            treated += 1
        if treated >= len(tokens) or tokens[treated].type not in _TREATMENTS \
                or not _WASHOUT_FROM.fullmatch(text[tokens[at + 1].end_pos:tokens[at + 2].start_pos]):
            continue
        at_least = cmp or [_token("GE", "at least", t.start_pos, t.end_pos)]
        since = _token("BEFORE", "since", tokens[at + 1].end_pos, tokens[at + 2].start_pos)
        return [*tokens[:k], *at_least, *tokens[at:at + 2], since, *tokens[at + 2:]]
    return tokens


_WINDOW_WORDS = frozenset({"WITHIN", "NUMBER", "TIMEUNIT", "HALF_LIVES", "BEFORE", "OF", "ANCHOR"})


def _choice_first(tokens: list[Token]) -> list[Token]:
    """"Prior treatment with any of (the following:) A, B or C": the qualifiers belong to every
    item of the choice, so they go after "any of" (and its colon), where they open its list; a
    window between "any of the following" and its colon leads the whole ("within 30 days, any of: …")."""
    out = list(tokens)
    for k, t in enumerate(out):
        if t.type != "ANY_OF":
            continue
        first = k
        while first and out[first - 1].type in ("QUAL", "OTHER"):
            first -= 1
        colon = k + 1
        while colon < len(out) and out[colon].type in _WINDOW_WORDS:
            colon += 1
        window = out[k + 1:colon]
        if colon < len(out) and out[colon].type == "COLON" and (not window or window[0].type == "WITHIN"):
            return [*out[:first], *window, t, out[colon], *out[first:k], *out[colon + 1:]]
        if first < k:
            return [*out[:first], t, *out[first:k], *out[k + 1:]]
    return out


# (on one line: names on lines of their own are items of a list)
_THERAPEUTIC_WORD = re.compile(r"(?i)[ \t]*(?:therapeutic[ \t]*)?")


def _kind_named_with_class(tokens: list[Token], vocab: Vocabulary, text: str) -> list[Token]:
    """"Anti-PD-1 monoclonal antibody", "anti-PD-L1 therapeutic antibodies", "TNF inhibitor
    biologics": a drug class followed by a class it is a kind of is the kind, named once."""
    out: list[Token] = []
    for t in tokens:
        prev = out[-1] if out else None
        if t.type == "MED" and prev is not None and prev.type == "MED" and prev.value != t.value \
                and vocab.is_a(prev.value, t.value) and _THERAPEUTIC_WORD.fullmatch(text[prev.end_pos:t.start_pos]):
            out[-1] = _token("MED", prev.value, prev.start_pos, t.end_pos)
            continue
        out.append(t)
    return out


_LIST_JOINS = frozenset({"COMMA", "OR", "ANDOR", "AND"})


def _organs_sharing_a_name(tokens: list[Token], vocab: Vocabulary, text: str) -> list[Token]:
    """"Cardiac, hepatic or renal failure": one-word conditions listed before a name of several
    words are each read with the last words of that name ("cardiac failure" is heart failure, not
    any heart disease), when the vocabulary has every such name; otherwise they stay as they are."""
    out = list(tokens)
    k = 0
    while k < len(out):
        items = [k]
        j = k
        while j + 1 < len(out) and out[j].type == "COND" and out[j + 1].type in _LIST_JOINS:
            j += 1
            while j < len(out) and out[j].type in _LIST_JOINS:
                j += 1  # ", or"
            if j < len(out) and out[j].type == "COND":
                items.append(j)
            else:
                break
        last = out[items[-1]]
        words = text[last.start_pos:last.end_pos].split()
        said = [text[out[i].start_pos:out[i].end_pos] for i in items[:-1]]
        if out[k].type != "COND" or len(items) < 2 or len(words) < 2 or any(" " in w for w in said):
            k += 1
            continue
        named = [_named_with(word, words[1:], vocab) for word in said]
        if all(n is not None for n in named):
            for i, n in zip(items, named):
                out[i] = _retyped(out[i], "COND", n)
        k = items[-1] + 1
    return out


def _named_with(word: str, tail: list[str], vocab: Vocabulary) -> str | None:
    """The condition ``word`` names with the longest end of ``tail`` ("cardiac" + "failure"), if any."""
    for cut in range(len(tail)):
        found = vocab.lookup(f"{word} {' '.join(tail[cut:])}")
        if found is not None and found.category in ("condition", "class"):
            return found.id
    return None


def _expected_to_require(tokens: list[Token]) -> list[Token]:
    """"Expected to require systemic corticosteroids during the study", "anticipated to need …":
    the treatment planned, as "anticipated need for" it (the need is the plan's, not a condition's)."""
    return [t for k, t in enumerate(tokens) if not (
        t.type == "REQUIRING" and k > 0 and tokens[k - 1].type == "QUAL" and tokens[k - 1].value == "planned"
        and k + 1 < len(tokens) and tokens[k + 1].type in ("MED", "PROC", "QUAL", "OTHER"))]


def _off_for(tokens: list[Token]) -> list[Token]:
    """"Off warfarin for at least 5 days", "off all antidepressants for at least 2 weeks": that long
    since the drug, a wash-out ("at least 5 days since warfarin")."""
    for k, t in enumerate(tokens):
        if not (t.type == "WORD" and t.value.lower() == "off"):
            continue
        kinds = [x.type for x in tokens[k + 1:k + 6]]
        ends = k + 6 >= len(tokens) or tokens[k + 6].type in ("PERIOD", "SEMI", "AND", "COMMA")
        if len(kinds) == 5 and kinds[0:2] == ["MED", "LASTING"] and kinds[2] in ("GE", "GT") \
                and kinds[3:5] == ["NUMBER", "TIMEUNIT"] and ends:
            drug, _, cmp, number, unit = tokens[k + 1:k + 6]
            since = _token("BEFORE", "since", t.start_pos, t.end_pos)
            return [*tokens[:k], cmp, number, unit, since, drug, *tokens[k + 6:]]
    return tokens


_NAMED = frozenset({"MED", "PROC", "VACC"})
_NAME_SEPS = frozenset({"COMMA", "OR", "ANDOR", "AND"})


_TREATMENT_PERIOD = re.compile(r"(?i)\btreatment\b")


def _during_or_before(tokens: list[Token]) -> list[Token]:
    """"Radiotherapy during the study or within 3 weeks of the start of drug" (either order): had
    in the weeks before, or planned for the study, written as "… within 3 weeks, or planned
    during the study" for _planned_too (a plan dated in the past weeks is not what is meant)."""
    # "within 7 days prior or during the study": "prior" is before the study, not a past use
    tokens = [_retyped(x, "BEFORE", "prior to") if x.type == "QUAL" and x.value == "history" and 0 < j < len(tokens) - 1
              and tokens[j - 1].type == "TIMEUNIT" and tokens[j + 1].type == "DURING_TRIAL" else x
              for j, x in enumerate(tokens)]
    for k, t in enumerate(tokens):
        if t.type != "DURING_TRIAL" or k == 0:
            continue
        end = k + 1
        while end < len(tokens) and tokens[end].type in _WINDOW_WORDS:
            end += 1
        closes = end == len(tokens) or tokens[end].type in ("PERIOD", "SEMI")
        planned = [_token("OR", "or", t.start_pos, t.start_pos), _token("QUAL", "planned", t.start_pos, t.start_pos), t]
        if tokens[k - 1].type in _NAMED and end > k + 1 and tokens[k + 1].type == "WITHIN" and closes:
            return [*tokens[:k], *tokens[k + 1:end], *planned, *tokens[end:]]  # "during the study or within 4 weeks"
        first = k
        while first > 0 and tokens[first - 1].type in _WINDOW_WORDS:
            first -= 1
        if first < k and tokens[first].type in ("WITHIN", "NUMBER") and first > 0 and tokens[first - 1].type in _NAMED \
                and (k + 1 == len(tokens) or tokens[k + 1].type in ("PERIOD", "SEMI")):
            window = tokens[first:k]
            if window[-1].type == "BEFORE":
                # "within 6 hours before or during the treatment period": before the period named
                anchor = "first_dose" if _TREATMENT_PERIOD.search(t.value) else "screening"
                window.append(_token("ANCHOR", anchor, t.start_pos, t.end_pos))
            return [*tokens[:first], *window, *planned, *tokens[k + 1:]]  # "within 4 weeks or during the study"
    return tokens


def _planned_too(tokens: list[Token]) -> list[Token]:
    """"Immunoglobulins and/or blood products within 3 months before the first dose, or planned
    (administration) during the study": the same treatments, planned, written once. Only for a
    list of bare names that opens the clause (a qualifier of the past may not reach the plan)."""
    for k, t in enumerate(tokens):
        if not (t.type == "QUAL" and t.value == "planned" and k >= 3 and tokens[k - 1].type == "OR"):
            continue
        if [x.type for x in tokens[k + 1:k + 3]] not in (["DURING_TRIAL"], ["DURING_TRIAL", "PERIOD"],
                                                         ["DURING_TRIAL", "SEMI"]):
            continue  # planned when? (a plan for after the study does not count)
        before = k - 2 if tokens[k - 2].type == "COMMA" else k - 1
        window = before
        while window > 0 and tokens[window - 1].type in _WINDOW_WORDS:
            window -= 1
        if window == before or tokens[window].type not in ("WITHIN", "NUMBER"):
            continue  # ("6 hours before or during the treatment period": a window too)
        first = window - 1
        while first >= 2 and tokens[first].type in _NAMED and tokens[first - 1].type in _NAME_SEPS \
                and tokens[first - 2].type in _NAMED:
            first -= 2
        opens = first - 1 if first > 0 and tokens[first - 1].type == "OTHER" else first  # "another clinical trial"
        if opens > 0 and tokens[opens - 1].type not in ("PERIOD", "SEMI") or tokens[first].type not in _NAMED:
            continue
        names = [_token(x.type, x.value, t.start_pos, t.end_pos) for x in tokens[first:window]]
        return [*tokens[:k + 1], *names, *tokens[k + 1:]]
    return tokens


_LOWER = frozenset({"GT", "GE"})
_UPPER = frozenset({"LT", "LE"})


def _dose_ranges(tokens: list[Token]) -> list[Token]:
    """"Prednisone dose (at time of enrollment) of ≥ 5 mg/day and ≤ 10 mg/day": a drug's dose
    between two ends, one course meeting both (DOSE_AND; the time goes after the range)."""
    out = list(tokens)
    for k, t in enumerate(out):
        if t.type != "MED":
            continue
        at = k + 1 if k + 1 < len(out) and out[k + 1].type == "AT_ANCHOR" else None
        first = (at or k) + 1
        kinds = [x.type for x in out[first:first + 7]]
        if len(kinds) == 7 and kinds[0] in _LOWER and kinds[1:3] == ["NUMBER", "UNIT"] and kinds[3] == "AND" \
                and kinds[4] in _UPPER and kinds[5:7] == ["NUMBER", "UNIT"]:
            joined = [*out[first:first + 3], _retyped(out[first + 3], "DOSE_AND"), *out[first + 4:first + 7]]
            moved = [out[at]] if at is not None else []
            return [*out[:k + 1], *joined, *moved, *out[first + 7:]]
    return out


_TREATMENTS = frozenset({"MED", "PROC"})
_TREATMENT_SEPS = frozenset({"OR", "ANDOR"})
# The words that say a condition is treated with what follows ("diabetic treated with insulin",
# "asthma on inhaled corticosteroids"), left between the two once filler words are gone.
_TREATED_WITH = re.compile(r"^\s*(?:(?:who\s+(?:is|are)\s+|that\s+is\s+)?(?:treated\s+with|on|receiving|taking))\s*$",
                           re.IGNORECASE)
_ROUTES = frozenset({"oral", "systemic", "intravenous"})


def _treated_with(tokens: list[Token], text: str) -> list[Token]:
    """"Diabetic treated with oral hypoglycemics or insulin": a condition and the treatment it is
    under, said with a verb that leaves no token of its own, read as "requiring" (REQUIRING)."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        out.append(t)
        if t.type != "COND" or k + 1 >= len(tokens):
            continue
        j = k + 1
        while j < len(tokens) and tokens[j].type == "QUAL" and tokens[j].value in _ROUTES:
            j += 1
        if j < len(tokens) and tokens[j].type == "MED" and _TREATED_WITH.match(text[t.end_pos:tokens[k + 1].start_pos]):
            out.append(_token("REQUIRING", "treated with", t.end_pos, tokens[k + 1].start_pos))
    return out


def _treatment_lists(tokens: list[Token]) -> list[Token]:
    """"… requiring insulin or oral hypoglycemics": the treatments listed after "requiring" are
    its alternatives (TREATMENT_OR), as long as only treatments follow. "Infection requiring
    hospitalization or IV antibiotics" (the first read as the qualifier "hospitalized") lists them
    after "requiring" too: IV antibiotics alone are not the infection."""
    out = list(tokens)
    for k in range(len(out) - 2, 0, -1):
        if out[k].type == "QUAL" and out[k].value == "hospitalized" and out[k - 1].type == "COND" \
                and out[k + 1].type in _TREATMENT_SEPS:
            out.insert(k, _token("REQUIRING", "requiring", out[k].start_pos, out[k].start_pos))
    for k, t in enumerate(out):
        if t.type != "REQUIRING":
            continue
        j = k + 1
        while j < len(out):
            while j < len(out) and out[j].type == "QUAL":
                j += 1
            named = _TREATMENTS | {"COND"} if j == k + 1 else _TREATMENTS  # "requiring hospitalization"
            if j == k + 2 and out[k + 1].value == "hospitalized":
                j -= 1  # the qualifier stands for the first treatment
            elif j >= len(out) or out[j].type not in named:
                break
            sep = j + 1
            if sep + 1 < len(out) and out[sep].type == "COMMA" and out[sep + 1].type in _TREATMENT_SEPS:
                sep += 1
            after = sep + 1
            while after < len(out) and out[after].type == "QUAL":
                after += 1
            if sep >= len(out) or out[sep].type not in _TREATMENT_SEPS or after >= len(out) \
                    or out[after].type not in _TREATMENTS:
                break
            out[sep] = _retyped(out[sep], "TREATMENT_OR")
            if out[sep - 1].type == "COMMA":
                out[sep - 1] = _retyped(out[sep - 1], "DROP")
            j = after
    return [t for t in out if t.type != "DROP"]


_WOMEN_AFTER = re.compile(r"(?i)^\s*(?:females?|women|woman)\b")
_STATUS_SEPS = frozenset({"COMMA", "AND"})


def _sexed_statuses(tokens: list[Token], text: str) -> list[Token]:
    """"Male or non-pregnant, non-lactating females aged 18-75", "Non-pregnant women aged 18 to
    45": the women named after their statuses are one item, men (if named) another, and what
    follows is asked of all: (male or (female and not pregnant and not breastfeeding)) and …"""
    male = len(tokens) > 2 and tokens[0].type == "MALE" and tokens[1].type == "OR"
    k = 2 if male else 0
    statuses: list[Token] = []
    while k + 1 < len(tokens) and tokens[k].type == "NEG" and tokens[k + 1].type in ("PREGNANT", "BREASTFEEDING"):
        statuses += tokens[k:k + 2]
        k += 2
        if k + 2 < len(tokens) and tokens[k].type in _STATUS_SEPS and tokens[k + 1].type == "NEG":
            statuses.append(tokens[k])
            k += 1
    if not statuses or not _WOMEN_AFTER.match(text[statuses[-1].end_pos:]):
        return tokens
    rest = tokens[k:]
    if rest and rest[0].type == "COMMA" and len(rest) > 1:
        rest = rest[1:]  # "Male or non-pregnant female, 18 years or older"
    if rest and rest[0].type not in ("MEASURE", "NUMBER"):
        return tokens
    at = statuses[0].start_pos
    women = [_token("SEX_ITEM", "female", at, at), _token("AND", "", at, at), *statuses]
    if male:
        women = [_token("LPAR", "", at, at), _retyped(tokens[0], "SEX_ITEM", "male"), tokens[1],
                 _token("LPAR", "", at, at), *women, _token("RPAR", "", at, at), _token("RPAR", "", at, at)]
    return women + ([_token("AND", "", rest[0].start_pos, rest[0].start_pos)] if rest else []) + rest


_FLIPPED = {"LT": "GT", "LE": "GE", "GT": "LT", "GE": "LE", "EQ": "EQ"}


def _snellen(tokens: list[Token], text: str) -> list[Token]:
    """"BCVA of less than 20/40", "BCVA between 20/400 and 20/40": a Snellen fraction is a logMAR
    value exactly (log10 of denominator over numerator), and a smaller fraction a larger logMAR, so
    the comparators turn round; a range is written from the lower logMAR up."""
    acuity = next((k for k, t in enumerate(tokens) if t.type == "MEASURE" and t.value in _lexicon().snellen), None)
    if acuity is None:
        return tokens
    out = tokens[:acuity + 1]
    k = acuity + 1
    fractions: list[int] = []  # where the converted values are in ``out``
    while k < len(tokens) and tokens[k].type not in ("PERIOD", "SEMI", "MEASURE"):
        t = tokens[k]
        if t.type == "NUMBER":
            over, below = tokens[k + 1:k + 2], tokens[k + 2:k + 3]
            if not (over and below and over[0].type == "OR" and text[over[0].start_pos:over[0].end_pos] == "/"
                    and below[0].type == "NUMBER" and t.end_pos == over[0].start_pos
                    and over[0].end_pos == below[0].start_pos and t.value in ("20", "6")
                    and float(below[0].value) > 0):
                return tokens  # a letter score or another number: not all Snellen
            logmar = round(math.log10(float(below[0].value) / float(t.value)), 2)
            fractions.append(len(out))
            out.append(_token("NUMBER", f"{logmar:g}", t.start_pos, below[0].end_pos))
            k += 3
            continue
        out.append(_retyped(t, _FLIPPED[t.type]) if t.type in _FLIPPED else t)
        k += 1
    if not fractions:
        return tokens
    out[acuity] = _retyped(out[acuity], "MEASURE", "logmar_visual_acuity")
    ranged = not any(t.type in COMPARATORS for t in out[acuity:])  # "between 20/400 and 20/40"
    if ranged and len(fractions) == 2 and float(out[fractions[0]].value) > float(out[fractions[1]].value):
        low, high = fractions
        out[low], out[high] = out[high], out[low]
    return out + tokens[k:]


_PRIOR = re.compile(r"(?i)^(?:prior|before|previously|earlier)$")


_PATIENTS_WITH = re.compile(r"(?i)\b(?:patients|subjects|participants|individuals|persons|people|those)\s+"
                            r"(?:who\s+have\s+(?:had\s+)?|with\s+)(?:an?\s+)?(?:known\s+)?$")
_CONDITION_NAMING = frozenset({"COND", "QUAL", "OR", "AND", "ANDOR", "COMMA"})


def _patients_with(tokens: list[Token], text: str) -> list[Token]:
    """"Patients with diabetes must have HbA1c < 8%": what is asked of the patients who have the
    condition (if diabetes then …), not a requirement to have it."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        opens = k == 0 or tokens[k - 1].type in ("PERIOD", "SEMI")
        j = k
        while j < len(tokens) and tokens[j].type in _CONDITION_NAMING:
            j += 1
        begin = tokens[k - 1].end_pos if k else 0
        if opens and j < len(tokens) and tokens[j].type == "MUST" and j + 1 < len(tokens) \
                and any(t.type == "COND" for t in tokens[k:j]) and _PATIENTS_WITH.search(text[begin:tokens[k].start_pos]):
            at = tokens[k].start_pos
            out.append(_token("IF", "", at, at))
            out.extend(tokens[k:j])
            out.append(_token("THEN", "", tokens[j].start_pos, tokens[j].start_pos))
            k = j
            continue
        out.append(tokens[k])
        k += 1
    return out


# "current or within", "currently receiving or has received within": the verbs are filler
_NOW_OR = re.compile(r"(?i)^(?:(?:receiving|taking|using|undergoing)\s+)?,?\s*or\s*,?"
                     r"(?:\s+(?:has|have|had|been|received|taken|used|undergone))*$")


def _now_or_before(tokens: list[Token], text: str) -> list[Token]:
    """"Current or within the past 12 months alcohol abuse", "… at screening or within the past
    12 months", "… at Screening or 12 months prior": what is current falls inside the window, so
    the window says it all (read together they would ask for both)."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        now = t.type == "AT_ANCHOR" or t.type == "QUAL" and t.value in ("current", "active")
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if now and nxt is not None and nxt.type == "WITHIN" and _NOW_OR.match(text[t.end_pos:nxt.start_pos].strip()):
            k += 1
            continue
        seps = tokens[k + 1:k + 4]
        if now and t.type == "QUAL" and seps and seps[0].type in ("COMMA", "OR"):
            # "currently receiving, or has received, any investigational agent within 1 month"
            j = k + 1
            while j < len(tokens) and tokens[j].type in ("COMMA", "OR"):
                j += 1
            if [x.type for x in tokens[k + 1:j]] in (["OR"], ["COMMA", "OR", "COMMA"], ["COMMA", "OR"]) \
                    and j + 1 < len(tokens) and tokens[j].type in _EVENTS and tokens[j + 1].type == "WITHIN":
                k = j
                continue
        named = tokens[k + 1:k + 4]
        if now and t.type == "QUAL" and len(named) >= 2 and named[0].type in _EVENTS:
            gap = text[named[0].end_pos:named[1].start_pos]
            if named[1].type == "WITHIN" and re.match(r"(?i)\s*,?\s*or\b", gap):
                k += 1  # "current use of MAO inhibitors or within 2 weeks before screening"
                continue
            if [x.type for x in named[1:]] == ["OR", "NUMBER"] and k + 5 < len(tokens) \
                    and [x.type for x in tokens[k + 4:k + 6]] == ["TIMEUNIT", "BEFORE"]:
                # "current use of an MAO inhibitor or used 2 weeks before treatment"
                out += [named[0], _token("WITHIN", "", named[2].start_pos, named[2].start_pos)]
                k += 3
                continue
        ago = tokens[k + 1:k + 5]
        if t.type == "AT_ANCHOR" and [x.type for x in ago] == ["OR", "NUMBER", "TIMEUNIT", "QUAL"] \
                and _PRIOR.match(text[ago[3].start_pos:ago[3].end_pos]):
            out += [_token("WITHIN", "", ago[1].start_pos, ago[1].start_pos), ago[1], ago[2]]
            k += 5
            continue
        out.append(t)
        k += 1
    return out


_COMPLETED = frozenset({"completed", "completion of", "completing"})
# "Discontinuation of all biological agents at least 3 months prior to …", "methotrexate stopped
# at least 4 weeks before": a course ended as long ago as a completed one
_STOPPED = frozenset({"discontinuation", "discontinued", "stopped", "stopping", "cessation", "ceased"})


def _ends_course(t: Token) -> bool:
    return t.type == "ABLE" and t.value in _COMPLETED or t.type == "WORD" and t.value.lower() in _STOPPED
_WASH_SEPS = frozenset({"COMMA", "OR", "ANDOR"})
_TIME_BEFORE = ["NUMBER", "TIMEUNIT", "BEFORE"]
# "the last dose of chemotherapy", "the last chemotherapy": the words between "last" and the treatment
_LAST_DOSE = re.compile(r"(?i)^\s*(?:(?:dose|administration|infusion|treatment)\s+(?:of|with)\s*)?$")


def _completed_before(tokens: list[Token], text: str) -> list[Token]:
    """"Radiotherapy completed at least 4 weeks before randomization", "completed any radiotherapy
    (including radiosurgery) at least 14 days prior to the start of study intervention": a time
    since treatments named before it. WASHED marks the end of their list; "completed" goes. Only
    for treatments with no qualifier but "prior" or "current" ("started metformin at least 3
    months before" dates a start, "palliative radiotherapy" is not any radiotherapy)."""
    tokens = [t for k, t in enumerate(tokens) if not (
        t.type == "ABLE" and t.value in _COMPLETED and 0 < k < len(tokens) - 1
        and tokens[k - 1].type in _TREATMENTS and tokens[k + 1].type == "WITHIN")]  # "… was completed within 7 days"
    # "last dose of chemotherapy less than 4 weeks prior": a dose in the weeks is the last one in them
    tokens = [t for k, t in enumerate(tokens) if not (
        t.type == "WORD" and t.value.lower() == "last" and k + 1 < len(tokens) and tokens[k + 1].type in _TREATMENTS
        and _LAST_DOSE.match(text[t.end_pos:tokens[k + 1].start_pos])
        and any(x.type in ("WITHIN", "BEFORE") for x in tokens[k + 2:]))]
    # "at least 4 weeks since the last dose of chemotherapy", "… since completion of (prior)
    # radiotherapy": a time since the treatment, as "since prior chemotherapy"
    tokens = [t for k, t in enumerate(tokens) if not (
        0 < k < len(tokens) - 1 and tokens[k - 1].type == "BEFORE" and tokens[k - 1].value.lower().endswith("since")
        and (t.type == "WORD" and t.value.lower() == "last" and tokens[k + 1].type in _TREATMENTS
             and _LAST_DOSE.match(text[t.end_pos:tokens[k + 1].start_pos])
             or t.type == "ABLE" and t.value in _COMPLETED
             and (tokens[k + 1].type in _TREATMENTS
                  or tokens[k + 1].type == "QUAL" and k + 2 < len(tokens) and tokens[k + 2].type in _TREATMENTS)))]
    for k in range(1, len(tokens) - 3):
        if tokens[k].type not in COMPARATORS or [t.type for t in tokens[k + 1:k + 4]] != _TIME_BEFORE:
            continue
        if re.search(r"(?i)\bfor\b", text[tokens[k - 1].end_pos:tokens[k].start_pos]) \
                and not any(t.type == "WORD" and t.value.lower() in _STOPPED for t in tokens[:k]):
            # "treated with metformin for at least 8 weeks prior to screening": how long (but
            # "discontinued all biologics for at least 12 weeks prior" is how long since)
            return tokens
        end = k - 1
        while end > 0 and (tokens[end].type == "MUST" or _ends_course(tokens[end])):
            end -= 1  # "must have been completed"
        if tokens[end].type == "RPAR":  # "(including stereotactic radiosurgery)"
            end = max((j for j in range(end) if tokens[j].type == "LPAR"), default=0) - 1
        if end < 0 or tokens[end].type not in _TREATMENTS:
            return tokens
        start = end
        while start >= 2 and tokens[start - 1].type in _WASH_SEPS and tokens[start - 2].type in _TREATMENTS:
            start -= 2
        if start >= 2 and tokens[start - 1].type == "OR" and tokens[start - 2].type == "COMMA":
            return tokens  # ", or" between a treatment and what came before: a list the time may not reach
        head = tokens[:start]
        if any(t.type == "QUAL" and t.value not in ("history", "current") or t.type in ("NEG", "IF") for t in head):
            return tokens
        kept = [t for t in head if not _ends_course(t)]
        rest = [t for t in tokens[start:k] if not _ends_course(t)]
        washed = _token("WASHED", "", tokens[start].start_pos, tokens[start].start_pos)
        return [*kept, washed, *rest, *tokens[k:]]
    return tokens


_ITEM_SEPS = frozenset({"COMMA", "OR", "ANDOR"})
_ITEM_ENDS = frozenset({"PERIOD", "SEMI", "COLON", "RPAR", "COMMA", "THEN"})


def _not_childbearing_or(tokens: list[Token]) -> list[Token]:
    """"Must be of non-childbearing potential or, if of childbearing potential, use contraception",
    "(at least one of the following applies:) is not a WOCBP OR is a WOCBP and using
    contraception": not A, or A and B, is "A must B" — one "of childbearing potential" that the
    next pass reads as a subject or as an item about those women."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        j = _skip(tokens, k + 1, ("FEMALE",)) if tokens[k].type == "NEG" else k
        if j > k and j < len(tokens) and tokens[j].type == "CBP":
            m = _skip(tokens, j + 1, ("COMMA",))
            listed = [t.type for t in out[-2:]] == ["ANY_OF", "COLON"]  # the alternatives as items
            if m < len(tokens) and (tokens[m].type == "OR" or listed and tokens[m].type in ("PERIOD", "SEMI")):
                m = _skip(tokens, m + 1, ("COMMA", "IF", "FEMALE"))
                if m < len(tokens) and tokens[m].type in ("CBP", "CBP_ITEM"):
                    end = _skip(tokens, m + 1, ("COMMA", "AND"))
                    if out and out[-1].type == "COLON" and len(out) > 1 and out[-2].type == "ANY_OF":
                        del out[-2:]  # "at least one of the following applies:" the two alternatives
                    out.append(_token("CBP", tokens[m].value, tokens[k].start_pos, tokens[m].end_pos))
                    k = end
                    continue
                use = _skip(tokens, m, ("ABLE", "MUST"))
                if m < use < len(tokens) and tokens[use].type == "CONTRACEPTION" and tokens[k].value in ("not", "non") \
                        and all(t.type in ("FEMALE", "MUST") for t in out):
                    # "(women) of non-childbearing potential or using highly effective contraception":
                    # the contraception is asked of those who could conceive, as above ("not pregnant
                    # or contraception", with no verb, could be "neither"); a requirement, so "must"
                    out.append(_token("CBP", tokens[j].value, tokens[k].start_pos, tokens[j].end_pos))
                    if not any(t.type == "MUST" for t in out) and tokens[m].type != "MUST":
                        out.append(_token("MUST", "must", tokens[m].start_pos, tokens[m].start_pos))
                    k = m
                    continue
        out.append(tokens[k])
        k += 1
    return out


def _subgroup_after_sex(tokens: list[Token]) -> list[Token]:
    """"Sexually active males must use a condom": the sex first, then whom among them (as in
    "males who are sexually active")."""
    out = list(tokens)
    for k in range(len(out) - 1):
        if out[k].type == "SUBGROUP" and out[k + 1].type in ("FEMALE", "MALE") and (k == 0 or out[k - 1].type in (
                "PERIOD", "SEMI", "COMMA", "OR", "AND", "IF")):
            out[k], out[k + 1] = out[k + 1], out[k]
    return out


def _women_planning(tokens: list[Token]) -> list[Token]:
    """"Pregnant or lactating women, or women planning to become pregnant": the later "women" opens
    a list item that planning a pregnancy already says of women (the reader adds the sex)."""
    return [t for k, t in enumerate(tokens)
            if not (t.type == "FEMALE" and 0 < k < len(tokens) - 1 and tokens[k - 1].type in _ITEM_SEPS | {"AND"}
                    and tokens[k + 1].type == "ATTR" and tokens[k + 1].value == "plans_pregnancy")]


def _unless_negative(tokens: list[Token]) -> list[Token]:
    """"Positive HCV antibody, unless HCV RNA is negative": a result, unless another test for the
    same infection (vocabulary ``detects``) is negative, is that result with the other one not
    negative. A test for something else after "unless" stays as it is."""
    k = next((j for j, t in enumerate(tokens) if t.type == "EXCEPT" and t.value.lower() == "unless"), None)
    if k is None or k < 2:
        return tokens
    first = [t for t in tokens[:k] if t.type not in ("AT_ANCHOR", "COMMA")]
    rest = tokens[k + 1:]
    if len(first) != 2 or {t.type for t in first} != {"POSITIVE", "QUALITATIVE"} \
            or len(rest) != 2 or {t.type for t in rest} != {"NEGATIVE", "QUALITATIVE"}:
        return tokens
    vocab = load_vocabulary()
    tested = next(t for t in first if t.type == "QUALITATIVE")
    other = next(t for t in rest if t.type == "QUALITATIVE")
    if not set(vocab.get(tested.value).detects) & set(vocab.get(other.value).detects):
        return tokens
    negative = next(t for t in rest if t.type == "NEGATIVE")
    unless = tokens[k]
    return [*tokens[:k], _retyped(unless, "AND"), _token("NEG", "not", unless.start_pos, unless.end_pos),
            negative, other]


def _test_before(tokens: list[Token]) -> list[Token]:
    """"A negative pregnancy test prior to randomization": a test done before the anchor, as one at
    it; the same test again at a second time ("at screening and prior to the first dose", "and on
    Day 1") asks nothing more; and "18 years of age or older, inclusive": nothing more than "or older"."""
    out: list[Token] = []
    skip = 0
    for k, t in enumerate(tokens):
        if skip:
            skip -= 1
            continue
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if t.type == "AND" and len(out) > 1 and out[-1].type == "AT_ANCHOR" and out[-2].type == "PREGNANCY_TEST" \
                and nxt is not None:
            after = [u.type for u in tokens[k + 1:k + 3]]
            if after[:1] == ["AT_ANCHOR"] and after[1:2] != ["ANCHOR"]:
                skip = 1
                continue
            if after == ["BEFORE", "ANCHOR"] and (k + 3 == len(tokens) or tokens[k + 3].type in ("SEMI", "COMMA")):
                skip = 2
                continue
        if t.type == "BEFORE" and out and out[-1].type == "PREGNANCY_TEST" and nxt is not None and nxt.type == "ANCHOR":
            out.append(_token("AT_ANCHOR", t.value, t.start_pos, nxt.end_pos))
            continue
        if t.type == "ANCHOR" and out and out[-1].type == "AT_ANCHOR" and out[-1].start_pos == tokens[k - 1].start_pos \
                and tokens[k - 1].type == "BEFORE":
            continue
        if t.type == "INCLUSIVE" and out and out[-1].type == "GE" and len(out) > 1 and out[-2].type == "YEARS_OLD":
            continue
        out.append(t)
    return out


def _within_range(tokens: list[Token]) -> list[Token]:
    """"Body weight within 50 to 100 kg": a measure within a range is between its ends, not a time."""
    return [_retyped(t, "BETWEEN") if t.type == "WITHIN" and 0 < k < len(tokens) - 3
            and tokens[k - 1].type == "MEASURE" and tokens[k + 1].type == "NUMBER"
            and tokens[k + 2].type in ("TO", "DASH") and tokens[k + 3].type == "NUMBER" else t
            for k, t in enumerate(tokens)]


def _skip(tokens: list[Token], k: int, types: tuple[str, ...]) -> int:
    """The first position from ``k`` whose token is not of these types."""
    while k < len(tokens) and tokens[k].type in types:
        k += 1
    return k


def _childbearing_items(tokens: list[Token]) -> list[Token]:
    """"Pregnant or nursing women, or women of childbearing potential not using contraception":
    "of childbearing potential" after a list's separator, with words of its own after it, opens
    an item about those women (CBP_ITEM), not the whole clause's subject."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if t.type == "CBP" and nxt is not None and nxt.type not in _ITEM_ENDS:
            woman = out[-1] if out and out[-1].type == "FEMALE" else None
            before = out[:-1] if woman is not None else out
            j = len(before)
            while j > 0 and before[j - 1].type in _ITEM_SEPS | {"AND"}:
                j -= 1  # ", or", ", and" (but "men and women of childbearing potential" is one subject)
            if j < len(before) and j > 0 and before[j - 1].type not in ("LPAR", "FEMALE", "MALE"):
                if woman is not None:
                    out.pop()
                out.append(_token("CBP_ITEM", t.value, (woman or t).start_pos, t.end_pos))
                continue
        out.append(t)
    return out


_AGE_WORDS = re.compile(r"\b(?:older|younger)\b", re.IGNORECASE)
_AND_AGE = {"and younger": "LT", "and older": "GT"}
_UNITS_AFTER = frozenset({"UNIT", "TIMEUNIT", "YEARS_OLD", "ULN", "LLN", "TIMES"})


def _ages_of_patients(tokens: list[Token]) -> list[Token]:
    """"≤ 1.0 mg/dL for patients 6 to 10", "for patients 5 and under": bare numbers said of the
    patients themselves, with no unit, are their ages."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        out.append(t)
        if t.type != "IF" or t.value.lower() not in _OF_PATIENTS:
            continue
        rest = [x.type for x in tokens[k + 1:k + 5]]
        ranged = rest[:3] in (["NUMBER", "TO", "NUMBER"], ["NUMBER", "DASH", "NUMBER"])
        bounded = rest[:2] in (["NUMBER", "LE"], ["NUMBER", "GE"])
        ends = rest[3 if ranged else 2:][:1]
        if (ranged or bounded) and ends in ([], ["PERIOD"], ["SEMI"], ["COMMA"], ["RPAR"]):
            nxt = tokens[k + 1]
            out.append(_token("MEASURE", "age", nxt.start_pos, nxt.start_pos))
    return out


_OF_PATIENTS = frozenset({"for patients", "for subjects", "for participants"})


def _ages_by_word(tokens: list[Token]) -> list[Token]:
    """"Patients 59 and younger", "older than 18": a bare number that only an age can be older
    or younger than is an age (in years, as an age with no unit is)."""
    out: list[Token] = []
    than = False  # the "than" of an "and younger than" already read
    for k, t in enumerate(tokens):
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if than:
            than = False
            continue
        if t.type in COMPARATORS and t.value in _AND_AGE and nxt is not None and nxt.type == "WORD" \
                and nxt.value.lower() == "than":
            # "older than 18 and younger than 65": "and younger" was read as one comparator
            out.append(_token("AND", "and", t.start_pos, t.start_pos + 3))
            out.append(_token(_AND_AGE[t.value], t.value, t.start_pos + 4, nxt.end_pos))
            than = True
            continue
        out.append(t)
    for k, t in enumerate(out):
        if t.type not in COMPARATORS or not _AGE_WORDS.search(t.value):
            continue
        before = k - 1 if k > 0 and out[k - 1].type == "NUMBER" else None  # "59 and younger"
        after = k + 1 if before is None and k + 1 < len(out) and out[k + 1].type == "NUMBER" else None
        number = before if before is not None else after
        if number is None or number + 1 < len(out) and out[number + 1].type in _UNITS_AFTER:
            continue
        first = min(number, k)
        if first > 0 and out[first - 1].type in COMPARATORS | {"MEASURE", "NUMBER", "UNIT"}:
            continue
        out.insert(first, _token("MEASURE", "age", out[first].start_pos, out[first].start_pos))
        break
    return out


def _names_no_scale(t: Token, text: str) -> bool:
    """"Performance status" read as ECOG, where the scale may be named next to it."""
    return t.type == "MEASURE" and text[t.start_pos:t.end_pos].lower() in ("performance status", "performance score")


def _repeated_names(tokens: list[Token]) -> list[Token]:
    """"Eastern Cooperative Oncology Group (ECOG) performance status": one name said twice."""
    out: list[Token] = []
    for t in tokens:
        if out and t.type in ("MEASURE", "COND", "MED", "PROC") and out[-1].type == t.type and (
                out[-1].value == t.value or t.type == "PROC" and (t.value == "surgery"
                                                                  or load_vocabulary().is_a(out[-1].value, t.value))):
            # "… (ECOG) performance status", "deep brain stimulation surgery": the first says it
            out[-1] = _token(t.type, out[-1].value, out[-1].start_pos, t.end_pos)
            continue
        out.append(t)
    return out


def _trailing_conditions(tokens: list[Token]) -> list[Token]:
    """"Karnofsky 50-100% (for patients age 11 to 21)": a parenthesis that ends a sentence and
    says whom it is asked of is the sentence's "if"; its brackets go."""
    out = list(tokens)
    k = 1
    while k < len(out):
        if out[k].type == "LPAR" and k + 1 < len(out) and out[k + 1].type == "IF":
            depth, j = 0, k
            while j < len(out):
                depth += {"LPAR": 1, "RPAR": -1}.get(out[j].type, 0)
                if depth == 0:
                    break
                j += 1
            if j < len(out) and (j + 1 == len(out) or out[j + 1].type in ("PERIOD", "SEMI")):
                del out[j]
                del out[k]
                continue
        k += 1
    return out


_OPENERS = frozenset({"COMMA", "AND", "OR", "ANDOR", "NEG", "LPAR", "SEMI", "COLON"})


def _adjective_commas(tokens: list[Token]) -> list[Token]:
    """"active, known or suspected autoimmune disease" (with "known or suspected" gone): a comma
    between the qualifiers that open an item and its name joins adjectives, it does not list;
    so does one between the verbs of an ability ("able to read, understand, …")."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        if t.type == "COMMA" and out and out[-1].type == "QUAL" and k + 1 < len(tokens) \
                and tokens[k + 1].type in ("COND", "MED", "PROC"):
            j = len(out) - 1
            while j and out[j - 1].type == "QUAL":
                j -= 1
            if j == 0 or out[j - 1].type in _OPENERS:
                continue
        if t.type == "COMMA" and out and out[-1].type == "ABLE" and k + 1 < len(tokens) \
                and tokens[k + 1].type in ("ABLE", "ATTR"):
            continue  # "able to read, understand, converse in English"
        out.append(t)
    return out


_COMPLY_SEPS = frozenset({"COMMA", "AND", "OR", "ANDOR", "ETC"})


# What the procedures to comply with are listed in ("including study drug administration, visits
# and tests"): nothing more asked.
_COMPLY_EXAMPLES = frozenset({"ANCHOR", "COMPLY", "WORD", "COMMA", "AND", "OR", "ANDOR", "PERIOD"})


def _comply_lists(tokens: list[Token]) -> list[Token]:
    """"comply with scheduled visits, treatment plan, and other study procedures": what the
    patient will comply with, listed, is one undertaking."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        if t.type == "INCLUDING" and out and out[-1].type == "COMPLY" and all(
                x.type in _COMPLY_EXAMPLES for x in tokens[k + 1:]):
            break  # "comply with all study procedures including study drug administration, visits and tests"
        if t.type == "COMPLY" and len(out) > 1 and out[-1].type == "INCLUDING" and out[-2].type == "CONSENT":
            # "informed consent which includes compliance with the protocol": both
            out[-1] = _retyped(out[-1], "AND")
        if t.type == "COMPLY" and out:
            k = len(out)
            while k and out[k - 1].type in _COMPLY_SEPS:
                k -= 1
            if k < len(out) and k and out[k - 1].type == "COMPLY":
                first = out[k - 1]
                del out[k - 1:]
                out.append(_token("COMPLY", first.value, first.start_pos, t.end_pos))
                continue
        out.append(t)
    return out


# What a duration can follow: a condition, a drug, its dose ("5 mg/day for at least 3 months"), a
# parenthesis after them.
_LASTS = frozenset({"COND", "MED", "UNIT", "RPAR"})
# After these the time is a window, not how long something lasted ("for 30 days prior to …").
_WINDOW_AFTER = frozenset({"BEFORE", "AFTER", "ANCHOR", "OF", "WITHIN", "AT_ANCHOR"})


_FOR = re.compile(r"\bfor(?: a| an)?$", re.IGNORECASE)


def _stable_to(out: list[Token], tokens: list[Token], k: int) -> bool:
    """"on a stable dose of X for ≥ 4 weeks prior to screening": "before the anchor" at ``k``
    after the duration of a stable course says it runs up to the anchor, i.e. goes on now."""
    stable = any(t.type == "QUAL" and t.value == "stable" for t in out)
    return stable and k + 1 < len(tokens) and tokens[k].type == "BEFORE" and tokens[k + 1].type == "ANCHOR"


def _held_to(out: list[Token], tokens: list[Token], k: int) -> bool:
    """"Diagnosis of type 2 diabetes for at least 6 months prior to screening": how long a
    condition has been had, up to the anchor, i.e. up to now, as a stable dose is."""
    last = next((x.type for x in reversed(out) if x.type not in ("MUST", "LASTING")), None)
    return last == "COND" and k + 1 < len(tokens) and tokens[k].type == "BEFORE" and tokens[k + 1].type == "ANCHOR"


def _durations(tokens: list[Token], text: str) -> list[Token]:
    """"for at least 8 weeks" or "of at least 6 months' duration" after a condition or a drug:
    how long it has lasted, read as LASTING comparator NUMBER TIMEUNIT."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        before = next((x.type for x in reversed(out) if x.type != "MUST"), None)
        time = [x.type for x in tokens[k + 1:k + 4]]
        after = tokens[k + 4].type if k + 4 < len(tokens) else None
        if before == "QUAL" and out[-1].value == "stable":
            before = "MED"  # "methotrexate at a stable dose for ≥ 8 weeks"
        if t.type in ("IF", "LASTING") and before in _LASTS and len(time) == 3 and time[0] in COMPARATORS \
                and time[1:] == ["NUMBER", "TIMEUNIT"] \
                and (after not in _WINDOW_AFTER or _stable_to(out, tokens, k + 4) or _held_to(out, tokens, k + 4)):
            held = _held_to(out, tokens, k + 4)
            out.append(_retyped(t, "LASTING"))
            out.extend(tokens[k + 1:k + 4])
            k += 5 if after == "LASTING" else 4  # "for ≥ 8 weeks in duration"
            k += 2 if _stable_to(out, tokens, k) or held else 0
            continue
        time = [x.type for x in tokens[k:k + 4]]
        after = tokens[k + 3].type if k + 3 < len(tokens) else None
        if out and before in _LASTS and t.type in COMPARATORS and time[1:3] == ["NUMBER", "TIMEUNIT"] \
                and (after not in _WINDOW_AFTER or _stable_to(out, tokens, k + 3) or _held_to(out, tokens, k + 3)) \
                and _FOR.search(text[out[-1].end_pos:t.start_pos].strip()):
            # "for" itself was dropped as a connective: "on metformin for at least 3 months"
            held = _held_to(out, tokens, k + 3)
            out.append(_token("LASTING", "for", out[-1].end_pos, t.start_pos))
            out.extend(tokens[k:k + 3])
            k += 4 if after == "LASTING" else 3
            k += 2 if _stable_to(out, tokens, k) or held else 0
            continue
        if before in ("COND", "MED") and t.type == "GE" and time[1:] == ["WITHIN", "NUMBER", "TIMEUNIT"] \
                and _FOR.search(text[out[-1].end_pos:t.start_pos].strip()):
            # "on metformin for at least the past 3 months": lasting, and up to now
            out.append(_token("LASTING", "for", out[-1].end_pos, t.start_pos))
            out.extend((t, tokens[k + 2], tokens[k + 3]))
            out.append(_token("QUAL", "current", tokens[k + 3].end_pos, tokens[k + 3].end_pos))
            k += 4
            continue
        if before in ("COND", "MED") and t.type in COMPARATORS and time[1:] == ["NUMBER", "TIMEUNIT", "LASTING"]:
            # "ITP of at least 6 months duration"
            out.append(tokens[k + 3])
            out.extend(tokens[k:k + 3])
            k += 4
            continue
        out.append(t)
        k += 1
    return out


# Words that introduce a standard or method: "per", "according to", "based on", "calculated using"…
_LEAD_IN_WORDS = frozenset({"per", "according", "based", "calculated", "assessed", "measured", "evaluated", "graded",
                            "defined", "determined", "via", "using", "corrected", "diagnosed", "as"})
_VERSION = re.compile(r"^[vV]\d+(?:\.\d+)*$")


def _is_rate(t: Token) -> bool:
    """A count of events per day or longer period ("micturitions", "migraine days"; not a flow
    such as mL/min, nor a heart rate per minute): "at least 1" of it is a threshold."""
    return t.type == "MEASURE" and _counted_per_day_or_longer(t.value)


@functools.cache
def _counted_per_day_or_longer(concept_id: str) -> bool:
    concept = load_vocabulary().lookup(concept_id)
    try:
        unit = parse_unit(concept.unit) if concept is not None and concept.unit is not None else None
        return unit is not None and dict(unit.dimensionality) == {"[time]": -1} \
            and ureg.Quantity(1, unit).to("1/day").magnitude <= 1
    except UnitError:
        return False


# What may stand before a rate's name: its threshold ("≥ 8", "4 to 14", "8 or more").
_RATE_LEAD = frozenset({"NUMBER", "TO", "DASH", "BETWEEN", "AND", "GT", "GE", "LT", "LE", "EQ"})


# A period as the unit of a rate, by the time unit the lexicon reads: "/month", "/28d".
_RATE_PERIODS = {"hours": ("hour", "h"), "days": ("day", "d"), "weeks": ("week", "wk"), "months": ("month", "mo"),
                 "years": ("year", "year")}
# Words that say a rate's period in its name: "monthly migraine days", "daily stool frequency".
_NAMED_PERIOD = re.compile(r"\b(?:daily|weekly|monthly|yearly|annual|annualized|per)\b|/", re.IGNORECASE)


# "10 cigarettes a day", "8 voids each day": the article is filler, so the period follows the name.
_EACH_PERIOD = re.compile(r"\s+(?:a|an|each|every)\s+", re.IGNORECASE)
# "5 cigarettes daily", "2 bowel movements weekly"
_ADVERB_PERIODS = {"daily": "/day", "weekly": "/week", "monthly": "/month"}


def _period_after(tokens: list[Token], k: int, text: str) -> tuple[str, int] | None:
    """"per month", "per 28 days", "/week", "a day", "daily" at ``k``: the period as a unit, and its
    length in tokens."""
    if k < len(tokens) and tokens[k].type == "WORD" and tokens[k].value.lower() in _ADVERB_PERIODS:
        return _ADVERB_PERIODS[tokens[k].value.lower()], 1
    if k < len(tokens) and k and tokens[k].type == "TIMEUNIT" and tokens[k].value in _RATE_PERIODS \
            and _EACH_PERIOD.fullmatch(text[tokens[k - 1].end_pos:tokens[k].start_pos]) \
            and not text[tokens[k].start_pos:tokens[k].end_pos].lower().endswith("s"):
        return f"/{_RATE_PERIODS[tokens[k].value][0]}", 1
    if k + 1 >= len(tokens) or not (tokens[k].type == "WORD" and tokens[k].value.lower() == "per"
                                    or tokens[k].type == "OR" and tokens[k].value == "/"):
        return None
    if tokens[k + 1].type == "TIMEUNIT" and tokens[k + 1].value in _RATE_PERIODS:
        return f"/{_RATE_PERIODS[tokens[k + 1].value][0]}", 2
    if k + 2 < len(tokens) and tokens[k + 1].type == "NUMBER" and tokens[k + 2].type == "TIMEUNIT" \
            and tokens[k + 2].value in _RATE_PERIODS and tokens[k + 1].value.isdigit():
        return f"/{tokens[k + 1].value}{_RATE_PERIODS[tokens[k + 2].value][1]}", 3
    return None


def _rates(tokens: list[Token], text: str) -> list[Token]:
    """"≥ 8 micturitions per 24 hours", "4 to 14 migraine days per month", "at least 4 seizures
    per 28 days": a count per period is a rate, a measure (an event's own by the lexicon's
    RATE_OF) whose unit is the period, read as MEASURE comparator NUMBER UNIT. Only a threshold
    right before or after the name takes the period; a threshold with no period, on a rate whose
    name does not say it either ("≥ 3 bowel movements"), is not read."""
    lex = _lexicon()
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        measure = lex.rate_of.get(t.value) if t.type == "COND" else (t.value if _is_rate(t) else None)
        if measure is None:
            out.append(t)
            k += 1
            continue
        j = len(out)
        while j and out[j - 1].type in _RATE_LEAD:
            j -= 1
        before = out[j:]
        named = _period_after(tokens, k + 1, text)  # "micturitions per 24 hours", "migraine days/month ≥ 4"
        first = m = k + 1 + (named[1] if named else 0)
        while m < len(tokens) and tokens[m].type in _RATE_LEAD:
            m += 1
        after = tokens[first:m]
        if _numbered(before):
            lead, period, end, at = before, named, first, k + 1
        elif _numbered(after):
            lead, period = after, named or _period_after(tokens, m, text)
            at = k + 1 if named else m
            end = m + (period[1] if period and not named else 0)
        else:
            out.append(t)
            k += 1
            continue
        words = text[t.start_pos:t.end_pos]
        if period is None:
            if t.type == "MEASURE" and not _NAMED_PERIOD.search(words) \
                    and not (end < len(tokens) and tokens[end].type == "UNIT"):
                out.append(_retyped(t, "WORD", words))  # "≥ 3 bowel movements": per day, per week? not said
            elif t.type == "MEASURE" and lead is before:
                del out[j:]  # "between 4 and 14 monthly migraine days": the name first, as a range is read
                out.extend([t, *before])
            else:
                out.append(t)
            k += 1
            continue
        unit_text, length = period
        unit_start, unit_end = tokens[at].start_pos, tokens[at + length - 1].end_pos
        if lead is before:
            del out[j:]
        out.append(_token("MEASURE", measure, t.start_pos, t.end_pos))
        for x in lead:
            out.append(x)
            if x.type == "NUMBER":
                out.append(_token("UNIT", unit_text, unit_start, unit_end))
        k = end
    return out


def _elliptic_counts(tokens: list[Token]) -> list[Token]:
    """Counts that share their words: "≥ 2 moderate or ≥ 1 severe COPD exacerbations" names the
    exacerbations once for both counts, and "at least 2 moderate COPD exacerbations or 1 severe
    COPD exacerbation" its comparator once ("at least" reaches the 1). Each count is written out
    whole, so each is read as a count of its own (only "at least": "more than 2 moderate or 1
    severe" may mean exactly one)."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        counted = _count_at(tokens, k)
        if counted is not None and counted < len(tokens) and tokens[counted].type == "OR":
            nxt = _count_at(tokens, counted + 1)
            if nxt is not None and nxt < len(tokens) and tokens[nxt].type == "COND" \
                    and tokens[counted - 1].type == "QUAL":
                out.extend(tokens[k:counted])
                out.append(tokens[nxt])  # "≥ 2 moderate [exacerbations] or ≥ 1 severe exacerbations"
                k = counted
                continue
        if t.type == "OR" and out and out[-1].type == "COND" and k + 1 < len(tokens) \
                and tokens[k + 1].type == "NUMBER" and tokens[k + 1].value.isdigit():
            first = _count_start(out)
            after = _count_at([_retyped(out[first], "GE"), *tokens[k + 1:]], 0) if first is not None else None
            if first is not None and out[first].type == "GE" and after is not None and after < len(tokens) - k \
                    and tokens[k + after].type == "COND":
                out.append(t)
                out.append(_retyped(out[first], "GE"))  # "… or [at least] 1 severe COPD exacerbation"
                k += 1
                continue
        out.append(t)
        k += 1
    return out


def _count_at(tokens: Sequence[Token], k: int) -> int | None:
    """Where a count's qualifiers end, for a count ("≥ 2 moderate") starting at ``k``."""
    if k + 1 >= len(tokens) or tokens[k].type not in COMPARATORS or tokens[k + 1].type != "NUMBER":
        return None
    m = k + 2
    while m < len(tokens) and tokens[m].type == "QUAL":
        m += 1
    return m


def _count_start(out: list[Token]) -> int | None:
    """The comparator of the count that ends ``out`` ("≥ 2 moderate COPD exacerbations")."""
    m = len(out) - 1  # the name
    while m and out[m - 1].type == "QUAL":
        m -= 1
    return m - 2 if m >= 2 and out[m - 1].type == "NUMBER" and out[m - 2].type in COMPARATORS else None


def _numbered(tokens: Sequence[Token]) -> bool:
    return any(x.type == "NUMBER" for x in tokens)


def _after_a_count(out: list[Token]) -> bool:
    """"≥ 2 moderate or [≥ 1 severe] exacerbations": the one is a count beside another, not having had one."""
    k = len(out)
    if not k or out[k - 1].type not in ("OR", "AND", "COMMA", "ANDOR"):
        return False
    k -= 1
    while k and out[k - 1].type == "QUAL":
        k -= 1
    return k >= 2 and out[k - 1].type == "NUMBER" and out[k - 2].type in COMPARATORS


def _drop_at_least_one(out: list[Token]) -> None:
    """Drop "at least 1" before a name (and its qualifiers), unless it follows a measured value:
    "at least one episode of X" is having had X."""
    j = len(out)
    while j and out[j - 1].type in ("QUAL", "LINES", "EPISODES"):
        j -= 1
    if sum(out[k].type == "LINES" for k in range(j, len(out))) > 1:
        return
    lines = [k for k in range(j, len(out)) if out[k].type in ("LINES", "EPISODES")]
    if j >= 2 and out[j - 1].type == "NUMBER" and float(out[j - 1].value) == 1 and out[j - 2].type == "GE" \
            and (j < 3 or out[j - 3].type not in _NAMES) and not _after_a_count(out[:j - 2]):
        for k in reversed(lines):
            del out[k]
        del out[j - 2:j]


def _drop_lead_in(out: list[Token]) -> None:
    while out and (out[-1].type in ("ABLE", "WORD") and out[-1].value.lower() in _LEAD_IN_WORDS
                   or out[-1].type in ("DETERMINED_BY", "TO", "OF")):
        out.pop()
    if len(out) >= 2 and out[-1].type == "COMMA" and out[-2].type == "COND":
        out.pop()  # "EUPD, as per ICD-11 criteria"


def _diagnosed_by(out: list[Token]) -> bool:
    """A condition, then words that introduce how it was diagnosed ("according to", "per")."""
    lead = list(out)
    _drop_lead_in(lead)
    return len(lead) < len(out) and bool(lead) and lead[-1].type == "COND"


def _after_version(tokens: list[Token], k: int, text: str) -> int:
    """Where the version after a standard ends: "v1.1", "V 1.1", "version 4.0", "1.1", ", Version 3"
    (and the word "criteria" after it: "RECIST 1.1 criteria")."""
    end = _version_end(tokens, k)
    if end < len(tokens) and tokens[end].type == "CLASSIFICATION" and tokens[end].value.lower() == "criteria":
        return end + 1
    return end


def _version_end(tokens: list[Token], k: int) -> int:
    j = k + 1 if k < len(tokens) and tokens[k].type == "COMMA" and k + 1 < len(tokens) \
        and tokens[k + 1].value.lower() == "version" else k
    if j < len(tokens) and _VERSION.match(tokens[j].value):
        return j + 1
    if j < len(tokens) and tokens[j].value.lower() in ("v", "version") and j + 1 < len(tokens) \
            and tokens[j + 1].type == "NUMBER":
        return j + 2
    if j < len(tokens) and tokens[j].type == "NUMBER" and "." in tokens[j].value and j == k:
        return j + 1  # "RECIST 1.1"
    return k


_LIST_SEPS = ("OR", "AND", "ANDOR", "COMMA")
# "for", "when", "where" open a condition only on a sex or childbearing potential ("for women …")
_BARE_IF = frozenset({"for", "when", "where"})
_EVENTS = frozenset({"COND", "MED", "PROC", "VACC"})


_CONDITION_LIST = frozenset({"IF", "COND", "QUAL", "OR", "AND", "ANDOR", "COMMA", "OTHER"})


def _ends_condition(tokens: list[Token], k: int) -> bool:
    """Whether the comma at ``k`` closes an "if"/"for" phrase: the last break of the sentence,
    or the first comma after a list of conditions that the measures follow ("For HCC, AST,
    ALT, and ALP ≤ 5 x ULN")."""
    if _last_break(tokens, k):
        return True
    start = max((j for j in range(k) if tokens[j].type == "IF"), default=None)
    return start is not None and k + 1 < len(tokens) and tokens[k + 1].type == "MEASURE" \
        and all(t.type in _CONDITION_LIST for t in tokens[start:k])


def _opens_with_conditions(out: list[Token]) -> bool:
    """Whether the sentence read so far is "if"/"for" and a list of conditions."""
    start = max((j for j in range(len(out)) if out[j].type == "IF"), default=None)
    return start is not None and all(t.type in _CONDITION_LIST for t in out[start:])


def _last_break(tokens: list[Token], k: int) -> bool:
    """No other comma, colon or "then" before the sentence ends."""
    for t in tokens[k + 1:]:
        if t.type in ("PERIOD", "SEMI"):
            return True
        if t.type in ("COMMA", "COLON", "THEN"):
            return False
    return True


def _measure_group(t: Token) -> list[Token]:
    """"transaminases" → ALT and AST, over the same words."""
    tokens: list[Token] = []
    for concept in t.value.split():
        if tokens:
            tokens.append(_token("AND", "and", t.start_pos, t.start_pos))
        tokens.append(_token("MEASURE", concept, t.start_pos, t.end_pos))
    return tokens


def _list_number(t: Token, text: str) -> bool:
    """A whole number opening a clause and followed by a capitalised word: a list label."""
    after = text[t.end_pos:].lstrip(" .)")
    return t.value.isdigit() and len(t.value) <= 2 and bool(after) and after[0].isupper() \
        and text[t.end_pos:t.end_pos + 1] in (" ", ".", ")")


def _outside(out: list[Token], t: Token, ntype: str | None) -> None:
    """"BMI outside (of) the 18-29 kg/m2 range", "TSH outside the normal range": the range,
    negated. The negation goes before the measured name; with no name before it, or no range
    after it, the word stays unread."""
    k = len(out) - (2 if len(out) >= 2 and out[-1].type == "COLON" else 1)
    if k >= 0 and out[k].type == "MEASURE" and ntype in ("NUMBER", "BETWEEN", "NEGATIVE"):
        out.insert(k, _token("NEG", "outside", t.start_pos, t.end_pos))
    else:
        out.append(_retyped(t, "WORD"))


_IN_THE = re.compile(r"\b(?:in|during|over|within)\s+the\s*$", re.IGNORECASE)
_IN = re.compile(r"\b(?:in|during|over)(?: the (?:past|last))?\s*$", re.IGNORECASE)


def _less_than_ago(out: list[Token], t: Token, text: str) -> None:
    """Time limits on an event written as comparisons or beside "currently", made windows:
    "DVT less than 3 weeks prior to enrollment", "recent myocardial infarction (< 3 months)",
    "smoker (currently or within the last year)" — what is current falls inside the window."""
    if t.type == "WITHIN" and len(out) >= 2 and out[-1].type == "QUAL" and out[-1].value in ("current", "active") \
            and text[out[-1].end_pos:t.start_pos].strip() == "or" \
            and (out[-2].type in _EVENTS or out[-2].type == "LPAR" and len(out) >= 3 and out[-3].type in _EVENTS):
        out.pop()  # (the "or" went with nothing after it)
        return
    if t.type == "BEFORE":
        tail, before = out[-3:], out[-4] if len(out) >= 4 else None
        recent = False
    else:  # TIMEUNIT: only after "recent …", whose time this says, or "in < 6 months"
        tail, before = [*out[-2:], t], out[-3] if len(out) >= 3 else None
        recent = any(x.type == "RECENT" for x in out)
        written_in = len(out) >= 3 and _IN.search(text[out[-3].end_pos:out[-2].start_pos])
        if not recent and not written_in:
            return
    if len(tail) != 3 or [x.type for x in tail[1:]] != ["NUMBER", "TIMEUNIT"] or tail[0].type not in ("LT", "LE"):
        return
    if before is None or not (before.type in _EVENTS or before.type == "RPAR" or recent and before.type == "LPAR"):
        return
    k = len(out) - (3 if t.type == "BEFORE" else 2)
    out[k] = _retyped(out[k], "WITHIN")
    if recent:
        out[:] = [x for x in out if x.type != "RECENT"]


def _negative_list(out: list[Token], negative: Token, vocab: Vocabulary) -> bool:
    """"Hepatitis B or C negative", "HIV, HBV and HCV negative": the test of each infection is
    negative, i.e. none of them is present now. Rewritten in ``out`` as "no (current A or B)";
    True when done. A single name is left to the grammar ("HIV negative")."""
    k = len(out) - 1
    while k >= 2 and out[k - 1].type in _LIST_SEPS and out[k - 2].type == "COND":
        k -= 2
    names = out[k::2]
    if len(names) < 2 or not all(vocab.is_a(t.value, "infection") for t in names):
        return False
    first, last = names[0], names[-1]
    rewritten = [_token("NEG", "not", first.start_pos, first.start_pos),
                 _token("LPAR", "(", first.start_pos, first.start_pos),
                 _token("QUAL", "current", negative.start_pos, negative.end_pos)]
    for j, name in enumerate(names):
        if j:
            rewritten.append(_token("OR", "or", name.start_pos, name.start_pos))
        rewritten.append(name)
    rewritten.append(_token("RPAR", ")", last.end_pos, last.end_pos))
    out[k:] = rewritten
    return True


def _marks_sex(out: list[Token], t: Token, text: str) -> bool:
    """A threshold said for one sex: "(women: < 38%; …)", "> 450 msec (men)", "≥ 13 g/dL for
    men", "> 450 ms in males". The sex word before or after the threshold becomes one FOR_SEX token
    (in ``out``); True when ``t`` was taken into it."""
    if len(out) >= 2 and out[-1].type in ("FEMALE", "MALE"):
        sex, before = out[-1], out[-2]
        value = sex.type.lower()
        if t.type == "COLON" and before.type in ("LPAR", "SEMI", "COMMA"):
            out[-1] = _token("FOR_SEX", value, sex.start_pos, t.end_pos)
            return True
        if t.type == "RPAR" and before.type == "LPAR" and len(out) >= 3 and out[-3].type in ("NUMBER", "UNIT"):
            out[-2:] = [_token("FOR_SEX", value, before.start_pos, t.end_pos)]
            return True
    if t.type in ("FEMALE", "MALE") and len(out) >= 2 and out[-1].type == "IF" and out[-2].type in ("NUMBER", "UNIT"):
        out[-1] = _token("FOR_SEX", t.type.lower(), out[-1].start_pos, t.end_pos)
        return True
    if t.type in ("FEMALE", "MALE") and out and out[-1].type in ("NUMBER", "UNIT") \
            and _IN_SEX.fullmatch(text[out[-1].end_pos:t.start_pos]):
        out.append(_token("FOR_SEX", t.type.lower(), t.start_pos, t.end_pos))
        return True
    return False


def _closes_sex_note(out: list[Token]) -> bool:
    """"… (women)", "… (for men only)" closing a clause: the parenthesis names whom the clause is
    about. Its opening parenthesis is dropped from ``out`` (the sexes stay, a trailing subject);
    True when it was."""
    k = len(out)
    while k > 0 and out[k - 1].type in ("FEMALE", "MALE", "OR", "AND", "ANDOR"):
        k -= 1
    if k == len(out) or out[-1].type not in ("FEMALE", "MALE"):
        return False
    if k > 0 and out[k - 1].type == "IF":
        k -= 1
    if k == 0 or out[k - 1].type != "LPAR":
        return False
    del out[k - 1]
    return True


_DEFINED = re.compile(r"(?i)^(?:as\s+)?defined\s+(?:as|by)$")
_IN_SEX = re.compile(r"(?i)\s*in\s+")


def _repeats_class(out: list[Token], t: Token, vocab: Vocabulary) -> bool:
    """Whether a condition after a parenthesis is a class of the condition the parenthesis follows."""
    depth = 0
    for j in range(len(out) - 1, -1, -1):
        depth += {"RPAR": 1, "LPAR": -1}.get(out[j].type, 0)
        if depth == 0:
            return j > 0 and out[j - 1].type == "COND" and out[j - 1].value != t.value \
                and vocab.get(t.value).category == "class" and vocab.is_a(out[j - 1].value, t.value)
    return False


def _requiring_treatment(out: list[Token]) -> int | None:
    """Where "requiring (active)" begins when it follows a condition, perhaps after other
    qualifiers of it ("progressing or requires"), before "treatment"."""
    k = len(out)
    while k > 0 and out[k - 1].type == "QUAL" and out[k - 1].value == "active":
        k -= 1
    if k < 2 or out[k - 1].type != "REQUIRING":
        return None
    m = k - 2
    while m >= 1 and out[m].type in _QUAL_JOINS and out[m - 1].type == "QUAL":
        m -= 2
    if m < 0 or out[m].type != "COND":
        return None
    # after a list, only of conditions ("autonomic or peripheral neuropathy that requires …"):
    # the reader says whether it is each one's
    first = m
    while first >= 2 and out[first - 1].type in _QUAL_JOINS | {"COMMA"} and out[first - 2].type == "COND":
        first -= 2
    return k - 1 if first == 0 or out[first - 1].type not in _QUAL_JOINS | {"COMMA"} else None


def _dose_of_a_reference(out: list[Token], vocab: Vocabulary, text: str) -> list[Token]:
    """"Systemic corticosteroids > 10 mg/day of prednisone or equivalent", "… > 10 mg/day
    (prednisone equivalent)", "steroid therapy (in dosing exceeding 10 mg daily of prednisone
    equivalent)", "corticosteroids at doses > 10 mg/day prednisone", "> 10 mg prednisone equivalent
    per day": a dose of any drug of the class, counted in the reference drug the class holds,
    which is how "prednisone > 10 mg/day or equivalent" is read."""
    out = list(out)
    k = 0
    while k + 4 < len(out):
        drug_class = out[k]
        before = out[k + 1].type == "LPAR"  # "steroids (in dosing exceeding 10 mg daily …)"
        i = k + 1 + before
        if i + 3 > len(out):
            break
        cmp, number, unit = out[i:i + 3]
        j = i + 3
        after = not before and j < len(out) and out[j].type == "LPAR"  # "10 mg/day (prednisone equivalent)"
        j += after
        opened = before or after
        reference: str | None = None
        if j + 1 < len(out) and out[j].type == "MED" and out[j + 1].type == "EQUIVALENT":
            reference, j = out[j].value, j + 1
        elif j < len(out) and out[j].type == "EQUIVALENT":
            named = vocab.lookup(text[out[j].start_pos:out[j].end_pos].split()[0])
            reference = named.id if named is not None else None
        elif j < len(out) and out[j].type == "MED" and not opened:
            reference = out[j].value  # "> 10 mg/day prednisone": a dose counted in prednisone
        per = [x.type for x in out[j + 1:j + 3]] == ["WORD", "TIMEUNIT"] and out[j + 1].value.lower() == "per" \
            and "/" not in unit.value and not opened
        if per:  # "10 mg prednisone equivalent per day"
            unit = _retyped(unit, "UNIT", f"{unit.value}/{out[j + 2].value.rstrip('s')}")
            j += 2
        closed = opened and j + 1 < len(out) and out[j + 1].type == "RPAR"
        fits = drug_class.type == "MED" and cmp.type in COMPARATORS and number.type == "NUMBER" \
            and unit.type == "UNIT" and reference is not None and reference != drug_class.value \
            and vocab.get(reference).prednisone_equivalent is not None and vocab.is_a(reference, drug_class.value) \
            and opened == closed
        if fits:
            equivalent = _token("EQUIVALENT", "equivalent", out[j].start_pos, out[j].end_pos)
            out[k:j + 1 + closed] = [_retyped(drug_class, "MED", reference), cmp, number, unit, equivalent]
        k += 1
    return out


_QUAL_JOINS = frozenset({"OR", "AND", "ANDOR"})
_CLAUSE_ENDS = frozenset({"PERIOD", "SEMI"})


def _qualifiers_first(out: list[Token]) -> list[Token]:
    """"Brain metastases that are untreated or symptomatic": qualifiers listed after the condition
    at the end of a sentence (or before its window) are read as if written before it ("untreated
    or symptomatic brain metastases"), where the grammar reads a list of them."""
    out = list(out)
    k = 0
    while k < len(out):
        if out[k].type == "COND" and k + 2 < len(out) and out[k + 1].type == "LPAR" and out[k + 2].type == "QUAL":
            # "alcohol use disorder (moderate or severe)": the qualifiers in parentheses
            j = k + 2
            while j + 2 < len(out) and out[j + 1].type in _QUAL_JOINS and out[j + 2].type == "QUAL":
                j += 2
            if j + 1 < len(out) and out[j + 1].type == "RPAR" \
                    and (j + 2 >= len(out) or out[j + 2].type in _CLAUSE_ENDS | {"WITHIN"}) \
                    and (k == 0 or out[k - 1].type not in _QUAL_JOINS | {"QUAL", "NEG", "COMMA", "OTHER"}):
                out[k:j + 2] = out[k + 2:j + 1] + [out[k]]
                continue
        j = k + 1
        while j + 1 < len(out) and out[j].type == "QUAL" and out[j + 1].type in _QUAL_JOINS \
                and j + 2 < len(out) and out[j + 2].type == "QUAL":
            j += 2
        ends = j + 1 >= len(out) or out[j + 1].type in _CLAUSE_ENDS | {"WITHIN"}  # or a window that closes it
        if out[k].type == "COND" and j > k + 1 and out[j].type == "QUAL" and ends:
            at = k - 1 if k > 0 and out[k - 1].type == "OTHER" else k
            if at == 0 or out[at - 1].type not in _QUAL_JOINS | {"QUAL", "NEG", "COMMA"}:
                out[at:j + 1] = out[k + 1:j + 1] + out[at:k + 1]
        k += 1
    return out


def _treating_class(out: list[Token], vocab: Vocabulary) -> str | None:
    """The drug class that a treatment required by the condition just named must be: "infection
    requiring (systemic) therapy" is an antimicrobial; None for a condition the lexicon does not
    map ("neuropathy that requires treatment")."""
    k = len(out)
    while k > 0 and out[k - 1].type == "QUAL":
        k -= 1
    if k < 2 or out[k - 1].type != "REQUIRING" or out[k - 2].type != "COND":
        return None
    condition = out[k - 2].value
    return next((drug for treated, drug in _lexicon().treated_by.items()
                 if condition == treated or vocab.is_a(condition, treated)), None)


def _out_of_maximum(out: list[Token], t: Token, measure: str | None, vocab: Vocabulary) -> bool:
    """``26/30`` after a score whose scale ends at 30."""
    if measure is None or measure not in vocab.concepts or len(out) < 2:
        return False
    slash, score = out[-1], out[-2]
    if slash.type != "OR" or slash.value != "/" or score.type != "NUMBER":
        return False
    if not score.end_pos == slash.start_pos == slash.end_pos - 1 == t.start_pos - 1:
        return False
    plausible = vocab.get(measure).plausible
    return plausible is not None and plausible[0] == 0 and float(t.value) == plausible[1]


def _looks_like_class(t: Token, text: str) -> bool:
    return t.type == "NUMBER" or bool(_ROMAN_OR_LETTER.match(text[t.start_pos:t.end_pos]))


def _class_number_follows(out: list[Token], ntype: str | None) -> bool:
    """A number right after a class name, or its comparator ("NYHA class ≥ 2"), or in a list of
    class values ("class 1, 2 or 3")."""
    if ntype is not None and ntype not in _AFTER_CLASS_NUMBER or not out:
        return False
    if out[-1].type in ("CATEGORICAL", "CLASS"):
        return True
    if out[-1].type in ("GT", "GE", "LT", "LE") and len(out) >= 2 and out[-2].type in ("CATEGORICAL", "CLASS"):
        return True
    return out[-1].type in ("COMMA", "OR", "AND", "ANDOR", "DASH") and len(out) >= 2 and out[-2].type == "CATVAL"


def _as_roman_class(t: Token, categories: tuple[str, ...]) -> Token:
    """"NYHA class 3" is class III: a number on a scale whose classes are roman numerals ("CKD
    stage 4" is the class its scale writes as 4)."""
    if t.value in categories:
        return _retyped(t, "CATVAL")
    if "." in t.value or not all(c in _ROMAN for c in categories):
        return t
    n = int(t.value)
    if not 1 <= n <= len(categories) or categories[n - 1] != _ROMAN[n - 1]:
        return t
    return _retyped(t, "CATVAL", _ROMAN[n - 1])


def _token(terminal: str, value: str, start: int, end: int) -> Token:
    """A grammar token over normalised text ``[start, end)`` (one line: criteria are flattened)."""
    return Token(terminal, value, start_pos=start, end_pos=end, line=1, column=start + 1, end_line=1,
                 end_column=end + 1)


def _retyped(t: Token, terminal: str, value: str | None = None) -> Token:
    return _token(terminal, t.value if value is None else value, t.start_pos, t.end_pos)


def _phrases(tokens: list[Token], text: str) -> list[Token]:
    """Read what several tokens say together, before their neighbours settle the rest: standards
    with the words that introduce them and their versions ("according to RECIST v1.1"), numbers
    that label list items, "at least one" before a name, "at the time of" an anchor, "outside" a
    range, names that stand for several measures ("transaminases")."""
    out: list[Token] = []
    skip_to = 0
    for k, t in enumerate(tokens):
        if k < skip_to:
            continue
        ptype = out[-1].type if out else None
        ntype = tokens[k + 1].type if k + 1 < len(tokens) else None
        if t.type == "STANDARD":
            _drop_lead_in(out)
            skip_to = _after_version(tokens, k + 1, text)
        elif t.type == "CLASSIFICATION" and _diagnosed_by(out):
            # "major depressive disorder according to DSM-5 (criteria)": how it was diagnosed
            _drop_lead_in(out)
            skip_to = next((j for j in range(k + 1, len(tokens)) if tokens[j].type != "CLASSIFICATION"), len(tokens))
        elif t.type == "WORD" and _VERSION.match(t.value) and len(out) >= 2 and ptype == "RPAR" \
                and out[-2].type == "LPAR":
            pass  # "(RECIST) v1.1": the version of the standard just dropped
        elif t.type == "NUMBER" and ptype in (None, "PERIOD", "SEMI") and _list_number(t, text):
            pass  # "3 Major surgical procedure …": the item's number in the record's list
        elif t.type == "ASSESSOR":
            if ptype not in _RESULTS:  # after a result it names who found it; elsewhere, the investigator's call
                out.append(_retyped(t, "JUDGEMENT"))
        elif t.type == "ANCHOR" and ptype == "AT_TIME":
            out[-1] = _token("AT_ANCHOR", t.value, out[-1].start_pos, t.end_pos)  # "at time of enrolment"
        elif t.type == "AT_TIME" and ntype != "ANCHOR":
            out.append(_retyped(t, "WORD"))  # "at the time of" anything else is not read
        elif t.type == "OUTSIDE":
            _outside(out, t, ntype)
        elif t.type == "MEASURE_GROUP":
            out.extend(_measure_group(t))
        else:
            if t.type in _NAMES and not _is_rate(t):
                _drop_at_least_one(out)  # "at least one (prior) measurable lesion": one is enough to have it
            out.append(t)
    return out


# What ends a result: a finding's name, a value with its unit, a qualitative reading.
_RESULTS = frozenset({"FLAG", "QUALITATIVE", "POSITIVE", "NEGATIVE", "NUMBER", "UNIT", "ULN", "LLN"})
_STUDY_DRUG = re.compile(r"\bstudy\b|\binvestigational\b", re.IGNORECASE)
_COMPONENT = frozenset({"component", "components", "excipient", "excipients", "ingredient", "ingredients"})
_REACTIONS = frozenset({"allergic", "intolerant"})


_THE = re.compile(r"\b(?:the|this)\s+$", re.IGNORECASE)


_SHARED_TAIL_KINDS = {"COND": ("condition", "class"), "MED": ("medication", "drug_class")}


def _shared_tail(word: Token, name: Token, vocab: Vocabulary, text: str) -> str | None:
    """"acute or chronic pancreatitis", "moderate or strong CYP3A4 inducers": the condition or drug
    the word before "or" names with the rest of the name after it ("acute pancreatitis",
    "moderate CYP3A4 inducers"), when the vocabulary has one."""
    head, _, rest = text[name.start_pos:name.end_pos].partition(" ")
    if not rest:
        return None
    found = vocab.lookup(f"{text[word.start_pos:word.end_pos]} {rest}")
    return found.id if found is not None and found.category in _SHARED_TAIL_KINDS[name.type] else None


def _shared_head(out: list[Token], name: Token, vocab: Vocabulary, text: str) -> Token | None:
    """The unread words ending ``out`` read with the last words of the name after "or" ("stem
    cell" + "transplantation" of "solid organ transplantation"), as a token of the name's kind,
    when the vocabulary has that name; else None."""
    words: list[Token] = []
    for t in reversed(out):
        if t.type != "WORD" or len(words) == 3:
            break
        words.insert(0, t)
    if not words and out and out[-1].type == "COND" and " " not in text[out[-1].start_pos:out[-1].end_pos]:
        words = [out[-1]]  # "cardiac" (read alone as heart disease) before "or thoracic surgery"
    if not words or len(out) > len(words) and out[-len(words) - 1].type in ("COMMA", "WORD", "COND"):
        return None  # "fish, soybean or peanut allergy": a list, each item read with the name
    tail = text[name.start_pos:name.end_pos].split()[1:]
    kind = vocab.get(name.value).category
    for first in range(len(words)):
        said = text[words[first].start_pos:words[-1].end_pos]
        for cut in range(len(tail)):
            found = vocab.lookup(f"{said} {' '.join(tail[cut:])}")
            if found is not None and found.category == kind:
                return _token(name.type, found.id, words[first].start_pos, words[-1].end_pos)
    return None


def _allergy_to(out: list[Token]) -> bool:
    """The tokens so far end in "allergy to" (QUAL allergic or intolerant), perhaps with "any
    component of"."""
    if out and out[-1].type == "QUAL" and out[-1].value in _REACTIONS:
        return True
    return len(out) >= 2 and out[-1].type == "WORD" and out[-1].value.lower() in _COMPONENT \
        and out[-2].type == "QUAL" and out[-2].value in _REACTIONS


_STAGE_WORDS = frozenset({"stage", "stages"})
_STAGE_VALUE = re.compile(r"^[IV]+[A-D]?\d?$")
_STAGE_SEPS = frozenset({"OR", "AND", "ANDOR", "COMMA", "TO"})


def _cancer_stages(tokens: list[Token], vocab: Vocabulary, text: str) -> list[Token]:
    """"Stage IIIB or IV non-small cell lung cancer": a bare "stage" whose values come right before
    a cancer is that cancer's staging (lexicon STAGED_BY: FIGO for a gynaecological cancer, Ann
    Arbor for a lymphoma, AJCC/TNM for another solid tumour); before anything else ("stage 2
    hypertension", "stage 3 myeloma", whose staging is not said) it stays a word."""
    staged_by = _lexicon().staged_by
    out = list(tokens)
    for k, t in enumerate(tokens):
        if t.type != "WORD" or t.value.lower() not in _STAGE_WORDS \
                or k > 0 and tokens[k - 1].type in ("CATEGORICAL", "MEASURE", "COND"):
            continue
        j, values = k + 1, 0
        while j < len(tokens):
            raw = text[tokens[j].start_pos:tokens[j].end_pos]
            if tokens[j].type in ("WORD", "QUAL") and _STAGE_VALUE.match(raw):
                values += 1
            elif not (values and tokens[j].type in _STAGE_SEPS):
                break
            j += 1
        if not values or j == len(tokens) or tokens[j].type != "COND" or tokens[j - 1].type in _STAGE_SEPS:
            continue
        staging = next((s for cls, s in staged_by.items() if vocab.is_a(tokens[j].value, cls)), None)
        if staging is not None:
            out[k] = _retyped(t, "CATEGORICAL", staging)
    return out


def _in_context(tokens: list[Token], vocab: Vocabulary, text: str) -> list[Token]:
    """Settle the words whose role depends on their neighbours ("of", "to", "-", "for", roman
    numerals after a categorical name), and fold redundant parentheses."""
    tokens = _phrases(tokens, text)
    out: list[Token] = []
    n = len(tokens)
    categories: tuple[str, ...] = ()
    measure: str | None = None  # the last measured name, for "MoCA > 26/30"
    if_open = False  # the sentence so far opens with "if" / "for patients …" and has had no "then"
    skip: set[int] = set()  # separators already read with the token before them
    vaccinating = False  # in a list after "vaccination against"
    for k, t in enumerate(tokens):
        if k in skip:
            continue
        prev = out[-1] if out else None
        nxt = tokens[k + 1] if k + 1 < n else None
        ptype = prev.type if prev is not None else None
        ntype = nxt.type if nxt is not None else None
        if t.type == "IF" and t.value.lower() in _BARE_IF and ntype not in ("FEMALE", "MALE", "CBP") \
                and not (ntype == "COND" and ptype in (None, "PERIOD", "SEMI", "COLON", "ULN", "LLN")):
            # "for 2 weeks", "when needed": not a condition; "For HCC patients, …" is one, and so is
            # "(≤ 3 × ULN for Gilbert's syndrome)"
            continue
        if t.type == "IF" and ptype in (None, "PERIOD", "SEMI", "COLON"):
            if_open = True
        elif t.type in ("PERIOD", "SEMI", "THEN", "COLON") or t.type == "COMMA" and if_open:
            if if_open and (t.type == "COLON" or t.type == "COMMA" and _ends_condition(tokens, k)):
                # "For patients not receiving anticoagulation: INR ≤ 1.5 x ULN", "If there is a
                # history of HCV infection, undetectable HCV RNA": asked of those patients
                t = _retyped(t, "THEN")
            if t.type != "COMMA":
                if_open = False
        if if_open and t.type == "MEASURE" and ptype == "COND" and _opens_with_conditions(out):
            # "for HCC patients INR or aPTT ≤ 2 x ULN": the measures begin what is asked
            out.append(_token("THEN", "", t.start_pos, t.start_pos))
            if_open = False
        if t.type == "REQUIRING" and ptype in (None, "PERIOD", "SEMI", "NEG") and ntype in ("QUAL", "MED", "PROC"):
            t = _retyped(t, "QUAL", "current")  # "Requires invasive ventilation": has it now
        if t.type in ("OR", "ANDOR") and ptype == "LPAR":
            continue  # "ECOG 0-1 (or Karnofsky ≥ 70%)"
        if t.type == "DETERMINED_BY" and ptype == "LPAR" and _DEFINED.match(t.value) \
                and ntype in ("QUALITATIVE", "POSITIVE", "NEGATIVE", "MEASURE"):
            continue  # "Hepatitis B (defined as HBsAg reactive)": the result in parentheses defines it
        if t.type == "COND" and ptype == "RPAR" and _repeats_class(out, t, vocab):
            continue  # "Hepatitis C virus (…) infection": the word names the class it is of
        if t.type == "MED" and t.value == "investigational_agent" and _THE.search(text[:t.start_pos]):
            # "treatment with the investigational drug": this study's drug (as "the study drug"), not any
            t = _retyped(t, "ANCHOR", "first_dose")
        if t.type == "QUAL" and ntype in ("OR", "ANDOR") and k + 2 < n and tokens[k + 2].type in _SHARED_TAIL_KINDS:
            shared = _shared_tail(t, tokens[k + 2], vocab, text)
            if shared is not None:
                t = _retyped(t, tokens[k + 2].type, shared)  # "acute or chronic pancreatitis": acute pancreatitis
        if t.type == "TIMEUNIT" and text[t.start_pos:t.end_pos] == "HR" and ntype in COMPARATORS:
            t = _retyped(t, "MEASURE", "heart_rate")  # "HR ≥ 50 bpm": the heart rate, not hours
        if t.type in ("OR", "ANDOR") and (ptype == "WORD" and ntype in ("PROC", "COND")
                                          or ptype == "COND" and ntype == "PROC"):
            named = _shared_head(out, tokens[k + 1], vocab, text)
            if named is not None:
                # "allogeneic stem cell or solid organ transplantation", "cardiac or thoracic
                # surgery": the words before "or" name a thing with the last words of the name after
                # it (here a surgery, not heart disease)
                while out and out[-1].type in ("WORD", "COND") and out[-1].start_pos >= named.start_pos:
                    out.pop()
                out.append(named)
        if t.type == "VACC" and ptype == "VACC" and prev.value == "vaccine" \
                and re.fullmatch(r"\s*with\s+(?:an?\s+|any\s+)?", text[prev.end_pos:t.start_pos], re.IGNORECASE):
            out.pop()  # "vaccination with a live vaccine": the vaccine says it all
        if t.type == "COND" and t.value in _lexicon().measured_as and ntype in COMPARATORS \
                and [x.type for x in tokens[k + 2:k + 4]] == ["NUMBER", "UNIT"]:
            t = _retyped(t, "MEASURE", _lexicon().measured_as[t.value])  # "fever ≥ 38.0 °C", not "> 3 days"
        if t.type == "COND" and t.value in _lexicon().measured_as and ntype == "LPAR" \
                and [x.type for x in tokens[k + 2:k + 6]][1:] == ["NUMBER", "UNIT", "RPAR"] \
                and tokens[k + 2].type in COMPARATORS:
            # "hypokalemia (< 3.5 mmol/L)": the value the condition is, written in parentheses
            t = _retyped(t, "MEASURE", _lexicon().measured_as[t.value])
            skip.update((k + 1, k + 5))
        if t.type == "VACC" and t.value == "vaccine" and ptype == "BEFORE" and prev.value.lower() != "since" \
                and len(out) >= 2 and out[-2].type == "TIMEUNIT" and ntype in (None, "PERIOD", "SEMI", "RPAR"):
            # "within 72 hours before vaccination" in a vaccine trial: the study's vaccination
            t = _retyped(t, "ANCHOR", "first_dose")
        if t.type == "FEMALE" and (ptype in ("PREGNANT", "BREASTFEEDING") and ntype not in ("CBP",)
                                   or ptype in ("OR", "COMMA", "ANDOR") and ntype in ("PREGNANT", "BREASTFEEDING")):
            continue  # "pregnant or breastfeeding women", "…, or women who are pregnant": only women are
        if t.type == "COMMA" and ptype == "INCLUDING":
            continue  # "(e.g., Alzheimer, …)"
        against = t.type == "COND" and ptype == "WORD" and prev.value.lower() == "against" and len(out) >= 2 \
            and out[-2].type == "VACC"
        if against or t.type == "COND" and vaccinating and ptype in ("OR", "COMMA", "AND", "ANDOR"):
            # "vaccination against HZ or varicella": the vaccines for them (a name with no vaccine
            # in the vocabulary stays a word: it is not the disease)
            found = vocab.lookup(f"{text[t.start_pos:t.end_pos]} vaccine")
            vaccine = found is not None and found.category == "vaccine"
            start = out[-2].start_pos if against else t.start_pos
            if against:
                del out[-2:]
            out.append(_token("VACC", found.id, start, t.end_pos) if vaccine and found else _retyped(t, "WORD"))
            vaccinating = True
            continue
        if t.type not in ("OR", "COMMA", "AND", "ANDOR"):
            vaccinating = False
        if t.type == "ABLE" and t.value.lower() in ("using", "use") and (
                ntype == "MED" or ntype == "QUAL" and k + 2 < n and tokens[k + 2].type == "MED"):
            # "history of using anticoagulants": taking them then; "using systemic corticosteroids": now
            if ptype == "QUAL":
                continue
            t = _retyped(t, "QUAL", "current")
        if t.type == "COMMA" and ptype == "COND" and ntype == "CLASS":
            continue  # "congestive heart failure, class III or IV"
        if t.type == "MEASURE" and ptype == "MEASURE" and (prev.value == t.value or _names_no_scale(prev, text)):
            # "Performance status - Karnofsky 50-100%": the scale named after it; "Eastern
            # Cooperative Oncology Group (ECOG) performance status": one name, twice
            out.pop()
        elif t.type == "MEASURE" and ptype == "COLON" and len(out) >= 2 and _names_no_scale(out[-2], text):
            del out[-2:]  # "Performance status: Karnofsky 70-100%"
        if t.type == "MEASURE":
            measure = t.value
        if t.type == "NUMBER" and _out_of_maximum(out, t, measure, vocab):
            out.pop()  # "MoCA > 26/30": the score out of its maximum is the score
            continue
        if t.type == "CATEGORICAL":
            categories = vocab.get(t.value).categories
        elif t.type == "CLASS" and not categories:
            categories = _ROMAN_CLASSES
        if t.type == "WORD" and ptype in ("AND", "OR", "ANDOR") and len(out) >= 2 and out[-2].type in ("COND", "MED"):
            # "hepatitis B and/or C", "strong CYP3A4 inhibitors or inducers": the second name shares
            # the first one's head
            head = text[out[-2].start_pos:out[-2].end_pos].split()[:-1]
            found = vocab.lookup(" ".join([*head, t.value])) if head else None
            if found is not None and found.category == vocab.get(out[-2].value).category:
                t = _retyped(t, out[-2].type, found.id)
        typed = re.match(r"(?i)(type|stage|grade)\s+\S+\s+(.+)$", text[t.start_pos:t.end_pos]) \
            if t.type == "COND" else None
        if typed and ptype in ("AND", "OR") and len(out) >= 2 and out[-2].type == "NUMBER":
            # "type 1 or type 2 diabetes": the number names the same kind of disease
            found = vocab.lookup(f"{typed[1]} {out[-2].value} {typed[2]}")
            if found is not None and found.category == vocab.get(t.value).category:
                out[-2] = _retyped(out[-2], "COND", found.id)
        if t.type == "COND" and ptype == "NUMBER" and len(out) >= 3 and out[-2].type in ("AND", "OR", "ANDOR") \
                and out[-3].type == "NUMBER" and re.search(r"(?i)\b(?:type|stage|grade)\s*$",
                                                          text[:out[-3].start_pos]):
            # "type 1 or 2 diabetes": each number names a kind of the disease after the last
            word = re.search(r"(?i)(type|stage|grade)\s*$", text[:out[-3].start_pos])[1]
            name = text[t.start_pos:t.end_pos]
            kinds = [vocab.lookup(f"{word} {out[j].value} {name}") for j in (-3, -1)]
            if all(found is not None and found.category == vocab.get(t.value).category for found in kinds):
                out[-3] = _token("COND", kinds[0].id, out[-3].start_pos, out[-3].end_pos)
                out[-1] = _token("COND", kinds[1].id, out[-1].start_pos, t.end_pos)
                if len(out) >= 4 and out[-4].type == "WORD" and out[-4].value.lower() == word.lower():
                    out[-3] = _token("COND", kinds[0].id, out[-4].start_pos, out[-3].end_pos)
                    del out[-4]  # "stage" is said by the kinds
                continue
        if t.type in ("COND", "MED") and ptype in ("AND", "OR", "ANDOR") and len(out) >= 2 and out[-2].type == "WORD":
            # "basal or squamous cell", "breast, ovarian and/or endometrial cancer", "inhaled or topical
            # steroids": the names before share the last one's tail (and are of its kind)
            tail = text[t.start_pos:t.end_pos].split()[1:]
            j = len(out) - 2
            while tail and j >= 0 and out[j].type == "WORD":
                found = vocab.lookup(" ".join([out[j].value, *tail]))
                if found is None or found.category != vocab.get(t.value).category:
                    break
                out[j] = _retyped(out[j], t.type, found.id)
                if j < 2 or out[j - 1].type != "COMMA":
                    break
                j -= 2
        if _marks_sex(out, t, text):
            continue
        if t.type == "RPAR" and ntype in (None, "PERIOD", "SEMI") and _closes_sex_note(out):
            continue  # "Pregnant or breastfeeding (female only)": the patients the clause is about
        if t.type == "NEGATIVE" and ptype == "COND" and _negative_list(out, t, vocab):
            continue
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
        if t.type == "ANCHOR" and ptype == "OF" and len(out) >= 2 and out[-2].type == "ANCHOR" \
                and out[-2].value == t.value:
            # "the first dose of study medication": one time named twice
            out[-2:] = [_token("ANCHOR", t.value, out[-2].start_pos, t.end_pos)]
            continue
        if t.type == "BETWEEN" and ntype != "NUMBER":
            continue
        if t.type in ("DASH", "TO") and ptype == "CATVAL" and nxt is not None and _looks_like_class(nxt, text):
            out.append(_retyped(t, "DASH"))  # "ASA I - II", "class I to III": a range of classes
            continue
        if t.type == "TO" and ptype == "QUAL" and ntype == "QUAL":
            t = _retyped(t, "OR")  # "moderate to severe": either
        elif t.type == "TO" and not (ptype in ("NUMBER", "UNIT", "TIMEUNIT", "YEARS_OLD")
                                     and (ntype == "NUMBER" or ntype in ("LT", "LE") and ptype == "NUMBER")):
            continue
        if t.type == "DASH" and not (ptype in ("NUMBER", "UNIT") and ntype == "NUMBER"):
            continue
        if t.type == "QUAL" and t.value == "history" and ntype == "NUMBER":
            t = _retyped(t, "WITHIN")
        if t.type == "NUMBER" and categories and ntype == "WORD" and nxt.start_pos == t.end_pos \
                and t.value + text[nxt.start_pos:nxt.end_pos] in categories and _class_number_follows(out, None):
            out.append(_token("CATVAL", t.value + text[nxt.start_pos:nxt.end_pos], t.start_pos, nxt.end_pos))
            skip.add(k + 1)  # "CKD stage 3b"
            continue
        if t.type == "NUMBER" and categories and _class_number_follows(out, ntype):
            t = _as_roman_class(t, categories)
        raw = text[t.start_pos:t.end_pos]
        if categories and t.type == "WORD" and raw in categories and not _ROMAN_OR_LETTER.match(raw) \
                and ptype in ("CATEGORICAL", "CLASS", "CATVAL", "COMMA", "OR", "AND", "ANDOR"):
            # "fibrosis stage F2-F3": values the scale names as they are written
            if ptype == "CATVAL" and text[prev.end_pos:t.start_pos].strip() in ("-", "~"):
                out.append(_token("DASH", "-", prev.end_pos, t.start_pos))
            out.append(_retyped(t, "CATVAL"))
            continue
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
                if ptype == "CATVAL" and text[prev.end_pos:t.start_pos].strip() in ("-", "~"):
                    out.append(_token("DASH", "-", prev.end_pos, t.start_pos))  # "I-III": the hyphen was a range
            elif t.type == "PLUS" and ptype == "CATVAL":
                out.append(t)
                continue
        if t.type == "PLUS":
            continue
        if t.type == "ANCHOR" and t.value == "first_dose" and _STUDY_DRUG.search(text[t.start_pos:t.end_pos]) \
                and _allergy_to(out):
            # "known hypersensitivity to (any component of) the study drug": that drug only
            start = out[-1].start_pos if out[-1].type == "QUAL" else out[-2].start_pos
            del out[-1 if out[-1].type == "QUAL" else -2:]
            out.append(_token("COND", "study_drug_hypersensitivity", start, t.end_pos))
            continue
        if t.type == "WORD" and t.value.lower() in _COMPONENT:
            joined = len(out)
            while joined and out[joined - 1].type == "ANY_OF":
                joined -= 1
            if joined >= 2 and out[joined - 1].type in ("OR", "ANDOR", "AND") and out[joined - 2].type == "COND" \
                    and out[joined - 2].value == "study_drug_hypersensitivity":
                # "… to the study drug or (any of) its excipients": the same allergy
                start = out[joined - 2].start_pos
                del out[joined - 2:]
                out.append(_token("COND", "study_drug_hypersensitivity", start, t.end_pos))
                continue
            if joined >= 3 and out[joined - 1].type in ("OR", "ANDOR") and out[joined - 2].type == "MED" \
                    and out[joined - 3].type == "QUAL" and out[joined - 3].value in _REACTIONS:
                # "hypersensitivity to efalizumab or to any of the excipients": an allergy to the
                # drug is one to its product (the excipients alone are not read)
                del out[joined - 1:]
                continue
            ends = next((x.type for x in tokens[k + 1:] if x.type != "OF"), None) in (None, "PERIOD", "SEMI")
            if joined >= 1 and out[joined - 1].type == "QUAL" and out[joined - 1].value in _REACTIONS and ends:
                # "hypersensitivity to one of the components (of the drug)", naming no drug: the
                # study drug's, as "any of the excipients" is
                start = out[joined - 1].start_pos
                del out[joined - 1:]
                out.append(_token("COND", "study_drug_hypersensitivity", start, t.end_pos))
                continue
        if t.type == "TREATMENT" and ptype in ("OF", "BEFORE", "AFTER") and len(out) >= 2 \
                and out[-2].type == "TIMEUNIT" and ntype in (None, "PERIOD", "SEMI", "COMMA", "OR", "AND", "RPAR"):
            t = _retyped(t, "ANCHOR", "first_dose")  # "within 3 days of treatment": the study's
        elif t.type == "TREATMENT":
            after_of = tokens[k + 2].type if ntype == "OF" and k + 2 < n else None
            if ptype == "MED" or ntype == "MED" or after_of == "MED":
                continue  # "antibiotic treatment", "treatment: methotrexate", "treatment of chemotherapy"
            lined = len(out)
            while lined and out[lined - 1].type == "QUAL" and out[lined - 1].value in ("history", "systemic"):
                lined -= 1
            if lined and out[lined - 1].type == "LINES" and _lexicon().lines_of_any is not None:
                # "at least 2 prior lines of (systemic) therapy": lines of any treatment
                out.append(_retyped(t, "MED", _lexicon().lines_of_any))
                continue
            treating = _treating_class(out, vocab)
            begins = _requiring_treatment(out) if treating is None else None
            if begins is not None:
                # "malignancy that requires active treatment": no drug class treats it, so the
                # need for treatment is said of the condition itself
                need = _token("QUAL", "requiring_treatment", out[begins].start_pos, t.end_pos)
                del out[begins:]
                out.append(need)
                continue
            t = _retyped(t, "WORD") if treating is None else _retyped(t, "MED", treating)
        if t.type == "WORD" and t.value.lower() == "only" and ptype in ("FEMALE", "MALE") and ntype == "RPAR":
            continue  # "(women only)" says no more than "(women)"
        if t.type == "TIMES" and ptype != "NUMBER":
            t = _retyped(t, "WORD")  # "at time of …" is not a multiplication
        if t.type in ("BEFORE", "TIMEUNIT", "WITHIN"):
            _less_than_ago(out, t, text)
        if t.type == "TIMEUNIT" and ptype == "WITHIN":
            # "in the past year": one of them
            out.append(_token("NUMBER", "1", t.start_pos, t.start_pos))
        elif t.type == "TIMEUNIT" and ptype != "NUMBER" and ntype == "BEFORE" and prev is not None \
                and _IN_THE.search(text[prev.end_pos:t.start_pos]):
            # "in the year prior to screening": within one
            out.append(_token("WITHIN", "in the", t.start_pos, t.start_pos))
            out.append(_token("NUMBER", "1", t.start_pos, t.start_pos))
        if t.type in ("AND", "OR", "ANDOR", "COMMA") and ptype == "ABLE" and ntype in ("ABLE", "CONSENT"):
            continue  # "able to understand and give consent", "signed, informed consent"
        if t.type == "COMMA" and ntype == "INCLUSIVE":
            continue  # "between 18 and 50, inclusive"
        if t.type == "COMMA" and ntype in _WINDOW_STARTS:
            continue  # "A, B, within 3 weeks": the window closes the list, it is not an item of it
        if t.type in ("OR", "ANDOR") and ntype in ("PERIOD", "SEMI") and k + 2 < n:
            # "… by echocardiogram or; ejection fraction ≥ 50 %": the item's "or" joins the next one
            out.append(t)
            skip.add(k + 1)
            continue
        if t.type in ("OR", "AND", "ANDOR") and (ntype is None or ntype in ("DURING_TRIAL", "WITHIN", "WITHIN_NEXT",
                                                                             "RPAR", "PERIOD", "SEMI")):
            continue  # a connective with nothing after it ("needed / received during the study")
        if t.type in ("EXCEPT", "INCLUDING", "ETC") and ptype == "COMMA":  # ", except X" belongs to the part before
            out.pop()
        if t.type == "ANCHOR" and ptype in ("AND", "ANDOR") and len(out) >= 2 and out[-2].type == "AT_ANCHOR":
            # "≥ 20 at screening and baseline": the value now is what a pre-screen can check
            out.pop()
            out[-1] = _token("AT_ANCHOR", out[-1].value, out[-1].start_pos, t.end_pos)
            continue
        if t.type in ("OR", "ANDOR") and out and out[-1].type == t.type:
            continue  # "… OR measured or calculated creatinine clearance": the words between were filler
        if t.type == "WITHIN" and out and out[-1].type == "WITHIN":  # "within previous 5 years"
            out[-1] = _token("WITHIN", out[-1].value, out[-1].start_pos, t.end_pos)
            continue
        out.append(t)
    return _fold(_qualifiers_first(_dose_of_a_reference(out, vocab, text)), text)


_NAMES = {"MEASURE", "QUALITATIVE", "CATEGORICAL", "FLAG", "COND", "MED", "PROC", "VACC"}
# What "with or without …" may leave open: names and the words that qualify or join them.
_UNCONSTRAINED_ITEM = _NAMES | {"WORD", "QUAL", "OTHER", "OR", "AND", "ANDOR", "LPAR", "POSITIVE", "NEGATIVE"}
_ANNOTATION_BLOCKERS = {"GT", "GE", "LT", "LE", "EQ", "MEASURE", "UNIT", "TITRE", "WITHIN", "EXCEPT"}


_MINOR_WORDS = frozenset({"of", "and", "the", "for", "in", "to", "on"})


def _abbreviates(letters: str, name: str) -> bool:
    """Whether capitals like "CST" are the initials of a name like "central subfield thickness"
    (its small words may be skipped: "American Society of Anesthesiologists", ASA)."""
    if len(letters) < 2 or not letters.isalpha() or not letters.isupper():
        return False
    words = [w for w in re.split(r"[\s\-/]+", name) if w]
    initials = "".join(w[0] for w in words).upper()
    major = "".join(w[0] for w in words if w.lower() not in _MINOR_WORDS).upper()
    return letters in (initials, major)


def _restates(before: list[Token], inner: list[Token]) -> bool:
    """"albumin >= 25 g/L (2.5 g/dL)", "glucose <50 or >400 mg/dl (<2.77 or >22.15 mmol/L)", "HbA1c
    7.0-10.0% (53-86 mmol/mol)": the parenthesis gives the same thresholds, in the same order, in
    another unit."""
    if not inner or any(t.type not in _RESTATEMENT for t in inner):
        return False
    measure = next((k for k in range(len(before) - 1, -1, -1) if before[k].type == "MEASURE"), None)
    if measure is None or before[measure].value == "age":
        return False
    written = before[measure + 1:]
    if any(t.type not in _RESTATEMENT for t in written):
        return False
    a, b = _thresholds(written), _thresholds(inner)
    if not a or len(a) != len(b):
        return False
    concept = load_vocabulary().get(before[measure].value)
    try:
        pairs = [(canonical_value(x, u, concept), canonical_value(y, v, concept)) for (x, u), (y, v) in zip(a, b)]
    except (UnitError, ValueError):
        return False
    return all(abs(x - y) <= 0.02 * max(abs(x), abs(y)) for x, y in pairs)


_RESTATEMENT = frozenset({"NUMBER", "UNIT", "GT", "GE", "LT", "LE", "OR", "AND", "COMMA", "DASH", "TO", "BETWEEN"})


def _thresholds(tokens: list[Token]) -> list[tuple[float, str]]:
    """The numbers of a run of thresholds, each with its unit or the unit written after the last."""
    found: list[tuple[float, str | None]] = []
    for k, t in enumerate(tokens):
        if t.type == "NUMBER":
            unit = tokens[k + 1].value if k + 1 < len(tokens) and tokens[k + 1].type == "UNIT" else None
            found.append((float(t.value), unit))
    last = next((u for _, u in reversed(found) if u is not None), None)
    if last is None or found[-1][1] is None:
        return []
    return [(x, u or last) for x, u in found]


# What a method may follow: a finding or a value, never a drug or another procedure.
_SEEN = frozenset({"COND", "MEASURE", "QUALITATIVE", "CATEGORICAL", "FLAG", "UNIT", "NUMBER", "ULN", "LLN",
                   "POSITIVE", "NEGATIVE", "CATVAL", "TITRE"})


def episode_concept(concept_id: str) -> str:
    """The concept of one episode of a condition ("episodes of hypoglycemia" are hypoglycemic
    episodes); the condition itself when the lexicon names none."""
    return _lexicon().episode_of.get(concept_id, concept_id)


def normal_means_not_high(concept_id: str) -> bool:
    """Whether "normal X" asks only that X be no higher than its upper limit of normal."""
    return concept_id in _lexicon().only_high_abnormal


def _is_method(proc: Token, before: Token, out: list[Token], text: str) -> bool:
    """A diagnostic procedure named after a finding with "by", "on the", "diagnosed by"…"""
    lex = _lexicon()
    if proc.value not in lex.methods or not out or out[-1].type not in _SEEN:
        return False
    gap = " ".join(text[before.end_pos:proc.start_pos].lower().split())
    return gap in lex.method_words


def _names_kinds_of(outer: Token, inner: list[Token]) -> bool:
    vocab = load_vocabulary()
    names = [t for t in inner if t.type not in ("OR", "AND", "COMMA", "ANDOR")]
    return bool(names) and all(t.type == "COND" and vocab.is_a(t.value, outer.value) for t in names)


_DESPITE = re.compile(r"(?i)despite|in spite of")


def _fold(tokens: list[Token], text: str) -> list[Token]:
    """``(ISN/RPS 2003 classification criteria)`` → one ANNOTATION; ``alanine aminotransferase
    (ALT)`` → the name once; "with or without …" → one UNCONSTRAINED."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        if t.type == "WITH_OR_WITHOUT":
            # "with or without microscopic hematuria (…)": no constraint, up to the next list
            # break or the first word that is not part of what is left open ("… may be included")
            depth, j = 0, k + 1
            while j < len(tokens) and (depth > 0 or tokens[j].type in _UNCONSTRAINED_ITEM):
                depth += {"LPAR": 1, "RPAR": -1}.get(tokens[j].type, 0)
                j += 1
            if j == k + 1:
                out.append(t)
                k += 1
                continue
            last = tokens[j - 1]
            # (the value says "despite …": what persists under a treatment, see compile._read_clause)
            out.append(_token("UNCONSTRAINED", "despite" if _DESPITE.match(t.value) else "", t.start_pos,
                              last.end_pos))
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
                if kinds <= {"COMMA", "AND", "OR", "ANDOR", "SEMI"}:
                    k = j + 1  # "(any type, any dose)": only filler words were inside
                    continue
                if inner and inner[0].type == "INCLUDING" and out and out[-1].type == "MED" \
                        and load_vocabulary().get(out[-1].value).category == "drug_class" \
                        and kinds - {"INCLUDING"} <= {"WORD", "NUMBER", "COMMA", "OR", "AND", "DASH"}:
                    # "an agent directed to another T-cell receptor (e.g., CTLA-4, OX-40, CD137)":
                    # examples of a drug class, in words it does not know, can only illustrate it
                    k = j + 1
                    continue
                if inner and inner[0].type == "MEASURE" and out and _names_no_scale(out[-1], text):
                    out[-1:] = inner  # "Performance status (ECOG ≤ 2)": the parenthesis is the criterion
                    k = j + 1
                    continue
                if "CLASSIFICATION" in kinds and not kinds & _ANNOTATION_BLOCKERS:
                    out.append(_token("ANNOTATION", "", t.start_pos, tokens[j].end_pos))
                    k = j + 1
                    continue
                if len(inner) == 1 and out and out[-1].type == inner[0].type and (
                        out[-1].value == inner[0].value or out[-1].type in ("ULN", "LLN", "CBP")):
                    k = j + 1
                    continue
                if len(inner) == 1 and out and out[-1].type in _NAMES and inner[0].type in _NAMES \
                        and text[inner[0].start_pos:inner[0].end_pos].isupper() \
                        and text[t.end_pos:tokens[j].start_pos].strip() == text[inner[0].start_pos:inner[0].end_pos]:
                    # "mechanical ventilation (CMV)": an abbreviation of the name before it, even
                    # where the vocabulary knows the letters as something else (not "hepatitis C
                    # (HCV RNA detected)", whose other words say it is a test result)
                    k = j + 1
                    continue
                if len(inner) == 1 and inner[0].type == "WORD" and out and out[-1].type in _NAMES \
                        and _abbreviates(text[inner[0].start_pos:inner[0].end_pos],
                                         text[out[-1].start_pos:out[-1].end_pos]):
                    # "central subfield thickness (CST)": letters the vocabulary does not know,
                    # but they are the initials of the name before them
                    k = j + 1
                    continue
                if _restates(out, inner):
                    k = j + 1
                    continue
                if len(inner) == 1 and out and out[-1].type == inner[0].type == "MEASURE" \
                        and load_vocabulary().is_a(inner[0].value, out[-1].value):
                    # "corrected QT interval (QTcF)": the parenthesis names which one
                    out[-1] = _retyped(out[-1], "MEASURE", inner[0].value)
                    k = j + 1
                    continue
                if out and out[-1].type == "COND" and _names_kinds_of(out[-1], inner):
                    # "cancers of the skin (basal or squamous cell)": the parenthesis says which
                    out.pop()
                    out.extend(inner)
                    k = j + 1
                    continue
                allowed = inner[:-1] if inner and inner[-1].type == "HOWEVER_ALLOWED" else None
                if allowed and out and out[-1].type in ("COND", "MED", "PROC", "VACC") \
                        and any(x.type in ("COND", "MED", "PROC", "VACC") for x in allowed):
                    # "history of malignancy (basal cell carcinoma allowed)": an exception
                    out.append(t)
                    out.append(_token("EXCEPT", "allowed", inner[-1].start_pos, inner[-1].end_pos))
                    out.extend(allowed)
                    out.append(tokens[j])
                    k = j + 1
                    continue
                if inner and inner[-1].type == "HOWEVER_ALLOWED" and out and out[-1].type in _LIMIT_ENDS | {"NEGATIVE"}:
                    # "Hemoglobin ≥ 9 g/dL (transfusion allowed)": the patient may be brought to the
                    # limit, so one who is not there yet may still be eligible; the words say how
                    out.append(_token("UNLESS_WORDS", "allowed", inner[0].start_pos, inner[-1].end_pos))
                    k = j + 1
                    continue
                if not inner or inner[-1].type == "HOWEVER_ALLOWED":
                    k = j + 1  # "(prophylaxis allowed)" after what is not a limit: it constrains nothing more
                    continue
        if t.type == "MEASURE" and t.value == "age" and out and out[-1].type in ("ULN", "LLN") and k \
                and text[tokens[k - 1].end_pos:t.start_pos].strip() == "for":
            k += 1  # "1.5 x ULN (ULN) for age": the patient's own limit is already for age
            continue
        if t.type == "PROC" and k and _is_method(t, tokens[k - 1], out, text):
            k += 1  # "intracranial haemorrhage on the CT scan": how it was seen, not what is asked
            # "… by echocardiogram or MUGA": the other methods listed with it too
            while k + 1 < len(tokens) and tokens[k].type in ("OR", "ANDOR") and tokens[k + 1].type == "PROC" \
                    and tokens[k + 1].value in _lexicon().methods:
                k += 2
            continue
        if t.type == "PROC" and len(out) >= 2 and out[-1].type == "QUAL" and out[-1].value == "diagnosed" \
                and _is_method(t, out[-1], out[:-1], text):
            out.pop()  # "hypertension diagnosed by 24h-ABPM"
            k += 1
            continue
        if t.type == "COND" and out and out[-1].type == "COND" and load_vocabulary().is_a(out[-1].value, t.value):
            k += 1  # "human immunodeficiency virus (HIV) infection": the infection is the virus's
            continue
        if t.type == "COND" and out and out[-1].type == "COND" and load_vocabulary().is_a(t.value, out[-1].value) \
                and text[out[-1].end_pos:t.start_pos].strip().lower() in ("of", "with", "due to"):
            out[-1] = t  # "infection of hepatitis B": the infection named
            k += 1
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
        if depth == 0 and not choosing and t.type in ("MUST", "ABLE") and len(current) >= 2 \
                and current[-1].type in ("AND", "COMMA", "ANDOR") and current[-2].type != "ABLE" \
                and any(x.type == "NEG" for x in current):
            # "must not be pregnant and must use contraception", "not pregnant and able to give
            # consent": a new requirement with its own verb, which the "not" does not reach
            close(current[-1].start_pos)
            start = t.start_pos
        if t.type == "PERIOD":
            continue
        current.append(t)
    close(length)
    return clauses


COMPARATORS = {"GT", "GE", "LT", "LE", "EQ"}
# Qualifiers a parenthesis of values can define ("severe liver dysfunction (bilirubin > 14 mg/L)").
DEFINABLE_QUALIFIERS = frozenset({"severe", "moderate", "mild", "active", "current", "history", "uncontrolled",
                                  "diagnosed"})
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
    if len(clause) > 2 and clause[-1].type == "NUMBER" and clause[-2].type in ("UNIT", "ULN") \
            and clause[-1].start_pos - clause[-2].end_pos <= 1:
        # "platelets ≥ 100,000/mm3 2. hemoglobin …": the next item's number (not "> 140 mmHg at
        # two consecutive visits", whose words between say how often)
        clause = clause[:-1]
    colon = next((k for k, t in enumerate(clause) if t.type == "COLON"), None)
    if colon and (all(t.type == "WORD" for t in clause[:colon]) or clause[0].type == "CLASSIFIED"):
        # a label ("Laboratory exclusions:"), or "criteria for active renal disease:" whose
        # list says what the criteria are
        clause = clause[colon + 1:]
    for k, t in enumerate(clause):
        if t.type == "QUAL" and t.value not in DEFINABLE_QUALIFIERS \
                or t.type == "WORD" and t.value.lower() in _PERSISTENT:
            # "uncontrolled or symptomatic hypercalcemia (calcium > 12 mg/dL)", "persistent
            # neutropenia (ANC < 1000/mm3)" say more than the values
            break
        if t.type not in _HEAD_TOKENS:
            if k and t.type == "DETERMINED_BY" and any(x.type in ("WORD", "COND") for x in clause[:k]):
                # "adequate renal function as defined by: creatinine < 1.5 mg/dL"
                j = k + 2 if k + 1 < len(clause) and clause[k + 1].type == "COLON" else k + 1
                if j < len(clause) and clause[j].type == "MEASURE":
                    return clause[j:]
            if k and t.type == "LPAR" and any(x.type in ("WORD", "COND") for x in clause[:k]):
                depth, j = 0, k
                for j in range(k, len(clause)):
                    depth += {"LPAR": 1, "RPAR": -1}.get(clause[j].type, 0)
                    if depth == 0:
                        break
                inner = clause[k + 1:j]
                # (not "(unless disease-free for ≥ 3 years)": an exception defines nothing)
                if any(x.type in COMPARATORS for x in inner) and all(x.type not in ("LPAR", "EXCEPT") for x in inner[:1]):
                    return inner + clause[j + 1:]
            break
    return clause


def only_words(clause: list[Token]) -> bool:
    return all(t.type in ("WORD", "COMMA", "AND", "OR") for t in clause)
