"""Rule trees → the criteria language (grammars/rules.lark), one printer per node type.

The printed text is what the trial library stores and a reviewer reads or edits;
``compile.parse_rule`` reads it back to the same tree.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from .nodes import (
    AllOf,
    AnyOf,
    AtLeast,
    Cohort,
    Category,
    DateRange,
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
    Judgement,
    NoRequirement,
    Node,
    NormalMultiple,
    Not,
    Status,
    TimeWindow,
    Titre,
    TookMedication,
    TreatmentLines,
    Vaccinated,
)

_LOGIC = (AllOf, AnyOf, Not, AtLeast, Conditional)


def number(value: float) -> str:
    """Shortest text that reads back as the same float: ``30``, ``1.5``, ``265.2``."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


def _window(w: TimeWindow | None) -> str:
    if w is None:
        return ""
    direction = "before" if w.direction == "past" else "after"
    span = f"{number(w.amount)} {w.unit}"
    if w.half_lives is not None:
        bound = {"longer": "max", "shorter": "min", "unsaid": "either"}[w.whichever or "unsaid"]
        span = f"{bound}({span}, {number(w.half_lives)} half-lives)"
    return f" within {span} {direction} {w.anchor}"


def _quals(quals: tuple[str, ...]) -> str:
    return f" [{', '.join(quals)}]" if quals else ""


def _exempt(items: tuple[Exemption, ...]) -> str:
    if not items:
        return ""
    return " except (" + ", ".join(e.concept + _quals(e.qualifiers) for e in items) + ")"


def _given_for(i: Indication | None) -> str:
    return "" if i is None else f" for ({i.concept}{_quals(i.qualifiers)})"


def _grade(g: Grade | None) -> str:
    """`` grade >= 2``, `` grade = 3``, `` grade <= 2``, `` grade 3 to 4``: the shortest of them
    that says the range."""
    if g is None:
        return ""
    if g.high == 5:
        return f" grade >= {g.low}"
    if g.low == g.high:
        return f" grade = {g.low}"
    if g.low == 1:
        return f" grade <= {g.high}"
    return f" grade {g.low} to {g.high}"


def _target(concept: str | None, term: str | None) -> str:
    return concept if concept is not None else json.dumps(term, ensure_ascii=False)


def _operand(node: Node) -> str:
    """A child of and/or/not: parenthesised when it is itself a logic node, so reading it back
    gives the same nesting."""
    text = to_text(node)
    return f"({text})" if isinstance(node, _LOGIC) and not isinstance(node, Not) else text


def _all(n: AllOf) -> str:
    return " and ".join(_operand(i) for i in n.items)


def _any(n: AnyOf) -> str:
    return " or ".join(_operand(i) for i in n.items)


def _not(n: Not) -> str:
    return f"not {_operand(n.item)}"


def _at_least(n: AtLeast) -> str:
    return f"at least {n.count} of ({', '.join(to_text(i) for i in n.items)})"


def _conditional(n: Conditional) -> str:
    return f"if {_operand(n.when)} then {_operand(n.then)}"


def _compare(n: Comparison) -> str:
    unit = f" {n.unit}" if n.unit else ""
    return f"{n.concept} {n.op} {number(n.value)}{unit}{_window(n.window)}"


def _normal(n: NormalMultiple) -> str:
    return f"{n.concept} {n.op} {number(n.factor)} x {n.limit}{_window(n.window)}"


def _titre(n: Titre) -> str:
    return f"{n.concept} {n.op} 1:{n.dilution}{_window(n.window)}"


def _category(n: Category) -> str:
    return f"{n.concept} in {{{', '.join(n.values)}}}{_window(n.window)}"


def _dated(d: DateRange | None) -> str:
    if d is None:
        return ""
    return f" {'started ' if d.started else ''}between {d.first.isoformat()} and {d.last.isoformat()}"


def _history(keyword: str) -> Callable[[HasCondition | TookMedication | HadProcedure | Vaccinated], str]:
    """Conditions, medications, procedures and vaccinations print alike:
    ``KEYWORD target [qualifiers] except (…) grade … dose … (dose …) lasting … for (…) within …``
    (or ``[started] between DAY and DAY``)."""

    def print_history(n: HasCondition | TookMedication | HadProcedure | Vaccinated) -> str:
        doses = [d for d in (getattr(n, "dose", None), getattr(n, "dose_bound", None)) if d is not None]
        dose_text = "".join(f" dose {d.op} {number(d.value)} {d.unit}" for d in doses)
        lasting = getattr(n, "lasting", None)
        lasting_text = f" lasting {lasting.op} {number(lasting.amount)} {lasting.unit}" if lasting is not None else ""
        return (f"{keyword} {_target(n.concept, getattr(n, 'term', None))}{_quals(n.qualifiers)}"
                f"{_exempt(getattr(n, 'excluding', ()))}{_grade(getattr(n, 'grade', None))}{dose_text}{lasting_text}"
                f"{_given_for(getattr(n, 'given_for', None))}{_window(n.window)}{_dated(getattr(n, 'dated', None))}")

    return print_history


def _family_history(n: FamilyHistory) -> str:
    return f"family_history {n.concept}" + (" [first_degree]" if n.first_degree else "")


def _lines(n: TreatmentLines) -> str:
    return f"lines of {n.concept}{_quals(n.qualifiers)}{_given_for(n.given_for)} {n.op} {n.count}"


def _episodes(n: EpisodeCount) -> str:
    requiring = f" requiring ({to_text(n.requiring)})" if n.requiring is not None else ""
    either = f" [{' or '.join(n.either)}]" if n.either else ""
    return f"episodes of {n.concept}{_quals(n.qualifiers)}{either}{requiring} {n.op} {n.count}{_window(n.window)}"


def _attribute(n: HasAttribute) -> str:
    return f"attribute {n.concept}"


def _status(n: Status) -> str:
    return n.field


def _judgement(n: Judgement) -> str:
    return f"judgement {json.dumps(n.text, ensure_ascii=False)}"


def _free_text(n: FreeText) -> str:
    return f"text {json.dumps(n.text, ensure_ascii=False)}"


def _cohort(n: Cohort) -> str:
    return f"cohort {json.dumps(n.text, ensure_ascii=False)}"


def _no_requirement(n: NoRequirement) -> str:
    return f"asks_nothing {n.says} {json.dumps(n.text, ensure_ascii=False)}"


PRINTERS: dict[type[Node], Callable[..., str]] = {
    AllOf: _all, AnyOf: _any, Not: _not, AtLeast: _at_least, Conditional: _conditional,
    Comparison: _compare, NormalMultiple: _normal, Titre: _titre, Category: _category,
    HasCondition: _history("condition"), TookMedication: _history("medication"),
    HadProcedure: _history("procedure"), Vaccinated: _history("vaccination"), FamilyHistory: _family_history,
    TreatmentLines: _lines, EpisodeCount: _episodes, HasAttribute: _attribute, Status: _status,
    Judgement: _judgement, FreeText: _free_text, Cohort: _cohort, NoRequirement: _no_requirement,
}


def to_text(node: Node) -> str:
    """The canonical criteria-language text of a rule tree."""
    return PRINTERS[type(node)](node)
