"""Drugs named by how they are sold (:func:`prescribed_or_not`, before the verbs of taking are
read); in lists of drugs, a time said before the drugs it dates and an item that describes drugs
by what they do rather than naming them (:func:`drug_lists`)."""

from __future__ import annotations

import re

from lark import Token

from .lexicon import LIST_JOINS, skip_over, token


def drug_lists(tokens: list[Token], text: str) -> list[Token]:
    return drugs_described(window_said_first(tokens), text)


# The value of a CAVEAT that says which drugs a name means (its window is theirs, not the words')
WHICH_DRUGS = "which drugs"

# "prescription medications", "over-the-counter drugs", "OTC medicines": drugs by how they are sold
_SOLD_AS = re.compile(r"(?i)\b(?:non-?prescription|prescription|over[- ]the[- ]counter|OTC)\s+"
                      r"(?:medications?|medicines?|drugs?|remed(?:y|ies))\b")


def prescribed_or_not(tokens: list[Token], text: str) -> list[Token]:
    """"Use of prescription medications within 14 days": which drugs are sold on prescription, and
    which over the counter, no record says (nor is it the same in every country), so the words
    stay beside any drug (a CAVEAT after MED any_medication): a patient who took none is decided,
    one who took some waits for a coordinator."""
    out = list(tokens)
    for found in reversed(list(_SOLD_AS.finditer(text))):
        inside = [k for k, t in enumerate(out) if t.start_pos < found.end() and t.end_pos > found.start()]
        if not inside or any(out[k].type not in ("WORD", "GT") for k in inside):
            continue  # (a name the vocabulary reads, "prescription or OTC drugs", is read as it)
        start, end = found.start(), found.end()
        out[inside[0]:inside[-1] + 1] = [token("MED", "any_medication", start, end), token("CAVEAT", WHICH_DRUGS, start, end)]
    return out


def window_said_first(tokens: list[Token]) -> list[Token]:
    """"Use within the past 12 months of finasteride or dutasteride", "within 30 days of screening,
    use of X": a time said before the drugs is their window; the "of" or the comma after it only
    leads to them (one token of look-ahead would take the "of" for "of randomization")."""
    k = skip_over(tokens, 0, ("QUAL",))
    if tokens[k:k + 3] and [t.type for t in tokens[k:k + 3]] == ["WITHIN", "NUMBER", "TIMEUNIT"]:
        k += 3
        if k + 1 < len(tokens) and tokens[k].type in ("BEFORE", "OF") and tokens[k + 1].type == "ANCHOR":
            k += 2
        first = skip_over(tokens, k + 1, ("QUAL",))
        if k < len(tokens) and tokens[k].type in ("OF", "COMMA") and first < len(tokens) and tokens[first].type == "MED":
            return tokens[:k] + tokens[k + 1:]
    return tokens


# "drugs that can block the action of male hormones", "any medication known to interact with X"
_DESCRIBED = re.compile(r"(?i)\s*(?:(?:any|all|other|the)\s+)*(?:drugs?|medications?|medicines?|agents?)\s+"
                        r"(?:that|which|known\s+to|likely\s+to|able\s+to|with\s+(?:a\s+|the\s+)?potential\s+to)\b")

# what the description may hold: words, not a drug (a class the vocabulary knows is read as
# one), a time (which may be said of the whole list) or a bracket (a list of what it means)
_DESCRIPTION = frozenset({"WORD", "OF", "AND", "OR", "ANDOR", "COMMA", "QUAL", "COND", "MEASURE", "MALE", "FEMALE",
                          "PROC", "OTHER", "NEG"})


def drugs_described(tokens: list[Token], text: str) -> list[Token]:
    """"Use of finasteride, dutasteride or drugs that can block the action of male hormones": the
    last item of a list of drugs says what its drugs do, not which they are, and stays in words
    (DESCRIBED_DRUGS) beside the drugs that are named. Only at the end of the clause, so that no
    time or bracket said of the whole list is taken into the words."""
    end = next((k for k, t in enumerate(tokens) if t.type in ("PERIOD", "SEMI")), len(tokens))
    for k in range(1, end):
        if tokens[k - 1].type not in LIST_JOINS or not any(t.type == "MED" for t in tokens[:k - 1]) \
                or any(t.type not in _DESCRIPTION for t in tokens[k:end]):
            continue
        said = skip_over(tokens, k, ("OTHER",))  # ("or other drugs that …")
        gap = _DESCRIBED.match(text, tokens[k - 1].end_pos, tokens[said].start_pos) if said < end else None
        if gap is None:
            continue
        start = gap.start() + len(gap.group()) - len(gap.group().lstrip())
        # (to the end of the clause: "… known to interact with it" ends in words no token keeps)
        stop = len(text[:tokens[end].start_pos if end < len(tokens) else len(text)].rstrip(" \t,;:."))
        said = token("DESCRIBED_DRUGS", "", start, stop)
        return tokens[:k] + [said] + tokens[end:]
    return tokens
