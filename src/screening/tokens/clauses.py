"""Cutting tokens into clauses, and tidying what frames a clause without constraining it.
"""

from __future__ import annotations

from dataclasses import dataclass

from lark import Token

from .lexicon import COMPARATORS, closing_bracket, retyped
from .measures import PERSISTENT


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
        if t.type == "RPAR" and depth == 0 and current and _item_number(current[-1], t):
            # "… if indicated 9) If a subject is a female …": the next item of the record's list,
            # run into this one (or opening it); its number is a label, not a value
            number = current.pop()
            close(number.start_pos)
            start = t.end_pos
            continue
        if t.type == "LPAR":
            depth += 1
        elif t.type == "RPAR":
            depth = max(0, depth - 1)
        if t.type == "COLON" and any(x.type in ("ANY_OF", "AT_LEAST_OF") for x in current):
            choosing = True
        if depth == 0 and t.type in ("SEMI", "PERIOD") and choosing:
            current.append(retyped(t, "OR"))
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


def _item_number(number: Token, closing: Token) -> bool:
    """A list item's number written "9)": a whole number of one or two digits, the ")" right
    after it, with no "(" open."""
    return number.type == "NUMBER" and number.end_pos == closing.start_pos and str(number.value).isdigit() \
        and len(str(number.value)) <= 2


# Qualifiers a parenthesis of values can define ("severe liver dysfunction (bilirubin > 14 mg/L)").
DEFINABLE_QUALIFIERS = frozenset({"severe", "moderate", "mild", "active", "current", "history", "uncontrolled",
                                  "diagnosed"})


_HEAD_TOKENS = {"WORD", "QUAL", "COND", "FLAG", "OR", "AND", "COMMA", "ANDOR", "OTHER"}
# What a definition's values can stand for: "adequate renal function", "neutropenia",
# "measurable disease defined as serum M-protein ≥ 0.5 g/dL or …"
_DEFINED_HEADS = ("WORD", "COND", "FLAG")


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
                or t.type == "WORD" and t.value.lower() in PERSISTENT:
            # "uncontrolled or symptomatic hypercalcemia (calcium > 12 mg/dL)", "persistent
            # neutropenia (ANC < 1000/mm3)" say more than the values
            break
        if t.type == "QUAL" and t.value == "history":
            # "history of preterm birth (< 37 weeks gestation)": the latest value does not show a
            # past (the reader reads a lasting test result that defines one)
            break
        if t.type not in _HEAD_TOKENS:
            if k and t.type == "DETERMINED_BY" and any(x.type in _DEFINED_HEADS for x in clause[:k]):
                # "adequate renal function as defined by: creatinine < 1.5 mg/dL"
                j = k + 2 if k + 1 < len(clause) and clause[k + 1].type == "COLON" else k + 1
                if j < len(clause) and clause[j].type == "MEASURE":
                    return clause[j:]
            if k and t.type == "LPAR" and any(x.type in _DEFINED_HEADS for x in clause[:k]):
                j = closing_bracket(clause, k)
                if j is None:
                    j = len(clause) - 1  # (never closed: to the clause's end, as its last token)
                inner = clause[k + 1:j]
                # (not "(unless disease-free for ≥ 3 years)": an exception defines nothing)
                # (nor "diabetes (> 10 years)": a time is how long or how old, not what defines it)
                timed = any(x.type in ("TIMEUNIT", "YEARS_OLD") for x in inner) and not any(
                    x.type == "MEASURE" for x in inner)
                if inner and inner[0].type == "INCLUDING":
                    if inner[0].value != "namely":
                        break  # "anemia (e.g., Hb < 10 g/dL)": values that show it, among others
                    inner = inner[1:]  # "(i.e., Hb < 10 g/dL)": the values are what it is
                if any(x.type in COMPARATORS for x in inner) and not timed \
                        and all(x.type not in ("LPAR", "EXCEPT") for x in inner[:1]):
                    return inner + clause[j + 1:]
            break
    return clause


def only_words(clause: list[Token]) -> bool:
    return all(t.type in ("WORD", "COMMA", "AND", "OR") for t in clause)
