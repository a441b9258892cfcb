""""However, participants with … are allowed": an allowance clause lifts the clause before it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..nodes import (
    AllOf,
    AnyOf,
    Exemption,
    HasCondition,
    Not,
    Rule,
    TookMedication,
    Vaccinated,
    walk,
)
from ..tokens import Normalised
from ..trial import CriterionKind
from ..vocabulary import Vocabulary
from .parts import ENTITY_QUALS, EXEMPTION_QUALS, Seq


# What an allowance can exempt, by the terminal that names it.
_EXEMPTED = {"COND": HasCondition, "MED": TookMedication, "VACC": Vaccinated}


@dataclass
class Allowance:
    seq: Seq


def allow(node: Rule, allowance: Allowance, norm: Normalised, kind: CriterionKind, vocab: Vocabulary) -> Rule | None:
    """"However, participants with secondary Sjögren's syndrome are allowed": the allowed
    conditions (or drugs: "prophylactic use of anticoagulants is allowed") become exemptions of
    those the previous clause names. None when the allowance is about something else, or the
    clause before names none of its kind."""
    terminals = {p.terminal for p in allowance.seq.parts}
    if len(terminals) != 1 or not terminals <= set(_EXEMPTED):
        return None
    terminal = terminals.pop()
    target = _EXEMPTED[terminal]
    if not any(isinstance(n, target) for n in walk(node)):
        return None
    exemptions: list[Exemption] = []
    for p in allowance.seq.parts:
        if p.concept is None or p.window is not None or p.dose is not None or p.negated or p.grade is not None:
            return None  # (an exception has no time, dose or grade: "grade 1 neuropathy is allowed")
        if terminal == "COND":
            quals = tuple(q for q in p.quals if q in EXEMPTION_QUALS)
        elif set(p.quals) <= ENTITY_QUALS[terminal]:
            quals = tuple(p.quals)  # "prophylactic use … is allowed": only that use is
        else:
            return None
        exemptions.append(Exemption(concept=p.concept, qualifiers=quals))

    def exempt(n: Rule) -> Rule:
        if isinstance(n, target):
            return n.model_copy(update={"excluding": n.excluding + tuple(exemptions)})
        if isinstance(n, (AllOf, AnyOf)):
            return n.model_copy(update={"items": tuple(exempt(i) for i in n.items)})
        if isinstance(n, Not):
            return n.model_copy(update={"item": exempt(n.item)})
        return n

    return exempt(node)
