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
    named = [n.concept for n in walk(node) if isinstance(n, target) and n.concept is not None]
    if not named:
        return None
    exemptions: list[Exemption] = []
    for p in allowance.seq.parts:
        if p.concept is None or p.window is not None or p.dose is not None or p.negated or p.grade is not None \
                or len(p.variants) > 1:
            return None  # (an exception has no time, dose or grade: "grade 1 neuropathy is allowed")
        if terminal == "COND":
            quals = tuple(q for q in p.quals if q in EXEMPTION_QUALS)
        elif set(p.quals) <= ENTITY_QUALS[terminal]:
            quals = tuple(p.quals)  # "prophylactic use … is allowed": only that use is
        else:
            return None
        exemption = Exemption(concept=p.concept, qualifiers=quals)
        if not vocab.lookup(p.concept) or any(_covers(exemption, concept, vocab) for concept in named):
            return None  # allowing all of what the clause names contradicts it: it is not read
        exemptions.append(exemption)
    if not any(_narrows(e, concept, vocab) for e in exemptions for concept in named):
        # an allowance of nothing the clause names: which item it relaxes is not known
        return None

    def exempt(n: Rule) -> Rule:
        if isinstance(n, target) and n.concept is not None:
            # each to the items it is some of; one that is none of them ("carcinoma in situ",
            # not a malignancy) to all, where the words put it
            within = tuple(e for e in exemptions if _narrows(e, n.concept, vocab)
                           or not any(_narrows(e, c, vocab) for c in named))
            return n.model_copy(update={"excluding": n.excluding + within}) if within else n
        if isinstance(n, (AllOf, AnyOf)):
            return n.model_copy(update={"items": tuple(exempt(i) for i in n.items)})
        if isinstance(n, Not):
            return n.model_copy(update={"item": exempt(n.item)})
        return n

    return exempt(node)


def _covers(exemption: Exemption, concept: str, vocab: Vocabulary) -> bool:
    """Whether an exemption takes all of what ``concept`` names: it or a class above it, in any
    state ("No diabetes. Diabetes is allowed")."""
    return not exemption.qualifiers and vocab.lookup(concept) is not None and vocab.is_a(concept, exemption.concept)


def _narrows(exemption: Exemption, concept: str, vocab: Vocabulary) -> bool:
    """Whether an exemption takes some of what ``concept`` names: a kind of it ("basal cell
    carcinoma" of malignancy), kinds it shares ("skin cancer" of carcinoma), its drugs given one
    way ("inhaled corticosteroids"), or it or a class above it in some state only ("treated brain
    metastases", "prophylactic anticoagulants").
    One that shares none with it ("cervical carcinoma in situ", not a malignancy) has nothing
    there to take."""
    if vocab.lookup(concept) is None:
        return False
    if vocab.is_a(concept, exemption.concept):
        return bool(exemption.qualifiers)
    by_route = vocab.by_route(exemption.concept)
    if by_route is not None and vocab.descendants(by_route[1]) & vocab.descendants(concept):
        return True  # "inhaled corticosteroids" of corticosteroids: those given by that route
    return bool(vocab.descendants(exemption.concept) & vocab.descendants(concept))
