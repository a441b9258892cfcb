"""Token passes for values: thresholds by sex, grades and toxicities, scales, limits, ranges.
"""

from __future__ import annotations

import math
import re

from lark import Token

from ..vocabulary import Concept, load_vocabulary
from .lexicon import COMPARATORS, load_lexicon, retyped, token, words_of


# A class value as written: a roman numeral, or a small number ("ASA 1-3").
_CLASS_VALUE = re.compile(r"^(?:I|II|III|IV|V|VI)(?:[-–](?:I|II|III|IV|V|VI))?$|^[1-6]$")


_AFTER_CLASS_VALUE = frozenset({"DASH", "TO", "OR", "COMMA", "AND", "PERIOD", "SEMI", "RPAR", "LPAR"})


def abbreviated_classes(tokens: list[Token], text: str) -> list[Token]:
    """"ASA I-III", "ASA ≥ 3": letters that name another concept ("ASA" is aspirin) name a class
    scale when its classes follow them (lexicon CLASS_ABBREVIATIONS), or in brackets right after
    the scale's name ("American Society of Anesthesiologists (ASA) physical status"); "ASA 81 mg"
    stays aspirin; said again so in brackets, the letters are dropped."""
    named = load_lexicon().class_abbreviations
    out = list(tokens)
    said_again: set[int] = set()
    for k, t in enumerate(out):
        scale = named.get(text[t.start_pos:t.end_pos])
        if scale is None or t.type == "CATEGORICAL":
            continue
        if 2 <= k < len(out) - 1 and out[k - 1].type == "LPAR" and out[k + 1].type == "RPAR" \
                and out[k - 2].type == "CATEGORICAL" and out[k - 2].value == scale:
            said_again.update((k - 1, k, k + 1))
            continue
        j = k + 1 + (k + 1 < len(out) and out[k + 1].type in COMPARATORS)
        if j >= len(out) or not _CLASS_VALUE.match(text[out[j].start_pos:out[j].end_pos]):
            continue
        if out[j].type == "NUMBER" and j + 1 < len(out) and out[j + 1].type not in _AFTER_CLASS_VALUE:
            continue  # "ASA 3 times daily"
        out[k] = retyped(t, "CATEGORICAL", scale)
    return [t for k, t in enumerate(out) if k not in said_again]


def thresholds_by_sex(tokens: list[Token]) -> list[Token]:
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
        pieces = [measure, token("LPAR", "(", measure.end_pos, measure.end_pos)]
        for begin, end in ((lead, first), (first + 1, second)):
            pieces.append(token("FOR_SEX", out[begin].type.lower(), out[begin].start_pos,
                                 out[begin + skip - 1].end_pos))
            pieces.extend(out[begin + skip:end])
            if begin == lead:
                pieces.append(out[first])
        pieces.append(token("RPAR", ")", out[second - 1].end_pos, out[second - 1].end_pos))
        out[k:second] = pieces
        k += len(pieces)
    return out


# Words saying the patient can or will ("willing to sign consent"): a capacity, not the signature.
WILLING = re.compile(r"\b(?:able|abilit|willing|capable|understand|agree|accept|commit)", re.IGNORECASE)


def proxies(tokens: list[Token]) -> list[Token]:
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
        out.extend(retyped(x, "WORD") if x.type == "PROXY" else x
                   for x in sentence if x.type != "PROXY" or capacity)
        sentence = []
        if t is not None:
            out.append(t)
    return out


# After these a "-" stuck to a number is its sign, not a range or a hyphen: "≤ -2.5", "between
# -2.5 and -1".
_SIGNED_AFTER = frozenset({"GT", "GE", "LT", "LE", "EQ", "BETWEEN", "AND", "TO", "OR", "COLON", "LPAR"})


def negative_numbers(tokens: list[Token]) -> list[Token]:
    """Merge a minus sign into the number it is written against."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if t.type == "DASH" and t.value in ("-", "–", "—") and nxt is not None and nxt.type == "NUMBER" \
                and nxt.start_pos == t.end_pos and out and (
                    out[-1].type in _SIGNED_AFTER
                    # "T-score of -2.5 or less": after the value's name, apart from it
                    or out[-1].type == "MEASURE" and t.start_pos > out[-1].end_pos
                    or out[-1].type == "OF" and len(out) > 1 and out[-2].type == "MEASURE"):
            out.append(token("NUMBER", "-" + nxt.value, t.start_pos, nxt.end_pos))
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


def grade_phrases(tokens: list[Token], text: str) -> list[Token]:
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
                          or word_before and word_before[1].lower() in load_lexicon().other_gradings):
            k += 1
            continue
        if before is not None and before.type == "OF":
            first -= 1  # "neuropathy of grade 2 or higher"
        marker = token("GRADE", f"{low}-{high}" + (" ctcae" if named else ctcae), out[first].start_pos,
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


_FROM = frozenset({"from", "of", "due to", "related to", "attributed to", "caused by", "associated with"})


def unresolved_toxicity(tokens: list[Token], text: str) -> list[Token]:
    """"Unresolved toxicity of grade > 1 from prior anticancer therapy", "persistent AEs (> grade 1)
    from prior treatment", "toxicities from prior therapy that have not resolved to grade ≤ 1": NEG
    and the attribute recovered_from_prior_toxicity. Prior therapy of one kind ("from prior
    radiotherapy") or another grade ("> grade 2") is another fact, and is left as it is. With no
    grade said ("ongoing toxicity associated with prior anticancer therapy", the words ending the
    sentence) it is not having recovered from that therapy's toxic effects, of any kind the facts
    name (RECOVERED_FROM)."""
    recovered_from = load_lexicon().recovered_from
    out = list(tokens)
    k = 0
    while k < len(out):
        j, persisting = k, None
        if out[j].type in ("QUAL", "WORD") and words_of(out[j], text) in _PERSISTING:
            persisting, j = out[j], j + 1
        noun = j
        if k > 0 and out[k - 1].type == "NEG":
            k += 1  # "no unresolved toxicity …": a negation of the negation, left as words
            continue
        if j + 1 < len(out) and f"{words_of(out[j], text)} {words_of(out[j + 1], text)}" in _TOXICITIES:
            j += 2
        elif j < len(out) and out[j].type == "WORD" and words_of(out[j], text) in _TOXICITIES:
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
        while j < len(out) and words_of(out[j], text) in _FROM:
            j += 1
        if not (j + 1 < len(out) and out[j].type == "QUAL" and out[j].value == "history"
                and out[j + 1].type in ("WORD", "MED", "PROC", "TREATMENT")
                and out[j + 1].value.lower() in _PRIOR_THERAPY | recovered_from.keys()):
            k += 1
            continue
        therapy = out[j + 1].value.lower()
        j = grade_at(j + 2)
        if not grades:
            # "… that have not resolved to grade ≤ 1", ", defined as having not resolved to grade 0 or 1"
            i = j + 1 if j < len(out) and out[j].type == "COMMA" else j
            i = i + 1 if i < len(out) and out[i].type == "DETERMINED_BY" else i
            if i + 2 < len(out) and out[i].type == "NEG" and words_of(out[i + 1], text) in _RESOLVED:
                i += 3 if out[i + 2].type == "TO" else 2
                while i < len(out) and (out[i].type == "STANDARD" or _SCALE_WORDS.match(out[i].value)):
                    i += 1  # "… to CTCAE v5.0 grade 0 or 1"
                j = grade_at(i)
                grades = ["2-5"] if grades == ["0-1"] else []  # not resolved to ≤ 1: above 1
        if not grades and persisting is not None and (j == len(out) or out[j].type in ("PERIOD", "SEMI")):
            start = persisting.start_pos
            out[k:j] = [token("NEG", words_of(persisting, text), start, start),
                        token("ATTR", recovered_from[therapy], start, out[j - 1].end_pos)]
            k += 2
            continue
        if grades != ["2-5"] or therapy not in _PRIOR_THERAPY \
                or persisting is None and not any(t.type == "NEG" for t in out[noun:j]):
            k += 1
            continue
        start = (persisting or out[noun]).start_pos
        out[k:j] = [token("NEG", words_of(persisting or out[noun], text), start, start),
                    token("ATTR", "recovered_from_prior_toxicity", start, out[j - 1].end_pos)]
        k += 2
    return out


_RANGE_WORDS = frozenset({"GT", "GE", "LT", "LE", "EQ", "BETWEEN", "TO", "DASH"})


_WITH = re.compile(r"\s*with(?:\s+an?)?\s*", re.IGNORECASE)


def measures_with(tokens: list[Token], text: str) -> list[Token]:
    """"Mayo score of 6 to 12 with an endoscopic subscore ≥ 2": a value and the value "with" it
    are both required (the "with" is filler, so the two comparisons would run together)."""
    out: list[Token] = []
    for t in tokens:
        if out and t.type == "MEASURE" and out[-1].type in ("NUMBER", "UNIT", "TIMEUNIT", "YEARS_OLD") \
                and _WITH.fullmatch(text[out[-1].end_pos:t.start_pos]):
            recent = [x.type for x in out[-5:]]
            if "MEASURE" in recent and any(x in _RANGE_WORDS for x in recent[recent.index("MEASURE"):]):
                out.append(token("AND", "with", t.start_pos, t.start_pos))
        out.append(t)
    return out


# What a run of values is written with: "PASI ≥ 12, sPGA ≥ 3", "HbA1c 7.0–10.5%", "AST ≤ 3 × ULN"
_VALUE_RUN = frozenset({"MEASURE", "NUMBER", "UNIT", "ULN", "LLN", "TIMES", "GT", "GE", "LT", "LE", "EQ", "COMMA",
                        "COLON", "DASH", "TO", "BETWEEN", "INCLUSIVE"})


def condition_value_lists(tokens: list[Token]) -> list[Token]:
    """"Plaque psoriasis with PASI ≥ 12 and sPGA ≥ 3": the values a condition comes with are one
    list, and its "and" before the next value separates them like a comma (the grammar would
    otherwise take what follows for a second bound of the value before, "≥ 7.0% and ≤ 10.5%")."""
    out = list(tokens)
    for k, t in enumerate(out):
        if t.type != "AND" or k + 1 >= len(out) or out[k + 1].type != "MEASURE" or out[k - 1].type == "COMMA":
            continue
        start = k - 1
        while start >= 0 and out[start].type in _VALUE_RUN:
            start -= 1
        if start >= 0 and out[start].type == "COND" and out[start + 1].type == "MEASURE":
            out[k] = retyped(t, "COMMA")
    return out


_BOUNDS = frozenset({"GT", "GE", "LT", "LE"})


_VALUE_ENDS = frozenset({"ULN", "LLN", "UNIT"})


def alternative_limits(tokens: list[Token]) -> list[Token]:
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
        return (tokens[:start] + [token("LPAR", "(", rest[0].start_pos, rest[0].start_pos)] + rest[:end]
                + [token("RPAR", ")", close, close)] + rest[end:])
    return tokens


_WHO_SEPS = frozenset({"OR", "COMMA", "ANDOR"})


def _who_ends(tokens: list[Token], k: int) -> int | None:
    """The end of a list of conditions starting at ``k`` ("Gilbert's syndrome or HCC"), or None."""
    j, named = k, False
    while j < len(tokens):
        while j < len(tokens) and tokens[j].type == "QUAL":
            j += 1
        if j >= len(tokens) or tokens[j].type != "COND":
            return None
        j, named = j + 1, True
        seps = j
        while seps < len(tokens) and tokens[seps].type in _WHO_SEPS:
            seps += 1
        if seps == j or seps >= len(tokens) or tokens[seps].type not in ("QUAL", "COND"):
            return j if named else None
        j = seps
    return j if named else None


def _limit_ends(tokens: list[Token], k: int) -> int | None:
    """The end of a limit "≤ 3 × ULN", "< 3.0 mg/dL" starting at ``k``, or None."""
    if k + 1 >= len(tokens) or tokens[k].type not in _BOUNDS or tokens[k + 1].type != "NUMBER":
        return None
    j = k + 2
    if j + 1 < len(tokens) and tokens[j].type == "TIMES" and tokens[j + 1].type in ("ULN", "LLN"):
        return j + 2
    return j + 1 if j < len(tokens) and tokens[j].type in _VALUE_ENDS else j


def limits_for_the_excepted(tokens: list[Token]) -> list[Token]:
    """"Bilirubin ≤ 1.5 × ULN (except patients with Gilbert's syndrome, who must have < 3 mg/dL)",
    "… with the following exception: patients with Gilbert's syndrome: bilirubin ≤ 3 × ULN",
    "(patients with Gilbert's syndrome: ≤ 3 × ULN)", "(for patients with Gilbert's syndrome,
    ≤ 3 × ULN)": the patients named first, then the limit they are held to instead. Written as "(≤ 3 × ULN for patients with …)", the limit first, which
    is how the grammar reads another limit for some patients. Only after a limit on the same
    value, and only the whole exception: anything else in it and the words stay as they are."""
    for k, t in enumerate(tokens):
        measures = [x for x in tokens[:k] if x.type == "MEASURE"]
        if not measures or not any(x.type in _BOUNDS for x in tokens[:k]) \
                or any(x.type in ("PERIOD", "SEMI") for x in tokens[tokens.index(measures[-1]):k]):
            continue
        opened = t.type == "LPAR"
        j = k + opened
        excepted = j < len(tokens) and tokens[j].type == "EXCEPT"
        if not (opened or excepted):
            continue
        named_for = opened and not excepted and j < len(tokens) and tokens[j].type == "IF"
        j += excepted or named_for
        j += j < len(tokens) and tokens[j].type == "COLON"
        who_end = _who_ends(tokens, j)
        if who_end is None:
            continue
        m = who_end
        if excepted:
            m += m < len(tokens) and tokens[m].type == "COMMA"
            m += m < len(tokens) and tokens[m].type == "REQUIRING"
        if m < len(tokens) and (tokens[m].type == "COLON" or named_for and tokens[m].type == "COMMA"):
            m += 1
        elif not excepted:
            continue  # "(patients with HCC: …)": the colon says the limit is theirs
        named = m < len(tokens) and tokens[m].type == "MEASURE"
        if named and tokens[m].value != measures[-1].value:
            continue
        end = _limit_ends(tokens, m + named)
        if end is None:
            continue
        if opened:
            if end >= len(tokens) or tokens[end].type != "RPAR":
                continue
            after = end + 1
        else:
            if end < len(tokens) and tokens[end].type not in ("PERIOD", "SEMI"):
                continue
            after = end
        at = tokens[m].start_pos
        close = tokens[end - 1].end_pos
        return (tokens[:k] + [token("LPAR", "(", at, at)] + tokens[m:end] + [token("IF", "", at, at)]
                + tokens[j:who_end] + [token("RPAR", ")", close, close)] + tokens[after:])
    return tokens


PERSISTENT = frozenset({"persistent", "persistently"})


def persistent_values(tokens: list[Token], text: str) -> list[Token]:
    """"Persistent ALT > 3 × ULN", "persistent neutropenia (ANC < 1000/mm3)": a value beyond the
    limit over time, which the latest value alone does not say; the word is left unread (before
    a condition with no limit it says the condition is current)."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        if t.type == "QUAL" and text[t.start_pos:t.end_pos].lower() in PERSISTENT:
            sentence = next((j for j in range(k + 1, len(tokens)) if tokens[j].type in ("PERIOD", "SEMI")),
                            len(tokens))
            if any(x.type in _BOUNDS for x in tokens[k + 1:sentence]):
                t = retyped(t, "WORD", text[t.start_pos:t.end_pos])
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


def level_words(tokens: list[Token]) -> list[Token]:
    """"Elevated ALT > 2 × ULN" is ALT > 2 × ULN; "abnormal TSH" is TSH not within its normal
    limits (what "normal" reads as, negated); "above (institutional) normal" is above the upper
    limit of normal, "below normal" under the lower."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        if t.type == "NEGATIVE" and out and out[-1].type in _NORMAL_BOUND \
                and t.value.lower().startswith("normal"):
            out.append(retyped(t, _NORMAL_BOUND[out[-1].type]))
            continue
        word = t.value.lower() if t.type == "WORD" else ""
        after = [x.type for x in tokens[k + 1:k + 4]]
        if after[:1] == ["MEASURE"] and after[1:2] in (["GT"], ["GE"]) and (
                word in _RAISED or word in _RISE and "ULN" in after[2:] + [x.type for x in tokens[k + 4:k + 5]]):
            continue
        if word == "abnormal" and after[:1] == ["MEASURE"]:
            # one value only: "abnormal prolactin and TSH" may be either or both of them
            if len(after) == 1 or after[1] not in _NOT_AFTER_ABNORMAL:
                out.append(retyped(t, "NEG"))
                out.append(retyped(t, "NEGATIVE", "normal"))
                continue
        out.append(t)
    return out


def history_amounts(tokens: list[Token]) -> list[Token]:
    """"Smoking history of ≥ 10 pack-years": an amount of the condition's measure says the history
    too, so the condition is dropped. A qualifier before the condition ("current smoker with a
    smoking history of > 10 pack-years") or no "history" ("smokers with > 20 pack-years", who may
    be current smokers only) keeps it, as "condition and amount": a former smoker is not one."""
    measured_as = load_lexicon().measured_as
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        history = k + 1 < len(tokens) and tokens[k + 1].type == "QUAL" and tokens[k + 1].value == "history"
        rest = tokens[k + 1 + history:k + 4 + history]
        if t.type == "COND" and t.value in measured_as and len(rest) == 3 and rest[0].type in COMPARATORS \
                and rest[1].type == "NUMBER" and rest[2].type == "MEASURE" and rest[2].value == measured_as[t.value]:
            if history and not (out and out[-1].type == "QUAL"):
                k += 2
                continue
            out += [t, retyped(tokens[k + 1], "AND", "and") if history else token("AND", "and", t.end_pos, t.end_pos)]
            k += 1 + history
            continue
        out.append(t)
        k += 1
    return out


# What may stand between a measure's name and words that say how it was measured: its thresholds.
_THRESHOLD_TOKENS = frozenset({"GT", "GE", "LT", "LE", "EQ", "NUMBER", "UNIT", "TIMEUNIT", "TO", "DASH", "BETWEEN",
                               "AND", "OR"})


def measured_while(tokens: list[Token]) -> list[Token]:
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
            out.append(retyped(t, "MEASURE", narrowed[i]) if i in narrowed else t)
            continue
        k = len(out) - 1
        while k >= 0 and out[k].type in _THRESHOLD_TOKENS:
            k -= 1
        if k >= 0 and narrows(t, out[k]):
            out[k] = retyped(out[k], "MEASURE", t.value)
            continue
        j = i + 1
        while j < len(tokens) and tokens[j].type in _THRESHOLD_TOKENS:
            j += 1
        if j < len(tokens) and narrows(t, tokens[j]):
            narrowed[j] = t.value
            continue
        out.append(retyped(t, "WORD"))
    return out


def scale_of_the_value(tokens: list[Token], text: str) -> list[Token]:
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
        if end < len(out) and (out[end].type == "MEASURE" and _same_span(vocab.lookup(out[end].value), concept)
                               or out[end].type == "WORD" and out[end].value.lower() == "scale"):
            end += 1  # "on a 0-10 NRS", "on a 0-10 scale", "average pain ≥ 4 on an 11-point NRS"
        elif not opened:
            continue  # a bare span is read only in a parenthesis: "(0-10)"
        if opened:
            if not (end < len(out) and out[end].type == "RPAR"):
                continue
            end += 1
        del out[k + 3:end]
        break
    return out


def _same_span(scale: Concept | None, value: Concept) -> bool:
    """The scale named after a value's own span is the one it was rated on (an average of daily
    ratings is on the rating's scale) when it spans the same, unitless."""
    return scale is not None and scale.unit is None and scale.plausible == value.plausible


_FLIPPED = {"LT": "GT", "LE": "GE", "GT": "LT", "GE": "LE", "EQ": "EQ"}


def snellen_fractions(tokens: list[Token], text: str) -> list[Token]:
    """"BCVA of less than 20/40", "BCVA between 20/400 and 20/40": a Snellen fraction is a logMAR
    value exactly (log10 of denominator over numerator), and a smaller fraction a larger logMAR, so
    the comparators turn round; a range is written from the lower logMAR up."""
    acuity = next((k for k, t in enumerate(tokens) if t.type == "MEASURE" and t.value in load_lexicon().snellen), None)
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
            out.append(token("NUMBER", f"{logmar:g}", t.start_pos, below[0].end_pos))
            k += 3
            continue
        out.append(retyped(t, _FLIPPED[t.type]) if t.type in _FLIPPED else t)
        k += 1
    if not fractions:
        return tokens
    out[acuity] = retyped(out[acuity], "MEASURE", "logmar_visual_acuity")
    ranged = not any(t.type in COMPARATORS for t in out[acuity:])  # "between 20/400 and 20/40"
    if ranged and len(fractions) == 2 and float(out[fractions[0]].value) > float(out[fractions[1]].value):
        low, high = fractions
        out[low], out[high] = out[high], out[low]
    return out + tokens[k:]


def test_before(tokens: list[Token]) -> list[Token]:
    """"A negative pregnancy test prior to randomization", "… on enrollment": a test done before
    the anchor, as one at it; the same test again at a second time ("at screening and prior to the
    first dose", "and on Day 1", "prior to dosing on Day 1") or at either of two ("at screening or
    Day 1") asks nothing more of a status the profile records as it is now; and "18 years of age or
    older, inclusive": nothing more than "or older"."""
    out: list[Token] = []
    skip = 0
    for k, t in enumerate(tokens):
        if skip:
            skip -= 1
            continue
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if t.type in ("AND", "OR") and len(out) > 1 and out[-1].type == "AT_ANCHOR" \
                and out[-2].type == "PREGNANCY_TEST" and nxt is not None:
            after = [u.type for u in tokens[k + 1:k + 4]]
            ends = [u.type for u in tokens[k + 2:k + 3]] in ([], ["SEMI"], ["COMMA"], ["PERIOD"])
            if after[:1] == ["AT_ANCHOR"] and after[1:2] != ["ANCHOR"] or after[:1] == ["ANCHOR"] and ends:
                skip = 1
                continue
            said = 3 if after[2:3] == ["AT_ANCHOR"] else 2  # "… prior to dosing on Day 1"
            if after[:2] == ["BEFORE", "ANCHOR"] and (k + said + 1 == len(tokens)
                                                     or tokens[k + said + 1].type in ("SEMI", "COMMA", "PERIOD")):
                skip = said
                continue
        if t.type == "BEFORE" and out and out[-1].type == "PREGNANCY_TEST" and nxt is not None and nxt.type == "ANCHOR":
            out.append(token("AT_ANCHOR", t.value, t.start_pos, nxt.end_pos))
            continue
        if t.type == "ANCHOR" and out and out[-1].type == "PREGNANCY_TEST":
            out.append(retyped(t, "AT_ANCHOR", t.value))  # "on enrollment" (its "on" a filler word)
            continue
        if t.type == "ANCHOR" and out and out[-1].type == "AT_ANCHOR" and out[-1].start_pos == tokens[k - 1].start_pos \
                and tokens[k - 1].type == "BEFORE":
            continue
        if t.type == "INCLUSIVE" and out and out[-1].type == "GE" and len(out) > 1 and out[-2].type == "YEARS_OLD":
            continue
        out.append(t)
    return out


def within_range(tokens: list[Token]) -> list[Token]:
    """"Body weight within 50 to 100 kg": a measure within a range is between its ends, not a time."""
    return [retyped(t, "BETWEEN") if t.type == "WITHIN" and 0 < k < len(tokens) - 3
            and tokens[k - 1].type == "MEASURE" and tokens[k + 1].type == "NUMBER"
            and tokens[k + 2].type in ("TO", "DASH") and tokens[k + 3].type == "NUMBER" else t
            for k, t in enumerate(tokens)]


def shared_comparators(tokens: list[Token]) -> list[Token]:
    """"At least 6 swollen joints and 6 tender joints": the comparator written once before the
    first count is each count's."""
    out = list(tokens)
    for k in range(len(out) - 5):
        kinds = [x.type for x in out[k:k + 6]]
        if kinds[0] in COMPARATORS and kinds[1:3] == ["NUMBER", "MEASURE"] and kinds[3] in ("AND", "OR", "COMMA") \
                and kinds[4:6] == ["NUMBER", "MEASURE"] and (k + 6 == len(out) or out[k + 6].type not in COMPARATORS):
            out.insert(k + 4, token(out[k].type, out[k].value, out[k + 4].start_pos, out[k + 4].start_pos))
    return out


_LIST_JOINS = frozenset({"AND", "OR", "ANDOR", "COMMA"})


def names_after_a_way_of_measuring(tokens: list[Token]) -> list[Token]:
    """"Post-bronchodilator FEV1 and FVC ≥ 50%": the names listed right after a measurement
    taken one way may be taken that way too, which their plain names would drop; they are left
    as words, so the clause is not read."""
    vocab = load_vocabulary()
    out = list(tokens)
    for k, t in enumerate(tokens):
        found = vocab.lookup(t.value) if t.type == "MEASURE" else None
        if found is None or not found.way_of_measuring:
            continue
        j = k + 1
        while j + 1 < len(out) and out[j].type in _LIST_JOINS and out[j + 1].type == "MEASURE":
            listed = vocab.lookup(out[j + 1].value)
            if listed is not None and listed.way_of_measuring:
                break
            out[j + 1] = retyped(out[j + 1], "WORD")
            j += 2
    return out


# What a value may be written with, up to where a caveat about how it was measured goes
_CAVEATED_VALUE = frozenset({"GT", "GE", "LT", "LE", "EQ", "NUMBER", "UNIT", "TIMEUNIT", "YEARS_OLD", "TIMES", "ULN",
                             "LLN", "TO", "DASH", "BETWEEN", "INCLUSIVE", "FOR_SEX"})
_CAVEATED_VALUE_GOES_ON = frozenset({"GT", "GE", "LT", "LE", "EQ", "NUMBER", "FOR_SEX"})


def _aside(tokens: list[Token], k: int) -> int:
    """How many tokens from ``k`` say how or when a value was taken: "(single ECG)", "at screening"."""
    if [t.type for t in tokens[k:k + 3]] == ["LPAR", "CAVEAT", "RPAR"]:
        return 3
    return 1 if k < len(tokens) and tokens[k].type == "AT_ANCHOR" else 0


def _only_of(words: str) -> bool:
    return words.strip().lower() in ("", "of")


def caveats_after_the_value(tokens: list[Token], text: str) -> list[Token]:
    """"QTcF (single ECG) > 450 ms", "HbA1c at screening ≥ 7%": how or when a value must have been
    taken, said between the measure's name and its value, is read after the value, as it is when
    written there; a bracket after a caveat naming a narrower measure ("corrected QT interval
    (single ECG) using Fridericia's formula (QTcF) > 450 ms") says which, as it would right after
    the name. Other words between the name and the value ("corrected QT interval (single ECG)
    using Fridericia's formula > 450 ms") may say which too, so the clause is left as it is."""
    vocab = load_vocabulary()
    out = list(tokens)
    k = 0
    while k + 2 < len(out):
        size = _aside(out, k + 1) if out[k].type == "MEASURE" else 0
        if not size or not _only_of(text[out[k].end_pos:out[k + 1].start_pos]):
            k += 1
            continue
        measure, aside, j = out[k], out[k + 1:k + 1 + size], k + 1 + size
        if [t.type for t in out[j:j + 3]] == ["LPAR", "MEASURE", "RPAR"] and vocab.is_a(out[j + 1].value, measure.value):
            measure = retyped(measure, "MEASURE", out[j + 1].value)
            j += 3
        elif j < len(out) and not _only_of(text[out[j - 1].end_pos:out[j].start_pos]):
            k += 1
            continue
        if j >= len(out) or out[j].type not in COMPARATORS and out[j].type != "BETWEEN":
            k += 1
            continue
        end = j
        while end < len(out) and (out[end].type in _CAVEATED_VALUE or out[end].type in ("AND", "OR", "COMMA")
                                  and end + 1 < len(out) and out[end + 1].type in _CAVEATED_VALUE_GOES_ON):
            end += 1
        out[k:end] = [measure, *out[j:end], *aside]
        k = end
    return out


def values_at_an_anchor(tokens: list[Token]) -> list[Token]:
    """"Baseline HbA1c ≥ 7%", "Screening eGFR ≥ 30": a time named before the measure that opens a
    clause is when its value is taken, as "at screening" would say."""
    out = list(tokens)
    for k in range(len(out) - 2):
        if out[k].type == "ANCHOR" and out[k + 1].type == "MEASURE" and (k == 0 or out[k - 1].type in ("PERIOD", "SEMI")) \
                and out[k + 2].type in COMPARATORS | {"BETWEEN", "NUMBER"}:
            out[k] = retyped(out[k], "AT_ANCHOR")
    return out


def units_per_body_surface(tokens: list[Token]) -> list[Token]:
    """"360 mg/m2 body surface area", "BMI ≥ 35 kg/m2 body surface area": the words after a unit
    per square metre name what the square metre is, and are part of the unit, not a measure."""
    out: list[Token] = []
    for t in tokens:
        if t.type == "MEASURE" and t.value == "body_surface_area" and out and out[-1].type == "UNIT" \
                and re.search(r"/m(?:2|²|\^2)$", out[-1].value):
            out[-1] = token("UNIT", out[-1].value, out[-1].start_pos, t.end_pos)
            continue
        out.append(t)
    return out


_MEASURE_LIST_JOINS = frozenset({"OR", "AND", "ANDOR", "COMMA"})


def measure_wordings(tokens: list[Token]) -> list[Token]:
    """Values written in an order or a form the grammar does not read as it stands: a limit
    before the values it holds for, one value of an ordinal score, a class with its score."""
    return classes_with_scores(lone_score_values(values_named_after(limits_said_before_the_name(
        symptoms_of_a_class(tokens)))))


_SYMPTOMS = frozenset({"symptoms", "symptom"})


def symptoms_of_a_class(tokens: list[Token]) -> list[Token]:
    """"NYHA class II to IV symptoms": the classes of a scale that rates a condition (vocabulary
    ``rates``) are classes of its symptoms, so the word after them adds nothing."""
    vocab = load_vocabulary()
    out: list[Token] = []
    for t in tokens:
        if t.type == "WORD" and t.value.lower() in _SYMPTOMS and out and out[-1].type == "CATVAL":
            k = len(out) - 1
            while k > 0 and out[k].type in ("CATVAL", "DASH", "TO", *_MEASURE_LIST_JOINS):
                k -= 1
            scale = vocab.lookup(out[k].value) if out[k].type == "CATEGORICAL" else None
            if scale is not None and scale.rates:
                continue
        out.append(t)
    return out


_CLASS_WITH_SCORE = re.compile(r"^([A-Z])(\d{1,2})$")


_CLASS_LIST_SEPS = frozenset({"OR", "COMMA", "AND", "ANDOR", "DASH", "TO", "_CAT_END"})


def classes_with_scores(tokens: list[Token]) -> list[Token]:
    """"Child-Pugh class A or B7", "Child-Pugh A5-A6", "Child-Pugh score ≤ B7": a class written
    with its score (lexicon CLASS_SCORES) is that score; scores that fill a class's band are the
    class. Read as the classes, or the scores as a range of the score's measure, or both joined
    by "or"; scores with a gap between them, or outside their letter's band, stay words."""
    scales = load_lexicon().class_scores
    for k, t in enumerate(tokens):
        scale = next((c for c, (score, _) in scales.items() if t.value in (c, score)), None)
        if scale is None or t.type not in ("CATEGORICAL", "MEASURE"):
            continue
        score, bands = scales[scale]
        j = k + 1
        op = tokens[j] if j < len(tokens) and tokens[j].type in ("LE", "LT") else None
        j += op is not None
        letters: list[str] = []
        points: set[int] = set()
        ranged = False  # the last separator opened a range of scores
        said_scores = False
        while j < len(tokens):
            x = tokens[j]
            found = _CLASS_WITH_SCORE.match(x.value) if x.type == "WORD" else None
            if x.type == "CATVAL" and x.value in bands:
                letters.append(x.value)
            elif found and found[1] in bands and bands[found[1]][0] <= int(found[2]) <= bands[found[1]][1]:
                n = int(found[2])
                if ranged or points and tokens[j - 1].type == "WORD":  # "A5-A6" (the dash was dropped)
                    points.update(range(min(points) + 1, n))
                points.add(n)
                said_scores = True
            elif x.type not in _CLASS_LIST_SEPS:
                break
            ranged = x.type in ("DASH", "TO")
            j += 1
        if not said_scores or op is not None and (letters or len(points) != 1):
            continue
        if op is not None:
            # "≤ B7": up to that score
            limit = max(points) if op.type == "LE" else max(points) - 1
            points = set(range(min(lo for lo, _ in bands.values()), limit + 1))
        for letter, (lo, hi) in bands.items():
            if set(range(lo, hi + 1)) <= points:
                letters.append(letter)
                points -= set(range(lo, hi + 1))
        if points and sorted(points) != list(range(min(points), max(points) + 1)):
            continue
        start, end = t.start_pos, tokens[j - 1].end_pos
        read: list[Token] = []
        if letters:
            read.append(token("CATEGORICAL", scale, start, start))
            for n, letter in enumerate(sorted(set(letters))):
                read.extend([token("OR", "or", start, start)] * bool(n) + [token("CATVAL", letter, start, end)])
            read.append(token("_CAT_END", "", end, end))
        if points:
            read.extend([token("OR", "or", end, end)] * bool(letters) + [
                token("MEASURE", score, start, end), token("NUMBER", str(min(points)), start, end),
                token("DASH", "-", end, end), token("NUMBER", str(max(points)), start, end)])
        return tokens[:k] + read + tokens[j:]
    return tokens


# What may follow one value of a score for it to be the only one ("ECOG 0 and 1" is a range)
_AFTER_LONE_VALUE = frozenset({"PERIOD", "SEMI", "RPAR", "AT_ANCHOR", "COND", "WITHIN"})


def lone_score_values(tokens: list[Token]) -> list[Token]:
    """"ECOG performance status 0", "ALBI grade 1": one value of an ordinal score, named right
    after it, is that value (a marker, _CAT_END, ends it for the grammar)."""
    vocab = load_vocabulary()
    out: list[Token] = []
    for k, t in enumerate(tokens):
        out.append(t)
        if t.type != "NUMBER" or k == 0 or tokens[k - 1].type != "MEASURE":
            continue
        concept = vocab.lookup(tokens[k - 1].value)
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if concept is None or concept.value_type != "ordinal" or not (
                nxt is None or nxt.type in _AFTER_LONE_VALUE
                or nxt.type == "COMMA" and (k + 2 == len(tokens) or tokens[k + 2].type not in ("NUMBER", "OR"))):
            continue
        out.append(token("_CAT_END", "", t.end_pos, t.end_pos))
    return out


def values_named_after(tokens: list[Token]) -> list[Token]:
    """"Levels greater than 2.5 × ULN of ALT or AST": a limit written before the values it holds
    for, when they end the clause, is read as written after them ("ALT or AST > 2.5 × ULN"); a
    limit before one value alone the grammar reads as it is."""
    out = list(tokens)
    for k, t in enumerate(out):
        if t.type not in _BOUNDS or k + 2 >= len(out) or out[k + 1].type != "NUMBER" \
                or k > 0 and out[k - 1].type not in ("PERIOD", "SEMI", "COLON", "WORD"):
            continue
        end = _limit_ends(out, k)
        value_end = end
        end += end < len(out) and out[end].type == "AT_ANCHOR"
        j = end
        measures = 0
        while j < len(out) and out[j].type == "MEASURE":
            measures += 1
            if j + 2 < len(out) and out[j + 1].type in _MEASURE_LIST_JOINS and out[j + 2].type == "MEASURE":
                j += 2
            elif j + 3 < len(out) and out[j + 1].type == "COMMA" and out[j + 2].type in ("OR", "AND") \
                    and out[j + 3].type == "MEASURE":
                j += 3
            else:
                j += 1
                break
        if measures < 2 or j < len(out) and out[j].type not in ("PERIOD", "SEMI"):
            continue
        return out[:k] + out[end:j] + out[k:value_end] + out[value_end:end] + out[j:]
    return out


# What may follow a measure whose value was written before its name: the clause or item ends
_AFTER_A_NAMED_MEASURE = frozenset({"PERIOD", "SEMI", "COMMA", "AND", "OR", "ANDOR", "RPAR", "AT_ANCHOR"})


def limits_said_before_the_name(tokens: list[Token]) -> list[Token]:
    """"A score of 20 or more on the HAM-D", "6 or more swollen joints", "a score of 10 to 20 on the
    MADRS": a number with its comparator after it ("or more"), or a range, then the score it is a
    value of, is that score's limit. Only a score (no unit) ending its clause or item: "2 or more
    HbA1c values" counts values, and "28 to 32 weeks of gestation" may mean up to 32 weeks and 6 days."""
    vocab = load_vocabulary()
    out = list(tokens)
    k = 0
    while k + 2 < len(out):
        if out[k].type != "NUMBER":
            k += 1
            continue
        if out[k + 1].type in _BOUNDS and out[k + 1].value.lower().startswith("or "):
            size = 2  # "20 or more"
        elif k + 3 < len(out) and out[k + 1].type in ("TO", "DASH") and out[k + 2].type == "NUMBER":
            size = 3  # "28 to 32"
        else:
            k += 1
            continue
        named = out[k + size]
        concept = vocab.lookup(named.value) if named.type == "MEASURE" else None
        ends = k + size + 1 >= len(out) or out[k + size + 1].type in _AFTER_A_NAMED_MEASURE
        spans_the_scale = size == 3 and concept is not None and concept.plausible is not None \
            and (float(out[k].value), float(out[k + 2].value)) == tuple(concept.plausible)  # "on a 0-10 NRS"
        if concept is None or concept.unit is not None or not ends or spans_the_scale \
                or k and out[k - 1].type in COMPARATORS | {"MEASURE", "UNIT", "NUMBER"}:
            k += 1
            continue
        out[k:k + size + 1] = [named, *out[k:k + size]]
        k += size + 1
    return out


def values_at_a_moment(tokens: list[Token], text: str) -> list[Token]:
    """"Apgar score < 7 at 5 minutes": a value said "at" a moment after it is the measure of that
    moment, when the vocabulary names one ("Apgar score at 5 minutes"); else the words stay."""
    vocab = load_vocabulary()
    out = list(tokens)
    for k, t in enumerate(out):
        concept = vocab.lookup(t.value) if t.type == "MEASURE" else None
        if concept is None:
            continue
        j = k + 1
        while j + 1 < len(out) and out[j].type in _THRESHOLD_TOKENS and not _said_at(out, j, text):
            j += 1
        if j == k + 1 or j + 1 >= len(out) or not _said_at(out, j, text):
            continue
        moment = vocab.lookup(f"{concept.name} at {words_of(out[j], text)} {words_of(out[j + 1], text)}")
        if moment is None:
            continue
        out[k] = retyped(t, "MEASURE", moment.id)
        del out[j:j + 2]
    return out


def _said_at(tokens: list[Token], j: int, text: str) -> bool:
    """Whether "at" and a number with its unit ("at 5 minutes", "at 1 minute") start at ``j``."""
    return tokens[j].type == "NUMBER" and tokens[j + 1].type in ("UNIT", "TIMEUNIT", "WORD") \
        and text[tokens[j - 1].end_pos:tokens[j].start_pos].strip().lower() == "at"
