"""Words whose role depends on their neighbours: qualifiers, negated lists, sex notes, classes,
references, shared heads and tails of names (:func:`in_context`).
"""

from __future__ import annotations

import re

from lark import Token

from ..units import UnitError, parse_unit
from ..vocabulary import Vocabulary
from .folding import fold
from .lexicon import COMPARATORS, EVENTS, NAMES, concept_terminal, load_lexicon, retyped, token
from .phrases import settle_phrases
from .wording import names_no_scale


_WINDOW_STARTS = frozenset({"WITHIN", "WITHIN_NEXT", "DURING_TRIAL", "AT_ANCHOR"})


_ROMAN_OR_LETTER = re.compile(r"^(?:[IVX]+[A-D]?|[A-E])$")


_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


# What may follow a class value written as a number ("NYHA class 3 or 4"); "class II, 3 months" is
# not class III.
_AFTER_CLASS_NUMBER = frozenset({"COMMA", "OR", "AND", "ANDOR", "DASH", "TO", "RPAR", "SEMI", "PERIOD", "COND"})


# Values a bare "class" may take ("class III or IV"): the concept comes from what follows.
_ROMAN_CLASSES = ("I", "II", "III", "IV", "V", "VI")


_LIST_SEPS = ("OR", "AND", "ANDOR", "COMMA")


# "for", "when", "where" open a condition only on a sex or childbearing potential ("for women …")
_BARE_IF = frozenset({"for", "when", "where"})


_CONDITION_LIST = frozenset({"IF", "COND", "QUAL", "OR", "AND", "ANDOR", "COMMA", "OTHER"})


def _ends_condition(tokens: list[Token], k: int) -> bool:
    """Whether the comma at ``k`` closes an "if"/"for" phrase: the last break of the sentence,
    or the first comma after a list of conditions that the measures follow ("For HCC, AST,
    ALT, and ALP ≤ 5 x ULN")."""
    if _last_break(tokens, k):
        return True
    start = max((j for j in range(k) if tokens[j].type == "IF"), default=None)
    return start is not None and k + 1 < len(tokens) and tokens[k + 1].type == "MEASURE" \
        and all(t.type in _CONDITION_LIST for t in tokens[start:k])


def _opens_with_conditions(out: list[Token]) -> bool:
    """Whether the sentence read so far is "if"/"for" and a list of conditions."""
    start = max((j for j in range(len(out)) if out[j].type == "IF"), default=None)
    return start is not None and all(t.type in _CONDITION_LIST for t in out[start:])


def _last_break(tokens: list[Token], k: int) -> bool:
    """No other comma, colon or "then" before the sentence ends."""
    for t in tokens[k + 1:]:
        if t.type in ("PERIOD", "SEMI"):
            return True
        if t.type in ("COMMA", "COLON", "THEN"):
            return False
    return True


_IN_THE = re.compile(r"\b(?:in|during|over|within)\s+the\s*$", re.IGNORECASE)


_IN = re.compile(r"\b(?:in|during|over)(?: the (?:past|last))?\s*$", re.IGNORECASE)


def _less_than_ago(out: list[Token], t: Token, text: str) -> None:
    """Time limits on an event written as comparisons or beside "currently", made windows:
    "DVT less than 3 weeks prior to enrollment", "recent myocardial infarction (< 3 months)",
    "smoker (currently or within the last year)" — what is current falls inside the window."""
    if t.type == "WITHIN" and len(out) >= 2 and out[-1].type == "QUAL" and out[-1].value in ("current", "active") \
            and text[out[-1].end_pos:t.start_pos].strip() == "or" \
            and (out[-2].type in EVENTS or out[-2].type == "LPAR" and len(out) >= 3 and out[-3].type in EVENTS):
        out.pop()  # (the "or" went with nothing after it)
        return
    if t.type == "BEFORE":
        tail, before = out[-3:], out[-4] if len(out) >= 4 else None
        recent = False
    else:  # TIMEUNIT: only after "recent …", whose time this says, or "in < 6 months"
        tail, before = [*out[-2:], t], out[-3] if len(out) >= 3 else None
        recent = any(x.type == "RECENT" for x in out)
        written_in = len(out) >= 3 and _IN.search(text[out[-3].end_pos:out[-2].start_pos])
        if not recent and not written_in:
            return
    if len(tail) != 3 or [x.type for x in tail[1:]] != ["NUMBER", "TIMEUNIT"] or tail[0].type not in ("LT", "LE"):
        return
    if before is None or not (before.type in EVENTS or before.type == "RPAR" or recent and before.type == "LPAR"):
        return
    k = len(out) - (3 if t.type == "BEFORE" else 2)
    out[k] = retyped(out[k], "WITHIN")
    if recent:
        out[:] = [x for x in out if x.type != "RECENT"]


def _negative_list(out: list[Token], negative: Token, vocab: Vocabulary) -> bool:
    """"Hepatitis B or C negative", "HIV, HBV and HCV negative": the test of each infection is
    negative, i.e. none of them is present now. Rewritten in ``out`` as "no (current A or B)";
    True when done. A single name is left to the grammar ("HIV negative")."""
    k = len(out) - 1
    while k >= 2 and out[k - 1].type in _LIST_SEPS and out[k - 2].type == "COND":
        k -= 2
    names = out[k::2]
    if len(names) < 2 or not all(vocab.is_a(t.value, "infection") for t in names):
        return False
    first, last = names[0], names[-1]
    rewritten = [token("NEG", "not", first.start_pos, first.start_pos),
                 token("LPAR", "(", first.start_pos, first.start_pos),
                 token("QUAL", "current", negative.start_pos, negative.end_pos)]
    for j, name in enumerate(names):
        if j:
            rewritten.append(token("OR", "or", name.start_pos, name.start_pos))
        rewritten.append(name)
    rewritten.append(token("RPAR", ")", last.end_pos, last.end_pos))
    out[k:] = rewritten
    return True


def _marks_sex(out: list[Token], t: Token, text: str) -> bool:
    """A threshold said for one sex: "(women: < 38%; …)", "> 450 msec (men)", "≥ 13 g/dL for
    men", "> 450 ms in males". The sex word before or after the threshold becomes one FOR_SEX token
    (in ``out``); True when ``t`` was taken into it."""
    if len(out) >= 2 and out[-1].type in ("FEMALE", "MALE"):
        sex, before = out[-1], out[-2]
        value = sex.type.lower()
        if t.type == "COLON" and before.type in ("LPAR", "SEMI", "COMMA"):
            out[-1] = token("FOR_SEX", value, sex.start_pos, t.end_pos)
            return True
        if t.type == "RPAR" and before.type == "LPAR" and len(out) >= 3 and out[-3].type in ("NUMBER", "UNIT"):
            out[-2:] = [token("FOR_SEX", value, before.start_pos, t.end_pos)]
            return True
    if t.type in ("FEMALE", "MALE") and len(out) >= 2 and out[-1].type == "IF" and out[-2].type in ("NUMBER", "UNIT"):
        out[-1] = token("FOR_SEX", t.type.lower(), out[-1].start_pos, t.end_pos)
        return True
    if t.type in ("FEMALE", "MALE") and out and out[-1].type in ("NUMBER", "UNIT") \
            and _IN_SEX.fullmatch(text[out[-1].end_pos:t.start_pos]):
        out.append(token("FOR_SEX", t.type.lower(), t.start_pos, t.end_pos))
        return True
    return False


def _same_unit(unit: Token, word: Token) -> bool:
    """Whether a word people write as a unit is the unit just read ("milliseconds" and "msec")."""
    if word.value.lower() not in load_lexicon().bare_units:
        return False
    try:
        return parse_unit(word.value) == parse_unit(unit.value)
    except UnitError:
        return False


def _closes_sex_note(out: list[Token]) -> bool:
    """"… (women)", "… (for men only)" closing a clause: the parenthesis names whom the clause is
    about. Its opening parenthesis is dropped from ``out`` (the sexes stay, a trailing subject);
    True when it was."""
    k = len(out)
    while k > 0 and out[k - 1].type in ("FEMALE", "MALE", "OR", "AND", "ANDOR"):
        k -= 1
    if k == len(out) or out[-1].type not in ("FEMALE", "MALE"):
        return False
    if k > 0 and out[k - 1].type == "IF":
        k -= 1
    if k == 0 or out[k - 1].type != "LPAR":
        return False
    del out[k - 1]
    return True


_DEFINED = re.compile(r"(?i)^(?:as\s+)?defined\s+(?:as|by)$")


_IN_SEX = re.compile(r"(?i)\s*in\s+")


def _repeats_class(out: list[Token], t: Token, vocab: Vocabulary) -> bool:
    """Whether a condition after a parenthesis is a class of the condition the parenthesis follows."""
    depth = 0
    for j in range(len(out) - 1, -1, -1):
        depth += {"RPAR": 1, "LPAR": -1}.get(out[j].type, 0)
        if depth == 0:
            return j > 0 and out[j - 1].type == "COND" and out[j - 1].value != t.value \
                and vocab.get(t.value).category == "class" and vocab.is_a(out[j - 1].value, t.value)
    return False


def _requiring_treatment(out: list[Token]) -> int | None:
    """Where "requiring (active)" begins when it follows a condition, perhaps after other
    qualifiers of it ("progressing or requires"), before "treatment"."""
    k = len(out)
    while k > 0 and out[k - 1].type == "QUAL" and out[k - 1].value == "active":
        k -= 1
    if k < 2 or out[k - 1].type != "REQUIRING":
        return None
    m = k - 2
    while m >= 1 and out[m].type in _QUAL_JOINS and out[m - 1].type == "QUAL":
        m -= 2
    if m < 0 or out[m].type != "COND":
        return None
    # after a list, only of conditions ("autonomic or peripheral neuropathy that requires …"):
    # the reader says whether it is each one's
    first = m
    while first >= 2 and out[first - 1].type in _QUAL_JOINS | {"COMMA"} and out[first - 2].type == "COND":
        first -= 2
    return k - 1 if first == 0 or out[first - 1].type not in _QUAL_JOINS | {"COMMA"} else None


def _dose_of_a_reference(out: list[Token], vocab: Vocabulary, text: str) -> list[Token]:
    """"Systemic corticosteroids > 10 mg/day of prednisone or equivalent", "… > 10 mg/day
    (prednisone equivalent)", "steroid therapy (in dosing exceeding 10 mg daily of prednisone
    equivalent)", "corticosteroids at doses > 10 mg/day prednisone", "> 10 mg prednisone equivalent
    per day": a dose of any drug of the class, counted in the reference drug the class holds,
    which is how "prednisone > 10 mg/day or equivalent" is read."""
    out = list(out)
    k = 0
    while k + 4 < len(out):
        drug_class = out[k]
        before = out[k + 1].type == "LPAR"  # "steroids (in dosing exceeding 10 mg daily …)"
        i = k + 1 + before
        if i + 3 > len(out):
            break
        cmp, number, unit = out[i:i + 3]
        j = i + 3
        after = not before and j < len(out) and out[j].type == "LPAR"  # "10 mg/day (prednisone equivalent)"
        j += after
        opened = before or after
        reference: str | None = None
        if j + 1 < len(out) and out[j].type == "MED" and out[j + 1].type == "EQUIVALENT":
            reference, j = out[j].value, j + 1
        elif j < len(out) and out[j].type == "EQUIVALENT":
            named = vocab.lookup(text[out[j].start_pos:out[j].end_pos].split()[0])
            reference = named.id if named is not None else None
        elif j < len(out) and out[j].type == "MED" and not opened:
            reference = out[j].value  # "> 10 mg/day prednisone": a dose counted in prednisone
        per = [x.type for x in out[j + 1:j + 3]] == ["WORD", "TIMEUNIT"] and out[j + 1].value.lower() == "per" \
            and "/" not in unit.value and not opened
        if per:  # "10 mg prednisone equivalent per day"
            unit = retyped(unit, "UNIT", f"{unit.value}/{out[j + 2].value.rstrip('s')}")
            j += 2
        closed = opened and j + 1 < len(out) and out[j + 1].type == "RPAR"
        fits = drug_class.type == "MED" and cmp.type in COMPARATORS and number.type == "NUMBER" \
            and unit.type == "UNIT" and reference is not None and reference != drug_class.value \
            and vocab.get(reference).prednisone_equivalent is not None and vocab.is_a(reference, drug_class.value) \
            and opened == closed
        if fits:
            equivalent = token("EQUIVALENT", "equivalent", out[j].start_pos, out[j].end_pos)
            out[k:j + 1 + closed] = [retyped(drug_class, "MED", reference), cmp, number, unit, equivalent]
        k += 1
    return out


_QUAL_JOINS = frozenset({"OR", "AND", "ANDOR"})


_CLAUSE_ENDS = frozenset({"PERIOD", "SEMI"})


def _qualifiers_first(out: list[Token]) -> list[Token]:
    """"Brain metastases that are untreated or symptomatic": qualifiers listed after the condition
    at the end of a sentence (or before its window) are read as if written before it ("untreated
    or symptomatic brain metastases"), where the grammar reads a list of them."""
    out = list(out)
    k = 0
    while k < len(out):
        if out[k].type == "COND" and k + 2 < len(out) and out[k + 1].type == "LPAR" and out[k + 2].type == "QUAL":
            # "alcohol use disorder (moderate or severe)": the qualifiers in parentheses
            j = k + 2
            while j + 2 < len(out) and out[j + 1].type in _QUAL_JOINS and out[j + 2].type == "QUAL":
                j += 2
            if j + 1 < len(out) and out[j + 1].type == "RPAR" \
                    and (j + 2 >= len(out) or out[j + 2].type in _CLAUSE_ENDS | {"WITHIN"}) \
                    and (k == 0 or out[k - 1].type not in _QUAL_JOINS | {"QUAL", "NEG", "COMMA", "OTHER"}):
                out[k:j + 2] = out[k + 2:j + 1] + [out[k]]
                continue
        j = k + 1
        while j + 1 < len(out) and out[j].type == "QUAL" and out[j + 1].type in _QUAL_JOINS \
                and j + 2 < len(out) and out[j + 2].type == "QUAL":
            j += 2
        ends = j + 1 >= len(out) or out[j + 1].type in _CLAUSE_ENDS | {"WITHIN"}  # or a window that closes it
        if out[k].type == "COND" and j > k + 1 and out[j].type == "QUAL" and ends:
            at = k - 1 if k > 0 and out[k - 1].type == "OTHER" else k
            if at == 0 or out[at - 1].type not in _QUAL_JOINS | {"QUAL", "NEG", "COMMA"}:
                out[at:j + 1] = out[k + 1:j + 1] + out[at:k + 1]
        k += 1
    return out


def _treating_class(out: list[Token], vocab: Vocabulary) -> str | None:
    """The drug class that a treatment required by the condition just named must be: "infection
    requiring (systemic) therapy" is an antimicrobial; None for a condition the lexicon does not
    map ("neuropathy that requires treatment")."""
    k = len(out)
    while k > 0 and out[k - 1].type == "QUAL":
        k -= 1
    if k < 2 or out[k - 1].type != "REQUIRING" or out[k - 2].type != "COND":
        return None
    condition = out[k - 2].value
    return next((drug for treated, drug in load_lexicon().treated_by.items()
                 if condition == treated or vocab.is_a(condition, treated)), None)


def _out_of_maximum(out: list[Token], t: Token, measure: str | None, vocab: Vocabulary) -> bool:
    """``26/30`` after a score whose scale ends at 30."""
    if measure is None or measure not in vocab.concepts or len(out) < 2:
        return False
    slash, score = out[-1], out[-2]
    if slash.type != "OR" or slash.value != "/" or score.type != "NUMBER":
        return False
    if not score.end_pos == slash.start_pos == slash.end_pos - 1 == t.start_pos - 1:
        return False
    plausible = vocab.get(measure).plausible
    return plausible is not None and plausible[0] == 0 and float(t.value) == plausible[1]


def _looks_like_class(t: Token, text: str) -> bool:
    return t.type == "NUMBER" or bool(_ROMAN_OR_LETTER.match(text[t.start_pos:t.end_pos]))


def _class_number_follows(out: list[Token], ntype: str | None) -> bool:
    """A number right after a class name, or its comparator ("NYHA class ≥ 2"), or in a list of
    class values ("class 1, 2 or 3")."""
    if ntype is not None and ntype not in _AFTER_CLASS_NUMBER or not out:
        return False
    if out[-1].type in ("CATEGORICAL", "CLASS"):
        return True
    if out[-1].type in ("GT", "GE", "LT", "LE") and len(out) >= 2 and out[-2].type in ("CATEGORICAL", "CLASS"):
        return True
    return out[-1].type in ("COMMA", "OR", "AND", "ANDOR", "DASH") and len(out) >= 2 and out[-2].type == "CATVAL"


def _as_roman_class(t: Token, categories: tuple[str, ...]) -> Token:
    """"NYHA class 3" is class III: a number on a scale whose classes are roman numerals ("CKD
    stage 4" is the class its scale writes as 4)."""
    if t.value in categories:
        return retyped(t, "CATVAL")
    if "." in t.value or not all(c in _ROMAN for c in categories):
        return t
    n = int(t.value)
    if not 1 <= n <= len(categories) or categories[n - 1] != _ROMAN[n - 1]:
        return t
    return retyped(t, "CATVAL", _ROMAN[n - 1])


_STUDY_DRUG = re.compile(r"\bstudy\b|\binvestigational\b", re.IGNORECASE)


_COMPONENT = frozenset({"component", "components", "excipient", "excipients", "ingredient", "ingredients"})


_REACTIONS = frozenset({"allergic", "intolerant"})


_THE = re.compile(r"\b(?:the|this)\s+$", re.IGNORECASE)


_SHARED_TAIL_KINDS = {"COND": ("condition", "class"), "MED": ("medication", "drug_class")}


def _shared_tail(word: Token, name: Token, vocab: Vocabulary, text: str) -> str | None:
    """"acute or chronic pancreatitis", "moderate or strong CYP3A4 inducers": the condition or drug
    the word before "or" names with the rest of the name after it ("acute pancreatitis",
    "moderate CYP3A4 inducers"), when the vocabulary has one."""
    head, _, rest = text[name.start_pos:name.end_pos].partition(" ")
    if not rest:
        return None
    found = vocab.lookup(f"{text[word.start_pos:word.end_pos]} {rest}")
    return found.id if found is not None and found.category in _SHARED_TAIL_KINDS[name.type] else None


def _shared_head(out: list[Token], name: Token, vocab: Vocabulary, text: str) -> Token | None:
    """The unread words ending ``out`` read with the last words of the name after "or" ("stem
    cell" + "transplantation" of "solid organ transplantation"), as a token of the name's kind,
    when the vocabulary has that name; else None."""
    words: list[Token] = []
    for t in reversed(out):
        if t.type != "WORD" or len(words) == 3:
            break
        words.insert(0, t)
    if not words and out and out[-1].type == "COND" and " " not in text[out[-1].start_pos:out[-1].end_pos]:
        words = [out[-1]]  # "cardiac" (read alone as heart disease) before "or thoracic surgery"
    if not words or len(out) > len(words) and out[-len(words) - 1].type in ("COMMA", "WORD", "COND"):
        return None  # "fish, soybean or peanut allergy": a list, each item read with the name
    tail = text[name.start_pos:name.end_pos].split()[1:]
    kind = vocab.get(name.value).category
    for first in range(len(words)):
        said = text[words[first].start_pos:words[-1].end_pos]
        for cut in range(len(tail)):
            found = vocab.lookup(f"{said} {' '.join(tail[cut:])}")
            if found is not None and found.category == kind:
                return token(name.type, found.id, words[first].start_pos, words[-1].end_pos)
    return None


def _allergy_to(out: list[Token]) -> bool:
    """The tokens so far end in "allergy to" (QUAL allergic or intolerant), perhaps with "any
    component of"."""
    if out and out[-1].type == "QUAL" and out[-1].value in _REACTIONS:
        return True
    return len(out) >= 2 and out[-1].type == "WORD" and out[-1].value.lower() in _COMPONENT \
        and out[-2].type == "QUAL" and out[-2].value in _REACTIONS


def _names_a_condition(tokens: list[Token], k: int) -> bool:
    """Whether the tokens from ``k`` name one condition, with its qualifiers, and end there."""
    while k < len(tokens) and tokens[k].type == "QUAL":
        k += 1
    return k < len(tokens) and tokens[k].type == "COND" and (k + 1 == len(tokens) or tokens[k + 1].type not in (
        "COND", "OR", "AND", "ANDOR", "COMMA", "LPAR", "QUAL"))


def _neighbours(tokens: list[Token], k: int) -> list[Token]:
    """The tokens of the sentence around ``k`` that no negation cuts off from it: not those
    before a "no" that comes before it, nor those after one that comes after it ("MS and no
    valvular disease")."""
    start, end = k, k + 1
    while start > 0 and tokens[start - 1].type not in ("PERIOD", "SEMI"):
        start -= 1
    while end < len(tokens) and tokens[end].type not in ("PERIOD", "SEMI"):
        end += 1
    before, after = tokens[start:k], tokens[k + 1:end]
    cut = max((j for j, x in enumerate(before) if x.type == "NEG"), default=-1)
    stop = next((j for j, x in enumerate(after) if x.type == "NEG"), len(after))
    return before[cut + 1:] + after[:stop]


def ambiguous_abbreviations(tokens: list[Token], vocab: Vocabulary, text: str) -> list[Token]:
    """"Moderate or severe MS or aortic stenosis": letters that stand for different things in
    different fields (lexicon AMBIGUOUS_ABBREVIATIONS) are read as the one whose field the other
    names of their sentence are in (mitral stenosis beside another valve disease); when none is,
    or two are, the letters are left as a word. Letters the vocabulary does not hold at all ("PD",
    "AD") are read so too."""
    table = load_lexicon().ambiguous
    out = list(tokens)
    for k, t in enumerate(tokens):
        readings = table.get(text[t.start_pos:t.end_pos])
        if readings is None or t.type != "WORD" and t.value not in readings:
            continue
        others = [n.value for n in _neighbours(tokens, k)
                  if n.type in NAMES and n.value not in readings and vocab.lookup(n.value)]
        settled = [reading for reading, by in readings.items() if any(vocab.is_a(n, b) for n in others for b in by)]
        if len(settled) == 1:
            terminal = concept_terminal(vocab.get(settled[0]), vocab)
            out[k] = token(terminal, settled[0], t.start_pos, t.end_pos) if terminal else retyped(t, "WORD")
        else:
            out[k] = retyped(t, "WORD")
    return out


def in_context(tokens: list[Token], vocab: Vocabulary, text: str) -> list[Token]:
    """Settle the words whose role depends on their neighbours ("of", "to", "-", "for", roman
    numerals after a categorical name), and fold redundant parentheses."""
    tokens = settle_phrases(tokens, text)
    out: list[Token] = []
    n = len(tokens)
    categories: tuple[str, ...] = ()
    measure: str | None = None  # the last measured name, for "MoCA > 26/30"
    if_open = False  # the sentence so far opens with "if" / "for patients …" and has had no "then"
    skip: set[int] = set()  # separators already read with the token before them
    vaccinating = False  # in a list after "vaccination against"
    for k, t in enumerate(tokens):
        if k in skip:
            continue
        prev = out[-1] if out else None
        nxt = tokens[k + 1] if k + 1 < n else None
        ptype = prev.type if prev is not None else None
        ntype = nxt.type if nxt is not None else None
        if t.type == "IF" and t.value.lower() == "for" and ptype in ("MED", "PROC") and _names_a_condition(tokens, k + 1):
            t = retyped(t, "LINK", "for")  # "chemotherapy for advanced NSCLC": what it was given for
        elif t.type == "IF" and t.value.lower() == "for" and ptype in ("MED", "PROC") and ntype == "TREATMENT" \
                and k + 2 < n and tokens[k + 2].type == "OF" and _names_a_condition(tokens, k + 3):
            # "methadone for (the) treatment of opioid use disorder": the same, said in more words
            t = token("LINK", "for", t.start_pos, tokens[k + 2].end_pos)
            skip.update((k + 1, k + 2))
        if t.type == "PURPOSE" and ptype == "MED":
            # "steroids as an antiemetic": given for what an antiemetic is given for
            out.append(token("LINK", "for", t.start_pos, t.start_pos))
            t = token("COND", t.value, t.start_pos, t.end_pos)
        if t.type == "IF" and t.value.lower() in _BARE_IF and ntype not in ("FEMALE", "MALE", "CBP") \
                and not (ntype == "COND" and ptype in (None, "PERIOD", "SEMI", "COLON", "ULN", "LLN")):
            # "for 2 weeks", "when needed": not a condition; "For HCC patients, …" is one, and so is
            # "(≤ 3 × ULN for Gilbert's syndrome)"
            continue
        if t.type == "IF" and ptype in (None, "PERIOD", "SEMI", "COLON"):
            if_open = True
        elif t.type in ("PERIOD", "SEMI", "THEN", "COLON") or t.type == "COMMA" and if_open:
            if if_open and (t.type == "COLON" or t.type == "COMMA" and _ends_condition(tokens, k)):
                # "For patients not receiving anticoagulation: INR ≤ 1.5 x ULN", "If there is a
                # history of HCV infection, undetectable HCV RNA": asked of those patients
                t = retyped(t, "THEN")
            if t.type != "COMMA":
                if_open = False
        if if_open and t.type == "MEASURE" and ptype == "COND" and _opens_with_conditions(out):
            # "for HCC patients INR or aPTT ≤ 2 x ULN": the measures begin what is asked
            out.append(token("THEN", "", t.start_pos, t.start_pos))
            if_open = False
        if t.type == "REQUIRING" and ptype in (None, "PERIOD", "SEMI", "NEG") and ntype in ("QUAL", "MED", "PROC"):
            t = retyped(t, "QUAL", "current")  # "Requires invasive ventilation": has it now
        if t.type in ("OR", "ANDOR") and ptype == "LPAR":
            continue  # "ECOG 0-1 (or Karnofsky ≥ 70%)"
        if t.type == "DETERMINED_BY" and ptype == "LPAR" and _DEFINED.match(t.value) \
                and ntype in ("QUALITATIVE", "POSITIVE", "NEGATIVE", "MEASURE"):
            continue  # "Hepatitis B (defined as HBsAg reactive)": the result in parentheses defines it
        if t.type == "COND" and ptype == "RPAR" and _repeats_class(out, t, vocab):
            continue  # "Hepatitis C virus (…) infection": the word names the class it is of
        if t.type == "MED" and t.value == "investigational_agent" and _THE.search(text[:t.start_pos]):
            # "treatment with the investigational drug": this study's drug (as "the study drug"), not any
            t = retyped(t, "ANCHOR", "first_dose")
        if t.type == "QUAL" and ntype in ("OR", "ANDOR") and k + 2 < n and tokens[k + 2].type in _SHARED_TAIL_KINDS:
            shared = _shared_tail(t, tokens[k + 2], vocab, text)
            if shared is not None:
                t = retyped(t, tokens[k + 2].type, shared)  # "acute or chronic pancreatitis": acute pancreatitis
        if t.type == "TIMEUNIT" and text[t.start_pos:t.end_pos] == "HR" and ntype in COMPARATORS:
            t = retyped(t, "MEASURE", "heart_rate")  # "HR ≥ 50 bpm": the heart rate, not hours
        if t.type in ("OR", "ANDOR") and (ptype == "WORD" and ntype in ("PROC", "COND")
                                          or ptype == "COND" and ntype == "PROC"):
            named = _shared_head(out, tokens[k + 1], vocab, text)
            if named is not None:
                # "allogeneic stem cell or solid organ transplantation", "cardiac or thoracic
                # surgery": the words before "or" name a thing with the last words of the name after
                # it (here a surgery, not heart disease)
                while out and out[-1].type in ("WORD", "COND") and out[-1].start_pos >= named.start_pos:
                    out.pop()
                out.append(named)
        if t.type == "VACC" and ptype == "VACC" and prev.value == "vaccine" \
                and re.fullmatch(r"\s*with\s+(?:an?\s+|any\s+)?", text[prev.end_pos:t.start_pos], re.IGNORECASE):
            out.pop()  # "vaccination with a live vaccine": the vaccine says it all
        if t.type == "COND" and t.value in load_lexicon().measured_as and ntype in COMPARATORS \
                and [x.type for x in tokens[k + 2:k + 4]] == ["NUMBER", "UNIT"]:
            t = retyped(t, "MEASURE", load_lexicon().measured_as[t.value])  # "fever ≥ 38.0 °C", not "> 3 days"
        if t.type == "COND" and t.value in load_lexicon().measured_as and ntype == "LPAR" \
                and [x.type for x in tokens[k + 2:k + 6]][1:] == ["NUMBER", "UNIT", "RPAR"] \
                and tokens[k + 2].type in COMPARATORS:
            # "hypokalemia (< 3.5 mmol/L)": the value the condition is, written in parentheses
            t = retyped(t, "MEASURE", load_lexicon().measured_as[t.value])
            skip.update((k + 1, k + 5))
        if t.type == "VACC" and t.value == "vaccine" and ptype == "BEFORE" and prev.value.lower() != "since" \
                and len(out) >= 2 and out[-2].type == "TIMEUNIT" and ntype in (None, "PERIOD", "SEMI", "RPAR"):
            # "within 72 hours before vaccination" in a vaccine trial: the study's vaccination
            t = retyped(t, "ANCHOR", "first_dose")
        if t.type == "FEMALE" and (ptype in ("PREGNANT", "BREASTFEEDING") and ntype not in ("CBP",)
                                   or ptype in ("OR", "COMMA", "ANDOR") and ntype in ("PREGNANT", "BREASTFEEDING")):
            continue  # "pregnant or breastfeeding women", "…, or women who are pregnant": only women are
        if t.type == "COMMA" and ptype == "INCLUDING":
            continue  # "(e.g., Alzheimer, …)"
        against = t.type == "COND" and ptype == "WORD" and prev.value.lower() == "against" and len(out) >= 2 \
            and out[-2].type == "VACC"
        if against or t.type == "COND" and vaccinating and ptype in ("OR", "COMMA", "AND", "ANDOR"):
            # "vaccination against HZ or varicella": the vaccines for them (a name with no vaccine
            # in the vocabulary stays a word: it is not the disease)
            found = vocab.lookup(f"{text[t.start_pos:t.end_pos]} vaccine")
            vaccine = found is not None and found.category == "vaccine"
            start = out[-2].start_pos if against else t.start_pos
            if against:
                del out[-2:]
            out.append(token("VACC", found.id, start, t.end_pos) if vaccine and found else retyped(t, "WORD"))
            vaccinating = True
            continue
        if t.type not in ("OR", "COMMA", "AND", "ANDOR"):
            vaccinating = False
        if t.type == "ABLE" and t.value.lower() in ("using", "use") and (
                ntype == "MED" or ntype in ("QUAL", "OF") and k + 2 < n and tokens[k + 2].type == "MED"):
            # "history of using anticoagulants": taking them then; "using systemic corticosteroids",
            # "using any form of hormonal contraception": now
            if ptype == "QUAL":
                continue
            t = retyped(t, "QUAL", "current")
        if t.type == "COMMA" and ptype == "COND" and ntype == "CLASS":
            continue  # "congestive heart failure, class III or IV"
        if t.type == "MEASURE" and ptype == "MEASURE" and (prev.value == t.value or names_no_scale(prev, text)):
            # "Performance status - Karnofsky 50-100%": the scale named after it; "Eastern
            # Cooperative Oncology Group (ECOG) performance status": one name, twice
            out.pop()
        elif t.type == "MEASURE" and ptype == "COLON" and len(out) >= 2 and names_no_scale(out[-2], text):
            del out[-2:]  # "Performance status: Karnofsky 70-100%"
        if t.type == "MEASURE":
            measure = t.value
        if t.type == "NUMBER" and _out_of_maximum(out, t, measure, vocab):
            out.pop()  # "MoCA > 26/30": the score out of its maximum is the score
            continue
        if t.type == "CATEGORICAL":
            categories = vocab.get(t.value).categories
        elif t.type == "CLASS" and not categories:
            categories = _ROMAN_CLASSES
        if t.type == "WORD" and ptype in ("AND", "OR", "ANDOR") and len(out) >= 2 and out[-2].type in ("COND", "MED"):
            # "hepatitis B and/or C", "strong CYP3A4 inhibitors or inducers": the second name shares
            # the first one's head
            head = text[out[-2].start_pos:out[-2].end_pos].split()[:-1]
            found = vocab.lookup(" ".join([*head, t.value])) if head else None
            if found is not None and found.category == vocab.get(out[-2].value).category:
                t = retyped(t, out[-2].type, found.id)
        typed = re.match(r"(?i)(type|stage|grade)\s+\S+\s+(.+)$", text[t.start_pos:t.end_pos]) \
            if t.type == "COND" else None
        if typed and ptype in ("AND", "OR") and len(out) >= 2 and (
                out[-2].type == "NUMBER" or out[-2].type == "WORD" and out[-2].value in _ROMAN
                and re.search(rf"(?i)\b{typed[1]}\s*$", text[:out[-2].start_pos])):
            # "type 1 or type 2 diabetes", "Type I or Type II diabetes": the number names the same
            # kind of disease
            found = vocab.lookup(f"{typed[1]} {out[-2].value} {typed[2]}")
            if found is not None and found.category == vocab.get(t.value).category:
                out[-2] = retyped(out[-2], "COND", found.id)
        if t.type == "COND" and ptype == "NUMBER" and len(out) >= 3 and out[-2].type in ("AND", "OR", "ANDOR") \
                and out[-3].type == "NUMBER" and re.search(r"(?i)\b(?:type|stage|grade)\s*$",
                                                          text[:out[-3].start_pos]):
            # "type 1 or 2 diabetes": each number names a kind of the disease after the last
            word = re.search(r"(?i)(type|stage|grade)\s*$", text[:out[-3].start_pos])[1]
            name = text[t.start_pos:t.end_pos]
            kinds = [vocab.lookup(f"{word} {out[j].value} {name}") for j in (-3, -1)]
            if all(found is not None and found.category == vocab.get(t.value).category for found in kinds):
                out[-3] = token("COND", kinds[0].id, out[-3].start_pos, out[-3].end_pos)
                out[-1] = token("COND", kinds[1].id, out[-1].start_pos, t.end_pos)
                if len(out) >= 4 and out[-4].type == "WORD" and out[-4].value.lower() == word.lower():
                    out[-3] = token("COND", kinds[0].id, out[-4].start_pos, out[-3].end_pos)
                    del out[-4]  # "stage" is said by the kinds
                continue
        if t.type in ("COND", "MED") and ptype in ("AND", "OR", "ANDOR") and len(out) >= 2 and out[-2].type == "WORD":
            # "basal or squamous cell", "breast, ovarian and/or endometrial cancer", "inhaled or topical
            # steroids": the names before share the last one's tail (and are of its kind)
            tail = text[t.start_pos:t.end_pos].split()[1:]
            j = len(out) - 2
            while tail and j >= 0 and out[j].type == "WORD":
                found = vocab.lookup(" ".join([out[j].value, *tail]))
                if found is None or found.category != vocab.get(t.value).category:
                    break
                out[j] = retyped(out[j], t.type, found.id)
                if j < 2 or out[j - 1].type != "COMMA":
                    break
                j -= 2
        if t.type == "LPAR" and ptype == "UNIT" and ntype == "WORD" and k + 2 < n and tokens[k + 2].type == "RPAR" \
                and _same_unit(prev, nxt):
            skip.update((k + 1, k + 2))  # "> 450 milliseconds (msec)": the unit spelled again
            continue
        if _marks_sex(out, t, text):
            continue
        if t.type == "RPAR" and ntype in (None, "PERIOD", "SEMI") and _closes_sex_note(out):
            continue  # "Pregnant or breastfeeding (female only)": the patients the clause is about
        if t.type == "NEGATIVE" and ptype == "COND" and _negative_list(out, t, vocab):
            continue
        if t.type == "SHOWING":
            # "renal biopsy showing X": the finding is the criterion, the procedure its source
            if ptype == "PROC":
                out.pop()
            continue
        if t.type == "MEASURE" and ptype == "COLON" and len(out) >= 2 and out[-2].type == "MEASURE" \
                and out[-2].value == t.value:  # "Age: age > 18"
            del out[-2:]
        if t.type == "OF" and ptype == "NUMBER" and len(out) >= 2 and out[-2].type == "GE":
            # "at least 4 of (the 11) …": a count, not a comparison
            count = out[-1]
            out[-2:] = [token("AT_LEAST_OF", count.value, out[-2].start_pos, t.end_pos)]
            continue
        if t.type == "OF" and ptype not in ("TIMEUNIT", "ANCHOR"):
            continue
        if t.type == "ANCHOR" and ptype == "OF" and len(out) >= 2 and out[-2].type == "ANCHOR" \
                and out[-2].value == t.value:
            # "the first dose of study medication": one time named twice
            out[-2:] = [token("ANCHOR", t.value, out[-2].start_pos, t.end_pos)]
            continue
        if t.type == "BETWEEN" and ntype != "NUMBER":
            continue
        if t.type in ("DASH", "TO") and ptype == "CATVAL" and nxt is not None and _looks_like_class(nxt, text):
            out.append(retyped(t, "DASH"))  # "ASA I - II", "class I to III": a range of classes
            continue
        if t.type == "TO" and ptype == "QUAL" and ntype == "QUAL":
            t = retyped(t, "OR")  # "moderate to severe": either
        elif t.type == "TO" and not (ptype in ("NUMBER", "UNIT", "TIMEUNIT", "YEARS_OLD")
                                     and ntype in ("NUMBER", "LT", "LE")):
            continue
        if t.type == "DASH" and not (ptype in ("NUMBER", "UNIT") and ntype == "NUMBER"):
            continue
        if t.type == "QUAL" and t.value == "history" and ntype == "NUMBER":
            t = retyped(t, "WITHIN")
        if t.type == "NUMBER" and categories and ntype == "WORD" and nxt.start_pos == t.end_pos \
                and t.value + text[nxt.start_pos:nxt.end_pos] in categories and _class_number_follows(out, None):
            out.append(token("CATVAL", t.value + text[nxt.start_pos:nxt.end_pos], t.start_pos, nxt.end_pos))
            skip.add(k + 1)  # "CKD stage 3b"
            continue
        if t.type == "NUMBER" and categories and _class_number_follows(out, ntype):
            t = _as_roman_class(t, categories)
        raw = text[t.start_pos:t.end_pos]
        if categories and t.type == "WORD" and raw in categories and not _ROMAN_OR_LETTER.match(raw) \
                and ptype in ("CATEGORICAL", "CLASS", "CATVAL", "COMMA", "OR", "AND", "ANDOR"):
            # "fibrosis stage F2-F3": values the scale names as they are written
            if ptype == "CATVAL" and text[prev.end_pos:t.start_pos].strip() in ("-", "~"):
                out.append(token("DASH", "-", prev.end_pos, t.start_pos))
            out.append(retyped(t, "CATVAL"))
            continue
        if categories and t.type != "CATEGORICAL" and (t.type == "PLUS" or _ROMAN_OR_LETTER.match(raw)):
            # ISN/RPS "III+V", BILAG "A": values of the categorical name read before ("IV" is
            # not intravenous here)
            if t.type != "PLUS" and (raw in categories or any(raw in c.split("+") for c in categories)):
                t = retyped(t, "WORD", raw)
                if ptype == "PLUS" and len(out) >= 2 and out[-2].type == "CATVAL":
                    joined = f"{out[-2].value}+{t.value}"
                    out[-2:] = [token("CATVAL", joined, out[-2].start_pos, t.end_pos)]
                    continue
                t = retyped(t, "CATVAL")
                if ptype == "CATVAL" and text[prev.end_pos:t.start_pos].strip() in ("-", "~"):
                    out.append(token("DASH", "-", prev.end_pos, t.start_pos))  # "I-III": the hyphen was a range
            elif t.type == "PLUS" and ptype == "CATVAL":
                out.append(t)
                continue
        if t.type == "PLUS":
            continue
        if t.type == "ANCHOR" and t.value == "first_dose" and _STUDY_DRUG.search(text[t.start_pos:t.end_pos]) \
                and _allergy_to(out):
            # "known hypersensitivity to (any component of) the study drug": that drug only
            start = out[-1].start_pos if out[-1].type == "QUAL" else out[-2].start_pos
            del out[-1 if out[-1].type == "QUAL" else -2:]
            out.append(token("COND", "study_drug_hypersensitivity", start, t.end_pos))
            continue
        if t.type == "WORD" and t.value.lower() in _COMPONENT:
            joined = len(out)
            while joined and out[joined - 1].type == "ANY_OF":
                joined -= 1
            if joined >= 2 and out[joined - 1].type in ("OR", "ANDOR", "AND") and out[joined - 2].type == "COND" \
                    and out[joined - 2].value == "study_drug_hypersensitivity":
                # "… to the study drug or (any of) its excipients": the same allergy
                start = out[joined - 2].start_pos
                del out[joined - 2:]
                out.append(token("COND", "study_drug_hypersensitivity", start, t.end_pos))
                continue
            if joined >= 3 and out[joined - 1].type in ("OR", "ANDOR", "AND") and out[joined - 2].type == "MED" \
                    and out[joined - 3].type == "QUAL" and out[joined - 3].value in _REACTIONS:
                # "hypersensitivity to efalizumab or to any of the excipients", "allergic to X and
                # its excipients": an allergy to the drug is one to its product (the excipients
                # alone are not read)
                del out[joined - 1:]
                continue
            ends = next((x.type for x in tokens[k + 1:] if x.type != "OF"), None) in (None, "PERIOD", "SEMI")
            if joined >= 1 and out[joined - 1].type == "QUAL" and out[joined - 1].value in _REACTIONS and ends:
                # "hypersensitivity to one of the components (of the drug)", naming no drug: the
                # study drug's, as "any of the excipients" is
                start = out[joined - 1].start_pos
                del out[joined - 1:]
                out.append(token("COND", "study_drug_hypersensitivity", start, t.end_pos))
                continue
        if t.type == "TREATMENT" and ptype in ("OF", "BEFORE", "AFTER") and len(out) >= 2 \
                and out[-2].type == "TIMEUNIT" and ntype in (None, "PERIOD", "SEMI", "COMMA", "OR", "AND", "RPAR"):
            t = retyped(t, "ANCHOR", "first_dose")  # "within 3 days of treatment": the study's
        elif t.type == "TREATMENT":
            after_of = tokens[k + 2].type if ntype == "OF" and k + 2 < n else None
            if ptype == "MED" or ntype == "MED" or after_of == "MED":
                continue  # "antibiotic treatment", "treatment: methotrexate", "treatment of chemotherapy"
            lined = len(out)
            while lined and out[lined - 1].type == "QUAL" and out[lined - 1].value in ("history", "systemic"):
                lined -= 1
            if lined and out[lined - 1].type == "LINES" and load_lexicon().lines_of_any is not None:
                # "at least 2 prior lines of (systemic) therapy": lines of any treatment
                out.append(retyped(t, "MED", load_lexicon().lines_of_any))
                continue
            treating = _treating_class(out, vocab)
            begins = _requiring_treatment(out) if treating is None else None
            if begins is not None:
                # "malignancy that requires active treatment": no drug class treats it, so the
                # need for treatment is said of the condition itself
                need = token("QUAL", "requiring_treatment", out[begins].start_pos, t.end_pos)
                del out[begins:]
                out.append(need)
                continue
            t = retyped(t, "WORD") if treating is None else retyped(t, "MED", treating)
        if t.type == "WORD" and t.value.lower() == "only" and ptype in ("FEMALE", "MALE", "CBP") and ntype == "RPAR":
            continue  # "(women only)", "(WOCBP only)" say no more than "(women)", "(WOCBP)"
        if t.type == "TIMES" and ptype != "NUMBER":
            t = retyped(t, "WORD")  # "at time of …" is not a multiplication
        if t.type in ("BEFORE", "TIMEUNIT", "WITHIN"):
            _less_than_ago(out, t, text)
        if t.type == "TIMEUNIT" and ptype == "WITHIN":
            # "in the past year": one of them
            out.append(token("NUMBER", "1", t.start_pos, t.start_pos))
        elif t.type == "TIMEUNIT" and ptype != "NUMBER" and ntype == "BEFORE" and prev is not None \
                and _IN_THE.search(text[prev.end_pos:t.start_pos]):
            # "in the year prior to screening": within one
            out.append(token("WITHIN", "in the", t.start_pos, t.start_pos))
            out.append(token("NUMBER", "1", t.start_pos, t.start_pos))
        if t.type in ("AND", "OR", "ANDOR", "COMMA") and ptype == "ABLE" and ntype in ("ABLE", "CONSENT"):
            continue  # "able to understand and give consent", "signed, informed consent"
        if t.type == "COMMA" and ntype == "INCLUSIVE":
            continue  # "between 18 and 50, inclusive"
        if t.type == "COMMA" and ntype in _WINDOW_STARTS:
            continue  # "A, B, within 3 weeks": the window closes the list, it is not an item of it
        if t.type in ("OR", "ANDOR") and ntype in ("PERIOD", "SEMI") and k + 2 < n:
            # "… by echocardiogram or; ejection fraction ≥ 50 %": the item's "or" joins the next one
            out.append(t)
            skip.add(k + 1)
            continue
        if t.type in ("OR", "AND", "ANDOR") and (ntype is None or ntype in ("DURING_TRIAL", "WITHIN", "WITHIN_NEXT",
                                                                             "RPAR", "PERIOD", "SEMI")):
            continue  # a connective with nothing after it ("needed / received during the study")
        if t.type in ("EXCEPT", "INCLUDING", "ETC") and ptype == "COMMA":  # ", except X" belongs to the part before
            out.pop()
        if t.type == "ANCHOR" and ptype in ("AND", "ANDOR") and len(out) >= 2 and out[-2].type == "AT_ANCHOR":
            # "≥ 20 at screening and baseline": the value now is what a pre-screen can check
            out.pop()
            out[-1] = token("AT_ANCHOR", out[-1].value, out[-1].start_pos, t.end_pos)
            continue
        if t.type in ("OR", "ANDOR") and out and out[-1].type == t.type:
            continue  # "… OR measured or calculated creatinine clearance": the words between were filler
        if t.type == "WITHIN" and out and out[-1].type == "WITHIN":  # "within previous 5 years"
            out[-1] = token("WITHIN", out[-1].value, out[-1].start_pos, t.end_pos)
            continue
        out.append(t)
    return fold(_qualifiers_first(_dose_of_a_reference(out, vocab, text)), text)
