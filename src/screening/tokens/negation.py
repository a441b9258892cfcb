"""A negation said after the verb that carries the past: "had no prior chemotherapy" is "has not
had prior chemotherapy", which the grammar reads with the negation first."""

from __future__ import annotations

from lark import Token


def had_no(tokens: list[Token], text: str) -> list[Token]:
    """Put NEG before the QUAL "history" that "had" was read as, where "no" follows it."""
    out: list[Token] = []
    for t in tokens:
        if t.type == "NEG" and out and out[-1].type == "QUAL" and out[-1].value == "history" \
                and text[out[-1].start_pos:out[-1].end_pos].lower() == "had":
            out.insert(len(out) - 1, t)
            continue
        out.append(t)
    return out
