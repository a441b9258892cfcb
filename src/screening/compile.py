"""Criterion text → typed rule tree: the compile stage, and its facade.

Text is normalised and tokenised (:mod:`screening.tokens`), cut into clauses, each clause parsed
by the LALR grammar ``grammars/criteria.lark`` (:mod:`screening.grammar`) and read into frozen
rule nodes (:mod:`screening.reader`). A clause that does not parse, or means what a rule cannot
say, becomes one free-text leaf; a clause that defers to the investigator, a judgement leaf.
Compiling never raises on any text.

The canonical criteria language is read by :func:`screening.rules.parse_rule`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lark import Token
from lark.exceptions import LarkError, VisitError

from .grammar import criteria_parser
from .nodes import (
    AllOf,
    AnyOf,
    Cohort,
    Comparison,
    Conditional,
    Exemption,
    FreeText,
    HadProcedure,
    HasAttribute,
    HasCondition,
    Judgement,
    NoRequirement,
    NormalMultiple,
    Not,
    Rule,
    Span,
    Status,
    TookMedication,
    TreatmentLines,
    cohort_key,
    is_structured,
    renamed,
    shifted,
    spanning,
    walk,
    within,
)
from .reader import Allowance, Reader, UnitMismatch, Unreadable, allow, flatten_any, same_side, with_limit
from .rules import RuleSyntaxError, parse_rule
from .tokens import (
    COMPARATORS,
    PEOPLE,
    Normalised,
    clauses,
    normalise,
    only_words,
    tidy,
    tokenize,
)
from .trial import Criterion, CriterionKind, Trial
from .vocabulary import Vocabulary, load_vocabulary

# Clauses longer than this are not parsed: registry sentences are far shorter, and a cap keeps a
# pathological input from costing more than a linear scan.
MAX_CLAUSE_TOKENS = 400


# --- compiling --------------------------------------------------------------------


@dataclass(frozen=True)
class CompileError:
    """A problem found while compiling: it names the words it is about."""

    message: str
    span: Span | None


@dataclass(frozen=True)
class CompiledCriterion:
    """A criterion's rule tree and what the compiler noticed on the way."""

    rule: Rule
    errors: tuple[CompileError, ...] = ()


def compile_criterion(text: str, kind: CriterionKind = "inclusion") -> CompiledCriterion:
    """Compile a criterion's verbatim text into a rule tree. Never raises on any text: what
    cannot be read becomes a free-text leaf, what only a clinician can judge a judgement leaf."""
    if _EITHER_SEX.match(text):
        # "Male or female", "Gender is not limited": a criterion any patient of a known sex meets
        whole = Span(start=0, end=len(text))
        either = (Status(field="female", span=whole), Status(field="male", span=whole))
        return CompiledCriterion(rule=AnyOf(items=either, span=whole))
    nothing = _asks_nothing(text, kind)
    if nothing is not None:
        return CompiledCriterion(rule=nothing)
    if kind == "inclusion" and (_IF_APPLICABLE.search(text) or _PATIENTS_ON.match(text) and not _asked_if_taking(text)):
        # "Stable dose of antiepileptic drugs for at least 4 weeks, if applicable", "Patients on
        # antiepileptic drugs must be on a stable dose": asked only of those it applies to, which
        # the words do not say (read alone, they would require the drug of every patient)
        return CompiledCriterion(rule=FreeText(text=text.strip(), span=Span(start=0, end=len(text))))
    for whole_reading in (_under_a_topic, _for_a_cohort, _limits_by_age, _limits_by_cohort):
        read = whole_reading(text, kind)
        if read is not None:
            return read
    norm = normalise(text)
    vocab = load_vocabulary()
    errors: list[CompileError] = []
    nodes: list[Rule] = []
    starts: list[int] = []  # where each node's clause begins in the verbatim text
    unread_head = False  # an unread clause opened a list ("Diagnosis of X, either: 1. …")
    function_heads: list[int] = []  # nodes that are an "adequate organ function as follows:" head
    after_note = False  # the clause before said what need not be done ("No HIV testing is required")
    # in a definition: "sentence", the rest of its sentence ("… if she is postmenarchal; has not
    # reached …"), or "list", the items it lists ("… methods include: pill; IUD. Implant. …")
    defining: str | None = None
    clause_end = 0  # where the clause before ended
    for piece in clauses(tokenize(norm), len(norm.text)):
        clause = piece.tokens
        span = _trimmed(text, norm.span(piece.start, piece.end))
        words = text[span.start:span.end]
        sentence_ended = "." in norm.text[clause_end:piece.start]
        clause_end = piece.end
        if nodes and _defines_childbearing(clause):
            # "… may be enrolled. Non-childbearing potential is defined as pre-menarche, …":
            # what the profile's childbearing potential stands for, which asks nothing more
            continue
        if _DEFINES_A_TERM.match(words):
            # what a term means, and what follows of it: read as requirements, its items
            # ("intrauterine device", "male sterilization") would fail whoever has none of them
            defining = "list" if ":" in words else "sentence"
            continue
        if defining is not None and not _ASKS_AGAIN.search(words) and (defining == "list" or not sentence_ended):
            continue
        defining = None
        if _list_label(clause, words) or _NO_TEST_REQUIRED.match(words) or _CONFIRMING_TEST.match(words) \
                or _NOT_REQUIRED.match(words):
            after_note = not _list_label(clause, words)
            continue
        if after_note and clause[0].type == "HOWEVER" and all(t.type in _NOTE_WORDS for t in clause[1:]):
            # "Brain scans are not required at screening but can be done at the investigator's
            # discretion": the rest of a note on what need not be done, which asks nothing either
            continue
        after_note = False
        starts.append(span.start)
        if _SEEN_OF_PAST.search(words) or _FOR_AN_AGE_GROUP.search(words) \
                or kind == "inclusion" and _only_suspected(words):
            # ("Creatinine ≤ 1.5 mg/dL for adults, and ≤ 1.0 mg/dL for children": a limit for one
            # age group, whose name the vocabulary passes over; read, each would bind every patient)
            nodes.append(FreeText(text=words, span=span))
            continue
        if _HOW_SCORED.match(words) and nodes:
            # "For purpose of determining performance scores, wheelchair-bound patients will be
            # considered ambulatory": how the values before it are to be scored, which a recorded
            # value may not have been; none of them is read alone
            start = starts[0]
            nodes[:] = [FreeText(text=text[start:span.end], span=Span(start=start, end=span.end))]
            starts[:] = [start]
            function_heads.clear()
            continue
        junction = _GROUP_JUNCTION.search(norm.text, piece.start, piece.end) \
            if _GROUP_FIRST.match(norm.text, piece.start) and not _asked_of_two_groups(clause) else None
        if junction is not None and kind == "exclusion":
            # "Patients 59 and younger, and patients with the following conditions: …": each group
            # is excluded, whatever is said of the other
            groups = [_read_clause([t for t in clause if t.end_pos <= junction.start()], norm, kind, vocab, errors),
                      _read_clause([t for t in clause if t.start_pos >= junction.end()], norm, kind, vocab, errors)]
            read = [g for g in groups if g is not None and not isinstance(g, Allowance)]
            nodes.append(AnyOf(items=tuple(flatten_any(read)), span=span) if len(read) == 2
                         else FreeText(text=words, span=span))
            continue
        if junction is not None or _GROUPS_JOINED.search(words):
            # "Patients with asthma and patients with COPD": either group, and what is said of
            # one ("subjects with no sinus disease") is not said of the other
            nodes.append(FreeText(text=words, span=span))
            continue
        healthy = [t for t in clause if t.type == "HEALTHY"]
        if healthy and any(t.type in ("OR", "ANDOR") for t in clause):
            # "healthy volunteers or patients with mild asthma": either group, one of them judged
            nodes.append(Judgement(text=words, span=span))
            continue
        if healthy and not any(t.type == "JUDGEMENT" for t in clause):
            # "Healthy men aged 18-55": whether healthy is the investigator's call, the ages are not
            said = norm.span(healthy[0].start_pos, healthy[-1].end_pos)
            judged = Judgement(text=text[said.start:said.end], span=said)
            rest = [t for t in clause if t.type != "HEALTHY"]
            read = _read_clause(rest, norm, kind, vocab, errors) if rest else None
            if read is None or isinstance(read, Allowance):
                nodes.append(Judgement(text=words, span=span))
            else:
                nodes.append(AllOf(items=(judged, read), span=span))
            continue
        significant = _judged_significance(clause, norm)
        if significant is not None:
            # "Clinically significant cardiac disease": whether it is significant is the
            # investigator's call, but it is cardiac disease, so a patient without any is decided
            said, rest = significant
            judged = Judgement(text=text[said.start:said.end], span=said)
            read = _read_clause(rest, norm, kind, vocab, errors)
            # (not where the clause turns out negated: "… is not allowed" in an inclusion)
            if read is not None and not isinstance(read, Allowance) and is_structured(read) \
                    and not any(isinstance(n, Not) for n in walk(read)):
                nodes.append(AllOf(items=(judged, read), span=span))
                continue
        if any(t.type == "JUDGEMENT" for t in clause):
            if nodes and _allows_at_a_call(clause, kind):
                # "If GI bleeding was from a treated lesion and … low risk per investigator
                # judgement, enrollment will be allowed": whom the sentences before name, the
                # investigator may still let in, so they wait for that call (read as one more item,
                # it would decide no one, and exclude those it lets in)
                listed = _heads_a_list(clause)
                said = Span(start=span.start, end=len(text.rstrip())) if listed else span
                judged = Judgement(text=text[said.start:said.end], span=said)
                nodes[:] = [_allowed_by_judgement(nodes, clause, judged, kind, vocab)]
                starts[:] = starts[:1]
                function_heads.clear()
                if listed:
                    break  # (the items listed are what the investigator weighs)
                continue
            if _heads_a_list(clause):
                # "… per investigator judgement are eligible, provided that all of the following
                # are met: - …": the items are conditions of that judgement, not criteria
                rest = Span(start=span.start, end=len(text.rstrip()))
                nodes.append(Judgement(text=text[rest.start:rest.end], span=rest))
                break
            nodes.append(Judgement(text=words, span=span))
            continue
        node = _read_clause(clause, norm, kind, vocab, errors)
        if node is None and _qualifies_list(clause):
            # "… values unless due to leukemic involvement: 1. creatinine ≤ 2 mg/dL 2. …", "… may
            # be eligible, based on study staff approval: 1. …": the items are under a head that
            # could not be read, so they cannot be read alone (nor, if they are allowed, what
            # they are allowed against)
            start = span.start
            if nodes and any(t.type in ("HOWEVER", "HOWEVER_ALLOWED") for t in clause):
                nodes.pop()
                starts.pop()
                start = starts[-1]
            rest = Span(start=start, end=len(text.rstrip()))
            nodes.append(FreeText(text=text[rest.start:rest.end], span=rest))
            break
        # "… is permitted", "Exceptions include …": what the sentences before forbid, allowed
        permits = any(t.type in ("HOWEVER", "HOWEVER_ALLOWED") for t in clause) or clause[0].type == "EXCEPT"
        if isinstance(node, Allowance) or (node is None and permits):
            allowed = allow(nodes[-1], node, norm, kind, vocab) if nodes and isinstance(node, Allowance) else None
            starts.pop()
            if allowed is None:
                # an exception we cannot apply: which clause before it qualifies is not known ("…
                # at least 14 days prior. Participants must have recovered … A 1-week washout is
                # permitted for palliative radiation"), so none of them can be read alone
                start = starts[0] if nodes else span.start
                nodes.clear()
                function_heads.clear()
                starts[:] = [start]
                nodes.append(FreeText(text=text[start:span.end], span=Span(start=start, end=span.end)))
            else:
                nodes[-1] = allowed
            continue
        if node is not None and unread_head and kind == "inclusion" and _diagnoses(node):
            # the diagnoses listed under a head that could not be read may be its kinds, any
            # one of which will do: read alone, each would be required
            node = None
        if node is None:
            unread_head = unread_head or _opens_list(clause)
            items = _after_function_head(clause, words)
            if items == []:
                function_heads.append(len(nodes))
            elif items:
                read = _read_clause(items, norm, kind, vocab, errors)
                if read is not None and not isinstance(read, Allowance) and is_structured(read):
                    node = read  # "Adequate hematologic function: ANC ≥ 1500/µL"
        nodes.append(node if node is not None else FreeText(text=words, span=span))
    if function_heads and any(is_structured(n) for k, n in enumerate(nodes) if k not in function_heads):
        # "Adequate organ function as defined by: ANC ≥ 1500/µL; …": the head says no more than
        # the limits that follow it
        nodes = [n for k, n in enumerate(nodes) if k not in function_heads]
        starts = [s for k, s in enumerate(starts) if k not in function_heads]
    if not nodes:
        stripped = text.strip()
        rule: Rule = FreeText(text=stripped, span=Span(start=0, end=len(text)))
        if defining:  # definitions only, each asking nothing
            rule = NoRequirement(says="defines", text=stripped, span=Span(start=0, end=len(text)))
        return CompiledCriterion(rule=rule, errors=tuple(errors))
    if kind == "inclusion":
        nodes = _looser_limits_for_some(nodes, vocab)
    if len(nodes) == 1:
        return CompiledCriterion(rule=nodes[0], errors=tuple(errors))
    full = Span(start=0, end=len(text))
    combined: Rule = AllOf(items=tuple(nodes), span=full) if kind == "inclusion" else AnyOf(
        items=tuple(flatten_any(nodes)), span=full)
    return CompiledCriterion(rule=combined, errors=tuple(errors))


def _asked_of_two_groups(clause: list[Token]) -> bool:
    """"Women of childbearing potential and men with partners of childbearing potential must
    use contraception": one requirement of both groups, which the grammar reads as its subject."""
    types = [t.type for t in clause]
    women = (types[:1] == ["FEMALE"]) + (types[1:2] == ["SUBGROUP"])  # ("sexually active women …")
    return types[women:women + 4] == ["CBP", "AND", "MALE", "SUBGROUP"]


def _asked_if_taking(text: str) -> bool:
    """Whether the tokens say whom "Patients on X must be on a stable dose for at least 4 weeks"
    asks it of (an "if": those on X now, tokens.drugs)."""
    tokens = tokenize(normalise(text))
    return bool(tokens) and tokens[0].type == "IF"


def _allows_at_a_call(clause: list[Token], kind: CriterionKind) -> bool:
    """Whether a clause that defers to the investigator lets in patients ("… per investigator
    judgement, enrollment will be allowed"). Under the inclusions, "Subjects are eligible if, in
    the opinion of the investigator, …" states on what terms, which is a requirement."""
    allowed = [k for k, t in enumerate(clause) if t.type == "HOWEVER_ALLOWED"]
    if not allowed:
        return False
    return kind != "inclusion" or not any(t.type in ("IF", "THEN") for t in clause[allowed[0]:])


def _allowed_by_judgement(nodes: list[Rule], clause: list[Token], judged: Judgement, kind: CriterionKind,
                          vocab: Vocabulary) -> Rule:
    """What the clauses before an allowance at the investigator's call come to. An exclusion's
    conditions, drugs or procedures that the allowance names each wait for the call (the others
    stay as they are); if it names none of them, all the clauses before it do. An inclusion is
    met by its clauses, or by the call."""
    full = Span(start=min(n.span.start for n in (*nodes, judged) if n.span),
                end=max(n.span.end for n in (*nodes, judged) if n.span))
    if kind == "inclusion":
        met = nodes[0] if len(nodes) == 1 else AllOf(items=tuple(nodes))
        return AnyOf(items=(met, judged), span=full)
    named = [t.value for t in clause if t.type in ("COND", "MED", "PROC") and vocab.lookup(t.value)]

    def waits(node: Rule) -> Rule:
        if isinstance(node, (HasCondition, TookMedication, HadProcedure)) and node.concept is not None \
                and vocab.lookup(node.concept) and any(vocab.descendants(node.concept) & vocab.descendants(c)
                                                        for c in named):
            return AllOf(items=(node, judged), span=node.span)
        if isinstance(node, (AllOf, AnyOf)):
            return node.model_copy(update={"items": tuple(waits(i) for i in node.items)})
        return node

    read = nodes[0] if len(nodes) == 1 else AnyOf(items=tuple(flatten_any(nodes)))
    waited = waits(read)
    return waited if waited != read else AllOf(items=(read, judged), span=full)


def _asks_nothing(text: str, kind: CriterionKind) -> NoRequirement | None:
    """A whole criterion that states no requirement: "Not specified", "See Disease
    Characteristics", or a permission that nothing in its words limits ("Prior radiation therapy
    and/or chemotherapy, including cyclophosphamide, are permitted"; "transfusion allowed")."""
    whole = Span(start=0, end=len(text))
    words = text.strip().rstrip(".;").strip()  # the list's own punctuation
    if _NOT_SPECIFIED.match(words):
        return NoRequirement(says="unspecified", text=words, span=whole)
    if _SEE_ELSEWHERE.match(words):
        return NoRequirement(says="refers", text=words, span=whole)
    if _NOT_REQUIRED.match(words):
        return NoRequirement(says="allows", text=words, span=whole)
    if _DEFINES_A_TERM.match(words):
        return NoRequirement(says="defines", text=words, span=whole)
    permits = _PERMITS.search(words) or (_ELIGIBLE.search(words) if kind == "exclusion" else None)
    if permits is None or permits.start() == 0:
        return None
    # what is allowed: nothing in it may limit the permission ("only", "if", "provided", "no
    # more than 2", "within 4 weeks", "except") or turn it round ("not allowed")
    allowed = _WITH_OR_WITHOUT.sub(" ", words[:permits.start()])
    if _LIMITING.search(allowed) or _SENTENCE_BREAK.search(allowed.lstrip("-* ")):
        # ("Use of anticoagulants. Prophylactic use is allowed", "History of malignancy (basal
        # cell carcinoma allowed)": an exception to what the criterion asks first)
        return None
    tokens = tokenize(normalise(allowed))
    if not tokens or any(t.type not in _WHAT_IS_ALLOWED for t in tokens) or any(
            t.type == "QUAL" and t.value in _LIMITING_QUALIFIERS for t in tokens):
        return None
    return NoRequirement(says="allows", text=words, span=whole)


def _under_a_topic(text: str, kind: CriterionKind) -> CompiledCriterion | None:
    """A criterion led by the topic heading of an old NCI record ("Cardiovascular: No congestive
    heart failure", "Hepatic: Bilirubin ≤ 1.5 mg/dL", "Life expectancy: Not specified"): the
    heading sorts the item and limits nothing, so the rest is read alone. A heading that names
    the value the rest gives ("Life expectancy: At least 8 weeks") is read with it, unless the
    rest asks nothing."""
    match = _TOPIC_FIRST.match(text)
    if match is None:
        return None
    inner = compile_criterion(match["rest"], kind)
    if _THERAPY_TOPIC.match(match["topic"]) and _counts_any_treatment(inner.rule):
        # "Chemotherapy: No more than 2 prior regimens": regimens of chemotherapy, not of anything
        return CompiledCriterion(rule=FreeText(text=text.strip(), span=Span(start=0, end=len(text))))
    if _names_a_measure(match["topic"]) and not isinstance(inner.rule, NoRequirement):
        return None
    return _moved(inner, match.start("rest"))


def _moved(compiled: CompiledCriterion, by: int) -> CompiledCriterion:
    """A criterion compiled from words that start ``by`` characters into the whole text, its
    spans moved to point into the whole."""
    errors = tuple(CompileError(e.message, None if e.span is None else Span(start=e.span.start + by,
                                                                            end=e.span.end + by))
                   for e in compiled.errors)
    return CompiledCriterion(rule=shifted(compiled.rule, -by), errors=errors)


def _for_a_cohort(text: str, kind: CriterionKind) -> CompiledCriterion | None:
    """A criterion said of one cohort of the trial ("Cohort 2: …", "For the expansion cohort,
    participants must …", "… (for patients in part 2 only)", "… (Groups B and C only)"): the rest
    read as it would be alone, required only of that cohort's patients (or, as an exclusion,
    excluding only them)."""
    match = _COHORT_HEADED.match(text) or _COHORT_FOR.match(text) or _COHORT_LAST.match(text)
    if match is None or not match["rest"].strip():
        return None
    if match.re is _COHORT_LAST and not match["who"] and _NUMBERED_GROUP.match(match["cohort"]):
        last = tokenize(normalise(match["rest"]))[-1:]
        if last and last[0].type == "COND":
            return None  # "Pulmonary hypertension (Group 1 only)": a group of the disease
    inner = _moved(compile_criterion(match["rest"], kind), match.start("rest"))
    said = Span(start=match.start("cohort"), end=match.end("cohort"))
    names = _cohort_labels(match["cohort"])
    when: Rule = Cohort(text=names[0], span=said) if len(names) == 1 else AnyOf(
        items=tuple(Cohort(text=name, span=said) for name in names), span=said)
    whole = Span(start=0, end=len(text))
    rule: Rule = Conditional(when=when, then=inner.rule, span=whole) if kind == "inclusion" else AllOf(
        items=(when, inner.rule), span=whole)
    return CompiledCriterion(rule=rule, errors=inner.errors)


def _limits_by_cohort(text: str, kind: CriterionKind) -> CompiledCriterion | None:
    """"ECOG performance status of 0, 1 or 2 for dose escalation, and 0 or 1 for dose expansion":
    a limit for each of two cohorts, the second written without what it limits (taken from the
    first). None unless both read as limits on the same values."""
    match = _TWO_COHORTS.match(text)
    if match is None:
        return None
    first = compile_criterion(match["first"], kind).rule
    second = compile_criterion(match["second"], kind).rule
    said = Span(start=match.start("second"), end=match.end("second"))
    if not is_structured(second):
        values = _TRAILING_VALUES.search(match["first"])
        if values is None or values.start() == 0:
            return None
        # "… of 0, 1 or 2 for …, and 0 or 1 for …": the second values of what the first are of
        second = compile_criterion(match["first"][:values.start()] + match["second"], kind).rule
    second = spanning(second, said)
    measured = [{n.concept for n in walk(r) if isinstance(n, Comparison)} for r in (first, second)]
    if not (is_structured(first) and is_structured(second)) or not measured[0] or measured[0] != measured[1]:
        return None
    parts: list[Rule] = []
    for group, rule in (("c1", first), ("c2", second)):
        names = _cohort_labels(match[group])
        if len(names) != 1:
            return None
        cohort = Cohort(text=names[0], span=Span(start=match.start(group), end=match.end(group)))
        parts.append(Conditional(when=cohort, then=rule) if kind == "inclusion" else AllOf(items=(cohort, rule)))
    whole = Span(start=0, end=len(text))
    combined: Rule = AllOf(items=tuple(parts), span=whole) if kind == "inclusion" else AnyOf(items=tuple(parts),
                                                                                           span=whole)
    return CompiledCriterion(rule=combined)


def _cohort_labels(words: str) -> list[str]:
    """The cohorts a label names: "Groups B and C" → "Group B", "Group C"; "part 2" → "part 2";
    "the phase I portion of the study" → "phase I portion"."""
    words = _LABEL_FILLER.sub("", words.strip())
    listed = _COHORT_IDS.fullmatch(words)
    if listed is None or not re.search(r"\s*(?:,|\band\b|\bor\b|&|/)\s*", listed["ids"]):
        return [words]
    noun = re.sub(r"(?<=[a-z])s$", "", listed["noun"], flags=re.IGNORECASE)
    ids = [i for i in re.split(r"\s*(?:,|\band\b|\bor\b|&|/)\s*", listed["ids"]) if i]
    return [f"{noun} {i}" for i in ids]


# "Group 1" after a disease's name may be a class of the disease (pulmonary hypertension groups)
_NUMBERED_GROUP = re.compile(r"groups?\s+(?:\d|[IVX]+\b)", re.IGNORECASE)
_LABEL_FILLER = re.compile(r"^the\s+|\s+of\s+the\s+(?:study|trial)$", re.IGNORECASE)
_COHORT_ID = r"(?:[A-Z]|\d{1,2}[a-z]?|[IVX]{1,4})\b"
# "Cohort 2", "Arm B", "Groups B and C", "Part A (dose escalation)", "phase I portion of the study",
# "the ASP3082 monotherapy pancreatic cancer expansion cohort"
_COHORT_NOUN = r"(?:cohorts?|arms?|parts?|groups?|phases?|strat(?:um|a)|modules?)"
_COHORT_ID_LIST = rf"{_COHORT_ID}(?:\s*(?:,|and|or|&|/)\s*{_COHORT_ID})*"
_COHORT_IDS = re.compile(rf"(?P<noun>{_COHORT_NOUN})\s+(?P<ids>{_COHORT_ID_LIST})", re.IGNORECASE)
_COHORT_LABEL = (rf"(?:(?:the\s+)?{_COHORT_NOUN}\s+{_COHORT_ID_LIST}"
                 r"(?:\s+(?:portion|part|cohort)(?:\s+of\s+the\s+(?:study|trial))?)?"
                 r"(?:\s*\([^()]{1,40}\))?"
                 r"|(?:the\s+)?(?:[\w-]+\s+){0,6}?(?:expansion|escalation|extension)\s+(?:cohort|part|phase)"
                 r"|(?:the\s+)?dose[\s-]+(?:escalation|expansion)(?:\s+(?:cohort|part|phase))?)")
_PATIENTS_IN = rf"(?:{PEOPLE}\s+(?:in|enrolled\s+in|enrolling\s+in|of)\s+(?:the\s+)?)?"
# "Cohort 2: …", "Arm B only: …", "Part A (dose escalation): …"
_COHORT_HEADED = re.compile(rf"^[\W_]*(?P<cohort>{_COHORT_LABEL})(?:\s+only)?\s*:\s*(?P<rest>.*)$",
                            re.IGNORECASE | re.DOTALL)
# "For the expansion cohort, participants must …", "For patients in Part 2, …", "For the phase I
# portion of the study patients should …"
_COHORT_FOR = re.compile(rf"^[\W_]*(?:for|in)\s+{_PATIENTS_IN}(?P<cohort>{_COHORT_LABEL})(?:\s+only)?"
                         rf"(?:\s*[,:]|\s+(?={PEOPLE}\b))\s*(?P<rest>.*)$",
                         re.IGNORECASE | re.DOTALL)
# "… (for patients in part 2 only)", "… (Groups B and C only)", "… (Group C only, since …)"
_COHORT_LAST = re.compile(
    rf"^(?P<rest>.*?)\s*\(\s*(?P<who>(?:for\s+)?{_PATIENTS_IN})(?P<cohort>{_COHORT_LABEL})\s+only\b[^()]*\)[\s.;]*$",
    re.IGNORECASE | re.DOTALL)


# "… 0, 1 or 2 for dose escalation, and 0 or 1 for dose expansion"
_TWO_COHORTS = re.compile(rf"^(?P<first>.+?)\s+(?:for|in)\s+(?:the\s+)?(?P<c1>{_COHORT_LABEL})"
                          r"\s*(?:,\s*)?(?:and|;)\s+"
                          rf"(?P<second>.+?)\s+(?:for|in)\s+(?:the\s+)?(?P<c2>{_COHORT_LABEL})[\s.]*$",
                          re.IGNORECASE | re.DOTALL)
# The values that end a limit: "0, 1 or 2", "≤ 1.5 mg/dL", "70-100%"
_TRAILING_VALUES = re.compile(r"(?:[<>≤≥=]\s*)?\d[\d.]*(?:\s*(?:,|or|and|to|-|–)\s*\d[\d.]*)*"
                              r"\s*(?:%|[A-Za-zµ/]+)?$")


def _limits_by_age(text: str, kind: CriterionKind) -> CompiledCriterion | None:
    """"Creatinine based on age as follows: ≤ 0.8 mg/dL for patients age 5 and under; ≤ 1.0
    mg/dL for patients 6 to 10; …": each item a limit on the head's value for the ages it names.
    None unless every item reads as such a limit."""
    if not _BY_AGE_HEAD.match(text):
        return None
    norm = normalise(text)
    vocab = load_vocabulary()
    first, *rest = [piece.tokens for piece in clauses(tokenize(norm), len(norm.text))]
    colon = next((k for k, t in enumerate(first) if t.type == "COLON"), None)
    if colon is None:
        return None
    head, items = first[:colon], [first[colon + 1:], *rest]
    measures = [t for t in head if t.type == "MEASURE" and t.value != "age"]
    if len(measures) != 1 or not all(items):
        return None
    errors: list[CompileError] = []
    limits: list[Rule] = []
    for tokens in items:
        node = _read_clause([measures[0], *tokens], norm, kind, vocab, errors)
        if node is None or isinstance(node, Allowance) or not is_structured(node):
            return None
        compared = {n.concept for n in walk(node) if isinstance(n, Comparison)}
        if compared != {"age", measures[0].value}:
            return None
        limits.append(node)
    ages = [_age_range(node) for node in limits]
    if any(a is None for a in ages):
        return None
    overlaps = {k: [j for j, b in enumerate(ages) if j != k and b[0] <= a[1] and a[0] <= b[1]]  # type: ignore[index]
                for k, a in enumerate(ages)}
    if any(overlaps.values()):
        if kind != "inclusion" or not all(isinstance(n, Conditional) for n in limits):
            return None
        # "≤ 1.2 mg/dL for patients 11 to 15; ≤ 1.5 mg/dL for patients age 15 to 21": at 15 both
        # apply, and which the record means is not said, so either will do
        limits = [n.model_copy(update={"then": AnyOf(items=(n.then, *(AllOf(items=(limits[j].when, limits[j].then))
                                                                  for j in overlaps[k])))})
                  if overlaps[k] else n for k, n in enumerate(limits)]  # type: ignore[union-attr]
    whole = Span(start=0, end=len(text))
    rule: Rule = AllOf(items=tuple(limits), span=whole) if kind == "inclusion" else AnyOf(
        items=tuple(limits), span=whole)
    return CompiledCriterion(rule=rule, errors=tuple(errors))


def _age_range(node: Rule) -> tuple[float, float] | None:
    """The whole years of age a limit is for, from the age comparisons in it (None when they
    are not in years)."""
    low, high = 0.0, float("inf")
    for n in walk(node):
        if isinstance(n, Comparison) and n.concept == "age":
            if n.unit not in (None, "years"):
                return None
            if n.op in (">=", ">", "="):
                low = max(low, n.value + (1 if n.op == ">" else 0))
            if n.op in ("<=", "<", "="):
                high = min(high, n.value - (1 if n.op == "<" else 0))
    return low, high


_BY_AGE_HEAD = re.compile(r"^[\W_]*[\w\s/()-]{1,60}?\s+(?:based\s+on|by|according\s+to|adjusted\s+for|for)\s+age"
                          r"(?:\s+as\s+follows)?\s*:", re.IGNORECASE)


# "Not specified" under "Life expectancy": the record sets no limit.
_NOT_SPECIFIED = re.compile(r"^\W*(?:[A-Za-z][\w/ -]{0,40}:\s*)?(?:not\s+specified|unspecified|none\s+specified"
                            r"|no\s+(?:limit|restriction)s?(?:\s+(?:on|about|regarding|as\s+to|for)\s+"
                            r"(?:(?!except|unless|but|only|provided|if\b)[^.;:\d<>≤≥=]){1,80})?"
                            r"|not\s+applicable|n/a)\W*$", re.IGNORECASE)
# "See Disease Characteristics", "See General Criteria": the requirement is another item's.
_SEE_ELSEWHERE = re.compile(r"^\W*(?:see|refer\s+to)\s+(?:the\s+)?(?:[A-Za-z-]+\s+){0,3}?"
                            r"(?:characteristics|criteria|section|above|below)\W*$", re.IGNORECASE)
# A permission that closes the criterion: "… are permitted", "… allowed", "… may also be included"
# ("are eligible" alone may state who the trial is for; listed as an exclusion it cannot exclude).
_PERMITS = re.compile(r"\b(?:(?:is|are)\s+)?(?:allowed|permitted|acceptable|(?:may|can)\s+(?:also\s+)?"
                      r"(?:be\s+(?:included|enrolled)|participate)|(?:is|are)\s+also\s+eligible"
                      r"|not\s+excluded|will\s+not\s+be\s+excluded)"
                      r"(?:\s+(?:in|for|from|to\s+participate\s+in)\s+(?:this|the)\s+(?:study|trial))?[\s.]*$",
                      re.IGNORECASE)
_ELIGIBLE = re.compile(r"\b(?:is|are)\s+eligible(?:\s+(?:for|to\s+participate\s+in)\s+(?:this|the)\s+"
                       r"(?:study|trial))?[\s.]*$", re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"[.;:()\[\]]")
_WITH_OR_WITHOUT = re.compile(r"\bwith\s+or\s+without\b", re.IGNORECASE)
_LIMITING = re.compile(r"\b(?:only|unless|if|provided|except|excluding|other\s+than|must|should|maximum|minimum"
                       r"|max|min|up\s+to|no|not|non|nor|without|until|after|before|prior\s+to|within|since|as\s+long"
                       r"|when|whereas|once|limited|restricted|requir\w*|stable|low|high|short|long|less|more|fewer"
                       r"|greater|least|most|dose|doses|dosage|course|courses|line|lines|cycles?)\b|[<>≤≥=\d]",
                       re.IGNORECASE)
# Tokens that name what is allowed, and the words that join them.
_WHAT_IS_ALLOWED = frozenset({"QUAL", "PROC", "MED", "COND", "VACC", "TREATMENT", "AND", "OR", "ANDOR", "COMMA",
                              "INCLUDING", "UNCONSTRAINED", "LPAR", "RPAR", "ETC", "OTHER", "ALL_OF", "FEMALE", "MALE",
                              "WORD", "PERIOD"})
# Qualifiers that narrow what is allowed, and so forbid the rest.
_LIMITING_QUALIFIERS = frozenset({"stable", "mild", "moderate", "treated", "untreated", "controlled", "planned",
                                  "new", "recent", "low_dose"})


# "No HIV testing is required unless mandated by local health authority": what need not be done
# to screen, said after a criterion; it asks nothing of the patient.
# "HCV RNA testing is not required in participants with negative HCV antibody testing" likewise.
_NO_TEST_REQUIRED = re.compile(r"^\W*(?:note\s*:\s*)?(?:no\s+(?:[\w/()-]+\s+){0,8}?testing\b[^.;:]{0,80}?\b"
                               r"(?:is|are|will\s+be)\s+(?:required|needed|mandatory)"
                               r"|(?:[\w/()-]+\s+){0,8}?testing\s+(?:is|are|will\s+be)\s+not\s+(?:required|needed|mandatory))"
                               r"\b[^.;:]*$", re.IGNORECASE)
# "Women of non-childbearing potential are not required to use contraception": what some need not
# do, beside what others must; it asks nothing of anyone.
# (Not when something is asked of them after all: "Women who are not required to use contraception
# must be postmenopausal".)
_NOT_REQUIRED = re.compile(r"^(?![^.;:]*\b(?:who|that|which|must|should|needs?|ha(?:ve|s)\s+to|unless|if|except)\b)"
                           r"[^.;:]*?\b(?:is|are|will\s+be)\s+not\s+(?:required|obliged|asked)\s+to\b[^.;:]*$",
                           re.IGNORECASE)
# "If a urine pregnancy test is positive (or cannot be confirmed as negative), a serum pregnancy test
# will be required": how the result is reached, which the profile records once reached.
_CONFIRMING_TEST = re.compile(r"^\W*if\s+(?:a|the)\s+urine\s+(?:pregnancy\s+)?test\s+(?:is\s+positive|"
                              r"cannot\s+be\s+confirmed\s+as\s+negative|is\s+not\s+negative)[^.;:]*\bserum\s+"
                              r"(?:pregnancy\s+)?test\b[^.;:]*$", re.IGNORECASE)
# A sentence that says what a term the other items use means, and asks nothing itself: "A woman
# is considered of childbearing potential if she is postmenarchal, …", "Postmenopausal is defined
# as …", "Highly effective methods of contraception include: …", "Periodic abstinence and
# withdrawal are not acceptable methods of contraception". (Not where it asks something too: "…
# and must use contraception".)
_PERSON = r"(?:wom[ae]n|females?|girls?|m[ae]n|males?|participants?|subjects?|patients?)"
_STATE = (r"(?:(?:non-?\s?|not\s+of\s+)?child-?\s?bearing\s+potential|of\s+(?:non-?\s?)?reproductive\s+potential"
          r"|(?:in)?fertile|WOCBP|WONCBP|(?:post|pre|peri)-?\s?menopausal|(?:surgically\s+)?sterile)")
_HOW_EFFECTIVE = r"(?:highly\s+effective|effective|acceptable|adequate|reliable|approved)"
_METHODS = (rf"(?:(?:{_HOW_EFFECTIVE}\s+)?(?:(?:contraceptive|contraception|birth\s+control)\s+(?:methods?|measures)"
            r"|(?:methods?|forms?)\s+of\s+(?:contraception|birth\s+control)|contraception|contraceptives)"
            rf"|(?:{_HOW_EFFECTIVE}|such)\s+methods)")
_TERM = (rf"(?:(?:an?|the)\s+)?(?:{_PERSON}\s+(?:of\s+|who\s+(?:is|are)\s+(?:of\s+)?)?)?"
         rf"(?:{_STATE}|(?:post-?\s?)?menopause|(?:surgical\s+)?sterili[sz]ation|{_METHODS})(?:\s+(?:status|state))?")
_DEFINES_A_TERM = re.compile(
    r"^(?!.*\b(?:must|should|shall|requir\w*|agrees?|willing|need\s+to|ha(?:s|ve)\s+to|eligible|exclu\w*)\b)"
    rf"\W*(?:o\s+)?(?:note\s*:\s*)?(?:{_TERM}\s+(?:is|are)\s+(?:defined|considered|understood)\s+as\b"
    rf"|(?:an?\s+)?{_PERSON}\s+(?:is|are)\s+(?:considered|deemed)\s+(?:to\s+be\s+)?(?:of\s+)?{_STATE}\s+"
    r"(?:if|when|unless|after|following)\b"
    rf"|(?:examples\s+of\s+)?{_METHODS}\s+(?:include|includes|are\s+as\s+follows)\b"
    rf"|the\s+definition\s+of\s+{_TERM}\b"
    r"|[^;]*?\b(?:is|are)\s+not\s+(?:considered\s+)?(?:an?\s+)?(?:acceptable|adequate|effective|highly\s+effective"
    r"|reliable)\s+(?:methods?|forms?)\s+of\s+(?:contraception|birth\s+control)\W*$)", re.IGNORECASE)
# What turns back from a definition's items to what is asked: a requirement in so many words.
_ASKS_AGAIN = re.compile(r"\b(?:must|should|shall|required|agrees?|willing|unwilling|need\s+to|ha(?:s|ve)\s+to"
                         r"|not\s+(?:be\s+)?(?:pregnant|breast-?\s?feeding|lactating))\b", re.IGNORECASE)
_SEX = rf"(?:male|men|man|female|women|woman|boys?|girls?)s?(?:\s+(?:{PEOPLE}|volunteers))?"
_EITHER_SEX = re.compile(
    rf"^\W*(?:both\s+)?{_SEX}\s*(?:and/or|and|or|&|/)\s*{_SEX}\W*$"
    r"|^\W*(?:gender|sex)\s*(?:is\s+)?"
    r"(?:not\s+limited|unrestricted|unlimited|not\s+restricted|no\s+restriction|any)\W*$"
    r"|^\W*(?:both|either|all|any)\s+(?:sexes|genders|sex|gender)\W*$", re.IGNORECASE)
# "Adequate bone marrow, liver and renal function as assessed by the following laboratory
# evaluations:", "Patients must have normal organ and marrow function as defined below:"
_FUNCTION_HEAD = re.compile(
    r"^\W*(?:(?:the\s+)?(?:patients?|subjects?|participants?)\s+(?:must|should)\s+(?:have|demonstrate)\s+|"
    r"(?:must\s+)?(?:have|demonstrate)\s+)?(?:adequate|normal|sufficient|acceptable)\s+[\w\s,/-]{0,80}?"
    r"(?:function|functions|reserve)\b[^:;]{0,100}:", re.IGNORECASE)


def _after_function_head(clause: list[Token], words: str) -> list[Token] | None:
    """The tokens after an "adequate organ function as defined by:" head that opens the clause
    (empty when nothing follows in the clause); None when the clause has no such head, or dates
    the values ("… obtained within 28 days:"), which the limits alone would not."""
    colon = next((k for k, t in enumerate(clause) if t.type == "COLON"), None)
    if colon is None or any(t.type in ("WITHIN", "NUMBER", "UNIT", "TIMEUNIT") for t in clause[:colon]):
        return None
    if not _FUNCTION_HEAD.match(words):
        return None
    rest = clause[colon + 1:]
    return [] if all(t.type == "NUMBER" for t in rest) else rest


# Words that say only how much something matters: "clinically significant X" is X, and whether it
# is significant a judgement (unlike "X that would interfere with the study", which is not X).
_SIGNIFICANT = frozenset({"clinically significant", "clinically relevant", "significant", "significantly"})


def _judged_significance(clause: Sequence[Token], norm: Normalised) -> tuple[Span, list[Token]] | None:
    """ "Clinically significant heart disease", "history of significant liver disease": the words of
    significance, at the head of the clause before what they qualify, and the clause without them.
    None where a clause says more than that (a negation, a requirement, an exception allowed), since
    "no clinically significant X" is not "no X"."""
    judged = [k for k, t in enumerate(clause) if t.type == "JUDGEMENT"]
    if not judged or judged != list(range(judged[0], judged[-1] + 1)) or judged[-1] + 1 >= len(clause):
        return None
    if any(t.type != "QUAL" for t in clause[:judged[0]]) or clause[judged[-1] + 1].type not in ("COND", "FLAG", "QUAL"):
        return None
    if any(t.type in ("NEG", "MUST", "HOWEVER", "HOWEVER_ALLOWED", "IF", "THEN") for t in clause):
        return None
    if any(" ".join(norm.text[clause[k].start_pos:clause[k].end_pos].lower().split()) not in _SIGNIFICANT
           for k in judged):
        return None
    said = norm.span(clause[judged[0]].start_pos, clause[judged[-1]].end_pos)
    return said, [t for k, t in enumerate(clause) if k not in judged]


_POPULATION = rf"(?:{PEOPLE}|those|volunteers|women|men|children)"
# "Patients 59 and younger, and patients with …": a second group, named anew after the first
_GROUP_FIRST = re.compile(rf"[\W_]*{_POPULATION}\b", re.IGNORECASE)
_GROUP_JUNCTION = re.compile(rf",?\s+(?:and|or)\s+(?:also\s+)?{_POPULATION}\s+(?:with|who)\b", re.IGNORECASE)
# ("… or women of childbearing potential not using contraception" is one more item about women)
_GROUPS_JOINED = re.compile(rf"\b{_POPULATION}\s+(?:with|who)\b.*\b(?:and|or)\s+{_POPULATION}\s+"
                            r"(?:with|who|of(?!\s+(?:non-?)?child-?bearing|\s+reproductive))\b", re.IGNORECASE)

# "For purpose of determining performance scores, …": how the values before are to be scored
_HOW_SCORED = re.compile(r"^\W*for\s+(?:the\s+)?purposes?\s+of\s+(?:determining|assessing|calculating|scoring|"
                         r"measuring|evaluating)\b", re.IGNORECASE)

# "Radiographic evidence of prior tuberculosis": what an image or a biopsy shows now of a past
# illness (scars, calcified granulomas) is not having had it, which a cured illness need not show.
_SEEN_OF_PAST = re.compile(r"\b(?:radiographic|radiological|radiologic|imaging|CT|MRI|histologic|histological"
                           r"|endoscopic)\s+evidence\s+of\s+(?:an?\s+)?(?:prior|previous|past|old|healed|history)\b",
                           re.IGNORECASE)

# What the rest of a note on what need not be done may say: "but can be done at the clinician's discretion".
_NOTE_WORDS = frozenset({"WORD", "JUDGEMENT", "OR", "AND", "COMMA", "QUAL"})

# "Patients with suspected sepsis": a suspicion is not the diagnosis, and an inclusion that asks
# for one is met by patients whose problem list does not name it ("suspected" is filler, so read,
# it would fail them). An exclusion may read the diagnosis, which is narrower; so may a suspicion
# under a negation ("no known or suspected brain metastases" asks at least that there be none).
_SUSPECTED = re.compile(r"\bsuspect(?:ed|ion)\b", re.IGNORECASE)
_NEGATED = re.compile(r"\b(?:no|not|non|without|absence\s+of|free\s+of|never)\b", re.IGNORECASE)


def _only_suspected(words: str) -> bool:
    """Whether the clause says a condition is suspected, not under a negation."""
    said = _SUSPECTED.search(words)
    return said is not None and not _NEGATED.search(words[:said.start()])


# Words in a list's head that change what its items mean ("unless …", "for patients with …:",
# "none of …").
_QUALIFYING_HEAD = frozenset({"EXCEPT", "IF", "NEG", "HOWEVER_ALLOWED", "HOWEVER", "FEMALE", "MALE", "CBP", "ANY_OF",
                              "AT_LEAST_OF", "WITH_OR_WITHOUT", "UNCONSTRAINED", "WITHIN", "WITHIN_NEXT",
                              "DURING_TRIAL", "RECENT", "JUDGEMENT"})


def _qualifies_list(clause: list[Token]) -> bool:
    """A clause that opens a list and holds a word that changes what the items mean."""
    return _opens_list(clause) and any(t.type in _QUALIFYING_HEAD for t in clause)


def _heads_a_list(clause: list[Token]) -> bool:
    """A clause holding a ":" after a word that changes what the items after it mean."""
    colons = [k for k, t in enumerate(clause) if t.type == "COLON"]
    return bool(colons) and any(t.type in _QUALIFYING_HEAD for t in clause[:colons[-1]])


def _opens_list(clause: list[Token]) -> bool:
    """A clause that ends in ":" (perhaps with the first item's number)."""
    tail = clause[:-1] if clause and clause[-1].type == "NUMBER" else clause
    return bool(tail) and tail[-1].type == "COLON"


def _diagnoses(node: Rule) -> bool:
    """A rule that only names conditions the patient must have."""
    leaves = [n for n in walk(node) if not isinstance(n, (AllOf, AnyOf))]
    return bool(leaves) and all(isinstance(n, HasCondition) for n in leaves)


def _list_label(clause: list[Token], words: str) -> bool:
    """"2" between the items of a numbered list inside one criterion, or a heading of filler words
    that opens the list ("Laboratory values: 1"): labels, not clauses."""
    if len(clause) == 1 and clause[0].type == "NUMBER" and words.rstrip(").").isdigit():
        return True
    types = [t.type for t in clause]
    return types in (["COLON"], ["COLON", "NUMBER"])


def _trimmed(text: str, span: Span) -> Span:
    """The span without surrounding spaces and list punctuation."""
    start, end = span.start, span.end
    while start < end and (text[start].isspace() or text[start] in ",;:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return Span(start=start, end=end)


def _read_clause(clause: list[Token], norm: Normalised, kind: CriterionKind, vocab: Vocabulary,
                 errors: list[CompileError]) -> Rule | Allowance | None:
    # "must …" under the exclusions states what is required, so the clause excludes its opposite
    required = kind == "exclusion" and any(t.type == "MUST" for t in clause)
    alone = None if required else _childbearing_alone(clause, norm, kind)
    if alone is not None:
        return alone
    if any(t.type == "QUAL" and t.value == "eligible" for t in clause):
        if kind != "exclusion":
            return None  # "eligible for surgery": no record says who is; a plan would fail the others
        # excluding the patients with a plan is narrower than excluding all who are eligible
        clause = [Token.new_borrow_pos("QUAL", "planned", t) if t.type == "QUAL" and t.value == "eligible" else t
                  for t in clause]
    untidy = [t for t in clause if t.type != "MUST"]
    clause = tidy(untidy)
    if not clause or len(clause) > MAX_CLAUSE_TOKENS or only_words(clause):
        return None
    if kind == "exclusion" and any(t.type == "UNCONSTRAINED" and t.value == "despite" for t in clause):
        # "diarrhea despite optimal treatment" is narrower than diarrhea: read without the
        # treatment it would exclude the patient not yet treated (an inclusion may read it wider)
        return None
    if required:
        node = _read_clause(untidy, norm, "inclusion", vocab, errors)
        if node is None or isinstance(node, Allowance):
            return node
        return _opposite(node, norm.span(clause[0].start_pos, clause[-1].end_pos))
    try:
        tree = criteria_parser().parse(clause)
    except LarkError:
        return _classified(clause, norm) or _criteria_for(clause, norm, kind, vocab, errors)
    try:
        node = Reader(norm, kind, vocab).transform(tree)
        if kind == "exclusion" and isinstance(node, Status) and node.field == "consent":
            # "Unable to speak English and sign consent", split at "and … sign": having signed
            # excludes no one, so the words after the split were not read as meant
            return None
        return node
    except VisitError as error:
        inner = error.orig_exc
        if isinstance(inner, UnitMismatch):
            errors.append(CompileError(str(inner), inner.span))
            return None
        if not isinstance(inner, Unreadable):
            # a reader bug must not cost the criterion: its words stay, and the error is reported
            errors.append(CompileError(f"internal: {type(inner).__name__}: {inner}", None))
            return None
    return _classified(clause, norm) or _criteria_for(clause, norm, kind, vocab, errors)


def _looser_limits_for_some(nodes: list[Rule], vocab: Vocabulary) -> list[Rule]:
    """"AST ≤ 3 × ULN. For HCC patients, AST ≤ 5 × ULN": a later sentence that gives some
    patients a looser limit on a value an earlier one limits. The earlier limit then binds the
    others only: it becomes "AST ≤ 3 × ULN or (HCC and AST ≤ 5 × ULN)"."""
    nodes = list(nodes)
    for k, node in enumerate(nodes):
        if not isinstance(node, Conditional):
            continue
        limits = [n for n in walk(node.then) if isinstance(n, (Comparison, NormalMultiple))]
        if not limits or any(not isinstance(n, (Comparison, NormalMultiple, AllOf, AnyOf)) for n in walk(node.then)):
            continue
        for j in range(k - 1, -1, -1):
            if any(_looser(limit, earlier, vocab) for limit in limits for earlier in walk(nodes[j])):
                for_some = AllOf(items=(node.when, node.then), span=node.span)
                if isinstance(nodes[j], Conditional):
                    # "For patients not receiving anticoagulation: INR ≤ 1.5 × ULN. For HCC,
                    # INR ≤ 2 × ULN": the looser limit too is for those the first one is for
                    nodes[k] = Conditional(when=AllOf(items=(nodes[j].when, node.when)), then=node.then,
                                           span=node.span)
                nodes[j] = AnyOf(items=(nodes[j], for_some), span=nodes[j].span)
                break
    return nodes


def _looser(limit: Rule, earlier: Rule, vocab: Vocabulary) -> bool:
    """Whether ``limit`` lets through more than ``earlier``, a limit on the same value."""
    if getattr(limit, "concept", None) != getattr(earlier, "concept", None):
        return False
    if type(limit) is not type(earlier):
        # "Bilirubin ≤ 1.5 × ULN. Patients with Gilbert's syndrome may have < 3 mg/dL": the same
        # value limited the same way in other terms, which cannot be compared. The later limit
        # is the one those patients are held to (held to both, they would fail by the first)
        return isinstance(earlier, (Comparison, NormalMultiple)) and same_side(limit.op, earlier.op)
    if isinstance(limit, NormalMultiple):
        value: tuple = (limit.limit, limit.factor, None)
    elif isinstance(limit, Comparison):
        value = ("quantity", limit.value, limit.unit)
    else:
        return False
    found = with_limit(earlier, None, limit.op, value, vocab)
    return found is not None and found[1]


def _opposite(node: Rule, span: Span) -> Rule:
    """What fails a requirement: "not" over it, with a requirement already in the negative read
    straight ("must not be pregnant or breastfeeding" is excluded by pregnant or breastfeeding)."""
    if isinstance(node, Not):
        return node.item
    if isinstance(node, AllOf) and all(isinstance(i, Not) for i in node.items):
        return AnyOf(items=tuple(i.item for i in node.items), span=node.span)
    return Not(item=node, span=span)


def _childbearing_alone(clause: list[Token], norm: Normalised, kind: CriterionKind) -> Rule | None:
    """"(Not) a woman of childbearing potential" as a whole clause. The grammar reads these words
    as the subject of a clause that follows; with nothing following (not even a ":" opening a
    list) they are the clause."""
    while clause and clause[0].type in ("OR", "AND", "COMMA", "ANDOR", "SEMI", "PERIOD"):
        clause = clause[1:]
    while clause and clause[-1].type == "PERIOD":
        clause = clause[:-1]
    clause = [t for t in clause if t.type != "MUST"]  # "Females must be of non-childbearing potential"
    types = [t.type for t in clause]
    if types[:3] == ["FEMALE", "NEG", "CBP"] and _definition_only(types[3:]):
        # "Women of non-childbearing potential (defined as postmenopausal or surgically sterile)"
        # (asked of the women among the patients; an exclusion names them)
        span = norm.span(clause[0].start_pos, clause[-1].end_pos)
        woman, unable = Status(field="female", span=span), Not(item=Status(field="childbearing_potential", span=span),
                                                                 span=span)
        if kind == "inclusion":
            return Conditional(when=woman, then=unable, span=span)
        return AllOf(items=(woman, unable), span=span)
    if types[:4] == ["FEMALE", "NEG", "CBP", "HOWEVER_ALLOWED"] and set(types[4:]) <= {"ANCHOR"} \
            and kind == "inclusion":
        # "Female subjects of non-childbearing potential may be enrolled in the study": those
        # women are let in, and men are not its subject; whether it also shuts out the women who
        # could conceive (or leaves them to an item of their own, "Female subjects of
        # childbearing potential may be enrolled if …") is not said, so for them it waits
        span = norm.span(clause[0].start_pos, clause[-1].end_pos)
        who = AllOf(items=(Status(field="female", span=span), Status(field="childbearing_potential", span=span)),
                    span=span)
        return Conditional(when=who, then=FreeText(text=norm.text[clause[0].start_pos:clause[-1].end_pos], span=span),
                           span=span)
    if kind == "exclusion" and types in (["MALE", "SUBGROUP"], ["SUBGROUP"]) \
            and clause[-1].value in _EXCLUDED_AS_NAMED:
        # "Male subjects with pregnant partners": the men are excluded for that alone
        span = norm.span(clause[0].start_pos, clause[-1].end_pos)
        group = HasAttribute(concept=clause[-1].value, span=span)
        return AllOf(items=(Status(field="male", span=span), group), span=span) if types[0] == "MALE" else group
    negated = types[:1] == ["NEG"]
    if types[negated:] not in (["FEMALE", "CBP"], ["CBP"]):
        return None
    span = norm.span(clause[0].start_pos, clause[-1].end_pos)
    rule: Rule = AllOf(items=(Status(field="female", span=span), Status(field="childbearing_potential", span=span)),
                       span=span)
    return Not(item=rule, span=span) if negated else rule


# The groups of men a list of exclusions names for what they are, with nothing asked of them (a
# female partner of childbearing potential, by contrast, heads what is asked: "… who will not use
# a condom", and alone may be a heading whose items were split off).
_EXCLUDED_AS_NAMED = frozenset({"partner_pregnant"})


# What a definition of not being able to conceive is written in ("postmenopausal for at least
# 12 months or surgically sterile"): nothing that asks anything more.
_DEFINITION_TOKENS = frozenset({"COND", "PROC", "OR", "COMMA", "AND", "WORD", "NUMBER", "TIMEUNIT", "GE", "GT", "NEG",
                                "QUAL", "LPAR", "RPAR", "LASTING"})


def _definition_only(types: list[str]) -> bool:
    """Nothing, or a definition: "(defined as …)", ", i.e. …", ": …", "(postmenopausal or
    surgically sterile)"."""
    if not types:
        return True
    if types[0] == "COLON":  # "…: surgically sterile or postmenopausal"
        return set(types[1:]) <= _DEFINITION_TOKENS
    if types[0] == "LPAR" and types[-1] == "RPAR" or types[0] == "INCLUDING":
        # the ways of not being able to conceive named in brackets, or after "i.e."
        return set(types[1:]) <= _DEFINITION_TOKENS | {"INCLUDING"}
    k = 1 if types[0] in ("COMMA", "LPAR") else 0
    return k < len(types) and types[k] == "DETERMINED_BY" and set(types[k + 1:]) <= _DEFINITION_TOKENS


def _defines_childbearing(clause: list[Token]) -> bool:
    """"Non-childbearing potential is defined as pre-menarche, hysterectomy or post-menopause": a
    sentence that only defines (not) being able to conceive."""
    types = [t.type for t in clause if t.type != "PERIOD"]
    negated = types[:1] == ["NEG"]
    return types[negated:negated + 1] == ["CBP"] and _definition_only(types[negated + 1:]) \
        and len(types) > negated + 1


_CRITERIA_LEAD_INS = frozenset({"according", "revised", "updated", "modified", "per"})


def _classified(clause: list[Token], norm: Normalised) -> Rule | None:
    """"Fulfilling the 1997 ACR or 2012 SLICC classification criteria for SLE": for
    pre-screening, a diagnosis of the one condition the clause names."""
    if not any(t.type in ("CLASSIFIED", "CLASSIFICATION") for t in clause) \
            or any(t.type == "WORD" and t.value.lower() not in _CRITERIA_LEAD_INS for t in clause) \
            or any(t.type == "QUAL" and t.value != "diagnosed" for t in clause):
        # every word must be known ("diagnosed by a movement disorder specialist" is not read),
        # "according to the revised …" only leads in to the criteria; a qualifier narrows the
        # condition ("severe RA according to the ACR criteria" is not any RA)
        return None
    conditions = {t.value for t in clause if t.type == "COND"}
    unread = COMPARATORS | {"NEG", "EXCEPT", "MED", "PROC", "GRADE", "WITHIN", "TIMEUNIT"}
    if len(conditions) != 1 or any(t.type in unread for t in clause):
        # (a window, "… within the past 6 months", is :func:`_criteria_for`'s to read: dropped, it
        # would exclude a disorder long over)
        return None
    token = next(t for t in clause if t.type == "COND")
    return HasCondition(concept=conditions.pop(), span=norm.span(token.start_pos, token.end_pos))


# What may come before "criteria for": the set's name, its year, an annotation, "according to"
_CRITERIA_FRAME = frozenset({"CLASSIFIED", "CLASSIFICATION", "ANNOTATION", "NUMBER"})
# What may follow it: the conditions, each with its qualifiers, in a list
_CRITERIA_MET = frozenset({"QUAL", "COND", "COMMA", "OR", "AND", "ANDOR"})
# and after them a window: "… criteria for alcohol use disorder within the past 6 months"
_WINDOW = frozenset({"WITHIN", "NUMBER", "TIMEUNIT", "BEFORE", "ANCHOR"})


def _criteria_for(clause: list[Token], norm: Normalised, kind: CriterionKind, vocab: Vocabulary,
                  errors: list[CompileError]) -> Rule | Allowance | None:
    """"Meets DSM-5 criteria for current major depressive disorder", "meets DSM-IV criteria for
    primary, chronic PTSD": a set of criteria that is the ordinary definition of the conditions
    it is said for. What follows "criteria for" is read as it is written, its qualifiers kept (which
    the reading of one bare condition, :func:`_classified`, would drop), and so are qualifiers
    before the frame ("currently meets DSM-IV criteria for alcohol dependence")."""
    k = 0
    while k < len(clause) and clause[k].type == "QUAL":
        k += 1
    said_of, clause = clause[:k], clause[k:]
    k = 0
    while k < len(clause) and (clause[k].type in _CRITERIA_FRAME
                               or clause[k].type == "WORD" and clause[k].value.lower() in _CRITERIA_LEAD_INS):
        k += 1
    frame, rest = clause[:k], clause[k:]
    said_for = [t for t in frame if t.type == "CLASSIFICATION" and t.value.lower().endswith(" for")]
    window = next((j for j, t in enumerate(rest) if t.type == "WITHIN"), len(rest))
    if not said_for or frame[-1] is not said_for[-1] or not rest[:window] or rest[window - 1].type != "COND" \
            or any(t.type not in _CRITERIA_MET for t in rest[:window]) \
            or any(t.type not in _WINDOW for t in rest[window:]):
        return None
    return _read_clause([*said_of, *rest], norm, kind, vocab, errors)


@dataclass(frozen=True)
class CompiledTrial:
    """A trial with a rule per criterion: compiled from its text, or a reviewer's rule."""

    trial: Trial
    rules: Mapping[str, Rule]
    errors: Mapping[str, tuple[CompileError, ...]]
    reviewed: frozenset[str] = frozenset()

    def cohorts(self) -> tuple[str, ...]:
        """The cohorts the trial's rules name, in order, each once (as its first heading spells it)."""
        found: dict[str, str] = {}
        for rule in self.rules.values():
            for node in walk(rule):
                if isinstance(node, Cohort):
                    found.setdefault(cohort_key(node.text), node.text)
        return tuple(found.values())


def compile_trial(trial: Trial, reviewed_rules: Mapping[str, str] | None = None) -> CompiledTrial:
    """Compile every criterion of a trial; ``reviewed_rules`` (criterion id → rule text in the
    criteria language) replace the compiler's reading where a reviewer has written one."""
    reviewed_rules = reviewed_rules or {}
    rules: dict[str, Rule] = {}
    errors: dict[str, tuple[CompileError, ...]] = {}
    studied = trial_concepts(trial)
    inclusions = {" ".join(c.text.split()).lower(): c.id for c in trial.inclusion}
    options_of: Criterion | None = None  # the criterion whose alternatives the items now are
    cohorts = trial_cohorts(trial)
    for k, c in enumerate(trial.criteria):
        if options_of is not None and c.kind != options_of.kind:
            options_of = None
        if c.id in reviewed_rules:
            rules[c.id] = parse_rule(reviewed_rules[c.id])
            errors[c.id] = ()
            continue
        if options_of is not None:
            # "… one of the following applies:" then the options as criteria of their own (a
            # record that flattened the list): read alone, each option would be required
            rules[c.id], errors[c.id] = _unread(c, f"one of the alternatives listed under {options_of.id}")
            continue
        if _OPTIONS_FOLLOW.search(c.text):
            options_of = c
        twin = inclusions.get(" ".join(c.text.split()).lower()) if c.kind == "exclusion" else None
        if twin is not None:
            # the record states the same words as an inclusion and as an exclusion: a copying
            # error, so neither reading may exclude anyone
            rules[c.id], errors[c.id] = _unread(c, f"this exclusion repeats inclusion {twin} word for word")
            continue
        compiled = compile_criterion(c.text, c.kind)
        named = _this_cancer_named(c, studied)
        compiled = named or compiled
        if isinstance(compiled.rule, FreeText) and len(studied) == 1:
            own = _the_disease_studied(c, studied[0])
            if own is not None:
                compiled = CompiledCriterion(rule=own)
        permission = _permission_after(trial.criteria, k, reviewed_rules)
        if permission is not None and is_structured(compiled.rule):
            # "No prior chemotherapy" then "Prior hydroxyurea allowed": the item after it is an
            # exception to it, read as if written in it; one that cannot be applied leaves it
            # unread where it names what the criterion forbids
            joined = compile_criterion(f"{c.text.rstrip().rstrip('.;,')}. {permission.text.strip()}", c.kind)
            if is_structured(joined.rule) and joined.rule != compiled.rule and _only_narrower(joined.rule):
                compiled = CompiledCriterion(rule=within(joined.rule, len(c.text)), errors=joined.errors)
            elif _relaxes(permission.text, compiled.rule):
                why = f"{permission.id} allows some of what it asks, in a way not read"
                rules[c.id], errors[c.id] = _unread(c, why)
                continue
        limited = _limited_permission_after(trial.criteria, k, reviewed_rules) if permission is None else None
        if limited is not None and is_structured(compiled.rule) and _relaxes(limited.text, compiled.rule):
            # "No prior radiotherapy" then "Prior radiotherapy to less than 25% of bone marrow
            # allowed": an exception within limits, which are not read into it
            rules[c.id], errors[c.id] = _unread(c, f"{limited.id} allows some of what it asks, within limits not read")
            continue
        if c.group and not is_structured(compiled.rule) and _names_a_measure(c.group):
            # "Age" over "- 18 and over", "Life expectancy" over "- At least 12 weeks" (old NCI
            # records): the heading names what the item's value is of
            prefix = f"{c.group.strip().rstrip(':').strip()}: "
            headed = compile_criterion(prefix + c.text, c.kind)
            if is_structured(headed.rule):
                compiled = CompiledCriterion(rule=shifted(headed.rule, len(prefix)), errors=headed.errors)
        if c.group and _THERAPY_TOPIC.match(c.group.strip().rstrip(":").strip()) \
                and _counts_any_treatment(compiled.rule):
            # "No more than 2 prior regimens" under "Chemotherapy": regimens of chemotherapy
            rules[c.id], errors[c.id] = _unread(c, f"the heading '{c.group.strip()}' says what the regimens are of")
            continue
        # (the disease studied, once named for "this cancer", is not excepted from itself)
        rule = compiled.rule if named else exempt_studied(compiled.rule, studied, heads_only=c.kind == "inclusion")
        if rule is None:
            rules[c.id], errors[c.id] = _unread(c, "the trial studies any cancer: which one is 'another' is not said")
            continue
        if c.group and names_a_group(c.group):
            # "The older subjects must also meet:": it applies to that group only (an inclusion
            # binds only its members; an exclusion excludes only its members). A cohort of the
            # trial's own is the coordinator's choice; any other group is the heading's words,
            # which a coordinator settles
            name = cohort_name(c.group)
            group: Rule = Cohort(text=name) if cohort_key(name) in cohorts else FreeText(
                text=c.group.strip().rstrip(":").strip())
            rule = Conditional(when=group, then=rule) if c.kind == "inclusion" else AllOf(items=(group, rule))
        rules[c.id] = rule
        errors[c.id] = compiled.errors
    return CompiledTrial(trial, rules, errors, frozenset(reviewed_rules))


# "Previously untreated disease", "Recurrent or refractory disease": only state words before "disease"
_STATE_OF_DISEASE = re.compile(r"^[\W_]*(?P<state>[A-Za-z][A-Za-z /,-]*?)\s+disease[\s.;]*$", re.IGNORECASE)
_STATE_TOKENS = frozenset({"QUAL", "OR", "AND", "ANDOR", "COMMA"})


def _the_disease_studied(c: Criterion, studied: str) -> Rule | None:
    """A criterion naming its disease only as "disease", with words for its state ("Previously
    untreated disease" in a prostate cancer trial): the one condition the trial studies in that
    state. None unless the words are all state words and read as exactly that condition."""
    said = _STATE_OF_DISEASE.match(c.text)
    if said is None:
        return None
    tokens = tokenize(normalise(c.text))
    if not tokens or any(t.type not in _STATE_TOKENS for t in tokens) or not any(t.type == "QUAL" for t in tokens):
        return None
    vocab = load_vocabulary()
    if vocab.get(studied).category != "condition":
        return None
    rule = compile_criterion(f"{said['state']} {vocab.get(studied).name}", c.kind).rule
    if not isinstance(rule, HasCondition) or rule.concept != studied or not rule.qualifiers or rule.excluding \
            or rule.window is not None or rule.lasting is not None or rule.grade is not None:
        return None
    return spanning(rule, Span(start=0, end=len(c.text.rstrip())))


# "for this cancer", "their malignancy", "the current tumor": the cancer the patient is enrolled with
_THIS_CANCER = re.compile(r"(?i)\b(?:this|their|his|her|the\s+current|the\s+present)\s+"
                          r"(?:cancer|malignancy|tumou?r|neoplasm|disease)\b")


def _this_cancer_named(c: Criterion, studied: Sequence[str]) -> CompiledCriterion | None:
    """"Prior chemotherapy for this cancer" in a trial of breast cancer: read with the cancer the
    trial studies named. Only where that is one cancer (the others named kinds of it), not a
    cancer of any organ, and the words then read in full; otherwise "this cancer" may be another
    of the trial's cancers than the one a course was given for."""
    said = _THIS_CANCER.search(c.text)
    vocab = load_vocabulary()
    broadest = [s for s in studied if all(vocab.is_a(other, s) for other in studied)]
    if said is None or len(broadest) != 1 or not vocab.is_a(broadest[0], _CANCER) \
            or _generic_cancer(broadest[0], vocab) or _THIS_CANCER.search(c.text, said.end()):
        return None
    name = vocab.get(broadest[0]).name
    compiled = compile_criterion(c.text[:said.start()] + name + c.text[said.end():], c.kind)
    if not is_structured(compiled.rule):
        return None
    return CompiledCriterion(rule=renamed(compiled.rule, said.start(), said.end(), len(name)), errors=compiled.errors)


def _permission_after(criteria: Sequence[Criterion], k: int, reviewed: Mapping[str, str]) -> Criterion | None:
    """The criterion right after the ``k``-th, when it only allows ("Prior hydroxyurea allowed")
    and stands in the same list under the same heading."""
    if k + 1 >= len(criteria):
        return None
    this, after = criteria[k], criteria[k + 1]
    if after.kind != this.kind or after.group != this.group or after.id in reviewed:
        return None
    nothing = _asks_nothing(after.text, after.kind)
    return after if nothing is not None and nothing.says == "allows" else None


def _limited_permission_after(criteria: Sequence[Criterion], k: int,
                              reviewed: Mapping[str, str]) -> Criterion | None:
    """The criterion right after the ``k``-th, in the same list under the same heading, when it
    allows something within limits ("Prior radiotherapy to less than 25% of marrow allowed",
    "Prior chemotherapy allowed if completed more than 4 weeks ago")."""
    if k + 1 >= len(criteria):
        return None
    this, after = criteria[k], criteria[k + 1]
    if after.kind != this.kind or after.group != this.group or after.id in reviewed:
        return None
    allows = _ALLOWS.search(after.text)
    return after if allows is not None and allows.start() > 0 and not _NOT_ALLOWED.search(after.text) else None


_ALLOWS = re.compile(r"\b(?:allowed|permitted)\b", re.IGNORECASE)
_NOT_ALLOWED = re.compile(r"\b(?:not|never)\s+(?:be\s+)?(?:allowed|permitted)\b", re.IGNORECASE)


def _relaxes(permission: str, rule: Rule) -> bool:
    """Whether a permission names a condition, drug or procedure within one the rule names:
    "Prior hydroxyurea allowed" after "No prior chemotherapy" (but "Prior chemotherapy allowed"
    after "No prior doxorubicin" allows other drugs, not doxorubicin)."""
    vocab = load_vocabulary()
    allowed = {t.value for t in tokenize(normalise(permission)) if t.type in ("COND", "MED", "PROC", "VACC")}
    named = {n.concept for n in walk(rule) if isinstance(getattr(n, "concept", None), str)}
    return any(vocab.lookup(a) is not None and vocab.lookup(b) is not None and vocab.is_a(a, b)
               for a in allowed for b in named)


def _only_narrower(rule: Rule) -> bool:
    """Whether no exception in a rule takes in all of what it is an exception to ("no prior
    doxorubicin" except chemotherapy; anticoagulants except anticoagulants): the same with
    qualifiers ("prophylactic anticoagulants") or a member of the class is narrower."""
    vocab = load_vocabulary()
    for n in walk(rule):
        concept = getattr(n, "concept", None)
        for e in getattr(n, "excluding", ()):
            if not isinstance(concept, str) or not vocab.lookup(concept) or not vocab.lookup(e.concept):
                return False
            if vocab.is_a(concept, e.concept) and not (e.concept == concept and e.qualifiers):
                return False
    return True


def _unread(c: Criterion, why: str) -> tuple[Rule, tuple[CompileError, ...]]:
    """A criterion kept whole as free text, with the reason its words are not read."""
    return FreeText(text=c.text, span=Span(start=0, end=len(c.text))), (CompileError(why, None),)


# A criterion ending by announcing alternatives that the record lists as criteria of their own.
_OPTIONS_FOLLOW = re.compile(r"\b(?:(?:one|any|either|at\s+least\s+(?:one|1))\s+of\s+the\s+following\b[^.:;]*"
                             r"|\beither)\s*:\s*$", re.IGNORECASE)

# Headings that sort a list by topic, not by who it applies to (old NCI records).
_TOPIC_HEADING = re.compile(
    r"^(?:(?:disease|patient|subject|participant)s?\s+characteristics|prior\s+(?:concurrent\s+)?therap(?:y|ies)"
    r"|concurrent\s+therap(?:y|ies)|(?:laboratory|lab)(?:\s+(?:values|tests|parameters|results|criteria))?"
    r"|hematopoietic|hematologic|haematologic|hepatic|renal|cardiovascular|pulmonary|neurologic(?:al)?|other"
    r"|general|age|sex|gender|performance status|life expectancy|biologic therapy|chemotherapy|endocrine therapy"
    r"|radiotherapy|radiation therapy|surgery|immunotherapy|medical history|demographics|key criteria"
    r"|concomitant medications?|prior (?:and|or) concomitant (?:medications?|therapy))$",
    re.IGNORECASE)
# A requirement closed by "if applicable" ("…, if applicable.", "(where relevant)").
_IF_APPLICABLE = re.compile(r"[,(;]\s*(?:if|when|where|as)\s+(?:applicable|appropriate|relevant|any|needed|indicated)"
                            r"\s*\)?\W*$", re.IGNORECASE)
# A limit said "for" an age group named in words ("≤ 1.0 mg/dL for children", "≤ 3 × ULN for adults").
_FOR_AN_AGE_GROUP = re.compile(r"(?:\d|ULN\b|%)\s*(?:[^\s,;]+\s+){0,2}?\(?for\s+(?:the\s+|all\s+)?(?:adults?|children|"
                               r"child|adolescents?|infants?|neonates|newborns?|(?:pediatric|paediatric|adult)\s+"
                               rf"{PEOPLE})\b", re.IGNORECASE)
# "Patients on / receiving / taking X must …": asked of those who take it.
_PATIENTS_ON = re.compile(rf"^\W*(?:for\s+)?(?:{PEOPLE}|those|women|men)\s+(?:who\s+are\s+)?"
                          r"(?:on|receiving|taking|using|treated\s+with)\b[^.;:]*\b(?:must|should|need\s+to|are\s+required)\b",
                          re.IGNORECASE)


# Those topic headings that name one kind of treatment: a count of regimens under one is of that kind.
_THERAPY_TOPIC = re.compile(r"^(?:biologic\s+therapy|chemotherapy|endocrine\s+therapy|radiotherapy|radiation\s+therapy"
                            r"|surgery|immunotherapy)$", re.IGNORECASE)


def _counts_any_treatment(rule: Rule) -> bool:
    """Whether the rule counts lines of any treatment at all ("no more than 2 prior regimens")."""
    vocab = load_vocabulary()
    return any(isinstance(n, TreatmentLines) and vocab.get(n.concept).covers for n in walk(rule))


# "Hepatic: Bilirubin ≤ 1.5 mg/dL": such a heading leading the criterion's own words
_TOPIC_FIRST = re.compile(rf"^[\W_]*(?P<topic>{_TOPIC_HEADING.pattern[1:-1]})\s*:\s*(?P<rest>\S.*)$",
                          re.IGNORECASE | re.DOTALL)
_ALL_PATIENTS = re.compile(r"\b(?:all|every|each)\b", re.IGNORECASE)
_GROUP_WORDS = frozenset({"subject", "subjects", "patient", "patients", "participant", "participants", "cohort",
                          "cohorts", "group", "groups", "arm", "arms", "part", "phase", "portion", "volunteers",
                          "children", "adults", "adolescents", "infants", "those", "individuals", "only", "also",
                          "additionally", "addition", "older", "younger", "healthy", "controls", "control"})


def _names_a_measure(heading: str) -> bool:
    """Whether a heading is the name of one measured value ("Age", "Life expectancy",
    "Performance status") or of the patient's sex, which the items under it give values of."""
    words = heading.strip().rstrip(":").strip()
    if _SEX_HEADING.match(words):
        return True
    tokens = tokenize(normalise(words))
    return len(tokens) == 1 and tokens[0].type == "MEASURE"


_SEX_HEADING = re.compile(r"^(?:sex|gender)$", re.IGNORECASE)


def names_a_group(heading: str) -> bool:
    """Whether a heading inside a criteria section limits the items under it to some patients
    ("The older subjects must also meet the following:", "Patients with bipolar disorder:",
    "Parkinson's disease") rather than sorting them by topic ("Hepatic:", "Prior concurrent
    therapy:") or addressing everyone ("For all patients:")."""
    words = heading.strip().rstrip(":").strip()
    if not words or _TOPIC_HEADING.match(words) or _ALL_PATIENTS.search(words):
        return False
    tokens = tokenize(normalise(words))
    if any(t.type in ("COND", "FEMALE", "MALE", "CBP") for t in tokens):
        return True
    return bool(_GROUP_WORDS & {w.lower() for w in re.findall(r"[A-Za-z]+", words)})


def trial_cohorts(trial: Trial) -> frozenset[str]:
    """The group headings of a trial that name cohorts of its own (as their :func:`cohort_key`): a
    heading with a cohort's words ("Arm B patients:", "Part A (dose escalation):", "Healthy
    controls:"), or any of two or more group headings with lists of their own ("Patients with
    MDD:", "Patients with BD:"). One heading alone over some items ("Patients with diabetes:"),
    one of sex or childbearing ("Women of childbearing potential:") or one that sets a limit for
    some patients ("For patients with liver metastases:") names a condition of the patient's."""
    groups = {c.group for c in trial.criteria if c.group and names_a_group(c.group)}
    named = {g for g in groups if _COHORT_WORDS.search(g)}
    parallel = {g for g in groups if not _names_a_status(g) and not _SOME_PATIENTS.match(g)}
    if len({cohort_key(cohort_name(g)) for g in parallel}) >= 2:
        named |= parallel
    return frozenset(cohort_key(cohort_name(g)) for g in named)


def cohort_name(heading: str) -> str:
    """The group a heading names, without what announces its list: "The older subjects must
    also meet the following eligibility criteria:" → "The older subjects"."""
    name = _ANNOUNCING.sub("", heading.strip().rstrip(":").strip())
    return _FOR_ONLY.sub("", name).strip() or heading.strip().rstrip(":").strip()


# "For patients with liver metastases:": a condition some patients meet, with a limit of its own
_SOME_PATIENTS = re.compile(rf"^\W*(?:for|in|if|when)\s+(?:(?:{PEOPLE}|those)\s+)?"
                            r"(?:with|who|receiving|on|taking)\b", re.IGNORECASE)


def _names_a_status(heading: str) -> bool:
    """A heading naming the patient's sex or childbearing potential ("Women of childbearing
    potential:", "For men:"): a condition the patient meets or not, never a cohort."""
    return any(t.type in ("FEMALE", "MALE", "CBP", "PREGNANT", "BREASTFEEDING")
               for t in tokenize(normalise(heading)))


# A trial's own groups: "Cohort 2", "Arm B", "Part A", "Group 1", "phase II portion", "the
# expansion cohort", "healthy controls" (a stage is the patient's disease, not a cohort).
_COHORT_WORDS = re.compile(
    r"\b(?:cohorts?|arms?|parts?|groups?|phases?|strat(?:um|a)|modules?)\s+(?:[A-Z]|\d+[a-z]?|[IVX]+)\b"
    r"|\b(?:cohorts?|arms?|portions?|strat(?:um|a)|control\s+group)\b|\bcontrols?\s*$"
    r"|\bhealthy\s+(?:controls?|volunteers?|subjects?|participants?|individuals?)\b", re.IGNORECASE)
# What a group heading says besides the group: "… must also meet the following eligibility
# criteria", "… exclusion criteria"; "For …", "… only".
_ANNOUNCING = re.compile(r"\s*(?:,\s*)?(?:(?:must|should|will)\s+(?:also\s+)?(?:meet|fulfil|fulfill|satisfy)\s+"
                         r"(?:all\s+(?:of\s+)?)?(?:the\s+)?(?:following|these)(?:\s+(?:additional\s+)?"
                         r"(?:eligibility|inclusion|exclusion))?(?:\s+criteria)?|(?:additional\s+)?"
                         r"(?:eligibility|inclusion|exclusion)\s+criteria)\s*$", re.IGNORECASE)
_FOR_ONLY = re.compile(r"^(?:for|in)\s+|\s+only$", re.IGNORECASE)


_CANCER = "malignancy"


def trial_concepts(trial: Trial) -> tuple[str, ...]:
    """The conditions a trial studies, as vocabulary concepts: the condition names found in its
    registry conditions ("Advanced Non-small Cell Lung Cancer" → non-small cell lung cancer,
    "Neoplasms, Prostate" → prostate cancer, "Solid Tumor" → the class of solid tumours)."""
    vocab = load_vocabulary()
    found: list[str] = []
    for name in trial.conditions:
        named = [t.value for variant in _condition_names(name) for t in tokenize(normalise(variant))
                 if t.type == "COND" and (vocab.get(t.value).category == "condition" or vocab.is_a(t.value, _CANCER))]
        specific = [c for c in named if not _generic_cancer(c, vocab)]
        found += specific or named  # "Neoplasms, Prostate" is prostate cancer, not any cancer
    return tuple(dict.fromkeys(found))


def _generic_cancer(concept: str, vocab: Vocabulary) -> bool:
    """A cancer that names no organ: "solid tumor", "advanced cancer", "neoplasm", "adenocarcinoma"."""
    return vocab.is_a(concept, _CANCER) and (vocab.get(concept).category == "class" or concept == "neoplasm"
                                             or vocab.is_a(concept, "advanced_cancer") or vocab.get(concept).histology)


def _condition_names(name: str) -> list[str]:
    """A registry condition as written, and in the word order of a criterion: MeSH writes
    "Neoplasms, Prostate" and "Colonic Neoplasms" where a criterion says "prostate cancer"."""
    inverted = re.match(r"^\s*([^,]+),\s*([^,]+?)\s*$", name)
    names = [name, f"{inverted[2]} {inverted[1]}"] if inverted else [name]
    return names + [re.sub(r"\bneoplasms?\b", "cancer", n, flags=re.IGNORECASE) for n in names
                    if re.search(r"\bneoplasms?\b", n, re.IGNORECASE)]


def exempt_studied(rule: Rule, studied: Sequence[str], heads_only: bool = False) -> Rule | None:
    """An exclusion naming a class that holds the studied disease ("previous or concurrent
    malignancy" in a lung-cancer trial) does not mean the disease under study: it is excepted,
    visibly, so the rule still excludes every other member of the class. An exclusion of a
    "prior" episode of the studied disease itself means one before the index episode.
    ``heads_only`` (for inclusions) excepts it from general heads alone: "no serious medical
    illness" does not mean the disease studied, but "diagnosis of a malignancy" does. None when
    an exclusion names the very class a trial of any cancer studies ("active malignancy"): which
    cancer it means is not said."""
    vocab = load_vocabulary()
    # a trial of "advanced cancer" or "solid tumors" studies whichever cancer the patient has
    studied = [_CANCER if _generic_cancer(c, vocab) else c for c in studied]
    # and a cancer's metastases are of it
    if any(vocab.is_a(c, _CANCER) for c in studied) and vocab.lookup("advanced_cancer"):
        studied = [*studied, "advanced_cancer"]

    def exempt(node: Rule, negated: bool = False) -> Rule | None:
        if heads_only and isinstance(node, HasCondition) and node.concept is not None \
                and (not vocab.get(node.concept).covers or not negated):
            # (an inclusion asking for a general head, "severe illness requiring ICU admission",
            # is met by the disease studied too; only "no serious illness" does not mean it)
            return node
        if isinstance(node, HasCondition) and node.concept is not None and "history" in node.qualifiers \
                and vocab.get(node.concept).category == "condition" and any(vocab.is_a(c, node.concept)
                                                                            for c in studied):
            # "prior stroke" in a stroke trial: an episode before the one under study (but "prior
            # malignancy" in a lung-cancer trial is any other cancer: the class is excepted below)
            return node.model_copy(update={"qualifiers": (*node.qualifiers, "earlier")})
        if isinstance(node, HasCondition) and node.concept is not None and node.concept in studied \
                and node.concept == _CANCER and not heads_only:
            # "active malignancy" in a trial of any solid tumour: the patient's cancer is one
            return None
        if isinstance(node, HasCondition) and node.concept is not None:
            under_study = studied
            if vocab.get(node.concept).covers:
                # "uncontrolled intercurrent illness" in a trial of "advanced cancer": the patient's
                # own cancer, under whatever name it is recorded, is not intercurrent
                under_study = [_CANCER if vocab.is_a(c, _CANCER) else c for c in studied]
            inside = [c for c in dict.fromkeys(under_study) if c != node.concept and vocab.is_a(c, node.concept)
                      and all(e.concept != c for e in node.excluding)]
            if inside and "other" in node.qualifiers and not all(vocab.is_a(c, _CANCER) for c in inside):
                # "other neurological conditions" in a multiple sclerosis trial: the disease's own
                # manifestations (optic neuritis) are recorded as members of the class too, and
                # which are "other" is the coordinator's call (a cancer's metastases are excepted)
                return node
            if inside:
                # "another malignancy" in a lung-cancer trial: other than lung cancer
                return node.model_copy(update={"excluding": node.excluding + tuple(Exemption(concept=c)
                                                                                   for c in inside),
                                               "qualifiers": tuple(q for q in node.qualifiers if q != "other")})
            return node
        if isinstance(node, (AllOf, AnyOf)):
            sites = [c for i in node.items if isinstance(i, HasCondition) and i.concept is not None
                     for c in vocab.get(i.concept).said_of] if isinstance(node, AllOf) else []
            # "CNS involvement by lymphoma" in a lymphoma trial: the lymphoma is the patient's own
            items = [i if isinstance(i, HasCondition) and i.concept is not None and "other" not in i.qualifiers
                     and any(vocab.is_a(i.concept, c) for c in sites) else exempt(i, negated) for i in node.items]
            return None if any(i is None for i in items) else node.model_copy(update={"items": tuple(items)})
        if isinstance(node, Not):
            item = exempt(node.item, not negated)
            return None if item is None else node.model_copy(update={"item": item})
        return node

    return exempt(rule) if studied else rule




__all__ = [
    "CompileError", "CompiledCriterion", "CompiledTrial", "Normalised", "RuleSyntaxError", "UnitMismatch",
    "compile_criterion", "compile_trial", "normalise", "parse_rule", "tokenize",
]
