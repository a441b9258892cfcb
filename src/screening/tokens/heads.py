"""Token passes for how a condition is written: general heads ("serious, unstable illness"), the
examples under them ("cardiovascular disease, including …"), a name around its abbreviation
("hepatitis C virus (HCV) antibody"), how often a symptom comes ("pain on a daily basis").
:func:`general_heads` runs them in order."""

from __future__ import annotations

import re

from lark import Token

from ..vocabulary import load_vocabulary
from .lexicon import concept_terminal, retyped, token, words_of

_LIST_ENDS = frozenset({"SEMI", "PERIOD", "RPAR"})


def _dated(tokens: list[Token]) -> bool:
    """Whether a window is written among these tokens: "within 6 months", "6 months before screening"."""
    return any(t.type in ("WITHIN", "WITHIN_NEXT") or t.type == "TIMEUNIT" and k + 1 < len(tokens)
               and tokens[k + 1].type == "BEFORE" for k, t in enumerate(tokens))


def windows_among_examples(tokens: list[Token]) -> list[Token]:
    """"History of cardiovascular disease, including myocardial infarction within the past 12
    months": a window among examples written without brackets may be the example's own or the
    head's, and lent to the head it would narrow an inclusion (a stroke five years ago meets the
    words); the examples are left unread (their "including" a word), so the clause stays words.
    After a bracket of examples ("(e.g., prior MI, stroke) within 5 years") the window is the head's."""
    out = list(tokens)
    for k, t in enumerate(tokens):
        head = next((x for x in reversed(tokens[:k]) if x.type != "COMMA"), None)
        if t.type != "INCLUDING" or head is None or head.type != "COND":
            continue
        end = next((j for j in range(k + 1, len(tokens)) if tokens[j].type in _LIST_ENDS), len(tokens))
        if _dated(tokens[k + 1:end]):
            out[k] = retyped(t, "WORD")
    return out


# Qualifiers that narrow "illness" to some of the patient's conditions; "acute illness" would be any
# ongoing one (acute reads as active), so it is not among them.
_NARROWING = frozenset({"severe", "uncontrolled"})
_ILLNESS = re.compile(r"(?i)\s*(illness(?:es)?)\b")
_QUAL_JOINS = frozenset({"COMMA", "OR", "AND", "ANDOR"})


def illness_after_qualifiers(tokens: list[Token], text: str) -> list[Token]:
    """"Serious, unstable illness", "severe illness": "illness" (filler to the lexicon) after
    qualifiers that narrow it is a medical condition so narrowed, as "serious medical illness" is."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        out.append(t)
        if t.type != "QUAL" or t.value not in _NARROWING:
            continue
        j = len(out) - 1
        while j >= 2 and out[j - 1].type in _QUAL_JOINS and out[j - 2].type == "QUAL" \
                and out[j - 2].value in _NARROWING:
            j -= 2
        if j > 0 and out[j - 1].type == "QUAL" and out[j - 1].value == "active" \
                or j > 1 and out[j - 1].type in _QUAL_JOINS and out[j - 2].type == "QUAL":
            continue  # "acute serious illness", "active or serious illness": qualifiers that do not narrow it
        following = tokens[k + 1].start_pos if k + 1 < len(tokens) else len(text)
        illness = _ILLNESS.match(text, t.end_pos, following)
        if illness is not None and not text[illness.end():following].strip(" ,;."):
            out.append(token("COND", "medical_condition", illness.start(1), illness.end(1)))
    return out


_MAX_NAME_TAIL = 2


def names_around_abbreviation(tokens: list[Token], text: str) -> list[Token]:
    """"Hepatitis C virus (HCV) antibody", "hepatitis B virus (HBV) DNA": a name with its
    abbreviation in brackets inside it is the name without them (here a test, not the infection),
    when the bracket names what the words before it name and the vocabulary has the whole name."""
    vocab = load_vocabulary()
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        if k + 4 < len(tokens) and tokens[k + 1].type == "LPAR" and tokens[k + 3].type == "RPAR" \
                and tokens[k + 2].type == t.type and tokens[k + 2].value == t.value and tokens[k + 4].type == "WORD":
            tail = 1
            while tail < _MAX_NAME_TAIL and k + 4 + tail < len(tokens) and tokens[k + 4 + tail].type == "WORD":
                tail += 1
            for n in range(tail, 0, -1):
                words = " ".join(words_of(x, text) for x in tokens[k + 4:k + 4 + n])
                concept = vocab.lookup(f"{text[t.start_pos:t.end_pos]} {words}")
                terminal = concept_terminal(concept, vocab) if concept is not None else None
                if terminal is not None:
                    out.append(token(terminal, concept.id, t.start_pos, tokens[k + 3 + n].end_pos))
                    k += 4 + n
                    break
            else:
                out.append(t)
                k += 1
            continue
        out.append(t)
        k += 1
    return out


_HOW_OFTEN = re.compile(r"(?i)\s*(on\s+a\s+daily\s+basis|(?:nearly\s+|almost\s+)?(?:every|each)\s+day|daily|"
                        r"on\s+most\s+days|most\s+days)\b")


_DURATION = frozenset({"GT", "GE", "LT", "LE", "EQ", "NUMBER", "TIMEUNIT"})


def how_often(tokens: list[Token], text: str) -> list[Token]:
    """"Pain on a daily basis for at least 6 months", "headache every day", "knee pain on most
    days": how often a condition comes, written right after it, is one HOW_OFTEN token (its words
    kept beside the condition), so that how long it has lasted is read too."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        out.append(t)
        k += 1
        if t.type != "COND" or k >= len(tokens):
            continue
        said = _HOW_OFTEN.match(text, t.end_pos)
        if said is None:
            continue
        j = k
        while j < len(tokens) and tokens[j].end_pos <= said.end():
            j += 1
        if j > k and tokens[j - 1].end_pos == said.end() and tokens[k].start_pos >= said.start(1):
            # how long it has lasted ("for at least 6 months") stays next to the condition, where
            # it is read as a duration, and the words follow it
            m = j + 1 if j < len(tokens) and tokens[j].type == "IF" else j
            while m > j and m < len(tokens) and tokens[m].type in _DURATION:
                m += 1
            out += tokens[j:m] if m > j + 1 else []
            out.append(token("HOW_OFTEN", "how often", said.start(1), said.end()))
            k = m if m > j + 1 else j
    return out


def general_heads(tokens: list[Token], text: str) -> list[Token]:
    """The passes of this module, in order."""
    return how_often(windows_among_examples(illness_after_qualifiers(names_around_abbreviation(tokens, text), text)),
                     text)
