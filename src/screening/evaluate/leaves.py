"""Status, lines of therapy, family history, counted episodes, attributes and the leaves a person
settles (judgement, free text, cohort, nothing asked).
"""

from __future__ import annotations

from collections.abc import Callable
import re
from datetime import date

from ..logic import Truth, all_of, any_of
from ..nodes import (
    Cohort, EpisodeCount, FamilyHistory, FreeText, HadProcedure, Indication, Judgement, NoRequirement, Node, HasAttribute,
    Status, TimeWindow, TookMedication, TreatmentLines, cohort_key, walk,
)
from .core import Context, Evidence, Outcome, matches
from .dates import window_start, window_words
from .history import NEGATED, QUALIFIER_WORDS, indicated, is_broader, qualifier, recurring
from .measures import COMPARE, OP_WORDS, evidence_for, latest_reading, qualitative, where


def _status(node: Status, ctx: Context) -> Outcome:
    p = ctx.patient
    f = node.field
    if f in ("female", "male"):
        if p.sex is None:
            return Outcome(Truth.UNKNOWN, "Sex is not recorded.", "missing", missing=("sex",))
        holds = p.sex == f
        return Outcome(Truth.of(holds), f"The patient is {p.sex}.", None,
                       (Evidence(item="sex", value=p.sex, source="sex"),))
    value = getattr(p, f)
    if value is None and f == "pregnant" and p.childbearing_potential is False:
        return Outcome(Truth.FALSE, "Not pregnant: the patient cannot become pregnant.", None,
                       (Evidence(item="childbearing potential", value="no", source="childbearing_potential"),))
    if value is None and f in ("pregnant", "breastfeeding", "childbearing_potential") and p.sex == "male":
        return Outcome(Truth.FALSE, f"Not {f.replace('_', ' ')}: the patient is male.", None,
                       (Evidence(item="sex", value="male", source="sex"),))
    if value is None and f == "pregnant":
        test = _pregnancy_test(ctx)
        if test is not None:
            return test
    words = f.replace("_", " ")
    if value is None:
        return Outcome(Truth.UNKNOWN, f"'{words}' is not recorded.", "missing", missing=(words,))
    return Outcome(Truth.of(value), f"{words.capitalize()}: {'yes' if value else 'no'}.", None,
                   (Evidence(item=words, value="yes" if value else "no", source=f),))


def _lines(node: TreatmentLines, ctx: Context) -> Outcome:
    """Lines of treatment that held a drug of the class: the distinct ``therapy_line`` numbers of
    the matching courses; a course without one is at least one line and at most one more. A
    course of any treatment at all (a class that covers every drug: "lines of therapy") without
    a line number may be no line: metformin is not a line of cancer therapy, and a procedure may
    be one (CAR-T cell therapy). A course that may lack a qualifier (systemic: its route
    unrecorded) may or may not count, as may one whose ``indication`` does not say whether it was
    given for what the lines were (``given_for``). More courses may be missing unless the
    medications list (and for any treatment, the procedures list) is complete."""
    label = ctx.vocab.get(node.concept).name
    medications = ctx.patient.medications
    matching = [(k, e) for k, e in enumerate(medications) if matches(e.concept_id, node.concept, ctx)
                and (e.start is None or e.start <= ctx.as_of)]
    given_for = {k: indicated(node.given_for, e, ctx) if node.given_for else Truth.TRUE for k, e in matching}
    counts = {k: all_of([*(qualifier(q, e, ctx, None) for q in node.qualifiers), given_for[k]]) for k, e in matching}
    sure = [e for k, e in matching if counts[k] is Truth.TRUE]
    maybe = [e for k, e in matching if counts[k] is not Truth.FALSE]
    numbered = {e.therapy_line for e in sure if e.therapy_line is not None}
    anything = bool(ctx.vocab.get(node.concept).covers)
    unnumbered_course = any(e.therapy_line is None for e in sure) and not anything
    fewest = len(numbered) or (1 if unnumbered_course else 0)
    possible = {e.therapy_line for e in maybe if e.therapy_line is not None}
    procedures = [p for p in ctx.patient.procedures if p.first_day is None or p.first_day <= ctx.as_of] if anything else []
    unnumbered = sum(1 for e in maybe if e.therapy_line is None) + len(procedures)
    closed = ctx.complete("medications") and all(e.concept_id is not None for e in medications) \
        and (not anything or ctx.complete("procedures"))
    most = len(possible) + unnumbered if closed else max(fewest, node.count + 1)  # beyond: all alike
    verdicts = {COMPARE[node.op](n, node.count) for n in range(fewest, most + 1)}
    evidence = tuple(Evidence(item="medication", value=e.name or label, date=e.start.isoformat() if e.start else None,
                              source=where(ctx.patient, "medications", k, e),
                              note=f"therapy line {e.therapy_line}" if e.therapy_line else "therapy line not recorded")
                     for k, e in matching)
    quals = f" ({', '.join(QUALIFIER_WORDS.get(q, q) for q in node.qualifiers)})" if node.qualifiers else ""
    given = f" for {_indication_words(node.given_for, ctx)}" if node.given_for else ""
    asked = f"lines of {label}{quals}{given} {OP_WORDS[node.op]} {node.count}"
    counted = f"{fewest}" if closed and fewest == most else (f"{fewest} to {most}" if closed else f"at least {fewest}")
    if verdicts == {True}:
        return Outcome(Truth.TRUE, f"{counted.capitalize()} line(s) of {label}: {asked}.", None, evidence)
    if verdicts == {False}:
        return Outcome(Truth.FALSE, f"{counted.capitalize()} line(s) of {label}: not {asked}.", None, evidence)
    missing = ("what each course was given for" if any(v is Truth.UNKNOWN for v in given_for.values()) else
               "how each course was given (systemic or not)" if len(maybe) > len(sure) else
               "which line of treatment each course was" if unnumbered > len(procedures) else
               "whether the medications list is complete" if not ctx.complete("medications") else
               "which procedures were lines of treatment" if procedures else "whether the procedures list is complete")
    return Outcome(Truth.UNKNOWN, f"{counted.capitalize()} line(s) of {label} recorded; cannot tell whether {asked}.",
                   "missing", evidence, (missing,))


def _indication_words(given_for: Indication, ctx: Context) -> str:
    """"metastatic NSCLC": what courses were given for, in words."""
    return " ".join([*(QUALIFIER_WORDS.get(q, q) for q in given_for.qualifiers), ctx.vocab.get(given_for.concept).name])


# Relations that are a parent, a sibling or a child, and relations that are further away; any
# other relation (or none) leaves "a first-degree relative" unknown.
_FIRST_DEGREE = {"mother", "father", "parent", "brother", "sister", "sibling", "son", "daughter", "child", "twin",
                 "twin brother", "twin sister", "first-degree relative", "first degree relative", "first-degree"}


_NOT_FIRST_DEGREE = {"grandmother", "grandfather", "grandparent", "aunt", "uncle", "cousin", "niece", "nephew",
                     "grandchild", "grandson", "granddaughter", "half-brother", "half-sister", "half-sibling",
                     "second-degree relative", "second degree relative", "third-degree relative", "spouse"}


def _first_degree(relation: str | None) -> Truth:
    said = " ".join((relation or "").lower().split())
    if said in _FIRST_DEGREE:
        return Truth.TRUE
    return Truth.FALSE if said in _NOT_FIRST_DEGREE else Truth.UNKNOWN


def _family_history(node: FamilyHistory, ctx: Context) -> Outcome:
    """A relative's condition of the class, from the profile's ``family_history`` list (open
    unless ``complete`` names it, like any other list); for "a first-degree relative", one whose
    ``relation`` is a parent, a sibling or a child."""
    label = ctx.vocab.get(node.concept).name
    who = "a first-degree relative" if node.first_degree else "a relative"
    evidence: list[Evidence] = []
    unresolved: list[str] = []
    maybe: list[str] = []
    for k, e in enumerate(ctx.patient.family_history):
        name = e.name or e.code or "?"
        seen = Evidence(item="family history", value=name, source=where(ctx.patient, "family_history", k, e),
                        note=e.relation)
        close = _first_degree(e.relation) if node.first_degree else Truth.TRUE
        if e.concept_id is None:
            unresolved.append(name)
        elif close is Truth.FALSE:
            continue  # a cousin's, against "a first-degree relative"
        elif matches(e.concept_id, node.concept, ctx) and close is Truth.TRUE:
            return Outcome(Truth.TRUE, f"Family history of {label} in {who}: {name}.", None, (seen,))
        elif matches(e.concept_id, node.concept, ctx) or is_broader(e.concept_id, node.concept, ctx):
            # which relative is not said, or "thyroid cancer" against "medullary thyroid carcinoma"
            maybe.append(name)
            evidence.append(seen)
    if maybe:
        return Outcome(Truth.UNKNOWN, f"The family history records {', '.join(maybe)}, which may or may not be "
                       f"{label} in {who}.", "ambiguous", tuple(evidence),
                       (f"whether the family history's {maybe[0]} is {label} in {who}",))
    if not ctx.complete("family_history"):
        return Outcome(Truth.UNKNOWN, f"No {label} in the family history, but that list is not marked complete.",
                       "missing", missing=(f"whether {who} has had {label}",))
    if unresolved:
        return Outcome(Truth.UNKNOWN, f"No {label} in the family history; {', '.join(unresolved)} could not be "
                       f"matched to the vocabulary.", "ambiguous", missing=(f"whether {unresolved[0]} is {label}",))
    return Outcome(Truth.FALSE, f"No {label} in {who} in the complete family history.")


def _episode_in_window(entry: object, window: TimeWindow | None, ctx: Context) -> Truth:
    """Whether an episode, dated by its onset, lies in the window: one that began before it and
    ended inside it may or may not be counted as one of its episodes."""
    onset, end = getattr(entry, "onset", None), getattr(entry, "end", None)
    if onset is not None and onset > ctx.as_of:
        return Truth.FALSE
    if window is None:
        return Truth.TRUE
    if onset is None:
        return Truth.UNKNOWN
    if onset >= window_start(window, ctx.as_of):
        return Truth.TRUE
    return Truth.UNKNOWN if end is not None and end >= window_start(window, ctx.as_of) else Truth.FALSE


# Routes that make a drug systemic, as a note writes them ("oral prednisone", "IV methylprednisolone").
_SYSTEMIC_ROUTE = re.compile(r"\b(?:oral|orally|po|iv|intravenous|intravenously|intramuscular|im|systemic)\b",
                             re.IGNORECASE)


def _needed(requiring: Node, entry: object, ctx: Context) -> Truth:
    """Whether an episode needed the treatment asked ("requiring systemic corticosteroids"). Only
    the episode's own note can say so, by naming a drug or procedure of the kind ("treated with
    oral prednisone"); a note that names none, or that negates, leaves it unknown, never false."""
    note = getattr(entry, "note", None) or ""
    if not note or NEGATED.search(note):
        return Truth.UNKNOWN
    words = re.findall(r"[\w'/-]+", note)
    named = {c.id for n in range(1, 5) for i in range(len(words) - n + 1)
             if (c := ctx.vocab.lookup(" ".join(words[i:i + n]))) is not None}
    for asked in walk(requiring):
        if not isinstance(asked, (TookMedication, HadProcedure)) or asked.concept is None:
            continue
        if any(ctx.vocab.is_a(c, asked.concept) for c in named) and all(
                q == "systemic" and _SYSTEMIC_ROUTE.search(note) for q in asked.qualifiers):
            return Truth.TRUE
    return Truth.UNKNOWN


# Entries of one event this close together may be one episode recorded twice (on admission and at
# discharge, from two sources): only onsets further apart are surely two episodes.
SAME_EPISODE_DAYS = 14


def _fewest_episodes(onsets: set[date | None]) -> int:
    """The fewest episodes the surely counted entries can be: each run of onsets less than
    SAME_EPISODE_DAYS after the run's first may be one, and an undated entry may be any of them."""
    fewest, first = 0, None
    for day in sorted(d for d in onsets if d is not None):
        if first is None or (day - first).days >= SAME_EPISODE_DAYS:
            fewest, first = fewest + 1, day
    return fewest or (1 if None in onsets else 0)


def _episodes(node: EpisodeCount, ctx: Context) -> Outcome:
    """How many episodes of an acute event: the patient's condition entries of it, each dated by
    its onset. Entries with onsets less than SAME_EPISODE_DAYS apart (or none) are one episode for
    sure and at most as many as they are: one episode is often recorded twice (under two names,
    from two sources, on admission and at discharge), while two so close are possible. An entry
    whose qualifiers or date the profile does not settle may or may not count; a record broader
    than the event ("heart failure" for a hospitalization for it), of the disease it is an episode
    of ("COPD" for its exacerbations), or one that says the event recurs, may hold any number; what each needed is read from its note. More episodes may be
    missing unless the conditions list is complete."""
    label = ctx.vocab.get(node.concept).name
    sure: set[date | None] = set()
    possible = 0
    unbounded = not (ctx.complete("conditions") and all(c.concept_id is not None for c in ctx.patient.conditions))
    evidence: list[Evidence] = []
    for k, e in enumerate(ctx.patient.conditions):
        concept = e.concept_id
        if concept is None:
            continue
        if matches(concept, node.concept, ctx) and recurring(e, ctx):
            # one entry for episodes that keep coming back: any number of them since its onset
            truth = Truth.FALSE if e.onset is not None and e.onset > ctx.as_of else Truth.UNKNOWN
            unbounded = unbounded or truth is Truth.UNKNOWN
        elif matches(concept, node.concept, ctx):
            checks = [qualifier(q, e, ctx, node.window) for q in node.qualifiers]
            if node.either:
                checks.append(any_of([qualifier(q, e, ctx, node.window) for q in node.either]))
            if node.requiring is not None:
                checks.append(_needed(node.requiring, e, ctx))
            checks.append(_episode_in_window(e, node.window, ctx))
            truth = all_of(checks)
        elif concept != node.concept and is_broader(concept, node.concept, ctx) and ctx.vocab.is_event(concept):
            # "stroke" against ischaemic strokes: one event, which may or may not be one of them
            truth = Truth.FALSE if _episode_in_window(e, node.window, ctx) is Truth.FALSE else Truth.UNKNOWN
        elif concept != node.concept and (is_broader(concept, node.concept, ctx) or any(
                ctx.vocab.is_a(concept, d) for d in ctx.vocab.get(node.concept).manifestation_of)):
            # "heart failure" against hospitalizations for it, "COPD" against its exacerbations:
            # while it went on, there may have been some (a complete list names the diagnoses, not
            # necessarily each episode of them)
            began = e.onset is None or e.onset <= ctx.as_of
            lasted = e.end is None or node.window is None or e.end >= window_start(node.window, ctx.as_of)
            truth = Truth.UNKNOWN if began and lasted else Truth.FALSE
            unbounded = unbounded or truth is Truth.UNKNOWN  # one record, any number of episodes
        else:
            continue
        if truth is Truth.TRUE:
            sure.add(e.onset)
        if truth is not Truth.FALSE:
            possible += 1
        note = "counts" if truth is Truth.TRUE else ("does not count" if truth is Truth.FALSE else "may count")
        evidence.append(Evidence(item="condition", value=e.name or ctx.vocab.get(concept).name,
                                 date=e.onset.isoformat() if e.onset else None,
                                 source=where(ctx.patient, "conditions", k, e), note=note))
    fewest = _fewest_episodes(sure)
    most = max(possible, node.count + 1) if unbounded else possible  # beyond the count: all alike
    verdicts = {COMPARE[node.op](n, node.count) for n in range(fewest, most + 1)}
    words = [w for w in (QUALIFIER_WORDS.get(q, q) for q in node.qualifiers) if w]
    if node.either:
        words.append(" or ".join(QUALIFIER_WORDS.get(q, q) for q in node.either))
    if node.requiring is not None:
        needed = [" ".join([*(QUALIFIER_WORDS.get(q, q) for q in n.qualifiers), ctx.vocab.get(n.concept).name])
                  for n in walk(node.requiring) if getattr(n, "concept", None) and ctx.vocab.lookup(n.concept)]
        words.append("requiring " + (" or ".join(needed) or "the treatment asked"))
    what = label + (f" ({', '.join(words)})" if words else "") + (
        f" {window_words(node.window)}" if node.window else "")
    counted = str(fewest) if fewest == most else (f"at least {fewest}" if unbounded else f"{fewest} to {most}")
    found = f"{counted.capitalize()} episode(s) of {what} recorded"
    limit = f"{OP_WORDS[node.op]} {node.count}"
    if verdicts == {True}:
        return Outcome(Truth.TRUE, f"{found}; {limit} asked.", None, tuple(evidence))
    if verdicts == {False}:
        return Outcome(Truth.FALSE, f"{found}; {limit} asked.", None, tuple(evidence))
    if node.requiring is not None and possible:
        missing = f"what each episode of {label} was treated with (in its note)"
    elif possible > fewest:
        missing = f"the date and details of each episode of {label}"
    else:
        missing = f"whether the patient had other episodes of {label}"
    return Outcome(Truth.UNKNOWN, f"{found}; cannot tell whether {limit}, as asked.", "missing",
                   tuple(evidence), (missing,))


def _attribute(node: HasAttribute, ctx: Context) -> Outcome:
    concept = ctx.vocab.get(node.concept)
    for key, value in ctx.patient.attributes.items():
        found = ctx.vocab.lookup(key)
        if found is not None and found.id == node.concept:
            answer = "yes" if value else "no"
            return Outcome(Truth.of(value), f"{concept.name.capitalize()}: {answer}.", None,
                           (Evidence(item=concept.name, value=answer, source=f"attributes.{key}"),))
    for key, value in ctx.patient.attributes.items():
        found = ctx.vocab.lookup(key)
        if value and found is not None and found.id != node.concept and ctx.vocab.is_a(found.id, node.concept):
            # a fact that implies this one ("recovered to grade 1 or baseline" has recovered)
            return Outcome(Truth.TRUE, f"{found.name.capitalize()}: yes, so {concept.name}.", None,
                           (Evidence(item=found.name, value="yes", source=f"attributes.{key}"),))
    if ctx.patient.consent and any(ctx.vocab.is_a(able, node.concept) for able in ("able_to_consent", "able_to_comply")):
        # who has signed was able and willing to (and so could consent or comply, through
        # someone else or not)
        return Outcome(Truth.TRUE, "Informed consent is signed.", None,
                       (Evidence(item="consent", value="signed", source="consent"),))
    return Outcome(Truth.UNKNOWN, f"'{concept.name}' is not recorded.", "missing", missing=(concept.name,))


def _pregnancy_test(ctx: Context) -> Outcome | None:
    concept = ctx.vocab.lookup("pregnancy test")
    if concept is None:
        return None
    reading, _ = latest_reading(concept, TimeWindow(amount=30, unit="days"), ctx)
    if reading is None:
        return None
    result = qualitative(reading.value)
    if result is None:
        return None
    return Outcome(Truth.of(result == "positive"), f"Pregnancy test {result} on {reading.day}.", None,
                   (evidence_for(reading),))


def _judgement(node: Judgement, ctx: Context) -> Outcome:
    return Outcome(Truth.UNKNOWN, "Needs the investigator's judgement.", "judgement",
                   missing=("the investigator's judgement",))


def _free_text(node: FreeText, ctx: Context) -> Outcome:
    return Outcome(Truth.UNKNOWN, f"Not read by the compiler: “{_clip(node.text)}”.", "free_text",
                   missing=(f"a coordinator's answer to “{_clip(node.text)}”",))


def _cohort(node: Cohort, ctx: Context) -> Outcome:
    listed = ctx.patient.cohorts
    if listed is None:
        return Outcome(Truth.UNKNOWN, f"Which cohort is the patient screened for? This criterion applies to "
                                      f"'{node.text}'.", "cohort", missing=("the cohorts the patient is screened for",))
    screened = any(cohort_key(c) == cohort_key(node.text) for c in listed)
    evidence = (Evidence(item="cohorts", value=", ".join(listed), source="cohorts"),)
    if screened:
        return Outcome(Truth.TRUE, f"Screened for the cohort '{node.text}'.", None, evidence)
    return Outcome(Truth.FALSE, f"Not screened for the cohort '{node.text}'.", None, evidence)


_NOTHING_ASKED = {
    "allows": "States what is allowed; asks nothing",
    "refers": "Refers to another section; asks nothing",
    "unspecified": "States that nothing is specified; asks nothing",
    "defines": "Defines a term that other criteria use; asks nothing",
}


def _no_requirement(node: NoRequirement, ctx: Context) -> Outcome:
    # whichever truth passes the patient: an inclusion's statement holds, an exclusion's does not
    truth = Truth.FALSE if ctx.criterion_kind == "exclusion" else Truth.TRUE
    return Outcome(truth, f"{_NOTHING_ASKED[node.says]}: “{_clip(node.text)}”.")


def _clip(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: The evaluators of the node types this module decides.
EVALUATED: dict[type[Node], Callable[..., Outcome]] = {
    FamilyHistory: _family_history, TreatmentLines: _lines, EpisodeCount: _episodes, HasAttribute: _attribute,
    Status: _status, Judgement: _judgement, FreeText: _free_text, Cohort: _cohort, NoRequirement: _no_requirement,
}
