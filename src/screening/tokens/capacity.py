"""Token pass for what a patient can or will do and who may do it for them: consent or compliance
through a parent, guardian or representative, and an ability said to fall short.
"""

from __future__ import annotations

from lark import Token

from .lexicon import retyped, token
from .measures import WILLING


# Words that say an ability or a fact falls short ("impaired decision-making capacity", "limited
# English proficiency", "insufficient archival tissue"): before an attribute, it is not had. Less
# than the attribute may still be recorded as having it, so only an exclusion reads them (which
# then excludes fewer); an inclusion leaves them in words (reader.clauses).
FALLING_SHORT = frozenset({"impaired", "diminished", "limited", "lacks", "lacking", "insufficient", "inadequate",
                           "poor", "reduced"})

# What someone else may give for the patient, and the attribute that says it can be had at all
_BY_PROXY = {"CONSENT": "consent_in_person_or_by_proxy", "COMPLY": "complies_in_person_or_by_proxy"}

_ENDS = frozenset({"PERIOD", "SEMI"})


def _sentences(tokens: list[Token]) -> list[list[Token]]:
    out: list[list[Token]] = [[]]
    for t in tokens:
        out[-1].append(t)
        if t.type in _ENDS:
            out.append([])
    return [s for s in out if s]


def _after_proxies(sentence: list[Token]) -> int:
    """Past the proxies a sentence opens with, 0 if none: "(or legally authorized representative)",
    "or carer / legal representative", "legally authorized representative (LAR)"."""
    bracketed = bool(sentence) and sentence[0].type == "LPAR"
    k = int(bracketed)
    while k < len(sentence) and sentence[k].type == "PROXY":
        k += 1
        if k + 2 < len(sentence) and sentence[k].type == "LPAR" and sentence[k + 1].type == "WORD" \
                and sentence[k + 2].type == "RPAR":
            k += 3  # its abbreviation
        if k + 1 < len(sentence) and sentence[k].type in ("OR", "ANDOR") and sentence[k + 1].type == "PROXY":
            k += 1
    if k == int(bracketed):
        return 0
    if bracketed:
        return k + 1 if k < len(sentence) and sentence[k].type == "RPAR" else 0
    return k


def _by_proxy(sentence: list[Token]) -> list[Token] | None:
    """"Patient or legally authorized representative (LAR) able to give informed consent",
    "parent(s)/legal guardian(s) willing and able to provide written informed consent", "patient
    or guardian unable to comply with study procedures": the whole sentence says consent (or
    compliance) can be had, from the patient or through someone else. The negation and the
    words of ability stay; what is given becomes the attribute."""
    body = sentence[:-1] if sentence[-1].type in _ENDS else sentence
    k = _after_proxies(body)
    if not k:
        return None
    ability = body[k:]
    while ability and ability[0].type in ("NEG", "ABLE", "MUST"):
        ability = ability[1:]
    given = {t.type for t in ability}
    if not ability or len(given) != 1 or not given <= _BY_PROXY.keys() or given == {"CONSENT"} and len(ability) > 1:
        return None
    said = body[k:len(body) - len(ability)]
    if ability[0].type == "CONSENT" and not any(t.type == "NEG" or t.type == "ABLE" and WILLING.search(t.value)
                                                for t in said):
        return None  # "parent or legal guardian has signed consent" is consent, whoever signs (tokens.proxies)
    attribute = token("ATTR", _BY_PROXY[ability[0].type], ability[0].start_pos, ability[-1].end_pos)
    return [*said, attribute, *sentence[len(body):]]


def _lacking_capacity_allowed(sentence: list[Token]) -> bool:
    """"Participants with impaired decision-making capacity who have a legally authorized
    representative available will also be eligible": those unable to consent may through someone."""
    attrs = [k for k, t in enumerate(sentence) if t.type == "ATTR" and t.value == "able_to_consent"]
    return bool(attrs) and attrs[0] > 0 and sentence[attrs[0] - 1].type == "NEG" \
        and any(t.type == "PROXY" for t in sentence[attrs[0]:]) \
        and any(t.type == "HOWEVER_ALLOWED" or t.type == "WORD" and t.value.lower() == "eligible"
                for t in sentence[attrs[0]:])


def _ends_in_consent(sentence: list[Token]) -> bool:
    body = sentence[:-1] if sentence[-1].type in _ENDS else sentence
    return bool(body) and body[-1].type == "CONSENT" and all(t.type == "ABLE" for t in body[:-1]) \
        and any(t.type == "ABLE" for t in body)


def capacities(tokens: list[Token]) -> list[Token]:
    """Before tokens.proxies: an ability that falls short is denied; consent or compliance that
    someone else may give for the patient is the attribute that it can be had; a sentence letting
    in those who cannot consent but have someone to consent for them widens the consent asked
    for before it to that attribute."""
    lessened = [retyped(t, "NEG") if t.type == "WORD" and t.value.lower() in FALLING_SHORT
                and k + 1 < len(tokens) and tokens[k + 1].type == "ATTR" else t for k, t in enumerate(tokens)]
    out: list[list[Token]] = []
    for sentence in _sentences(lessened):
        if out and _ends_in_consent(out[-1]) and _lacking_capacity_allowed(sentence):
            before = out[-1]
            at = max(k for k, t in enumerate(before) if t.type == "CONSENT")
            before[at] = retyped(before[at], "ATTR", "consent_in_person_or_by_proxy")
            if before[-1].type in _ENDS:
                before.pop()
            continue
        out.append(_by_proxy(sentence) or sentence)
    return [t for s in out for t in s]
