"""Drugs said otherwise than by name: by how they are sold (:func:`prescribed_or_not`, before the
verbs of taking are read), and (:func:`drug_lists`) by how strong, by what they do,
by their target, as derivatives of another, with examples; a time said before the drugs it dates;
whom a stable dose or a washout is asked of; a heading of drugs not allowed. What no record can
settle stays in words beside the drugs (a CAVEAT saying which drugs, or a DRUG_WORDS item)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from lark import Token

from ..vocabulary import load_vocabulary
from .lexicon import LIST_JOINS, PEOPLE, skip_over, token


# The value of a CAVEAT that says which drugs a name means (its window is theirs, not the words')
WHICH_DRUGS = "which drugs"


def drug_lists(tokens: list[Token], text: str) -> list[Token]:
    """The passes on drugs said otherwise than by name; those that read a sentence from its
    start, or to its end, sentence by sentence."""
    named = drugs_targeting(drugs_with_an_action(how_strong(tokens, text), text), text)
    out: list[Token] = []
    begin = 0
    for sentence, end in _sentences(named):
        finish = end.start_pos if end is not None else len(text)
        said = Sentence(begin, len(text[:finish].rstrip(" \t,;:.")))
        described = drugs_described(described_by_examples(window_said_first(derivatives(sentence)), text, said),
                                    text, said)
        out += prohibited_list(washout_required(stable_if_taking(described, text, said), text, said), text, said)
        if end is not None:
            out.append(end)
            begin = end.end_pos
    return out


class Sentence(NamedTuple):
    """Where a sentence's words begin and end in the text (its full stop or semicolon left out)."""

    begin: int
    end: int


def _sentences(tokens: list[Token]) -> Iterator[tuple[list[Token], Token | None]]:
    """The tokens of each sentence (up to a full stop or a semicolon), with the token that ends it."""
    start = 0
    for k, t in enumerate(tokens):
        if t.type in ("PERIOD", "SEMI"):
            yield tokens[start:k], t
            start = k + 1
    yield tokens[start:], None


# "drugs that target", "agents targeting", "an antibody directed against"
_TARGETING = re.compile(r"(?i)\b(?:drugs?|agents?|therap(?:y|ies)|medications?|treatments?|antibod(?:y|ies))\s+"
                        r"(?:that\s+|which\s+)?(?:specifically\s+)?(?:target(?:s|ing)?|directed\s+(?:against|at|to))\s+"
                        r"(?:the\s+)?")
_TARGET_WORD = re.compile(r"[^\s,/;()]+(?:\s*\([^()]*\))?")
_TARGET_SEP = re.compile(r"(?i)\s*(?:,\s*(?:and/or\s+|or\s+|and\s+)?|/\s*|\s(?:and/or|or|and)\s+)")
# what the vocabulary calls the drugs that target a thing: the same words, not "X inhibitor"
_TARGETED = ("{}-targeted therapy", "{} targeted therapy", "anti-{} therapy", "anti-{}")
_NAMED_IN_BRACKETS = re.compile(r"^(?P<name>.+?)\s*\((?P<short>[^()]+)\)$")
_RECEPTORS = re.compile(r"(?i)^(?P<of>\S+)\s+receptors?$")


def _targeted(target: str) -> str | None:
    """The drug class the vocabulary names for drugs that target ``target`` ("VEGF",
    "Vascular Endothelial Growth Factor (VEGF)", "VEGF receptors" as VEGFR), or None."""
    vocab = load_vocabulary()
    named = _NAMED_IN_BRACKETS.match(target)
    receptors = _RECEPTORS.match(target)
    names = [target, *(named.group("name", "short") if named else ()), *([receptors["of"] + "R"] if receptors else [])]
    for name in names:
        for form in _TARGETED:
            found = vocab.lookup(form.format(name))
            if found is not None and found.category == "drug_class":
                return found.id
    return None


def _targets(text: str, at: int) -> list[tuple[int, int, str]]:
    """The targets listed from ``at`` ("PD-1, PD-L1, or CTLA-4"), each as (start, end, drug class)."""
    found: list[tuple[int, int, str]] = []
    while True:
        ends = []
        for word in _TARGET_WORD.finditer(text, at):
            if ends and text[ends[-1]:word.start()].strip(" ") or len(ends) == 6:
                break
            ends.append(word.end())
        drug = next(((end, d) for end in reversed(ends) if (d := _targeted(text[at:end])) is not None), None)
        if drug is None:
            return found
        found.append((at, *drug))
        sep = _TARGET_SEP.match(text, drug[0])
        if sep is None:
            return found
        at = sep.end()


def drugs_targeting(tokens: list[Token], text: str) -> list[Token]:
    """"Prior treatment with agents targeting PD-1, PD-L1, or CTLA-4", "drugs that target
    Vascular Endothelial Growth Factor (VEGF)/VEGF receptors": the drugs that target each, as the
    vocabulary names them ("VEGF-targeted therapy", "anti-PD-1"), listed as any of them."""
    for said in reversed(list(_TARGETING.finditer(text))):
        targets = _targets(text, said.end())
        if not targets:
            continue
        start, end = said.start(), targets[-1][1]
        inside = [k for k, t in enumerate(tokens) if t.start_pos < end and t.end_pos > start]
        if not inside or tokens[inside[0]].start_pos < start or tokens[inside[-1]].end_pos > end \
                or any(tokens[k].type in ("PERIOD", "SEMI") for k in inside):
            continue  # (a token that reaches past the words was read as something else)
        named: list[Token] = []
        for k, (first, last, drug) in enumerate(targets):
            if k:
                named.append(token("OR", "or", targets[k - 1][1], first))
            named.append(token("MED", drug, start if k == 0 else first, last))
        tokens = tokens[:inside[0]] + named + tokens[inside[-1] + 1:]
    return tokens


# "potent P-gp inhibitors", "strong opioids": how strong a drug of the class — a class the
# vocabulary has in that strength ("strong CYP3A4 inhibitors") is read whole. (How often a drug is
# taken, "daily", is the qualifier `daily`, read from a course's note.)
_STRENGTHS = frozenset({"potent", "strong", "moderate", "weak"})


def how_strong(tokens: list[Token], text: str) -> list[Token]:
    """"Concurrent use of potent P-gp inhibitors", "Use of strong opioids": which of the drugs no
    record says: the drug, with the words beside it (a CAVEAT saying which drugs, over the same
    words), so that a patient without the drug is decided and one with it waits."""
    out = list(tokens)
    for k in range(len(out) - 1, -1, -1):
        if out[k].type != "MED":
            continue
        first = k
        while first and out[first - 1].type == "QUAL" and out[first - 1].value not in _STRENGTHS | {"current"}:
            first -= 1  # ("potent oral P-gp inhibitors")
        word = out[first - 1] if first else None
        if word is None or word.type not in ("WORD", "QUAL") or word.value.lower() not in _STRENGTHS \
                or not (first < k or _SPACE_ONLY.fullmatch(text, word.end_pos, out[k].start_pos)):
            continue
        start, end = word.start_pos, out[k].end_pos
        out[k:k + 1] = [token("MED", out[k].value, start, end), token("CAVEAT", WHICH_DRUGS, start, end)]
        del out[first - 1]
    return out


_SPACE_ONLY = re.compile(r"[ \t-]*")


# "antibiotic with antiborrelial activity", "antidepressants with anticholinergic properties"
_WITH_AN_ACTION = re.compile(r"(?i)\s*with\s+(?:[\w-]+\s+){1,3}?(?:activity|properties|effects?|action)\b")


def drugs_with_an_action(tokens: list[Token], text: str) -> list[Token]:
    """"Taking antibiotic with antiborrelial activity within 10 days": which of the drugs the words
    mean no record says, so they stay beside the drug (a CAVEAT saying which drugs): a patient
    who took none of the class is decided, one who took some waits for a coordinator."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        out.append(t)
        k += 1
        said = _WITH_AN_ACTION.match(text, t.end_pos) if t.type == "MED" else None
        if said is None:
            continue
        inside = skip_over(tokens, k, ("WORD", "MED", "COND", "QUAL", "MEASURE"))
        if inside == k or tokens[inside - 1].end_pos != said.end() \
                or inside < len(tokens) and tokens[inside].start_pos < said.end():
            continue  # (the words must be whole tokens, none of them a list's join or a time)
        start = said.start() + len(said.group()) - len(said.group().lstrip())
        out.append(token("CAVEAT", WHICH_DRUGS, start, said.end()))
        k = inside
    return out


# "prescription medications", "over-the-counter drugs", "OTC medicines": drugs by how they are sold
_SOLD_AS = re.compile(r"(?i)\b(?:non-?prescription|prescription|over[- ]the[- ]counter|OTC)\s+"
                      r"(?:medications?|medicines?|drugs?|remed(?:y|ies))\b")


def prescribed_or_not(tokens: list[Token], text: str) -> list[Token]:
    """"Use of prescription medications within 14 days": which drugs are sold on prescription, and
    which over the counter, no record says (nor is it the same in every country), so the words
    stay beside any drug (a CAVEAT after MED any_medication): a patient who took none is decided,
    one who took some waits for a coordinator."""
    out = list(tokens)
    for found in reversed(list(_SOLD_AS.finditer(text))):
        inside = [k for k, t in enumerate(out) if t.start_pos < found.end() and t.end_pos > found.start()]
        if not inside or any(out[k].type not in ("WORD", "GT") for k in inside):
            continue  # (a name the vocabulary reads, "prescription or OTC drugs", is read as it)
        start, end = found.start(), found.end()
        out[inside[0]:inside[-1] + 1] = [token("MED", "any_medication", start, end),
                                         token("CAVEAT", WHICH_DRUGS, start, end)]
    return out


def window_said_first(tokens: list[Token]) -> list[Token]:
    """"Use within the past 12 months of finasteride or dutasteride", "within 30 days of screening,
    use of X": a time said before the drugs is their window; the "of" or the comma after it only
    leads to them (one token of look-ahead would take the "of" for "of randomization")."""
    k = skip_over(tokens, 0, ("QUAL",))
    if tokens[k:k + 3] and [t.type for t in tokens[k:k + 3]] == ["WITHIN", "NUMBER", "TIMEUNIT"]:
        k += 3
        if k + 1 < len(tokens) and tokens[k].type in ("BEFORE", "OF") and tokens[k + 1].type == "ANCHOR":
            k += 2
        first = skip_over(tokens, k + 1, ("QUAL",))
        if k < len(tokens) and tokens[k].type in ("OF", "COMMA") and first < len(tokens) \
                and tokens[first].type == "MED":
            return tokens[:k] + tokens[k + 1:]
    return tokens


# "drugs that can block the action of male hormones", "any medication known to interact with X"
_DRUGS_THAT = r"(?:(?:any|all|other|the)\s+)*(?:drugs?|medications?|medicines?|agents?)\s+" \
              r"(?:that|which|known\s+to|likely\s+to|able\s+to|with\s+(?:a\s+|the\s+)?potential\s+to)\b"
_DESCRIBED = re.compile(rf"(?i)\s*{_DRUGS_THAT}")
_DESCRIBED_IN = re.compile(rf"(?i)\b{_DRUGS_THAT}")

# what the description may hold: words, not a drug (a class the vocabulary knows is read as
# one), a time (which may be said of the whole list) or a bracket (a list of what it means)
_DESCRIPTION = frozenset({"WORD", "OF", "AND", "OR", "ANDOR", "COMMA", "QUAL", "COND", "MEASURE", "MALE", "FEMALE",
                          "PROC", "OTHER", "NEG"})


# "heparin derivatives", "rapamycin analogues": drugs made from another
_DERIVED = frozenset({"derivative", "derivatives", "analogue", "analogues", "analog", "analogs"})


def derivatives(tokens: list[Token]) -> list[Token]:
    """"Treatment with heparin or heparin derivatives": which drugs derive from heparin the
    vocabulary does not say (where it does, "coumarin derivatives" is a name of its own), so the
    item stays in words (DRUG_WORDS) beside the drugs named with it."""
    out = list(tokens)
    for k in range(len(out) - 2, -1, -1):
        after_a_join = k > 0 and out[k - 1].type in LIST_JOINS
        # (an item of a list, without qualifiers before it: the words would keep none)
        before_a_join = k + 2 < len(out) and out[k + 2].type in LIST_JOINS and not (k > 0 and out[k - 1].type == "QUAL")
        if out[k].type == "MED" and out[k + 1].type == "WORD" and out[k + 1].value.lower() in _DERIVED \
                and (after_a_join or before_a_join):
            out[k:k + 2] = [token("DRUG_WORDS", "", out[k].start_pos, out[k + 1].end_pos)]
    return out


def drugs_described(tokens: list[Token], text: str, sentence: Sentence) -> list[Token]:
    """"Use of finasteride, dutasteride or drugs that can block the action of male hormones": the
    last item of a list of drugs says what its drugs do, not which they are, and stays in words
    (DRUG_WORDS) beside the drugs that are named. Only at the end of the clause, so that no
    time or bracket said of the whole list is taken into the words."""
    for k in range(1, len(tokens)):
        if tokens[k - 1].type not in LIST_JOINS or not any(t.type == "MED" for t in tokens[:k - 1]) \
                or any(t.type not in _DESCRIPTION for t in tokens[k:]):
            continue
        said = skip_over(tokens, k, ("OTHER",))  # ("or other drugs that …")
        gap = _DESCRIBED.match(text, tokens[k - 1].end_pos, tokens[said].start_pos) if said < len(tokens) else None
        if gap is None:
            continue
        start = gap.start() + len(gap.group()) - len(gap.group().lstrip())
        # (to the end of the sentence: "… known to interact with it" ends in words no token keeps)
        return tokens[:k] + [token("DRUG_WORDS", "", start, sentence.end)]
    return tokens


# "If taking", "if on", "if receiving", "if treated with": what the patient takes now
_IF_TAKING = re.compile(r"(?i)\s*(?:(?:the\s+)?(?:patient|subject|participant)\s+is\s+)?(?:currently\s+)?"
                        r"(?:taking|on|receiving|using|(?:being\s+)?treated\s+with)\s+(?:(?:an?|any|the)\s+)?")


def stable_if_taking(tokens: list[Token], text: str, sentence: Sentence) -> list[Token]:
    """"If taking an antidepressant, the dose must have been stable for at least 4 weeks", "If on
    ACE inhibitors or ARBs, …", "Patients taking X must be on a stable dose for at least 4 weeks":
    asked of those who take the drug now (QUAL current), and of each drug named in the "if" (said
    again after "stable"). Read with neither, it would ask the drug of every patient, or fail one
    who stopped it long ago. The "must" stays: under the exclusions, it is whoever fails it who
    is excluded."""
    written = tokens
    if len(written) > 2 and written[0].type == "MED" and written[1].type == "MUST" \
            and _PATIENTS_TAKING.fullmatch(text, sentence.begin, written[0].start_pos):
        # ("Patients taking X must …": the patients an "if" would name)
        at = written[0].start_pos
        tokens = [token("IF", "", at, at), written[0], token("THEN", "", written[1].start_pos, written[1].start_pos),
                  *written[1:]]
    elif len(tokens) < 3 or tokens[0].type != "IF" or tokens[1].type != "MED" \
            or not _IF_TAKING.fullmatch(text, tokens[0].end_pos, tokens[1].start_pos):
        return tokens
    then = 2
    while then + 1 < len(tokens) and tokens[then].type in ("OR", "ANDOR") and tokens[then + 1].type == "MED":
        then += 2  # ("ACE inhibitors or ARBs": either)
    if then >= len(tokens) or tokens[then].type not in ("THEN", "COMMA"):
        return written
    k = skip_over(tokens, then + 1, ("THEN", "MUST"))
    stable = k < len(tokens) and tokens[k].value.lower() == "stable" and tokens[k].type in ("QUAL", "WORD")
    j = skip_over(tokens, k + 1, ("LASTING",))
    if not stable or [t.type for t in tokens[j:j + 3]] not in (["GE", "NUMBER", "TIMEUNIT"],
                                                               ["GT", "NUMBER", "TIMEUNIT"]):
        return written
    must = [t for t in tokens[then + 1:k] if t.type == "MUST"]
    if not must:
        return written  # (said without "must", under the exclusions it would read as whom they exclude)
    drugs, at = tokens[1:then:2], tokens[k].end_pos
    if_taking = [tokens[0]]
    for drug in drugs:
        if len(if_taking) > 1:
            if_taking.append(token("OR", "or", drug.start_pos, drug.start_pos))
        if_taking += [token("QUAL", "current", drug.start_pos, drug.start_pos), drug]
    if_taking.append(token("THEN", "", tokens[then].start_pos, tokens[then].end_pos))
    asked: list[Token] = []
    for drug in drugs:
        if asked:
            asked.append(token("OR", "or", at, at))
        asked += [token("QUAL", "stable", tokens[k].start_pos, at), token("MED", drug.value, at, at),
                  token("LASTING", "for", at, at),
                  *(token(t.type, t.value, t.start_pos, t.end_pos) for t in tokens[j:j + 3])]
    return if_taking + must + asked + tokens[j + 3:]


# "Patients on current X therapy", "Subjects currently taking X": those taking the drug now
_PATIENTS_TAKING = re.compile(rf"(?i)\W*(?:(?:{PEOPLE}|those)\s+(?:who\s+are\s+)?)?"
                              r"(?:currently\s+)?(?:on|taking|receiving|using|treated\s+with)\s+"
                              r"(?:(?:current|an?|any)\s+)*")
# "… would require 14-day washout", "… must undergo a 4-week washout period prior to randomization"
_WILL_WASH_OUT = re.compile(r"(?i)\s*(?:(?:therapy|treatment|medications?|drugs?)\s+)?(?:(?:would|will|must|shall)\s+)?"
                            r"(?:require|requires|need|needs|undergo|have)\s+(?:to\s+(?:undergo|have)\s+)?(?:an?\s+)?"
                            r"(?:\d+[- ]?(?:days?|weeks?|months?)[- ]?)?wash-?out\b")


def washout_required(tokens: list[Token], text: str, sentence: Sentence) -> list[Token]:
    """"Patients on current dopamine agonist therapy would require 14-day washout": a note on the
    patients taking the drug now (an "if"), whose washout is in words: a patient not taking it is
    decided, one taking it waits for a coordinator."""
    drug = skip_over(tokens, 0, ("QUAL",))
    said = _WILL_WASH_OUT.match(text, tokens[drug].end_pos) if drug < len(tokens) else None
    if said is None or tokens[drug].type != "MED" or any(t.value != "current" for t in tokens[:drug]) \
            or not _PATIENTS_TAKING.fullmatch(text, sentence.begin, tokens[drug].start_pos):
        return tokens
    start = said.start() + len(said.group()) - len(said.group().lstrip())
    at = tokens[drug].start_pos
    return [token("IF", "", at, at), token("QUAL", "current", at, at), tokens[drug], token("THEN", "", start, start),
            token("DRUG_WORDS", "", start, sentence.end)]


_DRUG_LIST = re.compile(r"D(?: (?:COMMA |COMMA OR |COMMA AND |OR |AND |ANDOR )D)*")


def _a_list_of_drugs(tokens: list[Token]) -> bool:
    """Whether the tokens are drugs, each perhaps qualified ("systemic corticosteroids"), joined
    as a list, and nothing else."""
    return bool(_DRUG_LIST.fullmatch(re.sub(r"(?:QUAL )*MED", "D", " ".join(t.type for t in tokens))))


def described_by_examples(tokens: list[Token], text: str, sentence: Sentence) -> list[Token]:
    """"Use of any medications known to affect blood glucose, such as systemic corticosteroids",
    "drugs that inhibit platelet function (e.g., aspirin or clopidogrel)": drugs described by what
    they do, with examples named. The examples are among them, the rest of them is in words
    (DRUG_WORDS): any of these. Only where the examples end the sentence (a time after them may
    be said of all)."""
    lead = skip_over(tokens, 0, ("QUAL", "NEG"))
    example = next((k for k in range(lead, len(tokens)) if tokens[k].type == "INCLUDING"), None)
    if example is None or tokens[example].value != "examples" or example == lead:
        return tokens
    # ("any medications" may be read as any drug: the words that describe them follow it)
    first = lead + 1 if tokens[lead].type == "MED" and tokens[lead].value == "any_medication" else lead
    said = _DESCRIBED_IN.search(text, tokens[lead - 1].end_pos if lead else sentence.begin, tokens[first].start_pos)
    head_end = example - 1 if tokens[example - 1].type in ("COMMA", "LPAR") else example
    if said is None or head_end <= lead or any(t.type not in _DESCRIPTION | {"MED"} for t in tokens[lead:head_end]) \
            or any(t.type == "MED" and t.value != "any_medication" for t in tokens[lead:head_end]):
        return tokens
    rest = tokens[example + 1:]
    if rest and rest[-1].type == "RPAR" and tokens[example - 1].type == "LPAR":
        rest = rest[:-1]
    if rest and rest[-1].type == "ETC":
        rest = rest[:-1]
    if not _a_list_of_drugs(rest):
        return tokens
    words = token("DRUG_WORDS", "", said.start(), tokens[head_end - 1].end_pos)
    named = [t if t.type in ("QUAL", "MED") else token("OR", "or", t.start_pos, t.end_pos)
             for k, t in enumerate(rest) if not (t.type == "COMMA" and rest[k + 1].type in LIST_JOINS)]
    return [*tokens[:lead], *named, token("OR", "or", words.start_pos, words.start_pos), words]


# "Prohibited medications:", "Concomitant medication not allowed:": a heading that names drugs
_DRUGS_NAMED = re.compile(r"(?i)\b(?:medications?|drugs?|medicines?|therap(?:y|ies)|treatments?)\b")


def prohibited_list(tokens: list[Token], text: str, sentence: Sentence) -> list[Token]:
    """"Prohibited medications: warfarin, heparin", "Concomitant medication not allowed: A, B":
    the drugs listed after the heading, taken now (as "concomitant use of X is not allowed" is
    read), are what it excludes (EXCLUDED moved after them: an inclusion asks for none of them)."""
    colon = next((k for k, t in enumerate(tokens) if t.type == "COLON"), None)
    if colon is None or [t.type for t in tokens[:colon] if t.type != "QUAL"] != ["EXCLUDED"] \
            or any(t.value != "current" for t in tokens[:colon] if t.type == "QUAL") \
            or not _DRUGS_NAMED.search(text, sentence.begin, tokens[colon].start_pos):
        return tokens
    listed = tokens[colon + 1:]
    if not _a_list_of_drugs(listed):
        return tokens
    excluded = next(t for t in tokens if t.type == "EXCLUDED")
    at = listed[0].start_pos
    return [token("QUAL", "current", at, at), *listed,
            token("EXCLUDED", excluded.value, excluded.start_pos, excluded.end_pos)]
