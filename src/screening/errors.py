"""Errors a user can cause, each rendered as one line naming file, field and line."""

from __future__ import annotations


class InputError(Exception):
    """Bad input from the user: an unreadable file, an invalid field, an unknown unit or trial.

    The command line prints ``str(error)`` on standard error and exits with status 2.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.field = field
        self.line = line

    def __str__(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where += f":{self.line}"
        parts = [p for p in (where, f"field '{self.field}'" if self.field else "") if p]
        prefix = ", ".join(parts)
        text = " ".join(self.message.split())  # one line, whatever the message held
        return f"{prefix}: {text}" if prefix else text
