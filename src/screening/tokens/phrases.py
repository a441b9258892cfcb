"""Phrases that read as one: standards and their versions, "at least one of", lead-in words, counts
and cancer stages.
"""

from __future__ import annotations

import re

from lark import Token

from ..vocabulary import Vocabulary, load_vocabulary
from .lexicon import COMPARATORS, NAMES, load_lexicon, retyped, token
from .periods import is_rate


# Words that introduce a standard or method: "per", "according to", "based on", "calculated using"…
_LEAD_IN_WORDS = frozenset({"per", "according", "based", "calculated", "assessed", "measured", "evaluated", "graded",
                            "defined", "determined", "via", "using", "corrected", "diagnosed", "as", "revised", "updated",
                            "modified"})


_VERSION = re.compile(r"^[vV]\d+(?:\.\d+)*$")


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
            and (j < 3 or out[j - 3].type not in NAMES) and not _after_a_count(out[:j - 2]):
        for k in reversed(lines):
            del out[k]
        del out[j - 2:j]


# Classification words that name no standard of their own ("criteria for", "diagnostic classification")
_NAMES_NO_STANDARD = re.compile(r"(criteria|classification|for|updated|by)$", re.IGNORECASE)


def _drop_lead_in(out: list[Token]) -> None:
    while out and (out[-1].type in ("ABLE", "WORD") and out[-1].value.lower() in _LEAD_IN_WORDS
                   or out[-1].type in ("DETERMINED_BY", "TO", "OF")):
        out.pop()
    if len(out) >= 2 and out[-1].type == "COMMA" and out[-2].type == "COND":
        out.pop()  # "EUPD, as per ICD-11 criteria"


def _diagnosed_by(out: list[Token]) -> bool:
    """A condition, then words that introduce how it was diagnosed ("according to", "per"); how
    long it has lasted may come between ("migraine for ≥ 12 months according to ICHD-3")."""
    lead = list(out)
    _drop_lead_in(lead)
    if len(lead) == len(out) or out[-1].type == "COMMA":
        return False  # (a comma alone introduces nothing: "diabetes, DSM-IV substance dependence")
    if len(lead) >= 6 and [t.type for t in lead[-2:]] == ["BEFORE", "ANCHOR"]:
        lead = lead[:-2]  # "… for at least 12 months prior to screening according to ICHD-3"
    if len(lead) >= 4 and lead[-3].type in COMPARATORS and [t.type for t in lead[-2:]] == ["NUMBER", "TIMEUNIT"]:
        lead = lead[:-4] if lead[-4].type in ("LASTING", "IF") else lead[:-3]  # ("for" is still IF here)
    while lead and lead[-1].type == "UNCONSTRAINED":
        lead.pop()
    if len(lead) >= 3 and lead[-2].type == "WITH_OR_WITHOUT":
        lead = lead[:-2]  # "migraine with or without aura": (not yet one UNCONSTRAINED token here)
    return bool(lead) and lead[-1].type == "COND"


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


def _measure_group(t: Token) -> list[Token]:
    """"transaminases" → ALT and AST, over the same words."""
    tokens: list[Token] = []
    for concept in t.value.split():
        if tokens:
            tokens.append(token("AND", "and", t.start_pos, t.start_pos))
        tokens.append(token("MEASURE", concept, t.start_pos, t.end_pos))
    return tokens


def _list_number(t: Token, text: str) -> bool:
    """A whole number opening a clause and followed by a capitalised word: a list label (not one
    after a word, as in "Type 2 MI", "Stage 3 ROP")."""
    after = text[t.end_pos:].lstrip(" .)")
    before = text[:t.start_pos].rstrip()
    return t.value.isdigit() and len(t.value) <= 2 and bool(after) and after[0].isupper() \
        and text[t.end_pos:t.end_pos + 1] in (" ", ".", ")") and not (before and before[-1].isalpha())


def _outside(out: list[Token], t: Token, ntype: str | None) -> None:
    """"BMI outside (of) the 18-29 kg/m2 range", "TSH outside the normal range": the range,
    negated. The negation goes before the measured name; with no name before it, or no range
    after it, the word stays unread."""
    k = len(out) - (2 if len(out) >= 2 and out[-1].type == "COLON" else 1)
    if k >= 0 and out[k].type == "MEASURE" and ntype in ("NUMBER", "BETWEEN", "NEGATIVE"):
        out.insert(k, token("NEG", "outside", t.start_pos, t.end_pos))
    else:
        out.append(retyped(t, "WORD"))


_METHOD_WORD = re.compile(r"[A-Za-z][\w-]*?(?='s\b|\b)")


def _measured_by(out: list[Token], standard: Token) -> None:
    """"QTc > 470 ms using Fridericia's formula", "QTc interval (Fridericia)": a method the
    vocabulary names a kind of the measure by (the QTcF is "QTc Fridericia") says which kind is
    meant; dropped with the other standards, it would leave any QTc. Only where the criterion names
    one method: "by Bazett or Fridericia" means either."""
    vocab = load_vocabulary()
    word = _METHOD_WORD.match(standard.value)
    for k in range(len(out) - 1, -1, -1):
        if out[k].type in ("PERIOD", "SEMI") or word is None:
            return
        if out[k].type == "MEASURE":
            kinds = [d for d in vocab.descendants(out[k].value) if d != out[k].value and any(
                re.search(rf"(?i)\b{re.escape(word.group())}\b", form)
                for form in (vocab.get(d).name, *vocab.get(d).synonyms))]
            if len(kinds) == 1:
                out[k] = retyped(out[k], "MEASURE", kinds[0])
            return


def settle_phrases(tokens: list[Token], text: str) -> list[Token]:
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
            if sum(x.type == "STANDARD" for x in tokens) == 1:
                _measured_by(out, t)
            _drop_lead_in(out)
            skip_to = _after_version(tokens, k + 1, text)
        elif t.type == "CLASSIFICATION" and _diagnosed_by(out):
            # "major depressive disorder according to DSM-5 (criteria)": how it was diagnosed
            _drop_lead_in(out)
            skip_to = next((j for j in range(k + 1, len(tokens)) if tokens[j].type != "CLASSIFICATION"), len(tokens))
        elif t.type == "CLASSIFICATION" and ntype == "COND" and ptype not in ("CLASSIFIED", "CLASSIFICATION") \
                and not _NAMES_NO_STANDARD.search(t.value):
            pass  # "DSM-IV substance dependence": diagnosed by that manual, as "according to DSM-IV" is
        elif t.type == "WORD" and _VERSION.match(t.value) and len(out) >= 2 and ptype == "RPAR" \
                and out[-2].type == "LPAR":
            pass  # "(RECIST) v1.1": the version of the standard just dropped
        elif t.type == "NUMBER" and ptype in (None, "PERIOD", "SEMI") and _list_number(t, text):
            pass  # "3 Major surgical procedure …": the item's number in the record's list
        elif t.type == "ASSESSOR":
            if ptype not in _RESULTS:  # after a result it names who found it; elsewhere, the investigator's call
                out.append(retyped(t, "JUDGEMENT"))
        elif t.type == "ANCHOR" and ptype == "AT_TIME":
            out[-1] = token("AT_ANCHOR", t.value, out[-1].start_pos, t.end_pos)  # "at time of enrolment"
        elif t.type == "AT_TIME" and ntype != "ANCHOR":
            out.append(retyped(t, "WORD"))  # "at the time of" anything else is not read
        elif t.type == "OUTSIDE":
            _outside(out, t, ntype)
        elif t.type == "MEASURE_GROUP":
            out.extend(_measure_group(t))
        else:
            if t.type in NAMES and not is_rate(t):
                _drop_at_least_one(out)  # "at least one (prior) measurable lesion": one is enough to have it
            out.append(t)
    return out


# What ends a result: a finding's name, a value with its unit, a qualitative reading.
_RESULTS = frozenset({"FLAG", "QUALITATIVE", "POSITIVE", "NEGATIVE", "NUMBER", "UNIT", "ULN", "LLN"})


_STAGE_WORDS = frozenset({"stage", "stages"})


_STAGE_VALUE = re.compile(r"^[IV]+[A-D]?\d?$")


_STAGE_SEPS = frozenset({"OR", "AND", "ANDOR", "COMMA", "TO"})


def cancer_stages(tokens: list[Token], vocab: Vocabulary, text: str) -> list[Token]:
    """"Stage IIIB or IV non-small cell lung cancer": a bare "stage" whose values come right before
    a cancer is that cancer's staging (lexicon STAGED_BY: FIGO for a gynaecological cancer, Ann
    Arbor for a lymphoma, AJCC/TNM for another solid tumour); before anything else ("stage 2
    hypertension", "stage 3 myeloma", whose staging is not said) it stays a word."""
    staged_by = load_lexicon().staged_by
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
            out[k] = retyped(t, "CATEGORICAL", staging)
    return out
