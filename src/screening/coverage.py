"""How much of a trial the criteria language reads, and what it misses.

Used by ``screen compile`` to measure the grammar on records that were not used to write it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .compile import CompiledTrial, normalise, tokenize
from .evaluate import ambiguous_unit, implausible
from .nodes import Comparison, FreeText, is_structured, walk
from .vocabulary import load_vocabulary


@dataclass(frozen=True)
class Coverage:
    """One trial: which criteria compiled with no free-text or judgement leaf, and the problems."""

    nct_id: str
    total: int
    structured: frozenset[str]
    problems: dict[str, tuple[str, ...]] = field(default_factory=dict)
    unreadable: tuple[str, ...] = ()  # the free-text leaves' words


def coverage_of(compiled: CompiledTrial) -> Coverage:
    """Coverage of one compiled trial, with compile errors and implausible thresholds."""
    vocab = load_vocabulary()
    structured = set()
    problems: dict[str, tuple[str, ...]] = {}
    unreadable: list[str] = []
    for c in compiled.trial.criteria:
        rule = compiled.rules[c.id]
        if is_structured(rule):
            structured.add(c.id)
        found = [e.message for e in compiled.errors.get(c.id, ())]
        for node in walk(rule):
            if isinstance(node, Comparison):
                why = implausible(node, vocab)
                if why:
                    found.append(f"implausible threshold: {why}")
                why = ambiguous_unit(node, vocab)
                if why:
                    found.append(f"ambiguous unit: {why}")
            if isinstance(node, FreeText):
                unreadable.append(node.text)
        if found:
            problems[c.id] = tuple(found)
    return Coverage(compiled.trial.nct_id, len(compiled.trial.criteria), frozenset(structured), problems,
                    tuple(unreadable))


def unreadable_summary(results: Iterable[Coverage], top: int = 15) -> list[str]:
    """The words outside the vocabulary and lexicon that most often leave a clause unread, and how
    many unread clauses had every word known (a gap in the grammar rather than the vocabulary)."""
    words: Counter[str] = Counter()
    grammar_gaps = 0
    total = 0
    for r in results:
        for text in r.unreadable:
            total += 1
            unknown = {t.value.lower() for t in tokenize(normalise(text)) if t.type == "WORD"}
            if unknown:
                words.update(unknown)
            else:
                grammar_gaps += 1
    lines = [f"{total} unread clauses; {grammar_gaps} with every word known (grammar gaps)"]
    lines += [f"{n:>4}  {w}" for w, n in words.most_common(top)]
    return lines
