"""Finds the grammar files and builds the parsers, once.

The grammars live in ``grammars/`` at the top of a checkout; a wheel carries them as
``screening/grammars``. Parsers are built on first use and cached by a function cache.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from lark import Lark
from lark.lexer import Lexer

_CHECKOUT = Path(__file__).resolve().parents[2] / "grammars"


def grammar_dir() -> Path:
    """The folder holding the ``.lark`` files and the lexicon."""
    installed = resources.files("screening") / "grammars"
    if installed.is_dir():
        return Path(str(installed))
    if _CHECKOUT.is_dir():
        return _CHECKOUT
    raise FileNotFoundError("screening: grammars/ not found beside the package or in the checkout")


def grammar_text(name: str) -> str:
    """The text of ``grammars/<name>``."""
    return (grammar_dir() / name).read_text(encoding="utf-8")


class _TokenStream(Lexer):
    """Hands Lark the tokens that compile.tokenize already made."""

    def __init__(self, conf: object) -> None:
        pass

    def lex(self, data):  # type: ignore[override]
        yield from data


@functools.cache
def criteria_parser() -> Lark:
    """LALR parser of registry English clauses (grammars/criteria.lark), fed pre-made tokens."""
    return Lark(grammar_text("criteria.lark"), parser="lalr", lexer=_TokenStream)


@functools.cache
def rules_parser() -> Lark:
    """LALR parser of the canonical criteria language (grammars/rules.lark)."""
    return Lark(grammar_text("rules.lark"), parser="lalr", lexer="contextual",
                propagate_positions=True)
