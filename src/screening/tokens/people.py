"""Token passes for who a criterion is about: age, sex, pregnancy, childbearing potential,
contraception and the patients a rule applies to.
"""

from __future__ import annotations

import re

from lark import Token

from .lexicon import COMPARATORS, PEOPLE, closing_bracket, retyped, skip_over, token


_LABEL_AFTER = frozenset({"COLON", "SEMI", "COMMA", "PERIOD"})


# What may say for how long contraception is to be used ("during the study and for at least 120
# days after the last dose", "from screening until 90 days after the last dose of study drug", "for
# up to 4 weeks after the study").
_PERIOD_TOKENS = frozenset({"DURING_TRIAL", "PERIOD_STATED", "AND", "OR", "ANDOR", "GE", "GT", "LE", "NUMBER",
                            "TIMEUNIT", "AFTER", "BEFORE", "ANCHOR", "AT_ANCHOR", "WITHIN", "WITHIN_NEXT", "TO",
                            "LASTING"})


_PERIOD_WORDS = frozenset({"last", "final", "dose", "doses", "until", "from", "through", "throughout", "completion",
                           "during", "while",
                           "starting", "beginning", "time", "stopping", "stopped", "ending",
                           "plus", "post", "posttreatment",
                           "end", "discontinuation", "administration", "of", "the", "study", "treatment", "drug",
                           "intervention", "period", "trial", "assigned", "medication", "investigational", "product",
                           "thereafter", "afterwards", "afterward"})


# Attributes said "for" a period the profile does not record, as contraception is: planning a
# pregnancy ("within 6 months after the last dose"), not donating sperm ("during this period"),
# not breastfeeding ("starting at screening and throughout the study period"), not joining another
# trial ("while receiving study intervention").
_FOR_A_PERIOD = frozenset({"plans_pregnancy", "no_gamete_donation", "no_breastfeeding_during_study",
                           "no_other_trial_during_study"})


_MANNER_WORDS = frozenset({"simultaneously", "concurrently", "consistently", "correctly", "continuously"})


# What a bracket listing methods of contraception after the word is written in ("hormonal or
# barrier method": the word before "or" shares the method after it).
_METHOD_LIST = frozenset({"CONTRACEPTION", "OR", "COMMA", "SEMI", "AND", "ANDOR", "INCLUDING", "ETC"})
_METHOD_WORDS = frozenset({"hormonal", "oral", "injectable", "intrauterine", "implanted"})


# What may stand between two mentions of one undertaking: "use contraception and agreement to
# continue to practice contraception".
_CONTINUING = frozenset({"agreement", "continue", "continuing", "commitment"})


def contraception_said_again(tokens: list[Token]) -> list[Token]:
    """"… contraception with a failure rate of < 1% per year", "contraception to prevent
    pregnancy", "use of contraception and agreement to continue to practice contraception": how
    effective it is (effective contraception is what the profile records), what it is for, and
    the undertaking to keep using it are the one fact that the patient uses or agrees to use it."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        if out and out[-1].type == "CONTRACEPTION":
            bracketed = t.type == "LPAR"  # "(failure rate < 1% per year)"
            types = [x.type for x in tokens[k + bracketed:k + bracketed + 8]]
            words = [x.value.lower() if x.type == "WORD" else "" for x in tokens[k + bracketed:k + bracketed + 8]]
            rate = 1 + (words[1:2] == ["rate"])
            if words[:1] == ["failure"] and types[rate:rate + 1] in (["LT"], ["LE"]) \
                    and types[rate + 1:rate + 3] == ["NUMBER", "UNIT"] \
                    and tokens[k + bracketed + rate + 2].value == "%" and words[rate + 3:rate + 4] == ["per"] \
                    and types[rate + 4:rate + 5] == ["TIMEUNIT"] \
                    and (not bracketed or types[rate + 5:rate + 6] == ["RPAR"]):
                k += rate + 5 + 2 * bracketed  # "with a failure rate of < 1% per year": highly effective
                continue
            if words[:1] in (["prevent"], ["avoid"]) and types[1:2] == ["PREGNANT"]:
                k += 2  # "to prevent pregnancy", "to avoid pregnancy"
                continue
            if t.type == "COMPLY" and t.value.lower() in ("this protocol", "the protocol"):
                k += 1  # "as detailed in Appendix 4 of this protocol": which methods, not a promise to comply
                continue
            if t.type == "LPAR":
                shut = next((j for j in range(k + 1, len(tokens)) if tokens[j].type == "RPAR"), None)
                inside = tokens[k + 1:shut] if shut is not None else []
                if any(x.type == "CONTRACEPTION" for x in inside) and all(
                        x.type in _METHOD_LIST or x.type == "WORD" and x.value.lower() in _METHOD_WORDS
                        for x in inside):
                    k = shut + 1  # "adequate contraception (hormonal or barrier method of birth control; abstinence)"
                    continue
            more = skip_over(tokens, k + 1, ("WORD",)) if t.type == "AND" else k
            if more > k and more + 1 < len(tokens) and tokens[more].type == "OTHER" \
                    and "additional" in tokens[more].value.lower() and all(
                    _is_word(x, "partner", "partners", "their", "his") for x in tokens[k + 1:more]) \
                    and (tokens[more + 1].type == "CONTRACEPTION" or _is_word(tokens[more + 1], "method", "methods")):
                # "a condom plus an additional highly effective method", "… and have their partner use
                # an additional method of contraception": how many methods, and whose, not recorded
                out[-1] = token("CONTRACEPTION", out[-1].value, out[-1].start_pos, tokens[more + 1].end_pos)
                k = more + 2
                continue
            j = k + 1 if t.type == "AND" else k
            while j < len(tokens) and (tokens[j].type == "ABLE" or tokens[j].type == "WORD"
                                       and tokens[j].value.lower() in _CONTINUING):
                j += 1
            if t.type == "AND" and j < len(tokens) and tokens[j].type == "CONTRACEPTION" \
                    and any(x.type == "WORD" and x.value.lower() in ("continue", "continuing") for x in tokens[k:j]):
                out[-1] = token("CONTRACEPTION", out[-1].value, out[-1].start_pos, tokens[j].end_pos)
                k = j + 1
                continue
        out.append(t)
        k += 1
    return out


def contraception_periods(tokens: list[Token]) -> list[Token]:
    """Drop how long and how many methods of contraception are to be used, which the profile
    does not record: whether the patient uses or agrees to use it (DESIGN §5) is what is checked.
    A period just stated ("during this period") said of anything else stays words."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        if tokens[k].type == "NUMBER" and k + 1 < len(tokens) and tokens[k + 1].type == "CONTRACEPTION":
            k += 1  # "two forms of contraception": the profile says whether, not how many
            continue
        j = len(out) - (2 if out and out[-1].type == "ABLE" else 1)
        if tokens[k].type == "CONTRACEPTION" and j >= 2 and out[j].type in ("OR", "ANDOR") \
                and out[j - 1].type == "COMMA" and out[j - 2].type == "CONTRACEPTION":
            j -= 1  # "agree to be abstinent, or agree to use contraception"
        if tokens[k].type == "CONTRACEPTION" and j >= 1 and out[j].type in ("OR", "ANDOR", "COMMA") \
                and out[j - 1].type == "CONTRACEPTION" and (out[j].type != "COMMA" or out[j + 1].type == "OR"):
            # "be abstinent or agree to use a condom": one method or another is contraception
            out[j - 1:] = [token("CONTRACEPTION", out[j - 1].value, out[j - 1].start_pos, tokens[k].end_pos)]
        else:
            out.append(tokens[k])
        planned = tokens[k].type == "BREASTFEEDING" and k > 0 and tokens[k - 1].type == "QUAL" \
            and tokens[k - 1].value == "planned"  # "intend to breastfeed … within 30 days after the last dose"
        if tokens[k].type == "CONTRACEPTION" or tokens[k].type == "ATTR" and tokens[k].value in _FOR_A_PERIOD \
                or planned:
            # (and for how long a pregnancy is planned: "… within 6 months after the last dose")
            k += _donation_purpose(tokens, k)  # (the period follows the purpose)
            j = k + 1
            if j + 1 < len(tokens) and tokens[j].type in ("COMMA", "THEN") and _period_goes_on(tokens, j + 1):
                j += 1  # "…, for the duration of study and 1 week after"
            while j < len(tokens) and (tokens[j].type in _PERIOD_TOKENS
                                       # "… within the duration of the study, starting with the screening visit …"
                                       or tokens[j].type == "COMMA" and j > k + 1 and _period_goes_on(tokens, j + 1)
                                       or tokens[j].type == "WORD" and tokens[j].value.lower() in _PERIOD_WORDS | _MANNER_WORDS
                                       # "… for the duration of the pregnancy" (a partner's)
                                       or tokens[j].type == "PREGNANT" and tokens[j - 1].type == "LASTING"
                                       # "… after the final dose of atezolizumab": the study's drug
                                       or tokens[j].type == "MED" and (tokens[j - 1].type == "ANCHOR" or
                                                                       tokens[j - 1].type == "WORD" and tokens[j - 1]
                                                                       .value.lower() in ("last", "final"))):
                j += 1
            while j > k + 1 and tokens[j - 1].type in ("AND", "COMMA"):
                j -= 1  # "… after the last dose, and refrain from donating sperm": the next thing agreed
            period = tokens[k + 1:j]
            # (or a closing bracket's whom it is asked of, "… (for participants of childbearing potential)")
            closes = j == len(tokens) or tokens[j].type in ("PERIOD", "SEMI", "AND", "COMMA", "IF")
            # ("for the duration of treatment with study drug plus 5 months post-treatment")
            if closes and (any(t.type in ("DURING_TRIAL", "PERIOD_STATED", "AFTER") for t in period)
                           # "… simultaneously", "… consistently and correctly": how, which is not recorded either
                           or period and all(t.type == "AND" or t.type == "WORD" and t.value.lower() in _MANNER_WORDS
                                             for t in period)
                           or any(a.type == "LASTING" and b.type in ("ANCHOR", "PREGNANT")
                                  for a, b in zip(period, period[1:]))):
                k = j
                continue
        k += 1
    return [retyped(t, "WORD", t.value) if t.type == "PERIOD_STATED" else t for t in out]


def _donation_purpose(tokens: list[Token], k: int) -> int:
    """How many tokens after not donating (at ``k``) say "for the purpose of (assisted)
    reproduction", what any donation of sperm or eggs is for."""
    if tokens[k].value != "no_gamete_donation" or k + 2 >= len(tokens) or not _is_word(tokens[k + 1], "purpose"):
        return 0
    what = tokens[k + 2]
    return 2 if _is_word(what, "reproduction") or what.type == "PROC" and what.value == "ivf" else 0


def _period_goes_on(tokens: list[Token], j: int) -> bool:
    """Whether the token at ``j`` goes on saying for how long (after a comma)."""
    return j < len(tokens) and (tokens[j].type in _PERIOD_TOKENS - {"AND", "OR"}
                                or tokens[j].type == "WORD" and tokens[j].value.lower() in _PERIOD_WORDS)


def item_labels(tokens: list[Token]) -> list[Token]:
    """"Blood test: a. WBC ≥ 4, b. ANC ≥ 1.5", "1) WBC ≥ 4; 2) ANC ≥ 1.5": the letters and
    numbers that label a list's items inside one criterion are not part of them."""
    out: list[Token] = []
    letters: set[str] = set()  # the letters that labelled items so far
    k = 0
    while k < len(tokens):
        t = tokens[k]
        opens = not out or out[-1].type in _LABEL_AFTER
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        letter = t.type == "WORD" and len(t.value) == 1 and t.value.isalpha()
        # "a) not a WOCBP OR b) a WOCBP who …": the next letter after "or" (but "class A or B)" is a value)
        follows = letter and out and out[-1].type in ("OR", "AND") and chr(ord(t.value.lower()) - 1) in letters
        if (opens or follows) and nxt is not None and nxt.type in ("PERIOD", "RPAR") and (
                letter or t.type == "NUMBER" and t.value.isdigit() and int(t.value) <= 30 and nxt.type == "RPAR"):
            if letter:
                letters.add(t.value.lower())
            k += 2  # "b.", "c)", "2)"
            continue
        if opens and t.type in ("RPAR", "PERIOD"):
            letters.add("a")  # (the one letter that is a filler word)
            k += 1  # the label itself was a filler word ("a.") or a dropped number ("1)")
            continue
        out.append(t)
        k += 1
    return out


_AGE_RUN = frozenset({"NUMBER", "TO", "DASH", "BETWEEN", "GT", "GE", "LT", "LE", "TIMEUNIT"})


def _is_word(t: Token, *words: str) -> bool:
    return t.type == "WORD" and t.value.lower() in words


def ages_of_age(tokens: list[Token]) -> list[Token]:
    """"6 to 59 months of age", "≥ 28 days of age", "less than 7 days old": the age named after
    its limits in months, weeks or days (years are YEARS_OLD), read with the name first."""
    for k in range(len(tokens) - 1):
        if tokens[k].type != "TIMEUNIT":
            continue
        if k + 2 < len(tokens) and tokens[k + 1].type == "OF" and tokens[k + 2].type == "MEASURE" \
                and tokens[k + 2].value == "age":
            named = 2
        elif _is_word(tokens[k + 1], "old"):
            named = 1
        else:
            continue
        j = k
        while j > 0 and tokens[j - 1].type in _AGE_RUN:
            j -= 1
        if j > 0 and tokens[j - 1].type == "MEASURE" or not any(t.type == "NUMBER" for t in tokens[j:k]):
            return tokens
        age = token("MEASURE", "age", tokens[k + 1].start_pos, tokens[k + named].end_pos)
        return [*tokens[:j], age, *tokens[j:k + 1], *tokens[k + named + 1:]]
    return tokens


def age_bounds(tokens: list[Token]) -> list[Token]:
    """"≥18 and ≤75 years of age": two bounds that the age written after the second names."""
    out = list(tokens)
    for k in range(len(out) - 5):
        run = [t.type for t in out[k:k + 6]]
        if run[0] in COMPARATORS and run[1] == "NUMBER" and run[2] in ("AND", "COMMA", "TO") \
                and run[3] in COMPARATORS and run[4] == "NUMBER" and run[5] == "YEARS_OLD" \
                and (k == 0 or out[k - 1].type not in ("MEASURE", "NUMBER", "UNIT")):
            out.insert(k, token("MEASURE", "age", out[k].start_pos, out[k].start_pos))
            break
    return out


# The value of a lower age bound whose "≥" was lost to "=" (see ValueReading.cmp)
LOST_LOWER_BOUND = "="


def ages_with_a_lost_bound(tokens: list[Token]) -> list[Token]:
    """"Male or female = 18 years of age and < 60 years": an age "equal" to the lower of two
    bounds, the other an upper one, is a lost "≥" (an age of exactly 18 years and under 60 says
    the second bound for nothing); the reader takes it only where reading it so fails no one."""
    def in_years(t: Token) -> bool:
        return t.type == "YEARS_OLD" or t.type == "TIMEUNIT" and t.value == "years"

    out = list(tokens)
    for k in range(len(out) - 6):
        run = [t.type for t in out[k:k + 7]]
        if run[:2] == ["EQ", "NUMBER"] and in_years(out[k + 2]) and run[3] in ("AND", "COMMA") \
                and run[4:6] in (["LT", "NUMBER"], ["LE", "NUMBER"]) and in_years(out[k + 6]) \
                and float(out[k + 1].value) < float(out[k + 5].value):
            out[k] = retyped(out[k], "GE", LOST_LOWER_BOUND)
    return out


def women_with(tokens: list[Token]) -> list[Token]:
    """"Postmenopausal women aged 50 to 80": women who are postmenopausal, the sex first (the
    subject of the clause) and the condition said of them. "Postmenopausal women with
    osteoporosis", "postmenopausal females on estrogen replacement therapy": what follows ("with"
    and "on" are filler) is said of them too, so both are asked — only where no list follows,
    which "and" would join wrongly ("… with osteoporosis or osteopenia")."""
    if len(tokens) > 2 and tokens[0].type == "COND" and tokens[1].type in ("FEMALE", "MALE"):
        sexed = [tokens[1], tokens[0]]
        if tokens[2].type in _SAID_OF_THE_SEXED and not any(t.type in _WITH_BREAKERS for t in tokens[2:]):
            sexed.append(token("AND", "with", tokens[2].start_pos, tokens[2].start_pos))  # both, in an exclusion too
        return [*sexed, *tokens[2:]]
    return tokens


# What "postmenopausal women" may be said to have, or to be on
_SAID_OF_THE_SEXED = frozenset({"COND", "MED", "PROC", "QUAL"})


_SAID_OF_THE_PREGNANT = frozenset({"MEASURE", "COND", "GT", "GE", "LT", "LE", "BETWEEN", "NUMBER"})


_WITH_BREAKERS = frozenset({"OR", "COMMA", "ANDOR", "SEMI"})  # a list that "with" would not carry


def pregnant_with(tokens: list[Token]) -> list[Token]:
    """"Pregnant women at ≥ 20 weeks gestation", "pregnant women aged 18 to 45", "pregnant women
    with type 1 diabetes": a value or a condition said of the pregnant women, both required."""
    tokens = _pregnancy_shown_by_a_test(tokens)
    if any(t.type in _WITH_BREAKERS for t in tokens):
        return tokens  # "pregnant women at ≥ 20 weeks or postpartum": which the list joins is not plain
    out: list[Token] = []
    for t in tokens:
        if out and out[-1].type == "PREGNANT" and t.type in _SAID_OF_THE_PREGNANT \
                and not (len(out) > 1 and out[-2].type == "NEG"):  # "non-pregnant women aged …" is read already
            out.append(token("AND", "", t.start_pos, t.start_pos))
        out.append(t)
    return out


# When the test that shows a pregnancy was done ("…, as confirmed by a positive serum pregnancy test
# at screening")
_TEST_TIMES = frozenset({"AT_ANCHOR", "WITHIN", "NUMBER", "TIMEUNIT", "BEFORE", "ANCHOR"})


def _pregnancy_shown_by_a_test(tokens: list[Token]) -> list[Token]:
    """"Pregnancy (confirmed by a positive pregnancy test)", "pregnant, as confirmed by a positive
    serum pregnancy test", "not pregnant (as confirmed by a negative urine or serum human chorionic
    gonadotrophin (hCG) test)", "current pregnancy (documented by pregnancy testing within 24 hours
    prior to scanning)": how the pregnancy (or its absence) is shown, which says no more."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        out.append(t)
        k += 1
        if t.type != "PREGNANT" or k + 1 >= len(tokens) or tokens[k + 1].type != "DETERMINED_BY":
            continue
        if tokens[k].type == "LPAR":
            shut = closing_bracket(tokens, k)
            inside = tokens[k + 2:shut]
            if shut is not None and any(x.type == "PREGNANCY_TEST" or x.type == "MEASURE" and "hcg" in x.value
                                        for x in inside):
                k = shut + 1  # (anything in the brackets says when or how the test was done)
            continue
        test = skip_over(tokens, k + 2, ("POSITIVE", "NEGATIVE"))
        if tokens[k].type != "COMMA" or test >= len(tokens) or tokens[test].type != "PREGNANCY_TEST":
            continue
        end = skip_over(tokens, test + 1, tuple(_TEST_TIMES))
        if end == len(tokens) or tokens[end].type in ("PERIOD", "SEMI"):
            k = end
    return out


# What can end an age limit ("aged 18 years or older", "18-75 years", "≥ 18 years of age")
_AGE_ENDS = frozenset({"TIMEUNIT", "YEARS_OLD", "GE", "LE", "GT", "LT", "NUMBER", "INCLUSIVE"})


_AGE_ITEM_SEPS = frozenset({"COMMA", "AND", "OR", "ANDOR", "SEMI", "COLON", "LPAR", "RPAR"})


def age_with(tokens: list[Token]) -> list[Token]:
    """"Adults aged 18 years or older with type 2 diabetes", "patients with NSCLC aged ≥ 18": the
    age and the condition are both said of the patient (the "with" between them is filler)."""
    out: list[Token] = []
    since = 0  # where the current list item began
    for t in tokens:
        if out and t.type in ("QUAL", "COND") and out[-1].type in _AGE_ENDS and any(
                x.type == "YEARS_OLD" or x.type == "MEASURE" and x.value == "age" for x in out[since:]):
            out.append(token("AND", "", t.start_pos, t.start_pos))
        elif out and t.type == "MEASURE" and t.value == "age" and out[-1].type == "COND":
            out.append(token("AND", "", t.start_pos, t.start_pos))
        if t.type in _AGE_ITEM_SEPS:
            since = len(out) + 1
        out.append(t)
    return out


# "… in patients > 18 years", "… in children 2 to 12 years": the people a condition is named in
_IN_PEOPLE = re.compile(rf"(?i)\s+in\s+(?:{PEOPLE}|adults|children)\s*$")


def ages_of_those_with(tokens: list[Token], text: str) -> list[Token]:
    """"Erythema migrans in patients > 18 years": a limit in time said of the patients a condition
    is named in is their age, asked with the condition (as "in patients aged > 18" is)."""
    for k in range(1, len(tokens) - 1):
        if tokens[k - 1].type != "COND" or not _IN_PEOPLE.search(text[tokens[k - 1].end_pos:tokens[k].start_pos]):
            continue
        j = k
        while j < len(tokens) and tokens[j].type in _AGE_RUN | {"YEARS_OLD"}:
            j += 1
        run = tokens[k:j]
        if run and run[-1].type in ("TIMEUNIT", "YEARS_OLD") and any(t.type == "NUMBER" for t in run) \
                and (j == len(tokens) or tokens[j].type in _AGE_ITEM_SEPS | {"PERIOD"}):
            at = tokens[k].start_pos
            return [*tokens[:k], token("AND", "", at, at), token("MEASURE", "age", at, at), *tokens[k:]]
    return tokens


_WOMEN_AFTER = re.compile(r"(?i)^\s*(?:females?|women|woman)\b")


_STATUS_SEPS = frozenset({"COMMA", "AND"})


def sexed_statuses(tokens: list[Token], text: str) -> list[Token]:
    """"Male or non-pregnant, non-lactating females aged 18-75", "Non-pregnant women aged 18 to
    45": the women named after their statuses are one item, men (if named) another, and what
    follows is asked of all: (male or (female and not pregnant and not breastfeeding)) and …"""
    male = len(tokens) > 2 and tokens[0].type == "MALE" and tokens[1].type == "OR"
    k = 2 if male else 0
    statuses: list[Token] = []
    while k + 1 < len(tokens) and tokens[k].type == "NEG" and tokens[k + 1].type in ("PREGNANT", "BREASTFEEDING"):
        statuses += tokens[k:k + 2]
        k += 2
        if k + 2 < len(tokens) and tokens[k].type in _STATUS_SEPS and tokens[k + 1].type == "NEG":
            statuses.append(tokens[k])
            k += 1
    if not statuses or not _WOMEN_AFTER.match(text[statuses[-1].end_pos:]):
        return tokens
    rest = tokens[k:]
    if rest and rest[0].type == "COMMA" and len(rest) > 1:
        rest = rest[1:]  # "Male or non-pregnant female, 18 years or older"
    if rest and rest[0].type not in ("MEASURE", "NUMBER"):
        return tokens
    at = statuses[0].start_pos
    women = [token("SEX_ITEM", "female", at, at), token("AND", "", at, at), *statuses]
    if male:
        women = [token("LPAR", "", at, at), retyped(tokens[0], "SEX_ITEM", "male"), tokens[1],
                 token("LPAR", "", at, at), *women, token("RPAR", "", at, at), token("RPAR", "", at, at)]
    return women + ([token("AND", "", rest[0].start_pos, rest[0].start_pos)] if rest else []) + rest


_PATIENTS_WITH = re.compile(rf"(?i)\b(?:{PEOPLE}|those)\s+"
                            r"(?:who\s+have\s+(?:had\s+)?|with\s+)(?:an?\s+)?(?:known\s+)?$")


_CONDITION_NAMING = frozenset({"COND", "QUAL", "OR", "AND", "ANDOR", "COMMA"})

# "Patients with Gilbert's syndrome may have bilirubin ≤ 3 × ULN": a permission, in words the
# lexicon passes over ("may", "have")
_MAY_HAVE = re.compile(r"(?i)^\s*,?\s*(?:may|can|could|are\s+allowed\s+to|are\s+permitted\s+to)\s+"
                       r"(?:also\s+|still\s+)?have(?:\s+an?)?\s*$")


def _asked_of(out: list[Token], tokens: list[Token], start: int, end: int, then: str, at: int) -> None:
    """Append "if … then" around ``tokens[start:end]``, the names of the patients a limit is asked of."""
    out.append(token("IF", "", tokens[start].start_pos, tokens[start].start_pos))
    out.extend(tokens[start:end])
    out.append(token("THEN", then, at, at))


def patients_with(tokens: list[Token], text: str) -> list[Token]:
    """"Patients with diabetes must have HbA1c < 8%": what is asked of the patients who have the
    condition (if diabetes then …), not a requirement to have it. "… may have …" is a looser
    limit allowed them: its THEN says "may", for the reader to check what is allowed.

    Without a verb, "Patients with liver metastases: ALT ≤ 5 × ULN" and "Subjects with bone
    metastases ALP ≤ 5 × ULN" are asked of those patients too (so is one after a limit and a
    comma, "ALT ≤ 2.5 × ULN, patients with liver metastases ALT ≤ 5 × ULN"): after a colon, or when what is
    asked is a limit in multiples of the normal range (an organ's function, which no population
    is described by). Otherwise ("Patients with type 2 diabetes, HbA1c 7–10%") the words may as
    well describe whom the trial takes: the THEN says "unsaid", for the reader to leave an
    inclusion unread."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        opens = k == 0 or tokens[k - 1].type in ("PERIOD", "SEMI")
        j = k
        while j < len(tokens) and tokens[j].type in _CONDITION_NAMING:
            j += 1
        begin = tokens[k - 1].end_pos if k else 0
        may = j > k and j < len(tokens) and _MAY_HAVE.match(text[tokens[j - 1].end_pos:tokens[j].start_pos])
        whom = opens and any(t.type == "COND" for t in tokens[k:j]) \
            and _PATIENTS_WITH.search(text[begin:tokens[k].start_pos])
        if whom and j < len(tokens) and (tokens[j].type == "MUST" and j + 1 < len(tokens) or may):
            _asked_of(out, tokens, k, j, "may" if may else "", tokens[j].start_pos)
            k = j
            continue
        named = _names_end(tokens, k, j)
        asked = named + (named < len(tokens) and tokens[named].type in ("COLON", "COMMA"))
        after_limit = k > 1 and tokens[k - 1].type == "COMMA" and tokens[k - 2].type in ("ULN", "LLN", "UNIT") \
            and any(x.type == "COND" for x in tokens[k:j]) and _PATIENTS_WITH.search(text[begin:tokens[k].start_pos])
        if (whom or after_limit) and asked < len(tokens) and tokens[asked].type == "MEASURE" and not may:
            said = tokens[named].type == "COLON" or _normal_multiple_after(tokens, asked)
            _asked_of(out, tokens, k, named, "" if said else "unsaid", tokens[asked].start_pos)
            k = asked
            continue
        out.append(tokens[k])
        k += 1
    return out


def _names_end(tokens: list[Token], k: int, j: int) -> int:
    """The end of the conditions named from ``k`` to ``j``, less the separators after them."""
    while j > k and tokens[j - 1].type in ("OR", "AND", "ANDOR", "COMMA"):
        j -= 1
    return j


_MEASURE_LIST = frozenset({"MEASURE", "AND", "OR", "ANDOR", "COMMA"})


def _normal_multiple_after(tokens: list[Token], k: int) -> bool:
    """Whether the measures from ``k`` are limited in multiples of the normal range: "ALT and
    AST ≤ 5 × ULN"."""
    while k < len(tokens) and tokens[k].type in _MEASURE_LIST:
        k += 1
    if k + 2 >= len(tokens) or tokens[k].type not in COMPARATORS or tokens[k + 1].type != "NUMBER":
        return False
    times = tokens[k + 2].type == "TIMES"
    return k + 2 + times < len(tokens) and tokens[k + 2 + times].type in ("ULN", "LLN")


_ITEM_SEPS = frozenset({"COMMA", "OR", "ANDOR"})


_ITEM_ENDS = frozenset({"PERIOD", "SEMI", "COLON", "RPAR", "COMMA", "THEN"})


def not_childbearing_or(tokens: list[Token]) -> list[Token]:
    """"Must be of non-childbearing potential or, if of childbearing potential, use contraception",
    "(at least one of the following applies:) is not a WOCBP OR is a WOCBP and using
    contraception": not A, or A and B, is "A must B" — one "of childbearing potential" that the
    next pass reads as a subject or as an item about those women."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        j = skip_over(tokens, k + 1, ("FEMALE",)) if tokens[k].type == "NEG" else k
        if j > k and j < len(tokens) and tokens[j].type == "CBP":
            m = skip_over(tokens, j + 1, ("COMMA",))
            listed = _options_open(out)  # the alternatives as items
            if m < len(tokens) and (tokens[m].type == "OR" or listed and tokens[m].type in ("PERIOD", "SEMI")):
                m = skip_over(tokens, m + 1, ("COMMA", "IF", "FEMALE"))
                if m < len(tokens) and tokens[m].type in ("CBP", "CBP_ITEM"):
                    end = skip_over(tokens, m + 1, ("COMMA", "AND"))
                    if _options_open(out):
                        del out[-2:]  # "at least one of the following applies:" the two alternatives
                        if len(out) > 1 and out[-1].type == "AND" and out[-2].type != "COMMA":
                            # "not pregnant or breastfeeding AND one of the following applies": the
                            # heading closed the list before it, as ", and" does
                            out.insert(len(out) - 1, token("COMMA", "", out[-1].start_pos, out[-1].start_pos))
                    out.append(token("CBP", tokens[m].value, tokens[k].start_pos, tokens[m].end_pos))
                    k = end
                    continue
                use = skip_over(tokens, m, ("ABLE", "MUST"))
                if m < use < len(tokens) and tokens[use].type == "CONTRACEPTION" and tokens[k].value in ("not", "non") \
                        and all(t.type in ("FEMALE", "MUST") for t in out):
                    # "(women) of non-childbearing potential or using highly effective contraception":
                    # the contraception is asked of those who could conceive, as above ("not pregnant
                    # or contraception", with no verb, could be "neither"); a requirement, so "must"
                    out.append(token("CBP", tokens[j].value, tokens[k].start_pos, tokens[j].end_pos))
                    if not any(t.type == "MUST" for t in out) and tokens[m].type != "MUST":
                        out.append(token("MUST", "must", tokens[m].start_pos, tokens[m].start_pos))
                    k = m
                    continue
        out.append(tokens[k])
        k += 1
    return out


def _options_open(out: list[Token]) -> bool:
    """Whether the tokens end with "one of the following applies:" (its colon perhaps the "then"
    of an "If female, …" before it)."""
    return len(out) > 1 and out[-2].type == "ANY_OF" and (
        out[-1].type == "COLON" or out[-1].type == "THEN" and out[-1].value == ":")


_STOP_WORDS = frozenset({"stop", "discontinue", "cease"})


def unwilling_to_stop(tokens: list[Token]) -> list[Token]:
    """"Women who are breastfeeding and unwilling to stop", "lactating women who do not agree to
    discontinue breastfeeding": breastfeeding now and not agreeing not to during the study (the
    attribute no_breastfeeding_during_study, negated) — both, joined by "and"."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        if t.type == "WORD" and t.value.lower() in _STOP_WORDS and k + 1 == len(tokens) and len(out) > 2 \
                and [x.type for x in out[-3:]] == ["BREASTFEEDING", "AND", "NEG"]:
            t = token("ATTR", "no_breastfeeding_during_study", t.start_pos, t.end_pos)  # "… and unwilling to stop"
        if t.type == "NEG" and out and out[-1].type == "BREASTFEEDING":
            j = skip_over(tokens, k + 1, ("ABLE",))
            if j < len(tokens) and tokens[j].type == "ATTR" and tokens[j].value == "no_breastfeeding_during_study":
                out.append(token("AND", "", t.start_pos, t.start_pos))
        out.append(t)
    return out


def breastfeeding_partner_included(tokens: list[Token]) -> list[Token]:
    """"Men with female partner(s) of childbearing potential (including breastfeeding partner)":
    a partner who is breastfeeding can conceive, so the bracket names no one the group leaves out."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        out.append(t)
        k += 1
        if t.type == "SUBGROUP" and t.value == "partner_childbearing_potential" and k + 2 < len(tokens) \
                and [x.type for x in tokens[k:k + 3]] == ["LPAR", "INCLUDING", "BREASTFEEDING"]:
            end = k + 3
            while end < len(tokens) and tokens[end].type == "WORD" and tokens[end].value.lower().startswith("partner"):
                end += 1
            if end < len(tokens) and tokens[end].type == "RPAR":
                k = end + 1
    return out


def subgroup_after_sex(tokens: list[Token]) -> list[Token]:
    """"Sexually active males must use a condom": the sex first, then whom among them (as in
    "males who are sexually active")."""
    out = list(tokens)
    for k in range(len(out) - 1):
        if out[k].type == "SUBGROUP" and out[k + 1].type in ("FEMALE", "MALE") and (k == 0 or out[k - 1].type in (
                "PERIOD", "SEMI", "COMMA", "OR", "AND", "IF")):
            out[k], out[k + 1] = out[k + 1], out[k]
    return out


def women_planning(tokens: list[Token]) -> list[Token]:
    """"Pregnant or lactating women, or women planning to become pregnant": the later "women" opens
    a list item that planning a pregnancy already says of women (the reader adds the sex)."""
    return [t for k, t in enumerate(tokens)
            if not (t.type == "FEMALE" and 0 < k < len(tokens) - 1 and tokens[k - 1].type in _ITEM_SEPS | {"AND"}
                    and tokens[k + 1].type == "ATTR" and tokens[k + 1].value == "plans_pregnancy")]


# What a woman who cannot conceive is, in the lists that offer it instead of contraception
# ("postmenopausal, surgically sterile, or using effective contraception").
_CANNOT_CONCEIVE = frozenset({"menopause", "surgical_sterilization", "hysterectomy", "oophorectomy",
                              "bilateral_oophorectomy", "tubal_ligation"})


_OPTION_SEPS = frozenset({"COMMA", "OR", "ANDOR"})


def sterile_or_contracepting(tokens: list[Token]) -> list[Token]:
    """"Women must be postmenopausal, surgically sterile, or using effective contraception": one
    who can conceive (and so is neither) must use contraception, as "women of childbearing
    potential must use contraception" says (CBP); a woman who cannot is not asked. Written after
    a list about pregnancy ("not pregnant or lactating, they may be postmenopausal … or using
    contraception"), the options are one more requirement (", and"). Men's options (a man's
    sterility is not a woman's childbearing potential) are left as they are. "Women who have not
    undergone menopause or surgical sterilization" are those who could conceive (CBP) — when both
    ways of not being able to are named, and no "or contraception" follows that the "not" might
    reach too. "At least 2 years postmenopausal" is postmenopausal for at least 2 years,
    "premenopausal" not postmenopausal, and "regular menstrual cycles" none of what stops them."""
    tokens = _years_postmenopausal(_regular_cycles(_premenopausal(tokens)))
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        j, named = _cannot_conceive_run(tokens, k)
        last_sep = [t.type for t in tokens[k:j]][-2:]
        use = j
        while use < len(tokens) and tokens[use].type == "ABLE":
            use += 1
        contracepting = use < len(tokens) and tokens[use].type == "CONTRACEPTION"
        sentence = out[_sentence_start(out):]
        said_of_men = any(t.type == "MALE" for t in sentence) and not any(t.type == "FEMALE" for t in sentence)
        # (not a later item of a list: "not postmenopausal, surgically sterile or using contraception")
        listed = bool(out) and (out[-1].type == "NEG" or out[-1].type in _OPTION_SEPS and len(out) > 1
                                and out[-2].type in ("COND", "PROC", "QUAL", "NEG"))
        if j > k and contracepting and {"OR", "ANDOR"} & set(last_sep) and not listed and not said_of_men:
            if out and out[-1].type == "COMMA" and len(out) > 1 and out[-2].type not in _LABEL_AFTER:
                out.append(token("AND", "", tokens[k].start_pos, tokens[k].start_pos))
            out.append(token("CBP", "of childbearing potential", tokens[k].start_pos, tokens[j - 1].end_pos))
            k = j
            continue
        if tokens[k].type == "NEG" and out and out[-1].type == "FEMALE" and not said_of_men:
            j, named = _cannot_conceive_run(tokens, k + 1)
            ends = j == len(tokens) or tokens[j].type not in _OPTION_SEPS | {"ABLE", "CONTRACEPTION"}
            if "menopause" in named and len(named) > 1 and ends and tokens[j - 1].type not in _OPTION_SEPS:
                out.append(token("CBP", "of childbearing potential", tokens[k].start_pos, tokens[j - 1].end_pos))
                k = j
                continue
        out.append(tokens[k])
        k += 1
    return out


_CYCLES = (("menstrual", "cycles"), ("menstrual", "cycle"), ("menses",), ("menstruation",), ("menstrual", "periods"))
# What a woman with regular menstrual cycles does not have
_NO_REGULAR_CYCLES = ("menstrual_irregularity", "amenorrhea", "menopause")


def _regular_cycles(tokens: list[Token]) -> list[Token]:
    """"(Women aged 18 to 45 with) regular menstrual cycles", "regular menses": none of irregular
    cycles, amenorrhea or the menopause (in brackets, so that the "not" reaches only them).
    Menopause is seldom listed, so this fails only whom the record shows without regular cycles.
    Not with a length after it ("regular menstrual cycles of 21-35 days", "… every 25-40 days"),
    which a profile does not record, nor after "history of" (a past)."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        named = next((len(c) for c in _CYCLES if all(k + 1 + j < len(tokens) and _is_word(tokens[k + 1 + j], w)
                                                       for j, w in enumerate(c))), 0) if _is_word(t, "regular") else 0
        end = k + 1 + named
        if not named or end < len(tokens) and tokens[end].type not in ("PERIOD", "SEMI", "COMMA", "AND", "OR") \
                or out and out[-1].type == "QUAL":
            out.append(t)
            k += 1
            continue
        at, stop = t.start_pos, tokens[end - 1].end_pos
        if out and out[-1].type not in ("PERIOD", "SEMI", "COMMA", "AND", "OR", "ANDOR", "LPAR", "COLON", "FEMALE",
                                        "MUST", "IF", "THEN", "NEG"):
            out.append(token("AND", "with", at, at))  # "… aged 18 to 45 years with regular menstrual cycles"
        out.extend((token("LPAR", "", at, at), token("NEG", "not", at, at)))
        for j, concept in enumerate(_NO_REGULAR_CYCLES):
            if j:
                out.append(token("OR", "", stop, stop))
            out.append(token("COND", concept, at, stop))
        out.append(token("RPAR", "", stop, stop))
        k = end
    return out


_PREMENOPAUSAL = frozenset({"premenopausal", "pre-menopausal"})


def _premenopausal(tokens: list[Token]) -> list[Token]:
    """"Premenopausal women", "pre- or perimenopausal women": women who have not reached the
    menopause (as "women who are not postmenopausal"), the women named first and what follows said
    of them too, as of "postmenopausal women with …" (the "not" in brackets, so that it does not
    reach it). A woman recorded as perimenopausal is neither postmenopausal nor known not to be
    (menopause is seldom listed), so she waits either way. Not in a list ("premenopausal or
    postmenopausal"), which the "not" would reach."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        end = _premenopausal_end(tokens, k)
        if end is None or end < len(tokens) and tokens[end].type in _WITH_BREAKERS | {"AND"}:
            out.append(t)
            k += 1
            continue
        k = end
        if k < len(tokens) and tokens[k].type == "FEMALE":
            out.append(tokens[k])  # the women first
            k += 1
        at = t.start_pos
        out.extend((token("LPAR", "", at, at), token("NEG", "not", at, at),
                    token("COND", "menopause", at, tokens[end - 1].end_pos), token("RPAR", "", at, at)))
        if k < len(tokens) and tokens[k].type in _SAID_OF_THE_SEXED | {"MEASURE"} and not any(
                x.type in _WITH_BREAKERS for x in tokens[k:]):
            out.append(token("AND", "with", tokens[k].start_pos, tokens[k].start_pos))  # (or "aged …")
    return out


def _premenopausal_end(tokens: list[Token], k: int) -> int | None:
    """The end of "premenopausal", "pre-menopausal" (split at its hyphen) or "pre- or
    perimenopausal" at ``k``, if it is there."""
    t = tokens[k]
    if _is_word(t, *_PREMENOPAUSAL):
        end = k + 1
    elif _is_word(t, "pre") and k + 1 < len(tokens) and tokens[k + 1].type == "COND" \
            and tokens[k + 1].value == "menopause" and tokens[k + 1].start_pos - t.end_pos <= 1:
        end = k + 2
    elif _is_word(t, "pre") and k + 1 < len(tokens) and tokens[k + 1].type == "OR":
        end = k + 1  # "pre- or perimenopausal" (only so)
    else:
        return None
    if end + 1 < len(tokens) and tokens[end].type == "OR" and tokens[end + 1].type == "COND" \
            and tokens[end + 1].value == "perimenopause":
        return end + 2  # "… or perimenopausal": not postmenopausal either
    return end if end > k + 1 or _is_word(t, *_PREMENOPAUSAL) else None


def _years_postmenopausal(tokens: list[Token]) -> list[Token]:
    """"≥ 2 years postmenopausal", "1 year post-menopausal" (at least), the time written right
    before the word (no "with" between, as in "≥ 18 years with diabetes", which is an age): how
    long since the menopause, read as "postmenopausal for ≥ 2 years" — in brackets, so that the
    time does not reach what a list names before it ("surgically sterile or ≥ 2 years
    postmenopausal")."""
    out: list[Token] = []
    for t in tokens:
        out.append(t)
        if len(out) < 3:
            continue
        number, unit, state = out[-3:]
        if number.type != "NUMBER" or unit.type != "TIMEUNIT" or state.type != "COND" \
                or state.value != "menopause" or state.start_pos - unit.end_pos > 1:
            continue
        compared = len(out) > 3 and out[-4].type in ("GE", "GT")
        if len(out) > 3 + compared and out[-4 - compared].type == "MEASURE":
            continue  # "aged 55 years postmenopausal": an age
        del out[-3:]
        cmp = out.pop() if compared else token("GE", "", number.start_pos, number.start_pos)
        at, end = cmp.start_pos, state.end_pos
        out.extend((token("LPAR", "", at, at), state, token("LASTING", "", end, end), cmp, number, unit,
                    token("RPAR", "", end, end)))
    return out


def _cannot_conceive_run(tokens: list[Token], k: int) -> tuple[int, set[str]]:
    """The end of a list from ``k`` of ways of being unable to conceive ("postmenopausal for at
    least 12 months, surgically sterile or"), with its separators, and the ways it names."""
    j = k
    named: set[str] = set()
    while j < len(tokens):
        # (the brackets of _years_postmenopausal, which the words do not have)
        bracketed = tokens[j].type == "LPAR" and tokens[j].start_pos == tokens[j].end_pos
        q = j + bracketed
        while q < len(tokens) and tokens[q].type == "QUAL":
            q += 1
        if q < len(tokens) and tokens[q].type in ("COND", "PROC") and tokens[q].value in _CANNOT_CONCEIVE:
            named.add(tokens[q].value)
            j = q + 1
            at = j + (j < len(tokens) and tokens[j].type == "LASTING")
            at += at < len(tokens) and tokens[at].type in ("GE", "GT")
            if at > j and at + 1 < len(tokens) and tokens[at].type == "NUMBER" and tokens[at + 1].type == "TIMEUNIT":
                j = at + 2  # "postmenopausal for at least 12 months"
            j += bracketed and j < len(tokens) and tokens[j].type == "RPAR"
            seps = j
            while j < len(tokens) and tokens[j].type in _OPTION_SEPS:
                j += 1
            if j > seps:
                continue
        break
    return j, named


def _sentence_start(out: list[Token]) -> int:
    """Where the sentence that ``out`` ends with began."""
    k = len(out)
    while k > 0 and out[k - 1].type not in ("PERIOD", "SEMI"):
        k -= 1
    return k


def able_to_conceive_during(tokens: list[Token]) -> list[Token]:
    """"Possibility of becoming pregnant during this study": a woman who could become pregnant
    during the study is one of childbearing potential now; the period adds nothing to it."""
    return [t for k, t in enumerate(tokens) if not (t.type == "DURING_TRIAL" and k > 0 and tokens[k - 1].type == "CBP")]


def childbearing_items(tokens: list[Token]) -> list[Token]:
    """"Pregnant or nursing women, or women of childbearing potential not using contraception":
    "of childbearing potential" after a list's separator, with words of its own after it, opens
    an item about those women (CBP_ITEM), not the whole clause's subject."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if t.type == "CBP" and nxt is not None and nxt.type not in _ITEM_ENDS:
            woman = out[-1] if out and out[-1].type == "FEMALE" else None
            before = out[:-1] if woman is not None else out
            j = len(before)
            while j > 0 and before[j - 1].type in _ITEM_SEPS | {"AND"}:
                j -= 1  # ", or", ", and" (but "men and women of childbearing potential" is one subject)
            if j < len(before) and j > 0 and before[j - 1].type not in ("LPAR", "FEMALE", "MALE"):
                if woman is not None:
                    out.pop()
                out.append(token("CBP_ITEM", t.value, (woman or t).start_pos, t.end_pos))
                continue
        out.append(t)
    return out


_AGE_WORDS = re.compile(r"\b(?:older|younger)\b", re.IGNORECASE)


_AND_AGE = {"and younger": "LT", "and older": "GT"}


_UNITS_AFTER = frozenset({"UNIT", "TIMEUNIT", "YEARS_OLD", "ULN", "LLN", "TIMES"})


def ages_of_patients(tokens: list[Token]) -> list[Token]:
    """"≤ 1.0 mg/dL for patients 6 to 10", "for patients 5 and under": bare numbers said of the
    patients themselves, with no unit, are their ages."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        out.append(t)
        if t.type != "IF" or t.value.lower() not in _OF_PATIENTS:
            continue
        rest = [x.type for x in tokens[k + 1:k + 5]]
        ranged = rest[:3] in (["NUMBER", "TO", "NUMBER"], ["NUMBER", "DASH", "NUMBER"])
        bounded = rest[:2] in (["NUMBER", "LE"], ["NUMBER", "GE"])
        ends = rest[3 if ranged else 2:][:1]
        if (ranged or bounded) and ends in ([], ["PERIOD"], ["SEMI"], ["COMMA"], ["RPAR"]):
            nxt = tokens[k + 1]
            out.append(token("MEASURE", "age", nxt.start_pos, nxt.start_pos))
    return out


_OF_PATIENTS = frozenset({"for patients", "for subjects", "for participants"})


def ages_by_word(tokens: list[Token]) -> list[Token]:
    """"Patients 59 and younger", "older than 18": a bare number that only an age can be older
    or younger than is an age (in years, as an age with no unit is)."""
    out: list[Token] = []
    than = False  # the "than" of an "and younger than" already read
    for k, t in enumerate(tokens):
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if than:
            than = False
            continue
        if t.type in COMPARATORS and t.value in _AND_AGE and nxt is not None and nxt.type == "WORD" \
                and nxt.value.lower() == "than":
            # "older than 18 and younger than 65": "and younger" was read as one comparator
            out.append(token("AND", "and", t.start_pos, t.start_pos + 3))
            out.append(token(_AND_AGE[t.value], t.value, t.start_pos + 4, nxt.end_pos))
            than = True
            continue
        out.append(t)
    for k, t in enumerate(out):
        if t.type not in COMPARATORS or not _AGE_WORDS.search(t.value):
            continue
        before = k - 1 if k > 0 and out[k - 1].type == "NUMBER" else None  # "59 and younger"
        after = k + 1 if before is None and k + 1 < len(out) and out[k + 1].type == "NUMBER" else None
        number = before if before is not None else after
        if number is None or number + 1 < len(out) and out[number + 1].type in _UNITS_AFTER:
            continue
        first = min(number, k)
        if first > 0 and out[first - 1].type in COMPARATORS | {"MEASURE", "NUMBER", "UNIT"}:
            continue
        out.insert(first, token("MEASURE", "age", out[first].start_pos, out[first].start_pos))
        break
    return out


def childbearing_said_apart(tokens: list[Token]) -> list[Token]:
    """The people who could conceive (or father a child) named apart from what is asked of them,
    or in another order than the grammar's subject: see the three steps."""
    return _headings_and_brackets(_groups_in_order(_defined_with_an_exception(tokens)))


def _defined_with_an_exception(tokens: list[Token]) -> list[Token]:
    """"Women of child-bearing potential, defined as all women physiologically capable of becoming
    pregnant, unless they are using highly effective methods of contraception": those not using
    it (what the words mean is the profile's childbearing potential); "Sexually active males
    unless they use a condom …" likewise, and "… and should not father a child in this period" is
    what the condom is for; "… who are not using or not willing to use contraception": either
    way, not using it."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        if t.type == "COMMA" and out and out[-1].type == "CBP" and k + 2 < len(tokens) \
                and tokens[k + 1].type == "DETERMINED_BY":
            end = skip_over(tokens, k + 2, ("FEMALE", "WORD", "CBP"))
            if end > k + 2 and (end == len(tokens) or tokens[end].type in ("COMMA", "EXCEPT", "PERIOD", "SEMI")):
                k = end + (end < len(tokens) and tokens[end].type == "COMMA")
                continue
        use = skip_over(tokens, k + 1, ("ABLE",))
        if t.type == "EXCEPT" and t.value.lower() == "unless" and use < len(tokens) \
                and tokens[use].type == "CONTRACEPTION" and out \
                and out[-1].type in ("CBP", "SUBGROUP", "MALE", "FEMALE") \
                and any(x.type in ("CBP", "SUBGROUP") for x in out[-2:]):
            out.append(token("NEG", "not", t.start_pos, t.end_pos))
            k += 1
            continue
        use = skip_over(tokens, k + 4, ("ABLE",))
        if t.type == "NEG" and [x.type for x in tokens[k + 1:k + 4]] == ["ABLE", "OR", "NEG"] \
                and use < len(tokens) and tokens[use].type == "CONTRACEPTION":
            out.append(token("NEG", t.value, t.start_pos, tokens[k + 3].end_pos))
            k += 4
            continue
        said = skip_over(tokens, k + 1, ("MUST",))
        if t.type == "AND" and said + 1 < len(tokens) and tokens[said].type == "NEG" \
                and _is_word(tokens[said + 1], *_FATHERING) \
                and (said + 2 == len(tokens) or tokens[said + 2].type in ("PERIOD", "SEMI")) \
                and any(x.type == "CONTRACEPTION" for x in out[_sentence_start(out):]):
            k = said + 2  # "… and should not father a child (in this period)"
            continue
        out.append(t)
        k += 1
    return out


def _groups_in_order(tokens: list[Token]) -> list[Token]:
    """Groups in the order the subject grammar reads them: "Male participants able to father
    children and female participants of childbearing potential (and at risk for pregnancy) must
    …", the women first (at risk for pregnancy: sexually active, with a man); "Fertile women",
    the women first; "Women of childbearing potential who are sexually active (and) …", whom
    among them first, as in "sexually active women of childbearing potential"."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        opens = not out or out[-1].type in ("PERIOD", "SEMI")
        men = [x.type for x in tokens[k:k + 3]] == ["MALE", "SUBGROUP", "AND"]
        who = skip_over(tokens, k + 3, ("FEMALE",)) if men else k
        if opens and men and who < len(tokens) and tokens[who].type == "CBP":
            at_risk = [x.type for x in tokens[who + 1:who + 4]] == ["AND", "RISK", "PREGNANT"]
            end = who + 1 + 3 * at_risk
            if end < len(tokens) and tokens[end].type in ("MUST", "ABLE"):
                out.append(token("FEMALE", "women", tokens[who].start_pos, tokens[who].start_pos))
                if at_risk:
                    risk = tokens[who + 2]
                    out.append(token("SUBGROUP", "sexually_active", risk.start_pos, tokens[who + 3].end_pos))
                out.extend((tokens[who], tokens[k + 2], tokens[k], tokens[k + 1]))
                k = end
                continue
        if opens and t.type == "CBP" and k + 1 < len(tokens) and tokens[k + 1].type == "FEMALE":
            out.extend((tokens[k + 1], t))
            k += 2
            continue
        if t.type == "CBP" and k + 1 < len(tokens) and tokens[k + 1].type == "SUBGROUP" \
                and tokens[k + 1].value == "sexually_active":
            out.extend((tokens[k + 1], t))
            k += 2 + (k + 2 < len(tokens) and tokens[k + 2].type == "AND")
            continue
        out.append(t)
        k += 1
    return out


def _headings_and_brackets(tokens: list[Token]) -> list[Token]:
    """The women who could conceive as a heading ("Women of childbearing potential: negative
    pregnancy test and contraception", its colon the "then" of "For women of childbearing
    potential: …"), or in a bracket that ends the sentence ("Negative pregnancy test (women of
    childbearing potential only)", as "… in women of childbearing potential" is written; "only"
    is dropped as after "(women only)")."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        opens = not out or out[-1].type in ("PERIOD", "SEMI")
        who = skip_over(tokens, k, ("FEMALE",))
        if opens and who < len(tokens) - 2 and tokens[who].type == "CBP" and tokens[who + 1].type == "COLON":
            out.extend(tokens[k:who + 1])
            out.append(retyped(tokens[who + 1], "THEN", ":"))
            k = who + 2
            continue
        who = skip_over(tokens, k + 1, ("FEMALE",)) if t.type == "LPAR" else k
        shut = who + 1
        if who > k and shut < len(tokens) and tokens[who].type == "CBP" and tokens[shut].type == "RPAR" \
                and out and out[-1].type not in ("PERIOD", "SEMI", "COLON") \
                and (shut + 1 == len(tokens) or tokens[shut + 1].type in ("PERIOD", "SEMI")):
            out.extend(tokens[k + 1:shut])
            k = shut + 1
            continue
        out.append(t)
        k += 1
    return out


_FATHERING = frozenset({"father", "fathering"})


def pregnancy_or_fathering_planned(tokens: list[Token]) -> list[Token]:
    """"Planning to become pregnant or (to) father a child during the study": a plan of either
    parent, which the one attribute plans_pregnancy holds (its name says both); the token then
    spans the father too, so the reader does not take it as a woman's plan only."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        if t.type == "ATTR" and t.value == "plans_pregnancy" and k + 2 < len(tokens) and tokens[k + 1].type == "OR" \
                and _is_word(tokens[k + 2], *_FATHERING) and (k + 3 == len(tokens) or tokens[k + 3].type != "WORD"):
            out.append(token("ATTR", t.value, t.start_pos, tokens[k + 2].end_pos))  # ("a child" is filler)
            k += 3
            continue
        out.append(t)
        k += 1
    return out
