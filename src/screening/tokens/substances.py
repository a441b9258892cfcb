"""Token passes for what a patient takes in or reacts to: how much alcohol one drinks, which drugs
a drug screen counts, what an allergy is to. :func:`substances` runs them in order."""

from __future__ import annotations

import re

from lark import Token

from ..vocabulary import load_vocabulary
from .lexicon import COMPARATORS, retyped, token, words_of

# A UK unit (8 g of ethanol) and a standard drink (14 g in the US) are different amounts, so each
# is a measure of its own.
_MEASURE_OF = {"unit": "alcohol_units_per_week", "drink": "alcoholic_drinks_per_week"}
_AMOUNT_UNIT = re.compile(r"(unit|drink)s?/(?:(week|wk)|(day|d))$", re.IGNORECASE)
_AMOUNT_WORD = re.compile(r"(unit|drink)s?$", re.IGNORECASE)
# What may stand between the amount and its period: "units of alcohol", "alcoholic drinks".
_DRINK_WORDS = frozenset({"alcohol", "alcoholic", "standard", "per", "/"})
_PERIODS = {"weeks": "/week", "days": "/day"}
_PERIOD_WORDS = {"weekly": "/week", "daily": "/day"}
# Words that say the amount is what one drinks: "regular alcohol consumption of", "drinks more than".
_ABOUT = frozenset({"consumption", "intake", "regular", "regularly", "average", "weekly", "daily", "drinks",
                    "drinking", "consumes", "consume", "consuming", "use"})
_ALCOHOL = re.compile(r"\b(?:alcohol|alcoholic|ethanol|standard drinks?)\b", re.IGNORECASE)
_CLAUSE_ENDS = frozenset({"SEMI", "PERIOD"})


def _alcohol_condition(t: Token) -> bool:
    return t.type == "COND" and load_vocabulary().is_a(t.value, "alcohol_use")


def _drink_word(t: Token, text: str) -> bool:
    return t.type == "OF" or t.type == "WORD" and words_of(t, text) in _DRINK_WORDS or _alcohol_condition(t)


def _about(t: Token, text: str) -> bool:
    return t.type == "OF" or t.type == "WORD" and words_of(t, text) in _ABOUT or _alcohol_condition(t)


def _amount(tokens: list[Token], k: int, text: str) -> tuple[str, str | None, int] | None:
    """The measure, the period (None when not written) and the end of an amount of alcohol that
    starts at ``tokens[k]`` (after its number): "21 units/week", "14 units of alcohol per week",
    "3 alcoholic drinks per day", "21 units"."""
    if k < len(tokens) and tokens[k].type == "MEASURE" and tokens[k].value in _MEASURE_OF.values():
        return tokens[k].value, "/week", k + 1  # "21 alcohol units per week": the measure's own name
    if k < len(tokens) and tokens[k].type == "UNIT":
        m = _AMOUNT_UNIT.match(tokens[k].value)
        return (_MEASURE_OF[m.group(1).lower()], "/week" if m.group(2) else "/day", k + 1) if m else None
    j = k
    while j < len(tokens) and _drink_word(tokens[j], text):
        j += 1
    if j >= len(tokens) or tokens[j].type != "WORD" or not _AMOUNT_WORD.match(tokens[j].value):
        return None
    measure = _MEASURE_OF[_AMOUNT_WORD.match(tokens[j].value).group(1).lower()]
    j += 1
    while j < len(tokens) and (_drink_word(tokens[j], text) or tokens[j].type == "OR" and tokens[j].value == "/"):
        j += 1
    if j < len(tokens) and tokens[j].type == "TIMEUNIT" and tokens[j].value in _PERIODS:
        return measure, _PERIODS[tokens[j].value], j + 1
    return measure, None, j


def alcohol_amounts(tokens: list[Token], text: str) -> list[Token]:
    """"Alcohol intake > 21 units/week", "more than 14 units of alcohol per week", "drinks more than
    3 alcoholic drinks per day", "average weekly alcohol intake exceeding 21 units": an amount of
    alcohol over a period is the measure of units (or drinks) per week, said once before its
    thresholds ("> 14 units/week for women and > 21 units/week for men" keeps both). Only where
    the clause names alcohol and the period is written ("weekly", "per week")."""
    out: list[Token] = []
    clause_start = 0  # where the clause being read starts in ``out``
    said: Token | None = None  # the measure named in this clause
    comparators: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        if t.type in _CLAUSE_ENDS:
            clause_start, said = len(out) + 1, None
        # "> 21 units per week for men or 14 units per week for women": the comparator said once
        elliptic = said is not None and t.type == "NUMBER" and out and out[-1].type in ("OR", "COMMA", "AND")
        at = k + 1 if elliptic else k + 2
        if t.type == "MEASURE" and t.value in _MEASURE_OF.values() and said is None:
            # "drinks more than 14 alcoholic drinks per week" read as the measure's name already
            while len(out) > clause_start and _about(out[-1], text):
                out.pop()
        amount = _amount(tokens, at, text) if elliptic or t.type in COMPARATORS and k + 1 < len(tokens) \
            and tokens[k + 1].type == "NUMBER" else None
        if amount is None:
            out.append(t)
            k += 1
            continue
        measure, period, end = amount
        before = out[clause_start:]
        if period is None:
            period = next((_PERIOD_WORDS[words_of(x, text)] for x in before
                           if x.type == "WORD" and words_of(x, text) in _PERIOD_WORDS), None)
        named = said is not None or any(_alcohol_condition(x) for x in before) \
            or _ALCOHOL.search(text[(before[0].start_pos if before else t.start_pos):tokens[end - 1].end_pos])
        if period is None or not named or said is not None and said.value != measure:
            out.append(t)
            k += 1
            continue
        if said is None:
            # the words before that say what is measured give way to the measure's name
            start = t.start_pos
            while len(out) > clause_start and _about(out[-1], text):
                start = out.pop().start_pos
            said = token("MEASURE", measure, start, t.start_pos)
            out.append(said)
        comparator = comparators[-1] if elliptic else t
        comparators.append(comparator)
        number = t if elliptic else tokens[k + 1]
        out += [token(comparator.type, comparator.value, number.start_pos, number.start_pos) if elliptic else t, number,
                token("UNIT", period, tokens[at].start_pos, tokens[end - 1].end_pos)]
        k = end
    return out


# Tests whose positive result may come from a drug the patient is prescribed, or be for one drug only.
_DRUG_SCREENS = frozenset({"urine_drug_screen"})
# What may name the drugs screened for or excepted: "for cocaine, opiates or cannabinoids",
# "other than prescribed medications", "unless explained by a prescribed medication".
_SCREENED_FOR = frozenset({"IF", "WORD", "MED", "COND", "COMMA", "OR", "ANDOR", "AND", "EXCEPT", "OF", "QUAL", "OTHER"})
_SCREEN_TAIL_ENDS = frozenset({"SEMI", "PERIOD", "RPAR"})


def drug_screen_caveats(tokens: list[Token], text: str) -> list[Token]:
    """"Positive urine drug screen for illicit drugs", "… for cocaine, opiates or cannabinoids",
    "… other than prescribed medications", "(unless explained by a prescribed medication)": which
    drugs count, which the result does not record, is kept in words beside the positive screen (a
    negative screen settles it; a positive one waits for a coordinator)."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        out.append(t)
        k += 1
        if not (t.type == "QUALITATIVE" and t.value in _DRUG_SCREENS and len(out) >= 2 and out[-2].type == "POSITIVE"):
            continue
        if k < len(tokens) and tokens[k].type == "AT_ANCHOR":
            out.append(tokens[k])
            k += 1
        bracketed = k < len(tokens) and tokens[k].type == "LPAR"
        j = k + bracketed
        while j < len(tokens) and tokens[j].type in _SCREENED_FOR:
            j += 1
        tail = tokens[k + bracketed:j]
        closes = bracketed and j < len(tokens) and tokens[j].type == "RPAR" \
            or not bracketed and (j == len(tokens) or tokens[j].type in _SCREEN_TAIL_ENDS)
        if not tail or not closes or not (tail[0].type in ("IF", "EXCEPT") or tail[0].type == "COMMA"
                                          and len(tail) > 1 and tail[1].type == "EXCEPT"):
            continue
        # the words dropped as filler after the last token ("… other than prescribed medications") are kept
        end = tokens[j].start_pos if j < len(tokens) else len(text)
        end = len(text[:end].rstrip(" .;"))
        start = tail[0].start_pos + len(text[tail[0].start_pos:end]) - len(text[tail[0].start_pos:end].lstrip(" ,"))
        # (in brackets too: the brackets go, since after a result they would open a titre)
        out.append(token("CAVEAT", "drugs screened for", start, end))
        k = j + bracketed
    return out


# "allergy to", "hypersensitivity to" written in an allergy's own name ("allergy to fish")
_ALLERGY_TO = re.compile(r"(?i)(?:allerg|hypersensitiv)\w*\s+(?:to|of)\b")
_ALLERGEN_LIST_JOINS = frozenset({"COMMA", "OR", "ANDOR"})
_MAX_ALLERGEN_WORDS = 3


def _allergy_named(words: list[Token], text: str) -> str | None:
    """The allergy the vocabulary names "<words> allergy" ("bee venom", "nickel", "adhesives")."""
    vocab = load_vocabulary()
    written = text[words[0].start_pos:words[-1].end_pos]
    for name in (written, written[:-1] if written.lower().endswith("s") else None):
        concept = vocab.lookup(f"{name} allergy") if name else None
        if concept is not None and concept.category == "condition" and vocab.is_a(concept.id, "allergic_disease"):
            return concept.id
    return None


def _allergen_list(tokens: list[Token], j: int, text: str, first: bool) -> tuple[list[list[Token]], int] | None:
    """The allergies named from ``tokens[j]`` on, each after its separator (none before the
    ``first``), and where the list ends; None when nothing is named or an item is no allergy."""
    read: list[list[Token]] = []
    while True:
        sep: list[Token] = []
        if read or not first:
            if j < len(tokens) and tokens[j].type in _ALLERGEN_LIST_JOINS:
                sep = tokens[j:j + 2] if tokens[j].type == "COMMA" and j + 1 < len(tokens) \
                    and tokens[j + 1].type == "OR" else tokens[j:j + 1]
            if not sep or j + len(sep) >= len(tokens) or tokens[j + len(sep)].type != "WORD":
                return (read, j) if read else None
        start = j + len(sep)
        n = 0
        while start + n < len(tokens) and tokens[start + n].type == "WORD" and n < _MAX_ALLERGEN_WORDS:
            n += 1
        if start + n < len(tokens) and tokens[start + n].type == "WORD":
            return None  # more words than an allergen's name
        named = _allergy_named(tokens[start:start + n], text) if n else None
        if named is None:
            return None
        read.append([*sep, token("COND", named, tokens[start].start_pos, tokens[start + n - 1].end_pos)])
        j = start + n


def allergens_named(tokens: list[Token], text: str) -> list[Token]:
    """"Known allergy to bee venom", "hypersensitivity to nickel", "allergy to fish, peanuts or tree
    nuts": what an allergy is to, when it is not a drug, is the allergy the vocabulary names after
    it (a list only when every item is such an allergy)."""
    vocab = load_vocabulary()
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        # the first allergy of the list already read by its own name ("allergy to fish")
        named_first = t.type == "COND" and vocab.is_a(t.value, "allergic_disease") \
            and _ALLERGY_TO.match(text[t.start_pos:t.end_pos]) is not None
        listed = _allergen_list(tokens, k + 1, text, first=not named_first) \
            if named_first or t.type == "QUAL" and t.value == "allergic" else None
        if listed is None:
            out.append(t)
            k += 1
            continue
        read, k = listed
        if named_first:
            out.append(t)
        else:  # "allergy to" and the allergen are the allergy's name
            read[0][-1] = token("COND", read[0][-1].value, t.start_pos, read[0][-1].end_pos)
        for item in read:
            out += item
    return out


# what an allergy is to, written after a bracket of examples: "allergic reaction (e.g., anaphylaxis)
# to any drug"
_TO_AFTER = re.compile(r"(?i)\s*to\b")
_TO_ANY_DRUG = re.compile(r"(?i)\s*to\s+(?:any\s+)?(?:drugs?|medications?|medicines?)\s*$")


def allergies_to_after_examples(tokens: list[Token], text: str) -> list[Token]:
    """"Serious allergic reaction (e.g., anaphylaxis) to any drug": what an allergy is to, said
    after a bracket, would be lost as filler and leave an allergy to anything. After examples
    ("e.g.") "to any drug" makes it a drug allergy, its examples dropped (anaphylaxis to peanuts is
    not one); anything else after "to" ("… to food", a bracket that may define it) leaves it
    unread."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        close = next((j for j in range(k + 2, len(tokens)) if tokens[j].type == "RPAR"), None) \
            if t.type == "COND" and t.value == "allergic_disease" and k + 1 < len(tokens) \
            and tokens[k + 1].type == "LPAR" else None
        if close is None:
            out.append(t)
            k += 1
            continue
        ends = next((x.start_pos for x in tokens[close + 1:] if x.type in _CLAUSE_ENDS), len(text))
        after = text[tokens[close].end_pos:ends]
        if _TO_ANY_DRUG.match(after) and tokens[k + 2].type == "INCLUDING":
            out.append(retyped(t, "COND", "drug_allergy"))
            k = close + 1
            continue
        out.append(retyped(t, "WORD", text[t.start_pos:t.end_pos]) if _TO_AFTER.match(after) else t)
        k += 1
    return out


def substances(tokens: list[Token], text: str) -> list[Token]:
    """The passes of this module, in order."""
    return allergies_to_after_examples(allergens_named(drug_screen_caveats(alcohol_amounts(tokens, text), text), text),
                                       text)
