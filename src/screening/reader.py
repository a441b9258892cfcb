"""Parse tree of one clause → rule nodes: the meaning of registry English lists.

The grammar finds a clause's parts and the words between them; this module decides what they
mean together: whether a list means all or any (it depends on the criterion being an inclusion or
an exclusion, and on the items being of one kind), which window, qualifier or exception written
once reaches which part, and where a parenthesis defines or narrows what precedes it. What cannot
be said as a rule raises :class:`Unreadable`, and the clause stays free text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lark import Token, Transformer

from .nodes import (
    AllOf,
    AnyOf,
    AtLeast,
    Category,
    Comparison,
    Conditional,
    Exemption,
    HadProcedure,
    HasCondition,
    NormalMultiple,
    Not,
    Rule,
    Span,
    Status,
    TimeWindow,
    Titre,
    TookMedication,
    Vaccinated,
    walk,
)
from .tokens import Normalised
from .trial import CriterionKind
from .units import UnitError, canonical_value
from .vocabulary import Vocabulary

# --- parts and the reader -------------------------------------------------------------------


@dataclass
class _Part:
    """One part of a clause before the list around it is settled."""

    node: Rule | None = None          # a finished rule
    terminal: str | None = None       # COND/MED/PROC/VACC for an entity
    concept: str | None = None
    quals: list[str] = field(default_factory=list)
    variants: list[list[str]] = field(default_factory=list)  # "severe or uncontrolled": any group
    negated: bool = False
    window: TimeWindow | None = None
    excluding: list[Exemption] = field(default_factory=list)
    including: list[str] = field(default_factory=list)
    requiring: list[Rule] = field(default_factory=list)
    dose: Comparison | None = None
    elliptic: tuple[str, float, str | None] | None = None  # "≤ 10": op, value, unit of the previous measure
    measure: str | None = None        # the concept a comparison part measured (for elliptic parts)
    definition: Rule | None = None    # "(total bilirubin > 14 mg/L; …)" after a head
    unconstrained: bool = False       # "with or without …"
    planned_pregnancy: bool = False
    span: Span | None = None


class Unreadable(Exception):
    """The clause parsed but means something the rule tree cannot say; it stays free text."""


_OP = {"GT": ">", "GE": ">=", "LT": "<", "LE": "<=", "EQ": "="}
#: The unit of "18 years of age" / "years old": time, and a sign that an age is meant.
_OF_AGE = "years of age"
_YEARS = {"hours": 1 / (24 * 365.25), "days": 1 / 365.25, "weeks": 7 / 365.25, "months": 1 / 12, "years": 1.0}


class Reader(Transformer):
    """Parse tree of one clause → rule node. Methods are named after grammar productions."""

    def __init__(self, norm: Normalised, kind: CriterionKind, vocab: Vocabulary) -> None:
        super().__init__()
        self.norm = norm
        self.kind = kind
        self.vocab = vocab

    # helpers
    def _span(self, items: Sequence[object]) -> Span | None:
        starts, ends = [], []
        for it in items:
            if isinstance(it, Token):
                starts.append(it.start_pos)
                ends.append(it.end_pos)
            elif isinstance(it, _Part) and it.span is not None:
                starts.append(self._norm_index(it.span.start))
                ends.append(self._norm_index(it.span.end, end=True))
        if not starts:
            return None
        return self.norm.span(min(starts), max(ends))

    def _norm_index(self, verbatim: int, end: bool = False) -> int:
        origin = self.norm.origin
        for i, o in enumerate(origin):
            if o >= verbatim:
                return i
        return len(origin) - 1

    # --- values
    def cmp(self, items):
        return _OP[items[0].type]

    def comparison(self, items):
        return (items[0], items[1])

    def quantity(self, items):
        unit = items[1] if len(items) > 1 else None
        return ("quantity", float(items[0]), unit)

    def uln(self, items):
        return ("ULN", float(items[0]), None)

    def lln(self, items):
        return ("LLN", float(items[0]), None)

    def titre(self, items):
        return ("titre", float(items[0].value), None)

    def unit(self, items):
        return items[0] if isinstance(items[0], str) and not isinstance(items[0], Token) else str(items[0])

    def years(self, items):
        t = items[0]
        return t.value if t.type == "TIMEUNIT" else _OF_AGE

    def msep(self, items):
        return items[0]

    # --- measures
    def _measure_node(self, concept_id: str, op: str, value: tuple, span) -> Rule:
        kind, number, unit = value
        if kind in ("ULN", "LLN"):
            return NormalMultiple(concept=concept_id, op=op, factor=number, limit=kind, span=span)
        if kind == "titre":
            return Titre(concept=concept_id, op=op, dilution=int(number), span=span)
        if unit == _OF_AGE:
            if concept_id != "age":
                raise Unreadable("'years of age' for something that is not an age")
            unit = "years"
        if concept_id == "age":
            unit = unit or "years"
            if unit not in _YEARS:
                raise Unreadable("age in a unit that is not time")
            return Comparison(concept="age", op=op, value=number, unit=unit, span=span)
        concept = self.vocab.get(concept_id)
        if unit is not None:
            try:
                canonical_value(number, unit, concept)
            except UnitError as error:
                raise UnitMismatch(str(error), span) from error
        return Comparison(concept=concept_id, op=op, value=number, unit=unit, span=span)

    def compare(self, items):
        measures = [t for t in items if isinstance(t, Token) and t.type == "MEASURE"]
        seps = {t.type for t in items if isinstance(t, Token) and t.type in ("OR", "AND", "ANDOR", "COMMA")}
        op, value = items[-1]
        span = self._span([t for t in items if isinstance(t, Token)])
        nodes = [self._measure_node(m.value, op, value, span) for m in measures]
        if len(nodes) == 1:
            return _Part(node=nodes[0], measure=measures[0].value, span=span)
        if seps == {"AND"} and self.kind == "inclusion":
            return _Part(node=AllOf(items=tuple(nodes), span=span), span=span)
        return _Part(node=AnyOf(items=tuple(nodes), span=span), span=span)

    def compare_after(self, items):
        (op, value), measure = items
        span = self._span([measure])
        return _Part(node=self._measure_node(measure.value, op, value, span), measure=measure.value, span=span)

    def compare_postfix(self, items):
        measure, value, op = items[0], items[-2], items[-1]
        span = self._span([measure])
        return _Part(node=self._measure_node(measure.value, op, value, span), measure=measure.value, span=span)

    def compare_prefix(self, items):
        op, measure, value = items
        span = self._span([measure])
        return _Part(node=self._measure_node(measure.value, op, value, span), measure=measure.value, span=span)

    def normal_range(self, items):
        """"normal bilirubin", "TSH within normal limits": between the lab's own limits."""
        word = next(t for t in items if t.type == "NEGATIVE")
        measure = next(t for t in items if t.type == "MEASURE")
        if "normal" not in word.value.lower() and word.value.lower() != "wnl":
            raise Unreadable("a negative number?")
        span = self._span(items)
        node = AllOf(items=(NormalMultiple(concept=measure.value, op="<=", factor=1, limit="ULN", span=span),
                            NormalMultiple(concept=measure.value, op=">=", factor=1, limit="LLN", span=span)),
                     span=span)
        return _Part(node=node, measure=measure.value, span=span)

    def sex_only(self, items):
        sexes = items[0]
        if len(sexes) != 1:
            raise Unreadable("either sex")
        return Status(field=next(iter(sexes)), span=self._span([t for t in items if isinstance(t, Token)]))

    def elliptic(self, items):
        op, value = items[0]
        return _Part(elliptic=(op, value), span=None)

    def range(self, items):
        measure = items[0]
        values = [i for i in items if isinstance(i, tuple)]
        low, high = values
        if high[2] is not None and low[2] is None:
            low = (low[0], low[1], high[2])
        span = self._span([measure])
        nodes = (self._measure_node(measure.value, ">=", low, span), self._measure_node(measure.value, "<=", high, span))
        return _Part(node=AllOf(items=nodes, span=span), measure=measure.value, span=span)

    def bare_range(self, items):
        values = [i for i in items if isinstance(i, tuple)]
        low, high = values
        unit = high[2] or low[2]
        if unit not in ("years", _OF_AGE):  # "18-65 years": an age; other bare ranges say nothing
            raise Unreadable("a range of what?")
        unit = "years"
        span = self._span([t for t in items if isinstance(t, Token)])
        return _Part(node=AllOf(items=(
            Comparison(concept="age", op=">=", value=low[1], unit=unit, span=span),
            Comparison(concept="age", op="<=", value=high[1], unit=unit, span=span)), span=span), measure="age",
            span=span)

    def bare_postfix(self, items):
        value, op = items
        if value[0] != "quantity" or value[2] not in ("years", _OF_AGE):
            raise Unreadable("a threshold of what?")
        return _Part(node=Comparison(concept="age", op=op, value=value[1], unit="years"), measure="age")

    # --- qualitative and categorical
    def titre_note(self, items):
        op = next(i for i in items if isinstance(i, str) and not isinstance(i, Token))
        titre = next(i for i in items if isinstance(i, Token) and i.type == "TITRE")
        return ("titre", op, int(titre.value))

    def positive(self, items):
        concept = next(t for t in items if isinstance(t, Token) and t.type == "QUALITATIVE")
        note = next((i for i in items if isinstance(i, tuple)), None)
        span = self._span([t for t in items if isinstance(t, Token)])
        return _Part(node=self._positive(concept.value, note, span), measure=concept.value, span=span)

    def _positive(self, concept_id: str, note, span) -> Rule:
        if note is not None:
            return Titre(concept=concept_id, op=note[1], dilution=note[2], span=span)
        return Category(concept=concept_id, values=("positive",), span=span)

    def negative(self, items):
        concept = next(t for t in items if t.type == "QUALITATIVE")
        span = self._span(items)
        return _Part(node=Category(concept=concept.value, values=("negative",), span=span), span=span)

    def titre_compare(self, items):
        concept, op, titre = items
        span = self._span([concept, titre])
        return _Part(node=Titre(concept=concept.value, op=op, dilution=int(titre.value), span=span), span=span)

    def titre_only(self, items):
        concept, note = items
        span = self._span([concept])
        return _Part(node=Titre(concept=concept.value, op=note[1], dilution=note[2], span=span), span=span)

    def bare_qualitative(self, items):
        # "… and/or anti-DNA antibodies": positive, carried from the part before (see _settle)
        return _Part(measure=items[0].value, concept=items[0].value, terminal="QUALITATIVE",
                     span=self._span(items))

    def negative_condition(self, items):
        cond = next(t for t in items if t.type == "COND")
        span = self._span(items)
        node = HasCondition(concept=cond.value, span=span)
        return _Part(node=Not(item=node, span=span), span=span)

    def washout(self, items):
        op, (kind, amount, unit) = items[0]
        if op not in (">", ">=") or kind != "quantity" or unit not in _YEARS:
            raise Unreadable("a wash-out needs a time")
        tokens = [t for t in items if isinstance(t, Token)]
        entity = next(t for t in tokens if t.type in ("COND", "MED", "PROC", "VACC"))
        window = TimeWindow(amount=amount, unit=unit)
        span = self._span(tokens)
        node = self._entity_node(entity.type, entity.value, [], window, (), None, span)
        return _Part(node=Not(item=node, span=span), span=span)

    def positive_condition(self, items):
        cond = items[1]
        return _Part(terminal="COND", concept=cond.value, span=self._span(items))

    def category(self, items):
        tokens = [t for t in items if isinstance(t, Token)]
        concept_tok = next((t for t in tokens if t.type == "CATEGORICAL"), None)
        cond = next((t for t in tokens if t.type == "COND"), None)
        concept_id = concept_tok.value if concept_tok is not None else None
        if concept_id is None and cond is not None:
            # "class III or IV lupus nephritis": the classification named after the condition
            found = self.vocab.lookup(f"{self.vocab.get(cond.value).name} class")
            concept_id = found.id if found is not None and found.value_type == "categorical" else None
        if concept_id is None:
            raise Unreadable("category values without a name")
        allowed = set(self.vocab.get(concept_id).categories)
        values = tuple(t.value for t in tokens if t.type == "CATVAL")
        if allowed and not set(values) <= allowed:
            raise Unreadable("a value the classification does not have")
        span = self._span(tokens)
        return _Part(node=Category(concept=concept_id, values=values, span=span), span=span)

    def flag(self, items):
        span = self._span(items)
        return _Part(node=Category(concept=items[0].value, values=("yes",), span=span), span=span)

    # --- entities and status
    def dose(self, items):
        op, value = items[0]
        if value[0] != "quantity" or value[2] is None:
            raise Unreadable("a dose without a unit")
        return Comparison(concept="dose", op=op, value=value[1], unit=value[2])

    def entity(self, items):
        tok = next(t for t in items if isinstance(t, Token) and t.type in ("COND", "MED", "PROC", "VACC"))
        dose = next((i for i in items if isinstance(i, Comparison)), None)
        other = any(isinstance(t, Token) and t.type == "OTHER" for t in items)
        part = _Part(terminal=tok.type, concept=tok.value, dose=dose, span=self._span([tok]))
        if other:
            part.quals.append("other")
        return part

    def _status(self, name: str, items) -> _Part:
        span = self._span([t for t in items if isinstance(t, Token)])
        return _Part(node=Status(field=name, span=span), span=span)

    def pregnant(self, items):
        return self._status("pregnant", items)

    def breastfeeding(self, items):
        return self._status("breastfeeding", items)

    def pregnancy_test_negative(self, items):
        span = self._span(items)
        return _Part(node=Not(item=Status(field="pregnant", span=span), span=span), span=span)

    def contraception(self, items):
        return self._status("contraception", items)

    def consent(self, items):
        return self._status("consent", items)

    comply = consent  # DESIGN §5: consent = has signed and will comply with the protocol

    def classified(self, items):
        cond = items[-1]
        return _Part(terminal="COND", concept=cond.value, span=self._span(items))

    # --- groups
    def group(self, items):
        seq = next(i for i in items if isinstance(i, _Seq))
        return _Part(node=self._settle(seq), span=seq.span)

    def any_group(self, items):
        seq = items[-1]
        nodes = self._nodes(seq)
        return _Part(node=nodes[0] if len(nodes) == 1 else AnyOf(items=tuple(nodes), span=seq.span), span=seq.span)

    def at_least_group(self, items):
        count = int(items[0].value)
        seq = items[-1]
        return _Part(node=AtLeast(count=count, items=tuple(self._nodes(seq)), span=seq.span), span=seq.span)

    # --- posts
    def window_past(self, items):
        amount = float(next(t for t in items if t.type == "NUMBER"))
        unit = next(t for t in items if t.type == "TIMEUNIT").value
        anchor = next((t.value for t in items if t.type == "ANCHOR"), "screening")
        return TimeWindow(amount=amount, unit=unit, direction="past", anchor=anchor)

    def window_next(self, items):
        amount = float(next(t for t in items if t.type == "NUMBER"))
        unit = next(t for t in items if t.type == "TIMEUNIT").value
        anchor = next((t.value for t in items if t.type == "ANCHOR"), "screening")
        return TimeWindow(amount=amount, unit=unit, direction="future", anchor=anchor)

    def during_trial(self, items):
        return ("planned",)

    def ent_item(self, items):
        quals = [q for i in items if isinstance(i, _Quals) for g in i.groups for q in g if isinstance(q, str)] + [
            t.value for t in items if isinstance(t, Token) and t.type == "QUAL"]
        tok = next(t for t in items if isinstance(t, Token) and t.type in ("COND", "MED", "PROC", "VACC"))
        return Exemption(concept=tok.value, qualifiers=tuple(q for q in quals if q in _EXEMPTION_QUALS))

    def ent_list(self, items):
        out: list[Exemption] = []
        for e in (i for i in items if isinstance(i, Exemption)):
            if out and not e.qualifiers:  # "adequately treated A or B": both treated
                e = e.model_copy(update={"qualifiers": out[-1].qualifiers})
            out.append(e)
        return out

    def except_(self, items):
        found = next(i for i in items if isinstance(i, list))
        return ("except", found)

    def including(self, items):
        lists = [i for i in items if isinstance(i, list)]
        excepts = [i for i in items if isinstance(i, tuple) and i[0] == "except"]
        return ("including", lists[0], excepts[0][1] if excepts else [])

    def post_qual(self, items):
        return ("qual", items[0].value)

    def requiring(self, items):
        tok = items[1]
        return ("requiring", tok)

    def determined_by(self, items):
        window = next((i for i in items if isinstance(i, TimeWindow)), None)
        return ("evidence", window)

    def showing(self, items):
        return ("noop",)

    annotation = etc = at_anchor = showing

    def equivalent(self, items):
        tok = next((t for t in items if isinstance(t, Token) and t.type == "MED"), None)
        return ("equivalent", tok.value if tok is not None else None)

    def definition(self, items):
        seq = next(i for i in items if isinstance(i, _Seq))
        return ("definition", self._settle(seq))

    def qual_item(self, items):
        window = next((i for i in items if isinstance(i, TimeWindow)), None)
        return window if window is not None else items[0].value

    def quals(self, items):
        """Qualifier groups: "active or history of recurrent" → [[active], [history, recurrent]]."""
        groups: list[list[object]] = [[]]
        for item in items:
            if isinstance(item, Token):
                if item.type in ("OR", "ANDOR"):
                    groups.append([])
                continue
            groups[-1].append(item)
        return _Quals([g for g in groups if g])

    # --- parts and sequences
    def part(self, items):
        negated = bool(items) and isinstance(items[0], Token) and items[0].type == "NEG"
        rest = items[1:] if negated else items
        groups: list[list[object]] = []
        if rest and isinstance(rest[0], _Quals):
            groups = rest[0].groups
            rest = rest[1:]
        part: _Part = rest[0]
        part.negated = negated
        for group in groups:  # a recent window written among the qualifiers: "recent (within 60 days)"
            for q in group:
                if isinstance(q, TimeWindow):
                    part.window = q
        names = [[q for q in g if isinstance(q, str)] for g in groups]
        names = [g for g in names if g]
        if len(names) == 1:
            part.quals = names[0] + part.quals
        elif names:
            part.variants = names
        for post in rest[1:]:
            self._apply_post(part, post)
        return part

    def _apply_post(self, part: _Part, post) -> None:
        if isinstance(post, TimeWindow):
            part.window = post
            return
        tag = post[0]
        if tag == "planned":
            part.quals.append("planned")
        elif tag == "except":
            part.excluding.extend(post[1])
        elif tag == "including":
            part.including.extend(e.concept for e in post[1])
            part.excluding.extend(post[2])
        elif tag == "qual":
            part.quals.append(post[1])
        elif tag == "requiring":
            tok = post[1]
            part.requiring.append(self._entity_node(tok.type, tok.value, ["current"], None, (), None, None))
        elif tag == "evidence":
            if post[1] is not None:
                part.window = post[1]
        elif tag == "equivalent":
            part.quals.append("equivalent")
        elif tag == "definition":
            part.definition = post[1]

    def unconstrained(self, items):
        return _Part(unconstrained=True)

    def defined(self, items):
        seq = next(i for i in items if isinstance(i, _Seq))
        node = self._settle(seq)
        return _Part(node=node, span=seq.span)

    def sep(self, items):
        types = {t.type for t in items}
        if types & {"OR", "ANDOR"}:
            return "or"
        if "AND" in types:
            return "and"
        if "SEMI" in types:
            return "semi"
        if "COLON" in types:
            return "colon"
        return "comma"

    def seq(self, items):
        parts = [i for i in items if isinstance(i, _Part)]
        seps = [i for i in items if isinstance(i, str)]
        spans = [p.span for p in parts if p.span is not None]
        span = Span(start=min(s.start for s in spans), end=max(s.end for s in spans)) if spans else None
        return _Seq(parts, seps, span)

    def subject(self, items):
        sexes = set()
        for i in items:
            if isinstance(i, set):
                sexes |= i
        cbp = any(isinstance(t, Token) and t.type == "CBP" for t in items)
        return ("subject", sexes, cbp, self._span([t for t in items if isinstance(t, Token)]))

    def sex_list(self, items):
        return {t.type.lower() for t in items if t.type in ("FEMALE", "MALE")}

    def lead(self, items):
        found = next((i for i in items if isinstance(i, _Quals)), None)
        quals = [q for g in found.groups for q in g if isinstance(q, str)] if found else []
        window = next(i for i in items if isinstance(i, TimeWindow))
        return ("lead", quals, window)

    def start(self, items):
        subject = [i for i in items if isinstance(i, tuple) and i[0] == "subject"]
        lead = next((i for i in items if isinstance(i, tuple) and i[0] == "lead"), None)
        seq = next(i for i in items if isinstance(i, _Seq))
        if lead is not None:
            for p in seq.parts:
                p.quals = lead[1] + p.quals
                if p.window is None:
                    p.window = lead[2]
        node = self._settle(seq)
        if not any(cbp for _, _, cbp, _ in subject):
            node = self._contraception_applies(node)
        for _, sexes, cbp, span in subject:
            node = self._restrict(node, sexes, cbp, span)
        return node

    def _contraception_applies(self, node: Rule) -> Rule:
        """Contraception is asked only of patients who could conceive: "males or females not
        willing to use contraception" does not exclude a postmenopausal woman."""
        if isinstance(node, (AllOf, AnyOf)):
            return node.model_copy(update={"items": tuple(self._contraception_applies(i) for i in node.items)})
        inner = node.item if isinstance(node, Not) else node
        if not (isinstance(inner, Status) and inner.field == "contraception"):
            return node
        who = Status(field="childbearing_potential", span=node.span)
        if self.kind == "inclusion":
            return Conditional(when=who, then=node, span=node.span)
        return AllOf(items=(who, node), span=node.span)

    def if_then(self, items):
        seqs = [i for i in items if isinstance(i, _Seq)]
        when = self._settle(seqs[0])
        then = self._settle(seqs[1])
        return Conditional(when=when, then=then, span=_join(when.span, then.span))

    def allowance(self, items):
        seq = next(i for i in items if isinstance(i, _Seq))
        return Allowance(seq)

    # --- settling a sequence into one rule
    def _restrict(self, node: Rule, sexes: set[str], cbp: bool, span: Span | None) -> Rule:
        who: list[Rule] = []
        if len(sexes) == 1:
            who.append(Status(field=sexes.pop(), span=span))
        if cbp:
            if not who:
                who.append(Status(field="female", span=span))
            who.append(Status(field="childbearing_potential", span=span))
        if not who:
            return node
        when = who[0] if len(who) == 1 else AllOf(items=tuple(who), span=span)
        # An inclusion asks something OF these patients; an exclusion names them.
        if self.kind == "inclusion":
            return Conditional(when=when, then=node, span=_join(span, node.span))
        return AllOf(items=(*who, node), span=_join(span, node.span))

    def _entity_node(self, terminal, concept, quals, window, excluding, dose, span, negated_dose=False) -> Rule:
        q = tuple(dict.fromkeys(x for x in quals if x in _ENTITY_QUALS[terminal]))
        exc = tuple(excluding)
        if terminal == "COND":
            return HasCondition(concept=concept, qualifiers=q, excluding=exc, window=window, span=span)
        if terminal == "MED":
            return TookMedication(concept=concept, qualifiers=q, excluding=exc, dose=dose, window=window, span=span)
        if terminal == "PROC":
            return HadProcedure(concept=concept, qualifiers=q, window=window, span=span)
        if terminal == "VACC":
            return Vaccinated(concept=concept, qualifiers=q, excluding=exc, window=window, span=span)
        raise Unreadable(terminal)

    def _examples(self, seq: _Seq) -> _Seq:
        """"other autoimmune diseases apart from SLE: dermatomyositis, scleroderma, etc." — the
        list after the colon only gives examples of the class before it."""
        k = seq.seps.index("colon")
        head, tail = seq.parts[: k + 1], seq.parts[k + 1:]
        classes = [p.concept for p in head if p.terminal is not None and p.concept]
        if not classes or not all(p.concept and any(self.vocab.is_a(p.concept, c) for c in classes) for p in tail):
            raise Unreadable("a colon that does not introduce examples")
        return _Seq(head, seq.seps[:k], seq.span)

    def _nodes(self, seq: _Seq) -> list[Rule]:
        _distribute(seq)
        return [self._part_node(p, seq) for p in seq.parts if not p.unconstrained]

    def _part_node(self, p: _Part, seq: _Seq) -> Rule:
        if p.node is not None and (p.excluding or p.including):
            raise Unreadable("an exception to a test result")  # "positive drug screen other than cannabis"
        if p.definition is not None:
            node = p.definition
        elif p.node is not None:
            node = p.node
            if p.window is not None:
                node = _with_window(node, p.window)
            if p.quals and "planned" in p.quals and isinstance(node, Status) and node.field == "pregnant":
                raise Unreadable("planned pregnancy")
        elif p.terminal == "QUALITATIVE":
            # a test named in a list of findings ("… and/or cylindruria") is a positive finding
            node = Category(concept=p.concept, values=("positive",), window=p.window, span=p.span)
        elif p.terminal is not None:
            if "other" in p.quals and not p.excluding and p.terminal == "COND" and not any(
                    q is not p and q.concept and self.vocab.lookup(q.concept) and p.concept
                    and self.vocab.is_a(q.concept, p.concept) for q in seq.parts):
                # "other autoimmune diseases" other than what? (a drug "other" than the study's
                # is any such drug: the patient is not yet on the study drug)
                raise Unreadable("'other' without saying other than what")
            if "equivalent" in p.quals and p.terminal == "MED" and p.concept is not None:
                # "prednisone > 0.5 mg/kg/day (or equivalent)": needs a dose equivalence table
                if self.vocab.get(p.concept).prednisone_equivalent is None:
                    raise Unreadable("equivalent of what?")
            variants = [p.quals + v for v in p.variants] or [p.quals]
            nodes = [self._entity_node(p.terminal, p.concept, q, p.window, p.excluding, p.dose, p.span)
                     for q in variants]
            node = nodes[0] if len(nodes) == 1 else AnyOf(items=tuple(nodes), span=p.span)
            if p.including:
                extra = [self._entity_node(p.terminal, c, q, p.window, (), None, p.span)
                         for c in p.including if not self.vocab.is_a(c, p.concept) for q in variants]
                if extra:
                    node = AnyOf(items=(node, *extra), span=p.span)
            if p.requiring:
                node = AllOf(items=(node, *p.requiring), span=p.span)
        else:
            raise Unreadable("nothing to say")
        if p.negated:
            node = Not(item=node, span=node.span)
        return node

    def _settle(self, seq: _Seq) -> Rule:
        if "colon" in seq.seps:
            seq = self._examples(seq)
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
        kinds = {_kind_of(p) for p in seq.parts if not p.unconstrained}
        if self.kind == "exclusion" and len(kinds) == 1:
            return AnyOf(items=tuple(nodes), span=span)
        return AllOf(items=tuple(nodes), span=span)


_EXEMPTION_QUALS = {"secondary", "treated", "active", "history"}
_ENTITY_QUALS = {
    "COND": {"active", "history", "current", "recurrent", "severe", "uncontrolled", "secondary", "hospitalized",
             "planned", "refractory", "treated", "moderate", "symptomatic", "chronic", "mild",
             "metastatic", "unresectable", "relapsed"},
    "MED": {"active", "history", "current", "intravenous", "new", "dose_change", "planned", "refractory",
            "intolerant", "equivalent", "oral", "systemic"},
    "PROC": {"history", "current", "planned", "new"},
    "VACC": {"planned", "history", "new"},
}


class UnitMismatch(ValueError):
    """A threshold whose unit cannot measure its analyte: a compile error that points at the words."""

    def __init__(self, message: str, span: Span | None) -> None:
        super().__init__(message)
        self.span = span


@dataclass
class _Quals:
    groups: list[list[object]]


@dataclass
class _Seq:
    parts: list[_Part]
    seps: list[str]
    span: Span | None
    none_of: bool = False  # a negation at the head of the list covers every item


@dataclass
class Allowance:
    seq: _Seq


def _join(a: Span | None, b: Span | None) -> Span | None:
    if a is None or b is None:
        return a or b
    return Span(start=min(a.start, b.start), end=max(a.end, b.end))


def flatten_any(nodes: Iterable[Rule]) -> list[Rule]:
    out: list[Rule] = []
    for n in nodes:
        out.extend(n.items if isinstance(n, AnyOf) else (n,))
    return out


def _with_window(node: Rule, window: TimeWindow) -> Rule:
    if isinstance(node, (Comparison, NormalMultiple, Titre, Category)) and node.window is None:
        return node.model_copy(update={"window": window})
    if isinstance(node, (AllOf, AnyOf)):
        return node.model_copy(update={"items": tuple(_with_window(i, window) for i in node.items)})
    return node


_LOGIC_NODES = (AllOf, AnyOf, Not, AtLeast, Conditional)
_MEASURE_NODES = (Comparison, NormalMultiple, Titre, Category)


def _kind_of(p: _Part) -> str:
    """What a list item is about (a measured value, a condition, a drug, patient status…), so
    that an exclusion's "and" is read as "any of" only between items of one kind."""
    if p.terminal in _ENTITY_QUALS:
        return p.terminal
    if p.terminal == "QUALITATIVE":
        return "MEASURE"
    node = p.definition or p.node
    if node is None:
        return "?"
    leaves = [n for n in walk(node) if not isinstance(n, _LOGIC_NODES)]
    if leaves and all(isinstance(n, _MEASURE_NODES) for n in leaves):
        return "MEASURE"
    if leaves and all(isinstance(n, Status) for n in leaves):
        return "STATUS"
    return type(leaves[0]).__name__ if leaves else "?"


def _measured(p: _Part) -> bool:
    return isinstance(p.node, _MEASURE_NODES) or p.terminal == "QUALITATIVE"


def _distribute(seq: _Seq) -> None:
    """Share what registry English writes once for a list: qualifiers forward ("severe or
    uncontrolled A, B and C"), windows and exceptions backward ("A or B within 12 weeks"),
    the measured name into elliptic comparisons ("SLEDAI ≥4 and ≤10"), "positive" into a bare
    test name ("positive ANA and/or anti-DNA")."""
    parts = seq.parts
    if parts and parts[0].negated and len(parts) > 1 and all(
            not q.negated and _kind_of(q) == _kind_of(parts[0]) for q in parts[1:]):
        # "no cardiac, neurodegenerative or pulmonary disease": none of them
        for q in parts[1:]:
            q.negated = True
        seq.none_of = True
    for k, p in enumerate(parts):
        if k == 0:
            continue
        prev = parts[k - 1]
        if p.elliptic is not None:
            anchor = next((q for q in reversed(parts[:k]) if q.measure is not None), None)
            if anchor is None or anchor.measure is None:
                raise Unreadable("a threshold of what?")
            op, value = p.elliptic
            if value[2] == _OF_AGE and anchor.measure != "age":
                raise Unreadable("an age after another measure")
            if value[2] == _OF_AGE:
                value = (value[0], value[1], "years")
            base = anchor.node
            unit = value[2]
            if unit is None and isinstance(base, Comparison):
                unit = base.unit
            p.node = Comparison(concept=anchor.measure, op=op, value=value[1], unit=unit) if value[0] == "quantity" \
                else NormalMultiple(concept=anchor.measure, op=op, factor=value[1], limit=value[0])
            p.measure = anchor.measure
            p.elliptic = None
        if p.terminal == "QUALITATIVE" and p.node is None and prev.node is not None and isinstance(
                prev.node, (Category, Titre)) and (not isinstance(prev.node, Category) or prev.node.values == ("positive",)):
            p.node = Category(concept=p.concept, values=("positive",), span=p.span)
        if p.terminal in _ENTITY_QUALS and prev.terminal in _ENTITY_QUALS and set(p.quals) <= {"other"} \
                and not p.variants:
            # "unstable doses of A, B or other immunosuppressants": the qualifiers reach every item
            p.quals = [q for q in prev.quals if q != "other"] + p.quals
            p.variants = [list(v) for v in prev.variants]
    for k in range(len(parts) - 2, -1, -1):
        p, nxt = parts[k], parts[k + 1]
        if p.terminal in _ENTITY_QUALS and nxt.terminal in _ENTITY_QUALS:
            if p.window is None and nxt.window is not None:
                p.window = nxt.window
            if not p.excluding and nxt.excluding:
                p.excluding = list(nxt.excluding)
        elif _measured(p) and _measured(nxt) and p.window is None and nxt.window is not None:
            p.window = nxt.window
    for p in parts:
        if p.elliptic is not None:
            op, value = p.elliptic
            if value[0] != "quantity" or value[2] != _OF_AGE:
                raise Unreadable("a threshold of what?")
            p.node = Comparison(concept="age", op=op, value=value[1], unit="years", span=p.span)  # "at least 18 years of age"
            p.measure, p.elliptic = "age", None


def allow(node: Rule, allowance: Allowance, norm: Normalised, kind: CriterionKind, vocab: Vocabulary) -> Rule:
    """"However, participants with secondary Sjögren's syndrome are allowed": the allowed
    conditions become exemptions of the conditions the previous clause names."""
    exemptions: list[Exemption] = []
    for p in allowance.seq.parts:
        if p.terminal != "COND" or p.concept is None:
            raise_unreadable = True
            if raise_unreadable:
                return node
        quals = tuple(q for q in p.quals if q in _EXEMPTION_QUALS)
        exemptions.append(Exemption(concept=p.concept, qualifiers=quals))

    def exempt(n: Rule) -> Rule:
        if isinstance(n, HasCondition):
            return n.model_copy(update={"excluding": n.excluding + tuple(exemptions)})
        if isinstance(n, (AllOf, AnyOf)):
            return n.model_copy(update={"items": tuple(exempt(i) for i in n.items)})
        if isinstance(n, Not):
            return n.model_copy(update={"item": exempt(n.item)})
        return n

    return exempt(node)
