"""Settling a sequence into one rule: all or any, and what a shared word reaches.

Whether a list means all or any depends on the criterion being an inclusion or an exclusion and
on the items being of one kind; a window, qualifier or exception written once may reach several
items; a parenthesis may define or narrow what precedes it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

from ..nodes import (
    AllOf,
    AnyOf,
    AtLeast,
    Category,
    Comparison,
    Conditional,
    EpisodeCount,
    Exemption,
    FamilyHistory,
    FreeText,
    Grade,
    HadProcedure,
    HasAttribute,
    HasCondition,
    Indication,
    NormalMultiple,
    Not,
    Rule,
    Span,
    Status,
    TimeWindow,
    Titre,
    TookMedication,
    TreatmentLines,
    Vaccinated,
    walk,
)
from ..tokens import DEFINABLE_QUALIFIERS as _DEFINABLE
from ..tokens import ENTITY_TERMINALS, Normalised, tokenize
from ..trial import CriterionKind
from ..units import STANDARD_BODY_SURFACE, UnitError, canonical_value
from ..vocabulary import Vocabulary
from .parts import (
    POINTED_AT,
    ENTITY_QUALS,
    FAMILY,
    GradeBound,
    MEASURE_NODES,
    OF_AGE,
    Part,
    Reading,
    Seq,
    UnitMismatch,
    Unreadable,
    YEARS,
    join_spans,
    span_of,
)


# Conditions that no CTCAE grade is said of, even where the criterion names the scale.
_NOT_ADVERSE_EVENTS = ("neoplasm", "premalignant_lesion")

# Words read among qualifiers that are handled elsewhere ("other" names a class less its members).
_NOT_QUALIFIERS = {"other"}

# "severe hypersensitivity to X", "severe intolerance of X": how bad a reaction to a drug was,
# said of the reaction only (a "severe" drug is no drug at all)
_REACTIONS = {"allergic", "intolerant"}
_REACTION_SEVERITY = {"severe"}

# What makes a general head ("medical condition") a list can screen for: serious, uncontrolled…
_NARROWING = {"severe", "uncontrolled", "recent", "hospitalized", "refractory", "end_stage", "life_threatening",
              "decompensated"}

# Qualifiers that, said after a list of conditions ("hepatitis B or C that is active"), an
# exclusion may read of each item: each only makes fewer of a patient's conditions count.
_SAID_OF_EACH = {"active", "recurrent", "severe", "uncontrolled", "refractory", "treated", "moderate", "symptomatic",
                 "asymptomatic", "chronic", "mild", "metastatic", "advanced", "locally_advanced", "unresectable", "relapsed", "untreated",
                 "stable", "end_stage", "decompensated", "life_threatening", "progressing", "hospitalized", "daily"}

# What can be told of each episode a count counts, from its condition entry.
_COUNTED_QUALS = {"severe", "moderate", "mild", "hospitalized", "life_threatening"}

_LOGIC_NODES = (AllOf, AnyOf, Not, AtLeast, Conditional)

# A procedure class this large ("surgery", "imaging") named among conditions is one done for them.
_BROAD_CLASS = 12

_NODE_TERMINALS = {HasCondition: "COND", TookMedication: "MED", HadProcedure: "PROC", Vaccinated: "VACC"}

# A concept's terminal by its category; a class of conditions is read as one.
_KIND_TERMINALS = {**ENTITY_TERMINALS, "class": "COND"}

# Qualifiers a limit on a measured value can carry: the latest value is the current one.
_MEASURE_QUALS = {"current", "other"}

_DIRECTION = {"<": "below", "<=": "below", ">": "above", ">=": "above", "=": "at"}


class Settling(Reading):
    """Turning a settled sequence of parts into rule nodes."""

    def _restrict(self, node: Rule, groups: list[list[Rule]], span: Span | None) -> Rule:
        if not groups:
            return node
        if len(groups) == 1:
            who = groups[0]
        else:
            who = [AnyOf(items=tuple(g[0] if len(g) == 1 else AllOf(items=tuple(g), span=span) for g in groups),
                         span=span)]
        when = who[0] if len(who) == 1 else AllOf(items=tuple(who), span=span)
        # An inclusion asks something OF these patients; an exclusion names them.
        if self.kind == "inclusion":
            return Conditional(when=when, then=node, span=join_spans(span, node.span))
        if isinstance(node, AllOf) and set(who) & set(node.items):
            # (once: "women planning to become pregnant" is female and, said of a woman, planning)
            said = set(node.items)
            return AllOf(items=(*(w for w in who if w not in said), *node.items), span=join_spans(span, node.span))
        return AllOf(items=(*who, node), span=join_spans(span, node.span))

    def _grade(self, bound: GradeBound, concept: str | None) -> Grade:
        """The grades that count (above the limit of an "at most", which the caller negates), of a
        condition the CTCAE grades: one marked so, or any but a tumour where the criterion names
        the scale ("grade 3 glioma" is the tumour's grade, "grade 3 hypertension" ESH's)."""
        found = self.vocab.lookup(concept) if concept else None
        if found is None or not (found.ctcae or bound.named and not any(
                self.vocab.is_a(found.id, c) for c in _NOT_ADVERSE_EVENTS)):
            raise Unreadable("a grade not on the CTCAE scale")
        return Grade(low=bound.high + 1) if bound.low == 0 else Grade(low=bound.low, high=bound.high)

    def _words_before(self, whole: Span, later: Span) -> FreeText:
        """The words of a part, with the qualifiers written before its name, up to a later piece
        of it: "Uncontrolled or symptomatic hypercalcemia" before the values that define it."""
        named = bisect_left(self.norm.origin, whole.start)
        before = tokenize(Normalised(text=self.norm.text[:named], origin=self.norm.origin[:named + 1]))
        k = len(before)
        while k and before[k - 1].type in ("QUAL", "OR", "ANDOR", "AND", "COMMA"):
            k -= 1
        start = next((t.start_pos for t in before[k:] if t.type == "QUAL"), named)
        words = self.norm.text[start:bisect_left(self.norm.origin, later.start)].rstrip(" ([:,-")
        return FreeText(text=words, span=self.norm.span(start, start + len(words)))

    def _one_kind_named(self, p: Part) -> str | None:
        """The one kind of a drug, condition or procedure a bracket after it names plainly, where
        the name carries words the bracket does not ("oral anticoagulants (coumarin derivatives)")."""
        defined = p.definition
        if p.terminal not in ("COND", "MED", "PROC") or p.concept is None or p.node is not None \
                or set(p.quals + [q for v in p.variants for q in v]) <= _DEFINABLE \
                or p.window is not None or p.lasting is not None or p.excluding or p.including or p.requiring \
                or p.values or p.dose is not None or p.caveats or p.unless or p.sites or p.linked \
                or _NODE_TERMINALS.get(type(defined)) != p.terminal or defined.concept in (None, p.concept) \
                or defined.qualifiers or defined.window is not None or getattr(defined, "excluding", ()) \
                or defined.span is None or not self.vocab.is_a(defined.concept, p.concept):
            return None
        return defined.concept

    def _entity_node(self, terminal, concept, quals, window, excluding, dose, span, negated_dose=False,
                     lasting=None, dose_bound=None, grade: GradeBound | None = None) -> Rule:
        allowed = ENTITY_QUALS[terminal] | (_REACTION_SEVERITY if terminal == "MED" and _REACTIONS & set(quals)
                                            else set())
        dropped = {x for x in quals if x not in allowed} - _NOT_QUALIFIERS
        if dropped:
            # "newly diagnosed claudication": a qualifier the node cannot carry changes what is asked
            raise Unreadable(f"qualifier {sorted(dropped)} on a {terminal}")
        q = tuple(dict.fromkeys(x for x in quals if x in allowed))
        exc = tuple(excluding)
        if lasting is not None and terminal not in ("COND", "MED", "PROC"):
            raise Unreadable(f"how long a {terminal} lasted")
        if terminal == "COND" and "new" in q and (window is None or window.direction != "past"):
            raise Unreadable("a new diagnosis without saying since when")  # "newly diagnosed claudication"
        if window is not None and window.half_lives is not None and terminal != "MED":
            if window.whichever != "longer":
                raise Unreadable("half-lives of what is not a drug")
            # "an investigational drug or device within 30 days or 5 half-lives, whichever is
            # longer": a device has no half-life, so the days are the longer for it
            window = window.model_copy(update={"half_lives": None, "whichever": None})
        if grade is not None and terminal != "COND":
            raise Unreadable(f"a grade of a {terminal}")
        if terminal == "COND":
            return HasCondition(concept=concept, qualifiers=q, excluding=exc, window=window, lasting=lasting,
                                grade=self._grade(grade, concept) if grade is not None else None, span=span)
        if terminal == "MED":
            return TookMedication(concept=concept, qualifiers=q, excluding=exc, dose=dose, dose_bound=dose_bound,
                                  window=window, lasting=lasting, span=span)
        if terminal == "PROC":
            return HadProcedure(concept=concept, qualifiers=q, excluding=exc, window=window, lasting=lasting,
                                span=span)
        if terminal == "VACC":
            return Vaccinated(concept=concept, qualifiers=q, excluding=exc, window=window, span=span)
        raise Unreadable(terminal)

    def _listed(self, seq: Seq) -> Seq:
        """"One of the following solid tumors: brain tumors; osteosarcoma; …": after "one of
        the following", the names before the colon say what the listed items are; the items are
        the choice. A head that is not a class of every item is not understood."""
        if "colon" not in seq.seps:
            return seq
        k = seq.seps.index("colon")
        head, tail = seq.parts[: k + 1], seq.parts[k + 1:]
        classes = [p.concept for p in head if p.terminal is not None and p.concept]
        kinds = [self._kind_within(p.concept, classes) if p.concept else None for p in tail]
        if len(classes) != len(head) or not tail or None in kinds:
            raise Unreadable("a list whose heading does not name what its items are")
        for p, kind in zip(tail, kinds):
            p.concept = kind
        return Seq(tail, seq.seps[k + 1:], seq.span, seq.none_of)

    def _kind_within(self, concept: str, classes: list[str]) -> str | None:
        """What an item listed under a heading is: the item itself when it is of the heading's
        classes, else its one kind that is ("solid tumors: brain tumors" are the malignant brain
        tumours, not a meningioma); None when neither."""
        if all(self.vocab.is_a(concept, c) for c in classes):
            return concept
        kinds = [d for d in self.vocab.descendants(concept) if concept in self.vocab.get(d).is_a
                 and all(self.vocab.is_a(d, c) for c in classes)]
        return kinds[0] if len(kinds) == 1 else None

    def _examples(self, seq: Seq) -> Seq:
        """"other autoimmune diseases apart from SLE: dermatomyositis, scleroderma, etc." — the
        list after the colon only gives examples of the class before it."""
        k = seq.seps.index("colon")
        head, tail = seq.parts[: k + 1], seq.parts[k + 1:]
        classes = [p.concept for p in head if p.terminal is not None and p.concept]
        if not classes or not all(p.concept and any(self.vocab.is_a(p.concept, c) for c in classes) for p in tail):
            raise Unreadable("a colon that does not introduce examples")
        if any(p.negated for p in tail) and not all(p.negated for p in head):
            # "Cardiovascular: no congestive heart failure": what follows is what is asked, not
            # examples of the head
            raise Unreadable("a negation around a colon")
        return Seq(head, seq.seps[:k], seq.span)

    def _groups(self, seq: Seq) -> Rule:
        """Each group of a list that ", and" parts, settled on its own: all of them hold."""
        return AllOf(items=tuple(self._settle(g) for g in _split(seq, "comma_and")), span=seq.span)

    def _alternatives(self, seq: Seq) -> Rule:
        """Each alternative of a list that "or" parts, settled on its own: any of them holds."""
        return AnyOf(items=tuple(self._settle(g) for g in _split(seq, "or")), span=seq.span)

    def _nodes(self, seq: Seq) -> list[Rule]:
        _share_grade(seq)
        elliptic = [p for p in seq.parts if p.elliptic is not None]
        _distribute(seq, self.kind, self.vocab)
        for p in elliptic:
            if isinstance(p.node, Comparison) and p.node.unit is not None and p.node.concept != "age":
                # an elliptic threshold took its measure from the one before, unchecked: "FEV1 ≥ 40%
                # and ≤ 8 L" (the others were checked as they were read)
                try:
                    canonical_value(p.node.value, p.node.unit, self.vocab.get(p.node.concept), STANDARD_BODY_SURFACE)
                except UnitError as error:
                    raise UnitMismatch(str(error), p.span or seq.span) from error
        return [_in_calendar(self._part_node(p, seq), p, seq) for p in seq.parts if not p.unconstrained]

    def _part_node(self, p: Part, seq: Seq) -> Rule:
        if p.remission is not None:
            if p.terminal != "COND" or p.node is not None or p.window is not None or p.lasting is not None \
                    or p.negated or p.counts or len(seq.parts) > 1:
                raise Unreadable("a remission of what is not one condition")
            # "prior malignancy unless in remission for ≥ 5 years": one that went on within the
            # last 5 years (an entry's end is when it was over)
            p.window = p.remission
        _dated_diagnosis(p)
        if p.counts:
            if p.grade is not None:
                raise Unreadable("a count of graded episodes")
            return self._episode_count(p)
        at_most = p.grade is not None and p.grade.low == 0
        if p.grade is not None and (p.terminal != "COND" or p.node is not None or p.definition is not None
                                    or p.values or p.variant_windows):
            raise Unreadable("a grade of what is not a condition")
        if at_most and (self.kind != "inclusion" or p.negated):
            # "neuropathy ≤ grade 1" asks that none be worse; listed as an exclusion it would
            # exclude the patient with none
            raise Unreadable("a grade at most, other than as a requirement")
        if p.values and p.terminal != "COND":
            raise Unreadable("values after what is not a condition")
        if p.variant_windows and (p.node is not None or p.definition is not None or p.terminal == "QUALITATIVE"):
            raise Unreadable("a window of one qualifier on what has no qualifiers")
        if p.negated and p.lasting is not None and p.window is None and p.lasting.op in (">=", ">"):
            # "non-smokers for at least 6 months": none in the last 6 months, not "no smoking
            # habit that lasted 6 months" (which would fail a smoker who quit years ago)
            p.window = TimeWindow(amount=p.lasting.amount, unit=p.lasting.unit)
            p.lasting = None
            # "not using X for at least 3 months": stopped a month ago is not "not using" then
            p.quals = [q for q in p.quals if q != "current"]
        examples = _examples(p)
        if examples:
            # "inner ear disease (BPPV, vestibular neuritis, etc.)", "anticancer treatment
            # (chemotherapy, radiotherapy) within 4 weeks": the head, its examples besides
            p.definition = None
        if p.node is not None and (p.including or p.excluding and not _numeric(p.node)):
            raise Unreadable("an exception to a test result")  # "positive drug screen other than cannabis"
        if p.definition is not None and p.node is not None and _numeric(p.node):
            if not all(isinstance(n, MEASURE_NODES + _LOGIC_NODES) for n in walk(p.definition)):
                raise Unreadable("a parenthesis after a limit that is not another limit")
            # "ECOG ≤ 2 (Karnofsky ≥ 60%)": the same asked on another scale; either will do for an
            # inclusion, and an exclusion needs both (one scale alone may not be what was meant)
            pair = (p.node, p.definition)
            node = AnyOf(items=pair, span=p.span) if self.kind == "inclusion" else AllOf(items=pair, span=p.span)
        elif p.definition is not None and p.terminal == "COND" \
                and any(isinstance(n, Comparison) and n.concept == "age" for n in walk(p.definition)):
            # "diabetes (> 10 years)": how long, or since what age? Not what the condition is
            raise Unreadable("an age or a time in place of the condition it follows")
        elif p.definition is not None and (kind := self._one_kind_named(p)) is not None:
            # "use of oral anticoagulants (coumarin derivatives)": a bracket naming one kind of the
            # head may say which is meant or give an example of it. The kind decides either way;
            # the rest of the head waits for a coordinator, with the bracket's words beside it
            variants = [p.quals + v for v in p.variants] or [p.quals]
            named = [self._entity_node(p.terminal, kind, q, None, (), None, p.span) for q in variants]
            heads = [self._entity_node(p.terminal, p.concept, q, None, (), None, p.span) for q in variants]
            head = heads[0] if len(heads) == 1 else AnyOf(items=tuple(heads), span=p.span)
            start = bisect_left(self.norm.origin, p.definition.span.start)
            end = bisect_left(self.norm.origin, p.definition.span.end)
            words = FreeText(text=self.norm.text[start:end], span=p.definition.span)
            node = AnyOf(items=(*named, AllOf(items=(head, words), span=p.span)), span=p.span)
        elif p.definition is not None and not set(p.quals + [q for v in p.variants for q in v]) <= _DEFINABLE:
            if p.span is None or p.definition.span is None or p.window is not None or p.lasting is not None \
                    or not all(isinstance(n, MEASURE_NODES + _LOGIC_NODES) for n in walk(p.definition)):
                raise Unreadable("a qualifier the definition does not cover")
            # "uncontrolled or symptomatic hypercalcemia (calcium > 12 mg/dL)": the values define
            # hypercalcemia, not its being symptomatic, which stays in words beside them: values
            # that miss the definition settle it, values that meet it wait for a coordinator
            node = AllOf(items=(p.definition, self._words_before(p.span, p.definition.span)), span=p.span)
        elif p.definition is not None:
            if "history" in p.quals and any(isinstance(n, (Comparison, NormalMultiple)) for n in walk(p.definition)):
                # "history of preterm birth (< 37 weeks gestation)", "history of hypoglycaemia
                # (glucose < 54 mg/dL)": the latest value does not show a past (a test result that
                # lasts does: "history of hepatitis B (defined as HBsAg reactive)")
                raise Unreadable("a past defined by a value of the moment")
            if any(isinstance(n, (HasCondition, TookMedication, HadProcedure, Vaccinated)) for n in walk(p.definition)) \
                    and (p.window is not None or p.lasting is not None or len(list(walk(p.definition))) > 1):
                # "anticancer treatment (chemotherapy, radiotherapy) within 4 weeks": the list
                # gives examples of the head, and the head's window and list sense would be lost
                raise Unreadable("examples in place of the name they illustrate")
            if p.terminal is not None and any(_NODE_TERMINALS.get(type(n), p.terminal) != p.terminal
                                              for n in walk(p.definition)):
                # "brain metastases (CT scan)", "heart failure (digoxin)": how it was seen or what
                # treats it, not what it is (read in its place, a CT scan would exclude)
                raise Unreadable("a bracket naming another kind of thing than what it follows")
            node = p.definition
        elif p.node is not None and "planned" in p.quals and isinstance(p.node, Status) \
                and p.node.field == "pregnant":
            # "planning to become pregnant during the study": an intention a coordinator records
            if p.window is not None and p.window.direction != "future":
                raise Unreadable("a planned pregnancy in the past")
            node = HasAttribute(concept="plans_pregnancy", span=p.node.span)
        elif p.node is not None:
            node = p.node
            later = set(p.quals) - _NOW - ({"planned"} if node.field == "contraception" else set()) \
                if isinstance(node, Status) and node.field in _STATUS_NOW else set()
            if later == {"planned"} and node.field == "breastfeeding":
                # "will be breastfeeding during the study", "planning to breastfeed": breastfeeding
                # now and not agreeing to stop (one who is not now would first have to give birth)
                span = node.span
                stops = HasAttribute(concept="no_breastfeeding_during_study", span=span)
                node = AllOf(items=(node, Not(item=stops, span=span)), span=span)
            elif later:
                # "previous pregnancy", "prior breastfeeding": not the status now, which is all
                # the profile records of it (agreeing to use contraception during the study is)
                raise Unreadable("a time on a status recorded as it is now")
            if isinstance(node, MEASURE_NODES) and p.lasting is not None:
                # "≤ 2 mg/dL for patients over 65 years": how long a value lasted is not what the
                # latest value says (and here the words were not about a duration at all)
                raise Unreadable("a duration on a measured value")
            if isinstance(node, MEASURE_NODES) and (set(p.quals) - _MEASURE_QUALS or p.variants or p.diagnosed):
                # "change in body weight > 5 kg", "history of HbA1c > 10%", "recurrent potassium
                # > 5.5", "age under 70 at diagnosis": not the latest value, which is all a limit
                # on a measure reads
                raise Unreadable("a qualifier on a measured value")
            if isinstance(node, AllOf) and any(isinstance(n, Category) for n in node.items) \
                    and (set(p.quals) - {"history"} or p.variants or p.diagnosed and p.window is not None):
                # "active stage IV melanoma", "newly diagnosed stage III NSCLC": the qualifier is
                # of the cancer, which the stage beside it would leave unqualified
                raise Unreadable("a qualifier on a staged condition")
            intends = isinstance(node, HasAttribute) and node.concept == "plans_pregnancy" \
                and set(p.quals) <= {"planned"} and (p.window is None or p.window.direction == "future")
            if isinstance(node, HasAttribute) and not intends and (set(p.quals) - {"current"} or p.window is not None):
                # "history of shift work" is not being a shift worker now
                raise Unreadable("a time on a fact recorded as it is now")
            if p.window is not None and not p.dated_test and not intends:
                node = _with_window(node, p.window)
        elif p.terminal == "QUALITATIVE":
            # a test named in a list of findings ("… and/or cylindruria") is a positive finding
            node = Category(concept=p.concept, values=("positive",), window=p.window, span=p.span)
        elif p.terminal is not None:
            # "another malignancy", "other autoimmune diseases": other than the disease the trial
            # studies, which only the trial can say (compile_trial excepts it); until then the
            # qualifier "other" leaves the patient's conditions of the class undecided. (A drug
            # "other" than the study's is any such drug: the patient is not yet on the study drug.)
            other_than_studied = p.terminal == "COND" and not p.excluding \
                and any("other" in q for q in [p.quals, *p.variants]) and not any(
                    q is not p and q.concept and self.vocab.lookup(q.concept) and p.concept
                    and self.vocab.is_a(q.concept, p.concept) for q in seq.parts)
            if "equivalent" in p.quals and p.terminal == "MED" and p.concept is not None \
                    and self.vocab.get(p.concept).prednisone_equivalent is None:
                # "prednisone > 0.5 mg/kg/day (or equivalent)": needs a dose equivalence table
                raise Unreadable("equivalent of what?")
            if p.concept is not None and self.vocab.get(p.concept).covers \
                    and not (p.terminal == "MED" and (p.window is not None or "current" in p.quals)) \
                    and not any(set(v) & _NARROWING for v in ([p.quals + v for v in p.variants] or [p.quals])):
                # "history of medical illness": any illness at all is not what a list means by it
                raise Unreadable("a general head with nothing to narrow it")
            if FAMILY & set(p.quals + [q for v in p.variants for q in v]):
                return self._family(p)
            variants = [p.quals + v for v in p.variants] or [p.quals]
            variants = [[*(q for q in v if q != "other"), *(["other"] if other_than_studied else [])]
                        for v in variants]
            own = [e for e in p.excluding if _KIND_TERMINALS.get(self.vocab.get(e.concept).category) == p.terminal]
            if len(own) < len(p.excluding):
                # "arrhythmia requiring anti-arrhythmics (excluding beta blockers or digoxin)": the
                # exception is the drug's; on the condition it would mean nothing
                if not (p.requiring and len(p.requiring) == 1 and not own):
                    raise Unreadable("an exception of another kind than what it follows")
                p.requiring = [p.requiring[0].model_copy(update={"excluding": tuple(p.excluding)})]
            windows = p.variant_windows or [p.window] * len(variants)
            if p.variant_windows and (p.window is not None or p.requiring):
                raise Unreadable("a window of one qualifier beside another or a shared one")
            nodes = [self._entity_node(p.terminal, p.concept, q, w, own, p.dose, p.span,
                                       lasting=p.lasting, dose_bound=p.dose_bound, grade=p.grade)
                     for q, w in zip(variants, windows)]
            node = nodes[0] if len(nodes) == 1 else AnyOf(items=tuple(nodes), span=p.span)
            included = [c for c in p.including if _KIND_TERMINALS.get(self.vocab.get(c).category) == p.terminal]
            if p.namely and included and len(included) == len(p.including):
                if not all(self.vocab.is_a(c, p.concept) for c in included):
                    # "central nervous system damage (i.e. neoplasm, aneurysm)": what the words
                    # say it is, which the vocabulary does not hold to be of it
                    raise Unreadable("what \"i.e.\" names is not a kind of what it follows")
                # "oral anticoagulants (i.e. coumarins)": those kinds are what is asked, not examples
                # of any anticoagulant (read as examples, an exclusion would reach apixaban too)
                nodes = [self._entity_node(p.terminal, c, q, w, own, p.dose, p.span, lasting=p.lasting,
                                           dose_bound=p.dose_bound, grade=p.grade)
                         for c in included for q, w in zip(variants, windows)]
                node = nodes[0] if len(nodes) == 1 else AnyOf(items=tuple(nodes), span=p.span)
                included = []
            elif len(included) < len(p.including) and not (p.requiring and all(
                    any(r.concept is not None and self.vocab.is_a(c, r.concept) for r in p.requiring
                        if isinstance(r, TookMedication | HadProcedure))
                    for c in p.including if c not in included)):
                # "… including chemotherapy" after a condition names examples of something else;
                # after "requiring systemic treatment", of the treatment, which they only repeat
                raise Unreadable("examples of another kind than what they follow")
            if included or examples:
                named = [(p.terminal, c) for c in included] + examples
                # "diabetic complications such as retinopathy or neuropathy": after a class of a
                # disease's manifestations, an example broader than the class that holds some of
                # them names those loosely (the retinopathy of diabetes); an exclusion reads the
                # class alone (any retinal disease would exclude too many), an inclusion both
                members = [d for d in self.vocab.descendants(p.concept)
                           if d != p.concept and p.concept in self.vocab.get(d).is_a]
                manifestations = bool(members) and all(self.vocab.get(d).manifestation_of for d in members)
                loose = {c for _, c in named if self.kind == "exclusion" and manifestations
                         and not self.vocab.is_a(c, p.concept)
                         and any(self.vocab.is_a(d, p.concept) for d in self.vocab.descendants(c))}
                if any(self.vocab.get(a).form_class for _, c in named if not self.vocab.is_a(c, p.concept)
                       for a in (c, *self.vocab.ancestors(c))):
                    # "sleep aids including dietary supplements": the supplements that are sleep aids,
                    # which no reading picks out (read as either, any vitamin would do)
                    raise Unreadable("an example named by its form, not by what it does")
                if any(c in self._narrowed_items for _, c in named
                       if not self.vocab.is_a(c, p.concept) and c not in loose):
                    # "opportunistic infection (e.g. systemic fungal infection)": read without its
                    # "systemic", the example would reach a patient with athlete's foot
                    raise Unreadable("an example narrowed by words its reading would drop")
                # "allergy to the study drug, such as anaphylaxis": a reaction under an allergy says how
                # that allergy showed, not another one (anaphylaxis to peanuts is not meant); under an
                # allergy to something, every condition named is how it showed ("drug allergy (e.g.,
                # urticaria)" does not reach chronic urticaria)
                allergy = self.vocab.is_a(p.concept, "allergic_disease")
                shown = {c for terminal, c in named if allergy and (
                    self.vocab.is_a(c, "allergic_disease") or terminal == "COND" and p.concept != "allergic_disease")}
                extra = [self._entity_node(terminal, c, q, w, (), None, p.span, lasting=p.lasting, grade=p.grade)
                         for terminal, c in named if not self.vocab.is_a(c, p.concept) and c not in loose | shown
                         for q, w in zip(variants, windows)]
                if extra:
                    node = AnyOf(items=(node, *extra), span=p.span)
            if "stable" in p.quals and p.window is not None:
                # "a stable dosage … for < 6 months prior to screening": how long it has been
                # stable, which a window does not say
                raise Unreadable("a window on a stable dose")
            if p.requiring:
                if p.concept is not None and self.vocab.get(p.concept).covers:
                    # "comorbidities requiring corticosteroids": the patient's other illnesses
                    # and the drug would be joined without knowing what the drug is for
                    raise Unreadable("a treatment required by an unnamed condition")
                needed = p.requiring
                # "seizures requiring anticonvulsants": in what would exclude a patient, the drug
                # given for the seizures, not gabapentin taken for neuropathic pain (a course
                # whose indication is not recorded may be either); what a patient must have keeps
                # any such drug, since an indication recorded in other words (an anticonvulsant
                # for "epilepsy") would fail the patient. A procedure is recorded for the organ's
                # failure more than for the disease (dialysis for "end-stage renal disease", not
                # for lupus nephritis), so it keeps any
                if p.terminal == "COND" and p.concept is not None and (self.kind == "exclusion") != p.negated:
                    needed = [r.model_copy(update={"given_for": Indication(concept=p.concept)})
                              if isinstance(r, TookMedication) and r.given_for is None else r for r in needed]
                loose = False  # the treatment's time not tied to the condition's
                if p.window is not None:
                    # "exacerbation requiring systemic corticosteroids in the past 3 months": the
                    # treatment was needed then, not necessarily now
                    needed = [r.model_copy(update={"qualifiers": tuple(q for q in r.qualifiers if q != "current"),
                                                   "window": p.window}) for r in needed]
                elif all("history" in q for q in variants):
                    # "a history of pneumonitis that required steroids": then, too; a drug had at
                    # any time may have been for anything, so where what it was for is not read,
                    # a patient with both waits for a coordinator (the words are kept)
                    needed = [r.model_copy(update={"qualifiers": tuple(dict.fromkeys(
                        "history" if q == "current" else q for q in r.qualifiers))}) for r in needed]
                    loose = not all(isinstance(r, TookMedication) and r.given_for is not None for r in needed)
                if p.requiring_any:
                    needed = [AnyOf(items=tuple(needed), span=p.span)]
                if loose and p.requiring_words is not None:
                    needed = [*needed, p.requiring_words]
                node = AllOf(items=(node, *needed), span=p.span)
                if p.requiring_own:
                    qualified = [self._entity_node(p.terminal, p.concept, q + p.requiring_own, w, own, p.dose,
                                                   p.span, lasting=p.lasting, dose_bound=p.dose_bound,
                                                   grade=p.grade)
                                 for q, w in zip(variants, windows)]
                    node = AnyOf(items=(*qualified, node), span=p.span)
            if p.values:
                node = AllOf(items=(node, *p.values), span=p.span)
        else:
            raise Unreadable("nothing to say")
        if p.shown_by:
            if p.terminal != "COND" or p.node is not None or p.window is not None or p.values \
                    or any(n is None for n in p.shown_by):
                raise Unreadable("a result shown for what is not a condition now")
            if any(isinstance(n, MEASURE_NODES) for n in p.shown_by) \
                    and "history" in p.quals + [q for v in p.variants for q in v]:
                # "history of hypoglycaemia (e.g., glucose < 54 mg/dL)": the latest value does not
                # show a past
                raise Unreadable("a past shown by a value of the moment")
            node = AnyOf(items=(node, *p.shown_by), span=p.span)
        if p.linked and p.terminal in ("MED", "PROC"):
            node = self._given_for(node, p, seq)
        elif p.linked:
            if p.terminal != "COND" or p.node is not None or p.excluding or p.including or p.alternative is not None \
                    or p.caveats or p.unless or p.sites or len(seq.parts) > 1:
                # "neutropenia or fever due to …", "ALT > 3 × ULN due to …": of which item, or a
                # cause that a limit's exception would say
                raise Unreadable("a cause of what is not one condition")
            # "macular edema secondary to BRVO": a patient without either is decided; one with
            # both waits for a coordinator to say that one comes from the other
            node = AllOf(items=(node, *p.linked), span=p.span)
        if p.features:
            if p.terminal != "COND" or p.node is not None or p.window is not None or p.lasting is not None \
                    or p.excluding or p.including or p.requiring or p.alternative is not None or p.caveats \
                    or p.unless or p.sites or p.linked or len(seq.parts) > 1:
                # "cirrhosis with ascites or encephalopathy", "hepatitis B or C with cirrhosis", "…
                # within 3 months": whether another item or the time is of the feature too the words
                # do not tell
                raise Unreadable("a feature of what is not one condition")
            if (self.kind == "exclusion") == p.negated:
                # what a patient must have: "major BVO without neovascularization", "major BVO with
                # neovascularization", "BVO with macular edema" are often groups a record offers
                # one of, each listed as an inclusion, which read as all required would fail all
                raise Unreadable("a feature of what a patient must have")
            items: list[Rule] = [node]
            for with_, feature, words in p.features:
                if with_:
                    # "diabetes with retinopathy": an entry of retinopathy may come from another
                    # disease, so a patient with both waits for a coordinator
                    items.extend((feature, words))
                else:
                    # "MDD without psychotic features": the feature's entry read as the
                    # condition's can only exclude fewer
                    items.append(Not(item=feature, span=feature.span))
            node = AllOf(items=tuple(items), span=p.span)
        if p.sites:
            if p.terminal not in ("COND", "PROC") or p.node is not None or p.excluding or p.alternative is not None \
                    or p.caveats or p.unless or _site_may_reach_back(p, seq):
                # "glaucoma or ocular hypertension in the study eye": whether the site is said of
                # every item the list does not tell
                raise Unreadable("a site of what is not one condition or procedure")
            # "uncontrolled glaucoma in the study eye": a patient without it is decided, one with
            # it waits for a coordinator to say which eye
            node = AllOf(items=(node, *p.sites), span=p.span)
        if p.any_eye and p.node is not None:
            if not isinstance(p.node, Comparison) or p.negated or len(seq.parts) > 1:
                raise Unreadable("either eye of what is not one value")
            # "IOP > 25 mmHg in either eye": the value recorded may be the other eye's, so one that
            # meets the limit settles it and one that misses it waits for a coordinator
            node = AnyOf(items=(node, *p.any_eye), span=p.span)
        if p.caveats:
            # ("progressed on or after prior X": the treatment had, and the words on it; "receiving
            # dexamethasone as standard of care": the drug, and how it is given)
            # (a dose of radiation: the radiotherapy, in its window too; words saying which drugs
            # narrow the drug as its qualifiers and its window do)
            had = p.node is None and p.dose is None and not p.variants and (
                (p.terminal == "MED" and p.window is None or p.terminal == "PROC")
                and set(p.quals) <= {"history", "current"} or p.terminal == "MED" and p.kind_in_words)
            # ("progressed on at least 2 prior lines of therapy": the lines had, and the words on
            # them; "a measurable lesion ≥ 10 mm": measurable disease, and its size in words)
            implied = isinstance(p.node, TreatmentLines) and p.node.op in (">", ">=") \
                or isinstance(p.node, Category) and p.node.concept == "measurable_disease"
            # ("positive urine drug screen for cocaine": a positive result, and which drugs count)
            found = isinstance(p.node, Category) and p.node.values == ("positive",)
            # (a patient who took no such drug does not take one of them either: "no prescription
            # medications" may be negated)
            if p.negated and not p.kind_in_words or p.excluding or p.alternative is not None or not (
                    had or implied or found or p.node is not None and _numeric(p.node, by_sex=True)):
                raise Unreadable("a caveat on what is not a limit")
            # "platelets ≥ 100,000/mm3 (transfusion independent)": the latest value meeting the
            # limit is not enough, and one that misses it settles the criterion
            node = AllOf(items=(node, *p.caveats), span=p.span)
        if p.unless and p.node is None:
            if p.terminal not in ("MED", "PROC") or p.excluding or p.including or p.alternative is not None \
                    or p.caveats or p.sites or p.linked or len(seq.parts) > 1:
                raise Unreadable("an exception in words to what is not one drug or procedure")
            # "systemic corticosteroids except for treatment of raised intracranial pressure",
            # "another clinical trial, unless during its follow-up period": the drug or procedure
            # counts only where the words do not hold, which a coordinator settles (a patient
            # not taking it is decided)
            node = AllOf(items=(node, *(Not(item=u, span=u.span) for u in p.unless)), span=p.span)
        elif p.unless:
            if p.excluding or p.caveats or p.alternative is not None or p.node is None or not _numeric(p.node):
                raise Unreadable("an exception in words to what is not a limit")
            # the limit ("outside the normal range": negated) binds only where the words do not
            # hold, which a coordinator settles: a value that meets it passes an inclusion, one
            # that does not exceed it an exclusion
            limit = Not(item=node, span=node.span) if p.negated else node
            if self.kind == "inclusion":
                return AnyOf(items=(limit, *p.unless), span=p.span)
            return AllOf(items=(limit, *(Not(item=u, span=u.span) for u in p.unless)), span=p.span)
        if p.alternative is not None:
            if p.negated or p.excluding or p.node is None or not _numeric(p.node):
                raise Unreadable("another limit for what?")
            node = self._alternative(node, *p.alternative)
        if p.node is not None and p.excluding:
            if p.negated:
                raise Unreadable("a negated limit with an exception")
            return self._unless(node, p.excluding)
        if at_most:
            # "peripheral neuropathy ≤ grade 1": none of a higher grade (none at all will do)
            node = Not(item=node, span=node.span)
        if isinstance(node, Status) and node.field == "consent" and (p.negated or p.willing or p.compliance):
            # "unable to give informed consent", "willing to comply with follow-up": whether the
            # patient can and will, which one who has not signed yet (as at pre-screening) may well
            node = HasAttribute(concept="able_to_comply" if p.compliance else "able_to_consent", span=node.span)
        if p.negated and self.kind == "inclusion" and isinstance(node, HasAttribute) \
                and self.vocab.is_a("able_to_consent", node.concept):
            # "unable to give consent" asked for (emergency research): a signed consent, which
            # counts as able, may be a representative's
            raise Unreadable("an inability to consent asked for")
        if p.negated:
            node = Not(item=node, span=node.span)
        return node

    def _episode_count(self, p: Part) -> Rule:
        """"At least 2 COPD exacerbations requiring hospitalization in the past year": bounds on
        how many episodes, each with the qualifiers (a "history of" adds nothing to a count)."""
        quals = [q for q in p.quals if q != "history"]
        if set(quals + p.either) - _COUNTED_QUALS or p.variants or p.negated or p.lasting or p.excluding \
                or p.including or p.values or p.definition or p.dose or p.alternative or p.requiring_own:
            raise Unreadable("more than a count of episodes says")
        if p.window is not None and (p.window.direction != "past" or p.window.half_lives is not None):
            raise Unreadable("episodes to come")
        requiring: Rule | None = None
        if p.requiring:
            # what each episode needed, then (not now)
            needed = [r.model_copy(update={"qualifiers": tuple(q for q in r.qualifiers if q != "current")})
                      for r in p.requiring]
            requiring = needed[0] if len(needed) == 1 else AnyOf(items=tuple(needed), span=p.span)
        nodes = [EpisodeCount(concept=p.concept, qualifiers=tuple(dict.fromkeys(quals)), either=tuple(p.either),
                              requiring=requiring, op=op, count=int(n), window=p.window, span=p.span)
                 for op, n in p.counts]
        return nodes[0] if len(nodes) == 1 else AllOf(items=tuple(nodes), span=p.span)

    def _family(self, p: Part) -> Rule:
        """"Family history of X": a relative's X; "personal or family history of X": the
        patient's own history of X or a relative's. Anything more said of it (a window, a
        qualifier, an exception, which relative) is not what a family history records."""
        quals = set(p.quals)
        if p.terminal != "COND" or p.concept is None or p.variants or quals - FAMILY \
                or p.window or p.lasting or p.excluding or p.including or p.requiring or p.dose or p.definition \
                or p.grade:
            raise Unreadable("more than a family history records")
        first_degree = bool(quals & {"family_first_degree", "in_first_degree"})
        family = FamilyHistory(concept=p.concept, first_degree=first_degree, span=p.span)
        node: Rule = family
        if "own_or_family" in p.quals:
            own = HasCondition(concept=p.concept, qualifiers=("history",), span=p.span)
            node = AnyOf(items=(own, family), span=p.span)
        return Not(item=node, span=p.span) if p.negated else node

    def _alternative(self, node: Rule, measure: str | None, op: str, value: tuple, who: Rule) -> Rule:
        """The limit ``node`` (A), and another one (B) for the patients ``who`` describes (C): the
        statement is (not C and A) or (C and B). Where B reaches wider than A in an inclusion
        this is "A or (C and B)", and where it reaches less wide in an exclusion "A and (not C or
        B)" — the same, and decided even when C is unknown but A settles it."""
        found = with_limit(node, measure, op, value, self.vocab) or self._in_other_terms(node, measure, op, value)
        if found is None:
            raise Unreadable("another limit of a different kind")
        other, wider = found
        span = node.span
        if self.kind == "inclusion" and wider:
            return AnyOf(items=(node, AllOf(items=(who, other), span=span)), span=span)
        if self.kind == "exclusion" and not wider:
            return AllOf(items=(node, AnyOf(items=(Not(item=who, span=span), other), span=span)), span=span)
        return AnyOf(items=(AllOf(items=(Not(item=who, span=span), node), span=span),
                            AllOf(items=(who, other), span=span)), span=span)

    def _in_other_terms(self, node: Rule, measure: str | None, op: str, value: tuple) -> tuple[Rule, bool] | None:
        """"Bilirubin ≤ 1.5 × ULN (< 3 mg/dL for Gilbert's syndrome)": another limit on the one
        value, the same way, in terms that do not compare with the first (a multiple of the normal
        limit and a quantity). It is taken as the looser one, which is what a limit for some
        patients is written for: held to the other as well, they would fail by it."""
        if not isinstance(node, (Comparison, NormalMultiple)) or measure not in (None, node.concept) \
                or not same_side(op, node.op):
            return None
        other = self._measure_node(node.concept, op, value, node.span)
        if type(other) is type(node):
            return None  # the same terms: with_limit has judged them
        return other, True

    def _given_for(self, node: Rule, p: Part, seq: Seq) -> Rule:
        """"Chemotherapy for advanced NSCLC", "radiotherapy for prostate cancer": what the
        treatment was given for, one condition after "for" (or a purpose after "as": "steroids as
        an antiemetic"), on the one treatment named, or on each of a list that shares it."""
        linked = [n for n in p.linked if not isinstance(n, FreeText)]
        words = [n for n in p.linked if isinstance(n, FreeText)]
        if len(linked) != 1 or not isinstance(linked[0], HasCondition) or linked[0].concept is None \
                or not all(w.text.lower().startswith(("for ", "as ")) and not POINTED_AT.search(w.text) for w in words) \
                or not isinstance(node, (TookMedication, HadProcedure)) or p.excluding or p.including \
                or p.sites or any(q.linked != p.linked for q in seq.parts):
            raise Unreadable("what a treatment was for, said of what is not one treatment")
        given = linked[0]
        return node.model_copy(update={"given_for": Indication(concept=given.concept, qualifiers=given.qualifiers)})

    def _unless(self, node: Rule, excluding: Sequence[Exemption]) -> Rule:
        """"Bilirubin ≤ 1.5 × ULN unless due to Gilbert's syndrome": the limit does not bind a
        patient who has the condition (or is on the drug) the exception names."""
        exempt: list[Rule] = []
        for e in excluding:
            terminal = self._exemption_terminals.get(e.concept)
            if e.qualifiers or terminal not in ("COND", "MED"):
                raise Unreadable("an exception that is not a condition or a drug")
            exempt.append(HasCondition(concept=e.concept, span=node.span) if terminal == "COND" else
                          TookMedication(concept=e.concept, qualifiers=("current",), span=node.span))
        who = exempt[0] if len(exempt) == 1 else AnyOf(items=tuple(exempt), span=node.span)
        if self.kind == "inclusion":
            return AnyOf(items=(node, who), span=node.span)
        return AllOf(items=(node, Not(item=who, span=node.span)), span=node.span)

    def _settle(self, seq: Seq) -> Rule:
        if "colon" in seq.seps:
            seq = self._examples(seq)
        if self.kind == "inclusion" and "or" in seq.seps and "comma_and" in seq.seps:
            # "not pregnant or breastfeeding, and using contraception": ", and" joins the groups
            return self._groups(seq)
        if "with" in seq.seps and "or" in seq.seps and set(seq.seps) <= {"or", "with"}:
            # "ferritin < 100 ng/mL or ferritin 100–300 ng/mL with TSAT < 20%": "with" binds
            # the value after it to the one before, and "or" offers the pairs
            return self._alternatives(seq)
        if any(p.risk for p in seq.parts[:-1]):
            # "high risk of bleeding or stroke": the risk may be of both
            raise Unreadable("a list after a risk")
        if any(p.terminal == "COND" for p in seq.parts) and any(
                p.terminal == "PROC" and p.concept and not self.vocab.get(p.concept).is_a and not p.described
                and len(self.vocab.descendants(p.concept)) > _BROAD_CLASS for p in seq.parts):
            # "coronary artery disease, angina or surgery": the surgery is for those conditions,
            # not any operation at all (but "… or currently on dialysis" says its own)
            raise Unreadable("a bare procedure class among conditions")
        nodes = list(dict.fromkeys(self._nodes(seq)))  # "signed consent and complied" says consent once
        if not nodes:
            raise Unreadable("no constraint")
        seps = [s for s, p in zip(seq.seps, seq.parts[1:]) if not p.unconstrained] or ["and"]
        if len(nodes) == 1:
            return nodes[0]
        span = seq.span
        if seq.none_of:
            return AllOf(items=tuple(nodes), span=span)
        if set(seps) <= {"or", "comma"} and "or" in seps:
            return AnyOf(items=tuple(nodes), span=span)
        if "or" in seps:
            if self.kind == "exclusion":  # any of anything: the grouping cannot change the verdict
                return AnyOf(items=tuple(flatten_any(nodes)), span=span)
            raise Unreadable("'and' and 'or' mixed in one list")
        # A list joined by "and" or commas: in an exclusion, each named item of one kind
        # excludes ("hepatitis B, hepatitis C and HIV"); items of different kinds describe one
        # case together ("infection requiring hospitalization and IV antibiotics").
        # ("Women who are pregnant, and women of childbearing potential not using contraception":
        # the women who could conceive are one more item of a list about being pregnant)
        kinds = {"STATUS" if k == "CHILDBEARING" else k for k in (_kind_of(p) for p in seq.parts if not p.unconstrained)}
        # "prior stroke and concomitant diabetes": an item described in its own words after
        # "and" is a second requirement on one patient, not another member of a list; after a
        # bare comma it is one more member ("MI, symptomatic CHF, CVA")
        described = any(p.described for p, sep in zip(seq.parts[1:], seq.seps)
                        if not p.unconstrained and sep != "comma")
        if self.kind == "exclusion" and len(kinds) == 1 and not described and "with" not in seps \
                and not _bounds_of_one_value(nodes) and not self._tests_of_one_infection(nodes):
            return AnyOf(items=tuple(nodes), span=span)
        return AllOf(items=tuple(nodes), span=span)

    def _tests_of_one_infection(self, nodes: list[Rule]) -> bool:
        """Whether the items of an "and" list are results of tests for one infection ("positive HCV
        antibody and detectable HCV RNA"): together they describe one case, a current infection,
        and either alone (antibodies after a cured infection) is not it. A list in which only some
        items share an infection ("HBsAg, anti-HBc and HCV antibody") could be read either way."""
        infections = []
        for node in nodes:
            leaf = node.item if isinstance(node, Not) else node  # ("… and HCV RNA not negative")
            concept = self.vocab.concepts.get(getattr(leaf, "concept", None) or "")
            infections.append(set(concept.detects) if concept is not None else set())
        shared = set.intersection(*infections)
        if len(nodes) > 1 and shared:
            return True
        if any(a & b for k, a in enumerate(infections) for b in infections[k + 1:]):
            raise Unreadable("results of tests for one infection listed with others")
        return False


# The statuses a profile records as they are now, and the qualifiers that say no more than that.
_STATUS_NOW = frozenset({"pregnant", "breastfeeding", "contraception"})
_NOW = frozenset({"current", "active", "recent"})


def _split(seq: Seq, at: str) -> list[Seq]:
    """The runs of a list between its separators ``at``, each a list of its own."""
    runs: list[Seq] = []
    start = 0
    for k, sep in enumerate([*seq.seps, at]):
        if sep == at:
            parts = seq.parts[start:k + 1]
            runs.append(Seq(parts, seq.seps[start:k], span_of(parts)))
            start = k + 1
    return runs


def flatten_any(nodes: Iterable[Rule]) -> list[Rule]:
    out: list[Rule] = []
    for n in nodes:
        out.extend(n.items if isinstance(n, AnyOf) else (n,))
    return out


def _with_window(node: Rule, window: TimeWindow) -> Rule:
    if window.half_lives is not None:
        raise Unreadable("half-lives of what is not a drug")
    if isinstance(node, (Comparison, NormalMultiple, Titre, Category, HasCondition, TookMedication, HadProcedure,
                         Vaccinated)):
        return node if node.window is not None else node.model_copy(update={"window": window})
    if isinstance(node, (AllOf, AnyOf)):
        return node.model_copy(update={"items": tuple(_with_window(i, window) for i in node.items)})
    if isinstance(node, Not):
        return node.model_copy(update={"item": _with_window(node.item, window)})
    # "pregnant within the last 6 months" is not pregnant now: a time no rule here can carry
    raise Unreadable(f"a time on {type(node).__name__}")


def _site_may_reach_back(p: Part, seq: Seq) -> bool:
    """Whether a site written after an item of a list may be said of other items too: of those
    before it, unless the item before names its own ("surgery on the symptomatic knee within 12
    months or arthroscopy in the index knee in the past 3 months"); and whether a window shared
    back from a later item reaches past it is not said either ("glaucoma in the study eye or
    cataract surgery within 3 months")."""
    k = next(i for i, q in enumerate(seq.parts) if q is p)
    return k > 0 and not seq.parts[k - 1].sites or p.shared_window


def _examples(p: Part) -> list[tuple[str, str]]:
    """The entities a parenthesis after an entity lists, each named plainly (no qualifier, window
    or exception of its own), as (terminal, concept); empty when it is anything else."""
    if p.definition is None or p.terminal not in ("COND", "MED", "PROC", "VACC") or p.concept is None:
        return []
    found: list[tuple[str, str]] = []
    for node in walk(p.definition):
        if isinstance(node, (AnyOf, AllOf)):
            continue
        terminal = _NODE_TERMINALS.get(type(node))
        if terminal is None or node.concept is None or node.qualifiers or node.window is not None \
                or getattr(node, "excluding", ()):
            return []
        found.append((terminal, node.concept))
    return found if len(found) > 1 or p.window is not None or p.lasting is not None else []


def _in_calendar(node: Rule, p: Part, seq: Seq) -> Rule:
    """"Hernia repair from June 1996 to June 2011", "nivolumab initiated between 2015 and 2020": the
    item in those calendar days; its start, where a diagnosis or a start is said ("new"). Only one
    item alone with no other time: days said after a list may be the whole list's."""
    if p.dated is None:
        return node
    inner = node.item if isinstance(node, Not) else node
    if len(seq.parts) > 1 or p.window is not None or p.lasting is not None \
            or not isinstance(inner, (HasCondition, TookMedication, HadProcedure)) \
            or inner.window is not None or inner.lasting is not None:
        raise Unreadable("calendar days of what cannot carry them")
    started = p.diagnosed or "new" in inner.qualifiers
    dated = p.dated.model_copy(update={"started": started})
    inner = inner.model_copy(update={"dated": dated, "qualifiers": tuple(q for q in inner.qualifiers if q != "new")})
    return node.model_copy(update={"item": inner}) if isinstance(node, Not) else inner


def _dated_diagnosis(p: Part) -> None:
    """"Diagnosis of type 2 diabetes within 24 months": the onset lies in the window (the
    qualifier "new"), not merely the disease; "diagnosis of" with no time says no more than the
    disease, and a window shared from a later item ("a diagnosis of immunodeficiency or steroids
    within 7 days") dates that item, not the diagnosis."""
    if p.diagnosed and p.terminal == "COND" and p.window is not None and not p.shared_window \
            and "new" not in p.quals:
        p.quals.append("new")


def _undertaking(p: Part) -> bool:
    """An item that states what the patient does or agrees to (uses contraception, signed consent):
    a "not" before the list does not reach it ("not pregnant and uses contraception" asks for the
    contraception, not its absence)."""
    return isinstance(p.node, Status) and p.node.field in ("contraception", "consent")


def _kind_of(p: Part) -> str:
    """What a list item is about (a measured value, a condition, a drug, patient status…), so
    that an exclusion's "and" is read as "any of" only between items of one kind. Drugs and
    procedures are both treatments ("corticosteroids, radiation therapy and chemotherapy")."""
    if p.childbearing:
        return "CHILDBEARING"
    if p.terminal in ("MED", "PROC") or p.drugs_in_words:
        return "TREATMENT"
    if p.terminal in ENTITY_QUALS:
        return p.terminal
    if p.terminal == "QUALITATIVE":
        return "MEASURE"
    node = p.definition or p.node
    if node is None:
        return "?"
    leaves = [n for n in walk(node) if not isinstance(n, _LOGIC_NODES)]
    if leaves and all(isinstance(n, MEASURE_NODES) for n in leaves):
        return "MEASURE"
    if leaves and all(isinstance(n, Status) and n.field in ("female", "male") for n in leaves):
        return "SEX"  # "non-pregnant females": the sex and the pregnancy are asked together
    if leaves and all(isinstance(n, Status) for n in leaves):
        return "STATUS"
    return type(leaves[0]).__name__ if leaves else "?"


def same_side(op: str, other: str) -> bool:
    """Whether two comparators bound a value on the same side ("<" and "≤", ">" and "≥")."""
    return op != "=" and _DIRECTION[op] == _DIRECTION[other]


def with_limit(node: Rule, measure: str | None, op: str, value: tuple,
                vocab: Vocabulary) -> tuple[Rule, bool] | None:
    """``node`` with the limit of every leaf (of ``measure``, if named) set to ``op value``, and
    whether that reaches wider; None when it is not the same kind of limit in the same direction
    (or not a different one)."""
    if isinstance(node, (AllOf, AnyOf)):
        found = [with_limit(i, measure, op, value, vocab) for i in node.items]
        if any(f is None for f in found):
            return None
        changed = [f for f, i in zip(found, node.items) if f is not None and f[0] != i]
        if not changed or len({wider for _, wider in changed}) != 1:
            return None
        return node.model_copy(update={"items": tuple(f[0] for f in found if f is not None)}), changed[0][1]
    if not isinstance(node, (Comparison, NormalMultiple)):
        return None
    if measure is not None and node.concept != measure:
        return node, False
    if _DIRECTION[op] != _DIRECTION[node.op]:
        return None
    kind, number, unit = value
    if isinstance(node, NormalMultiple):
        if kind != node.limit:
            return None
        new: Rule = node.model_copy(update={"op": op, "factor": number})
        old_value, new_value = node.factor, number
    else:
        if kind != "quantity" or node.concept == "age":
            return None
        unit = unit or node.unit
        try:
            concept = vocab.get(node.concept)
            old_value = canonical_value(node.value, node.unit, concept)
            new_value = canonical_value(number, unit, concept)
        except (UnitError, KeyError):
            return None
        new = node.model_copy(update={"op": op, "value": number, "unit": unit})
    if new_value == old_value:
        return None
    return new, (new_value > old_value if op in ("<", "<=") else new_value < old_value)


def _bounds_of_one_value(nodes: Sequence[Rule]) -> bool:
    """"SLEDAI ≥ 4 and ≤ 10": limits on one value joined by "and" make a range, even in an
    exclusion (read as "any of", the two would exclude everyone)."""
    concepts = {n.concept for n in nodes if isinstance(n, (Comparison, NormalMultiple))}
    return len(concepts) == 1 and all(isinstance(n, (Comparison, NormalMultiple)) for n in nodes)


def _numeric(node: Rule, by_sex: bool = False) -> bool:
    """A numeric limit, or a list of them: what an "unless …" exception may lift; ``by_sex``, also
    a limit for each sex ("QTcF > 450 ms (men) or > 470 ms (women)")."""
    leaves = [n for n in walk(node) if not isinstance(n, _LOGIC_NODES)]
    return bool(leaves) and all(isinstance(n, (Comparison, NormalMultiple))
                                or by_sex and isinstance(n, Status) and n.field in ("male", "female") for n in leaves) \
        and any(isinstance(n, (Comparison, NormalMultiple)) for n in leaves)


def _measured(p: Part) -> bool:
    return isinstance(p.node, MEASURE_NODES) or p.terminal == "QUALITATIVE"


def _share_grade(seq: Seq) -> None:
    """"Grade ≥ 3 neutropenia or thrombocytopenia", "DVT or PE grade ≥ 3": a grade written once
    before the first condition of a list, or after the last, is each one's (it can only narrow
    what counts). Written beside another item, whether it reaches the rest is not said."""
    items = [p for p in seq.parts if p.terminal is not None]
    graded = [p for p in items if p.grade is not None]
    if not graded or len(graded) == len(items):
        return
    shared = graded[0].grade if len(graded) == 1 else None
    if shared is None or not all(p.terminal == "COND" and (p is graded[0] or not p.described) for p in items) \
            or not (graded[0] is items[0] and shared.before or graded[0] is items[-1] and not shared.before):
        # ("grade ≥ 2 neuropathy or active pneumonitis": the other item is described on its own)
        raise Unreadable("a grade of some items of a list")
    for p in items:
        p.grade = shared


def _distribute(seq: Seq, kind: CriterionKind, vocab: Vocabulary) -> None:
    """Share what registry English writes once for a list: qualifiers forward ("severe or
    uncontrolled A, B and C"), windows and exceptions backward ("A or B within 12 weeks"),
    the measured name into elliptic comparisons ("SLEDAI ≥4 and ≤10"), "positive" into a bare
    test name ("positive ANA and/or anti-DNA"). An exception in parentheses after an item of an
    inclusion's list is that item's ("… soft tissue sarcoma (excluding Ewing's)"); in an exclusion
    it is shared all the same, which can only exclude fewer."""
    parts = seq.parts
    if parts and parts[0].negated and not parts[0].unable and len(parts) > 1 and all(
            not q.negated and not isinstance(q.node, Not) and _kind_of(q) == _kind_of(parts[0])
            and not _undertaking(q) for q in parts[1:]):
        # (an item worded in the negative keeps its own polarity: "not lactating and a negative
        # pregnancy test")
        # "no cardiac, neurodegenerative or pulmonary disease": none of them
        for q in parts[1:]:
            q.negated = True
        seq.none_of = True
    elif parts and parts[0].negated and not parts[0].unable and any(not q.negated for q in parts[1:]) \
            and "or" in seq.seps:
        # "no HBV immunization or infection": whether the "no" reaches past the "or", and what the
        # later item shares with the first, is not clear
        raise Unreadable("'no A or B' with A and B of different kinds")
    leading = {0}  # the items whose qualifiers were written before the list, on its first item
    for k, p in enumerate(parts):
        if k == 0:
            continue
        prev = parts[k - 1]
        anchor = next((q for q in reversed(parts[:k]) if q.measure is not None), None)
        if p.elliptic is not None and anchor is not None and anchor.measure is not None:
            op, value = p.elliptic
            if (value[2] == OF_AGE or value[2] in YEARS) and anchor.measure != "age":
                raise Unreadable("an age or a time after another measure")
            if value[2] == OF_AGE:
                value = (value[0], value[1], "years")
            base = anchor.node
            unit = value[2]
            if unit is None and isinstance(base, Comparison):
                unit = base.unit
            elif unit is not None and anchor is prev and isinstance(base, Comparison) and base.unit is None \
                    and anchor.measure != "age" and value[0] == "quantity":
                # "glucose < 50 or > 400 mg/dL": the unit written last is both thresholds'
                anchor.node = base.model_copy(update={"unit": unit})
            # the concept the threshold before it measured ("FEV1 ≥ 40%" is FEV1 % predicted)
            measure = base.concept if isinstance(base, (Comparison, NormalMultiple)) else anchor.measure
            p.node = Comparison(concept=measure, op=op, value=value[1], unit=unit) if value[0] == "quantity" \
                else NormalMultiple(concept=measure, op=op, factor=value[1], limit=value[0])
            p.measure = measure
            p.elliptic = None
        # "positive for A or B", "negative for HBsAg and HCV antibody": the result written once
        # is every bare test's after it
        result_before = ("positive",) if isinstance(prev.node, Titre) else \
            prev.node.values if isinstance(prev.node, Category) and prev.node.values in (("positive",), ("negative",)) \
            else None
        if isinstance(p.node, Status) and p.node.field == "consent" and not p.negated:
            if prev.negated and prev.unable:
                # "unable to speak English or to give consent": unable to consent too (read
                # alone, having signed would exclude)
                p.negated = p.unable = True
            elif prev.willing and (isinstance(prev.node, HasAttribute) or prev.compliance) and not p.signed:
                # "able to read English and sign consent", "willing to participate in the study
                # and sign the consent form": able to sign, which one who has not signed yet (as
                # at pre-screening) may well be
                p.willing = True
        if prev.result == "negative":
            result_before = ("negative",)  # "negative HIV, HBsAg and HCV antibody"
        if p.terminal in ("QUALITATIVE", "COND") and p.node is None and prev.serology and not p.result:
            # "seropositive for HBsAg, HCV antibody or HIV", "seronegative for HBsAg and HIV": the
            # antibodies reach every item; of an infection the body clears (CMV) they are not the
            # infection, nor their absence its absence (see _not_serology)
            if p.terminal == "COND" and not (p.concept and vocab.get(p.concept).seropositive_is_infection):
                raise Unreadable("a serostatus is not the infection")
            p.serology = True
        if p.terminal == "QUALITATIVE" and p.node is None and result_before:
            p.node = Category(concept=p.concept, values=result_before, span=p.span)
            p.result = result_before[0]
        elif p.terminal == "COND" and p.result is None and prev.result == "negative":
            # "negative for HBsAg, HCV antibody and HIV": read alone, the infection would be
            # required; the negative reaches it as it reaches a test ("HIV negative"). A test
            # is negative for an infection: "HER2-negative, hormone receptor-positive breast
            # cancer" does not deny the cancer
            if p.node is not None or p.negated or p.quals or p.window is not None or p.excluding \
                    or p.concept is None or not vocab.is_a(p.concept, "infection"):
                raise Unreadable("a result written once, before an item it may or may not reach")
            p.node = Not(item=HasCondition(concept=p.concept, qualifiers=("current",), span=p.span), span=p.span)
            p.result = "negative"
        if p.terminal in ENTITY_QUALS and prev.terminal in ENTITY_QUALS and set(p.quals) <= {"other"} \
                and not p.variants and (k - 1 in leading or p.shortened
                                        or kind == "exclusion" and seq.seps[k - 1] in ("or", "and")):
            # "unstable doses of A, B or other immunosuppressants": the qualifiers reach every item;
            # not those written on an item inside the list after a comma ("MI, symptomatic CHF,
            # CVA": the stroke need not be symptomatic), unless the next is named by its tail
            # alone ("HIV or chronic hepatitis B or C"). Whether "MI, uncontrolled hypertension or
            # diabetes" means uncontrolled diabetes is not clear: an exclusion reads it so (it can
            # then only exclude fewer), an inclusion not (it can then only fail fewer)
            leading.add(k)
            p.quals = [q for q in prev.quals if q not in ("other", "equivalent") and q not in prev.quals_after] \
                + p.quals
            p.variants = [list(v) for v in prev.variants]
            p.variant_windows = list(prev.variant_windows)
    for k in range(len(parts) - 2, -1, -1):
        p, nxt = parts[k], parts[k + 1]
        if "requiring_treatment" in nxt.quals_after and "requiring_treatment" not in p.quals:
            # "autonomic or peripheral neuropathy that requires treatment": read of the last item
            # alone, the first would exclude untreated; an exclusion reads it of each (it can then
            # only exclude fewer), an inclusion cannot tell
            if kind == "inclusion" or p.terminal != "COND" or seq.seps[k] not in ("or", "comma", "and") \
                    or p.window is not None and not p.shared_window:
                raise Unreadable("a need for treatment said after a list, of its last item or of each")
            p.quals.append("requiring_treatment")
            p.quals_after.append("requiring_treatment")
        said_after = [q for q in nxt.quals_after if q not in p.quals and q not in ("planned", "current")]
        # ("NSAIDs or aspirin daily": how often, after a list of drugs, likewise)
        if said_after and (p.terminal == nxt.terminal == "COND" or p.terminal == nxt.terminal == "MED"
                           and "daily" in said_after) and not (p.quals_after or p.requiring) \
                and p.concept != nxt.concept:
            # (an item with words of its own after it is said whole, as the last is, and one named
            # again with them is told apart by them: "≥ 2 exacerbations requiring steroids or ≥ 1
            # requiring hospitalization", "≥ 2 exacerbations or 1 exacerbation requiring …")
            # "brain metastases or spinal cord compression that is untreated", "diabetes or MI in
            # a first-degree relative": read of the last item alone, the first would exclude
            # treated metastases, or the patient's own diabetes. An exclusion reads a qualifier
            # that narrows of each (it can then only exclude fewer); an inclusion cannot tell, nor
            # can anyone whether a relative's condition or the time is said of each
            if kind == "inclusion" or seq.seps[k] not in ("or", "comma", "and") \
                    or p.window is not None and not p.shared_window or not set(said_after) <= _SAID_OF_EACH:
                raise Unreadable("a qualifier said after a list, of its last item or of each")
            p.quals.extend(said_after)
            p.quals_after.extend(said_after)
        reaction_after = [q for q in said_after if q in _REACTIONS]
        if reaction_after and p.terminal == nxt.terminal == "MED" and not (p.quals_after or set(p.quals) & _REACTIONS):
            # "aspirin or statin intolerance", "penicillin or sulfa allergy": read of the last drug
            # alone, the first would exclude whoever takes it. What excludes ("no … allergy" in an
            # inclusion too) reads the reaction of each (it can then only exclude fewer); what a
            # patient must have cannot tell
            if (kind == "inclusion") != p.negated or seq.seps[k] not in ("or", "comma", "and", "andor") \
                    or p.window is not None and not p.shared_window:
                raise Unreadable("a reaction said after a list of drugs, of the last or of each")
            p.quals.extend(reaction_after)
            p.quals_after.extend(reaction_after)
        if nxt.linked and not p.linked and p.terminal in ("MED", "PROC") and nxt.terminal in ("MED", "PROC") \
                and (kind == "inclusion") == p.negated and seq.seps[k] in ("or", "comma", "andor") \
                and (p.window is None or p.shared_window):
            # "no prior chemotherapy or radiotherapy for breast cancer": what the treatments were
            # given for, said after a list, is read of each where that can only exclude fewer;
            # what a patient must have cannot tell (the other items are then left unread)
            p.linked = list(nxt.linked)
        if nxt.caveats and not p.caveats and p.node is not None and nxt.node is not None \
                and _numeric(p.node) and _numeric(nxt.node):
            # "SBP > 140 or DBP > 90 at two consecutive visits": how the values must be seen is
            # said once, for every limit of the list
            p.caveats = list(nxt.caveats)
        if p.terminal in ENTITY_QUALS and nxt.terminal in ENTITY_QUALS:
            for when in ("planned", "current"):
                if when in nxt.quals_after and set(p.quals) <= {"other"} and p.window is None \
                        and (when != "current" or p.terminal in ("COND", "MED", "PROC")):
                    # "use of warfarin or heparin during the study", "pneumonia or sepsis at the
                    # time of enrollment": when, said after a list, is said of each item
                    p.quals.append(when)
                    p.quals_after.append(when)
            if p.window is None and nxt.window is not None:
                p.window = nxt.window
                p.shared_window = True
            if p.lasting is None and nxt.lasting is not None:
                p.lasting = nxt.lasting  # "treated with A or B for more than 4 weeks"
            if not p.excluding and nxt.excluding and not (nxt.own_exception and kind == "inclusion"):
                p.excluding = list(nxt.excluding)
            if p.terminal == nxt.terminal == "COND" and nxt.requiring and not p.requiring \
                    and (p.window is None or p.shared_window):
                # "pneumonitis or interstitial lung disease that required steroids": read of the
                # last item alone, the first would exclude without the treatment; an exclusion
                # reads it of each (it can then only exclude fewer), an inclusion cannot tell.
                # ("Herpes zoster within 90 days or any infection requiring …": an item with a
                # time of its own is said whole)
                if kind == "inclusion":
                    raise Unreadable("a treatment required by the last condition of a list, or by each")
                p.requiring = list(nxt.requiring)
                p.requiring_words = nxt.requiring_words
        elif _measured(p) and _measured(nxt) and p.window is None and nxt.window is not None:
            p.window = nxt.window
    # "> 18 years and < 70 years of age": once one bound says "of age", a bound in years is an age too
    of_age = any(p.elliptic is not None and p.elliptic[1][2] == OF_AGE for p in parts)
    # "Male or female patient > 18 years": a clause of nothing but limits in years is an age
    of_age = of_age or all(p.elliptic is not None and p.elliptic[1][2] == "years" for p in parts)
    for p in parts:
        if p.elliptic is not None:
            op, value = p.elliptic
            if value[0] != "quantity" or not (value[2] == OF_AGE or of_age and value[2] == "years"):
                raise Unreadable("a threshold of what?")
            # "at least 18 years of age"
            p.node = Comparison(concept="age", op=op, value=value[1], unit="years", span=p.span)
            p.measure, p.elliptic = "age", None
