"""Criterion text as the tokenizer reads it, with a map back to the verbatim characters.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..nodes import Span
from ..units import SUPERSCRIPTS
from ..vocabulary import load_vocabulary


@dataclass(frozen=True)
class Normalised:
    """Normalised text and, for each of its characters, the offset of the verbatim character."""

    text: str
    origin: tuple[int, ...]  # len(text) + 1 entries; the last is the verbatim length

    def span(self, start: int, end: int) -> Span:
        return Span(start=self.origin[start], end=self.origin[max(end, start)])


_ABILITY = r"(?:speak|read|write|understand)s?"


_ABILITY_SEP = r"\s*(?:,\s*and|,\s*or|and/or|and|or|,)\s*"


# "speak, read and write English": abilities of a language named once at the end
_ABILITIES = re.compile(rf"(?i:\b(unable\s+to|inability\s+to|not\s+able\s+to|cannot|not)\s+)?"
                        rf"(?i:\b({_ABILITY}(?:{_ABILITY_SEP}{_ABILITY})+))\s+(?:in\s+)?([A-Z][a-z]+)\b")


def _each_ability(m: re.Match[str]) -> str:
    """Each ability with its language ("speak English and read English"); after a negation the
    words stay as they are, since whether "unable to speak or read" is either or both is not said."""
    language = m.group(3)
    if m.group(1) or f"speaks_{language.lower()}" not in load_vocabulary().concepts:
        return m.group(0)  # ("read and understand Informed Consent" names no language)
    return re.sub(rf"(?i)\b({_ABILITY})\b(?={_ABILITY_SEP})", rf"\1 {language}", m.group(2)) + f" {language}"


# "BP > 140/90 mmHg": a pressure written as a pair is high when either value is, and below a pair
# when both are (hypertension is SBP ≥ 140 or DBP ≥ 90)
_PRESSURE_OPS = {">": ">", ">=": ">=", "=>": ">=", "<": "<", "<=": "<=", "=<": "<=", "greater than": ">",
                 "more than": ">", "higher than": ">", "above": ">", "over": ">", "exceeding": ">",
                 "at least": ">=", "less than": "<", "lower than": "<", "below": "<", "under": "<",
                 "no more than": "<=", "not more than": "<=", "no greater than": "<=", "at most": "<="}
_PRESSURE_OP = "|".join(sorted((re.escape(o).replace("\\ ", r"\s+") for o in _PRESSURE_OPS), key=len, reverse=True))


_PRESSURE_PAIR = re.compile(
    r"(?i)\b(?:blood\s+pressure|BP)(?:\s*\(BP\))?\s*(?:of\s+|is\s+|:\s*)?("
    + _PRESSURE_OP + r")\s*(\d{2,3})\s*/\s*(\d{2,3})(?:\s*mm\s*Hg\b)?")


def _pressure_pair(m: re.Match[str]) -> str:
    op = _PRESSURE_OPS[" ".join(m.group(1).lower().split())]
    # (both below: "with", which joins one reading in an exclusion too, where "and" between two
    # limits would read as either)
    joined = "or" if op.startswith(">") else "with"
    return f"systolic blood pressure {op} {m.group(2)} mmHg {joined} diastolic blood pressure {op} {m.group(3)} mmHg"


# "blood pressure > 140 mmHg or < 90 mmHg systolic, or > 90 mmHg diastolic": the values come
# first and the word after them says which pressure they are of
_PRESSURE_NAMED_AFTER = re.compile(
    rf"(?i)(\b(?:blood\s+pressure|BP)\s+(?:of\s+|is\s+)?)?"
    rf"((?:(?:{_PRESSURE_OP})\s*\d{{2,3}}(?:\s*mmHg)?\s*(?:or|and)\s+)*(?:{_PRESSURE_OP})\s*\d{{2,3}})"
    rf"\s*mmHg\s+(systolic|diastolic)\b(?:\s+(?:blood\s+pressure|BP|pressure)\b)?")


# (another pressure, "pulmonary artery pressure > 40 mmHg systolic", is not the blood pressure)
_OTHER_PRESSURE = re.compile(r"(?i)\bpressures?\s+(?:of\s+|is\s+)?$")


def _pressure_named_after(m: re.Match[str]) -> str:
    if not m.group(1) and _OTHER_PRESSURE.search(m.string, 0, m.start()):
        return m.group(0)
    return f"{m.group(3).lower()} blood pressure {m.group(2)} mmHg"


# "chronic diseases affecting the heart", "conditions affecting the liver or kidneys": diseases of
# those organs (not a singular "disease affecting the liver", which in a cancer trial is the tumour there)
_ORGAN = r"(?:heart|liver|kidneys?|lungs?|skin|eyes?)"
_AFFECTING_ORGANS = re.compile(
    rf"(?i)\b(diseases|disorders?|conditions?|illness(?:es)?)\s+affecting\s+the\s+"
    rf"({_ORGAN}(?:\s*(?:,|or|and|and/or)\s+(?:the\s+)?{_ORGAN})*)\b")


def _organ_diseases(m: re.Match[str]) -> str:
    organs = re.sub(r"(?i)\b(?:the\s+)?(kidney|lung|eye)s\b", r"\1", re.sub(r"(?i)\s+the\s+", " ", m.group(2)))
    return f"{organs} {m.group(1)}"


# "upper GI (gastrointestinal) ulceration": letters the vocabulary does not know, spelled out after
# them in words it does, are those words
_SPELLED_OUT = re.compile(r"\b([A-Z]{2,5})\s*\(([A-Za-z][A-Za-z' -]{2,60}?)\s*\)")


def _spelled_out(m: re.Match[str]) -> str:
    letters, words = m.group(1).lower(), m.group(2)
    vocab = load_vocabulary()
    if not words.lower().startswith(letters[0]) or vocab.lookup(letters) is not None or vocab.lookup(words) is None:
        return m.group(0)
    rest = iter(words.lower()[1:])
    return words if all(letter in rest for letter in letters[1:]) else m.group(0)


# "Strong inhibitors or inducers of CYP3A4", "medication that strongly induce or inhibit cytochrome
# P450 (CYP3A)": the drug classes the vocabulary names "strong CYP3A4 inhibitors" and "… inducers"
_ENZYME_DRUGS = re.compile(
    r"(?i)\b(?:(?:medications?|drugs?|agents?|medicines?)\s+(?:that|which)\s+(?:are\s+)?)?"
    r"(strong|potent|moderate)(?:ly)?\s+(inhibit|induc)(?:e|es|s|ors?|ers?)?"
    r"(?:\s+(or|and/or|and)\s+(inhibit|induc)(?:e|es|s|ors?|ers?)?)?"
    r"(?:\s+of)?\s+(?:the\s+)?(?:cytochrome\s+P450\s+(?=\(|3A))?(?:\(\s*(CYP3A4?)\s*\)|(CYP3A4?|3A4?)\b)")


def _enzyme_drugs(m: re.Match[str]) -> str:
    strength, first, joined, second, bracketed, enzyme = m.groups()
    strength, enzyme = strength.lower(), bracketed or enzyme
    enzyme = enzyme if enzyme.upper().startswith("CYP") else "CYP" + enzyme  # "cytochrome P450 3A4"

    def drugs(act: str) -> str:
        return f"{strength} {enzyme} {'inhibitors' if act.lower() == 'inhibit' else 'inducers'}"
    return drugs(first) if joined is None else f"{drugs(first)} {joined} {drugs(second)}"


_PRESCRIBED = r"(?:prescription|prescribed)"
_UNPRESCRIBED = r"(?:non-?prescription|over[- ]the[- ]counter|OTC)"


_REWRITES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(p), r) for p, r in (
        (r"\\([<>^\[\]_*#\-.()+!=~|`])", r"\1"),      # markdown escapes: \> → >
        (r"[≥≧⩾]", ">="), (r"[≤≦⩽]", "<="), (r"＞", ">"), (r"＜", "<"),
        (r"[–—−‐]", "-"), (r"[’‘`´]", "'"), (r"[“”]", '"'), (r"\u00a0|\u2009|\u202f", " "),
        (r"(?<=\d),(?=\d{3}(?!\d))", ""),              # thousands: 100,000 → 100000
        (r"(?<=\d),(?=\d{1,2}\s*[A-Za-zµμ%/])", "."),  # decimal comma before a unit: 5,4 mEq/l
        (r"(?<=\d) (?=000(?!\d))", ""),                # 100 000 → 100000
        # a power of ten in superscript digits: "1.5 × 10⁹/L"
        (r"10(¹²|⁹|⁶|³)(?![⁰¹²³⁴⁵⁶⁷⁸⁹])", lambda m: "10^" + m.group(1).translate(SUPERSCRIPTS)),
        # a power of ten whose superscript was lost: "20 x 10 9/L", "1 x 109/L", "100x103/mm3"
        (r"(?<=\d)\s*([x×])\s*10 ?(3|6|9|12)(?=\s*/)", r" \1 10^\2"),
        (r"(?<=\d)\s*mm\s+Hg\b", " mmHg"),              # "140 mm Hg"
        # "38 degrees C", "100.4 degrees Fahrenheit": a temperature; "degrees" alone is an angle
        (r"(?i)(?<=\d)\s*deg(?:rees?)?\s+(?:C\b|celsius\b|centigrade\b)", " °C"),
        (r"(?i)(?<=\d)\s*deg(?:rees?)?\s+(?:F\b|fahrenheit\b)", " °F"),
        # "BMI less than 18 or greater than 40": a second limit after "or", not "or greater" (as in
        # "18 or greater") followed by a stray "than"; "at or greater than 37" is one comparator
        (r"(?i)(?<!\bat)(?<!\bequal)(?<!\bto)\s+or\s+(?:greater|more|higher)\s+than\s+(?=[\d.])", " or > "),
        (r"(?i)(?<!\bat)(?<!\bequal)(?<!\bto)\s+or\s+(?:less|lower|fewer)\s+than\s+(?=[\d.])", " or < "),
        # "greater than, or equal to 3.5 cm": one comparator, the comma only a pause
        (r"(?i)\b(greater|more|higher|less|lower)\s+than\s*,\s*or\s+equal\s+to\b", r"\1 than or equal to"),
        (r"(?i)(?<=/min)\s+per\s+(?=1[.,]73\s*m)", "/"),   # "mL/min per 1.73 m2"
        (r"(?<=[A-Za-z])\*+(?=[\s,;:.)]|$)", ""),        # a footnote mark: "Lansky* play status"
        (_ABILITIES, _each_ability),
        (_PRESSURE_PAIR, _pressure_pair),
        (_PRESSURE_NAMED_AFTER, _pressure_named_after),
        (_AFFECTING_ORGANS, _organ_diseases),
        (_SPELLED_OUT, _spelled_out),
        (_ENZYME_DRUGS, _enzyme_drugs),
        # "hypo- or hyperthyroidism": the prefix said alone shares the rest of the word
        (r"(?i)\b(hypo|hyper)-?\s+(or|and/or|and)\s+(hyper|hypo)([a-z]{4,})\b", r"\1\4 \2 \3\4"),
        (r"(?i)\bcontra[- ](indicat)", r"contra\1"),   # "contra-indication", "contra indications"
        # "over-the-counter or prescription sleep aids": both are every one (a drug's wording, "…
        # or non-prescription medication", is any drug, a concept of its own)
        (rf"(?i)(?<![\w-])(?:{_PRESCRIBED}\s+(?:or|and/or|and)\s+{_UNPRESCRIBED}|{_UNPRESCRIBED}\s+(?:or|and/or|and)\s+"
         rf"{_PRESCRIBED})\s+(?!(?:medications?|medicines?|drugs?|products?|treatments?|therap(?:y|ies))\b)", ""),
        # "Philadelphia chromosome positive (Ph+) CML": the abbreviation of the words before
        (r"(?i)(\bPhiladelphia(?:[- ]chromosome)?[- ]positive)\s*\(\s*Ph\s*\+\s*\)", r"\1"),
        # "hepatitis B (surface antigen)", "hepatitis C (antibody)": the test's name, the rest of it in parentheses
        (r"(?i)\b(hepatitis\s+[BC]|HIV)\s*\(\s*((?:surface\s+|core\s+)?(?:antigen|antibody|antibodies))\s*\)",
         r"\1 \2"),
        # "(minimum sensitivity 25 IU/L or equivalent units of HCG)": how sensitive the test must be
        (r"(?i)\s*\(\s*minimum\s+sensitivity\b[^()]*\)", ""),
        # "Women of childbearing potential must have a negative serum test": a pregnancy test
        (r"(?i)(\b(?:child-?bearing|WOCBP)\b[^.;]{0,80}?\bnegative\s+(?:(?:serum|urine|urinary|blood)\s+"
         r"(?:or\s+(?:serum|urine|urinary|blood)\s+)?)?)(test)\b", r"\1pregnancy \2"),
        (r"(?i)(?<=\d)\s*beats\s+(?:per|a|/)\s*min(?:ute)?\b", " bpm"),   # "100 beats per minute"
        (r"(?i)(?<=\d)\s*breaths\s+(?:per|a|/)\s*min(?:ute)?\b", " /min"),
        # a threshold that is a power of ten: "HBV DNA ≥ 10^4 IU/mL" (not "× 10^9/L", a unit)
        *((rf"((?:[<>]=?|=)\s*)10\s*\^\s*{power}\b(?!\s*/)", rf"\g<1>{10 ** power}")
          for power in range(2, 10)),
        # "a positive pre-study drug/alcohol screen": either test, done before the study (at screening)
        (r"(?i)\bpre-?study\s+(?=(?:urine\s+)?(?:drug|alcohol|pregnancy)\b)", ""),
        (r"(?i)\b(?:urine\s+)?drugs?(?:\s+of\s+abuse)?\s*(?:/|and/or|and|or)\s*alcohol\s+(screen(?:ing)?|tests?)\b",
         r"drug screen or alcohol \1"),
        (r"(?i)\b(?:urine\s+)?(screen(?:ing)?|tests?)\s+for\s+drugs?(?:\s+of\s+abuse)?\s*(?:/|and/or|and|or)\s*alcohol\b",
         r"drug screen or alcohol \1"),
        # "except in situ carcinoma of the cervix": the "in" is the name's ("except in" is a phrase too)
        (r"(?i)\b(except)\s+(?=in[\s-]+situ\b)", r"\1 for "),
        # "allergy/intolerance to aspirin": the reactions written with a slash are a choice too
        (r"(?i)\b(allerg(?:y|ies)|hypersensitivit(?:y|ies)|intoleran(?:ce|t))\s*/\s*"
         r"(allerg(?:y|ies)|hypersensitivit(?:y|ies)|intoleran(?:ce|t))\b", r"\1 or \2"),
        # "allergy or hypersensitivity to the study drug or its excipients": one reaction to the product
        (r"(?i)\b(?:allerg(?:y|ies)\s+(?:or|and/or)\s+hypersensitivit(?:y|ies)|hypersensitivit(?:y|ies)\s+(?:or|and/or)"
         r"\s+allerg(?:y|ies))(?=\s+to\b)", "hypersensitivity"),
        (r"(?i)(\bstudy\s+(?:drugs?|treatments?|medications?|interventions?)|\binvestigational\s+(?:medicinal\s+)?product)"
         r"\s*,?\s+(?:or|and/or)\s+(?:to\s+)?(?:any\s+of\s+)?(?:its|their)\s+(?:excipients|components|ingredients)\b", r"\1"),
        # "impaired hepatic or renal function": impaired function of either organ
        (r"(?i)\bimpaired\s+(hepatic|liver|renal|kidney)\s+(or|and/or|and)\s+(hepatic|liver|renal|kidney)\s+function\b",
         r"impaired \1 function \2 impaired \3 function"),
        # "any investigational drug or device": investigational both
        (r"(?i)\b(investigational|experimental)\s+(drugs?|agents?|products?|medications?|therap(?:y|ies)|treatments?)"
         r"\s+(or|and/or|and)\s+devices?\b", r"\1 \2 \3 \1 device"),
        # "active or latent tuberculosis": the name is said of both (latent TB is not a kind of active
        # TB); latent first, so that "active" is not shared forward onto it
        (r"(?i)\b(?:active\s+or\s+latent|latent\s+or\s+active)\s+((?:tuberculosis|TB)(?:\s+infection)?)\b",
         r"latent \1 or active \1"),
        # "second- or third-degree AV block", "first- or second-line therapy": the word each shares
        (r"(?<![\w-])([A-Za-z]+)-\s+(or|and|and/or|to)\s+([A-Za-z]+)-([A-Za-z]+)\b", r"\1-\4 \2 \3-\4"),
        # "headache on ≥ 15 days per month": the monthly headache days
        (r"(?i)\b(headache|migraine)s?\s+on\s+((?:at\s+least|at\s+most|more\s+than|fewer\s+than|less\s+than|[<>]=?)"
         r"\s*\d+(?:\.\d+)?)\s+days\s+(?:per|a|each|/)\s*month\b", r"monthly \1 days \2"),
        # "CGI-S ≥ 4 (moderately ill)": the name of the score's step, which says no more
        (r"(?i)\s*\(\s*(?:at\s+least\s+)?(?:borderline|mildly|moderately|markedly|severely|extremely)\s+ill\s*\)", ""),
        # "pancreatitis (acute or chronic)": either, which the name alone says
        (r"(?i)\s*\(\s*(?:either\s+)?(?:acute\s+or\s+chronic|chronic\s+or\s+acute)\s*\)", ""),
        # "not pregnant, confirmed by pregnancy test": how it is known (a recent test counts already)
        (r"(?i)(\bpregnant\b)\s*,?\s*(?:as\s+)?(?:confirmed|documented|determined|verified)\s+by\s+(?:an?\s+)?"
         r"(?:negative\s+)?(?:(?:serum|urine|blood)\s+(?:or\s+(?:serum|urine|blood)\s+)?)?pregnancy\s+test(?:ing|s)?\b", r"\1"),
        # "postmenopausal (no menses for at least 12 months)": how menopause is told, not more asked
        (r"(?i)(\bpost-?menopausal(?:\s+(?:wom[ae]n|females?|subjects|patients|participants))?\b)\s*\((?=[^()]*\b(?:menses|menstrua\w*|amenorrh\w*)\b)[^()]*\)", r"\1"),
        # "postmenopausal, defined as no menses for at least 12 months": likewise, when that is all
        # the definition says, and it is the usual year (not "… or FSH > 40 IU/L", "… or age ≥ 60",
        # which let in more, nor "… for 24 months", which lets in fewer)
        (r"(?i)(\bpost-?menopausal(?:\s+(?:wom[ae]n|females?|subjects|patients|participants))?\b)\s*,\s*"
         r"(?:defined\s+as|i\.e\.,?)\s+(?![^.;]*\b(?:or|and|ages?|aged|fsh|oophorectomy|ovariectomy|hysterectomy"
         r"|surgical\w*|steril\w*)\b)(?![^.;]*\b(?!12\s+(?:consecutive\s+|continuous\s+)?months\b|1\s+year\b)\d)"
         r"(?=[^.;]*\b(?:12\s+(?:consecutive\s+|continuous\s+)?months|1\s+year|one\s+year|twelve\s+months)\b)"
         r"(?=[^.;]*\b(?:menses|menstrua\w*|amenorrh\w*)\b)[^.;]*", r"\1"),
        # "(Appendix 3)", "(see Section 5.2)": where the protocol says more, not a value
        (r"(?i)\s*\(\s*(?:see\s+)?(?:appendix|section|table|figure|attachment|annex)\b[^()]*\)", ""),
        # "a contraceptive method that is highly effective (with a failure rate of <1% per year)": what
        # highly effective means, not another value
        (r"(?i)\s*\((?:i\.e\.,?\s*|that\s+is,?\s*)?(?:with\s+)?(?:an?\s+)?(?:annual\s+)?failure\s+rate\s+of\s+"
         r"(?:less\s+than\s+|<\s*)1\s*%(?:\s+per\s+year)?[^()]*\)", ""),
        # "… OR b.) A WOCBP who …": a letter and ".)" label a list's item, wherever it stands
        (r"(?i)(?<![\w(.])[a-z]\.\)\s*", ""),
        # "Not a WOCBP as defined in Appendix 3", "the contraceptive guidance in Appendix 5" likewise
        (r"(?i)\s*,?\s*(?:(?:as\s+)?(?:defined|described|specified|outlined|detailed|listed|indicated|stated|set\s+out)\s+)?"
         r"in\s+(?:the\s+)?(?:protocol\s+)?(?:appendix|section|attachment|annex)\s+(?:\d+(?:\.\d+)*|[A-Z])\b", ""),
        # why the protocol excludes, not whom: "(due to the possibility of exacerbation …)",
        # "… are excluded because the effects of X on a fetus are unknown"
        (r"(?i)\s*\((?:due\s+to|because\s+of)\s+(?:the\s+|a\s+)?(?:potential|possible|possibility|risk|risks"
         r"|theoretical|unknown)\b[^()]*(?:\([^()]*\)[^()]*)*\)", ""),
        # (but "anemia because of bleeding", "contraindication to aspirin because of allergy" say which)
        (r"(?i)\b(excluded|ineligible|not\s+(?:be\s+)?eligible)\s*,?\s+because\b[^.;()]*", r"\1"),
        (r"(?i),?\s+because\s+of\s+(?:the\s+|a\s+)?(?:potential|possible|possibility|risk|risks|theoretical"
         r"|unknown)\b[^.;()]*", ""),
    )
)


def normalise(text: str) -> Normalised:
    """Rewrite the text for reading, remembering where every character came from."""
    out, origin = text, list(range(len(text) + 1))
    for pattern, repl in _REWRITES:
        pieces: list[str] = []
        new_origin: list[int] = []
        last = 0
        for m in pattern.finditer(out):
            pieces.append(out[last:m.start()])
            new_origin.extend(origin[last:m.start()])
            if callable(repl):
                # words written out anew ("systolic blood pressure > 140 mmHg or …" for "BP >
                # 140/90"): each piece points into the words it stands for, in order
                replacement = repl(m)
                width = m.end() - m.start()
                new_origin.extend(origin[m.start() + i * width // max(len(replacement), 1)]
                                  for i in range(len(replacement)))
            else:
                replacement = m.expand(repl)
                new_origin.extend([origin[m.start()]] * len(replacement))
            pieces.append(replacement)
            last = m.end()
        pieces.append(out[last:])
        new_origin.extend(origin[last:len(out)])
        new_origin.append(origin[len(out)])
        out, origin = "".join(pieces), new_origin
    return Normalised(out, tuple(origin))
