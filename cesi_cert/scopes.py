"""Who else may read an upstream object (ARCHITECTURE "The kernel's extension points").

An upstream app's selectors know their own cases (CB staff see everything, an applicant sees
their organisations). Downstream apps add readers without the upstream app importing them: an
auditor on an evaluation team reads the application's materials, a committee member the dossier
they vote on. Each registers, in ``AppConfig.ready()``, a *provider* for a model::

    scopes.grant(Application, "evaluations.team", lambda user: Application.objects.filter(
        evaluations__team_members__user=user))

A provider returns a queryset of that model (the rows ``user`` may also read) or ``None``. The
upstream selector combines them with :func:`granted`; with no provider, or none that grants the
row, the object stays "not found" (404).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet

_providers: dict[type, dict[str, Callable]] = {}


def grant(model: type, name: str, provider: Callable[[object], QuerySet | None]) -> None:
    """Let ``provider(user)`` add rows of ``model`` that ``user`` may read (``name`` names it)."""
    _providers.setdefault(model, {})[name] = provider


def revoke(model: type, name: str) -> None:
    _providers.get(model, {}).pop(name, None)


def granted(model: type, user) -> Q:
    """A filter matching the rows of ``model`` some provider lets ``user`` read (or nothing)."""
    q = Q(pk__in=[])
    if not getattr(user, "is_authenticated", False):
        return q
    for provider in _providers.get(model, {}).values():
        rows = provider(user)
        if rows is not None:
            q |= Q(pk__in=rows.values("pk"))
    return q


def is_granted(model: type, user, pk) -> bool:
    """Whether a provider lets ``user`` read the ``model`` row ``pk``."""
    if not _providers.get(model):
        return False
    return model._default_manager.filter(granted(model, user), pk=pk).exists()
