"""Registry of deadline sweeps (SPEC "Deadlines").

Each app registers its sweeps in ``AppConfig.ready()``::

    deadlines.register("surveillance_due", due=selectors.cycles_due, act=services.cycle_flag_due)

``due(as_of)`` returns the ids that are due (an indexed query on a stored due date, filtered by
state so a second run finds nothing left to do); ``act(pk, as_of)`` handles one item in its own
transaction and returns whether it changed anything. Celery beat and ``run_deadlines --as-of``
both call :func:`run_all`, so catching up after an outage runs exactly what beat would have run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sweep:
    name: str
    due: Callable[[datetime], Iterable[int]]
    act: Callable[[int, datetime], bool]


_registry: dict[str, Sweep] = {}


def register(name: str, *, due, act) -> None:
    _registry[name] = Sweep(name, due, act)


def unregister(name: str) -> None:
    _registry.pop(name, None)


def sweeps() -> list[Sweep]:
    return [_registry[k] for k in sorted(_registry)]


def run_all(as_of: datetime | None = None, only: Iterable[str] | None = None) -> dict[str, int]:
    """Run the sweeps; return how many items each one changed."""
    as_of = as_of or timezone.now()
    wanted = set(only or ())
    changed: dict[str, int] = {}
    for sweep in sweeps():
        if wanted and sweep.name not in wanted:
            continue
        count = 0
        for pk in list(sweep.due(as_of)):
            try:
                count += bool(sweep.act(pk, as_of))
            except Exception:  # one bad item must not stop the sweep
                log.exception("deadline sweep %s failed on %s", sweep.name, pk)
        changed[sweep.name] = count
    return changed
