"""Values: comparisons, ranges, multiples of normal, titres, qualitative results and categories.

Each production returns a :class:`~screening.reader.parts.Part` holding a measure node, or the
pieces of one (an operator, a quantity) for the production above it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lark import Token

from ..nodes import (
    AllOf,
    AnyOf,
    Category,
    Comparison,
    HasCondition,
    NormalMultiple,
    Not,
    Rule,
    Span,
    Status,
    TimeWindow,
    Titre,
)
from ..tokens import LOST_LOWER_BOUND, normal_means_not_high
from ..units import STANDARD_BODY_SURFACE, UnitError, canonical_value
from ..vocabulary import Concept, main_category
from .parts import OF_AGE, Part, Quals, Reading, UnitMismatch, Unreadable, YEARS, has_grade


_OP = {"GT": ">", "GE": ">=", "LT": "<", "LE": "<=", "EQ": "="}

# The words of a test that say it found something: "KRAS-mutant", "ALK-rearranged", "HER2-positive".
_SAYS_FOUND = re.compile(r"(?i)(?:mutant|mutated|mutations?|positive|rearranged|rearrangements?|amplified|"
                         r"amplification|fusions?|deleted|deletions?|codeleted|methylated|methylation|\+|-H|high)$")

_INDEX_COMPARE = {">": lambda i, k: i > k, ">=": lambda i, k: i >= k, "<": lambda i, k: i < k,
                  "<=": lambda i, k: i <= k}


class ValueReading(Reading):
    """Productions of values: numbers and their units, limits, ranges, results and categories."""

    def cmp(self, items):
        if items[0].type == "EQ":
            # "ALT = 2.5 x ULN", "= 18 years of age": in registry text a bare "=" is far more
            # often a lost ≤ or ≥ than an equality, and reading it as one would fail most patients
            raise Unreadable("'=' as a threshold")
        if items[0].type == "GE" and items[0].value == LOST_LOWER_BOUND and self.kind != "inclusion":
            # "= 18 years of age and < 60 years": a lost "≥" (or ">"); only an inclusion's "≥"
            # fails no one that either would pass
            raise Unreadable("a lost lower bound outside an inclusion")
        return _OP[items[0].type]

    def comparison(self, items):
        return (items[0], items[1])

    def quantity(self, items):
        unit = items[1] if len(items) > 1 else None
        return ("quantity", float(items[0]), unit)

    def uln(self, items):
        """"3 x ULN"; "> ULN" alone is once the limit."""
        return ("ULN", float(items[0]) if items[0].type == "NUMBER" else 1.0, None)

    def lln(self, items):
        return ("LLN", float(items[0]) if items[0].type == "NUMBER" else 1.0, None)

    def titre(self, items):
        return ("titre", float(items[0].value), None)

    def unit(self, items):
        return items[0] if isinstance(items[0], str) and not isinstance(items[0], Token) else str(items[0])

    def years(self, items):
        t = items[0]
        return t.value if t.type == "TIMEUNIT" else OF_AGE

    def _measure_node(self, concept_id: str, op: str, value: tuple, span) -> Rule:
        kind, number, unit = value
        if kind in ("ULN", "LLN"):
            return NormalMultiple(concept=concept_id, op=op, factor=number, limit=kind, span=span)
        if kind == "titre":
            return Titre(concept=concept_id, op=op, dilution=int(number), span=span)
        if unit == OF_AGE:
            if concept_id != "age":
                raise Unreadable("'years of age' for something that is not an age")
            unit = "years"
        if concept_id == "age":
            unit = unit or "years"
            if unit not in YEARS:
                raise Unreadable("age in a unit that is not time")
            return Comparison(concept="age", op=op, value=number, unit=unit, span=span)
        concept = self.vocab.get(concept_id)
        if unit == "%" and concept.unit != "%" and concept.in_percent is not None:
            concept_id = concept.in_percent  # "FEV1 ≥ 40%": of the predicted normal
            concept = self.vocab.get(concept_id)
        if unit is not None:
            try:
                # the dimension only: a clearance per body surface is compared through the patient's
                canonical_value(number, unit, concept, STANDARD_BODY_SURFACE)
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
            return Part(node=nodes[0], measure=measures[0].value, span=span)
        if seps <= {"AND", "COMMA"} and self.kind == "inclusion":
            # "AST, ALT, and ALP ≤ 5 x ULN": each of them
            return Part(node=AllOf(items=tuple(nodes), span=span), span=span)
        return Part(node=AnyOf(items=tuple(nodes), span=span), span=span)

    def compare_after(self, items):
        (op, value), measure = items
        span = self._span([measure])
        return Part(node=self._measure_node(measure.value, op, value, span), measure=measure.value, span=span)

    def compare_postfix(self, items):
        measure, value, op = items[0], items[-2], items[-1]
        span = self._span([measure])
        return Part(node=self._measure_node(measure.value, op, value, span), measure=measure.value, span=span)

    def compare_prefix(self, items):
        op, measure, value = items
        span = self._span([measure])
        return Part(node=self._measure_node(measure.value, op, value, span), measure=measure.value, span=span)

    def normal_range(self, items):
        """"normal bilirubin", "TSH within normal limits", "normal prolactin and TSH": between the
        lab's own limits."""
        tokens = [t for t in items if isinstance(t, Token)]
        word = next(t for t in tokens if t.type == "NEGATIVE")
        measures = [t for t in tokens if t.type == "MEASURE"]
        if "normal" not in word.value.lower() and word.value.lower() != "wnl":
            raise Unreadable("a negative number?")
        span = self._span(tokens)
        nodes = [_normal(m.value, span) for m in measures]
        if len(nodes) == 1:
            return Part(node=nodes[0], measure=measures[0].value, span=span)
        seps = {t.type for t in tokens if t.type in ("OR", "AND", "ANDOR", "COMMA")}
        if seps <= {"AND", "COMMA"}:
            return Part(node=AllOf(items=tuple(nodes), span=span), span=span)
        raise Unreadable("normal A or B")

    def sexed(self, items):
        sex = next(t for t in items if isinstance(t, Token) and t.type == "FOR_SEX")
        op, value = next(i for i in items if isinstance(i, tuple))
        return (sex, op, value)

    def compare_by_sex(self, items):
        """"Body fat (women: < 38%; men: < 28%)": each threshold holds for its own sex."""
        measure = items[0]
        sexed = [i for i in items if isinstance(i, tuple)]
        if len({sex.value for sex, _, _ in sexed}) != len(sexed):
            raise Unreadable("one sex given twice")
        span = self._span([t for t in items if isinstance(t, Token)])
        nodes = [self._restrict(self._measure_node(measure.value, op, value, span),
                                [[Status(field=sex.value, span=self._span([sex]))]], self._span([sex]))
                 for sex, op, value in sexed]
        if len(nodes) == 1:
            return Part(node=nodes[0], span=span)
        node = AllOf(items=tuple(nodes), span=span) if self.kind == "inclusion" else AnyOf(items=tuple(nodes),
                                                                                            span=span)
        return Part(node=node, span=span)

    def sex_only(self, items):
        sexes = items[0]
        if len(sexes) != 1:
            raise Unreadable("either sex")
        return Status(field=next(iter(sexes)), span=self._span([t for t in items if isinstance(t, Token)]))

    def elliptic(self, items):
        op, value = items[0]
        return Part(elliptic=(op, value), span=None)

    def range(self, items):
        measure = items[0]
        values = [i for i in items if isinstance(i, tuple)]
        low, high = values
        upper = _upper_op(items)
        if high[2] is not None and low[2] is None:
            low = (low[0], low[1], high[2])
        if high[0] in ("ULN", "LLN") and low[0] == "quantity" and low[2] is None:
            low = (high[0], low[1], None)  # "ALT 2 to 10 times ULN": both in multiples of it
        if low[0] == high[0] and low[2] == high[2] and float(low[1]) > float(high[1]):
            if float(low[1]) > 0:
                raise Unreadable("a range whose ends are reversed")
            # "T-score between -1.0 and -2.5": the ends of a scale below zero, by their size
            low, high = high, low
        span = self._span([measure])
        scale = self._scale_positions(measure.value, (low, high))
        if scale is not None:  # "ECOG 0-2": the values of an ordinal score
            return Part(node=_scale_bounds(self.vocab.get(measure.value), *scale, span), measure=measure.value,
                         span=span)
        nodes = (self._measure_node(measure.value, ">=", low, span),
                 self._measure_node(measure.value, upper, high, span))
        return Part(node=AllOf(items=nodes, span=span), measure=measure.value, span=span)

    def bounds(self, items):
        """with_value: MEASURE COLON? comparison AND comparison — "HbA1c ≥ 7.0% and ≤ 10.5%" after a
        condition: a lower and an upper bound of one value, both required."""
        measure = items[0]
        (op1, low), (op2, high) = [i for i in items if isinstance(i, tuple)]
        if {op1[0], op2[0]} != {">", "<"}:
            raise Unreadable("two bounds on one side")
        if low[0] == "quantity" and high[0] == "quantity":
            unit = low[2] or high[2]
            low, high = (low[0], low[1], low[2] or unit), (high[0], high[1], high[2] or unit)
        span = self._span([measure])
        nodes = (self._measure_node(measure.value, op1, low, span), self._measure_node(measure.value, op2, high, span))
        return Part(node=AllOf(items=nodes, span=span), measure=measure.value, span=span)

    def _scale_positions(self, concept_id: str, values: tuple[tuple, ...]) -> tuple[int, int] | None:
        """Where two bare values lie on a numeric ordinal scale, if they are its values."""
        concept = self.vocab.concepts.get(concept_id)
        if concept is None or concept.value_type != "ordinal":
            return None
        written = [_plain_number(str(v[1])) for v in values if v[0] == "quantity" and v[2] is None]
        if len(written) != len(values) or not set(written) <= set(concept.categories):
            return None
        low, high = (concept.categories.index(v) for v in written)
        return (low, high) if low < high else None

    def bare_range(self, items):
        values = [i for i in items if isinstance(i, tuple)]
        low, high = values
        upper = _upper_op(items)
        unit = high[2] or low[2]
        if unit not in ("years", OF_AGE):  # "18-65 years": an age; other bare ranges say nothing
            raise Unreadable("a range of what?")
        # "between 6 months and 5 years of age": a bound with a time unit of its own keeps it
        low_unit = low[2] if low[2] in YEARS else "years"
        span = self._span([t for t in items if isinstance(t, Token)])
        return Part(node=AllOf(items=(
            Comparison(concept="age", op=">=", value=low[1], unit=low_unit, span=span),
            Comparison(concept="age", op=upper, value=high[1], unit="years", span=span)), span=span), measure="age",
            span=span)

    def age_postfix(self, items):
        """"80 or more years old"."""
        number, op = items[0], items[1]
        return Part(node=Comparison(concept="age", op=op, value=float(number), unit="years"), measure="age")

    def since_birth(self, items):
        """"within 48 hours of birth": an age of at most that, at the screening (as every anchor is)."""
        op = next((i for i in items if isinstance(i, str) and not isinstance(i, Token)), "<=")
        number = next(t for t in items if isinstance(t, Token) and t.type == "NUMBER")
        unit = next(t for t in items if isinstance(t, Token) and t.type == "TIMEUNIT").value
        span = self._span([t for t in items if isinstance(t, Token)])
        return Part(node=Comparison(concept="age", op=op, value=float(number), unit=unit, span=span), measure="age",
                     span=span)

    def bare_postfix(self, items):
        value, op = items
        if value[0] != "quantity" or value[2] not in ("years", OF_AGE):
            raise Unreadable("a threshold of what?")
        return Part(node=Comparison(concept="age", op=op, value=value[1], unit="years"), measure="age")

    def titre_note(self, items):
        op = next(i for i in items if isinstance(i, str) and not isinstance(i, Token))
        titre = next(i for i in items if isinstance(i, Token) and i.type == "TITRE")
        return ("titre", op, int(titre.value))

    def positive(self, items):
        concept = next(t for t in items if isinstance(t, Token) and t.type == "QUALITATIVE")
        note = next((i for i in items if isinstance(i, tuple)), None)
        span = self._span([t for t in items if isinstance(t, Token)])
        return Part(node=self._positive(concept.value, note, span), measure=concept.value, span=span,
                    serology=self._serology(items))

    def _positive(self, concept_id: str, note, span) -> Rule:
        if note is not None:
            return Titre(concept=concept_id, op=note[1], dilution=note[2], span=span)
        return Category(concept=concept_id, values=("positive",), span=span)

    def negative(self, items):
        concept = next(t for t in items if t.type == "QUALITATIVE")
        span = self._span(items)
        return Part(node=Category(concept=concept.value, values=("negative",), span=span), span=span,
                     result="negative", serology=self._serology(items))

    def titre_compare(self, items):
        concept, op, titre = items
        span = self._span([concept, titre])
        return Part(node=Titre(concept=concept.value, op=op, dilution=int(titre.value), span=span), span=span)

    def titre_only(self, items):
        concept, note = items
        span = self._span([concept])
        return Part(node=Titre(concept=concept.value, op=note[1], dilution=note[2], span=span), span=span)

    def bare_qualitative(self, items):
        # "… and/or anti-DNA antibodies": positive, carried from the part before (see _settle)
        return Part(measure=items[0].value, concept=items[0].value, terminal="QUALITATIVE",
                     span=self._span(items))

    def negative_condition(self, items):
        """"HBV negative", "COVID-19 PCR negative": a negative test says the infection is not
        present now, not that it never was."""
        cond = next(t for t in items if t.type == "COND")
        self._not_serology(items)
        span = self._span(items)
        node = HasCondition(concept=cond.value, qualifiers=("current",), span=span)
        return Part(node=Not(item=node, span=span), span=span, result="negative")

    def _not_serology(self, items) -> None:
        """"Seropositive for CMV", "EBV seronegative": antibodies, which a past infection or a
        vaccine leaves, are not the infection (nor their absence its absence) — unless the body
        never clears it ("seropositive for HIV")."""
        cond = next(t for t in items if t.type == "COND")
        if self._serology(items) and not self.vocab.get(cond.value).seropositive_is_infection:
            raise Unreadable("a serostatus is not the infection")

    def _serology(self, items) -> bool:
        """Whether the result is said of antibodies ("seropositive for", "seronegative")."""
        return any(self.norm.text[t.start_pos:t.end_pos].lower().startswith("sero") for t in items
                   if isinstance(t, Token) and t.type in ("POSITIVE", "NEGATIVE"))

    def washout(self, items):
        """"At least 4 weeks since prior chemotherapy": none in those weeks (an inclusion); "less
        than 4 weeks since prior chemotherapy" (an exclusion): some in them."""
        op, (kind, amount, unit) = items[0]
        if kind != "quantity" or unit not in YEARS:
            raise Unreadable("a wash-out needs a time")
        if op not in ((">", ">=") if self.kind == "inclusion" else ("<", "<=")):
            # "At least 4 weeks since prior chemotherapy" listed as an exclusion: read literally it
            # would exclude every patient who has washed out ("less than 4 weeks since" excludes
            # whoever had it in those weeks)
            raise Unreadable("a wash-out that names who is excluded by having washed out")
        tokens = [t for t in items if isinstance(t, Token)]
        window = TimeWindow(amount=amount, unit=unit)
        span = self._span(tokens)
        groups = next((i.groups for i in items if isinstance(i, Quals)), [])
        if len(groups) > 1 or has_grade(items):
            raise Unreadable("alternative qualifiers or a grade on a wash-out")
        self._events_only(tokens)
        # "since prior …" is what a wash-out says anyway; any other qualifier narrows what is washed out
        quals = [q for q in (groups[0] if groups else []) if isinstance(q, str) and q not in ("history", "current")]
        nodes = [self._entity_node(t.type, t.value, quals, window, (), None, span) for t in tokens
                 if t.type in ("COND", "MED", "PROC", "VACC")]
        node = nodes[0] if len(nodes) == 1 else AnyOf(items=tuple(nodes), span=span)
        return Part(node=Not(item=node, span=span) if self.kind == "inclusion" else node, span=span)

    def _events_only(self, tokens) -> None:
        """"At least 6 months since type 2 diabetes diagnosis": a time since a condition that goes on
        is since its diagnosis, not a wash-out (read as one, it failed everyone who has it); only
        an acute event (a stroke, a pneumonia) is over and dated by its onset."""
        if any(t.type == "COND" and not self.vocab.is_event(t.value) for t in tokens):
            raise Unreadable("a time since a condition that goes on")

    def washed_before(self, items):
        """"Prior chemotherapy completed at least 4 weeks before enrollment": none in those weeks
        (an inclusion); "… completed less than 4 weeks before" (an exclusion): some in them."""
        op, (kind, amount, unit) = next(i for i in items if isinstance(i, tuple) and len(i) == 2)
        if kind != "quantity" or unit not in YEARS:
            raise Unreadable("a wash-out needs a time")
        if op not in ((">", ">=") if self.kind == "inclusion" else ("<", "<=")):
            raise Unreadable("a wash-out that names who is excluded by having washed out")
        tokens = [t for t in items if isinstance(t, Token)]
        anchor = next((t.value for t in tokens if t.type == "ANCHOR"), "screening")
        lives = next((t.value.split() for t in tokens if t.type == "HALF_LIVES"), None)
        # "21 days or 5 half-lives, whichever is shorter": the window decides what the days settle
        window = TimeWindow(amount=amount, unit=unit, anchor=anchor) if lives is None else TimeWindow(
            amount=amount, unit=unit, anchor=anchor, half_lives=float(lives[0]), whichever=lives[1])
        span = self._span(tokens)
        named = [t for t in tokens if t.type in ("COND", "MED", "PROC", "VACC")]
        self._events_only(named)
        for tag, examples, excepted, namely in (i for i in items if isinstance(i, tuple) and i[0] == "including"):
            if excepted or namely or not all(any(self.vocab.is_a(e.concept, t.value) for t in named) for e in examples):
                # "radiotherapy (including radiosurgery)" only illustrates; anything else changes it
                raise Unreadable("examples that are not kinds of the treatment washed out")
        nodes = [self._entity_node(t.type, t.value, [], window, (), None, span) for t in named]
        node = nodes[0] if len(nodes) == 1 else AnyOf(items=tuple(nodes), span=span)
        return Part(node=Not(item=node, span=span) if self.kind == "inclusion" else node, span=span)

    def positive_condition(self, items):
        self._not_serology(items)
        cond = items[1]
        return Part(terminal="COND", concept=cond.value, span=self._span(items), result="positive")

    def result_with_condition(self, items):
        """qualitative: QUALITATIVE (POSITIVE | NEGATIVE)? QUAL* COND — "HBeAg-positive chronic
        hepatitis B", "HLA-B27-positive uveitis", "BRAF V600E-mutant melanoma": the result and the
        disease, both. With no sign, the test's own words must say the result ("-mutant")."""
        test, *quals, cond = items
        sign = quals.pop(0) if quals and quals[0].type in ("POSITIVE", "NEGATIVE") else None
        if sign is None and not _SAYS_FOUND.search(self.norm.text[test.start_pos:test.end_pos]):
            raise Unreadable("a test named before a disease without its result")
        found = sign is None or sign.type == "POSITIVE"
        result = Category(concept=test.value, values=("positive" if found else "negative",),
                          span=self._span([test, sign or test]))
        disease = self._entity_node("COND", cond.value, [q.value for q in quals], None, (), None,
                                    self._span([*quals, cond]))
        span = self._span(items)
        return Part(node=AllOf(items=(result, disease), span=span), span=span)

    def category(self, items):
        tokens = [t for t in items if isinstance(t, Token)]
        concept_tok = next((t for t in tokens if t.type == "CATEGORICAL"), None)
        cond = next((t for t in tokens if t.type == "COND"), None)
        concept_id = concept_tok.value if concept_tok is not None else None
        if concept_id is None and cond is not None:
            # "class III or IV lupus nephritis": the classification named after the condition
            found = self.vocab.lookup(f"{self.vocab.get(cond.value).name} class")
            concept_id = found.id if found is not None and found.value_type in ("categorical", "ordinal") else None
        if concept_id is None:
            raise Unreadable("category values without a name")
        values = self._class_values(tokens, concept_id)
        span = self._span(tokens)
        node: Rule = Category(concept=concept_id, values=values, span=span)
        if concept_tok is not None:
            node = self._of_condition(cond, node)
        return Part(node=node, span=span)

    def _of_condition(self, cond: Token | None, node: Category) -> Rule:
        """A class named after a condition: "NASH with fibrosis stage F4" is the stage of that
        disease, not of any; "heart failure NYHA class III" the class of what the scale rates."""
        if cond is None or any(self.vocab.is_a(cond.value, rated) for rated in self.vocab.get(node.concept).rates):
            return node
        return AllOf(items=(HasCondition(concept=cond.value, span=self._span([cond])), node), span=node.span)

    class_of_condition = category  # "angina pectoris class III or IV"

    def _class_values(self, tokens: Sequence[Token], concept_id: str) -> tuple[str, ...]:
        """The values a list names, a range ("I - III") read on the scale's own order."""
        concept = self.vocab.get(concept_id)
        scale = list(concept.categories)
        values: list[str] = []
        ranged = False
        for t in tokens:
            if t.type == "DASH":
                ranged = True
            elif t.type == "CATVAL":
                if scale and t.value not in scale:
                    raise Unreadable("a value the classification does not have")
                if ranged:
                    if concept.value_type != "ordinal" or not values:
                        raise Unreadable("a range on a scale without an order")
                    low, high = scale.index(values[-1]), scale.index(t.value)
                    if high <= low:
                        raise Unreadable("a range that runs backwards")
                    # "stage I-III" is stages I, II and III (each with its substages); "stage
                    # IIIB-IVA" does not hold all of stage IV, only IVA
                    by_stage = main_category(values[-1]) is None and main_category(t.value) is None
                    values.extend(v for v in scale[low + 1:high + 1]
                                  if not (by_stage and main_category(v)) and v != main_category(t.value))
                    ranged = False
                else:
                    values.append(t.value)
        return tuple(dict.fromkeys(values))

    def category_compare(self, items):
        """"NYHA class > II", "heart failure ≥ NYHA class III": the classes beyond a class of an
        ordered scale; a condition named first must be present too."""
        tokens = [t for t in items if isinstance(t, Token)]
        op = next(i for i in items if isinstance(i, str) and not isinstance(i, Token))
        concept = self.vocab.get(next(t.value for t in tokens if t.type == "CATEGORICAL"))
        value = next(t.value for t in tokens if t.type == "CATVAL")
        scale = list(concept.categories)
        if concept.value_type != "ordinal" or value not in scale or op == "=":
            raise Unreadable("a comparison on a scale without an order")
        k = scale.index(value)
        values = tuple(c for i, c in enumerate(scale) if _INDEX_COMPARE[op](i, k))
        if not values:
            raise Unreadable("no class beyond the last")
        span = self._span(tokens)
        node = self._of_condition(next((t for t in tokens if t.type == "COND"), None),
                                  Category(concept=concept.id, values=values, span=span))
        return Part(node=node, span=span)

    def score_values(self, items):
        """"ECOG 0 or 1", "PS 0, 1 or 2": the values an ordinal score may take. They must run
        without a gap on the scale, and are said as its bounds, which compare exactly."""
        measure = items[0]
        concept = self.vocab.get(measure.value) if measure.value in self.vocab.concepts else None
        if concept is None or concept.value_type != "ordinal":
            raise Unreadable("values without a comparison for a measured quantity")
        named = [t for t in items[1:] if isinstance(t, Token) and t.type == "MEASURE"]
        if named and named[0].value != measure.value:
            # "performance status of 70 on the Karnofsky scale": the values belong to the scale after
            raise Unreadable("values said on another scale")
        scale = list(concept.categories)
        written = [_plain_number(t.value) for t in items if isinstance(t, Token) and t.type == "NUMBER"]
        if not set(written) <= set(scale):
            raise Unreadable("a value the scale does not have")
        positions = sorted({scale.index(v) for v in written})
        if positions != list(range(positions[0], positions[-1] + 1)):
            raise Unreadable("values with a gap")
        if len(written) == 1 and positions[0] > 0 and self.kind == "inclusion":
            # "ECOG PS 1" may be written for "0 or 1": asked of everyone, that one value alone
            # could fail a patient the words let in (excluded, it can only exclude fewer)
            raise Unreadable("one value of a score, perhaps its upper bound")
        span = self._span([t for t in items if isinstance(t, Token)])
        return Part(node=_scale_bounds(concept, positions[0], positions[-1], span), measure=concept.id, span=span)

    def flag(self, items):
        span = self._span(items)
        return Part(node=Category(concept=items[0].value, values=("yes",), span=span), span=span)


def _upper_op(items: list) -> str:
    """The comparator of a range's upper bound: "18 to < 65" is below 65, "18-65" up to it."""
    written = [i for i in items if isinstance(i, str) and not isinstance(i, Token)]
    if written and written[0] not in ("<", "<="):
        raise Unreadable("a range whose upper bound is not an upper bound")
    return written[0] if written else "<="


def _normal(concept_id: str, span: Span | None) -> Rule:
    """Within the lab's own limits; for a value that is abnormal only when high, under the upper."""
    high = NormalMultiple(concept=concept_id, op="<=", factor=1, limit="ULN", span=span)
    if normal_means_not_high(concept_id):
        return high
    return AllOf(items=(high, NormalMultiple(concept=concept_id, op=">=", factor=1, limit="LLN", span=span)), span=span)


def _scale_bounds(concept: Concept, low: int, high: int, span: Span | None) -> Rule:
    """Positions ``low..high`` of a numeric ordinal scale as comparisons: a bound at the end of
    the scale says nothing and is left out ("ECOG 0 or 1" is ``ecog <= 1``)."""
    scale = concept.categories
    bounds = []
    if low > 0:
        bounds.append(Comparison(concept=concept.id, op=">=", value=float(scale[low]), span=span))
    if high < len(scale) - 1:
        bounds.append(Comparison(concept=concept.id, op="<=", value=float(scale[high]), span=span))
    if not bounds:
        raise Unreadable("every value of the scale")
    return bounds[0] if len(bounds) == 1 else AllOf(items=tuple(bounds), span=span)


def _plain_number(text: str) -> str:
    """"2" and "2.0" are the same value on a scale written "2"."""
    value = float(text)
    return str(int(value)) if value.is_integer() else str(value)
