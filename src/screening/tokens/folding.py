"""Folding what annotates a name into it: abbreviations in parentheses, restatements, methods
(:func:`fold`).
"""

from __future__ import annotations

import re

from lark import Token

from ..units import UnitError, canonical_value
from ..vocabulary import load_vocabulary
from .lexicon import LIST_JOINS, NAMES, load_lexicon, retyped, token
from .wording import LIMIT_ENDS, names_no_scale


# What "with or without …" may leave open: names and the words that qualify or join them.
_UNCONSTRAINED_ITEM = NAMES | {"WORD", "QUAL", "OTHER", "OR", "AND", "ANDOR", "LPAR", "POSITIVE", "NEGATIVE"}


_ANNOTATION_BLOCKERS = {"GT", "GE", "LT", "LE", "EQ", "MEASURE", "UNIT", "TITRE", "WITHIN", "EXCEPT"}


_MINOR_WORDS = frozenset({"of", "and", "the", "for", "in", "to", "on"})


def _abbreviates(letters: str, name: str) -> bool:
    """Whether capitals like "CST" are the initials of a name like "central subfield thickness"
    (its small words may be skipped: "American Society of Anesthesiologists", ASA)."""
    if len(letters) < 2 or not letters.isalpha() or not letters.isupper():
        return False
    words = [w for w in re.split(r"[\s\-/]+", name) if w]
    initials = "".join(w[0] for w in words).upper()
    major = "".join(w[0] for w in words if w.lower() not in _MINOR_WORDS).upper()
    return letters in (initials, major)


def _restates(before: list[Token], inner: list[Token]) -> bool:
    """"albumin >= 25 g/L (2.5 g/dL)", "glucose <50 or >400 mg/dl (<2.77 or >22.15 mmol/L)", "HbA1c
    7.0-10.0% (53-86 mmol/mol)": the parenthesis gives the same thresholds, in the same order, in
    another unit."""
    if not inner or any(t.type not in _RESTATEMENT for t in inner):
        return False
    measure = next((k for k in range(len(before) - 1, -1, -1) if before[k].type == "MEASURE"), None)
    if measure is None or before[measure].value == "age":
        return False
    written = before[measure + 1:]
    if any(t.type not in _RESTATEMENT for t in written):
        return False
    a, b = _thresholds(written), _thresholds(inner)
    if not a or len(a) != len(b):
        return False
    concept = load_vocabulary().get(before[measure].value)
    try:
        pairs = [(canonical_value(x, u, concept), canonical_value(y, v, concept)) for (x, u), (y, v) in zip(a, b)]
    except (UnitError, ValueError):
        return False
    return all(abs(x - y) <= 0.02 * max(abs(x), abs(y)) for x, y in pairs)


_RESTATEMENT = frozenset({"NUMBER", "UNIT", "GT", "GE", "LT", "LE", "OR", "AND", "COMMA", "DASH", "TO", "BETWEEN"})


def _thresholds(tokens: list[Token]) -> list[tuple[float, str]]:
    """The numbers of a run of thresholds, each with its unit or the unit written after the last."""
    found: list[tuple[float, str | None]] = []
    for k, t in enumerate(tokens):
        if t.type == "NUMBER":
            unit = tokens[k + 1].value if k + 1 < len(tokens) and tokens[k + 1].type == "UNIT" else None
            found.append((float(t.value), unit))
    last = next((u for _, u in reversed(found) if u is not None), None)
    if last is None or found[-1][1] is None:
        return []
    return [(x, u or last) for x, u in found]


# What a method may follow: a finding or a value, never a drug or another procedure.
_SEEN = frozenset({"COND", "MEASURE", "QUALITATIVE", "CATEGORICAL", "FLAG", "UNIT", "NUMBER", "ULN", "LLN",
                   "POSITIVE", "NEGATIVE", "CATVAL", "TITRE"})


def _is_method(proc: Token, before: Token, out: list[Token], text: str) -> bool:
    """A diagnostic procedure named after a finding with "by", "on the", "diagnosed by"…"""
    lex = load_lexicon()
    if proc.value not in lex.methods or not out or out[-1].type not in _SEEN:
        return False
    gap = " ".join(text[before.end_pos:proc.start_pos].lower().split())
    return gap in lex.method_words


def _names_kinds_of(outer: Token, inner: list[Token]) -> bool:
    vocab = load_vocabulary()
    names = [t for t in inner if t.type not in ("OR", "AND", "COMMA", "ANDOR")]
    return bool(names) and all(t.type == "COND" and vocab.is_a(t.value, outer.value) for t in names)


def _other_names_of(named: Token, inner: list[Token]) -> bool:
    """"(Proscar or Propecia)", "(Proscar, Propecia)": names, joined as a list, each of them of the
    very concept before the bracket (a kind of it, or another drug, says more and is not this)."""
    names, joins = inner[::2], inner[1::2]
    return len(names) > 1 and all(t.type == named.type and t.value == named.value for t in names) \
        and all(t.type in LIST_JOINS for t in joins)


_DESPITE = re.compile(r"(?i)despite|in spite of")

# What a study drug is made of: "hypersensitivity to the study drug (active substance or
# excipients)" names the parts of the product the allergy to the study drug is already to.
_PRODUCT_PARTS = frozenset({"substance", "substances", "ingredient", "ingredients", "component", "components",
                            "excipient", "excipients", "formulation", "formulations"})
_WHOLE_PRODUCT = frozenset({"ingredients", "component", "components", "excipient", "excipients", "formulation",
                            "formulations"})
_PRODUCT_JOINS = frozenset({"COMMA", "OR", "AND", "ANDOR", "ANY_OF", "OF", "INCLUDING"})


def _names_product_parts(inner: list[Token]) -> bool:
    """"(active substances, or excipients of the preparations)", "(or any of its excipients)" — not
    "(active substance)" alone, which leaves the excipients out."""
    whole = any(t.type == "WORD" and t.value.lower() in _WHOLE_PRODUCT for t in inner)
    return whole and all(t.type in _PRODUCT_JOINS or t.type == "WORD" and t.value.lower() in _PRODUCT_PARTS
                               or t.type == "QUAL" and t.value == "active" for t in inner)


# "(performed at first appointment)", "(measured at screening)": when a value is taken, said in
# brackets with the verb of taking it, is the time after a value written without them.
_TAKEN_AT = re.compile(r"(?i)(?:performed|measured|assessed|obtained|done|taken|collected|evaluated|tested|"
                       r"drawn|recorded|documented)?")


_ARTICLE = re.compile(r"\s+(?:a|an|the)$")


def _names_methods(out: list[Token], inner: list[Token], text: str, lpar: Token) -> bool:
    """"LVEF < 40% (assessed by echocardiogram or MUGA)", "intracranial haemorrhage (seen on CT
    scan)": a bracket saying only how a finding or a value was seen, as the method says it
    written without brackets (what a tracing shows after a condition is not dropped)."""
    first = next((k for k, x in enumerate(inner) if x.type == "PROC"), None)
    if first is None or not out or out[-1].type not in _SEEN or any(x.type != "WORD" for x in inner[:first]):
        return False
    lex = load_lexicon()
    gap = _ARTICLE.sub("", " ".join(text[lpar.end_pos:inner[first].start_pos].lower().split()))
    procs = [x for x in inner[first:] if x.type == "PROC"]
    if gap not in lex.method_words or any(p.value not in lex.methods for p in procs) \
            or out[-1].type == "COND" and any(p.value in lex.tracings for p in procs):
        return False
    return all(x.type in ("PROC", "OR", "AND", "ANDOR", "COMMA", "WORD") for x in inner[first:])


def fold(tokens: list[Token], text: str) -> list[Token]:
    """``(ISN/RPS 2003 classification criteria)`` → one ANNOTATION; ``alanine aminotransferase
    (ALT)`` → the name once; "with or without …" → one UNCONSTRAINED."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        if t.type == "WITH_OR_WITHOUT":
            # "with or without microscopic hematuria (…)": no constraint, up to the next list
            # break or the first word that is not part of what is left open ("… may be included")
            depth, j = 0, k + 1
            while j < len(tokens) and (depth > 0 or tokens[j].type in _UNCONSTRAINED_ITEM):
                depth += {"LPAR": 1, "RPAR": -1}.get(tokens[j].type, 0)
                j += 1
            if j == k + 1:
                out.append(t)
                k += 1
                continue
            last = tokens[j - 1]
            # (the value says "despite …": what persists under a treatment, see compile._read_clause)
            out.append(token("UNCONSTRAINED", "despite" if _DESPITE.match(t.value) else "", t.start_pos,
                              last.end_pos))
            k = j
            continue
        if t.type == "LPAR":
            depth, j = 0, k
            while j < len(tokens):
                if tokens[j].type == "LPAR":
                    depth += 1
                elif tokens[j].type == "RPAR":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j < len(tokens):
                inner = tokens[k + 1:j]
                kinds = {x.type for x in inner}
                if inner and inner[-1].type == "AT_ANCHOR" and out \
                        and _TAKEN_AT.fullmatch(text[t.end_pos:inner[-1].start_pos].strip()):
                    out.append(inner[-1])  # "≥ 31 (performed at first appointment)": at screening
                    k = j + 1
                    continue
                if out and out[-1].type == "COND" and inner and inner[0].type == "REQUIRING":
                    out.extend(inner)  # "serious infection (requiring IV antibiotics)": as without the brackets
                    k = j + 1
                    continue
                if out and out[-1].type == "COND" and inner and inner[0].type == "LINK":
                    named = inner[1:]
                    if named and all(x.type == "QUAL" for x in named[:-1]) and named[-1].type in ("COND", "MED", "PROC"):
                        out.extend(inner)  # "macular edema (secondary to BRVO)": as without the brackets
                    else:
                        # "liver disease (due to drug induced, autoimmune disease and viral hepatitis)":
                        # the causes, kept in words beside the condition
                        out.append(token("CAUSE_WORDS", "", inner[0].start_pos, inner[-1].end_pos))
                    k = j + 1
                    continue
                if _names_methods(out, inner, text, t):
                    k = j + 1  # "(assessed by echocardiogram or MUGA)": how it was seen
                    continue
                if out and out[-1].type == "COND" and out[-1].value == "study_drug_hypersensitivity" \
                        and _names_product_parts(inner):
                    k = j + 1  # "hypersensitivity to the study drug (active substance or excipients)"
                    continue
                if kinds <= {"COMMA", "AND", "OR", "ANDOR", "SEMI"}:
                    k = j + 1  # "(any type, any dose)": only filler words were inside
                    continue
                if inner and inner[0].type == "INCLUDING" and inner[0].value == "examples" and out \
                        and out[-1].type == "MED" \
                        and load_vocabulary().get(out[-1].value).category == "drug_class" \
                        and kinds - {"INCLUDING"} <= {"WORD", "NUMBER", "COMMA", "OR", "AND", "DASH"}:
                    # "an agent directed to another T-cell receptor (e.g., CTLA-4, OX-40, CD137)":
                    # examples of a drug class, in words it does not know, can only illustrate it
                    k = j + 1
                    continue
                if inner and inner[0].type == "MEASURE" and out and names_no_scale(out[-1], text):
                    out[-1:] = inner  # "Performance status (ECOG ≤ 2)": the parenthesis is the criterion
                    k = j + 1
                    continue
                if "CLASSIFICATION" in kinds and not kinds & _ANNOTATION_BLOCKERS:
                    out.append(token("ANNOTATION", "", t.start_pos, tokens[j].end_pos))
                    k = j + 1
                    continue
                if len(inner) == 1 and out and out[-1].type == inner[0].type and (
                        out[-1].value == inner[0].value or out[-1].type in ("ULN", "LLN", "CBP")):
                    k = j + 1
                    continue
                if out and out[-1].type in NAMES and _other_names_of(out[-1], inner):
                    k = j + 1  # "finasteride (Proscar or Propecia)": the brand names of the drug before
                    continue
                if len(inner) == 1 and out and out[-1].type in NAMES and inner[0].type in NAMES \
                        and text[inner[0].start_pos:inner[0].end_pos].isupper() \
                        and text[t.end_pos:tokens[j].start_pos].strip() == text[inner[0].start_pos:inner[0].end_pos]:
                    # "mechanical ventilation (CMV)": an abbreviation of the name before it, even
                    # where the vocabulary knows the letters as something else (not "hepatitis C
                    # (HCV RNA detected)", whose other words say it is a test result)
                    k = j + 1
                    continue
                if len(inner) == 1 and inner[0].type == "WORD" and out and out[-1].type in NAMES \
                        and _abbreviates(text[inner[0].start_pos:inner[0].end_pos],
                                         text[out[-1].start_pos:out[-1].end_pos]):
                    # "central subfield thickness (CST)": letters the vocabulary does not know,
                    # but they are the initials of the name before them
                    k = j + 1
                    continue
                if _restates(out, inner):
                    k = j + 1
                    continue
                if len(inner) == 1 and out and out[-1].type == inner[0].type == "MEASURE" \
                        and load_vocabulary().is_a(inner[0].value, out[-1].value):
                    # "corrected QT interval (QTcF)": the parenthesis names which one
                    out[-1] = retyped(out[-1], "MEASURE", inner[0].value)
                    k = j + 1
                    continue
                if out and out[-1].type == "COND" and _names_kinds_of(out[-1], inner):
                    # "cancers of the skin (basal or squamous cell)": the parenthesis says which
                    out.pop()
                    out.extend(inner)
                    k = j + 1
                    continue
                allowed = inner[:-1] if inner and inner[-1].type == "HOWEVER_ALLOWED" else None
                if allowed and out and out[-1].type in ("COND", "MED", "PROC", "VACC") \
                        and any(x.type in ("COND", "MED", "PROC", "VACC") for x in allowed):
                    # "history of malignancy (basal cell carcinoma allowed)": an exception
                    out.append(t)
                    out.append(token("EXCEPT", "allowed", inner[-1].start_pos, inner[-1].end_pos))
                    out.extend(allowed)
                    out.append(tokens[j])
                    k = j + 1
                    continue
                if inner and inner[-1].type == "HOWEVER_ALLOWED" and out and out[-1].type in LIMIT_ENDS | {"NEGATIVE", "ATTR"}:
                    # "Hemoglobin ≥ 9 g/dL (transfusion allowed)": the patient may be brought to the
                    # limit, so one who is not there yet may still be eligible; the words say how
                    # ("Able to walk unassisted (cane allowed)": so may one who has not the attribute)
                    out.append(token("UNLESS_WORDS", "allowed", inner[0].start_pos, inner[-1].end_pos))
                    k = j + 1
                    continue
                if not inner or inner[-1].type == "HOWEVER_ALLOWED":
                    k = j + 1  # "(prophylaxis allowed)" after what is not a limit: it constrains nothing more
                    continue
        if t.type == "MET_BY" and out and out[-1].type in ("PERIOD", "SEMI") and out[-2:-1] \
                and out[-2].type in LIMIT_ENDS:
            out.pop()  # "Hemoglobin ≥ 9 g/dL. Patients may be transfused …": of the limit before
        if t.type == "MET_BY" and out and out[-1].type in LIMIT_ENDS:
            # "Hemoglobin ≥ 90 g/L Patients may be transfused to meet this criterion": as "(transfusion
            # allowed)" after the limit, the patient may be brought to it
            out.append(token("UNLESS_WORDS", "allowed", t.start_pos, t.end_pos))
            k += 1
            continue
        if t.type == "MEASURE" and t.value == "age" and out and out[-1].type in ("ULN", "LLN") and k \
                and text[tokens[k - 1].end_pos:t.start_pos].strip() == "for":
            k += 1  # "1.5 x ULN (ULN) for age": the patient's own limit is already for age
            continue
        if t.type == "PROC" and k and out[-1].type == "COND" and t.value in load_lexicon().tracings \
                and _is_method(t, tokens[k - 1], out, text):
            # "myocardial ischemia on ECG": what the tracing shows now, kept beside the condition
            gap = text[tokens[k - 1].end_pos:t.start_pos]
            start = tokens[k - 1].end_pos + len(gap) - len(gap.lstrip())
            out.append(token("SITE", text[start:t.end_pos], start, t.end_pos))
            k += 1
            continue
        if t.type == "PROC" and k and _is_method(t, tokens[k - 1], out, text):
            k += 1  # "intracranial haemorrhage on the CT scan": how it was seen, not what is asked
            # "… by echocardiogram or MUGA": the other methods listed with it too
            while k + 1 < len(tokens) and tokens[k].type in ("OR", "ANDOR") and tokens[k + 1].type == "PROC" \
                    and tokens[k + 1].value in load_lexicon().methods:
                k += 2
            continue
        if t.type == "PROC" and len(out) >= 2 and out[-1].type == "QUAL" and out[-1].value == "diagnosed" \
                and _is_method(t, out[-1], out[:-1], text):
            out.pop()  # "hypertension diagnosed by 24h-ABPM"
            k += 1
            continue
        if t.type == "COND" and out and out[-1].type == "COND" and load_vocabulary().is_a(out[-1].value, t.value):
            k += 1  # "human immunodeficiency virus (HIV) infection": the infection is the virus's
            continue
        if t.type == "COND" and out and out[-1].type == "COND" and load_vocabulary().is_a(t.value, out[-1].value) \
                and text[out[-1].end_pos:t.start_pos].strip().lower() in ("of", "with", "due to"):
            out[-1] = t  # "infection of hepatitis B": the infection named
            k += 1
            continue
        out.append(t)
        k += 1
    return out
