"""What downstream apps contribute to the review of an application (§3.1.4), without this app
importing them (layers: applications ← … ← surveillance).

A *finding* is a fact that stands in the way of one condition of the review. Today one
condition is computed: §3.5.5.1 c of a scope extension (§3.4.5) — "至少近一年来，获证组织在申请
扩大认证范围内未发生重大事故和国家检查不合格" — whose facts live in the incident register of
the ``surveillance`` app, which registers a provider in its ``ready()``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One fact against a condition: e.g. a notification of an accident 5 months ago."""

    reference: str
    kind: str  # the fact's kind as people read it (translated)
    occurred_at: datetime.datetime
    description: str = ""


#: ``provider(application, as_of) -> list[Finding]``
Provider = Callable[[object, datetime.datetime], list[Finding]]

_providers: dict[str, list[Provider]] = {}


def register(condition: str, provider: Provider) -> None:
    """Add ``provider`` to the findings of ``condition`` (called once from ``ready()``)."""
    providers = _providers.setdefault(condition, [])
    if provider not in providers:
        providers.append(provider)


def findings(condition: str, application, *, as_of: datetime.datetime) -> list[Finding]:
    """Every registered provider's findings against ``condition`` of ``application``, newest
    first (an empty list: nothing stands in its way)."""
    found: list[Finding] = []
    for provider in _providers.get(condition, ()):
        found.extend(provider(application, as_of))
    return sorted(found, key=lambda f: (f.occurred_at, f.reference), reverse=True)
