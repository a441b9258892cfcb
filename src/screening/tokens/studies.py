"""Token passes for the sponsors' templates on other studies, operations, courses and vaccines:
what a phrase refers back to ("such a vaccine", "plans to receive one", "the intervention"), a
plan "during <study drug> treatment or within 5 months after its final dose" (during the study),
sentences that only restate a live-vaccine exclusion, what an operation was for or is said to be
("other than for diagnosis", "primary", "under spinal anesthesia", kept in words beside it), an
operation one is "undergoing" (done or scheduled), examples given after an exception (excepted
too), and "If …, they must …" (a requirement).
"""

from __future__ import annotations

import re

from lark import Token

from ..vocabulary import Vocabulary
from .lexicon import retyped, token


def studies_and_procedures(tokens: list[Token], text: str, vocab: Vocabulary) -> list[Token]:
    """The passes of this module, in order."""
    tokens = _mri_examples(_any_vaccine(tokens, text))
    tokens = _undergoing(_such_a_kind(tokens, vocab, text), vocab, text)
    tokens = _under_anaesthesia(tokens, text)
    tokens = _said_of_an_operation(_for_diagnosis(_during_study_drug(tokens, text), text), text)
    tokens = _vaccines_restated(_examples_of_named(tokens), vocab)
    tokens = _day_one_of_treatment(_significant_injury(_unless_observational(tokens, text), text))
    tokens = _active_participation(_examples_of_the_excepted(tokens), vocab)
    return _comma_before_then(tokens, text)


_UNDERGOING = re.compile(r"(?i)undergoing")


def _undergoing(tokens: list[Token], vocab: Vocabulary, text: str) -> list[Token]:
    """"Patients undergoing total knee arthroplasty": an operation that is being done, or is
    scheduled (read as now only, it failed a patient whose operation is next week). Not what is
    not an operation ("undergoing radiotherapy", "undergoing dialysis"), which goes on now, nor
    what is "currently undergoing"."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        named = k + 1
        while named < len(tokens) and tokens[named].type == "WORD" and tokens[named].value.lower() in _SAID_OF_AN_OPERATION:
            named += 1  # ("undergoing open colorectal surgery")
        if t.type == "QUAL" and t.value == "current" and _UNDERGOING.fullmatch(text[t.start_pos:t.end_pos]) \
                and named < len(tokens) and tokens[named].type == "PROC" and vocab.is_a(tokens[named].value, "surgery"):
            out.extend([t, token("OR", "or", t.end_pos, t.end_pos), retyped(t, "QUAL", "planned")])
            continue
        out.append(t)
    return out


def _active_participation(tokens: list[Token], vocab: Vocabulary) -> list[Token]:
    """"Active participation in another clinical trial": taking part now (a trial is not a disease
    that is active or quiet)."""
    out = list(tokens)
    for k, t in enumerate(tokens):
        after = tokens[k + 2] if k + 2 < len(tokens) and tokens[k + 1].type == "OTHER" else \
            tokens[k + 1] if k + 1 < len(tokens) else None
        if t.type == "QUAL" and t.value == "active" and after is not None and after.type == "PROC" \
                and vocab.is_a(after.value, "research_participation"):
            out[k] = retyped(t, "QUAL", "current")
    return out


_NAMED = frozenset({"VACC", "PROC", "MED"})


def _sentences(tokens: list[Token]) -> list[tuple[int, int]]:
    """Where each sentence of the tokens begins and ends (its PERIOD or SEMI included)."""
    bounds, start = [], 0
    for k, t in enumerate(tokens):
        if t.type in ("PERIOD", "SEMI"):
            bounds.append((start, k + 1))
            start = k + 1
    if start < len(tokens):
        bounds.append((start, len(tokens)))
    return bounds


def _examples_of_named(tokens: list[Token]) -> list[Token]:
    """"… a live vaccine within 30 days … Examples of live vaccines include, but are not limited to,
    the following: measles, mumps, …": a sentence of examples of what a sentence before named,
    which is read, asks nothing more ("e.g." after a name likewise gives examples of the head)."""
    for start, end in _sentences(tokens):
        said = tokens[start:end]
        if start and len(said) > 2 and said[0].type == "WORD" and said[0].value.lower() == "examples" \
                and said[1].type in _NAMED and said[2].type == "INCLUDING" \
                and any(x.type == said[1].type and x.value == said[1].value for x in tokens[:start]):
            return _examples_of_named([*tokens[:start], *tokens[end:]])
    return tokens


# what a sentence may say of one vaccine beside its kind: "(seasonal influenza vaccines) for
# injection are generally (killed vaccines)", "(intranasal influenza vaccines) (eg, FluMist®) are"
_BESIDE_A_KIND = frozenset({"WORD", "VACC", "LPAR", "RPAR", "INCLUDING", "COMMA", "HOWEVER"})


def _vaccines_restated(tokens: list[Token], vocab: Vocabulary) -> list[Token]:
    """"Has received a live vaccine within 30 days … Seasonal influenza vaccines for injection are
    generally killed virus vaccines and are allowed; however, intranasal influenza vaccines (eg,
    FluMist®) are live attenuated vaccines and are not allowed": after a sentence on live vaccines,
    one that allows vaccines of a kind that is not live, or forbids some that are, with no time of
    its own, says what the first already does, and asks nothing more. Only where every vaccine
    named before is live."""
    for start, end in _sentences(tokens):
        said = [x for x in tokens[start:end] if x.type not in ("PERIOD", "SEMI", "AND")]
        named = [vocab.lookup(x.value) for x in tokens[:start] if x.type == "VACC"]
        if not start or len(said) < 2 or not named or not all(c is not None and c.live for c in named):
            continue  # (after "any vaccine within 14 days", allowing killed ones is not idle)
        verdict, kind = said[-1], said[-2]
        if kind.type != "VACC" or not all(x.type in _BESIDE_A_KIND for x in said[:-2]):
            continue
        live = vocab.lookup(kind.value).live if vocab.lookup(kind.value) else None
        if (verdict.type, live) in (("HOWEVER_ALLOWED", False), ("EXCLUDED", True)):
            return _vaccines_restated([*tokens[:start], *tokens[end:]], vocab)
    return tokens


# what an operation named before is called again
_THE_OPERATION = frozenset({"intervention", "procedure", "operation", "surgery"})


def _such_a_kind(tokens: list[Token], vocab: Vocabulary, text: str) -> list[Token]:
    """"A live vaccine within 4 weeks …, or anticipation of need for such a vaccine during the
    study": "such a vaccine" is the live vaccine named before it, not any vaccine (read as any, it
    would exclude a patient planning a flu shot); "plans to receive one", and an operation called
    again "the intervention", likewise. Only where one thing of that kind was named before in the
    clause; "need for" after the plan is the plan's (tokens.treatment.expected_to_require)."""
    for k, t in enumerate(tokens):
        if t.type == "NUMBER" and text[t.start_pos:t.end_pos].lower() == "one" and k and tokens[k - 1].type == "QUAL" \
                and tokens[k - 1].value == "planned":
            # "… or plans to receive one during the study": one of what was named before
            named = {(x.type, x.value) for x in tokens[:k] if x.type in _NAMED}
            if len(named) == 1:
                kind, value = named.pop()
                first = k - 1
                while first > 0 and tokens[first - 1].type == "QUAL" and tokens[first - 1].value == "planned":
                    first -= 1  # ("plans to receive": one plan)
                return _such_a_kind([*tokens[:first + 1], retyped(t, kind, value), *tokens[k + 1:]], vocab, text)
            continue
        if t.type == "WORD" and t.value.lower() in _THE_OPERATION and text[:t.start_pos].rstrip().lower().endswith("the"):
            # "If participant received major surgery, they must have recovered … from the
            # intervention": the operation named before
            named = {x.value for x in tokens[:k] if x.type == "PROC" and vocab.is_a(x.value, "surgery")}
            if len(named) == 1:
                return _such_a_kind([*tokens[:k], retyped(t, "PROC", named.pop()), *tokens[k + 1:]], vocab, text)
            continue
        if not (t.type == "WORD" and t.value.lower() == "such" and k + 1 < len(tokens)
                and tokens[k + 1].type in _NAMED):
            continue
        generic = tokens[k + 1]
        before = {x.value for x in tokens[:k] if x.type == generic.type and x.value != generic.value
                  and vocab.is_a(x.value, generic.value)}
        if len(before) != 1:
            continue
        kind = retyped(generic, generic.type, before.pop())
        first = k - 1 if k and tokens[k - 1].type == "REQUIRING" and k > 1 and tokens[k - 2].type == "QUAL" \
            and tokens[k - 2].value == "planned" else k
        return _such_a_kind([*tokens[:first], kind, *tokens[k + 2:]], vocab, text)
    return tokens


# "during atezolizumab treatment", "during treatment with atezolizumab": the course of a drug
_DURING_DRUG = re.compile(r"(?i)\s*during\s+(?:(?:the|study)\s+)?$")
_DRUG_TREATMENT = re.compile(r"(?i)\s*(?:treatment|therapy)\b")
# "… or within 5 months after the final dose of atezolizumab": the time after it the plan reaches
_AFTER_LAST_DOSE = re.compile(r"(?i)\s*,?\s*(?:or|and)\s+(?:within|up\s+to|for)\s+\d+\s+(?:days?|weeks?|months?)\s+"
                              r"(?:after|following)\s+(?:the\s+)?(?:final|last)\s+dose(?:\s+of\s+(?:the\s+)?"
                              r"(?P<drug>[\w-]+)(?:\s+(?:treatment|therapy))?)?")


def _during_study_drug(tokens: list[Token], text: str) -> list[Token]:
    """"Anticipation of need for such a vaccine during atezolizumab treatment or within 5 months
    after the final dose of atezolizumab": a plan for the course of the study's drug and the time
    after it, which is a plan during the study (DURING_TRIAL). Only after a plan in the clause: a
    drug's course named elsewhere ("bleeding during warfarin treatment") is not the study's."""
    for k, t in enumerate(tokens):
        if not (t.type == "MED" and k and any(x.type == "QUAL" and x.value == "planned" for x in tokens[:k])):
            continue
        during = _DURING_DRUG.search(text, 0, t.start_pos)
        course = _DRUG_TREATMENT.match(text, t.end_pos)
        if during is None or during.end() != t.start_pos or course is None:
            continue
        end = course.end()
        after = _AFTER_LAST_DOSE.match(text, end)
        if after is not None and after.group("drug") not in (None, text[t.start_pos:t.end_pos]):
            continue  # the last dose of another drug
        if after is not None:
            end = after.end()
        opens = next(j for j in range(k, -1, -1) if j == 0 or tokens[j - 1].end_pos <= during.start())
        if opens != k and not all(x.type == "WORD" for x in tokens[opens:k]):
            continue
        closes = next((j for j in range(k + 1, len(tokens)) if tokens[j].start_pos >= end), len(tokens))
        if closes < len(tokens) and tokens[closes].type not in ("PERIOD", "SEMI"):
            continue
        return [*tokens[:opens], token("DURING_TRIAL", "during the study", during.start(), end), *tokens[closes:]]
    return tokens


# "Major surgical procedure, other than for diagnosis, …": what the operation was for, which the
# profile does not record
_FOR_DIAGNOSIS = re.compile(r"(?i)\s*\(?\s*(?P<said>other\s+than\s+(?:for\s+)?(?:diagnosis|diagnostic\s+purposes))"
                            r"\s*\)?")


def _for_diagnosis(tokens: list[Token], text: str) -> list[Token]:
    """"Major surgical procedure, other than for diagnosis, within 4 weeks": an operation done to
    diagnose does not count, which no profile records, so the words are kept beside the surgery
    (SITE, as where it was done is): a patient with no major surgery is decided, one with it waits."""
    for k, t in enumerate(tokens):
        if not (t.type == "PROC" and t.value == "major_surgery"):
            continue
        comma = text[t.end_pos:t.end_pos + 1] == ","
        said = _FOR_DIAGNOSIS.match(text, t.end_pos + comma)
        if said is None:
            continue
        end = said.end() + (comma and text[said.end():said.end() + 1] == ",")  # "…, other than for diagnosis, …"
        closes = next((j for j in range(k + 1, len(tokens)) if tokens[j].start_pos >= end), len(tokens))
        if closes < len(tokens) and tokens[closes].type in ("OR", "AND", "ANDOR"):
            continue  # "other than diagnosis or biopsy": what else is excepted
        site = token("SITE", "for diagnosis", said.start("said"), said.end("said"))
        return [*tokens[:k + 1], site, *tokens[closes:]]
    return tokens


def _mri_examples(tokens: list[Token]) -> list[Token]:
    """"Inability to undergo MRI (e.g., pacemaker, claustrophobia)": the examples are of why one
    may not, and the head is read. (A "contraindication to MRI" is the investigator's call, and
    stays words.)"""
    for k, t in enumerate(tokens):
        if t.type == "ATTR" and t.value == "undergoes_mri" and k + 2 < len(tokens) and tokens[k + 1].type == "LPAR" \
                and tokens[k + 2].type == "INCLUDING":
            closes = next((m for m in range(k, len(tokens)) if tokens[m].type == "RPAR"), None)
            if closes is not None:
                return [*tokens[:k + 1], *tokens[closes + 1:]]
    return tokens


# "(another clinical study,) unless it is an observational (non-interventional) clinical study":
# research that is not observational is a trial of an intervention; "or during the follow-up
# period of an interventional study" is a time the trial may still be going on
_UNLESS_OBSERVATIONAL = re.compile(
    r"(?i)\s*,?\s*unless\s+(?:it\s+is\s+|this\s+is\s+)?(?:an?\s+)?observational\s+(?:\(\s*non-?\s*interventional\s*\)\s+)?"
    r"(?:clinical\s+)?(?:study|studies|trial|trials)"
    r"(?:\s+or\s+(?P<follow_up>(?:during|in)\s+the\s+follow-?\s*up\s+(?:period|phase)\s+of\s+an?\s+interventional\s+"
    r"(?:clinical\s+)?(?:study|trial)))?(?=\s*(?:[.;]|$))")


def _unless_observational(tokens: list[Token], text: str) -> list[Token]:
    """"Concurrent enrolment in another clinical study, unless it is an observational
    (non-interventional) clinical study or during the follow-up period of an interventional
    study": a study of an intervention (a clinical trial), now, unless only its follow-up goes on,
    which a profile does not record and is kept in words (UNLESS_WORDS): a patient in no trial is
    decided, one in a trial waits for a coordinator."""
    for k, t in enumerate(tokens):
        if not (t.type == "PROC" and t.value == "research_participation"):
            continue
        said = _UNLESS_OBSERVATIONAL.match(text, t.end_pos)
        if said is None:
            continue
        closes = next((j for j in range(k + 1, len(tokens)) if tokens[j].start_pos >= said.end()), len(tokens))
        trial = retyped(t, "PROC", "clinical_trial_participation")
        unless = [token("UNLESS_WORDS", "follow-up", said.start("follow_up"), said.end("follow_up"))] \
            if said.group("follow_up") else []
        return [*tokens[:k], trial, *unless, *tokens[closes:]]
    return tokens


_JOINS = frozenset({"COMMA", "OR", "ANDOR", "AND"})


def _significant_injury(tokens: list[Token], text: str) -> list[Token]:
    """"Major surgical procedure, open biopsy, or significant traumatic injury within 28 days": a
    severe injury is a significant one, so reading "significant" as severe excludes no one the
    words would not (a moderate injury is left to pass, an injury of no recorded severity waits).
    Only in a list after an operation, where the injury is one more thing a patient has been
    through lately (a trial of injured patients may ask for a "significant" one)."""
    for k, t in enumerate(tokens):
        if not (t.type == "JUDGEMENT" and text[t.start_pos:t.end_pos].lower() == "significant"
                and k + 1 < len(tokens) and tokens[k + 1].type == "COND" and tokens[k + 1].value == "traumatic_injury"):
            continue
        j = k - 1
        while j >= 0 and tokens[j].type in _JOINS:
            j -= 1
        if j == k - 1 or j < 0 or tokens[j].type != "PROC":
            continue
        return [*tokens[:k], retyped(t, "QUAL", "severe"), *tokens[k + 1:]]
    return tokens


def _day_one_of_treatment(tokens: list[Token]) -> list[Token]:
    """"Within 28 days prior to Day 1 of study treatment": the day of the first dose."""
    for k, t in enumerate(tokens):
        if t.type == "ANCHOR" and t.value == "baseline" and k + 2 < len(tokens) and tokens[k + 1].type == "OF" \
                and tokens[k + 2].type == "ANCHOR" and tokens[k + 2].value == "first_dose":
            day_one = token("ANCHOR", "first_dose", t.start_pos, tokens[k + 2].end_pos)
            return _day_one_of_treatment([*tokens[:k], day_one, *tokens[k + 3:]])
    return tokens


_NAMES = frozenset({"COND", "MED", "PROC", "VACC"})
_NAME_JOINS = frozenset({"COMMA", "OR", "AND", "ANDOR"})


def _examples_of_the_excepted(tokens: list[Token]) -> list[Token]:
    """"Surgery within 6 weeks, excluding minor procedures (e.g., dental work, skin biopsy)": the
    examples are of what is excepted, so they are excepted too (read after the exception, they were
    taken for more of what excludes, and a dental procedure excluded a patient the words let in).
    Only where the examples are names and nothing else."""
    for k, t in enumerate(tokens):
        if t.type != "EXCEPT":
            continue
        j = k + 1
        while j < len(tokens) and (tokens[j].type in _NAMES or tokens[j].type in _NAME_JOINS and j > k + 1):
            j += 1
        if j == k + 1 or tokens[j - 1].type not in _NAMES:
            continue
        bracket = j < len(tokens) and tokens[j].type == "LPAR"
        at = j + 1 if bracket else j
        if not (at < len(tokens) and tokens[at].type == "INCLUDING"):
            continue
        end = at + 1
        while end < len(tokens) and (tokens[end].type in _NAMES or tokens[end].type in _NAME_JOINS):
            end += 1
        examples = [x for x in tokens[at + 1:end] if x.type in _NAMES]
        if not examples or tokens[end - 1].type not in _NAMES:
            continue
        if end < len(tokens) and tokens[end].type == "ETC":
            end += 1
        if bracket and not (end < len(tokens) and tokens[end].type == "RPAR"):
            continue
        end += bracket
        listed = [x for e in examples for x in (token("COMMA", ",", e.start_pos, e.start_pos), e)]
        return [*tokens[:j], *listed, *tokens[end:]]
    return tokens


# "any vaccine (licensed or investigational)", "any licensed or investigational vaccine": both kinds, any
_LICENSED_OR_NOT = re.compile(r"(?i)\(?\s*(?:licensed|approved|authori[sz]ed)\s+or\s+(?:investigational|experimental)"
                              r"\s*\)?")


def _any_vaccine(tokens: list[Token], text: str) -> list[Token]:
    """"Receipt of any vaccine (licensed or investigational) within 30 days": a vaccine of either
    kind is any vaccine."""
    for k, t in enumerate(tokens):
        if t.type == "VACC":
            said = _LICENSED_OR_NOT.match(text, t.end_pos + len(text[t.end_pos:]) - len(text[t.end_pos:].lstrip()))
            before = _LICENSED_OR_NOT.search(text, 0, t.start_pos)
            if said is not None and said.group().startswith("(") and k + 1 < len(tokens) \
                    and tokens[k + 1].start_pos < said.end():
                closes = next((j for j in range(k + 1, len(tokens)) if tokens[j].start_pos >= said.end()), len(tokens))
                return _any_vaccine([*tokens[:k + 1], *tokens[closes:]], text)
            if before is not None and not text[before.end():t.start_pos].strip() and not before.group().startswith("("):
                opens = next(j for j in range(k, -1, -1) if j == 0 or tokens[j - 1].end_pos <= before.start())
                if opens < k and all(x.type in ("WORD", "OR") for x in tokens[opens:k]):
                    return _any_vaccine([*tokens[:opens], *tokens[k:]], text)
    return tokens


_ANAESTHESIA = frozenset({"general_anesthesia", "regional_anesthesia"})


def _under_anaesthesia(tokens: list[Token], text: str) -> list[Token]:
    """"Surgery under general anaesthesia within 3 months": an operation requiring it, both in that
    time. "Scheduled for surgery under general anesthesia": the anaesthesia planned is kept in words
    beside the plan (SITE; read with "requiring", it would be asked now, and "and" in an exclusion
    is either)."""
    for k, t in enumerate(tokens):
        if not (t.type == "LT" and text[t.start_pos:t.end_pos].lower() == "under" and 0 < k < len(tokens) - 1
                and tokens[k - 1].type == "PROC" and tokens[k - 1].value not in _ANAESTHESIA
                and tokens[k + 1].type == "PROC" and tokens[k + 1].value in _ANAESTHESIA):
            continue
        planned = any(x.type == "QUAL" and x.value == "planned" for x in tokens)
        after = tokens[k + 2] if k + 2 < len(tokens) else None
        if not planned and after is not None and after.type == "WITHIN":
            return [*tokens[:k], retyped(t, "REQUIRING", "requiring"), *tokens[k + 1:]]
        if planned and (after is None or after.type in ("PERIOD", "SEMI")):
            return [*tokens[:k], token("SITE", "anaesthesia", t.start_pos, tokens[k + 1].end_pos), *tokens[k + 2:]]
    return tokens


# what an operation planned may be said to be beside its name: "primary (total hip arthroplasty)",
# "unilateral", "(cardiac surgery) with cardiopulmonary bypass"
_SAID_OF_AN_OPERATION = frozenset({"primary", "unilateral", "bilateral", "open", "robotic", "robot-assisted"})


def _said_of_an_operation(tokens: list[Token], text: str) -> list[Token]:
    """"Adults scheduled for elective primary unilateral total hip arthroplasty", "scheduled to
    undergo cardiac surgery with cardiopulmonary bypass": the plan is for that operation, and what
    more is said of it, which a profile does not record, is kept in words beside it (SITE). Only
    where the clause is that one plan (words after the name run to its end)."""
    for k, t in enumerate(tokens):
        if not (t.type == "PROC" and k and any(x.type == "QUAL" and x.value == "planned" for x in tokens[:k])):
            continue
        first = k
        while first > 0 and (tokens[first - 1].type == "WORD" and tokens[first - 1].value.lower() in _SAID_OF_AN_OPERATION
                             or tokens[first - 1].type == "QUAL" and tokens[first - 1].value == "primary"):
            first -= 1
        end = k + 1
        while end < len(tokens) and tokens[end].type == "WORD":
            end += 1
        closes = end == len(tokens) or tokens[end].type in ("PERIOD", "SEMI")
        words_after = end > k + 1 and closes and re.match(r"(?i)\s*(?:with|using|via)\s", text[t.end_pos:])
        if first == k and not words_after or not closes:
            continue
        said: list[Token] = []
        if first < k:
            said.append(token("SITE", "before", tokens[first].start_pos, tokens[k - 1].end_pos))
        if words_after:
            start = t.end_pos + len(text[t.end_pos:]) - len(text[t.end_pos:].lstrip())
            said.append(token("SITE", "after", start, tokens[end - 1].end_pos))
        elif end > k + 1:
            continue
        return [*tokens[:first], t, *said, *tokens[end:]]
    return tokens


def _comma_before_then(tokens: list[Token], text: str) -> list[Token]:
    """"If participant received major surgery, they must have recovered …": the comma closes the
    condition (the grammar, one token ahead, would take it for the start of another item), and
    "they must" states a requirement (MUST), which under the exclusions excludes whoever fails it."""
    if not tokens or tokens[0].type != "IF":
        return tokens
    out: list[Token] = []
    for k, t in enumerate(tokens):
        if t.type == "COMMA" and k + 1 < len(tokens) and tokens[k + 1].type == "THEN":
            continue
        if t.type == "THEN" and _MUST.search(text[t.start_pos:t.end_pos]):
            out.extend([token("THEN", "", t.start_pos, t.start_pos), retyped(t, "MUST", "must")])
            continue
        out.append(t)
    return out


_MUST = re.compile(r"(?i)\b(?:must|should|shall|has\s+to|have\s+to)\b")
