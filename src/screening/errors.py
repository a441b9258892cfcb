"""Errors a user can cause, each rendered as one line naming file, field and line."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


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


def read_input(path: "Path", file: str, what: str) -> bytes:
    """The bytes of a file the user named; any failure is one InputError naming the file.

    ``what`` says what the file should have been ("trial document", "patient profile").
    """
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", file=file) from None
    except IsADirectoryError:
        raise InputError(f"is a directory, not a {what}", file=file) from None
    except OSError as error:
        raise InputError(f"cannot read the file ({error.strerror})", file=file) from None
