"""Rule tree × patient → outcome tree, in three-valued logic.

Each node's evaluator returns an :class:`Outcome`: a Kleene truth, the evidence it rests on
and, when the truth is unknown, a reason code and the data that would settle it. The policy is
the cardinal rule of pre-screening: data that is missing, stale, ambiguous or unreadable gives
UNKNOWN, never FALSE. Closed-world reasoning ("absent means absent") applies only to the lists
the profile names in ``complete``.

Time windows count back from the screening date (``as_of``); every anchor the registry names
(screening, randomization, baseline…) is taken as that date, and the explanation says so.

One module per kind of node: :mod:`.connectives` (all, any, not, at least, if), :mod:`.measures`
(values against limits), :mod:`.history` (conditions, medications, procedures, vaccinations),
:mod:`.leaves` (status, lines, episodes, family history, attributes, judgement, free text,
cohorts); :mod:`.core` holds the outcome and the context, :mod:`.dates` the windows.
"""

from __future__ import annotations

from . import connectives, history, leaves, measures
from .core import DEFAULT_RECENCY_DAYS, EVALUATORS, REASONS, Context, Evidence, Outcome, evaluate
from .dates import window_start
from .measures import ambiguous_unit, implausible


for _module in (connectives, measures, history, leaves):
    EVALUATORS.update(_module.EVALUATED)

__all__ = ["Context", "DEFAULT_RECENCY_DAYS", "EVALUATORS", "Evidence", "Outcome", "REASONS", "ambiguous_unit",
           "evaluate", "implausible", "window_start"]
