"""Token passes for treatment history: courses, washouts, half-lives, regimens, naive and
progressed-on, planned and concurrent treatment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lark import Token

from ..vocabulary import Vocabulary, load_vocabulary
from .lexicon import COMPARATORS, LIST_JOINS, PEOPLE, TREATMENTS, load_lexicon, retyped, skip_over, token
from .periods import NAMED, NAME_SEPS, WINDOW_WORDS


_OR_IN_BRACKETS = re.compile(r"(?i)\s*or\s*")


def _whichever(said: Token) -> str:
    return "longer" if any(w in said.value.lower() for w in ("longer", "greater", "longest")) else "shorter"


def half_lives(tokens: list[Token], text: str) -> list[Token]:
    """"30 days or 5 half-lives (of the drug), whichever is longer" (either order), "28 days (or 5
    half-lives)" become the time followed by one HALF_LIVES token whose value is "5 longer";
    without "whichever" it is "5 unsaid", for which of the two counts is not said."""
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
        if k >= 4 and [t.type for t in out[k - 4:k - 1]] == ["NUMBER", "TIMEUNIT", "LPAR"] \
                and _OR_IN_BRACKETS.fullmatch(text, out[k - 2].end_pos, out[k - 1].start_pos):
            # "28 days (or 5 half-lives, whichever is longer)": the brackets close on the half-lives
            j = end + 1 if end < len(out) and out[end].type == "COMMA" else end
            which = _whichever(out[j]) if j < len(out) and out[j].type == "WHICHEVER" else "unsaid"
            close = j + 1 if which != "unsaid" else end
            if close < len(out) and out[close].type == "RPAR":
                marker = token("HALF_LIVES", f"{out[k - 1].value} {which}", out[k - 4].start_pos, out[close].end_pos)
                out[k - 4:close + 1] = [*out[k - 4:k - 2], marker]
            k += 1
            continue
        if out[k - 2].type == "OR" and k >= 4 and out[k - 3].type == "TIMEUNIT" \
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
        if j < len(out) and out[j].type == "WHICHEVER":
            stop = j + 1 if j + 1 < len(out) and out[j + 1].type in ("COMMA", "RPAR") else j
            which = _whichever(out[j])
        else:
            stop, which = end - 1, "unsaid"
        marker = token("HALF_LIVES", f"{lives.value} {which}", out[start].start_pos, out[stop].end_pos)
        out[start:stop + 1] = [*time, marker, *anchor]
        k = start + 3 + len(anchor)
    return out


_NAIVE = frozenset({"naive", "naïve"})


_NAIVE_TO = re.compile(r"(?i)\s*(?:to|of)\s+(?:(?:any|all|the|prior)\s+)*")


_NAIVE_END = re.compile(r"(?i)na[iï]ve$")


def naive_to(tokens: list[Token], text: str) -> list[Token]:
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
        if before is not None and before.type == "MED" and (k < 2 or out[k - 2].type not in LIST_JOINS) \
                and text[before.end_pos:t.start_pos].strip() in ("", "-"):
            drug = k - 1  # "insulin naive"
        elif after is not None and after.type == "MED" and (k + 2 >= len(out) or out[k + 2].type not in LIST_JOINS) \
                and _NAIVE_TO.fullmatch(text[t.end_pos:after.start_pos]):
            drug = k + 1  # "naive to insulin"
        else:
            continue
        start, end = min(t.start_pos, out[drug].start_pos), max(t.end_pos, out[drug].end_pos)
        never = token("NEG", "never", start, start)
        return [*out[:min(k, drug)], never, token("MED", out[drug].value, start, end), *out[max(k, drug) + 1:]]
    return out


def exposures(tokens: list[Token]) -> list[Token]:
    """"Prior exposure to anti-PD-1 therapy", "exposed to rituximab": a drug or vaccine had, and
    the words say no more. "Exposure to tuberculosis", "to COVID-19 within 14 days": contact with
    an infection, which is not having it — after anything but a drug the words stay unread."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        if t.type != "EXPOSED_TO":
            out.append(t)
            continue
        named = next((x for x in tokens[k + 1:] if x.type not in ("QUAL", "OTHER")), None)
        if named is None or named.type not in _EXPOSED_TO_WHAT:
            out.append(retyped(t, "WORD"))
    return out


# What one is exposed to by having had it ("any of the following drugs: …" names them after)
_EXPOSED_TO_WHAT = frozenset({"MED", "VACC", "ANY_OF"})


_PROGRESSED = frozenset({"progressed", "progression", "progressing", "relapsed", "relapse"})


_PROGRESSION_KIND = frozenset({"radiographic", "radiological", "radiologic", "clinical", "objective", "documented"})


_ON_OR_AFTER = re.compile(r"(?i)\s*(?:(?:on|during|after|following|while\s+on)(?:\s+or\s+(?:after|following))?"
                          # "(during or) within 6 months of (completing)": a time after the treatment
                          r"|(?:(?:on|during)\s+or\s+)?within\s+\d+\s+(?:days|weeks|months)\s+(?:of|after|following)"
                          r"(?:\s+(?:completing|completion\s+of|the\s+(?:last|final)\s+dose\s+of))?)\s+"
                          r"(?:(?:treatment|therapy)\s+with\s+)?"
                          r"(?:(?:at\s+least\s+(?:one|1)|(?:≥|>=)\s*1|one|a|an|the|any|prior|previous)\s+)*"
                          # "on at least one prior line of chemotherapy": having had it, as one course is
                          r"(?:(?:line|regimen|course)\s+of\s+)?")


# (what may stand between: the words themselves are checked against _ON_OR_AFTER)
_ON_OR_AFTER_TOKENS = frozenset({"OR", "AFTER", "QUAL", "WITHIN", "NUMBER", "TIMEUNIT", "OF", "ABLE", "WORD"})


def progressed_on(tokens: list[Token], text: str) -> list[Token]:
    """"Progressed on or after prior platinum-based chemotherapy", "radiographic progression on or
    after androgen deprivation therapy", "progression within 6 months of completing platinum-based
    chemotherapy": the treatment was had (which the medications tell), and
    the progression on it is kept in the criterion's words (a course's outcome says whether it
    failed, not whether the disease progressed after it)."""
    for k, t in enumerate(tokens):
        if not (t.type == "WORD" and t.value.lower() in _PROGRESSED):
            continue
        drug = next((j for j in range(k + 1, len(tokens)) if tokens[j].type not in _ON_OR_AFTER_TOKENS), None)
        if drug is None or tokens[drug].type != "MED" \
                or not _ON_OR_AFTER.fullmatch(text[t.end_pos:tokens[drug].start_pos]) \
                or any(x.type == "QUAL" and x.value != "history" for x in tokens[k + 1:drug]) \
                or drug + 1 < len(tokens) and tokens[drug + 1].type not in ("PERIOD", "SEMI"):
            continue
        first = k
        while first and tokens[first - 1].type == "WORD" and tokens[first - 1].value.lower() in _PROGRESSION_KIND:
            first -= 1
        med = tokens[drug]
        prior = token("QUAL", "history", med.start_pos, med.start_pos)
        # (the words run on to the clause's end: "… anti-PD-1 therapy")
        end = tokens[drug + 1].start_pos if drug + 1 < len(tokens) else len(text.rstrip(" .;"))
        said = token("CAVEAT", "progressed on", tokens[first].start_pos, end)
        return [*tokens[:first], prior, med, said, *tokens[drug + 1:]]
    return tokens


_REGIMENS = re.compile(r"(?i)\bregimens?$")


def no_response(tokens: list[Token]) -> list[Token]:
    """"Never responded to rituximab", "did not have a response to X": no response to a course of it
    ("refractory"), not "no course that responded", which a patient never given the drug meets."""
    out: list[Token] = []
    for t in tokens:
        if t.type == "QUAL" and t.value == "responded" and out and out[-1].type == "NEG":
            t = token("QUAL", "refractory", out.pop().start_pos, t.end_pos)
        out.append(t)
    return out


# "for advanced disease", "(therapy) for locally advanced or metastatic disease": after a cancer
# treatment, the disease is the cancer it was given for
_FOR_ADVANCED = re.compile(r"(?i)\s*(?:(?:therapy|therapies|treatment|treatments|agents?|regimens?)\s+)?"
                           r"(?P<for>for)\s+(?:locally\s+)?advanced(?:\s*(?:/|or|and/or)\s*metastatic)?\s+disease\b")


_THERAPY_WORDS = frozenset({"therapy", "therapies", "treatment", "treatments"})


_FOR = re.compile(r"(?i)\s+(?P<for>for)\s+$")


def _systemic_therapy_for_cancer(tokens: list[Token], text: str) -> list[Token]:
    """"Prior systemic therapy for metastatic NSCLC", "… for advanced disease": systemic therapy
    given for a cancer is systemic anticancer therapy (MED, and LINK before the cancer). Not for
    any other disease ("systemic therapy for psoriasis"), and not without one named."""
    vocab = load_vocabulary()
    for k, t in enumerate(tokens):
        if not (t.type == "WORD" and t.value.lower() in _THERAPY_WORDS and k and tokens[k - 1].type == "QUAL"
                and tokens[k - 1].value == "systemic"):
            continue
        named = skip_over(tokens, k + 1, ("QUAL",))
        if _FOR_ADVANCED.match(text, t.start_pos):
            return [*tokens[:k], retyped(t, "MED", "anticancer_therapy"), *tokens[k + 1:]]
        said = _FOR.search(text, t.end_pos, tokens[k + 1].start_pos) if k + 1 < len(tokens) else None
        if named < len(tokens) and tokens[named].type == "COND" and vocab.is_a(tokens[named].value, "malignancy") \
                and said is not None:
            link = token("LINK", "for", said.start("for"), said.end("for"))
            return [*tokens[:k], retyped(t, "MED", "anticancer_therapy"), link, *tokens[k + 1:]]
    return tokens


def advanced_disease_treated(tokens: list[Token], text: str) -> list[Token]:
    """"Prior chemotherapy for advanced disease", "more than 2 prior lines of systemic therapy for
    advanced/metastatic disease": a cancer treatment (or a line of treatment) given for advanced
    cancer, as "for advanced cancer" (LINK and the condition). Only after a treatment that is
    against cancer: "advanced disease" alone may be of any disease."""
    vocab = load_vocabulary()
    tokens = _systemic_therapy_for_cancer(tokens, text)
    for k, t in enumerate(tokens):
        counted = k and any(x.type == "LINES" for x in tokens[max(0, k - 3):k])
        if t.type != "MED" or not (counted or vocab.is_a(t.value, "anticancer_therapy")):
            continue
        said = _FOR_ADVANCED.match(text, t.end_pos)
        if said is None:
            continue
        end = next((j for j in range(k + 1, len(tokens)) if tokens[j].start_pos >= said.end()), len(tokens))
        if any(x.end_pos > said.end() for x in tokens[k + 1:end]):
            continue  # (a name running past the words)
        link = token("LINK", "for", said.start("for"), said.end("for"))
        return [*tokens[:k + 1], link, token("COND", "advanced_cancer", said.end("for") + 1, said.end()),
                *tokens[end:]]
    return tokens


def counted_regimens(tokens: list[Token], text: str) -> list[Token]:
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
        lines = token("LINES", "regimen of", t.start_pos, t.start_pos)
        named = t if drug else retyped(t, "MED", load_lexicon().lines_of_any)
        return [*tokens[:k], lines, named, *tokens[k + 1:]]
    return tokens


def lines_but_no_more(tokens: list[Token]) -> list[Token]:
    """"At least one line of chemotherapy, but not more than two lines", "at least 1 but no more
    than 3 prior lines of chemotherapy", "at least one prior line of systemic therapy but no more
    than 3 prior lines": both bounds of one count, each said of the lines named once (the upper
    one written out again as "no more than 3 lines of …")."""
    for k, t in enumerate(tokens):
        upper = k + 1 if t.type == "HOWEVER" and t.value == "but" else k + 2 if t.type == "EXCEPT" \
            and t.value == "but not" and k + 1 < len(tokens) and tokens[k + 1].type == "GT" else None
        if upper is None or upper + 1 >= len(tokens) or tokens[upper - 1].type not in ("LE", "GT") \
                and tokens[upper].type != "LE":
            continue
        cmp = upper if tokens[upper].type == "LE" else upper - 1
        if t.type == "HOWEVER" and cmp != upper:
            continue
        number = cmp + 1
        lines = skip_over(tokens, number + 1, ("QUAL",))
        if number >= len(tokens) or tokens[number].type != "NUMBER" or lines >= len(tokens) \
                or tokens[lines].type != "LINES":
            continue
        named = skip_over(tokens, lines + 1, ("QUAL",))
        after = [tokens[named]] if named < len(tokens) and tokens[named].type == "MED" else []
        end = named + len(after) if after else lines + 1
        if end < len(tokens) and tokens[end].type not in ("PERIOD", "SEMI", "COMMA"):
            continue
        before = k - 1 if k and tokens[k - 1].type == "COMMA" else k
        start = before - 2  # the lines the lower count is of, if they are named before
        while start >= 0 and tokens[start].type == "QUAL":
            start -= 1
        if before >= 2 and tokens[before - 1].type == "MED" and start >= 0 and tokens[start].type == "LINES":
            # "at least one prior line of systemic therapy but no more than 3 prior lines"
            counted = tokens[start:before]
        elif before >= 1 and tokens[before - 1].type == "MED":
            # "at least one line of chemotherapy" (read as having had it), "…, but not more than two lines"
            counted = [token("LINES", "line of", tokens[before - 1].start_pos, tokens[before - 1].start_pos),
                       tokens[before - 1]]
        elif before >= 2 and [x.type for x in tokens[before - 2:before]] == ["GE", "NUMBER"] and after:
            # "at least 1 but no more than 3 prior lines of chemotherapy"
            counted = tokens[lines:end]
            at = tokens[before - 2].start_pos
            copied = [token(x.type, x.value, at, at) for x in counted]
            joined = [*tokens[before - 2:before], *copied, token("AND", "and", t.start_pos, t.end_pos),
                      token("LE", tokens[cmp].value, tokens[cmp].start_pos, tokens[cmp].end_pos), *tokens[number:end]]
            return [*tokens[:before - 2], *joined, *tokens[end:]]
        else:
            continue
        if after and [x.value for x in after] != [x.value for x in counted if x.type == "MED"]:
            continue  # ("… but not more than 2 lines of another treatment")
        # the upper count's own words, and what it counts said again where they stop
        at = tokens[end - 1].end_pos
        again = [] if after else [token(x.type, x.value, at, at) for x in counted if x.type != "LINES"]
        upper_count = [token("LE", "no more than", tokens[cmp].start_pos, tokens[cmp].end_pos),
                       *tokens[number:end], *again]
        return [*tokens[:before], token("AND", "and", t.start_pos, t.end_pos), *upper_count, *tokens[end:]]
    return tokens


# spaces on one line: a word at a line's end and a name on the next are not one phrase
_SPACE = re.compile(r"[ \t]*")


def stable_drugs(tokens: list[Token], text: str) -> list[Token]:
    """"Stable antiepileptic treatment", "on stable antihypertensive therapy": a drug taken at an
    unchanged dose, as "a stable dose of". Only right before a drug ("stable brain metastases" is
    another thing)."""
    return [retyped(t, "QUAL", "stable") if t.type == "WORD" and t.value.lower() == "stable"
            and k + 1 < len(tokens) and tokens[k + 1].type == "MED"
            and _SPACE.fullmatch(text[t.end_pos:tokens[k + 1].start_pos])
            else t for k, t in enumerate(tokens)]


_WASHOUT = re.compile(r"(?i)^wash-?out$")


_WASHOUT_FROM = re.compile(r"(?i)\s*(?:from|since|after|for)\s+(?:(?:the|any|all|last|a|an)\s+)*")


def washout_of(tokens: list[Token], text: str) -> list[Token]:
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
        if treated >= len(tokens) or tokens[treated].type not in TREATMENTS \
                or not _WASHOUT_FROM.fullmatch(text[tokens[at + 1].end_pos:tokens[at + 2].start_pos]):
            continue
        at_least = cmp or [token("GE", "at least", t.start_pos, t.end_pos)]
        since = token("BEFORE", "since", tokens[at + 1].end_pos, tokens[at + 2].start_pos)
        return [*tokens[:k], *at_least, *tokens[at:at + 2], since, *tokens[at + 2:]]
    return tokens


def expected_to_require(tokens: list[Token]) -> list[Token]:
    """"Expected to require systemic corticosteroids during the study", "anticipated to need …":
    the treatment planned, as "anticipated need for" it (the need is the plan's, not a condition's)."""
    return [t for k, t in enumerate(tokens) if not (
        t.type == "REQUIRING" and k > 0 and tokens[k - 1].type == "QUAL" and tokens[k - 1].value == "planned"
        and k + 1 < len(tokens) and tokens[k + 1].type in ("MED", "PROC", "QUAL", "OTHER"))]


def off_for(tokens: list[Token]) -> list[Token]:
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
            since = token("BEFORE", "since", t.start_pos, t.end_pos)
            return [*tokens[:k], cmp, number, unit, since, drug, *tokens[k + 6:]]
    return tokens


# Routes, which make a drug's kind: they reach the plan too ("systemic corticosteroids within 14
# days …, or anticipated use during the study"); how it is given ("chronic administration") may not.
_KIND_OF_TREATMENT = frozenset({"intravenous", "oral", "systemic"})


def planned_too(tokens: list[Token]) -> list[Token]:
    """"Immunoglobulins and/or blood products within 3 months before the first dose, or planned
    (administration) during the study": the same treatments, planned, written once. Only for a
    list of names that opens the clause, bare or with qualifiers of their kind (a qualifier of the
    past may not reach the plan). "At any time during the study" is during the study."""
    tokens = [x for j, x in enumerate(tokens) if not (
        x.type == "QUAL" and x.value == "history" and j + 1 < len(tokens)
        and tokens[j + 1].type == "DURING_TRIAL" and j > 0 and tokens[j - 1].type == "QUAL"
        and tokens[j - 1].value == "planned")]
    for k, t in enumerate(tokens):
        if not (t.type == "QUAL" and t.value == "planned" and k >= 3 and tokens[k - 1].type == "OR"):
            continue
        if [x.type for x in tokens[k + 1:k + 3]] not in (["DURING_TRIAL"], ["DURING_TRIAL", "PERIOD"],
                                                         ["DURING_TRIAL", "SEMI"]):
            continue  # planned when? (a plan for after the study does not count)
        before = k - 2 if tokens[k - 2].type == "COMMA" else k - 1
        window = before
        while window > 0 and tokens[window - 1].type in WINDOW_WORDS:
            window -= 1
        if window == before or tokens[window].type not in ("WITHIN", "NUMBER"):
            continue  # ("6 hours before or during the treatment period": a window too)
        first = window - 1
        while first >= 2 and tokens[first].type in NAMED and tokens[first - 1].type in NAME_SEPS \
                and tokens[first - 2].type in NAMED:
            first -= 2
        if tokens[first].type not in NAMED:
            continue
        while first > 0 and tokens[first - 1].type == "QUAL" and tokens[first - 1].value in _KIND_OF_TREATMENT:
            first -= 1
        opens = first - 1 if first > 0 and tokens[first - 1].type == "OTHER" else first  # "another clinical trial"
        if opens > 0 and tokens[opens - 1].type not in ("PERIOD", "SEMI"):
            continue
        names = [token(x.type, x.value, t.start_pos, t.end_pos) for x in tokens[first:window]]
        return [*tokens[:k + 1], *names, *tokens[k + 1:]]
    return tokens


_LOWER = frozenset({"GT", "GE"})


_UPPER = frozenset({"LT", "LE"})


def dose_ranges(tokens: list[Token]) -> list[Token]:
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
            joined = [*out[first:first + 3], retyped(out[first + 3], "DOSE_AND"), *out[first + 4:first + 7]]
            moved = [out[at]] if at is not None else []
            return [*out[:k + 1], *joined, *moved, *out[first + 7:]]
    return out


def bracketed_doses(tokens: list[Token]) -> list[Token]:
    """"metformin (≥ 1500 mg/day)": a drug's dose in brackets is its dose, as written without them
    (not a class's: "corticosteroids (> 10 mg/day)" does not say of which drug)."""
    vocab = load_vocabulary()
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        kinds = [x.type for x in tokens[k:k + 6]]
        if len(kinds) == 6 and kinds[0] == "MED" and kinds[1] == "LPAR" and kinds[2] in COMPARATORS \
                and kinds[3:] == ["NUMBER", "UNIT", "RPAR"] and vocab.get(tokens[k].value).category != "drug_class":
            out += [tokens[k], *tokens[k + 2:k + 5]]
            k += 6
        else:
            out.append(tokens[k])
            k += 1
    return out


_TREATMENT_SEPS = frozenset({"OR", "ANDOR"})


# The words that say a condition is treated with what follows ("diabetic treated with insulin",
# "asthma on inhaled corticosteroids", "diabetic patients on insulin"), left between the two once
# filler words are gone.
_TREATED_WITH = re.compile(rf"^\s*(?:{PEOPLE}\s+)?"
                           r"(?:(?:who\s+(?:is|are)\s+|that\s+is\s+)?(?:treated\s+with|on|receiving|taking))\s*$",
                           re.IGNORECASE)


_ROUTES = frozenset({"oral", "systemic", "intravenous"})


def treated_with(tokens: list[Token], text: str) -> list[Token]:
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
            out.append(token("REQUIRING", "treated with", t.end_pos, tokens[k + 1].start_pos))
    return out


_REACTIONS = frozenset({"allergic", "intolerant"})


# "… or known sensitivity to these agents": the drugs just named, said again
_THOSE_DRUGS = re.compile(r"(?i)(?:(?:any|either|each|all)\s+(?:one\s+)?of\s+)?"
                          r"(?:(?:these|those|such|the\s+above|the\s+same|either|both)\s+"
                          r"(?:agents?|drugs?|medications?|medicines?|compounds?)|them)")


def reactions_to_those(tokens: list[Token], text: str) -> list[Token]:
    """"Prior therapy with rapamycin or tacrolimus or known sensitivity to these agents": a
    reaction to the drugs listed just before it, each named again after its own reaction (QUAL),
    so that the reaction is not read of the first alone. Only a list of drugs right before the
    reaction, with the words that point back ending the clause, is said again."""
    out = list(tokens)
    k = 0
    while k < len(out):
        t = out[k]
        after = out[k + 1] if k + 1 < len(out) else None
        end = after.start_pos if after is not None else len(text)
        if t.type != "QUAL" or t.value not in _REACTIONS or after is not None and after.type not in ("PERIOD", "SEMI") \
                or not _THOSE_DRUGS.fullmatch(text[t.end_pos:end].strip(" .;\n\t")):
            k += 1
            continue
        # ("hypersensitivity to any of these drugs": "any of" is set before the reaction)
        first = k - 1 if k and out[k - 1].type == "ANY_OF" and out[k - 1].start_pos >= t.end_pos else k
        j = first - 1
        if j < 0 or out[j].type not in LIST_JOINS:
            k += 1
            continue
        drugs: list[Token] = []
        while j >= 0 and out[j].type in LIST_JOINS:
            j -= 1
            if j < 0 or out[j].type != "MED":
                break
            drugs.insert(0, out[j])
            j -= 1
        if not drugs:
            k += 1
            continue
        words = text[t.end_pos:end].strip(" .;\n\t")
        start = text.index(words, t.end_pos)
        said_again: list[Token] = []
        for n, drug in enumerate(drugs):
            if n:
                said_again.append(token("OR", "or", start, start))
            said_again += [token("QUAL", t.value, t.start_pos, t.end_pos),
                           token("MED", drug.value, start, start + len(words))]
        out[first:k + 1] = said_again
        k = first + len(said_again)
    return out


def substances_given(tokens: list[Token]) -> list[Token]:
    """"Hypersensitivity to hydroxyethyl starch or albumin", "use of finasteride, dutasteride or
    testosterone": a substance a lab measures, named among the drugs an allergy is to or as an item
    of a list of drugs, is the drug it is given as (GIVEN_AS in the lexicon)."""
    given_as = load_lexicon().given_as
    out = list(tokens)
    reacting = False  # in a list of what a reaction is to
    for k, t in enumerate(out):
        ends = k + 1 == len(out) or out[k + 1].type in ("PERIOD", "SEMI", "RPAR", *LIST_JOINS)
        # (not "allergy to heparin, albumin < 3 g/dL": a value of it is the lab's)
        if t.type == "MEASURE" and t.value in given_as and ends and (reacting or _among_drugs(out, k)):
            out[k] = t = retyped(t, "MED", given_as[t.value])
        reacting = t.type == "QUAL" and t.value in _REACTIONS or reacting and t.type in ("MED", *LIST_JOINS)
    return out


def _among_drugs(tokens: list[Token], k: int) -> bool:
    """Whether the name at ``k`` is an item of a list whose item before it is a drug."""
    j = k - 1
    while j >= 0 and tokens[j].type in LIST_JOINS:
        j -= 1
    return k - j > 1 and j >= 0 and tokens[j].type == "MED"


# "penicillin allergy", "aspirin-allergic", "NSAID hypersensitivity": the reaction named after the drug
_ALLERGY_AFTER = frozenset({"allergy", "allergies", "allergic", "hypersensitivity", "hypersensitivities"})


def drug_allergies(tokens: list[Token], text: str) -> list[Token]:
    """"Known penicillin allergy": an allergy written after the drug (a COND allergy, or the word
    "hypersensitivity", perhaps with "reaction") is an allergy to it (QUAL allergic after the drug,
    as "statin intolerance" has it); whether it is said of one drug or of a list before is the
    reader's."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        k += 1
        if not out or out[-1].type != "MED" or t.type not in ("COND", "WORD") \
                or t.type == "COND" and t.value != "allergic_disease" \
                or text[t.start_pos:t.end_pos].lower() not in _ALLERGY_AFTER:
            out.append(t)
            continue
        said = k + 1 if k < len(tokens) and tokens[k].type == "WORD" and tokens[k].value.lower() in _REACTION_WORDS \
            else k  # "a voriconazole hypersensitivity reaction"
        end = tokens[said - 1].end_pos
        if _NO_WORDS.fullmatch(text[end:tokens[said].start_pos if said < len(tokens) else len(text)]):
            # (not "voriconazole hypersensitivity test": a word after it, even one dropped, may
            # make it something else)
            out.append(token("QUAL", "allergic", t.start_pos, end))
            k = said
        else:
            out.append(t)
    return out


_REACTION_WORDS = frozenset({"reaction", "reactions"})


# after the reaction: nothing but punctuation, or the people it is said of ("aspirin-allergic patients")
_NO_WORDS = re.compile(r"(?i)[\s,.;:()/-]*"
                       rf"(?:{PEOPLE}\b[\s,.;:()/-]*)?")


# "(not) taking any medications", "currently using any prescription drugs": the verb says now
_TAKING = re.compile(r"(?i)\b(?:taking|receiving|using|on)\s+(?:any\s+)?$")


def taking_any(tokens: list[Token], text: str, vocab: Vocabulary) -> list[Token]:
    """"Not taking any medications or supplements": a drug class that holds every drug (the
    vocabulary's ``covers``), said with a verb of taking it now, is what the patient takes now
    (QUAL current); with no such word it names no time and stays unread."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        before = tokens[k - 1].end_pos if k else 0
        rest = next((j for j in range(k + 1, len(tokens)) if tokens[j].type in ("PERIOD", "SEMI")), len(tokens))
        timed = any(x.type in _TIMES for x in tokens[k + 1:rest])
        if t.type == "MED" and vocab.get(t.value).covers and not (out and out[-1].type == "QUAL") and not timed \
                and _TAKING.search(text[before:t.start_pos]):
            # (with a time, "taking any medication within 14 days" is any taken then, now or not)
            out.append(token("QUAL", "current", t.start_pos, t.start_pos))
        out.append(t)
    return out


_TIMES = frozenset({"WITHIN", "WITHIN_NEXT", "DURING_TRIAL", "BEFORE", "AFTER", "LASTING", "TIMEUNIT", "AT_ANCHOR"})


def _ends_in_or(tokens: list[Token], k: int) -> bool:
    """Whether the treatments listed from ``tokens[k]`` on with commas end in "or" before a last
    one ("antibiotics, antivirals, or antifungals"): the commas are that "or" too."""
    while k < len(tokens):
        while k < len(tokens) and tokens[k].type == "QUAL":
            k += 1
        if k >= len(tokens) or tokens[k].type not in TREATMENTS:
            return False
        k += 1
        if k < len(tokens) and tokens[k].type == "COMMA":
            k += 1
        if k < len(tokens) and tokens[k].type in _TREATMENT_SEPS:
            k += 1
            while k < len(tokens) and tokens[k].type == "QUAL":
                k += 1
            return k < len(tokens) and tokens[k].type in TREATMENTS
        if k == 0 or tokens[k - 1].type != "COMMA":
            return False
    return False


def treatment_lists(tokens: list[Token]) -> list[Token]:
    """"… requiring insulin or oral hypoglycemics", "… requiring antibiotics, antivirals, or
    antifungals": the treatments listed after "requiring" are its alternatives (TREATMENT_OR), as
    long as only treatments follow. "Infection requiring
    hospitalization or IV antibiotics" (the first read as the qualifier "hospitalized") lists them
    after "requiring" too: IV antibiotics alone are not the infection."""
    out = list(tokens)
    for k in range(len(out) - 2, 0, -1):
        if out[k].type == "QUAL" and out[k].value == "hospitalized" and out[k - 1].type == "COND" \
                and (out[k + 1].type in _TREATMENT_SEPS or out[k + 1].type == "COMMA" and _ends_in_or(out, k + 2)):
            out.insert(k, token("REQUIRING", "requiring", out[k].start_pos, out[k].start_pos))
    for k, t in enumerate(out):
        if t.type != "REQUIRING":
            continue
        j = k + 1
        while j < len(out):
            while j < len(out) and out[j].type == "QUAL":
                j += 1
            named = TREATMENTS | {"COND"} if j == k + 1 else TREATMENTS  # "requiring hospitalization"
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
            if sep >= len(out) or not (out[sep].type in _TREATMENT_SEPS or out[sep].type == "COMMA"
                                       and _ends_in_or(out, after)) or after >= len(out) \
                    or out[after].type not in TREATMENTS:
                break
            out[sep] = retyped(out[sep], "TREATMENT_OR")
            if out[sep - 1].type == "COMMA":
                out[sep - 1] = retyped(out[sep - 1], "DROP")
            j = after
    return [t for t in out if t.type != "DROP"]


_COMPLETED = frozenset({"completed", "completion of", "completing"})


# "Discontinuation of all biological agents at least 3 months prior to …", "methotrexate stopped
# at least 4 weeks before": a course ended as long ago as a completed one
_STOPPED = frozenset({"discontinuation", "discontinued", "stopped", "stopping", "cessation", "ceased"})


def _ends_course(t: Token) -> bool:
    return t.type == "ABLE" and t.value in _COMPLETED or t.type == "WORD" and t.value.lower() in _STOPPED


_WASH_SEPS = frozenset({"COMMA", "OR", "ANDOR"})


_TIME_BEFORE = ["NUMBER", "TIMEUNIT", "BEFORE"]


# "21 days or 5 half-lives, whichever is shorter, prior to"
_TIME_OR_LIVES_BEFORE = ["NUMBER", "TIMEUNIT", "HALF_LIVES", "BEFORE"]


# "the last dose of chemotherapy", "the last chemotherapy", "last dose of any biologic": the words
# between "last" and the treatment (or its qualifiers)
_LAST_DOSE = re.compile(r"(?i)^\s*(?:(?:dose|administration|infusion|treatment)\s+(?:of|with)\s*)?(?:(?:any|all)\s*)?$")


_FROM = re.compile(r"(?i)^\s*from(?:\s+the)?\s*$")


def _last_since(tokens: list[Token], k: int, text: str) -> int:
    """How many tokens from ``k`` say "the last" after "since": "last dose of (adjuvant)" before a
    treatment, "last episode of" before an acute event (a chronic condition's episodes are not
    its entries); 0 if none."""
    t = tokens[k]
    if not (t.type == "WORD" and t.value.lower() == "last" and k + 1 < len(tokens)):
        return 0
    if tokens[k + 1].type == "EPISODES":
        return 2 if k + 2 < len(tokens) and tokens[k + 2].type == "COND" \
            and load_vocabulary().is_event(tokens[k + 2].value) else 0
    named = skip_over(tokens, k + 1, ("QUAL",))
    return 1 if named < len(tokens) and tokens[named].type in TREATMENTS \
        and _LAST_DOSE.match(text[t.end_pos:tokens[k + 1].start_pos]) else 0


def _since(t: Token) -> bool:
    return t.type == "BEFORE" and t.value.lower().endswith("since")


def _time_first(tokens: list[Token], text: str) -> list[Token]:
    """"Time since last chemotherapy ≥ 4 weeks": the time since it, written first, as "≥ 4 weeks
    since last chemotherapy" is."""
    if len(tokens) < 6 or not (tokens[0].type == "WORD" and text[tokens[0].start_pos:tokens[0].end_pos].lower() == "time"
                               and _since(tokens[1])):
        return tokens
    named = skip_over(tokens, 2 + (tokens[2].type == "WORD" and tokens[2].value.lower() == "last"), ("QUAL",))
    end = named + 4
    if named >= len(tokens) or tokens[named].type not in (*TREATMENTS, "COND") or tokens[named + 1].type not in COMPARATORS \
            or [t.type for t in tokens[named + 2:end]] != ["NUMBER", "TIMEUNIT"] \
            or end < len(tokens) and tokens[end].type not in ("PERIOD", "SEMI"):
        return tokens
    return [*tokens[named + 1:end], tokens[1], *tokens[2:named + 1], *tokens[end:]]


def _shared_comparator(tokens: list[Token]) -> list[Token]:
    """"At least 4 weeks since last radiotherapy, 2 weeks since last chemotherapy": the least time
    that opens a list of times since reaches each of them, all of which are asked ("less than 4
    weeks since …, 2 weeks since …" excludes by any of them, which "and" would not say)."""
    opens = 1 if tokens and tokens[0].type == "MUST" else 0
    if len(tokens) <= opens or tokens[opens].type not in ("GE", "GT"):
        return tokens
    out: list[Token] = []
    for k, t in enumerate(tokens):
        if k and t.type == "NUMBER" and tokens[k - 1].type in ("COMMA", "AND") and k + 2 < len(tokens) \
                and tokens[k + 1].type == "TIMEUNIT" and _since(tokens[k + 2]):
            out[-1] = retyped(out[-1], "AND")
            out.append(token(tokens[opens].type, tokens[opens].value, t.start_pos, t.start_pos))
        out.append(t)
    return out


def _time_since(tokens: list[Token], text: str) -> list[Token]:
    """"At least 6 months after (from) the last dose of rituximab", "≥ 4 weeks after surgery": a
    requirement that opens with a time since a treatment is "since" it ("Must be ≥ 4 weeks from …")."""
    if tokens and tokens[0].type == "MUST":
        return [tokens[0], *_time_since(tokens[1:], text)]
    if [t.type for t in tokens[:4]] == ["NUMBER", "GE", "TIMEUNIT", "BEFORE"] and _since(tokens[3]):
        tokens = [tokens[1], tokens[0], *tokens[2:]]  # "4 or more weeks since the last dose of chemotherapy"
    tokens = _time_first(tokens, text)
    kinds = [t.type for t in tokens[:5]]
    if kinds[:3] == ["NUMBER", "TIMEUNIT", "BEFORE"] and _since(tokens[2]) and len(tokens) > 3:
        # "Four weeks since the last cytotoxic chemotherapy": a time since, with no comparator, is a
        # wash-out of at least that time (listed as an exclusion, the reader leaves it unread)
        named = skip_over(tokens, 3 + _last_since(tokens, 3, text), ("QUAL", "ABLE"))
        if named < len(tokens) and tokens[named].type in (*TREATMENTS, "COND"):
            return [token("GE", "at least", tokens[0].start_pos, tokens[0].start_pos), *tokens]
    if len(kinds) < 5 or kinds[0] not in ("GE", "GT") or kinds[1:3] != ["NUMBER", "TIMEUNIT"]:
        return tokens
    k = 3
    if tokens[k].type == "AFTER":
        since, k = retyped(tokens[k], "BEFORE", "since"), k + 1
    elif tokens[k].type == "WORD" and tokens[k].value.lower() == "last" \
            and _FROM.match(text[tokens[2].end_pos:tokens[k].start_pos]):
        since = token("BEFORE", "since", tokens[k].start_pos, tokens[k].start_pos)
    else:
        return tokens
    j = k + (tokens[k].type in ("ABLE", "QUAL") or tokens[k].type == "WORD" and tokens[k].value.lower() == "last")
    if j >= len(tokens) or tokens[j].type not in TREATMENTS:
        return tokens
    return [*tokens[:3], since, *tokens[k:]]


_WASHED_OUT = frozenset({"COND", "MED", "PROC", "VACC"})


def washouts_joined_by_or(tokens: list[Token]) -> list[Token]:
    """"Less than 4 weeks since prior chemotherapy or less than 2 weeks since prior radiotherapy":
    the "or" joins two wash-outs (WASH_OR), not a third treatment to the first one's list, which is
    how the grammar would otherwise take it. Either wash-out will do, as the words say, in an
    inclusion too (read as "and", it would fail whoever meets one of them)."""
    out = list(tokens)
    for k in range(1, len(out) - 4):
        if out[k].type not in ("OR", "ANDOR") or out[k - 1].type not in (*_WASHED_OUT, "COMMA"):
            continue
        if out[k + 1].type not in COMPARATORS or [t.type for t in out[k + 2:k + 5]] != _TIME_BEFORE \
                or not _since(out[k + 4]):
            continue
        out[k] = retyped(out[k], "WASH_OR")
        if out[k - 1].type == "COMMA" and k >= 2 and out[k - 2].type in _WASHED_OUT:
            out[k - 1] = retyped(out[k - 1], "DROP")  # ", or"
    return [t for t in out if t.type != "DROP"]


# "was", "must have been", "must be": the last dose said to lie a time before an anchor
_LAST_DOSE_WAS = re.compile(r"(?i)^\s*,?\s*(?:was|were|must\s+(?:have\s+)?been|must\s+be|should\s+(?:have\s+)?been)"
                            r"(?:\s+given)?\s*$")


def last_dose_was(tokens: list[Token], text: str) -> list[Token]:
    """"Participant's last dose of prior antineoplastic therapy, including any immunotherapy, was 21
    days or 5 half-lives, whichever is shorter, prior to initiation of study intervention": the last
    dose at least that long before the anchor, a wash-out ("… completed at least 21 days prior to
    …"); a time said with no comparator is the least one, since a last dose exactly that long
    before is not what is meant. Only where an anchor closes the sentence."""
    for k, t in enumerate(tokens):
        if not (t.type == "WORD" and t.value.lower() == "last" and k + 1 < len(tokens)):
            continue
        named = skip_over(tokens, k + 1, ("QUAL",))
        if named >= len(tokens) or tokens[named].type not in TREATMENTS \
                or not _LAST_DOSE.match(text[t.end_pos:tokens[k + 1].start_pos]):
            continue
        end = named + 1
        if end + 1 < len(tokens) and tokens[end].type == "INCLUDING" and tokens[end + 1].type in TREATMENTS:
            end += 2  # "…, including any immunotherapy,"
        time = end + (end < len(tokens) and tokens[end].type == "COMMA")
        cmp = [x for x in tokens[time:time + 1] if x.type in ("GE", "GT")]
        at = time + len(cmp)
        kinds = [x.type for x in tokens[at:at + 5]]
        lives = kinds[2:3] == ["HALF_LIVES"]
        if kinds[:2] != ["NUMBER", "TIMEUNIT"] or kinds[2 + lives:4 + lives] != ["BEFORE", "ANCHOR"] \
                or at + 4 + lives < len(tokens) and tokens[at + 4 + lives].type not in ("PERIOD", "SEMI") \
                or not _LAST_DOSE_WAS.match(text[tokens[end - 1].end_pos:tokens[time].start_pos]):
            continue
        least = cmp or [token("GE", "at least", tokens[at].start_pos, tokens[at].start_pos)]
        return [*tokens[:k], *tokens[k + 1:end], *least, *tokens[at:]]
    return tokens


# the words that say what another trial tested: "(a trial) of a", "with an", "involving any"
_TESTED = r"(?P<of>of|with|involving|testing)\s+(?:(?:an?|the|any)\s+)*"


# "a clinical investigation of a psychotropic drug", "a trial with an antidepressant": a trial of a drug
_TRIAL_OF = re.compile(rf"(?i)^\s*{_TESTED}$")


# "a trial of a drug", "a research study involving medication": the words "drug" and "medication"
# are filler, so they are looked for in the text
_OF_A_DRUG = re.compile(rf"(?i)\s*{_TESTED}"
                        r"(?P<kind>[\w-]+\s+)?(?:drugs?|medications?|medicines?|medicinal\s+products?)\b")


def trial_of(tokens: list[Token], vocab: Vocabulary, text: str) -> list[Token]:
    """"Participation in a clinical investigation of a psychotropic drug": a trial of a drug is a
    drug trial, and which drug it tested, which a profile does not record, is kept in words beside
    it (TRIAL_OF): a patient in no trial is decided, one in a drug trial waits for a coordinator.
    A trial of an investigational drug, or of "a drug", is a drug trial and no more; a research
    study of a drug may be observational, neither any research nor a trial, and stays words."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        drug = tokens[k + 1] if k + 1 < len(tokens) else None
        said = _OF_A_DRUG.match(text, t.end_pos) if t.type == "PROC" else None
        if said is not None and (drug is None or drug.type != "MED") \
                and (t.value == "research_participation" or vocab.is_a(t.value, "research_participation")):
            if t.value == "research_participation":
                out.append(token("WORD", text[t.start_pos:t.end_pos], t.start_pos, t.end_pos))
            else:
                of_drugs = t.value in ("clinical_trial_participation", "drug_trial_participation")
                out.append(token("PROC", "drug_trial_participation" if of_drugs else t.value, t.start_pos, t.end_pos))
            k += 1
            if t.value != "research_participation" and (said.group("kind") or not of_drugs):
                # "a trial of a new drug", "of an approved drug", "a therapeutic trial with a drug":
                # which drugs, or that it was a drug, kept in words
                out.append(token("TRIAL_OF", "drug", said.start("of"), said.end()))
                while k < len(tokens) and tokens[k].start_pos < said.end():
                    k += 1
            continue
        if t.type == "PROC" and drug is not None and drug.type == "MED" \
                and (t.value == "clinical_trial_participation" or vocab.is_a(t.value, "clinical_trial_participation")) \
                and _TRIAL_OF.match(text[t.end_pos:drug.start_pos]):
            kind = "drug_trial_participation" if t.value == "clinical_trial_participation" else t.value
            out.append(token("PROC", kind, t.start_pos, t.end_pos))
            if drug.value != "investigational_agent":
                start = t.end_pos + len(text[t.end_pos:drug.start_pos]) - len(text[t.end_pos:drug.start_pos].lstrip())
                out.append(token("TRIAL_OF", drug.value, start, drug.end_pos))
            k += 2
            continue
        out.append(t)
        k += 1
    return out


# "excluding placement of a vascular access device": the placing of it
_PLACEMENT_OF = re.compile(r"(?i)^\s*(?:the\s+)?(?:placement|insertion)\s+of\s+(?:(?:an?|the)\s+)?$")


def placement_excepted(tokens: list[Token], text: str) -> list[Token]:
    """"Minor surgery, excluding placement of a vascular access device": an exception by the
    device excepts its placement (and, more widely, any record of the device, which can only
    exclude fewer). Only after an exception: elsewhere the placement, dated when it was done, is
    not the device that stays in ("a port placed within 2 days" is not a port in place for years)."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        out.append(t)
        j = k + 1
        while j < len(tokens) and tokens[j].type in ("WORD", "OF"):
            j += 1
        if t.type == "EXCEPT" and j > k + 1 and j < len(tokens) and tokens[j].type == "PROC" \
                and _PLACEMENT_OF.match(text[t.end_pos:tokens[j].start_pos]):
            k = j
            continue
        k += 1
    return out


def completed_before(tokens: list[Token], text: str) -> list[Token]:
    """"Radiotherapy completed at least 4 weeks before randomization", "completed any radiotherapy
    (including radiosurgery) at least 14 days prior to the start of study intervention": a time
    since treatments named before it. WASHED marks the end of their list; "completed" goes. Only
    for treatments with no qualifier but "prior" or "current" ("started metformin at least 3
    months before" dates a start, "palliative radiotherapy" is not any radiotherapy)."""
    tokens = _shared_comparator(_time_since(tokens, text))
    tokens = [t for k, t in enumerate(tokens) if not (
        t.type == "ABLE" and t.value in _COMPLETED and 0 < k < len(tokens) - 1
        and tokens[k - 1].type in TREATMENTS and tokens[k + 1].type == "WITHIN")]  # "… was completed within 7 days"
    # "last dose of chemotherapy less than 4 weeks prior": a dose in the weeks is the last one in them
    tokens = [t for k, t in enumerate(tokens) if not (
        t.type == "WORD" and t.value.lower() == "last" and k + 1 < len(tokens) and tokens[k + 1].type in TREATMENTS
        and _LAST_DOSE.match(text[t.end_pos:tokens[k + 1].start_pos])
        and any(x.type in ("WITHIN", "BEFORE") for x in tokens[k + 2:]))]
    # "at least 4 weeks since the last dose of chemotherapy", "… since completion of (prior)
    # radiotherapy", "… since the last episode of pneumonia": a time since the treatment or the
    # event, as "since prior chemotherapy"
    last = {k + j for k in range(1, len(tokens) - 1) if _since(tokens[k - 1]) for j in range(_last_since(tokens, k, text))}
    tokens = [t for k, t in enumerate(tokens) if k not in last and not (
        0 < k < len(tokens) - 1 and _since(tokens[k - 1])
        and t.type == "ABLE" and t.value in _COMPLETED
        and (tokens[k + 1].type in TREATMENTS
             or tokens[k + 1].type == "QUAL" and k + 2 < len(tokens) and tokens[k + 2].type in TREATMENTS))]
    for k in range(1, len(tokens) - 3):
        if tokens[k].type not in COMPARATORS or [t.type for t in tokens[k + 1:k + 4]] != _TIME_BEFORE \
                and [t.type for t in tokens[k + 1:k + 5]] != _TIME_OR_LIVES_BEFORE:
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
        elif end >= 2 and tokens[end - 1].type == "INCLUDING" and tokens[end].type in TREATMENTS:
            end -= 2  # "…, including any immunotherapy,"
        if end < 0 or tokens[end].type not in TREATMENTS:
            return tokens
        start = end
        while start >= 2 and tokens[start - 1].type in _WASH_SEPS and tokens[start - 2].type in TREATMENTS:
            start -= 2
        if start >= 2 and tokens[start - 1].type == "OR" and tokens[start - 2].type == "COMMA":
            return tokens  # ", or" between a treatment and what came before: a list the time may not reach
        head = tokens[:start]
        if any(t.type == "QUAL" and t.value not in ("history", "current") or t.type in ("NEG", "IF") for t in head):
            return tokens
        kept = [t for t in head if not _ends_course(t)]
        rest = [t for t in tokens[start:k] if not _ends_course(t)]
        washed = token("WASHED", "", tokens[start].start_pos, tokens[start].start_pos)
        return [*kept, washed, *rest, *tokens[k:]]
    return tokens



# the words between what is said and "standard therapy": "failed (to respond to) prior", "progressed
# on or after", "refused to receive", "ineligible for"
_SAID_OF = re.compile(r"(?i)\s*(?:(?:on|to|of|for|from|after|following|with|during)\s+"
                      r"(?:or\s+(?:after|following)\s+)?)?(?:(?:receive|undergo|all|any|the|prior|previous|"
                      r"previously)\s+)*")


_SAID_BETWEEN = frozenset({"AFTER", "OR", "IF", "OF", "TO"})


_AVAILABLE = "available"


def _said_of(tokens: list[Token], j: int, facts: dict[str, str], text: str) -> tuple[str, int] | None:
    """What the words ending at ``j`` say of a therapy and how many tokens say it ("cannot
    tolerate" is two), or None."""
    if j >= 1 and tokens[j - 1].type in ("NEG", "WORD"):
        said = facts.get(" ".join(text[tokens[j - 1].start_pos:tokens[j].end_pos].lower().split()))
        if said is not None and said != _AVAILABLE:
            return said, 2
    said = facts.get(tokens[j].value.lower()) if j >= 0 and tokens[j].type in ("QUAL", "WORD") else None
    return None if said is None or said == _AVAILABLE else (said, 1)


def _list_join(tokens: list[Token], j: int) -> int:
    """How many tokens before ``j`` join it to an item of a list before ("A or B", "A, or B")."""
    if j >= 3 and tokens[j - 1].type == "OR" and tokens[j - 2].type == "COMMA":
        return 2
    return 1 if j >= 2 and tokens[j - 1].type in ("OR", "ANDOR", "COMMA") else 0


def _therapy_facts(vocab: Vocabulary) -> dict[str, str]:
    """The attributes that say what has come of a therapy (``standard_therapy_failed``), each
    with the therapy it is of."""
    lex = load_lexicon()
    return {f"{therapy}_{said.removeprefix('not ')}": therapy for therapy in lex.therapies_said_of
            for said in lex.standard_therapy_said.values()
            if f"{therapy}_{said.removeprefix('not ')}" in vocab.concepts}


_AS_PART_OF = re.compile(r"(?i)\s*as\s+(?:(?:a\s+)?part\s+of\s+)?(?:the\s+|their\s+)?")


def as_standard_care(tokens: list[Token], text: str) -> list[Token]:
    """"Receiving dexamethasone as standard of care": how the drug is given, which no record
    says, kept in words beside it (CAVEAT) — a patient without the drug is decided."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        named = len(out) - 1 if out and out[-1].type in TREATMENTS else None
        if named is None and len(out) >= 2 and out[-2].type in TREATMENTS and out[-1].type == "WORD" \
                and out[-1].value.lower() == "part":
            named = len(out) - 2  # "as part of standard of care"
        gap = text[out[named].end_pos:t.start_pos] if named is not None else ""
        if t.type == "STANDARD_THERAPY" and named is not None and _AS_PART_OF.fullmatch(gap) \
                and (k + 1 == len(tokens) or tokens[k + 1].type in ("PERIOD", "SEMI", "COMMA")):
            del out[named + 1:]
            t = token("CAVEAT", "as standard therapy", t.start_pos - len(gap.lstrip()), t.end_pos)
        out.append(t)
    return out


def standard_therapy(tokens: list[Token], vocab: Vocabulary, text: str) -> list[Token]:
    """"Failed or intolerant of standard therapy", "not a candidate for standard treatment", "for
    whom no standard therapy exists", "no curative therapy available": what has come of the
    standard (or a curative) therapy of the disease under study, a fact a coordinator records
    (ATTR), one for each word said of it (STANDARD_THERAPY_SAID), a negation before them kept. A
    therapy with nothing said of it, or what no attribute records, stays unread (the grammar has
    no place for the token)."""
    facts = load_lexicon().standard_therapy_said
    named = _therapy_facts(vocab)
    out = list(tokens)
    k = 0
    while k < len(out):
        t = out[k]
        if t.type == "ATTR" and t.value in named:
            # "intolerant of standard therapy" is the attribute's own name: more may be said before
            therapy, said, j = named[t.value], [(k, t.value.removeprefix(named[t.value] + "_"), 0)], k
        elif t.type == "STANDARD_THERAPY":
            therapy = t.value
            after = out[k + 1] if k + 1 < len(out) else None
            if after is not None and after.type == "WORD" and facts.get(after.value.lower()) == _AVAILABLE:
                if f"{therapy}_{_AVAILABLE}" in named:  # "(no) … exists"
                    out[k:k + 2] = [token("ATTR", f"{therapy}_{_AVAILABLE}", t.start_pos, after.end_pos)]
                k += 1
                continue
            j = k - 1
            while j >= 0 and (out[j].type in _SAID_BETWEEN or out[j].type == "QUAL" and out[j].value == "history") \
                    and _said_of(out, j, facts, text) is None:
                j -= 1
            found = _said_of(out, j, facts, text)
            if found is None or not _SAID_OF.fullmatch(text[out[j].end_pos:t.start_pos]):
                k += 1
                continue
            said = [(j - found[1] + 1, found[0], found[1])]
            j -= found[1] - 1
        else:
            k += 1
            continue
        while (join := _list_join(out, j)) and (found := _said_of(out, j - join - 1, facts, text)) is not None:
            j -= join + found[1]
            said.append((j, found[0], found[1]))
        said.reverse()
        if any(f"{therapy}_{what.removeprefix('not ')}" not in named for _, what, _ in said):
            k += 1
            continue  # ("refused curative therapy": no attribute records it)
        replaced: list[Token] = []
        for n, (at, what, width) in enumerate(said):
            last = n + 1 == len(said)
            if what.startswith("not "):  # "ineligible for"
                replaced.append(token("NEG", "not", out[at].start_pos, out[at].start_pos))
            replaced.append(token("ATTR", f"{therapy}_{what.removeprefix('not ')}", out[at].start_pos,
                                  t.end_pos if last else out[at + width - 1].end_pos))
            if not last:
                replaced.extend(out[at + width:said[n + 1][0]])  # the list's join
        first = said[0][0]
        if first >= 2 and out[first - 1].type == "WORD" and out[first - 1].value.lower() == "longer" \
                and out[first - 2].type == "NEG":
            first -= 1  # "no longer candidates for"
        out[first:k + 1] = replaced
        k = first + len(replaced)
    return _disease_whose_standard_therapy(out, set(named))


_FACT_LIST = frozenset({"ATTR", "NEG", "OR", "ANDOR", "COMMA"})


def _disease_whose_standard_therapy(tokens: list[Token], named: set[str]) -> list[Token]:
    """"Advanced solid tumor that has progressed on standard therapy or for which none exists": the
    disease, and (AND) what has come of its standard therapy, the facts grouped when they are a
    list. Only where the facts run to the end of the sentence."""
    for k in range(len(tokens) - 1):
        if tokens[k].type != "COND":
            continue
        first = k + 1 + (tokens[k + 1].type == "NEG")
        if first >= len(tokens) or tokens[first].type != "ATTR" or tokens[first].value not in named:
            continue
        end = k + 1
        while end < len(tokens) and tokens[end].type in _FACT_LIST \
                and (tokens[end].type != "ATTR" or tokens[end].value in named):
            end += 1
        if end < len(tokens) and tokens[end].type not in ("PERIOD", "SEMI"):
            continue
        facts = tokens[k + 1:end]
        at = facts[0].start_pos
        joined = token("AND", "and", at, at)
        if sum(t.type == "ATTR" for t in facts) > 1:
            facts = [token("LPAR", "(", at, at), *facts, token("RPAR", ")", facts[-1].end_pos, facts[-1].end_pos)]
        return [*tokens[:k + 1], joined, *facts, *tokens[end:]]
    return tokens


# "recovered from (all) (the) (acute) toxic effects of (all) prior": the words between "recovered"
# and the treatment (a kind of effect said, or none)
_EFFECTS = r"(?:toxic\s+effects|toxicities|toxicity|adverse\s+events|adverse\s+effects|side\s+effects|effects|complications)"
_RECOVERED_FROM = re.compile(
    r"(?i)\s*(?:(?:adequately|fully|completely)\s+)?from\s+(?:(?:all|any|the)\s+)*(?:(?:acute\s+|reversible\s+)?"
    rf"{_EFFECTS}(?:\s+(?:and/or|and|or)\s+(?:the\s+)?{_EFFECTS})?\s+(?:of|from|related\s+to|due\s+to|"
    r"associated\s+with|"
    r"caused\s+by)\s+(?:(?:all|any|the)\s+)*)?(?:(?:prior|previous|previously\s+administered)\s+)?")


# "recovered from all radiation-related toxicities": the treatment named before its effects
_RELATED_EFFECTS = re.compile(r"(?i)\s*-?\s*related\s+(?:toxicities|toxicity|toxic\s+effects|adverse\s+events|"
                              r"adverse\s+effects|side\s+effects)")


_RECOVERED = frozenset({"recovered", "recovery"})


# "(recovered from major surgery) prior to starting study treatment": by the start of the study's treatment
_BY_THE_START = re.compile(r"(?i)\s*(?:prior\s+to|before)\s+(?:the\s+)?(?:(?:starting|initiating|initiation\s+of|start\s+of|"
                           r"beginning)\s+)?(?:the\s+)?(?:study\s+(?:treatment|intervention|drug|therapy)|"
                           r"first\s+dose(?:\s+of\s+study\s+(?:treatment|intervention|drug))?)(?=\s*(?:[.;]|$))")


# how well: "fully recovered" says no more than "recovered", and "inadequate recovery" is none
_FULLY = frozenset({"fully", "adequately", "completely"})
_NOT_FULLY = frozenset({"inadequate", "inadequately", "incomplete", "incompletely", "insufficient",
                        "insufficiently"})


def recovered_from(tokens: list[Token], text: str) -> list[Token]:
    """"Recovered from the toxic effects of prior therapy", "recovered from all prior radiotherapy",
    "recovered from all radiation-related toxicities": a fact a coordinator records (ATTR), by the
    treatment (RECOVERED_FROM). Only where nothing follows that narrows or loosens it (a grade, an
    exception such as alopecia, a time): the sentence ends, or "and" begins another item."""
    said = load_lexicon().recovered_from
    tokens = [t for k, t in enumerate(tokens) if not (  # "fully recovered from surgery", the attribute's name
        t.type == "WORD" and t.value.lower() in _FULLY and k + 1 < len(tokens) and tokens[k + 1].type == "ATTR"
        and tokens[k + 1].value in said.values())]
    tokens = _not_fully_recovered(tokens, said.values())
    for k, t in enumerate(tokens):
        if not (t.type == "WORD" and t.value.lower() in _RECOVERED) or k + 1 >= len(tokens):
            continue
        head = next((j for j in range(k + 1, len(tokens)) if tokens[j].type in ("MED", "PROC", "WORD")
                     and tokens[j].value.lower() in said), None)
        if head is None:
            continue
        if not _RECOVERED_FROM.fullmatch(text[t.end_pos:tokens[head].start_pos]):
            continue
        related = _RELATED_EFFECTS.match(text, tokens[head].end_pos)
        end = related.end() if related else tokens[head].end_pos
        after = next((j for j in range(head + 1, len(tokens)) if tokens[j].start_pos >= end), len(tokens))
        by_start = _BY_THE_START.match(text, end)
        if by_start is not None and after < len(tokens) and tokens[after].type == "BEFORE":
            # "… prior to starting study treatment": recovered by then, which is what the fact says
            after = next((j for j in range(after, len(tokens)) if tokens[j].start_pos >= by_start.end()), len(tokens))
        if after < len(tokens) and tokens[after].type not in ("PERIOD", "SEMI", "AND"):
            continue
        first = k - 1 if k and tokens[k - 1].type == "WORD" and tokens[k - 1].value.lower() in _FULLY else k
        fact = token("ATTR", said[tokens[head].value.lower()], tokens[first].start_pos, end)
        return _not_fully_recovered([*tokens[:first], fact, *tokens[after:]], said.values())
    return tokens


# what a list of wash-outs holds: times since, the treatments and the words that join them
_WASHOUT_LIST = frozenset({"GE", "GT", "NUMBER", "TIMEUNIT", "BEFORE", "QUAL", "MED", "PROC", "AND", "COMMA", "OR",
                           "ANDOR", "WASH_OR", "MUST"})


def recovered_after_washout(tokens: list[Token]) -> list[Token]:
    """"More than 2 weeks since prior chemotherapy (4 weeks for nitrosoureas) and recovered":
    recovered from the treatments just washed out, the fact a coordinator records for each
    (ATTR, as "recovered from prior chemotherapy"). Only after a clause of wash-outs alone, each
    treatment one the facts name or a kind of one named beside it (recovered from whole-brain
    radiotherapy is not recovered from every radiotherapy)."""
    said = load_lexicon().recovered_from
    vocab = load_vocabulary()
    for k, t in enumerate(tokens):
        if not (t.type == "WORD" and t.value.lower() in _RECOVERED and k >= 5 and tokens[k - 1].type == "AND"
                and (k + 1 == len(tokens) or tokens[k + 1].type in ("PERIOD", "SEMI"))):
            continue
        first = max((j + 1 for j in range(k) if tokens[j].type in ("PERIOD", "SEMI")), default=0)
        clause = tokens[first:k - 1]
        lead = [x.type for x in clause if x.type != "MUST"][:4]
        if lead[:1] not in (["GE"], ["GT"]) or lead[1:] != _TIME_BEFORE or not _since(clause[[x.type for x in clause].index("BEFORE")]) \
                or any(x.type not in _WASHOUT_LIST for x in clause):
            continue
        named = {x.value for x in clause if x.type in TREATMENTS}
        facts = [said[n] for n in named if n in said]
        if not facts or any(n not in said and not any(vocab.is_a(n, m) for m in named if m in said) for n in named):
            continue
        recovered = [token("ATTR", f, t.start_pos, t.end_pos) for f in dict.fromkeys(sorted(facts))]
        joined = [x for f in recovered for x in (token("AND", "and", t.start_pos, t.start_pos), f)][1:]
        return [*tokens[:k], *joined, *tokens[k + 1:]]
    return tokens


def _not_fully_recovered(tokens: list[Token], facts: Iterable[str]) -> list[Token]:
    """"Inadequate recovery from prior surgery": not recovered from it."""
    facts = set(facts)
    return [retyped(t, "NEG", "not") if t.type == "WORD" and t.value.lower() in _NOT_FULLY and k + 1 < len(tokens)
            and tokens[k + 1].type == "ATTR" and tokens[k + 1].value in facts else t for k, t in enumerate(tokens)]


# "except for treatment of raised intracranial pressure", "unless used as premedication", "other
# than for line patency": a drug's purpose, which a profile does not record
_FOR_A_PURPOSE = re.compile(
    r"(?i)(?:except|unless|other\s+than|apart\s+from|excluding|with\s+the\s+exception\s+of)\s+"
    r"(?:(?:for|when|if|where|used|given|taken|administered|prescribed|as|the|a|an|in|of|to)\s+)*"
    r"(?:[\w-]+\s+){0,2}(?:treatment|treat|treating|management|prophylaxis|prophylactic|prevention|prevent|"
    r"premedication|pre-medication|replacement|physiologic|physiological|patency|relief|control)\b")


# what the words of a purpose may hold: names and the words between them, no limit or time of their own
_PURPOSE_TOKENS = frozenset({"WORD", "COND", "QUAL", "OF", "AND", "OR", "ANDOR", "COMMA", "MED", "PROC", "IF",
                             "LINES", "LINK", "INCLUDING", "TO", "TREATMENT", "ETC"})


_EXCEPT_WORD = re.compile(r"(?i)except|unless|other\s+than|apart\s+from|excluding|with\s+the\s+exception\s+of")


def except_for_purpose(tokens: list[Token], text: str) -> list[Token]:
    """"Systemic corticosteroids except for treatment of increased intracranial pressure": a drug
    unless given for a purpose, which a profile does not record; the purpose is kept in words
    (UNLESS_WORDS), so a patient not on the drug is decided and one on it waits for a
    coordinator. Only where the words run to the end of the sentence."""
    for k, t in enumerate(tokens):
        before = tokens[k - 2] if k >= 2 and tokens[k - 1].type == "COMMA" else tokens[k - 1] if k else None
        if t.type != "EXCEPT" or before is None or before.type != "MED" \
                or not _FOR_A_PURPOSE.match(text, t.start_pos):
            continue
        end = k + 1
        while end < len(tokens) and tokens[end].type in _PURPOSE_TOKENS:
            end += 1
        if end == k + 1 or end < len(tokens) and tokens[end].type not in ("PERIOD", "SEMI"):
            continue
        start = _EXCEPT_WORD.match(text, t.start_pos).end()
        start += len(text[start:]) - len(text[start:].lstrip())
        kept = tokens[:k - 1] if tokens[k - 1].type == "COMMA" else tokens[:k]
        return [*kept, token("UNLESS_WORDS", t.value, start, tokens[end - 1].end_pos), *tokens[end:]]
    return tokens


# "discontinuation of", "discontinued (prior)": a course stopped, before the drug
_STOPPED_BEFORE = re.compile(r"(?i)(?:discontinuation\s+of|discontinued|stopped|cessation\s+of)\s+"
                             r"(?:(?:the|prior|previous|previously|any)\s+)*$")


# "(treatment) (was) (permanently) discontinued due to toxicity (or intolerance of cetuximab)": for
# side effects of any kind, as a course recorded `outcome: intolerant` (a named kind, such as an
# immune-related adverse event, is narrower, and stays unread)
_STOPPED_FOR_TOXICITY = re.compile(
    r"(?i)\s*(?:(?:treatment|therapy)\s+)?(?:(?:was|were|had\s+been|has\s+been)\s+)?(?:permanently\s+)?"
    r"(?:discontinued\s+|stopped\s+)?(?:due\s+to|because\s+of)\s+(?:an?\s+)?(?:unacceptable\s+|intolerable\s+)?"
    r"(?:toxicity|toxicities|intolerance|adverse\s+events?|side\s+effects|adverse\s+reactions?)"
    r"(?:\s+or\s+(?:toxicity|intolerance)(?:\s+(?:of|to)\s+(?P<again>[\w\s-]+?))?)?\s*[.;]?\s*")


def stopped_for_toxicity(tokens: list[Token], text: str) -> list[Token]:
    """"Prior discontinuation of cetuximab due to toxicity", "metformin discontinued because of
    intolerance": a course of the drug not tolerated (the qualifier "intolerant"). Only for the
    last words of the clause, and the drug named once (or again as itself)."""
    for k, t in enumerate(tokens):
        if t.type != "MED":
            continue
        stop = next((j for j in range(k + 1, len(tokens)) if tokens[j].type in ("PERIOD", "SEMI")),
                    len(tokens))
        end = tokens[stop - 1].end_pos if stop > k + 1 else t.end_pos
        tail = _STOPPED_FOR_TOXICITY.fullmatch(text[t.end_pos:end])
        if stop == k + 1 or tail is None:
            continue
        again = [x for x in tokens[k + 1:stop] if x.type == "MED"]
        if any(x.value != t.value for x in again):
            continue  # ("… or intolerance of another drug")
        before = _STOPPED_BEFORE.search(text, 0, t.start_pos)
        after_word = re.match(r"(?i)\s*(?:(?:treatment|therapy)\s+)?(?:(?:was|were)\s+)?(?:permanently\s+)?"
                              r"(?:discontinued|stopped)\b", text[t.end_pos:end])
        if before is None and after_word is None:
            continue
        first = k
        if before is not None:
            while first > 0 and tokens[first - 1].start_pos >= before.start():
                first -= 1
            if first == k or any(x.type not in ("WORD", "QUAL", "OF") for x in tokens[first:k]):
                continue
        kept = [x for x in tokens[first:k] if x.type == "QUAL" and x.value == "history"]
        intolerant = token("QUAL", "intolerant", tokens[first].start_pos, end)
        return [*tokens[:first], *kept, intolerant, t, *tokens[stop:]]
    return tokens
