"""Token passes for time: durations, rates per period, counted episodes, windows around events.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Sequence
from datetime import date

from lark import Token

from ..units import UnitError, parse_unit, ureg
from ..vocabulary import load_vocabulary
from .lexicon import COMPARATORS, EVENTS, load_lexicon, retyped, skip_over, token


def counted_from_anchor(tokens: list[Token]) -> list[Token]:
    """"Life expectancy of at least 3 months from randomization": the day a time to come is counted
    from is an anchor, which screening takes as now, so it says no more than the time."""
    out = list(tokens)
    from_now = load_lexicon().from_now
    for k in range(len(out) - 3):
        run = out[k:k + 6]
        if run[0].type == "MEASURE" and run[0].value in from_now and run[1].type in COMPARATORS \
                and [t.type for t in run[2:4]] == ["NUMBER", "TIMEUNIT"]:
            after = 4 + (len(run) > 5 and run[4].type == "AFTER")
            if len(run) > after and run[after].type == "ANCHOR":
                del out[k + 4:k + after + 1]
            break
    return out


def dated_diagnoses(tokens: list[Token]) -> list[Token]:
    """"Newly diagnosed (within 3 months) or poorly controlled diabetes": a parenthesised window
    right after "diagnosed" dates the diagnosis (DATED_LPAR), among qualifiers that may not share it."""
    return [retyped(t, "DATED_LPAR") if t.type == "LPAR" and 0 < k < len(tokens) - 1
            and tokens[k - 1].type == "QUAL" and tokens[k - 1].value == "diagnosed" and tokens[k + 1].type == "WITHIN"
            else t for k, t in enumerate(tokens)]


# Times that, with no length after them, say only "before now" ("used steroids in the past").
_PAST_WITHOUT_A_LENGTH = frozenset({"in the past", "in past"})


def past_without_a_length(tokens: list[Token]) -> list[Token]:
    """"Patients who have used immunosuppressants in the past", "a stroke in the past": a past
    with no length is any time before now, as "history of" is, not a window."""
    return [retyped(t, "QUAL", "history") if t.type == "WITHIN" and t.value in _PAST_WITHOUT_A_LENGTH
            and (k + 1 == len(tokens) or tokens[k + 1].type not in ("NUMBER", "TIMEUNIT"))
            else t for k, t in enumerate(tokens)]


def diagnosed_long_ago(tokens: list[Token]) -> list[Token]:
    """"Type 2 diabetes diagnosed at least 6 months before screening", "Diagnosis of RA ≥ 6 months
    prior to baseline": had since at least then, up to now, as "for at least 6 months prior to
    screening" is (LASTING). Only with "diagnosed" said, and only "at least" or "more than"; not of
    an acute event, which is over long before (a myocardial infarction does not last 6 months)."""
    for k, t in enumerate(tokens):
        if t.type != "COND" or load_vocabulary().is_event(t.value):
            continue
        diagnosed = [x for x in tokens[max(k - 1, 0):k + 2] if x.type == "QUAL" and x.value == "diagnosed"]
        if not diagnosed:
            continue
        j = k + 1 + (k + 1 < len(tokens) and tokens[k + 1] is diagnosed[-1])
        time = [x.type for x in tokens[j:j + 4]]
        if time != ["GE", "NUMBER", "TIMEUNIT", "BEFORE"] and time != ["GT", "NUMBER", "TIMEUNIT", "BEFORE"]:
            continue
        end = j + 4 + (j + 4 < len(tokens) and tokens[j + 4].type == "ANCHOR")
        if end < len(tokens) and tokens[end].type not in ("PERIOD", "SEMI", "COMMA", "AND", "RPAR"):
            continue
        lasting = token("LASTING", "for", tokens[j].start_pos, tokens[j].start_pos)
        return [*tokens[:j], lasting, *tokens[j:j + 3], *diagnosed_long_ago(tokens[end:])]
    return tokens


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?" \
         r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
# "between 2015 and 2020", "from June 1996 to June 2011", "from June 1996-June 2011"; "in 2018",
# "during March 2020" where the clause ends there (not "as defined in 2013 ACC/AHA guidelines", nor
# "in 2015 or later", an open end)
_CALENDAR = re.compile(rf"(?i)\b(?:(?:between|from)\s+(?:(?P<m1>{_MONTH})\.?\s+)?(?P<y1>(?:19|20)\d\d)\s*"
                       rf"(?:and|to|until|till|through|-|–)\s*(?:(?P<m2>{_MONTH})\.?\s+)?(?P<y2>(?:19|20)\d\d)\b"
                       rf"|(?:in|during)\s+(?:(?P<m0>{_MONTH})\.?\s+)?(?P<y0>(?:19|20)\d\d)(?=\s*(?:$|[.,;)]|and\b|or\b(?!\s+(?:later|earlier|after|before|since|prior|sooner)\b))))")


def _calendar_range(m: re.Match[str]) -> str | None:
    """The days from the first of the first month (or January) to the last of the last (or December)."""
    if m["y0"]:  # one year, or one month of it
        month = _MONTHS.index(m["m0"][:3].lower()) + 1 if m["m0"] else None
        m1, m2, y1, y2 = month or 1, month or 12, m["y0"], m["y0"]
    else:
        m1 = _MONTHS.index(m["m1"][:3].lower()) + 1 if m["m1"] else 1
        m2 = _MONTHS.index(m["m2"][:3].lower()) + 1 if m["m2"] else 12
        y1, y2 = m["y1"], m["y2"]
    first, last_month = date(int(y1), m1, 1), date(int(y2), m2, 1)
    if first > last_month:
        return None
    last = last_month.replace(day=calendar.monthrange(last_month.year, m2)[1])
    return f"{first.isoformat()}..{last.isoformat()}"


def calendar_days(tokens: list[Token], text: str) -> list[Token]:
    """"Inguinal hernia repair from June 1996 to June 2011", "treatment initiated between 2015 and
    2020", "COVID-19 diagnosed in 2020": calendar days, one CALENDAR token ("1996-06-01..2011-06-30"). Not a range of values
    ("platelets between 1900 and 2000 /mm3": a measure before it or a unit after it)."""
    for m in _CALENDAR.finditer(text):
        inside = [k for k, t in enumerate(tokens) if m.start() <= t.start_pos < m.end()]
        days = _calendar_range(m)
        if not inside or days is None:
            continue
        first, end = inside[0], inside[-1] + 1
        if first and tokens[first - 1].type in ("MEASURE", *COMPARATORS) \
                or end < len(tokens) and tokens[end].type in ("UNIT", "TIMEUNIT"):
            continue
        dated = token("CALENDAR", days, m.start(), m.end())
        return [*tokens[:first], dated, *calendar_days(tokens[end:], text)]
    return tokens


# "at least 6 months since (the) diagnosis of X", "… from diagnosis": the words between the time and
# "diagnosis" when "since" did not become a token of its own
_FROM_DIAGNOSIS = re.compile(r"(?i)^\s*(?:since|from)(?:\s+(?:the|their|initial|first))?\s*$")


def since_diagnosis(tokens: list[Token], text: str) -> list[Token]:
    """"At least 6 months since diagnosis of type 2 diabetes", "RA, with more than 1 year since
    diagnosis": the disease diagnosed at least that long before now, written as :func:`diagnosed_long_ago` reads it ("RA diagnosed > 1 year before").
    Only "at least" or "more than"; not of a cancer, whose recorded course may have ended (in
    remission) long before now, so that how long it lasted is not the time since its diagnosis."""
    vocab = load_vocabulary()
    for k in range(len(tokens) - 3):
        cmp, num, unit = tokens[k:k + 3]
        if cmp.type not in ("GE", "GT") or (num.type, unit.type) != ("NUMBER", "TIMEUNIT"):
            continue
        d = k + 3
        if tokens[d].type == "BEFORE" and tokens[d].value == "since":
            d += 1
        elif not _FROM_DIAGNOSIS.match(text[unit.end_pos:tokens[d].start_pos]):
            continue
        if d >= len(tokens) or tokens[d].type != "QUAL" or tokens[d].value != "diagnosed":
            continue
        after = d + 1 < len(tokens) and tokens[d + 1].type == "COND"
        first = k - 1 - (k >= 2 and tokens[k - 1].type == "COMMA")
        if after:
            disease, start, end = tokens[d + 1], k, d + 2
        elif first >= 0 and tokens[first].type == "COND":
            disease, start, end = tokens[first], first, d + 1
        else:
            continue
        if vocab.lookup(disease.value) is None or vocab.is_event(disease.value) \
                or vocab.is_a(disease.value, "malignancy"):
            return tokens
        since = token("BEFORE", "since", unit.end_pos, unit.end_pos)
        return [*tokens[:start], disease, tokens[d], cmp, num, unit, since, *tokens[end:]]
    return tokens


WINDOW_WORDS = frozenset({"WITHIN", "NUMBER", "TIMEUNIT", "HALF_LIVES", "BEFORE", "OF", "ANCHOR"})


NAMED = frozenset({"MED", "PROC", "VACC"})


NAME_SEPS = frozenset({"COMMA", "OR", "ANDOR", "AND"})


_TREATMENT_PERIOD = re.compile(r"(?i)\btreatment\b")


def during_or_before(tokens: list[Token]) -> list[Token]:
    """"Radiotherapy during the study or within 3 weeks of the start of drug" (either order): had
    in the weeks before, or planned for the study, written as "… within 3 weeks, or planned
    during the study" for planned_too (a plan dated in the past weeks is not what is meant)."""
    # "within 7 days prior or during the study": "prior" is before the study, not a past use
    tokens = [retyped(x, "BEFORE", "prior to") if x.type == "QUAL" and x.value == "history" and 0 < j < len(tokens) - 1
              and tokens[j - 1].type == "TIMEUNIT" and tokens[j + 1].type == "DURING_TRIAL" else x
              for j, x in enumerate(tokens)]
    for k, t in enumerate(tokens):
        if t.type != "DURING_TRIAL" or k == 0:
            continue
        end = k + 1
        while end < len(tokens) and tokens[end].type in WINDOW_WORDS:
            end += 1
        closes = end == len(tokens) or tokens[end].type in ("PERIOD", "SEMI")
        planned = [token("OR", "or", t.start_pos, t.start_pos), token("QUAL", "planned", t.start_pos, t.start_pos), t]
        if tokens[k - 1].type in NAMED and end > k + 1 and tokens[k + 1].type == "WITHIN" and closes:
            return [*tokens[:k], *tokens[k + 1:end], *planned, *tokens[end:]]  # "during the study or within 4 weeks"
        first = k
        while first > 0 and tokens[first - 1].type in WINDOW_WORDS:
            first -= 1
        if first < k and tokens[first].type in ("WITHIN", "NUMBER") and first > 0 and tokens[first - 1].type in NAMED \
                and (k + 1 == len(tokens) or tokens[k + 1].type in ("PERIOD", "SEMI")):
            window = tokens[first:k]
            if window[-1].type == "BEFORE":
                # "within 6 hours before or during the treatment period": before the period named
                anchor = "first_dose" if _TREATMENT_PERIOD.search(t.value) else "screening"
                window.append(token("ANCHOR", anchor, t.start_pos, t.end_pos))
            return [*tokens[:first], *window, *planned, *tokens[k + 1:]]  # "within 4 weeks or during the study"
    return tokens


# "the first dose of Raptiva", "the first infusion of rituximab": an anchor that names its drug
_FIRST = re.compile(r"(?i)^(?:the\s+)?(?:first|initial)\b")


# "(the) start of rt-PA administration", "initiation of pembrolizumab": the start of a drug (QUAL new)
_START_OF = re.compile(r"(?i)^(?:the\s+)?(?:start|initiation)\s+of$")


# "prior to starting study treatment": the verb before an anchor says no more than the anchor
_STARTING = frozenset({"starting", "beginning", "initiating", "commencing", "receiving"})


# "the first dose of trial drug": the words after "of" that say no more than the anchor
_OF_STUDY_DRUG = re.compile(r"(?i)^\s*(?:the\s+)?(?:trial|study|investigational)\s+"
                            r"(?:drug|treatment|medication|product|therapy|intervention|agent)s?\s*$")


def _anchor_wordings(tokens: list[Token], text: str) -> list[Token]:
    """After "before" or "of": "the date of randomization" is randomization, "the first study
    treatment" (the first of the study's doses) the first dose, as is "the first dose of trial drug"."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        prev = out[-1] if out else None
        lead = out[-2] if len(out) >= 2 else None
        if t.type == "ANCHOR" and prev is not None and lead is not None and lead.type in ("BEFORE", "OF", "AFTER") \
                and prev.type == "WORD" and (prev.value.lower() == "date"
                                             or prev.value.lower() in ("first", "initial") and t.value == "first_dose"):
            out[-1] = token("ANCHOR", t.value, prev.start_pos, t.end_pos)
            continue
        if t.type == "OF" and prev is not None and prev.type == "ANCHOR" and prev.value == "first_dose" \
                and _OF_STUDY_DRUG.match(text[t.end_pos:tokens[k + 1].start_pos if k + 1 < len(tokens) else len(text)]):
            continue
        out.append(t)
    return out


def named_study_start(tokens: list[Token], text: str) -> list[Token]:
    """"Within 14 days prior to the first dose of Raptiva®", "within 3 hours prior to initiation of
    rt-PA administration": after a window, the first dose or the start of a drug named is the
    trial's own start (first_dose), as "the first dose of study drug" is; "prior to starting study
    treatment" and "within 28 days of starting study treatment" likewise. A drug's only after "before"
    that ends a window with a length: "starting X" alone, or "of starting X", may be a start long
    past ("neuropathy within 3 months of starting bortezomib")."""
    out = _anchor_wordings(tokens, text)
    for k in range(len(out) - 2, 1, -1):
        length = k - 1 - (out[k - 1].type == "HALF_LIVES")  # "within 28 days or 5 half-lives prior to …"
        if not (out[k].type in ("BEFORE", "OF") and length >= 1 and out[length].type == "TIMEUNIT"
                and out[length - 1].type == "NUMBER"):
            continue
        first, nxt = out[k + 1], out[k + 2] if k + 2 < len(out) else None
        words = text[first.start_pos:first.end_pos]
        if first.type == "WORD" and first.value.lower() in _STARTING and nxt is not None and nxt.type == "ANCHOR":
            out[k + 1:k + 3] = [token("ANCHOR", nxt.value, first.start_pos, nxt.end_pos)]
            continue
        if out[k].type == "OF":
            continue
        if first.type == "QUAL" and first.value == "new" and _START_OF.match(words):
            end = k + 3
        elif first.type == "ANCHOR" and first.value == "first_dose" and _FIRST.match(words) \
                and nxt is not None and nxt.type == "OF":
            end = k + 4
        else:
            continue
        if end <= len(out) and out[end - 1].type == "MED":
            out[k + 1:end] = [token("ANCHOR", "first_dose", first.start_pos, out[end - 1].end_pos)]
    return out


_DURING_OR = re.compile(r"(?i)^\s*or\s*$")


def during_or_within(tokens: list[Token], text: str) -> list[Token]:
    """"Investigational drug therapy during or within 30 days prior to start of the study drug":
    "during" the study treatment whose start the window is counted back from, i.e. during the
    study (DURING_TRIAL), which :func:`during_or_before` reads as the window or a plan for the
    study. Not before another anchor ("during or within 14 days prior to screening" is during
    screening), nor with none."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        within = k + 1 + (k + 1 < len(tokens) and tokens[k + 1].type == "OR")
        window = [x.type for x in tokens[within:within + 5]]
        if t.type == "WORD" and t.value.lower() == "during" and out and out[-1].type in NAMED \
                and window == ["WITHIN", "NUMBER", "TIMEUNIT", "BEFORE", "ANCHOR"] \
                and tokens[within + 4].value == "first_dose" \
                and _DURING_OR.match(text[t.end_pos:tokens[within].start_pos]):
            out.append(retyped(t, "DURING_TRIAL"))
            k = within
            continue
        out.append(t)
        k += 1
    return out


_PRIOR = re.compile(r"(?i)^(?:prior|before|previously|earlier)$")


# "current or within", "currently receiving or has received within": the verbs are filler
_NOW_OR = re.compile(r"(?i)^(?:(?:receiving|taking|using|undergoing)\s+)?,?\s*or\s*,?"
                     r"(?:\s+(?:has|have|had|been|received|taken|used|undergone))*$")


def now_or_before(tokens: list[Token], text: str) -> list[Token]:
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
                    and j + 1 < len(tokens) and tokens[j].type in EVENTS and tokens[j + 1].type == "WITHIN":
                k = j
                continue
        named = tokens[k + 1:k + 4]
        if now and t.type == "QUAL" and len(named) >= 2 and named[0].type in EVENTS:
            gap = text[named[0].end_pos:named[1].start_pos]
            if named[1].type == "WITHIN" and re.match(r"(?i)\s*,?\s*or\b", gap):
                k += 1  # "current use of MAO inhibitors or within 2 weeks before screening"
                continue
            if [x.type for x in named[1:]] == ["OR", "NUMBER"] and k + 5 < len(tokens) \
                    and [x.type for x in tokens[k + 4:k + 6]] == ["TIMEUNIT", "BEFORE"]:
                # "current use of an MAO inhibitor or used 2 weeks before treatment"
                out += [named[0], token("WITHIN", "", named[2].start_pos, named[2].start_pos)]
                k += 3
                continue
        ago = tokens[k + 1:k + 5]
        if t.type == "AT_ANCHOR" and [x.type for x in ago] == ["OR", "NUMBER", "TIMEUNIT", "QUAL"] \
                and _PRIOR.match(text[ago[3].start_pos:ago[3].end_pos]):
            out += [token("WITHIN", "", ago[1].start_pos, ago[1].start_pos), ago[1], ago[2]]
            k += 5
            continue
        out.append(t)
        k += 1
    return out


# What a duration can follow: a condition, a drug, its dose ("5 mg/day for at least 3 months"), a
# procedure that goes on ("on hemodialysis for at least 3 months"), a parenthesis after them.
_LASTS = frozenset({"COND", "MED", "PROC", "UNIT", "RPAR", "UNCONSTRAINED"})


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
    last = next((x.type for x in reversed(out) if x.type not in ("MUST", "LASTING", "UNCONSTRAINED")), None)
    return last == "COND" and k + 1 < len(tokens) and tokens[k].type == "BEFORE" and tokens[k + 1].type == "ANCHOR"


def _long_within(comparator: Token, after: str | None) -> bool:
    """"Corticosteroids for more than 14 days within 3 months": at least that long, inside a window
    after it (the evaluator counts the days inside the window). Not "less than": a short use inside
    the window may be part of a long one."""
    return after == "WITHIN" and comparator.type in ("GE", "GT")


def _comparator_first(tokens: list[Token], text: str) -> list[Token]:
    """"Chronic back pain for six months or longer": a duration whose comparator follows it, after
    what can last, written with the comparator first ("for ≥ 6 months")."""
    out = list(tokens)
    for k in range(1, len(out) - 2):
        if out[k].type == "NUMBER" and out[k + 1].type == "TIMEUNIT" and out[k + 2].type in ("GE", "GT") \
                and out[k - 1].type in _LASTS and _FOR.search(text[out[k - 1].end_pos:out[k].start_pos].strip()):
            cmp = token(out[k + 2].type, out[k + 2].value, out[k].start_pos, out[k + 2].end_pos)
            out[k:k + 3] = [cmp, out[k], out[k + 1]]
    return out


_DURATION_OF = re.compile(r"(?i)^duration\s+of$")


# What may end the clause after "duration of X ≥ 6 months" (a window or anchor after it would
# make the time something else)
_CLAUSE_ENDS = frozenset({"PERIOD", "SEMI", "COMMA", "AND", "RPAR"})


def _duration_of_first(tokens: list[Token], text: str) -> list[Token]:
    """"Duration of type 2 diabetes ≥ 5 years", "duration of RA of at least 6 months": the
    duration named before the disease, written as the disease first ("… of ≥ 5 years' duration")."""
    out = list(tokens)
    for k in range(len(out) - 4):
        lasting, named, cmp, num, unit = out[k:k + 5]
        end = k + 5
        if lasting.type == "LASTING" and _DURATION_OF.match(text[lasting.start_pos:lasting.end_pos]) \
                and named.type in ("COND", "MED") and cmp.type in COMPARATORS \
                and (num.type, unit.type) == ("NUMBER", "TIMEUNIT") \
                and (end == len(out) or out[end].type in _CLAUSE_ENDS):
            out[k:k + 2] = [named, lasting]
    return out


def durations(tokens: list[Token], text: str) -> list[Token]:
    """"for at least 8 weeks" or "of at least 6 months' duration" after a condition or a drug:
    how long it has lasted, read as LASTING comparator NUMBER TIMEUNIT."""
    tokens = _duration_of_first(_comparator_first(tokens, text), text)
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
                and (after not in _WINDOW_AFTER or _stable_to(out, tokens, k + 4) or _held_to(out, tokens, k + 4)
                     or _long_within(tokens[k + 1], after)):
            held = _held_to(out, tokens, k + 4)
            out.append(retyped(t, "LASTING"))
            out.extend(tokens[k + 1:k + 4])
            k += 5 if after == "LASTING" else 4  # "for ≥ 8 weeks in duration"
            k += 2 if _stable_to(out, tokens, k) or held else 0
            continue
        time = [x.type for x in tokens[k:k + 4]]
        after = tokens[k + 3].type if k + 3 < len(tokens) else None
        if out and before in _LASTS and t.type in COMPARATORS and time[1:3] == ["NUMBER", "TIMEUNIT"] \
                and (after not in _WINDOW_AFTER or _stable_to(out, tokens, k + 3) or _held_to(out, tokens, k + 3)
                     or _long_within(t, after)) \
                and _FOR.search(text[out[-1].end_pos:t.start_pos].strip()):
            # "for" itself was dropped as a connective: "on metformin for at least 3 months"
            held = _held_to(out, tokens, k + 3)
            out.append(token("LASTING", "for", out[-1].end_pos, t.start_pos))
            out.extend(tokens[k:k + 3])
            k += 4 if after == "LASTING" else 3
            k += 2 if _stable_to(out, tokens, k) or held else 0
            continue
        if before in ("COND", "MED") and t.type == "GE" and time[1:] == ["WITHIN", "NUMBER", "TIMEUNIT"] \
                and _FOR.search(text[out[-1].end_pos:t.start_pos].strip()):
            # "on metformin for at least the past 3 months": lasting, and up to now
            out.append(token("LASTING", "for", out[-1].end_pos, t.start_pos))
            out.extend((t, tokens[k + 2], tokens[k + 3]))
            out.append(token("QUAL", "current", tokens[k + 3].end_pos, tokens[k + 3].end_pos))
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


def is_rate(t: Token) -> bool:
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


def period_after(tokens: list[Token], k: int, text: str) -> tuple[str, int] | None:
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


def rates(tokens: list[Token], text: str) -> list[Token]:
    """"≥ 8 micturitions per 24 hours", "4 to 14 migraine days per month", "at least 4 seizures
    per 28 days": a count per period is a rate, a measure (an event's own by the lexicon's
    RATE_OF) whose unit is the period, read as MEASURE comparator NUMBER UNIT. Only a threshold
    right before or after the name takes the period; a threshold with no period, on a rate whose
    name does not say it either ("≥ 3 bowel movements"), is not read."""
    lex = load_lexicon()
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        measure = lex.rate_of.get(t.value) if t.type == "COND" else (t.value if is_rate(t) else None)
        if measure is None:
            out.append(t)
            k += 1
            continue
        j = len(out)
        while j and out[j - 1].type in _RATE_LEAD:
            j -= 1
        before = out[j:]
        named = period_after(tokens, k + 1, text)  # "micturitions per 24 hours", "migraine days/month ≥ 4"
        first = m = k + 1 + (named[1] if named else 0)
        while m < len(tokens) and tokens[m].type in _RATE_LEAD:
            m += 1
        after = tokens[first:m]
        if _numbered(before):
            lead, period, end, at = before, named, first, k + 1
        elif _numbered(after):
            lead, period = after, named or period_after(tokens, m, text)
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
                out.append(retyped(t, "WORD", words))  # "≥ 3 bowel movements": per day, per week? not said
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
        out.append(token("MEASURE", measure, t.start_pos, t.end_pos))
        for x in lead:
            out.append(x)
            if x.type == "NUMBER":
                out.append(token("UNIT", unit_text, unit_start, unit_end))
        k = end
    return out


def elliptic_counts(tokens: list[Token]) -> list[Token]:
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
            after = _count_at([retyped(out[first], "GE"), *tokens[k + 1:]], 0) if first is not None else None
            if first is not None and out[first].type == "GE" and after is not None and after < len(tokens) - k \
                    and tokens[k + after].type == "COND":
                out.append(t)
                out.append(retyped(out[first], "GE"))  # "… or [at least] 1 severe COPD exacerbation"
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


def repeated_visits(tokens: list[Token]) -> list[Token]:
    """"Negative urine drug screen at screening and check-in": a value required at two visits is
    one time marker (the latest reading is the later visit's)."""
    out: list[Token] = []
    for t in tokens:
        if t.type == "AT_ANCHOR" and len(out) >= 2 and out[-1].type in ("AND", "COMMA") and out[-2].type == "AT_ANCHOR":
            out[-2:] = [token("AT_ANCHOR", out[-2].value, out[-2].start_pos, t.end_pos)]
            continue
        out.append(t)
    return out


# The fewest and most days a time unit may stand for (a month is 28 to 31 days).
_DAYS = {"hours": (1 / 24, 1 / 24), "days": (1, 1), "weeks": (7, 7), "months": (28, 31), "years": (365, 366)}


_FOR_ITEM = re.compile(r"(?i)^\s*for\s*$")


def _item_window(tokens: list[Token], k: int, text: str) -> int | None:
    """Where "(2 weeks for palliative radiation)" at the bracket ``k`` ends (after its ")"), when it
    gives named treatments (or conditions) a window of their own."""
    if [x.type for x in tokens[k:k + 3]] != ["LPAR", "NUMBER", "TIMEUNIT"] or k + 3 >= len(tokens) \
            or not _FOR_ITEM.match(text[tokens[k + 2].end_pos:tokens[k + 3].start_pos]):
        return None
    j = k + 3
    while True:
        j = skip_over(tokens, j, ("QUAL",))
        if j >= len(tokens) or tokens[j].type not in (*NAMED, "COND"):
            return None
        j += 1
        if j < len(tokens) and tokens[j].type == "RPAR":
            return j + 1
        j = skip_over(tokens, j, tuple(NAME_SEPS))


def _longer(first: list[Token], then: list[Token]) -> bool:
    """Whether the time ``then`` (NUMBER TIMEUNIT) is surely no shorter than ``first``."""
    low = float(then[0].value) * _DAYS[then[1].value][0]
    return low >= float(first[0].value) * _DAYS[first[1].value][1]


def _narrower_sooner(named: list[Token], bracket: list[Token], first: list[Token], then: list[Token]) -> bool:
    """A bracket's item that is a kind of one the main window names, with a shorter window of its
    own ("radiotherapy within 4 weeks (2 weeks for palliative radiotherapy)"): the main window
    must leave it out, which this reading cannot say."""
    vocab = load_vocabulary()
    return not _longer(first, then) and any(
        vocab.lookup(y.value) and vocab.lookup(x.value) and vocab.is_a(y.value, x.value)
        for y in bracket if y.type in (*NAMED, "COND") for x in named if x.type in (*NAMED, "COND"))


_ITEM_LIST = frozenset({*NAMED, *NAME_SEPS, "COND"})


def windows_per_item(tokens: list[Token], text: str) -> list[Token]:
    """"Chemotherapy or immunotherapy within 4 weeks (2 weeks for palliative radiation) before the
    first dose", "more than 2 weeks since prior chemotherapy (4 weeks for nitrosoureas)": the
    bracket gives its items a window of their own, written out as a part of its own ("…, or
    palliative radiation within 2 weeks before the first dose"; "… and more than 4 weeks since
    nitrosoureas"). Only where the list is the whole clause, and not where an item of the bracket
    is a kind of one listed with a longer window (the longer one would have to leave it out)."""
    for b, t in enumerate(tokens):
        end = _item_window(tokens, b, text) if t.type == "LPAR" else None
        if end is None:
            continue
        inner, then = tokens[b + 3:end - 1], tokens[b + 1:b + 3]
        if [x.type for x in tokens[:4]] in (["GE", "NUMBER", "TIMEUNIT", "BEFORE"], ["GT", "NUMBER", "TIMEUNIT", "BEFORE"]) \
                and tokens[3].value.lower().endswith("since"):
            # a wash-out: "at least N weeks since prior X (M weeks for Y)"
            first = skip_over(tokens, 4, ("QUAL",))
            named = tokens[first:b]
            if any(x.type == "QUAL" and x.value not in ("history", "current") for x in tokens[4:first]) \
                    or not named or any(x.type not in _ITEM_LIST for x in named) \
                    or end < len(tokens) and tokens[end].type not in ("PERIOD", "SEMI", "AND") \
                    or _narrower_sooner(named, inner, tokens[1:3], then):
                return tokens
            at = tokens[end - 1].start_pos
            joined = [token("AND", "and", at, at), retyped(tokens[0], tokens[0].type), *then,
                      token("BEFORE", "since", at, at), *inner]
            return [*tokens[:b], *joined, *tokens[end:]]
        # a window after a list: "X, Y or Z within N weeks (M weeks for W) [before the first dose]"
        anchor = tokens[b - 2:b] if b >= 2 and [x.type for x in tokens[b - 2:b]] == ["BEFORE", "ANCHOR"] else []
        window = b - len(anchor) - 3
        if window < 1 or [x.type for x in tokens[window:window + 3]] != ["WITHIN", "NUMBER", "TIMEUNIT"]:
            return tokens
        after = end
        if not anchor and [x.type for x in tokens[end:end + 2]] == ["BEFORE", "ANCHOR"]:
            anchor, after = tokens[end:end + 2], end + 2
        if after < len(tokens) and tokens[after].type not in ("PERIOD", "SEMI"):
            return tokens
        start = window
        while start > 0 and tokens[start - 1].type in _ITEM_LIST:
            start -= 1
        lead = [(x.type, x.value) if x.type == "QUAL" else x.type for x in tokens[:start] if x.type != "MUST"]
        if lead not in ([], ["NEG"], [("QUAL", "history")], ["NEG", ("QUAL", "history")]):
            return tokens  # ("No chemotherapy within 4 weeks (6 weeks for nitrosoureas)": neither)
        named = tokens[start:window]
        if not named or named[0].type not in (*NAMED, "COND") or _narrower_sooner(named, inner, tokens[window + 1:window + 3], then):
            return tokens
        at = tokens[end - 1].start_pos
        own = [token("COMMA", ",", at, at), token("OR", "or", at, at), *inner, token("WITHIN", "within", at, at), *then, *anchor]
        return [*tokens[:window + 3], *anchor, *own, *tokens[after:]]
    return tokens
