"""Time windows and how they read.
"""

from __future__ import annotations

import calendar
import math
from datetime import date, timedelta

from ..nodes import DateRange, TimeWindow
from ..printer import number


def shift(day: date, amount: float, unit: str, sign: int) -> date:
    """Calendar arithmetic: 3 months before 31 May is 28/29 February."""
    if unit in ("months", "years"):
        months = round(amount * (12 if unit == "years" else 1)) * sign
        y, m = divmod(day.month - 1 + months, 12)
        year, month = day.year + y, m + 1
        return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
    days = {"hours": amount / 24, "days": amount, "weeks": amount * 7}[unit]
    return day + timedelta(days=math.ceil(days) * sign)


def window_start(window: TimeWindow, as_of: date) -> date:
    """The earliest day a past window reaches back to."""
    return shift(as_of, window.amount, window.unit, -1)


def window_words(window: TimeWindow) -> str:
    # every anchor is counted from the screening date; the report says so once (explain.py)
    anchor = "" if window.anchor == "screening" else f" before {window.anchor.replace('_', ' ')}"
    unit = window.unit[:-1] if window.amount == 1 else window.unit
    if window.half_lives is not None:
        which = "which is not said" if window.whichever == "unsaid" else f"whichever is {window.whichever}"
        unit += f" or {number(window.half_lives)} half-lives, {which},"
    return f"within {number(window.amount)} {unit}{anchor}"


def dated_words(dated: DateRange) -> str:
    return f"{'started ' if dated.started else ''}between {dated.first.isoformat()} and {dated.last.isoformat()}"


def age_words(days: int) -> str:
    if days < 60:
        return f"{days} days"
    if days < 730:
        return f"{days // 30} months"
    return f"{days // 365} years"
