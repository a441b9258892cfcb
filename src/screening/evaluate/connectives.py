"""All, any, not, at least N, if … then: Kleene logic over the children's outcomes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..logic import Truth, all_of, any_of, at_least, implies
from ..nodes import AllOf, AnyOf, AtLeast, Conditional, Node, Not
from .core import Context, Outcome, evaluate


def _combine(children: Sequence[Outcome], truth: Truth, message: str) -> Outcome:
    """Evidence from the children that decided the truth; missing data from the undecided."""
    if truth is Truth.UNKNOWN:
        deciding = [c for c in children if c.truth is Truth.UNKNOWN]
    else:
        deciding = [c for c in children if c.truth is truth] or list(children)
    evidence = tuple(e for c in children for e in c.evidence)
    missing = tuple(dict.fromkeys(m for c in deciding for m in c.missing)) if truth is Truth.UNKNOWN else ()
    reason = next((c.reason for c in deciding if c.reason), None) if truth is Truth.UNKNOWN else None
    return Outcome(truth, message, reason, evidence, missing, tuple(children))


def _all(node: AllOf, ctx: Context) -> Outcome:
    children = [evaluate(i, ctx) for i in node.items]
    truth = all_of(c.truth for c in children)
    return _combine(children, truth, _join_messages(children, truth, Truth.FALSE))


def _any(node: AnyOf, ctx: Context) -> Outcome:
    children = [evaluate(i, ctx) for i in node.items]
    truth = any_of(c.truth for c in children)
    return _combine(children, truth, _join_messages(children, truth, Truth.TRUE))


def _join_messages(children: Sequence[Outcome], truth: Truth, decisive: Truth) -> str:
    if truth is decisive:
        picked = [c for c in children if c.truth is decisive][:1]
    elif truth is Truth.UNKNOWN:
        picked = [c for c in children if c.truth is Truth.UNKNOWN]
    else:
        picked = list(children)
    return " ".join(dict.fromkeys(c.message for c in picked))


def _not(node: Not, ctx: Context) -> Outcome:
    inner = evaluate(node.item, ctx)
    return Outcome(~inner.truth, inner.message, inner.reason, inner.evidence, inner.missing, (inner,))


def _at_least(node: AtLeast, ctx: Context) -> Outcome:
    children = [evaluate(i, ctx) for i in node.items]
    truth = at_least(node.count, (c.truth for c in children))
    sure = sum(c.truth is Truth.TRUE for c in children)
    return _combine(children, truth, f"{sure} of {len(children)} hold surely; {node.count} are required.")


def _conditional(node: Conditional, ctx: Context) -> Outcome:
    when = evaluate(node.when, ctx)
    if when.truth is Truth.FALSE:
        return Outcome(Truth.TRUE, f"Does not apply: {when.message}", "not_applicable", when.evidence, (), (when,))
    then = evaluate(node.then, ctx)
    truth = implies(when.truth, then.truth)
    if truth is Truth.UNKNOWN:
        children = [c for c in (when, then) if c.truth is Truth.UNKNOWN]
        return _combine([when, then], truth, " ".join(c.message for c in children))
    return Outcome(truth, then.message, None, when.evidence + then.evidence, (), (when, then))


#: The evaluators of the node types this module decides.
EVALUATED: dict[type[Node], Callable[..., Outcome]] = {
    AllOf: _all, AnyOf: _any, Not: _not, AtLeast: _at_least, Conditional: _conditional,
}
