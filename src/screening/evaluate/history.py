"""Conditions, medications, procedures and vaccinations: entries matched through the vocabulary,
their qualifiers, windows, durations, doses and exceptions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ..logic import Truth, all_of, any_of
from ..nodes import (
    Comparison, DateRange, Exemption, Grade, HadProcedure, HasCondition, Indication, Lasting, Node, TimeWindow,
    TookMedication, Vaccinated,
)
from ..patient import Patient
from ..printer import number
from ..units import UnitError, parse_unit, ureg
from .core import Context, Evidence, Outcome, RECENT_EVENT_DAYS, SURELY_RECENT_DAYS, matches
from .dates import dated_words, shift, window_start, window_words
from .measures import COMPARE, OP_WORDS, latest_reading, where


#: Qualifiers as a coordinator would say them.
QUALIFIER_WORDS = {
    "history": "", "dose_change": "dose changed", "new": "newly started", "intolerant": "not tolerated",
    "allergic": "an allergy",
    "refractory": "without response", "responded": "with a response", "hospitalized": "needing hospital care",
    "equivalent": "or an equivalent",
    "planned": "planned", "treated": "treated", "earlier": "before the episode under study",
    "requiring_treatment": "requiring treatment", "other": "other than the disease under study",
    "complete_remission": "in complete remission",
}


def _exempt(entry_concept: str | None, entry: object, exemptions: Iterable[Exemption], ctx: Context) -> Truth:
    """Whether an entry is covered by one of the exceptions (TRUE: it does not count)."""
    result = Truth.FALSE
    for ex in exemptions:
        by_route = ctx.vocab.by_route(ex.concept)
        if by_route and entry_concept is not None \
                and ctx.vocab.is_a(entry_concept, by_route[1]) and not ctx.vocab.is_a(entry_concept, ex.concept):
            # "except topical corticosteroids" and hydrocortisone: topical if its route says so
            route = getattr(entry, "route", None)
            result = result | (Truth.UNKNOWN if route is None else Truth.of(route == by_route[0]))
            continue
        if entry_concept is not None and entry_concept != ex.concept and ctx.vocab.is_a(ex.concept, entry_concept):
            # recorded as "skin cancer" against "except basal cell carcinoma": it may be the one excepted
            result = result | Truth.UNKNOWN
            continue
        if not matches(entry_concept, ex.concept, ctx):
            continue
        checks = [qualifier(q, entry, ctx, None) for q in ex.qualifiers]
        result = result | all_of(checks)
    return result


def _acute(entry: object, ctx: Context) -> bool:
    """A condition entry that is an acute event (an infarction, a pneumonia) recorded with no end:
    it is dated by its onset, not going on since."""
    concept = getattr(entry, "concept_id", None)
    return hasattr(entry, "onset") and getattr(entry, "end", None) is None and concept is not None \
        and ctx.vocab.is_event(concept)


# A note saying an acute event keeps coming back ("recurrent, 4-5 a year"): the entry stands for
# episodes from its onset on, not for one on that day.
_RECURRING = re.compile(r"\brecurr(?:ent|ing|ences?)\b|\brepeated\b|\bfrequent\b", re.IGNORECASE)


def recurring(entry: object, ctx: Context) -> bool:
    """An acute event recorded once for many episodes ("gout flares, recurrent since 2018")."""
    return _acute(entry, ctx) and bool(_RECURRING.search(getattr(entry, "note", None) or ""))


_QUIESCENT = re.compile(r"\bremission\b|\bresolved\b|\bcured\b|\binactive\b|\bquiescent\b|no evidence of disease"
                        r"|\bNED\b|\bSVR", re.IGNORECASE)


_COMPLETE_REMISSION = re.compile(r"\bcomplete (?:remission|response)\b|\bcr[12]?\b")


# What says a cancer is not in complete remission now.
_NOT_IN_REMISSION = re.compile(r"\bpartial (?:remission|response)\b|\brelapsed?\b(?![- ]free)|\brefractory\b"
                               r"|\bprogressi(?:ve|ng)\b|\bprogression\b(?![- ]free)|\bactive disease\b"
                               r"|\bnot in remission\b")


_PROGRESSING = re.compile(r"\bprogressing\b|\bprogressive disease\b|\bprogression\b(?![- ]free)", re.IGNORECASE)


# A note telling of a time past ("progression in 2018, now in remission", "was on treatment until
# 2019"): what it says need not hold now.
_PAST = re.compile(r"\bwas\b|\bwere\b|\bpreviously\b|\bformerly\b|\bprior\b|\buntil\b|\bcompleted\b"
                   r"|\bfinished\b|\bended\b|\bstopped\b|\bhistory of\b", re.IGNORECASE)


_ADVANCED = re.compile(r"\badvanced\b|\bmetasta|\bunresectable\b|\binoperable\b|\bend[- ]stage\b"
                       r"|\bstage\s+(?:IV|4)\b", re.IGNORECASE)


_THERAPEUTIC = re.compile(r"(?<![\w-])therapeutic\b|\bfull[- ]dose\b|\btreatment dose\b", re.IGNORECASE)


_ON_TREATMENT = re.compile(r"\b(?:on|under|receiving|requires?|requiring|needs?|in)\s+(?:active\s+)?"
                           r"(?:treatment|therapy)\b", re.IGNORECASE)


_DAILY = re.compile(r"\bdaily\b|\bevery day\b|\bonce a day\b|\b(?:once|twice|three times) (?:a|per) day\b"
                    r"|\b(?:qd|bid|tid|qid)\b", re.IGNORECASE)


_AS_NEEDED = re.compile(r"\bas needed\b|\bprn\b|\bp\.r\.n\.|\bon demand\b|\boccasional", re.IGNORECASE)


NEGATED = re.compile(r"\bno\b|\bnot\b|\bwithout\b|\bnone\b", re.IGNORECASE)


_ALLERGY = re.compile(r"allerg|hypersensitiv|anaphyla|urticaria|hives|angioedema|stevens-johnson|\bDRESS\b",
                      re.IGNORECASE)


def _said(word: str, note: str) -> bool:
    """Whether a note says a word as a word of its own: "treated" or "pre-treated", not "untreated";
    "symptomatic", not "asymptomatic" or "non-symptomatic"."""
    return re.search(rf"(?<!\w)(?<!non-)(?<!un-){re.escape(word)}\b", note) is not None


def dated_event(entry: object) -> bool:
    """A procedure or vaccination done on a day, as against an illness, a drug or a procedure
    that goes on from a start to an end (dialysis)."""
    return hasattr(entry, "date") and not getattr(entry, "is_course", False)


def qualifier(q: str, entry: object, ctx: Context, window: TimeWindow | None) -> Truth:
    """Whether a condition/medication/procedure entry has a qualifier; UNKNOWN when not recorded."""
    end = getattr(entry, "end", None)
    note = (getattr(entry, "note", None) or "").lower()
    if q in ("active", "current"):
        if dated_event(entry):
            # a procedure or vaccination is a dated event: "concurrent radiotherapy" is one in the
            # last weeks (or ahead), and a course's end is not recorded, so a recent one may count
            day = getattr(entry, "date", None)
            if day is None or day > ctx.as_of:
                return Truth.UNKNOWN if day is None else Truth.TRUE
            return Truth.FALSE if (ctx.as_of - day).days > RECENT_EVENT_DAYS else Truth.UNKNOWN
        concept = getattr(entry, "concept_id", None)
        onset = getattr(entry, "onset", None)
        if _acute(entry, ctx) and onset is not None and (ctx.as_of - onset).days > RECENT_EVENT_DAYS:
            return Truth.UNKNOWN  # an acute event long past: over, or still being treated?
        if q == "active" and (concept is not None and ctx.vocab.get(concept).latent or "latent" in note):
            return Truth.FALSE  # latent tuberculosis is carried, not active
        if (end is None or end >= ctx.as_of) and _QUIESCENT.search(note):
            # "in complete remission", "cured (SVR12)": recorded, but not active now
            return Truth.UNKNOWN if "partial" in note else Truth.FALSE
        return Truth.of(end is None or end >= ctx.as_of)
    if q in ("history", "equivalent"):
        return Truth.TRUE
    if q == "earlier":
        # an episode before the one the trial studies: only one with a later episode of the same
        # disease is surely earlier; the latest may be the index event itself
        concept, onset = getattr(entry, "concept_id", None), getattr(entry, "onset", None)
        related = (lambda other: concept is not None and other is not None
                   and (ctx.vocab.is_a(other, concept) or ctx.vocab.is_a(concept, other)))
        later = [c for c in ctx.patient.conditions if c is not entry and related(c.concept_id)
                 and c.onset is not None and onset is not None and c.onset > onset]
        return Truth.TRUE if later else Truth.UNKNOWN
    if q == "secondary":
        return Truth.TRUE if "secondary" in note else (Truth.FALSE if "primary" in note else Truth.UNKNOWN)
    if q == "recurrent":
        return Truth.TRUE if "recurrent" in note else Truth.UNKNOWN
    if q in ("severe", "moderate", "mild"):
        severity = getattr(entry, "severity", None)
        return Truth.UNKNOWN if severity is None else Truth.of(severity == q)
    if q == "advanced":
        # recorded, if at all, in the note: spread or beyond surgery is advanced, whatever the word
        return Truth.TRUE if _ADVANCED.search(note) and not NEGATED.search(note) else Truth.UNKNOWN
    if q in ("symptomatic", "asymptomatic"):
        # recorded only as a note, if at all, and one is not the other ("asymptomatic" holds "symptomatic")
        said = {w for w in ("symptomatic", "asymptomatic") if _said(w, note)}
        return Truth.UNKNOWN if len(said) != 1 else Truth.of(said == {q})
    if q in ("chronic", "metastatic", "locally_advanced", "unresectable", "relapsed", "untreated", "adjuvant",
             "neoadjuvant", "palliative", "curative", "prophylactic", "maintenance", "induction", "end_stage",
             "decompensated", "life_threatening"):
        # recorded only as a note, if at all
        return Truth.TRUE if any(_said(w, note) for w in {q, q.replace("_", "-"), q.replace("_", " ")}) \
            else Truth.UNKNOWN
    if q == "daily":
        # how often a drug is taken is recorded, if at all, in the note: "as needed" is not daily
        if _AS_NEEDED.search(note):
            return Truth.FALSE
        return Truth.TRUE if _DAILY.search(note) and not NEGATED.search(note) else Truth.UNKNOWN
    if q == "therapeutic":
        # a dose meant to treat (anticoagulation): prophylaxis is not it, and the note tells
        if "prophyla" in note:
            return Truth.FALSE
        # ("subtherapeutic", "not at therapeutic dose" are not it either)
        return Truth.TRUE if _THERAPEUTIC.search(note) and not NEGATED.search(note) else Truth.UNKNOWN
    if q == "progressing":
        # recorded, if at all, in the note; an illness that is over is not progressing
        if end is not None and end < ctx.as_of:
            return Truth.FALSE
        return Truth.TRUE if _PROGRESSING.search(note) and not (NEGATED.search(note) or _PAST.search(note)
                                                                or _QUIESCENT.search(note)) else Truth.UNKNOWN
    if q == "requiring_treatment":
        # recorded, if at all, in the note; an illness that is over may still be treated
        # (adjuvant hormone therapy for years after a resected breast cancer)
        return Truth.TRUE if _ON_TREATMENT.search(note) and not (NEGATED.search(note) or _PAST.search(note)) \
            else Truth.UNKNOWN
    if q == "other":
        # other than the disease under study, which the rule does not name (the trial does)
        return Truth.UNKNOWN
    if q == "primary":
        return Truth.TRUE if "primary" in note else (Truth.FALSE if "secondary" in note else Truth.UNKNOWN)
    if q == "complete_remission":
        # recorded, if at all, in the note: a partial remission, or a disease active again, is not
        # one (CRi, with counts not recovered, is neither said to be nor not to be)
        if _COMPLETE_REMISSION.search(note):
            return Truth.UNKNOWN if NEGATED.search(note) else Truth.TRUE
        return Truth.FALSE if _NOT_IN_REMISSION.search(note) and not _PAST.search(note) else Truth.UNKNOWN
    if q in ("first_line", "second_line"):
        words = q.split("_")[0], q.replace("_", "-"), q.replace("_", " ")
        return Truth.TRUE if any(w in note for w in words[1:]) else Truth.UNKNOWN
    if q in ("oral", "systemic"):
        route = getattr(entry, "route", None)
        if route is None:
            return Truth.UNKNOWN
        return Truth.of(route == "oral" if q == "oral" else route not in ("topical", "inhaled"))
    if q == "uncontrolled":
        controlled = getattr(entry, "controlled", None)
        return Truth.UNKNOWN if controlled is None else Truth.of(not controlled)
    if q == "hospitalized":
        return Truth.of(getattr(entry, "hospitalized", None))
    if q == "treated":
        return Truth.TRUE if end is not None or any(_said(w, note) for w in ("treated", "excised", "cured")) \
            else Truth.UNKNOWN
    if q == "refractory":
        outcome = getattr(entry, "outcome", None)
        return Truth.UNKNOWN if outcome is None else Truth.of(outcome == "no_response")
    if q == "responded":
        # a course stopped for intolerance may have worked before it was stopped
        outcome = getattr(entry, "outcome", None)
        return Truth.UNKNOWN if outcome in (None, "intolerant") else Truth.of(outcome == "responded")
    if q == "intolerant":
        outcome = getattr(entry, "outcome", None)
        return Truth.UNKNOWN if outcome is None else Truth.of(outcome == "intolerant")
    if q == "allergic":
        # "not tolerated" may be an allergy or a side effect: only the note tells them apart
        outcome = getattr(entry, "outcome", None)
        if outcome is not None and outcome != "intolerant":
            return Truth.FALSE
        # ("dyspepsia, not an allergy", "rash, no anaphylaxis": which the note does not settle)
        return Truth.TRUE if outcome == "intolerant" and _ALLERGY.search(note) and not NEGATED.search(note) \
            else Truth.UNKNOWN
    if q == "intravenous":
        route = getattr(entry, "route", None)
        return Truth.UNKNOWN if route is None else Truth.of(route == "iv")
    if q == "new":
        # a drug started, or a condition diagnosed, inside the window
        start = getattr(entry, "start", None) or getattr(entry, "onset", None)
        if start is None:
            return Truth.UNKNOWN
        since = window_start(window, ctx.as_of) if window else ctx.as_of - timedelta(days=90)
        return Truth.of(start >= since)
    if q == "dose_change":
        # the profile records no dose history: a start inside the window is a change, else unknown
        start = getattr(entry, "start", None)
        since = window_start(window, ctx.as_of) if window else None
        return Truth.TRUE if start is not None and since is not None and start >= since else Truth.UNKNOWN
    if q == "recent":
        # how recent is not said: what is going on now is recent, a procedure in the last
        # fortnight too; anything older may or may not be
        acute = _acute(entry, ctx)
        if dated_event(entry) or acute:
            # a dated event (a procedure; an infarction, dated by its onset)
            day = getattr(entry, "date", None) or getattr(entry, "onset", None)
            days = RECENT_EVENT_DAYS if acute else SURELY_RECENT_DAYS  # an illness may still go on
            sure = day is not None and timedelta(0) <= ctx.as_of - day <= timedelta(days=days)
            return Truth.TRUE if sure else Truth.UNKNOWN
        start = getattr(entry, "start", None) or getattr(entry, "onset", None)
        ongoing = (end is None or end >= ctx.as_of) and (start is None or start <= ctx.as_of)
        return Truth.TRUE if ongoing else Truth.UNKNOWN
    if q == "stable":
        # taken now at an unchanged dose: a course that has ended is not; one that goes on is
        # only known unchanged when its note says so (a dose change is recorded as a new course)
        if end is not None and end < ctx.as_of:
            return Truth.FALSE
        return Truth.TRUE if "stable" in note else Truth.UNKNOWN
    if q == "planned":
        planned = getattr(entry, "planned", None)
        return Truth.UNKNOWN if planned is None else Truth.of(planned)
    return Truth.UNKNOWN


def _in_window(first: date | None, last: date | None, window: TimeWindow | None, ctx: Context) -> Truth:
    """Whether something that ran from ``first`` to ``last`` (None: ongoing) touched the window."""
    if window is None:
        return Truth.TRUE if first is None or first <= ctx.as_of else Truth.FALSE
    if window.direction == "future":
        return Truth.UNKNOWN
    if first is not None and first > ctx.as_of:
        return Truth.FALSE
    start = window_start(window, ctx.as_of)
    if last is not None and last < start:
        # a window of "30 days or 5 half-lives, whichever is longer" may reach further back
        return Truth.UNKNOWN if window.whichever in ("longer", "unsaid") else Truth.FALSE
    if last is None and first is None:
        return Truth.UNKNOWN
    if window.whichever in ("shorter", "unsaid") and last is not None and last < ctx.as_of:
        return Truth.UNKNOWN  # … and one of "whichever is shorter" may not reach that far
    return Truth.TRUE


def _in_dates(first: date | None, last: date | None, dated: DateRange, ctx: Context) -> Truth:
    """Whether something that ran from ``first`` to ``last`` (None: ongoing) started in the
    calendar days (``started``) or touched them."""
    if dated.started:
        return Truth.UNKNOWN if first is None else Truth.of(dated.first <= first <= dated.last)
    end = last if last is not None else ctx.as_of
    if end < dated.first or first is not None and first > dated.last:
        return Truth.FALSE
    if first is None:
        # going on at ``last``, in the days: it touched them; from when, or whether at all, not said
        return Truth.TRUE if last is not None and last <= dated.last else Truth.UNKNOWN
    return Truth.TRUE


def _planned_in_window(day: date | None, window: TimeWindow | None, ctx: Context) -> Truth:
    """Whether something planned for ``day`` falls in the window. The anchors are counted from
    the screening date, so a plan outside the window counted that way may still fall inside it
    counted from the real randomization: only inside is sure."""
    if window is None:
        return Truth.TRUE
    if day is None:
        return Truth.UNKNOWN
    reach = shift(ctx.as_of, window.amount, window.unit, 1) - ctx.as_of
    return Truth.TRUE if abs(day - ctx.as_of) <= reach else Truth.UNKNOWN


def _inside(first: date | None, window: TimeWindow | None, ctx: Context) -> date | None:
    """"For more than 14 days within 3 months": the days counted start no earlier than the window
    (a course begun before it lasted that long inside it only if its days inside did); what the
    whole course lasted is the most it can have lasted inside."""
    if first is None or window is None or window.direction != "past":
        return first
    return max(first, window_start(window, ctx.as_of))


def _lasted(first: date | None, last: date | None, lasting: Lasting, ctx: Context) -> Truth:
    """Whether a course from ``first`` to ``last`` (None: ongoing) lasted as long as asked."""
    if first is None:
        return Truth.UNKNOWN
    end = min(last, ctx.as_of) if last is not None else ctx.as_of
    if lasting.unit == "hours":
        # days recorded against hours: begun and ended at any hour of those days, it lasted
        # more than a day less and less than a day more than the days between them
        days = (end - first).days
        shortest, longest = max(days - 1, 0) * 24, (days + 1) * 24
        held = {COMPARE[lasting.op](shortest, lasting.amount), COMPARE[lasting.op](longest, lasting.amount)}
        return Truth.of(held.pop()) if len(held) == 1 else Truth.UNKNOWN
    # it lasted at least the time asked exactly when it began on or before ``mark``
    mark = shift(end, lasting.amount, lasting.unit, -1)
    return Truth.of(COMPARE[lasting.op](mark.toordinal(), first.toordinal()))


def _course_starts(spans: dict[int, tuple[date | None, date | None]], as_of: date) -> dict[int, date | None]:
    """For each entry, when the unbroken course it belongs to began: entries of one drug or
    condition that follow on from each other (a dose change is a new entry) are one course."""
    starts: dict[int, date | None] = {}
    dated = sorted((first, last or as_of, k) for k, (first, last) in spans.items() if first is not None)
    begin: date | None = None
    reach: date | None = None
    for first, last, k in dated:
        if reach is None or first > reach + timedelta(days=1):
            begin, reach = first, last
        else:
            reach = max(reach, last)
        starts[k] = begin
    for k, (first, _) in spans.items():
        if first is None:
            starts[k] = None
    return starts


@dataclass(frozen=True)
class _Kind:
    list_name: str
    noun: str
    verb: str
    categories: frozenset[str]
    entries: Callable[[Patient], Sequence[object]]
    span: Callable[[object], tuple[date | None, date | None]]


_CONDITIONS = _Kind("conditions", "condition", "has", frozenset({"condition", "class"}),
                    lambda p: p.conditions, lambda e: (e.onset, e.end))  # type: ignore[attr-defined]


_MEDICATIONS = _Kind("medications", "medication", "received", frozenset({"medication", "drug_class"}),
                     lambda p: p.medications, lambda e: (e.start, e.end))  # type: ignore[attr-defined]


_PROCEDURES = _Kind("procedures", "procedure", "had", frozenset({"procedure"}), lambda p: p.procedures,
                    lambda e: (e.start, e.end) if e.is_course else (e.date, e.date))  # type: ignore[attr-defined]


_VACCINATIONS = _Kind("vaccinations", "vaccination", "received", frozenset({"vaccine"}),
                      lambda p: p.vaccinations, lambda e: (e.date, e.date))  # type: ignore[attr-defined]


_CANCER_WORDS = re.compile(r"cancer|carcinoma|tumou?r|lymphoma|leuk[a]?emia|myeloma|sarcoma|melanoma|malignan|metasta"
                           r"|oncolog|chemo", re.IGNORECASE)


# Words saying a drug was given around cancer but not against it ("for cancer-related anorexia",
# "ovarian protection during chemotherapy").
_NOT_AGAINST_CANCER = re.compile(r"related|induced|during|supportive|protect|prevent|prophyla|appetite|anorexia"
                                 r"|nausea|cachexia|symptom", re.IGNORECASE)


def _given_for_cancer(entry_concept: str | None, entry: object, targets: list[str], ctx: Context) -> Truth:
    """Whether a drug with other uses (cyclophosphamide for lupus, leuprolide for endometriosis)
    counts as the anticancer class a rule names: only if its record says it was given for cancer."""
    if entry_concept is None or not ctx.vocab.get(entry_concept).other_uses:
        return Truth.TRUE
    if not any(t != entry_concept and ctx.vocab.is_a(t, "anticancer_therapy") for t in targets):
        return Truth.TRUE
    note = " ".join(filter(None, (getattr(entry, "note", None), getattr(entry, "indication", None))))
    if _NOT_AGAINST_CANCER.search(note):
        return Truth.UNKNOWN
    return Truth.TRUE if _CANCER_WORDS.search(note) else Truth.UNKNOWN


_METASTATIC = re.compile(r"\bmetasta|\bstage\s+(?:IV|4)\b", re.IGNORECASE)


# Words saying a course was given for early disease, to cure it: not for advanced or metastatic
# disease ("adjuvant", "neoadjuvant", "curative intent").
_EARLY_SETTING = re.compile(r"\b(?:neo-?)?adjuvant\b|\bcurative\b|\bearly[- ]stage\b|\blocali[sz]ed\b"
                            r"|\bperi-?operative\b", re.IGNORECASE)


# Words before a disease's name that say its setting ("metastatic melanoma"), not which disease.
_SETTING_WORDS = re.compile(r"^(?:(?:locally\s+)?advanced|metastatic|recurrent|relapsed|refractory|unresectable"
                            r"|inoperable|early[- ]stage|locali[sz]ed|stage\s+[IV1-4]+[A-C]?)[\s,]+", re.IGNORECASE)


# Qualifiers of an indication that say its setting, by the words that say it.
_SETTINGS = {"advanced": _ADVANCED, "metastatic": _METASTATIC}


# Concepts that, as what a course was for, are a setting of any cancer ("systemic therapy for
# metastatic disease"): the qualifier whose words say it.
_SETTING_CONCEPTS = {"metastatic_disease": "metastatic", "advanced_cancer": "advanced"}


def _setting(q: str, words: str) -> Truth:
    """Whether the words recorded of a course say it was given in a setting ("metastatic"):
    words for early disease ("adjuvant") say it was not; neither, or both, leave it unknown."""
    says = _SETTINGS.get(q)
    if says is None:
        return Truth.TRUE if q.replace("_", " ") in words.lower() else Truth.UNKNOWN
    yes = bool(says.search(words)) and not NEGATED.search(words)
    early = bool(_EARLY_SETTING.search(words))
    return Truth.UNKNOWN if yes == early else Truth.of(yes)


def indicated(asked: Indication, entry: object, ctx: Context) -> Truth:
    """Whether a course was given for what a rule asks ("chemotherapy for advanced NSCLC"), from
    the entry's ``indication`` (a disease's name, perhaps with its setting: "metastatic
    melanoma") and the setting its note names ("adjuvant"); unknown when they do not say."""
    said = getattr(entry, "indication", None) or ""
    words = " ".join(filter(None, (said, getattr(entry, "note", None))))
    name = said
    recorded = ctx.vocab.lookup(name) if name else None
    while recorded is None and _SETTING_WORDS.match(name):
        name = _SETTING_WORDS.sub("", name, count=1)
        recorded = ctx.vocab.lookup(name)
    setting_of = _SETTING_CONCEPTS.get(asked.concept)
    if recorded is not None and any(ctx.vocab.is_a(c, asked.concept)
                                    for c in (recorded.id, *recorded.manifestation_of)):
        # (prednisone for lupus nephritis was given for an autoimmune disease, SLE)
        disease = Truth.TRUE
    elif setting_of is not None:
        # "for metastatic disease": of any cancer, in that setting
        cancer = recorded is None or ctx.vocab.is_a(recorded.id, "malignancy")
        disease = _setting(setting_of, words) if cancer else Truth.FALSE
    elif recorded is None:
        disease = Truth.UNKNOWN
    elif is_broader(recorded.id, asked.concept, ctx) or any(
            ctx.vocab.is_a(recorded.id, d) or is_broader(recorded.id, d, ctx)
            for d in ctx.vocab.get(asked.concept).manifestation_of):
        # a course for "COPD" may have been for one of its exacerbations
        disease = Truth.UNKNOWN
    else:
        disease = Truth.FALSE
    return all_of([disease, *(_setting(q, words) for q in asked.qualifiers)])


def _history(node: HasCondition | TookMedication | HadProcedure | Vaccinated, kind: _Kind, ctx: Context,
             extra: Callable[[object], Outcome | None] | None = None) -> Outcome:
    """Shared by conditions, medications, procedures and vaccinations: find the entries that are
    the concept, less the exceptions, with the qualifiers, inside the window."""
    entries = kind.entries(ctx.patient)
    target = node.concept
    label = ctx.vocab.get(target).name if target and ctx.vocab.lookup(target) else (
        getattr(node, "term", None) or target or "?")
    words = [w for w in ("newly diagnosed" if q == "new" and kind is _CONDITIONS else QUALIFIER_WORDS.get(q, q)
                         for q in node.qualifiers) if w]
    grade = getattr(node, "grade", None)
    if grade is not None:
        words.append(_grade_words(grade))
    quals = f" ({', '.join(words)})" if words else ""
    what = f"{label}{quals}" + (f" {window_words(node.window)}" if node.window else "") \
        + (f" {dated_words(node.dated)}" if getattr(node, "dated", None) else "")  # type: ignore[union-attr]
    truths: list[Truth] = []
    evidence: list[Evidence] = []
    unresolved: list[str] = []
    extra_missing: list[str] = []
    extra_messages: list[str] = []
    targets = [target] if target else []
    if target and "equivalent" in node.qualifiers:
        # "prednisone (or equivalent)": any drug of its classes that has a dose equivalence
        targets += [c for c in ctx.vocab.get(target).is_a]
    lasting = getattr(node, "lasting", None)
    course = {k: kind.span(e) for k, e in enumerate(entries) if not dated_event(e)
              and any(matches(getattr(e, "concept_id", None), t, ctx) for t in targets)} if lasting is not None else {}
    # "prednisone > 10 mg/day for more than 2 weeks": the course is of entries at that dose (a
    # dose change is a new entry); one whose dose is not known may or may not belong to it
    met = {k: extra(entries[k]).truth for k in course} if extra is not None else {k: Truth.TRUE for k in course}
    sure_starts = _course_starts({k: s for k, s in course.items() if met[k] is Truth.TRUE}, ctx.as_of)
    maybe_starts = _course_starts({k: s for k, s in course.items() if met[k] is not Truth.FALSE}, ctx.as_of)
    for k, e in enumerate(entries):
        concept_id = getattr(e, "concept_id", None)
        name = getattr(e, "name", None) or getattr(e, "code", None) or "?"
        if concept_id is not None and ctx.vocab.get(concept_id).category not in kind.categories:
            concept_id = None  # "estradiol" in the medications list is the drug, not the lab of that name
        if target is None:
            term = getattr(node, "term", None)
            matched = term is not None and _same_words(name, term)
        else:
            matched = any(matches(concept_id, t, ctx) for t in targets)
        if concept_id is None and not matched:
            unresolved.append(name)
            continue
        if not matched:
            continue
        first, last = kind.span(e)
        given_for = _given_for_cancer(concept_id, e, targets, ctx)
        if kind is _CONDITIONS and first is not None and _acute(e, ctx):
            last = first  # an infarction "from 2012" with no end is one in 2012, not one going on
        checks = [given_for]
        if getattr(node, "given_for", None) is not None:
            checks.append(indicated(node.given_for, e, ctx))  # type: ignore[union-attr]
        exempted = _exempt(concept_id, e, getattr(node, "excluding", ()), ctx)
        checks.append(~exempted)
        checks.extend(qualifier(q, e, ctx, node.window) for q in node.qualifiers)
        if "planned" in node.qualifiers:
            checks.append(_planned_in_window(first, node.window, ctx))
        elif getattr(e, "planned", None):
            # scheduled, not done: not yet a history, unless its day has passed (done or not?)
            checks.append(Truth.FALSE if first is None or first > ctx.as_of else Truth.UNKNOWN)
        else:
            inside = _in_window(first, last, node.window, ctx)
            if inside is Truth.FALSE and kind is _CONDITIONS and recurring(e, ctx) \
                    and (first is None or first <= ctx.as_of):
                # "recurrent" since before the window: whether an episode fell in it is not recorded
                inside = Truth.UNKNOWN
            if inside is Truth.TRUE and kind is _CONDITIONS and node.window is not None and last is None \
                    and first is not None and first < window_start(node.window, ctx.as_of) \
                    and _QUIESCENT.search(getattr(e, "note", None) or ""):
                # "breast cancer since 2005, in remission" against "malignancy within 5 years":
                # since when it has been in remission is not recorded
                inside = Truth.UNKNOWN
            if inside is Truth.FALSE and "requiring_treatment" in node.qualifiers \
                    and (first is None or first <= ctx.as_of):
                # "… that has required treatment within the past 3 years": the treatment is in the
                # window, and may go on after the illness is over (adjuvant hormone therapy)
                inside = Truth.UNKNOWN
            checks.append(inside)
        if getattr(node, "dated", None) is not None:
            checks.append(_in_dates(first, last, node.dated, ctx))  # type: ignore[union-attr]
        if lasting is not None and dated_event(e):
            # a procedure recorded on one day ("hemodialysis, 2024-01-10"): how long it went on
            # is not recorded
            checks.append(Truth.UNKNOWN)
        elif lasting is not None:
            sure = _lasted(_inside(sure_starts.get(k, first), node.window, ctx), last, lasting, ctx)
            maybe = _lasted(maybe_starts.get(k, first), last, lasting, ctx)
            if maybe is Truth.FALSE and node.window is not None and len(course) > 1:
                # "for at least 3 months within the past year" may add up courses apart
                maybe = Truth.UNKNOWN
            checks.append(sure if sure is maybe else Truth.UNKNOWN)
        if _bare(node) and not dated_event(e) and last is not None and last < ctx.as_of:
            # "panic disorder", "use of anticoagulants" with no "history of" and no window: whether
            # one that ended years ago still counts is not said
            checks.append(Truth.UNKNOWN)
        elif _bare(node) and dated_event(e) and last is not None \
                and (ctx.as_of - last).days > RECENT_EVENT_DAYS:
            # "on dialysis", "orthodontic appliances": a dated event long past may be over
            checks.append(Truth.UNKNOWN)
        if extra is not None:
            more = extra(e)
            if more is not None:
                checks.append(more.truth)
                evidence.extend(more.evidence)
                extra_missing.extend(more.missing)
                extra_messages.append(more.message)
        truth = all_of(checks)
        truths.append(truth)
        when = ", ".join(x for x in (f"from {first}" if first else "", f"to {last}" if last and last != first
                                                                          else "") if x) or None
        note = "counts" if truth is Truth.TRUE else ("does not count" if truth is Truth.FALSE else "may count")
        if exempted is Truth.TRUE:
            note = "excepted by the criterion"
        evidence.append(Evidence(item=kind.noun, value=name, date=(first.isoformat() if first else None),
                                 source=where(ctx.patient, kind.list_name, k, e), note=f"{note}" + (
                                     f" ({when})" if when else "")))
    found = any_of(truths)
    detail = (" " + " ".join(dict.fromkeys(extra_messages))) if extra_messages else ""
    if found is Truth.TRUE:
        return Outcome(Truth.TRUE, f"{kind.verb.capitalize()} {what}.{detail}", None, tuple(evidence))
    if found is Truth.UNKNOWN and extra_missing:
        return Outcome(Truth.UNKNOWN, f"Cannot tell yet: {' '.join(dict.fromkeys(extra_messages))}", "missing",
                       tuple(evidence), tuple(dict.fromkeys(extra_missing)))
    if found is Truth.UNKNOWN:
        return Outcome(Truth.UNKNOWN, f"Cannot tell whether the patient {kind.verb} {what}: the profile does not "
                       f"record the details.", "ambiguous", tuple(evidence), (f"details of the patient's {label}",))
    term = getattr(node, "term", None)
    if term is not None and target is None:
        return Outcome(Truth.UNKNOWN, f"'{term}' is not in the vocabulary; its absence cannot be confirmed.",
                       "ambiguous", tuple(evidence), (f"whether the patient has {term}",))
    if "planned" in node.qualifiers:
        return Outcome(Truth.UNKNOWN, f"Plans for {label} are not in the profile.", "missing", tuple(evidence),
                       (f"whether {label} is planned",))
    broader = [getattr(e, "name", None) or ctx.vocab.get(e.concept_id).name for e in entries  # type: ignore[attr-defined]
               if target and getattr(e, "concept_id", None) and e.concept_id != target  # type: ignore[attr-defined]
               and is_broader(e.concept_id, target, ctx)]  # type: ignore[attr-defined]
    if broader and not truths:
        # recorded as "psoriasis" against "pustular psoriasis", or as "hemodialysis" against
        # "chronic dialysis" (maintenance hemodialysis is both): maybe, maybe not
        return Outcome(Truth.UNKNOWN, f"The profile records {', '.join(broader)}, which may or may not be {label}.",
                       "ambiguous", tuple(evidence), (f"whether the patient's {', '.join(broader)} is {label}",))
    if not ctx.complete(kind.list_name):
        return Outcome(Truth.UNKNOWN, f"No {what} recorded, but the {kind.list_name} list is not marked complete.",
                       "missing", tuple(evidence), (f"whether the patient {kind.verb} {what}",))
    if target and ctx.vocab.get(target).unlisted:
        return Outcome(Truth.UNKNOWN, f"No {what} recorded; a problem list seldom names it, even when complete.",
                       "missing", tuple(evidence), (f"whether the patient {kind.verb} {what}",))
    if unresolved:
        return Outcome(Truth.UNKNOWN, f"No {what} recorded; {', '.join(unresolved)} could not be matched to the "
                       f"vocabulary.", "ambiguous", tuple(evidence), (f"whether {', '.join(unresolved)} is {label}",))
    if truths:  # matching entries, none of which counts
        return Outcome(Truth.FALSE, f"Nothing in the complete {kind.list_name} list counts as {what}.{detail}", None,
                       tuple(evidence))
    return Outcome(Truth.FALSE, f"No {what} in the complete {kind.list_name} list.", None, tuple(evidence))


def is_broader(recorded: str, asked: str, ctx: Context) -> bool:
    """A record one of whose kinds is what is asked ("psoriasis" against "pustular psoriasis"):
    it may or may not be that kind."""
    return any(ctx.vocab.is_a(d, asked) for d in ctx.vocab.descendants(recorded))


def _bare(node: HasCondition | TookMedication | HadProcedure | Vaccinated) -> bool:
    """A condition or drug named with no time at all: no window and no qualifier about time (an
    allergy or intolerance to a drug, found whenever, is one still)."""
    timed = {"history", "active", "current", "recurrent", "new", "planned", "chronic", "treated", "earlier",
             "recent", "stable", "intolerant", "allergic"}
    return node.window is None and getattr(node, "dated", None) is None and not timed & set(node.qualifiers)


def _same_words(a: str, b: str) -> bool:
    return re.sub(r"\W+", " ", a).strip().lower() == re.sub(r"\W+", " ", b).strip().lower()


def _condition(node: HasCondition, ctx: Context) -> Outcome:
    extra = (lambda e: _graded(node.grade, e)) if node.grade is not None else None
    return _history(node, _CONDITIONS, ctx, extra)


def _grade_words(grade: Grade) -> str:
    """"grade 2 or higher", "grade 3 or 4", "grade 3": the CTCAE grades that count, in words."""
    if grade.low == grade.high:
        return f"grade {grade.low}"
    if grade.high == 5:
        return f"grade {grade.low} or higher"
    if grade.low == 1:
        return f"grade {grade.high} or lower"
    return f"grade {' or '.join(str(g) for g in range(grade.low, grade.high + 1))}"


def _graded(grade: Grade, entry: object) -> Outcome:
    """A condition entry's recorded CTCAE grade against the grades that count; none recorded is unknown."""
    recorded = getattr(entry, "grade", None)
    name = getattr(entry, "name", None) or getattr(entry, "code", None) or "the condition"
    if recorded is None:
        return Outcome(Truth.UNKNOWN, f"The grade of {name} is not recorded.", "missing",
                       missing=(f"the CTCAE grade of {name}",))
    holds = grade.low <= recorded <= grade.high
    return Outcome(Truth.of(holds), f"{name[:1].upper()}{name[1:]} is grade {recorded}.", None,
                   (Evidence(item="grade", value=f"grade {recorded}", threshold=_grade_words(grade),
                             note=name),))


def _medication(node: TookMedication, ctx: Context) -> Outcome:
    extra = (lambda e: _dose(node, e, ctx)) if node.dose is not None else None
    return _history(node, _MEDICATIONS, ctx, extra)


_DOSE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(.+?)\s*$")


def _dose(node: TookMedication, entry: object, ctx: Context) -> Outcome:
    """A medication's dose against the rule's, or both ends of its range (one course meets both)."""
    assert node.dose is not None
    if node.dose_bound is None:
        return _dose_against(node.dose, node, entry, ctx)
    ends = [_dose_against(threshold, node, entry, ctx) for threshold in (node.dose, node.dose_bound)]
    truth = all_of([o.truth for o in ends])
    decisive = [o for o in ends if o.truth is truth] or ends
    return Outcome(truth, " ".join(dict.fromkeys(o.message for o in decisive)), decisive[0].reason,
                   tuple(e for o in ends for e in o.evidence), tuple(m for o in decisive for m in o.missing))


def _dose_against(threshold: Comparison, node: TookMedication, entry: object, ctx: Context) -> Outcome:
    """A medication's dose against one threshold, in prednisone equivalents for corticosteroids
    and per kg of the latest weight for mg/kg doses."""
    dose_text = getattr(entry, "dose", None)
    if not dose_text:
        return Outcome(Truth.UNKNOWN, "The dose is not recorded.", "missing", missing=("the medication dose",))
    m = _DOSE.match(dose_text)
    if m is None:
        return Outcome(Truth.UNKNOWN, f"Cannot read the dose '{dose_text}'.", "ambiguous")
    amount, unit = float(m.group(1)), m.group(2)
    try:
        given = amount * ureg.Quantity(1, parse_unit(unit))
        wanted_unit = parse_unit(threshold.unit or "")
    except (UnitError, Exception):
        return Outcome(Truth.UNKNOWN, f"Cannot read the dose unit '{unit}'.", "ambiguous")
    concept_id = getattr(entry, "concept_id", None)
    factor = 1.0
    if concept_id is not None and node.concept is not None and concept_id != node.concept:
        own = ctx.vocab.get(concept_id).prednisone_equivalent
        ref = ctx.vocab.get(node.concept).prednisone_equivalent
        if own is None or ref is None:
            return Outcome(Truth.UNKNOWN, "No dose equivalence between the two drugs.", "ambiguous")
        factor = own / ref
    given = given * factor
    notes = []
    if not given.check(wanted_unit) and (given / ureg.kilogram).check(wanted_unit):
        weight, unknown = (latest_reading(ctx.vocab.get("weight"), None, ctx) if ctx.vocab.lookup("weight")
                           else (None, None))
        if weight is None or not isinstance(weight.value, (int, float)):
            return Outcome(Truth.UNKNOWN, "A weight-based dose needs a recent weight.", "missing",
                           missing=("a recent weight",))
        kg = ureg.Quantity(float(weight.value), parse_unit(weight.unit or "kg")).to("kg")
        given = given / kg
        notes.append(f"weight {number(round(kg.magnitude, 1))} kg on {weight.day}")
    try:
        value = given.to(wanted_unit).magnitude
    except Exception:
        return Outcome(Truth.UNKNOWN, f"Cannot compare the dose {dose_text} with {threshold.unit}.", "ambiguous")
    holds = COMPARE[threshold.op](value, threshold.value)
    shown = f"{OP_WORDS[threshold.op]} {number(threshold.value)} {threshold.unit}"
    ev = Evidence(item="dose", value=dose_text, compared_as=f"{number(round(value, 3))} {threshold.unit}",
                  threshold=shown, note="; ".join(notes) or None)
    return Outcome(Truth.of(holds), f"Dose {dose_text} is {number(round(value, 3))} {threshold.unit}.", None, (ev,))


def _procedure(node: HadProcedure, ctx: Context) -> Outcome:
    return _history(node, _PROCEDURES, ctx)


def _vaccination(node: Vaccinated, ctx: Context) -> Outcome:
    return _history(node, _VACCINATIONS, ctx)


#: The evaluators of the node types this module decides.
EVALUATED: dict[type[Node], Callable[..., Outcome]] = {
    HasCondition: _condition, TookMedication: _medication, HadProcedure: _procedure, Vaccinated: _vaccination,
}
