"""Token pass for what a patient can or will do, and who may do it for them: consent or compliance
through a parent, guardian or representative; an ability denied in a word or said to fall short;
languages listed with one verb; what a consent form's approval and a whole study's time add to
an attribute (nothing).
"""

from __future__ import annotations

from lark import Token

from .lexicon import concept_terminal, retyped, token
from .measures import WILLING
from ..vocabulary import load_vocabulary


# Words that say an ability or a fact falls short ("impaired decision-making capacity", "limited
# English proficiency", "insufficient archival tissue"): before an attribute, it is not had. Less
# than the attribute may still be recorded as having it, so only an exclusion reads them (which
# then excludes fewer); an inclusion leaves them in words (reader.clauses).
FALLING_SHORT = frozenset({"impaired", "diminished", "limited", "lacks", "lacking", "insufficient", "inadequate",
                           "poor", "reduced"})

# What someone else may give for the patient, and the attribute that says it can be had at all
_BY_PROXY = {"CONSENT": "consent_in_person_or_by_proxy", "COMPLY": "complies_in_person_or_by_proxy"}

_ENDS = frozenset({"PERIOD", "SEMI"})

# Attributes whose time is the whole study: "planned relocation during the study period" says no
# more than the attribute ("during the treatment period", "within 12 months" say less, and stay)
_OF_THE_WHOLE_STUDY = frozenset({"plans_to_relocate", "available_for_follow_up"})
_PART_OF_THE_STUDY = ("treatment", "intervention")


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


# Who approved the consent form ("IRB/EC-approved informed consent", "… form approved by the
# local ethics committee"): every consent form is, so it says no more
_APPROVING = frozenset({"irb", "iec", "ec", "reb", "erb", "ethics", "ethical", "committee", "review", "board",
                        "institutional", "local", "approved"})
_BETWEEN_APPROVING = frozenset({"OR", "ANDOR", "LPAR", "RPAR"})


def _approval_beside(tokens: list[Token], at: int, step: int) -> int:
    """How many tokens from ``at`` (going by ``step``) name who approved the consent form, or 0."""
    k = at
    while 0 <= k < len(tokens) and (tokens[k].type == "WORD" and tokens[k].value.lower() in _APPROVING
                                    or tokens[k].type in _BETWEEN_APPROVING):
        k += step
    run = tokens[min(at, k - step):max(at, k - step) + 1] if k != at else []
    balanced = sum(t.type == "LPAR" for t in run) == sum(t.type == "RPAR" for t in run)
    approved = any(t.type == "WORD" and t.value.lower() == "approved" for t in run)
    joined = bool(run) and "OR" in (run[0].type, run[-1].type)  # "… consent or IRB-approved assent"
    return abs(k - at) if approved and balanced and not joined else 0


def _without_approval(tokens: list[Token]) -> list[Token]:
    drop: set[int] = set()
    for k, t in enumerate(tokens):
        if t.type == "CONSENT":
            before, after = _approval_beside(tokens, k - 1, -1), _approval_beside(tokens, k + 1, 1)
            drop.update(range(k - before, k), range(k + 1, k + 1 + after))
    return [t for k, t in enumerate(tokens) if k not in drop]


def _without_abbreviations(tokens: list[Token]) -> list[Token]:
    """A proxy's abbreviation in brackets ("legally authorized representative (LAR)") says no more."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        if out and out[-1].type == "PROXY" and k + 2 < len(tokens) and tokens[k].type == "LPAR" \
                and tokens[k + 1].type == "WORD" and tokens[k + 2].type == "RPAR":
            k += 3
            continue
        out.append(tokens[k])
        k += 1
    return out


# What may be said of a representative who consents instead ("… or, if unable, have a legally
# authorized representative available to give consent", "… or have a LAR willing to do so")
_INSTEAD = frozenset({"COMMA", "IF", "NEG", "PROXY", "ABLE", "CONSENT"})
_INSTEAD_WORDS = frozenset({"available", "do", "so"})


def _or_through_proxy(sentence: list[Token]) -> list[Token] | None:
    """"Ability to provide written informed consent or have a legally authorized representative
    provide consent": consent in person or by proxy."""
    body = sentence[:-1] if sentence[-1].type in _ENDS else sentence
    at = next((k for k, t in enumerate(body) if t.type == "CONSENT"), None)
    if at is None or not body[:at] or any(t.type != "ABLE" for t in body[:at]) \
            or not any(WILLING.search(t.value) for t in body[:at]):
        return None
    tail = body[at + 1:]
    if tail and tail[0].type == "COMMA":
        tail = tail[1:]
    if not tail or tail[0].type != "OR" or not any(t.type == "PROXY" for t in tail) or not all(
            t.type in _INSTEAD or t.type == "WORD" and t.value.lower() in _INSTEAD_WORDS for t in tail[1:]):
        return None
    attribute = token("ATTR", "consent_in_person_or_by_proxy", body[at].start_pos, body[-1].end_pos)
    return [*body[:at], attribute, *sentence[len(body):]]


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


_LANGUAGE_JOINS = frozenset({"OR", "ANDOR", "AND", "COMMA"})


def _attribute(name: str) -> str | None:
    found = load_vocabulary().lookup(name)
    return found.id if found is not None and found.category == "attribute" else None


def _said_of(attribute: str, word: str) -> str | None:
    """The attribute of the same verb for another object: "speaks English" and "Spanish" →
    speaks_spanish, when the vocabulary has it."""
    verb = load_vocabulary().get(attribute).name.split()
    return _attribute(f"{verb[0]} {word}") if len(verb) == 2 else None


def _of_the_same(attribute: str, verb: str) -> str | None:
    """The attribute of another verb for the same object: "reads English" and "speak" → speaks_english."""
    object_ = load_vocabulary().get(attribute).name.split()
    return _attribute(f"{verb} {object_[-1]}") if len(object_) == 2 else None


def _languages(tokens: list[Token]) -> list[Token]:
    """"Fluent in English or Spanish", "English- or Spanish-speaking": each language listed beside
    one said with a verb ("speaks English") is said with the same verb; "able to speak or read
    English": the verb listed beside one said of a language is said of it too."""
    out = list(tokens)
    for k, t in enumerate(out):
        if t.type != "ATTR":
            continue
        first, listed = k, False
        for step in (1, -1):
            j = k + step
            while 0 <= j + step < len(out) and out[j].type in _LANGUAGE_JOINS and out[j + step].type == "WORD":
                said = _said_of(t.value, out[j + step].value)
                if said is None:
                    break
                out[j + step] = retyped(out[j + step], "ATTR", said)
                first, listed = min(first, j + step), True
                j += 2 * step
        if k >= 2 and out[k - 1].type in _LANGUAGE_JOINS and out[k - 2].type in ("WORD", "ABLE"):
            said = _of_the_same(t.value, out[k - 2].value)
            if said is not None and said != t.value:
                out[k - 2] = retyped(out[k - 2], "ATTR", said)
                first, listed = k - 2, True
        if listed and first and out[first - 1].type == "NEG":
            # "unable to speak English or Spanish": the one verb is said of each, so the
            # inability reaches each (it speaks neither)
            out[first - 1] = retyped(out[first - 1], "NEG", "not")
    return out


def capacities(tokens: list[Token]) -> list[Token]:
    """Before tokens.proxies: a fact denied in one phrase, or an ability that falls short, is "not"
    and the fact; a whole study's time after an attribute of the whole study, and who approved a
    consent form, are dropped; languages and verbs listed together are each an attribute;
    consent or compliance that someone else may give for the patient is the attribute that it
    can be had, and a sentence letting in those who cannot consent but have someone to consent
    for them widens the consent asked for before it to that attribute."""
    read: list[Token] = []
    for k, t in enumerate(tokens):
        if t.type == "DENIED":
            terminal = concept_terminal(load_vocabulary().get(t.value), load_vocabulary()) or "WORD"
            read += [retyped(t, "NEG", "not"), token(terminal, t.value, t.start_pos, t.end_pos)]
        elif t.type == "WORD" and t.value.lower() in FALLING_SHORT and k + 1 < len(tokens) \
                and tokens[k + 1].type == "ATTR":
            read.append(retyped(t, "NEG"))
        elif t.type == "DURING_TRIAL" and read and read[-1].type == "ATTR" and read[-1].value in _OF_THE_WHOLE_STUDY \
                and not any(part in t.value.lower() for part in _PART_OF_THE_STUDY):
            continue  # "planned relocation during the study period"
        elif t.type == "AND" and read and read[-1].type == "ABLE" and WILLING.search(read[-1].value) \
                and k + 1 < len(tokens) and tokens[k + 1].type == "COMPLY":
            continue  # "capable of understanding and complying with protocol requirements": one ability
        else:
            read.append(t)
    out: list[list[Token]] = []
    for sentence in _sentences(_languages(_without_approval(_without_abbreviations(read)))):
        if out and _ends_in_consent(out[-1]) and _lacking_capacity_allowed(sentence):
            before = out[-1]
            at = max(k for k, t in enumerate(before) if t.type == "CONSENT")
            before[at] = retyped(before[at], "ATTR", "consent_in_person_or_by_proxy")
            if before[-1].type in _ENDS:
                before.pop()
            continue
        out.append(_by_proxy(sentence) or _or_through_proxy(sentence) or sentence)
    return [t for s in out for t in s]
