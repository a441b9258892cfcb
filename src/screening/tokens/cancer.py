"""Token passes for a cancer's treatment and course. The profile records courses, lines and
measurable disease, not cycles, grays, what the disease did on a line, which drugs a line held or
how large a lesion is: those are kept in the criterion's words (CAVEAT) beside what is read, so a
patient without the treatment is decided and one with it waits for a coordinator. Also how long a
cancer has been disease-free.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lark import Token

from ..vocabulary import Vocabulary
from .lexicon import COMPARATORS, token

# "at least 2", "more than 4", "2 or more" … cycles: a count that needs one course at least
_AT_LEAST = frozenset({"GE", "GT"})


_CYCLES = re.compile(r"(?i)^(?:course|cycle)s?\b")


def counted_cycles(tokens: list[Token]) -> list[Token]:
    """"At least 2 cycles of platinum-based chemotherapy", "more than 6 courses of chemotherapy":
    a count of cycles that needs the treatment to have been given is the treatment had (MED after
    QUAL history) and the count kept in words (CAVEAT), which a coordinator settles. A count that
    one course may already break ("no more than 4 cycles", "fewer than 2 cycles") stays words: a
    patient never treated meets it, or may be the one it is about."""
    for k, t in enumerate(tokens):
        if not (t.type == "LINES" and _CYCLES.match(t.value)) or k < 2:
            continue
        if tokens[k - 1].type == "NUMBER":
            op, count, first = tokens[k - 2], tokens[k - 1], k - 2
        else:
            count, op, first = tokens[k - 2], tokens[k - 1], k - 2  # "2 or more cycles"
        if count.type != "NUMBER" or op.type not in _AT_LEAST or float(count.value) < (1 if op.type == "GE" else 0):
            continue
        drug = k + 1
        while drug < len(tokens) and tokens[drug].type == "QUAL" and tokens[drug].value == "history":
            drug += 1
        if drug >= len(tokens) or tokens[drug].type != "MED":
            continue
        med = tokens[drug]
        prior = token("QUAL", "history", med.start_pos, med.start_pos)
        said = token("CAVEAT", "cycles", tokens[first].start_pos, med.end_pos)
        return [*tokens[:first], prior, med, said, *tokens[drug + 1:]]
    return tokens


_GRAYS = frozenset({"gy", "cgy"})


def _dose_of_radiation(tokens: list[Token], k: int) -> bool:
    """Whether the three tokens from ``k`` say a dose of radiation: "> 30 Gy", "45 Gy or more"."""
    said = tokens[k:k + 3]
    kinds = [t.type for t in said]
    if k < 0 or len(said) < 3:
        return False
    if kinds[1:] == ["NUMBER", "UNIT"] and kinds[0] in COMPARATORS - {"EQ"}:
        return said[2].value.lower() in _GRAYS
    return kinds == ["NUMBER", "UNIT", "GE"] and said[1].value.lower() in _GRAYS  # "45 Gy or more"


# "to more than 25% of the bone marrow": how much of the marrow a radiotherapy reached
_MARROW = re.compile(r"(?i)\s*(?:to\s+)?(?:more\s+than|greater\s+than|over|at\s+least|>=?|≥)\s*\d+(?:\.\d+)?\s*%"
                     r"\s+of\s+(?:(?:the|their|total|active|functional)\s+)*"
                     r"(?:marrow[- ]bearing\s+(?:bones?|skeleton)|(?:bone\s+)?marrow(?:\s+reserve)?)\b")


def radiation_doses(tokens: list[Token], text: str, is_radiotherapy: Callable[[str], bool]) -> list[Token]:
    """"> 30 Gy chest radiation within 6 months", "pelvic radiotherapy ≥ 45 Gy", "radiotherapy
    (≥ 30 Gy)", "radiotherapy to more than 25% of bone marrow": the radiotherapy (PROC) and its
    dose or extent kept in words after it (CAVEAT), since a procedure's record holds neither — a
    patient without such radiotherapy is decided."""
    for k, t in enumerate(tokens):
        if t.type != "PROC" or not is_radiotherapy(t.value):
            continue
        marrow = _MARROW.match(text, t.end_pos)
        if marrow is not None:
            end = next((j for j in range(k + 1, len(tokens)) if tokens[j].start_pos >= marrow.end()), len(tokens))
            start = t.end_pos + len(marrow[0]) - len(marrow[0].lstrip())
            return [*tokens[:k + 1], token("CAVEAT", "extent", start, marrow.end()), *tokens[end:]]
        if _dose_of_radiation(tokens, k - 3):
            said = token("CAVEAT", "dose", tokens[k - 3].start_pos, tokens[k - 1].end_pos)
            return [*tokens[:k - 3], t, said, *tokens[k + 1:]]
        # "(≥ 30 Gy)": the brackets stay, as around any caveat
        start = k + 2 if [x.type for x in tokens[k + 1:k + 2] + tokens[k + 5:k + 6]] == ["LPAR", "RPAR"] else k + 1
        if _dose_of_radiation(tokens, start):
            said = token("CAVEAT", "dose", tokens[start].start_pos, tokens[start + 2].end_pos)
            return [*tokens[:start], said, *tokens[start + 3:]]
    return tokens


# Free of the disease for a time: a cancer never treated has been so for none
_DISEASE_FREE = re.compile(r"(?i)^disease[- ]free\b")


def short_remissions(tokens: list[Token]) -> list[Token]:
    """"Any other malignancy from which the patient has been disease-free for less than 5 years":
    a cancer that went on within the last 5 years (WITHIN), as "unless disease-free for ≥ 5 years"
    reads. Not "in complete remission for less than 5 years", which a cancer never in remission
    is not."""
    for k, t in enumerate(tokens[:-3]):
        if t.type == "REMISSION" and _DISEASE_FREE.match(t.value) and tokens[k + 1].type in ("LT", "LE") \
                and [x.type for x in tokens[k + 2:k + 4]] == ["NUMBER", "TIMEUNIT"] \
                and not (k and tokens[k - 1].type == "EXCEPT"):
            within = token("WITHIN", "within", t.start_pos, tokens[k + 1].end_pos)
            return [*tokens[:k], within, *tokens[k + 2:]]
    return tokens


# What the disease did on (or after) earlier treatment: progressed, relapsed, failed ("failed" is
# read as the qualifier "refractory")
_PROGRESSED = frozenset({"progressed", "progression", "progressing", "relapsed", "relapse", "refractory"})


# The words between that and the count of lines: "on or after", "after or refractory to",
# "relapsed or refractory disease after"
_ON_OR_AFTER_LINES = re.compile(r"(?i)(?:[\s,]|\b(?:on|after|following|during|to|or|and/or|while|"
                                r"relapsed|refractory|disease)\b)*")


# … and between a disease and the count: "multiple myeloma after at least 3 prior lines"
_AFTER_LINES = re.compile(r"(?i)\s*(?:,\s*)?(?:after|following)\s+")


def progressed_after_lines(tokens: list[Token], text: str) -> list[Token]:
    """"Progressed on or after at least 2 prior lines of therapy", "failed at least one prior line
    of systemic therapy", "relapsed or refractory multiple myeloma after ≥ 3 prior lines": the
    lines had (a lower bound on lines of treatment) and what the disease did on them kept in words
    (CAVEAT) — a course's outcome says whether it failed, not whether the disease progressed after
    it; a disease named is kept in the words too (which of its courses came before it the profile
    does not say)."""
    for k, t in enumerate(tokens):
        if t.type in ("WORD", "QUAL") and t.value.lower() in _PROGRESSED:
            first, between = k, _ON_OR_AFTER_LINES
            if k and tokens[k - 1].type == "COND":
                first = k - 1  # "diffuse large B-cell lymphoma relapsed after …"
            count = next((j for j in range(k + 1, len(tokens))
                          if tokens[j].type not in ("OR", "AFTER", "QUAL", "WORD")), None)
        elif t.type == "COND" and k + 1 < len(tokens) and tokens[k + 1].type == "AFTER":
            first, between, count = k, _AFTER_LINES, k + 2
        else:
            continue
        if tokens[first].type == "COND":
            while first and tokens[first - 1].type == "QUAL":
                first -= 1  # "metastatic breast cancer after …"
        if count is None or count + 2 >= len(tokens) or tokens[count].type not in _AT_LEAST \
                or tokens[count + 1].type != "NUMBER" \
                or not between.fullmatch(text, t.end_pos, tokens[count].start_pos):
            continue
        lines = count + 2 + (tokens[count + 2].type == "QUAL" and tokens[count + 2].value == "history")
        drug = lines + 1
        while drug < len(tokens) and tokens[drug].type == "QUAL":
            drug += 1
        if drug >= len(tokens) or tokens[lines].type != "LINES" or _CYCLES.match(tokens[lines].value) \
                or tokens[drug].type != "MED" or float(tokens[count + 1].value) < 1:
            continue
        said = token("CAVEAT", "progressed on", tokens[first].start_pos, tokens[drug].end_pos)
        return [*tokens[:first], *tokens[count:drug + 1], said, *tokens[drug + 1:]]
    return tokens


# What a list of the drugs among the lines is made of: "a proteasome inhibitor, an IMiD and an anti-CD38"
_DRUG_LIST = frozenset({"MED", "QUAL", "COMMA", "AND", "OR", "ANDOR"})


def lines_including(tokens: list[Token]) -> list[Token]:
    """"At least 3 prior lines of therapy including a proteasome inhibitor, an IMiD and an anti-CD38
    antibody": the lines counted, and which drugs were among them kept in words (CAVEAT) — the
    profile does not say which line a drug was in. Only after a lower bound, which the drugs can
    only narrow."""
    for k, t in enumerate(tokens):
        if t.type != "INCLUDING" or t.value != "examples" or k < 4:
            continue
        drug = k - 1 - (tokens[k - 1].type == "CAVEAT")
        count = next((j for j in range(drug - 1, -1, -1) if tokens[j].type == "LINES"), None)
        end = next((j for j in range(k + 1, len(tokens)) if tokens[j].type not in _DRUG_LIST), len(tokens))
        if tokens[drug].type != "MED" or count is None or count < 2 or tokens[count - 1].type != "NUMBER" \
                or tokens[count - 2].type not in _AT_LEAST or _CYCLES.match(tokens[count].value) \
                or any(x.type != "QUAL" for x in tokens[count + 1:drug]) \
                or end == k + 1 or tokens[end - 1].type != "MED" \
                or end < len(tokens) and tokens[end].type not in ("PERIOD", "SEMI"):
            continue
        said = token("CAVEAT", "including", t.start_pos, tokens[end - 1].end_pos)
        return [*tokens[:k], said, *tokens[end:]]
    return tokens


def lines_said_of(tokens: list[Token], text: str) -> list[Token]:
    """What the disease did on a count of lines, and which drugs were among them, in words beside it."""
    return lines_including(progressed_after_lines(tokens, text))


_LESION_SIZE_UNITS = frozenset({"mm", "cm"})


# "in (the) longest diameter", "in at least one dimension": how the size was measured
_DIAMETER = re.compile(r"(?i)\s*in\s+(?:(?:the|its|at\s+least\s+one)\s+)?"
                       r"(?:longest|largest|greatest|maximum|maximal|long-axis)?\s*(?:diameter|dimension|axis)\b")


def measurable_lesion_sizes(tokens: list[Token], text: str) -> list[Token]:
    """"At least one measurable lesion ≥ 10 mm (in longest diameter)": measurable disease (FLAG)
    and the size kept in words after it (CAVEAT); a lesion that size is measurable, and whether
    the patient's is that large a coordinator settles."""
    for k, t in enumerate(tokens[:-3]):
        kinds = [x.type for x in tokens[k + 1:k + 4]]
        if not (t.type == "FLAG" and t.value == "measurable_disease" and kinds[0] in _AT_LEAST
                and kinds[1:] == ["NUMBER", "UNIT"] and tokens[k + 3].value.lower() in _LESION_SIZE_UNITS):
            continue
        said = _DIAMETER.match(text, tokens[k + 3].end_pos)
        end = said.end() if said else tokens[k + 3].end_pos
        rest = next((j for j in range(k + 4, len(tokens)) if tokens[j].start_pos >= end), len(tokens))
        return [*tokens[:k + 1], token("CAVEAT", "size", tokens[k + 1].start_pos, end), *tokens[rest:]]
    return tokens


def cumulative_doses(tokens: list[Token]) -> list[Token]:
    """"Cumulative doxorubicin dose > 360 mg/m2", "anthracyclines with a cumulative dose of
    doxorubicin > 360 mg/m2 or equivalent", "doxorubicin at a cumulative dose of more than 400
    mg/m2": the drug had (MED after QUAL history) and the dose kept in words (CAVEAT), which no
    course records. Only a dose above a limit, which needs the drug given; "≤ 360 mg/m2" a patient
    never given it meets."""
    for k, t in enumerate(tokens):
        if not (t.type == "WORD" and t.value.lower() == "cumulative"):
            continue
        drug = k - 1 if k and tokens[k - 1].type == "MED" else k + 1
        limit = k + 1 if drug < k else k + 2
        if limit < len(tokens) and drug < k and tokens[limit].type == "MED":
            limit += 1  # "… with a cumulative dose of doxorubicin > 360 mg/m2": counted in doxorubicin
        said = [x.type for x in tokens[limit:limit + 3]]
        if drug >= len(tokens) or tokens[drug].type != "MED" or said[:1] not in (["GT"], ["GE"]) \
                or said[1:] != ["NUMBER", "UNIT"]:
            continue
        end = limit + 3
        if [x.type for x in tokens[end:end + 2]] == ["MED", "EQUIVALENT"]:
            end += 2  # "… 450 mg/m2 doxorubicin equivalent"
        elif end < len(tokens) and tokens[end].type == "EQUIVALENT":
            end += 1
        med = tokens[drug]
        prior = token("QUAL", "history", med.start_pos, med.start_pos)
        dose = token("CAVEAT", "cumulative dose", t.start_pos, tokens[end - 1].end_pos)
        return [*tokens[:min(drug, k)], prior, med, dose, *tokens[end:]]
    return tokens


def cancer_wording(tokens: list[Token], text: str, vocab: Vocabulary) -> list[Token]:
    """The cycles or cumulative dose of a drug, the dose or extent of a radiotherapy and the size of
    a measurable lesion, each kept in words beside it; a time disease-free shorter than a limit."""
    tokens = radiation_doses(cumulative_doses(counted_cycles(tokens)), text,
                             lambda concept: vocab.is_a(concept, "radiotherapy"))
    return measurable_lesion_sizes(short_remissions(tokens), text)
