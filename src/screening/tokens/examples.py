"""Token passes for lists of examples under a general head ("cardiovascular disease, including …")."""

from __future__ import annotations

from lark import Token

from .lexicon import retyped

_LIST_ENDS = frozenset({"SEMI", "PERIOD", "RPAR"})


def _dated(tokens: list[Token]) -> bool:
    """Whether a window is written among these tokens: "within 6 months", "6 months before screening"."""
    return any(t.type in ("WITHIN", "WITHIN_NEXT") or t.type == "TIMEUNIT" and k + 1 < len(tokens)
               and tokens[k + 1].type == "BEFORE" for k, t in enumerate(tokens))


def windows_among_examples(tokens: list[Token]) -> list[Token]:
    """"History of cardiovascular disease, including myocardial infarction within the past 12
    months": a window among examples written without brackets may be the example's own or the
    head's, and lent to the head it would narrow an inclusion (a stroke five years ago meets the
    words); the examples are left unread (their "including" a word), so the clause stays words.
    After a bracket of examples ("(e.g., prior MI, stroke) within 5 years") the window is the head's."""
    out = list(tokens)
    for k, t in enumerate(tokens):
        head = next((x for x in reversed(tokens[:k]) if x.type != "COMMA"), None)
        if t.type != "INCLUDING" or head is None or head.type != "COND":
            continue
        end = next((j for j in range(k + 1, len(tokens)) if tokens[j].type in _LIST_ENDS), len(tokens))
        if _dated(tokens[k + 1:end]):
            out[k] = retyped(t, "WORD")
    return out
