"""The criteria language (``grammars/rules.lark``) → rule nodes.

The canonical text the printer writes, that the trial library stores, and that a reviewer may
write by hand, is read back here; print → parse is the identity on rule trees.
"""

from __future__ import annotations

import json
from datetime import date

from lark import Token, Transformer, Tree, v_args
from lark.exceptions import LarkError, VisitError

from .grammar import rules_parser
from .nodes import (
    AllOf,
    AnyOf,
    AtLeast,
    Category,
    Cohort,
    Comparison,
    Conditional,
    DateRange,
    EpisodeCount,
    Exemption,
    FamilyHistory,
    FreeText,
    Grade,
    HadProcedure,
    HasAttribute,
    HasCondition,
    Indication,
    Judgement,
    Lasting,
    NoRequirement,
    Node,
    NormalMultiple,
    Not,
    Rule,
    Status,
    TimeWindow,
    Titre,
    TookMedication,
    TreatmentLines,
    Vaccinated,
    walk,
)
from .vocabulary import Vocabulary, load_vocabulary


class RuleSyntaxError(ValueError):
    """A rule in the criteria language that does not parse; says where."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.column = column


# --- reading ----------------------------------------------------------------------

_HOLDS = {">": int.__gt__, ">=": int.__ge__, "<": int.__lt__, "<=": int.__le__, "=": int.__eq__}


@v_args(inline=True)
class _RuleReader(Transformer):
    """rules.lark parse tree → rule nodes (no spans: the text is the rule itself)."""

    def any_of(self, *items):
        return items[0] if len(items) == 1 else AnyOf(items=items)

    def all_of(self, *items):
        return items[0] if len(items) == 1 else AllOf(items=items)

    def not_(self, item):
        return Not(item=item)

    def at_least(self, count, *items):
        return AtLeast(count=int(count), items=items)

    def conditional(self, when, then):
        return Conditional(when=when, then=then)

    def unit(self, token):
        return str(token)

    def window(self, amount, unit, direction, anchor):
        return TimeWindow(amount=float(amount), unit=str(unit), direction="past" if direction == "before" else "future",
                          anchor=str(anchor))

    def half_life_window(self, bound, amount, unit, half_lives, direction, anchor):
        return TimeWindow(amount=float(amount), unit=str(unit), direction="past" if direction == "before" else "future",
                          anchor=str(anchor), half_lives=float(half_lives),
                          whichever={"max": "longer", "min": "shorter", "either": "unsaid"}[str(bound)])

    def compare(self, concept, op, value, *rest):
        unit = next((r for r in rest if isinstance(r, str)), None)
        window = next((r for r in rest if isinstance(r, TimeWindow)), None)
        return Comparison(concept=str(concept), op=str(op), value=float(value), unit=unit, window=window)

    def normal_multiple(self, concept, op, factor, limit, window=None):
        return NormalMultiple(concept=str(concept), op=str(op), factor=float(factor), limit=str(limit), window=window)

    def titre(self, concept, op, titre, window=None):
        return Titre(concept=str(concept), op=str(op), dilution=int(str(titre)[2:]), window=window)

    def category(self, concept, *rest):
        window = rest[-1] if rest and isinstance(rest[-1], TimeWindow) else None
        values = tuple(str(v) for v in rest if isinstance(v, Token))
        return Category(concept=str(concept), values=values, window=window)

    def target(self, token):
        if token.type == "STRING":
            return ("term", json.loads(token))
        return ("concept", str(token))

    def quals(self, *tokens):
        return ("quals", tuple(str(t) for t in tokens))

    def exemption(self, concept, quals=None):
        return Exemption(concept=str(concept), qualifiers=quals[1] if quals else ())

    def exempt(self, *items):
        return ("exempt", tuple(items))

    def given_for(self, concept, quals=None):
        return Indication(concept=str(concept), qualifiers=quals[1] if quals else ())

    def dated(self, *items):
        first, last = (date.fromisoformat(str(t)) for t in items[-2:])
        return DateRange(first=first, last=last, started=len(items) == 3)

    def lasting(self, op, amount, unit):
        return Lasting(op=str(op), amount=float(amount), unit=str(unit))

    def grade_bound(self, op, grade):
        """"grade >= 2": the CTCAE grades (1–5) that meet the bound."""
        grades = [g for g in range(1, 6) if _HOLDS[str(op)](g, int(grade))]
        if not grades:
            raise RuleSyntaxError(f"no CTCAE grade is {op} {grade}")
        return Grade(low=grades[0], high=grades[-1])

    def grade_range(self, low, high):
        if not 1 <= int(low) <= int(high) <= 5:
            raise ValueError(f"CTCAE grades {low} to {high} are not a range of 1–5")
        return Grade(low=int(low), high=int(high))

    def dose(self, op, value, unit):
        return Comparison(concept="dose", op=str(op), value=float(value), unit=unit)

    def _entity(self, cls, target, rest, **extra):
        fields: dict[str, object] = {target[0]: target[1]}
        for r in rest:
            if isinstance(r, TimeWindow):
                fields["window"] = r
            elif isinstance(r, Lasting):
                fields["lasting"] = r
            elif isinstance(r, DateRange):
                fields["dated"] = r
            elif isinstance(r, Indication):
                fields["given_for"] = r
            elif isinstance(r, Comparison):
                fields["dose_bound" if "dose" in fields else "dose"] = r
            elif isinstance(r, Grade):
                fields["grade"] = r
            elif r[0] == "quals":
                fields["qualifiers"] = r[1]
            elif r[0] == "exempt":
                fields["excluding"] = r[1]
        return cls(**fields, **extra)

    def condition(self, target, *rest):
        return self._entity(HasCondition, target, rest)

    def medication(self, target, *rest):
        return self._entity(TookMedication, target, rest)

    def procedure(self, target, *rest):
        return self._entity(HadProcedure, target, rest)

    def vaccination(self, concept, *rest):
        return self._entity(Vaccinated, ("concept", str(concept)), rest)

    def attribute(self, concept):
        return HasAttribute(concept=str(concept))

    def family_history(self, concept, first_degree=None):
        return FamilyHistory(concept=str(concept), first_degree=first_degree is not None)

    def lines(self, concept, *rest):
        quals = next((r[1] for r in rest if isinstance(r, tuple)), ())
        given_for = next((r for r in rest if isinstance(r, Indication)), None)
        op, count = rest[-2:]
        return TreatmentLines(concept=str(concept), qualifiers=quals, given_for=given_for, op=str(op),
                              count=int(count))

    def requiring(self, rule):
        return ("requiring", rule)

    def either(self, *tokens):
        return ("either", tuple(str(t) for t in tokens))

    def episodes(self, concept, *rest):
        fields: dict[str, object] = {"concept": str(concept)}
        for r in rest:
            if isinstance(r, TimeWindow):
                fields["window"] = r
            elif isinstance(r, Token) and r.type == "OP":
                fields["op"] = str(r)
            elif isinstance(r, Token):
                fields["count"] = int(r)
            else:
                fields[{"quals": "qualifiers"}.get(r[0], r[0])] = r[1]
        return EpisodeCount(**fields)

    def status(self, token):
        return Status(field=str(token))

    def judgement(self, token):
        return Judgement(text=json.loads(token))

    def free_text(self, token):
        return FreeText(text=json.loads(token))

    def cohort(self, token):
        return Cohort(text=json.loads(token))

    def no_requirement(self, says, token):
        return NoRequirement(says=str(says), text=json.loads(token))


def parse_rule(text: str) -> Rule:
    """Read a rule written in the criteria language (what the printer writes, or a reviewer)."""
    try:
        tree = rules_parser().parse(text)
    except LarkError as error:
        column = getattr(error, "column", None)
        where = f" at column {column}" if isinstance(column, int) and column > 0 else ""
        raise RuleSyntaxError(f"cannot read rule{where}: {text!r}", column if isinstance(column, int) else None) \
            from None
    try:
        node = _RuleReader().transform(tree)
    except VisitError as error:  # a value out of range: "grade > 5", "grade 4 to 3"
        raise RuleSyntaxError(f"cannot read rule: {text!r} ({error.orig_exc})") from None
    if isinstance(node, Tree):
        raise RuleSyntaxError(f"cannot read rule: {text!r}")
    return node


def unknown_concepts(rule: Node, vocab: Vocabulary | None = None) -> list[str]:
    """Concept ids a rule names that the vocabulary does not know (a hand-written rule's typos)."""
    vocab = vocab or load_vocabulary()
    missing: list[str] = []
    nodes = list(walk(rule))
    # what an episode needed is a rule inside the count, not one of its logic children
    nodes += [m for n in nodes if isinstance(n, EpisodeCount) and n.requiring is not None for m in walk(n.requiring)]
    for n in nodes:
        concept = getattr(n, "concept", None)
        if concept and concept not in ("age", "dose") and vocab.lookup(concept) is None:
            missing.append(concept)
        given_for = getattr(n, "given_for", None)
        if given_for is not None and vocab.lookup(given_for.concept) is None:
            missing.append(given_for.concept)
    return missing
