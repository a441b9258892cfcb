"""A condition "with" or "without" a feature of it ("branch retinal vein occlusion without
neovascularization", "cirrhosis with ascites"): the "with" is filler and the "without" a plain
negation, so the two names would run together or read as a list."""

from __future__ import annotations

import re

from lark import Token

from .lexicon import token

_WITH = re.compile(r"(\s*)with(?:\s+an?)?\s*", re.IGNORECASE)


def features_of_conditions(tokens: list[Token], text: str) -> list[Token]:
    """Mark FEATURE ("with" / "without") between a condition and the condition (its qualifiers
    before it) that it comes with or without."""
    out: list[Token] = []
    for k, t in enumerate(tokens):
        named = next((x for x in tokens[k + (t.type != "COND"):] if x.type != "QUAL"), None)
        if not out or out[-1].type != "COND" or named is None or named.type != "COND":
            out.append(t)
            continue
        if t.type == "NEG" and text[t.start_pos:t.end_pos].lower() == "without":
            out.append(token("FEATURE", "without", t.start_pos, t.end_pos))
            continue
        said = _WITH.fullmatch(text, out[-1].end_pos, t.start_pos)
        if t.type in ("COND", "QUAL") and said:
            start = out[-1].end_pos + len(said.group(1))
            out.append(token("FEATURE", "with", start, start + 4))
        out.append(t)
    return out
