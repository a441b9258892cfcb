"""What follows an item and narrows it: windows, exceptions, examples, grades, sites, links.

Each production returns a marker the part production (in :mod:`.clauses`) applies to the item
it follows.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from lark import Token

from ..nodes import AnyOf, AtLeast, Category, DateRange, Exemption, FreeText, Lasting, TimeWindow, walk
from .parts import (
    EXEMPTION_QUALS,
    FAMILY,
    GradeBound,
    MEASURE_NODES,
    Part,
    Quals,
    Reading,
    Seq,
    Unreadable,
    has_grade,
)


class PostReading(Reading):
    """Productions of what is written after an item: each a marker applied to the item before it."""

    def group(self, items):
        seq = next(i for i in items if isinstance(i, Seq))
        return Part(node=self._settle(seq), span=seq.span)

    def any_group(self, items):
        if items[0].value == "the following" and "colon" not in items[-1].seps:
            # "Patients with the following cardiac conditions:" over items that are criteria of
            # their own: the head alone is not what is meant
            raise Unreadable("a list's head without its items")
        seq = self._listed(items[-1])
        nodes = self._nodes(seq)
        if any(isinstance(t, Token) and t.type == "ANY_EYE" for t in items) \
                and any(isinstance(n, MEASURE_NODES) for node in nodes for n in walk(node)):
            # "any of the following in either eye: IOP > 25 mmHg, …": a value may be the other eye's
            raise Unreadable("values in either eye")
        return Part(node=nodes[0] if len(nodes) == 1 else AnyOf(items=tuple(nodes), span=seq.span), span=seq.span)

    def at_least_group(self, items):
        count = int(items[0].value)
        seq = self._listed(items[-1])
        return Part(node=AtLeast(count=count, items=tuple(self._nodes(seq)), span=seq.span), span=seq.span)

    def window_past(self, items):
        if any(t.type == "BEFORE" and t.value != "ago" for t in items) and not any(t.type == "ANCHOR" for t in items):
            raise Unreadable("a time before what?")  # "within 30 days prior to the present study"
        amount = float(next(t for t in items if t.type == "NUMBER"))
        unit = next(t for t in items if t.type == "TIMEUNIT").value
        anchor = next((t.value for t in items if t.type == "ANCHOR"), "screening")
        lives = next((t.value.split() for t in items if t.type == "HALF_LIVES"), None)
        if lives is None:
            return TimeWindow(amount=amount, unit=unit, direction="past", anchor=anchor)
        return TimeWindow(amount=amount, unit=unit, direction="past", anchor=anchor, half_lives=float(lives[0]),
                          whichever=lives[1])

    def window_next(self, items):
        amount = float(next(t for t in items if t.type == "NUMBER"))
        unit = next(t for t in items if t.type == "TIMEUNIT").value
        anchor = next((t.value for t in items if t.type == "ANCHOR"), "screening")
        return TimeWindow(amount=amount, unit=unit, direction="future", anchor=anchor)

    def paren_window(self, items):
        """"(within the last 3 months)" after what it times."""
        return next(i for i in items if isinstance(i, TimeWindow))

    def during_trial(self, items):
        return ("planned",)

    def ent_item(self, items):
        quals = [q for i in items if isinstance(i, Quals) for g in i.groups for q in g if isinstance(q, str)] + [
            t.value for t in items if isinstance(t, Token) and t.type == "QUAL"]
        tok = next(t for t in items if isinstance(t, Token) and t.type in ("COND", "MED", "PROC", "VACC"))
        if FAMILY & set(quals):
            raise Unreadable("a relative's history among exceptions or examples")  # not the patient's own
        if has_grade(items):
            raise Unreadable("a grade of an exception or an example")  # "except grade 1 alopecia"
        self._exemption_terminals[tok.value] = tok.type
        if any(q not in EXEMPTION_QUALS for q in quals):
            self._narrowed_items.add(tok.value)
        return Exemption(concept=tok.value, qualifiers=tuple(q for q in quals if q in EXEMPTION_QUALS))

    def ent_list(self, items):
        out: list[Exemption] = []
        for e in (i for i in items if isinstance(i, Exemption)):
            if out and not e.qualifiers:  # "adequately treated A or B": both treated
                e = e.model_copy(update={"qualifiers": out[-1].qualifiers})
            out.append(e)
        return out

    def except_(self, items):
        found = next(i for i in items if isinstance(i, list))
        enclosed = any(isinstance(i, Token) and i.type == "LPAR" for i in items)
        return ("except", found, enclosed)

    def including(self, items):
        """including: LPAR? INCLUDING ent_list ETC? except_? RPAR? — "(e.g. warfarin)" names
        examples of what it follows; "(i.e. coumarins)" says what that is (unless an "etc." shows
        the list was meant as examples after all)."""
        lists = [i for i in items if isinstance(i, list)]
        excepts = [i for i in items if isinstance(i, tuple) and i[0] == "except"]
        tokens = [t for t in items if isinstance(t, Token)]
        namely = any(t.type == "INCLUDING" and t.value == "namely" for t in tokens) \
            and not any(t.type == "ETC" for t in tokens)
        return ("including", lists[0], excepts[0][1] if excepts else [], namely)

    def alternative(self, items):
        """"(≤ 5 × ULN for patients with liver metastases)": another limit for some patients."""
        measure = next((t.value for t in items if isinstance(t, Token) and t.type == "MEASURE"), None)
        op, value = next(i for i in items if isinstance(i, tuple))
        when = self._settle(next(i for i in items if isinstance(i, Seq)))
        return ("alternative", measure, op, value, when)

    def grade(self, items):
        """qual_item: GRADE — "grade ≥ 2" (value "2-5"), "≤ grade 1" ("0-1"), with " ctcae" when named."""
        bounds, _, named = items[0].value.partition(" ")
        low, high = (int(b) for b in bounds.split("-"))
        return GradeBound(low, high, named == "ctcae")

    def post_grade(self, items):
        """post: GRADE | LPAR GRADE RPAR — "peripheral neuropathy > grade 1"."""
        return ("grade", replace(self.grade([t for t in items if t.type == "GRADE"]), before=False))

    def post_qual(self, items):
        if items[0].value == "diagnosed":
            return ("diagnosed",)  # "hypertension diagnosed within the last year"
        return ("qual", items[0].value)

    def requiring(self, items):
        """post: REQUIRING QUAL* (COND | MED | PROC) (TREATMENT_OR QUAL* (MED | PROC))* — each
        treatment with the qualifiers written before it."""
        needed: list[tuple[Token, list[str]]] = []
        quals: list[str] = []
        own: list[str] = []  # "requiring hospitalization or …": a qualifier of what requires them
        for t in items:
            if t.type == "QUAL":
                quals.append(t.value)
            elif t.type in ("COND", "MED", "PROC"):
                needed.append((t, quals))
                quals = []
            elif t.type == "TREATMENT_OR" and not needed:
                own, quals = quals, []
        tokens = [t for t in items if isinstance(t, Token)]
        words = FreeText(text=self.norm.text[tokens[0].start_pos:tokens[-1].end_pos],
                         span=self.norm.span(tokens[0].start_pos, tokens[-1].end_pos))
        return ("requiring", needed, own, words)

    def lasting(self, items):
        _, op, number, unit = items
        return ("lasting", Lasting(op=op, amount=float(number.value), unit=unit.value))

    def with_values(self, items):
        return ("with_values", [p.node for p in items if isinstance(p, Part)])

    def determined_by(self, items):
        said = any(isinstance(t, Token) and t.type == "DETERMINED_BY" for t in items)
        procs = [t.value for t in items if isinstance(t, Token) and t.type == "PROC"]
        if not said and any(p == "surgery" or self.vocab.is_a(p, "surgery") for p in procs):
            # "epilepsy surgery within 6 months": an operation on the condition, not how it was seen
            raise Unreadable("an operation after a condition")
        window = next((i for i in items if isinstance(i, TimeWindow)), None)
        return ("evidence", window)

    def showing(self, items):
        return ("noop",)

    def caveat(self, items):
        """post: LPAR INCLUDING? CAVEAT RPAR | CAVEAT — "(i.e., confirmed on repeat)": how the value
        must have been obtained, kept in its words."""
        said = next(t for t in items if t.type == "CAVEAT")
        return ("caveat", self._words_of(said), said.value)

    def unless_words(self, items):
        """post: LPAR UNLESS_WORDS RPAR | UNLESS_WORDS — "(unless related to involvement by tumor)"."""
        return ("unless", self._words_of(next(t for t in items if t.type == "UNLESS_WORDS")))

    def remission_for(self, items):
        """post: EXCEPT REMISSION cmp NUMBER TIMEUNIT — "unless in remission for ≥ 5 years"."""
        op = next(i for i in items if isinstance(i, str) and not isinstance(i, Token))
        number = next(t for t in items if isinstance(t, Token) and t.type == "NUMBER")
        unit = next(t for t in items if isinstance(t, Token) and t.type == "TIMEUNIT")
        return ("remission", op, TimeWindow(amount=float(number.value), unit=unit.value))

    def linked(self, items):
        """post: LINK QUAL* (COND | MED | PROC) — "secondary to branch retinal vein occlusion": what
        the condition comes from, asked too, and the words that link them kept."""
        link, named = items[0], items[-1]
        quals = [t.value for t in items[1:-1]]
        node = self._entity_node(named.type, named.value, quals, None, (), None, self._span([named]))
        words = FreeText(text=self.norm.text[link.start_pos:named.end_pos],
                         span=self.norm.span(link.start_pos, named.end_pos))
        return ("linked", node, words)

    def feature(self, items):
        """post: FEATURE QUAL* COND — "without neovascularization": a condition the one before
        comes with or without, and the words that say so kept."""
        said, named = items[0], items[-1]
        quals = [t.value for t in items[1:-1]]
        node = self._entity_node(named.type, named.value, quals, None, (), None, self._span(items[1:]))
        words = FreeText(text=self.norm.text[said.start_pos:named.end_pos],
                         span=self.norm.span(said.start_pos, named.end_pos))
        return ("feature", said.value == "with", node, words)

    def cause_words(self, items):
        """post: CAUSE_WORDS — "(due to drug induced, autoimmune disease and viral hepatitis)": what
        the condition comes from, which the profile does not record, kept in words beside it."""
        return ("linked", self._words_of(items[0]))

    def site(self, items):
        """post: SITE | TRIAL_OF | HOW_OFTEN — "in the study eye", "(a drug trial) of a psychotropic
        drug", "(pain) on a daily basis": what the profile does not record of the item (where it is,
        which drug a trial tested, how often it comes), kept in its words beside it."""
        return ("site", self._words_of(items[0]))

    def any_eye(self, items):
        """post: ANY_EYE — "in either eye": kept in its words beside a value (which eye's it is)."""
        return ("any_eye", self._words_of(items[0]))

    def _words_of(self, said: Token) -> FreeText:
        return FreeText(text=self.norm.text[said.start_pos:said.end_pos],
                        span=self.norm.span(said.start_pos, said.end_pos))

    annotation = etc = showing

    def at_anchor(self, items):
        return ("at_anchor",)

    def calendar(self, items):
        first, last = (date.fromisoformat(d) for d in items[0].value.split(".."))
        return ("calendar", DateRange(first=first, last=last))

    def equivalent(self, items):
        tok = next((t for t in items if isinstance(t, Token) and t.type == "MED"), None)
        return ("equivalent", tok.value if tok is not None else None)

    def shown_by(self, items):
        """post: "(e.g., HBsAg reactive)" — a result that shows the condition before it, one way
        among others of knowing it."""
        # a test named alone ("e.g., HCV RNA is detected") is found positive
        return ("shown_by", [i.node or Category(concept=i.concept, values=("positive",), span=i.span)
                             for i in items if isinstance(i, Part)])

    def shown_by_values(self, items):
        """post: "(e.g., systolic > 150 mmHg or diastolic > 100 mmHg)" — values that show the
        condition before it, any one of them, one way among others of knowing it."""
        if any(isinstance(t, Token) and t.value == "namely" for t in items):
            raise Unreadable("values that define a condition, not examples of it")
        return ("shown_by", [p.node for p in items if isinstance(p, Part)])

    def definition(self, items):
        seq = next(i for i in items if isinstance(i, Seq))
        return ("definition", self._settle(seq))

    def qual_item(self, items):
        window = next((i for i in items if isinstance(i, TimeWindow)), None)
        if window is not None:
            return window
        if items[0].type == "RECENT":
            return "recent"  # "recently": how recent is not said
        return "other" if items[0].type == "OTHER" else items[0].value  # "another", "any other"

    def dated_qual(self, items):
        """qual_item: QUAL DATED_LPAR window RPAR — "diagnosed (within 3 months)"."""
        return (items[0].value, next(i for i in items if isinstance(i, TimeWindow)))

    def quals(self, items):
        """Qualifier groups: "active or history of recurrent" → [[active], [history, recurrent]];
        in a list that ends in "or" the commas part the groups too ("symptomatic, untreated or
        unstable" is any of the three)."""
        splits = {"OR", "ANDOR"}
        if any(isinstance(i, Token) and i.type in splits for i in items):
            splits.add("COMMA")
        groups: list[list[object]] = [[]]
        for item in items:
            if isinstance(item, Token):
                if item.type in splits:
                    groups.append([])
                continue
            groups[-1].extend(item if isinstance(item, tuple) else (item,))
        return Quals([g for g in groups if g])
