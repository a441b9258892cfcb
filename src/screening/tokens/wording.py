"""Token passes for how a sentence is put together: list labels and siblings, "unless" and
caveats, choices, names shared across a list, repeated names, comma lists of adjectives.
"""

from __future__ import annotations

import re

from lark import Token

from ..vocabulary import Vocabulary, load_vocabulary
from .lexicon import COMPARATORS, LIST_JOINS, retyped, token
from .periods import WINDOW_WORDS


_LAST_NUMBER = re.compile(r"\d+$")


def numbered_siblings(tokens: list[Token], vocab: Vocabulary, text: str) -> list[Token]:
    """"CKD stage 4 or 5": a name ending in a number, then another number after "or", is the name
    with that number when the vocabulary has it (CKD stage 5, i.e. end-stage renal disease)."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        if t.type == "NUMBER" and len(out) >= 2 and out[-1].type in ("OR", "COMMA", "ANDOR") \
                and (k + 1 == len(tokens) or tokens[k + 1].type in ("OR", "COMMA", "ANDOR", "PERIOD", "SEMI", "RPAR")):
            named = next((x for x in reversed(out[:-1]) if x.type != "COMMA" and x.type != "OR"), None)
            written = text[named.start_pos:named.end_pos] if named is not None and named.type == "COND" else ""
            if _LAST_NUMBER.search(written) and "." not in t.value:
                sibling = vocab.lookup(_LAST_NUMBER.sub(t.value, written))
                if sibling is not None and sibling.category == "condition":
                    out.append(token("COND", sibling.id, t.start_pos, t.end_pos))
                    continue
        out.append(t)
    return out


# "Bilirubin < 2 mg/dL (unless related to involvement by tumor)": an exception to a limit that
# names a cause the profile does not record, or only a class of disease (which a patient may have
# without its causing the value), is kept in its words.
LIMIT_ENDS = frozenset({"UNIT", "ULN", "LLN", "NUMBER"})


_CAUSE_TOKENS = frozenset({"WORD", "COND", "QUAL", "OF", "AND", "OR"})


_CAUSE_ENDS = frozenset({"RPAR", "PERIOD", "SEMI"})


def unless_words(tokens: list[Token], vocab: Vocabulary, text: str) -> list[Token]:
    """An "unless …" after a limit whose cause is not a named condition: one UNLESS_WORDS token."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        before = out[-2:-1] if out and out[-1].type == "LPAR" else out[-1:]
        if t.type == "EXCEPT" and t.value.lower().startswith("unless") and before \
                and before[0].type in LIMIT_ENDS:
            j = k + 1
            while j < len(tokens) and tokens[j].type in _CAUSE_TOKENS:
                j += 1
            cause = tokens[k + 1:j]
            if cause and (j == len(tokens) or tokens[j].type in _CAUSE_ENDS) and any(
                    x.type == "WORD" or x.type == "COND" and vocab.get(x.value).category == "class" for x in cause):
                # the words after "unless" are what a coordinator settles: "related to …"
                start = t.start_pos + len("unless")
                start += len(text[start:cause[0].start_pos]) - len(text[start:cause[0].start_pos].lstrip())
                out.append(token("UNLESS_WORDS", t.value, start, cause[-1].end_pos))
                k = j
                continue
        out.append(t)
        k += 1
    return out


_CAVEAT_WORDS = frozenset({"WORD", "PROC", "WITHIN", "NUMBER", "TIMEUNIT", "BEFORE", "OF", "ANCHOR"})


def caveat_words(tokens: list[Token]) -> list[Token]:
    """"(average of triplicate ECGs)", "without transfusion within 7 days": the words after a
    caveat are more of it (a window there dates the transfusion, not the value), so they are one
    token with it."""
    out: list[Token] = []
    for t in tokens:
        if out and out[-1].type == "CAVEAT" and t.type in _CAVEAT_WORDS:
            out[-1] = token("CAVEAT", out[-1].value, out[-1].start_pos, t.end_pos)
            continue
        out.append(t)
    return out


# "the following" (or "following") just before a list's head; not "any of the following", a choice
_THE_FOLLOWING = re.compile(r"(?i)(?:^|\s)(?:the\s+)?following\s*$")


_HEAD_TERMINALS = frozenset({"COND", "MED", "PROC"})


def heads_of_listed_items(tokens: list[Token], text: str) -> list[Token]:
    """"Use of the following anticoagulants: warfarin, heparin", "patients with the following
    medical conditions: …": the items after the colon are all the head means (not examples of it:
    a patient on apixaban is not meant), any one of them, as after "any of the following"; with
    nothing after the colon ("… the following cardiac conditions:" over a list of criteria of their
    own) nothing is left to read."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        continues = out and (out[-1].type in _HEAD_TERMINALS
                             or out[-1].type in LIST_JOINS and len(out) > 1 and out[-2].type in _HEAD_TERMINALS)
        if t.type in _HEAD_TERMINALS and not continues:
            j = k
            while j < len(tokens) and (tokens[j].type in _HEAD_TERMINALS or tokens[j].type in LIST_JOINS
                                       and tokens[j - 1].type in _HEAD_TERMINALS):
                j += 1
            before = text[tokens[k - 1].end_pos if k else 0:t.start_pos]
            if tokens[j - 1].type in _HEAD_TERMINALS and j < len(tokens) and tokens[j].type == "COLON" \
                    and (not out or out[-1].type not in ("ANY_OF", "ALL_OF")) and _THE_FOLLOWING.search(before):
                following = before.lower().rindex("following")
                start = (tokens[k - 1].end_pos if k else 0) + following
                out.append(token("ANY_OF", "the following", start, start + len("following")))
        out.append(t)
    return out


def class_lists_end(tokens: list[Token]) -> list[Token]:
    """"NYHA class III or IV, or recent myocardial infarction": the classes end where a separator
    is followed by something that is not a class; a marker (_CAT_END) says so to the grammar. A
    class compared ("NYHA class ≥ III, or …") is one value, which needs none."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        out.append(t)
        if t.type != "CATVAL":
            continue
        first = k
        while first >= 2 and tokens[first - 1].type in (*LIST_JOINS, "DASH") \
                and tokens[first - 2].type == "CATVAL":
            first -= 2
        j = k + 1
        while j < len(tokens) and tokens[j].type in LIST_JOINS:
            j += 1
        if j > k + 1 and j < len(tokens) and tokens[j].type not in ("CATVAL", "DASH") \
                and (first == 0 or tokens[first - 1].type not in COMPARATORS):
            out.append(token("_CAT_END", "", t.end_pos, t.end_pos))
    return out


def choice_first(tokens: list[Token]) -> list[Token]:
    """"Prior treatment with any of (the following:) A, B or C": the qualifiers belong to every
    item of the choice, so they go after "any of" (and its colon), where they open its list; a
    window between "any of the following" and its colon leads the whole ("within 30 days, any of: …")."""
    out = list(tokens)
    for k, t in enumerate(out):
        if t.type != "ANY_OF":
            continue
        first = k
        while first and out[first - 1].type in ("QUAL", "OTHER"):
            first -= 1
        colon = k + 1
        while colon < len(out) and out[colon].type in WINDOW_WORDS:
            colon += 1
        window = out[k + 1:colon]
        if colon < len(out) and out[colon].type == "COLON" and (not window or window[0].type == "WITHIN"):
            return [*out[:first], *window, t, out[colon], *out[first:k], *out[colon + 1:]]
        if first < k:
            return [*out[:first], t, *out[first:k], *out[k + 1:]]
    return out


# (on one line: names on lines of their own are items of a list)
_THERAPEUTIC_WORD = re.compile(r"(?i)[ \t]*(?:therapeutic[ \t]*)?")


def kind_named_with_class(tokens: list[Token], vocab: Vocabulary, text: str) -> list[Token]:
    """"Anti-PD-1 monoclonal antibody", "anti-PD-L1 therapeutic antibodies", "TNF inhibitor
    biologics": a drug class followed by a class it is a kind of is the kind, named once."""
    out: list[Token] = []
    for t in tokens:
        prev = out[-1] if out else None
        if t.type == "MED" and prev is not None and prev.type == "MED" and prev.value != t.value \
                and vocab.is_a(prev.value, t.value) and _THERAPEUTIC_WORD.fullmatch(text[prev.end_pos:t.start_pos]):
            out[-1] = token("MED", prev.value, prev.start_pos, t.end_pos)
            continue
        out.append(t)
    return out


def organs_sharing_a_name(tokens: list[Token], vocab: Vocabulary, text: str) -> list[Token]:
    """"Cardiac, hepatic or renal failure": one-word conditions listed before a name of several
    words are each read with the last words of that name ("cardiac failure" is heart failure, not
    any heart disease), when the vocabulary has every such name; otherwise they stay as they are."""
    out = list(tokens)
    k = 0
    while k < len(out):
        items = [k]
        j = k
        while j + 1 < len(out) and out[j].type == "COND" and out[j + 1].type in LIST_JOINS:
            j += 1
            while j < len(out) and out[j].type in LIST_JOINS:
                j += 1  # ", or"
            if j < len(out) and out[j].type == "COND":
                items.append(j)
            else:
                break
        last = out[items[-1]]
        words = text[last.start_pos:last.end_pos].split()
        said = [text[out[i].start_pos:out[i].end_pos] for i in items[:-1]]
        if out[k].type != "COND" or len(items) < 2 or len(words) < 2 or any(" " in w for w in said):
            k += 1
            continue
        named = [_named_with(word, words[1:], vocab) for word in said]
        # (not where that names the last item again: "active bleeding or bleeding diathesis" lists
        # two things, bleeding and a bleeding disorder)
        if all(n is not None and n != last.value for n in named):
            for i, n in zip(items, named):
                out[i] = retyped(out[i], "COND", n)
        k = items[-1] + 1
    return out


def organs_after_one_head(tokens: list[Token], vocab: Vocabulary, text: str) -> list[Token]:
    """"Diseases of the heart, liver or kidney": organs listed after a name that ends in one ("diseases
    of the heart") are each read with that name's head ("diseases of the liver" is liver disease),
    when the vocabulary has every such name; otherwise the words stay unread."""
    out = list(tokens)
    for k, t in enumerate(tokens):
        head = text[t.start_pos:t.end_pos].split()
        if t.type != "COND" or len(head) < 3 or head[-2].lower() not in ("the", "of"):
            continue
        items, j = [], k + 1
        while j + 1 < len(tokens) and tokens[j].type in LIST_JOINS:
            while j < len(tokens) and tokens[j].type in LIST_JOINS:
                j += 1  # ", or"
            if j < len(tokens) and tokens[j].type == "WORD":
                items.append(j)
                j += 1
            else:
                break
        found = [vocab.lookup(" ".join([*head[:-1], tokens[i].value])) for i in items]
        named = [n.id for n in found if n is not None and n.category in ("condition", "class")]
        if items and len(named) == len(items):
            for i, concept_id in zip(items, named):
                out[i] = retyped(tokens[i], "COND", concept_id)
    return out


def site_of_a_disease(tokens: list[Token], vocab: Vocabulary, text: str) -> list[Token]:
    """"CNS involvement by lymphoma", "lymphoma with bone marrow involvement": a site of a disease
    (vocabulary ``said_of``) and a disease of that class, joined by "by" or "with", are linked as a
    cause is ("secondary to"), since a profile records both but not that one is in the other."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        before = out[-1] if out else None
        gap = text[before.end_pos:t.start_pos] if before is not None else ""
        if before is not None and t.type == "COND" and before.type == "COND" \
                and gap.strip().lower() in ("by", "with") and (_site_of(before.value, t.value, vocab)
                                                             or _site_of(t.value, before.value, vocab)):
            start = before.end_pos + len(gap) - len(gap.lstrip())
            out.append(token("LINK", gap.strip(), start, start + len(gap.strip())))
        out.append(t)
    return out


def kind_named_after(tokens: list[Token], vocab: Vocabulary, text: str) -> list[Token]:
    """"Ph+ CML in chronic phase", "HCC with portal vein invasion": the words after a condition
    that, after its own name, name a kind of it ("chronic myeloid leukemia in chronic phase") are
    that kind, where the name written ("Ph+ CML") has no such entry of its own."""
    out = list(tokens)
    k = 0
    while k < len(out):
        t = out[k]
        if t.type == "COND":
            name = vocab.get(t.value).name
            for j in range(min(k + 3, len(out) - 1), k, -1):
                tail = text[t.end_pos:out[j].end_pos]
                found = vocab.lookup(name + tail) if tail[:1] == " " else None
                if found is not None and found.id != t.value and vocab.is_a(found.id, t.value):
                    out[k:j + 1] = [token("COND", found.id, t.start_pos, out[j].end_pos)]
                    break
        k += 1
    return out


def _site_of(site: str, disease: str, vocab: Vocabulary) -> bool:
    return any(vocab.is_a(disease, c) for c in vocab.get(site).said_of) and vocab.get(site).category == "condition"


def _named_with(word: str, tail: list[str], vocab: Vocabulary) -> str | None:
    """The condition ``word`` names with the longest end of ``tail`` ("cardiac" + "failure"), if any."""
    for cut in range(len(tail)):
        found = vocab.lookup(f"{word} {' '.join(tail[cut:])}")
        if found is not None and found.category in ("condition", "class"):
            return found.id
    return None


def unless_negative(tokens: list[Token]) -> list[Token]:
    """"Positive HCV antibody, unless HCV RNA is negative": a result, unless another test for the
    same infection (vocabulary ``detects``) is negative, is that result with the other one not
    negative. A test for something else after "unless" stays as it is."""
    k = next((j for j, t in enumerate(tokens) if t.type == "EXCEPT" and t.value.lower() == "unless"), None)
    if k is None or k < 2:
        return tokens
    first = [t for t in tokens[:k] if t.type not in ("AT_ANCHOR", "COMMA")]
    rest = tokens[k + 1:]
    if len(first) != 2 or {t.type for t in first} != {"POSITIVE", "QUALITATIVE"} \
            or len(rest) != 2 or {t.type for t in rest} != {"NEGATIVE", "QUALITATIVE"}:
        return tokens
    vocab = load_vocabulary()
    tested = next(t for t in first if t.type == "QUALITATIVE")
    other = next(t for t in rest if t.type == "QUALITATIVE")
    if not set(vocab.get(tested.value).detects) & set(vocab.get(other.value).detects):
        return tokens
    negative = next(t for t in rest if t.type == "NEGATIVE")
    unless = tokens[k]
    return [*tokens[:k], retyped(unless, "AND"), token("NEG", "not", unless.start_pos, unless.end_pos),
            negative, other]


def names_no_scale(t: Token, text: str) -> bool:
    """"Performance status" read as ECOG, where the scale may be named next to it."""
    return t.type == "MEASURE" and text[t.start_pos:t.end_pos].lower() in ("performance status", "performance score")


def repeated_names(tokens: list[Token]) -> list[Token]:
    """"Eastern Cooperative Oncology Group (ECOG) performance status": one name said twice."""
    out: list[Token] = []
    for t in tokens:
        if out and t.type in ("MEASURE", "COND", "MED", "PROC") and out[-1].type == t.type and (
                out[-1].value == t.value or t.type == "PROC" and (t.value == "surgery"
                                                                  or load_vocabulary().is_a(out[-1].value, t.value))):
            # "… (ECOG) performance status", "deep brain stimulation surgery": the first says it
            out[-1] = token(t.type, out[-1].value, out[-1].start_pos, t.end_pos)
            continue
        out.append(t)
    return out


def trailing_conditions(tokens: list[Token]) -> list[Token]:
    """"Karnofsky 50-100% (for patients age 11 to 21)": a parenthesis that ends a sentence and
    says whom it is asked of is the sentence's "if"; its brackets go. One that gives them a limit
    of their own after a colon or a comma ("(for patients with Gilbert's syndrome, ≤ 3 × ULN)")
    keeps them: the limit is theirs, not the sentence's."""
    out = list(tokens)
    k = 1
    while k < len(out):
        if out[k].type == "LPAR" and k + 1 < len(out) and out[k + 1].type == "IF":
            depth, j = 0, k
            while j < len(out):
                depth += {"LPAR": 1, "RPAR": -1}.get(out[j].type, 0)
                if depth == 0:
                    break
                j += 1
            own_limit = any(a.type in ("COMMA", "COLON") and (b.type in _BOUNDS or b.type == "MEASURE")
                            for a, b in zip(out[k:j], out[k + 1:j]))
            if j < len(out) and (j + 1 == len(out) or out[j + 1].type in ("PERIOD", "SEMI")) and not own_limit:
                del out[j]
                del out[k]
                continue
        k += 1
    return out


_BOUNDS = frozenset({"GT", "GE", "LT", "LE"})


_OPENERS = frozenset({"COMMA", "AND", "OR", "ANDOR", "NEG", "LPAR", "SEMI", "COLON"})


def adjective_commas(tokens: list[Token]) -> list[Token]:
    """"active, known or suspected autoimmune disease" (with "known or suspected" gone): a comma
    between the qualifiers that open an item and its name joins adjectives, it does not list;
    so does one between the verbs of an ability ("able to read, understand, …")."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        if t.type == "COMMA" and out and out[-1].type == "QUAL" and k + 1 < len(tokens) \
                and tokens[k + 1].type in ("COND", "MED", "PROC"):
            j = len(out) - 1
            while j and out[j - 1].type == "QUAL":
                j -= 1
            if j == 0 or out[j - 1].type in _OPENERS:
                continue
        if t.type == "COMMA" and out and out[-1].type == "ABLE" and k + 1 < len(tokens) \
                and tokens[k + 1].type in ("ABLE", "ATTR"):
            continue  # "able to read, understand, converse in English"
        out.append(t)
    return out


_COMPLY_SEPS = frozenset({"COMMA", "AND", "OR", "ANDOR", "ETC"})


# What the procedures to comply with are listed in ("including study drug administration, visits
# and tests"): nothing more asked.
_COMPLY_EXAMPLES = frozenset({"ANCHOR", "COMPLY", "WORD", "COMMA", "AND", "OR", "ANDOR", "PERIOD"})


def comply_lists(tokens: list[Token]) -> list[Token]:
    """"comply with scheduled visits, treatment plan, and other study procedures": what the
    patient will comply with, listed, is one undertaking."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        if t.type == "INCLUDING" and out and out[-1].type == "COMPLY" and all(
                x.type in _COMPLY_EXAMPLES for x in tokens[k + 1:]):
            break  # "comply with all study procedures including study drug administration, visits and tests"
        if t.type == "COMPLY" and len(out) > 1 and out[-1].type == "INCLUDING" and out[-2].type == "CONSENT":
            # "informed consent which includes compliance with the protocol": both
            out[-1] = retyped(out[-1], "AND")
        if t.type == "COMPLY" and out:
            k = len(out)
            while k and out[k - 1].type in _COMPLY_SEPS:
                k -= 1
            if k < len(out) and k and out[k - 1].type == "COMPLY":
                first = out[k - 1]
                del out[k - 1:]
                out.append(token("COMPLY", first.value, first.start_pos, t.end_pos))
                continue
        out.append(t)
    return out
