"""Entities and the patient's status: conditions, drugs, procedures, doses, pregnancy, consent.
"""

from __future__ import annotations

import re

from lark import Token

from ..nodes import (
    AllOf,
    Comparison,
    HasAttribute,
    Lasting,
    Not,
    Rule,
    Status,
    TimeWindow,
    TreatmentLines,
)
from ..tokens import WILLING, episode_concept
from .parts import OF_AGE, Part, Reading, Unreadable, YEARS


# The words that count cycles of a treatment rather than its lines ("4 courses of chemotherapy").
_COURSES = re.compile(r"(?i)^\s*(?:course|cycle)s?\b")


class EntityReading(Reading):
    """Productions of named things and of the patient's status, each one :class:`Part`."""

    def dose(self, items):
        ends = [i for i in items if isinstance(i, tuple)]
        if len(ends) == 2:
            # "prednisone ≥ 5 mg/day and ≤ 10 mg/day": a lower and an upper end, each a dose
            low, high = (self.dose([end]) for end in ends)
            if not (isinstance(low, Comparison) and isinstance(high, Comparison)
                    and low.op in (">", ">=") and high.op in ("<", "<=")):
                raise Unreadable("a range of doses that is not a lower and an upper end")
            return low, high
        op, value = items[0]
        if value[0] != "quantity" or value[2] is None:
            raise Unreadable("a dose without a unit")
        if value[2] in ("years", OF_AGE):
            # "erythema migrans in patients > 18 years": an age, or how long? not said
            raise Unreadable("years after a condition")
        if value[2] in YEARS:
            # "> 6 months": how long it has lasted; "interstitial cystitis < 6 months",
            # "postpartum ≤ 3 weeks": how recently it began
            return Lasting(op=op, amount=value[1], unit=value[2])
        if value[2] == "%":
            # "haemophilia A (FVIII < 1%)": the factor's level in the blood, not a dose of it
            raise Unreadable("a percentage after a drug's name")
        return Comparison(concept="dose", op=op, value=value[1], unit=value[2])

    def entity(self, items):
        tok = next(t for t in items if isinstance(t, Token) and t.type in ("COND", "MED", "PROC", "VACC"))
        dose = next((i for i in items if isinstance(i, Comparison)), None)
        dose, dose_bound = next((i for i in items if isinstance(i, tuple)), (dose, None))
        if dose is not None and tok.type != "MED":
            raise Unreadable("a dose of what is not a drug")
        other = any(isinstance(t, Token) and t.type == "OTHER" for t in items)
        part = Part(terminal=tok.type, concept=tok.value, dose=dose, dose_bound=dose_bound, span=self._span([tok]))
        written = self.vocab.lookup(self.norm.text[tok.start_pos:tok.end_pos])
        part.shortened = written is None or written.id != tok.value
        duration = next((i for i in items if isinstance(i, Lasting)), None)
        if duration is not None and tok.type != "COND":
            raise Unreadable("a duration, not a dose")
        if duration is not None and duration.op in (">", ">="):
            part.lasting = duration
        elif duration is not None:
            part.window = TimeWindow(amount=duration.amount, unit=duration.unit)
            part.quals.append("new")
        if other:
            part.quals.append("other")
        return part

    def _status(self, name: str, items) -> Part:
        span = self._span([t for t in items if isinstance(t, Token)])
        return Part(node=Status(field=name, span=span), span=span)

    def pregnant(self, items):
        return self._status("pregnant", items)

    def breastfeeding(self, items):
        return self._status("breastfeeding", items)

    def pregnancy_test_negative(self, items):
        span = self._span(items)
        return Part(node=Not(item=Status(field="pregnant", span=span), span=span), span=span, dated_test=True)

    def pregnancy_test_positive(self, items):
        # the evaluator reads "pregnant" from a recent pregnancy test when it is not recorded
        part = self._status("pregnant", items)
        part.dated_test = True
        return part

    def contraception(self, items):
        return self._status("contraception", items)

    def consent(self, items):
        part = self._status("consent", items)
        consent_at = next((i for i, t in enumerate(items) if isinstance(t, Token) and t.type == "CONSENT"), len(items))
        part.willing = any(isinstance(t, Token) and t.type == "ABLE" and WILLING.search(t.value)
                           for t in items[:consent_at])
        part.signed = any(isinstance(t, Token) and t.type == "ABLE" and "signed" in t.value.lower() for t in items)
        return part

    def comply(self, items):
        # DESIGN §5: consent = has signed and will comply with the protocol
        part = self.consent(items)
        part.compliance = True
        return part

    def attribute(self, items):
        token = items[-1]
        span = self._span([token])
        node: Rule = HasAttribute(concept=token.value, span=span)
        said = self.norm.text[token.start_pos:token.end_pos].lower()
        if token.value == "plans_pregnancy" and "pregnan" in said and "father" not in said:
            # "planning to become pregnant" is a woman's plan (the attribute also holds a man's plan
            # to father a child, which these words do not ask about unless they name it too)
            node = AllOf(items=(Status(field="female", span=span), node), span=span)
        # "able to speak English and sign consent": the ability reaches the consent after it
        willing = any(isinstance(t, Token) and t.type == "ABLE" and WILLING.search(t.value) for t in items)
        return Part(node=node, span=span, willing=willing)

    def lines(self, items):
        op = next(i for i in items if isinstance(i, str) and not isinstance(i, Token))
        count = next(t for t in items if isinstance(t, Token) and t.type == "NUMBER")
        return self._lines([(op, count)], items)

    def lines_range(self, items):
        return self._lines(_count_range(items, "lines"), items)

    def _lines(self, bounds: list[tuple[str, Token | float]], items) -> Part:
        tokens = [t for t in items if isinstance(t, Token)]
        med = next(t for t in tokens if t.type == "MED")
        quals = {t.value for t in tokens if t.type == "QUAL"}
        if quals - {"history", "systemic"}:
            raise Unreadable("lines of a treatment given in a setting")  # "… of first-line therapy"
        if any(t.type == "LINES" and _COURSES.match(t.value) for t in tokens):
            # "at least 4 cycles of chemotherapy": a line of treatment may hold many cycles, and
            # the profile counts lines, not cycles (one course, as having had it, is read before)
            raise Unreadable("cycles or courses of a treatment counted")
        if any(not float(n).is_integer() or float(n) < 0 for _, n in bounds):
            raise Unreadable("a count of lines that is not a whole number")
        span = self._span(tokens)
        counted = tuple(q for q in ("systemic",) if q in quals)  # "lines of systemic therapy": not a topical one
        nodes = [TreatmentLines(concept=med.value, qualifiers=counted, op=op, count=int(float(n)), span=span)
                 for op, n in bounds]
        return Part(node=nodes[0] if len(nodes) == 1 else AllOf(items=tuple(nodes), span=span), span=span)

    def episodes(self, items):
        """episodes: cmp NUMBER EPISODES? (QUAL+ (OR QUAL)?)? COND | NUMBER cmp … — "≥ 2 asthma
        exacerbations", "2 or more episodes of severe hypoglycaemia", "≥ 2 moderate or severe …"."""
        op = next(i for i in items if isinstance(i, str) and not isinstance(i, Token))
        number = next(t for t in items if isinstance(t, Token) and t.type == "NUMBER")
        return self._episodes([(op, float(number))], items)

    def episodes_range(self, items):
        """"between 2 and 10 vaso-occlusive crises"."""
        return self._episodes(_count_range(items, "episodes"), items)

    def _episodes(self, bounds: list[tuple[str, float]], items) -> Part:
        tokens = [t for t in items if isinstance(t, Token)]
        cond = next(t for t in tokens if t.type == "COND")
        concept = episode_concept(cond.value) if any(t.type == "EPISODES" for t in tokens) else cond.value
        if not self.vocab.is_event(concept):
            # "≥ 2 seizures", "more than one DVT": what is counted must be an episode of its own,
            # dated by its onset; a lasting condition has one entry however many times it flared
            raise Unreadable("a count of what is not an episode")
        if any(not n.is_integer() or n < 0 for _, n in bounds):
            raise Unreadable("a count of episodes that is not a whole number")
        quals = [t.value for t in tokens if t.type == "QUAL"]
        part = Part(terminal="COND", concept=concept, counts=bounds, span=self._span(tokens))
        if any(t.type == "OR" for t in tokens):
            if len(quals) != 2:
                # "recent moderate or severe": whether "recent" reaches "severe" is not said
                raise Unreadable("which qualifiers go together")
            part.either = quals
        else:
            part.quals = quals
        return part

    def classified(self, items):
        cond = items[-1]
        return Part(terminal="COND", concept=cond.value, span=self._span(items))


def _count_range(items: list, what: str) -> list[tuple[str, float]]:
    """The bounds of "1-3 prior lines", "between 2 and 10 crises": counts, so no unit."""
    low, high = (i for i in items if isinstance(i, tuple))
    if low[0] != "quantity" or high[0] != "quantity" or low[2] or high[2]:
        raise Unreadable(f"a range of {what} with a unit")
    return [(">=", float(low[1])), ("<=", float(high[1]))]
