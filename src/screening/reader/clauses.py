"""Parts, sequences and whole clauses: subjects, lead-ins, conditionals, allowances.
"""

from __future__ import annotations

import re

from lark import Token

from ..nodes import (
    AllOf,
    AnyOf,
    Comparison,
    Conditional,
    FreeText,
    HasAttribute,
    HasCondition,
    Indication,
    Judgement,
    NormalMultiple,
    Not,
    Rule,
    Status,
    TimeWindow,
    TookMedication,
    TreatmentLines,
    walk,
)
from ..tokens import FALLING_SHORT, WHICH_DRUGS
from .allowance import Allowance
from .parts import (
    POINTED_AT,
    GradeBound,
    MEASURE_NODES,
    Part,
    Quals,
    Reading,
    Seq,
    Unreadable,
    has_grade,
    join_spans,
    span_of,
)


# Capitals standing for a name ("PE", "MS", "HCV"): an abbreviation.
_ABBREVIATION = re.compile(r"[A-Z][A-Z0-9]+")

# Qualifiers that only say when: "current", "recent (within 4 weeks)", "past".
_TIMES = frozenset({"current", "active", "recent", "history"})

# What only a past can be: "active or history of recurrent infections" is not an active recurrent one.
_OF_A_PAST = frozenset({"recurrent"})

_UNABLE = re.compile(r"unabl|unwill|inabil|refus|not able|not willing", re.IGNORECASE)

_MODALS = frozenset({"must", "should", "shall", "may", "will", "can", "could", "would"})


class ClauseReading(Reading):
    """Productions that gather parts into sequences and sequences into a clause."""

    def part(self, items):
        negated = bool(items) and isinstance(items[0], Token) and items[0].type == "NEG"
        first = next((i for i in items if isinstance(i, Part)), None)
        if negated and self.kind == "exclusion" and not _ability(first) \
                and _requirement_wording(items[0], self.norm.text):
            # "Patient must not be pregnant" listed as an exclusion: read literally it would
            # exclude every patient who is not pregnant
            raise Unreadable("a requirement worded in the negative, listed as an exclusion")
        rest = items[1:] if negated else items
        groups: list[list[object]] = []
        if rest and isinstance(rest[0], Quals):
            groups = rest[0].groups
            rest = rest[1:]
        part: Part = rest[0]
        if part.node is not None and (groups or rest[1:]) \
                and any(isinstance(n, TreatmentLines) for n in walk(part.node)):
            # "at least 2 lines of chemotherapy for metastatic disease": the lines given for it
            # (other words about the lines counted, which the count of all lines would overstate,
            # leave it unread; what the disease did on them, "progressed on", stays beside them)
            caveats = [p for p in rest[1:] if isinstance(p, tuple) and p[0] == "caveat"]
            part.node = _lines_given_for(part.node, groups, [p for p in rest[1:] if not any(p is c for c in caveats)])
            rest = [rest[0], *caveats]
        if negated and self.kind == "inclusion" and items[0].value.lower() in FALLING_SHORT:
            # "limited English proficiency" asked for: less than the attribute, which a patient
            # recorded with it may still have
            raise Unreadable("an ability that falls short, asked for")
        part.negated = negated
        part.unable = negated and _UNABLE.search(items[0].value) is not None
        if _times_share_what_follows(groups):
            raise Unreadable("whether the qualifiers after the last of the times reach the earlier ones is not said")
        grades = [q for g in groups for q in g if isinstance(q, GradeBound)]
        if grades and len(groups) > 1:
            # "grade ≥ 3 or recurrent pneumonitis": which of the groups the grade belongs to
            raise Unreadable("a grade among groups of qualifiers")
        part.grade = grades[0] if grades else None
        windows = [next((q for q in g if isinstance(q, TimeWindow)), None) for g in groups]
        if len(groups) > 1 and any(windows) and not all(windows):
            # "newly diagnosed (within 3 months) or poorly controlled": the window is its group's
            part.variants = [list(dict.fromkeys(["new"] * ("diagnosed" in g and w is not None)
                                                + [q for q in g if isinstance(q, str) and q != "diagnosed"]))
                             for g, w in zip(groups, windows)]
            part.variant_windows = windows
            part.described = True
            for post in rest[1:]:
                self._apply_post(part, post)
            return part
        for window in windows:  # a recent window written among the qualifiers: "recent (within 60 days)"
            if window is not None:
                part.window = window
        part.diagnosed = any(q == "diagnosed" for g in groups for q in g)
        names = [[q for q in g if isinstance(q, str) and q != "diagnosed"] for g in groups]
        names = [g for g in names if g]
        part.described = bool(names)
        if len(names) == 1:
            part.quals = names[0] + part.quals
        elif names:
            part.variants = names
        for post in rest[1:]:
            self._apply_post(part, post)
        return part

    def _apply_post(self, part: Part, post) -> None:
        if isinstance(post, TimeWindow):
            part.window = post
            return
        if post == ("diagnosed",):
            part.diagnosed = True
            return
        tag = post[0]
        if tag == "at_anchor":
            # "mechanical ventilation at time of entry": now, not ever (a value "at screening" is
            # already the latest one)
            if part.terminal in ("COND", "MED", "PROC") and not {"active", "current"} & set(part.quals):
                part.quals.append("current")
                part.quals_after.append("current")
        elif tag == "planned":
            part.quals.append("planned")
            part.quals_after.append("planned")
        elif tag == "except":
            part.excluding.extend(post[1])
            part.own_exception = post[2]
        elif tag == "including":
            part.including.extend(e.concept for e in post[1])
            part.excluding.extend(post[2])
            part.namely = part.namely or post[3]
        elif tag == "qual":
            part.quals.append(post[1])
            part.quals_after.append(post[1])
        elif tag == "requiring":
            part.requiring.extend(self._entity_node(tok.type, tok.value, ["current", *quals], None, (), None, None)
                                  for tok, quals in post[1])
            part.requiring_any = len(post[1]) > 1
            part.requiring_own = post[2]
            part.requiring_words = post[3]
        elif tag == "lasting":
            part.lasting = post[1]
        elif tag == "calendar":
            part.dated = post[1]
        elif tag == "grade":
            if part.grade is not None:
                raise Unreadable("two grades of one condition")
            part.grade = post[1]
        elif tag == "with_values":
            part.values.extend(post[1])
        elif tag == "evidence":
            if post[1] is not None:
                part.window = post[1]
        elif tag == "equivalent":
            part.quals.append("equivalent")
        elif tag == "definition":
            part.definition = post[1]
        elif tag == "shown_by":
            part.shown_by = post[1]
        elif tag == "alternative":
            part.alternative = post[1:]
        elif tag == "caveat":
            part.caveats.append(post[1])
            part.kind_in_words = part.kind_in_words or post[2] == WHICH_DRUGS
        elif tag == "unless":
            part.unless.append(post[1])
        elif tag == "site":
            part.sites.append(post[1])
        elif tag == "any_eye":
            part.any_eye.append(post[1])
        elif tag == "linked":
            part.linked.extend(post[1:])
        elif tag == "feature":
            part.features.append(post[1:])
        elif tag == "remission":
            if post[1] not in (">=", ">") or part.remission is not None:
                raise Unreadable("a remission shorter than a time")  # "in remission for < 5 years"?
            part.remission = post[2]

    def unconstrained(self, items):
        return Part(unconstrained=True)

    def at_risk(self, items):
        """part: RISK core — "high risk of bleeding" is the investigator's judgement (words after
        it, which a judgement could not quote, leave the clause unread)."""
        tokens = [t for t in items if isinstance(t, Token)]
        parts = [p for p in items if isinstance(p, Part) and p.span is not None]
        start = min([t.start_pos for t in tokens] + [self._norm_index(p.span.start) for p in parts])
        end = max([t.end_pos for t in tokens] + [self._norm_index(p.span.end, end=True) for p in parts])
        span = self.norm.span(start, end)
        return Part(node=Judgement(text=self.norm.text[start:end], span=span), span=span, risk=True)

    def sex_part(self, items):
        """part: SEX_ITEM — "male or non-pregnant females": being of that sex (who may take part;
        listed as an exclusion, it would exclude them)."""
        if self.kind != "inclusion":
            raise Unreadable("who may take part, listed as an exclusion")
        return Part(node=Status(field=items[0].value, span=self._span(items)), span=self._span(items))

    def drug_words(self, items):
        """part: DRUG_WORDS — "… or drugs that can block the action of male hormones": which
        drugs those are the words do not say, so the item stays in them ("would require 14-day
        washout", after the drug the patients are on, likewise)."""
        span = self._span(items)
        words = FreeText(text=self.norm.text[items[0].start_pos:items[0].end_pos], span=span)
        return Part(node=words, span=span, drugs_in_words=True)

    def childbearing_part(self, items):
        """part: CBP_ITEM AND? part — "…, or women of childbearing potential not using
        contraception": an inclusion asks the item of those women, an exclusion names them."""
        inner: Part = items[-1]
        node = self._settle(Seq([inner], [], inner.span))
        span = join_spans(self._span([items[0]]), node.span)
        who = (Status(field="female", span=span), Status(field="childbearing_potential", span=span))
        if self.kind == "inclusion":
            node = Conditional(when=AllOf(items=who, span=span), then=node, span=span)
        else:
            node = AllOf(items=(*who, node), span=span)
        return Part(node=node, span=span, childbearing=True)

    def defined(self, items):
        quals = [q for i in items if isinstance(i, Quals) for g in i.groups for q in g]
        if quals == ["allergic"]:
            # "allergy to dye (isosulfan blue)": the bracket names what the allergy is to
            node = self._settle(next(i for i in items if isinstance(i, Seq)))
            drugs = [n for n in walk(node) if not isinstance(n, (AnyOf, AllOf))]
            if drugs and isinstance(node, (TookMedication, AnyOf)) and all(
                    isinstance(n, TookMedication) and not n.qualifiers and n.window is None for n in drugs):
                allergic = [n.model_copy(update={"qualifiers": ("allergic",)}) for n in drugs]
                return Part(node=allergic[0] if len(allergic) == 1 else AnyOf(items=tuple(allergic), span=node.span),
                            span=node.span)
        if any(isinstance(i, Quals) for i in items):
            # "severe toxicity (diarrhea or colitis)", "grade ≥ 2 toxicity (…)": the words before
            # the parenthesis narrow what it names, and would be lost
            raise Unreadable("qualifiers of a head defined in parentheses")
        brackets = [i for i in items if isinstance(i, Token) and i.type in ("LPAR", "RPAR")]
        if len(brackets) == 2 and _ABBREVIATION.fullmatch(
                self.norm.text[brackets[0].end_pos:brackets[-1].start_pos].strip()):
            # "abnormal physical exam (PE)": letters after words the vocabulary does not know are
            # their abbreviation, which the vocabulary may know as something else (pulmonary embolism)
            raise Unreadable("an abbreviation of unknown words")
        seq = next(i for i in items if isinstance(i, Seq))
        node = self._settle(seq)
        return Part(node=node, span=seq.span)

    def sep(self, items):
        types = {t.type for t in items}
        if types & {"OR", "ANDOR", "WASH_OR"}:
            return "or"
        if "AND" in types:
            # "6 to 12 with an endoscopic subscore ≥ 2": both, even in an exclusion
            if any(t.value == "with" for t in items):
                return "with"
            return "comma_and" if "COMMA" in types else "and"
        if "SEMI" in types:
            return "semi"
        if "COLON" in types:
            return "colon"
        return "comma"

    def seq(self, items):
        parts = [i for i in items if isinstance(i, Part)]
        seps = [i for i in items if isinstance(i, str)]
        return Seq(parts, seps, span_of(parts))

    def subject(self, items):
        """Whom the clause is asked of: one group ("Women of childbearing potential", "Men with a
        female partner of childbearing potential") or two joined by "and" ("Women of childbearing
        potential and men …"). Returns ("subject", the groups' conditions, span)."""
        span = self._span([t for t in items if isinstance(t, Token)])
        groups: list[list[Rule]] = [[]]
        for i in items:
            if isinstance(i, set):
                if groups[-1]:
                    groups.append([])
                if len(i) == 1:
                    groups[-1].append(Status(field=next(iter(i)), span=span))
            elif isinstance(i, Token) and i.type == "CBP":
                if not groups[-1]:
                    groups[-1].append(Status(field="female", span=span))
                groups[-1].append(Status(field="childbearing_potential", span=span))
            elif isinstance(i, Token) and i.type == "SUBGROUP":
                groups[-1].append(HasAttribute(concept=i.value, span=span))
        if len(groups) > 1 and groups[1] == [Status(field="female", span=span)]:
            raise Unreadable("women of childbearing potential and all women")
        fathers = HasAttribute(concept="able_to_father_children", span=span)
        if any(Status(field="female", span=span) in g and fathers in g for g in groups):
            raise Unreadable("women able to father children")  # ("sexually mature women": not that)
        return ("subject", [g for g in groups if g], span)

    def sex_list(self, items):
        return {t.type.lower() for t in items if t.type in ("FEMALE", "MALE")}

    def lead(self, items):
        if has_grade(items):
            raise Unreadable("a grade before a window, of what follows")
        found = next((i for i in items if isinstance(i, Quals)), None)
        quals = [q for g in found.groups for q in g if isinstance(q, str)] if found else []
        window = next(i for i in items if isinstance(i, TimeWindow))
        return ("lead", quals, window)

    def lead_at_anchor(self, items):
        """lead: AT_ANCHOR — "At the time of signing informed consent, age ≥ 18 years": what
        follows is as it is then, as if "at screening" were written after each part."""
        return ("lead_at_anchor",)

    def start(self, items):
        subject = [i for i in items if isinstance(i, tuple) and i[0] == "subject"]
        lead = next((i for i in items if isinstance(i, tuple) and i[0] == "lead"), None)
        seq = next(i for i in items if isinstance(i, Seq))
        if any(isinstance(i, tuple) and i[0] == "lead_at_anchor" for i in items):
            for p in seq.parts:
                self._apply_post(p, ("at_anchor",))
        if lead is not None:
            for p in seq.parts:
                p.quals = lead[1] + p.quals
                if p.window is None and not p.drugs_in_words:  # (the words keep their own time)
                    p.window = lead[2]
        node = self._settle(seq)
        if not any(groups and all(g != [Status(field="female", span=span)] for g in groups)
                   for _, groups, span in subject):
            # ("Male participants must agree to use contraception" is asked of every man)
            node = self._contraception_applies(node)
        for _, groups, span in subject:
            node = self._restrict(node, groups, span)
        return node

    def _contraception_applies(self, node: Rule) -> Rule:
        """Contraception is asked only of patients who could conceive: "males or females not
        willing to use contraception" does not exclude a postmenopausal woman."""
        if isinstance(node, (AllOf, AnyOf)):
            if any(isinstance(i, Status) and i.field == "childbearing_potential" for i in node.items):
                return node  # "…, or women of childbearing potential not using contraception"
            return node.model_copy(update={"items": tuple(self._contraception_applies(i) for i in node.items)})
        inner = node.item if isinstance(node, Not) else node
        if not (isinstance(inner, Status) and inner.field == "contraception"):
            return node
        who = Status(field="childbearing_potential", span=node.span)
        if self.kind == "inclusion":
            return Conditional(when=who, then=node, span=node.span)
        return AllOf(items=(who, node), span=node.span)

    def if_then(self, items):
        seqs = [i for i in items if isinstance(i, Seq)]
        when = self._settle(seqs[0])
        then = self._settle(seqs[1])
        span = join_spans(when.span, then.span)
        if any(isinstance(t, Token) and t.type == "THEN" and t.value == "may" for t in items):
            # "Patients with Gilbert's syndrome may have bilirubin ≤ 3 × ULN": a looser limit for
            # them, read as the limit they are held to; what else they "may have" is not required
            # of them, and in an exclusion the permission says nobody is excluded
            if self.kind == "exclusion":
                raise Unreadable("a permission for some patients, in an exclusion")
            if any(not isinstance(n, (Comparison, NormalMultiple, AllOf, AnyOf)) for n in walk(then)):
                raise Unreadable("a permission that is not a limit")
        if self.kind == "exclusion":  # "If female, pregnant": who is excluded is both
            return AllOf(items=(when, then), span=span)
        if any(isinstance(t, Token) and t.type == "THEN" and t.value == "unsaid" for t in items):
            # "Patients with type 2 diabetes, HbA1c 7–10%": asked of those patients, or whom the
            # trial takes? (an exclusion names them either way)
            raise Unreadable("whether the patients named are whom a value is asked of, or whom the trial takes")
        return Conditional(when=when, then=then, span=span)

    def then_if(self, items):
        """"PSA between 2.5 and 10 if 50-60 years of age": what is asked of the patients the
        condition after "if" describes (an exclusion names them: the condition and the rest)."""
        k = next(i for i, t in enumerate(items) if isinstance(t, Token) and t.type == "IF")
        node = self.start(items[:k])
        when = self._settle(items[k + 1])
        span = join_spans(when.span, node.span)
        if self.kind == "inclusion":
            return Conditional(when=when, then=node, span=span)
        return AllOf(items=(when, node), span=span)

    def excluded_clause(self, items):
        """"Participants with leptomeningeal disease are excluded": in an exclusion, the patients
        the clause describes; in an inclusion, a requirement not to be one of them."""
        kind, self.kind = self.kind, "exclusion"  # the clause is read as the exclusion it states
        try:
            node = self.start([i for i in items if not (isinstance(i, Token) and i.type == "EXCLUDED")])
        finally:
            self.kind = kind
        return node if kind == "exclusion" else Not(item=node, span=node.span)

    def seen_on(self, items):
        """start: SEEN_ON seq — "ECG evidence of ischemia or arrhythmia": in an exclusion, the
        conditions, with the words on how they are seen kept beside them (a patient with none is
        decided, one with any waits for the tracing to be read)."""
        if self.kind != "inclusion" and isinstance(items[1], Seq):
            node = self.start(items[1:])
            if all(isinstance(n, HasCondition) and not n.qualifiers and n.window is None
                   for n in walk(node) if not isinstance(n, (AnyOf, AllOf))):
                return AllOf(items=(node, self._words_of(items[0])), span=node.span)
        raise Unreadable("what a tracing shows, said of what is not a condition, or asked for")

    def allowance(self, items):
        seq = next(i for i in items if isinstance(i, Seq))
        return Allowance(seq)

    def exceptions(self, items):
        """start: EXCEPT COLON? seq — "Exceptions include adequately treated basal cell carcinoma
        …", a sentence of its own: what the clause before it names, allowed. ("Unless …" opening
        a sentence says on what terms, which the list alone does not.)"""
        said = " ".join(items[0].value.lower().split())
        if said not in _EXCEPTIONS_NAMED:
            raise Unreadable("a sentence opened by a condition, not by the exceptions")
        return Allowance(next(i for i in items if isinstance(i, Seq)))

    def either_eye_heading(self, items):
        """start: ANY_EYE COLON seq — "In either eye: uveitis or …": what either eye has, the
        patient has; a value, though, may be the other eye's."""
        node = self.start([i for i in items if not isinstance(i, Token)])
        if any(isinstance(n, MEASURE_NODES) for n in walk(node)):
            raise Unreadable("values in either eye")
        return node


# The words that open a sentence listing exceptions to the one before it.
_EXCEPTIONS_NAMED = frozenset({"exception", "exceptions", "exceptions include", "exceptions are",
                               "exceptions to this are", "with the exception of", "except", "except for"})


def _lines_given_for(node: Rule, groups: list[list[object]], posts: list[object]) -> Rule:
    """A count of lines (or the two bounds of one) whose courses were given for the one disease
    named after "for" ("2 prior lines of systemic therapy for metastatic disease")."""
    post = posts[0] if len(posts) == 1 else None
    prior = all(q == "history" for g in groups for q in g)  # "prior treatment with more than 2 lines of …"
    if prior and not posts:
        return node
    if not prior or not (isinstance(post, tuple) and post[0] == "linked" and len(post) == 3):
        raise Unreadable("words about the lines counted, which a count of lines cannot say")
    disease, words = post[1], post[2]
    if not isinstance(disease, HasCondition) or disease.concept is None or disease.excluding \
            or disease.window is not None or not words.text.lower().startswith("for ") or POINTED_AT.search(words.text):
        raise Unreadable("what the lines counted were for, said of what is not one disease")
    given_for = Indication(concept=disease.concept, qualifiers=disease.qualifiers)
    counts = list(node.items) if isinstance(node, AllOf) else [node]
    if not all(isinstance(n, TreatmentLines) for n in counts):
        raise Unreadable("words about the lines counted, which a count of lines cannot say")
    counted = [n.model_copy(update={"given_for": given_for}) for n in counts]
    return counted[0] if len(counted) == 1 else AllOf(items=tuple(counted), span=node.span)


def _ability(core: object) -> bool:
    """Consent and contraception: "no informed consent" excludes, as written."""
    return isinstance(core, Part) and isinstance(core.node, Status) and core.node.field in ("consent", "contraception")


def _times_share_what_follows(groups: list[list[object]]) -> bool:
    """"Current or past uncontrolled hypertension", "active or recent serious infection": a time
    alone, or the other time followed by what the illness is — whether that reaches the first
    time too (current uncontrolled hypertension) or not (any current hypertension) is not said."""
    said = [[q for q in g if isinstance(q, (str, TimeWindow))] for g in groups]
    when_only = [all(q in _TIMES or isinstance(q, TimeWindow) for q in g) for g in said]
    return len(said) > 1 and any(when_only[:-1]) and any(
        g and (g[0] in _TIMES or isinstance(g[0], TimeWindow)) and not w
        and not all(q in _TIMES | _OF_A_PAST or isinstance(q, TimeWindow) for q in g)
        for g, w in zip(said[1:], when_only[1:]))


def _requirement_wording(neg: Token, text: str) -> bool:
    """"must not …", "should not …", or a list item opening with "No …": words that state what
    an eligible patient is, not who is excluded."""
    if neg.value.lower() not in ("no", "not", "never"):
        return False
    before = text[:neg.start_pos].rstrip()
    words = re.findall(r"[a-z']+", before[-40:].lower())
    if neg.value.lower() == "no" and (not before or before[-1] in ".:;)-*•" or not words):
        return True
    if words and words[-1] == "be":
        words = words[:-1]
    return bool(words) and words[-1] in _MODALS
