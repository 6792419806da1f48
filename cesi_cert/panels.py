"""Home pages built from panels each app registers (ARCHITECTURE "The kernel's extension points").

A home page belongs to a *place*: the public home, the applicant portal, the auditor workspace,
the committee workspace or the admin. Each app registers, in ``AppConfig.ready()``, the panels it puts there::

    panels.register(Panel(
        key="evaluations.mine",
        place=Place.AUDITOR,
        title=_("My evaluations"),
        template="evaluations/panels/mine.html",
        items=lambda user: selectors.evaluations_for(user).order_by("starts_on")[:20],
        order=20,
    ))

``items(user)`` is the panel's query, scoped to the user (a selector of the app); the template
receives ``panel``, ``items`` and ``user``. So ``cesi_cert`` shows evaluations and certificates
without importing the apps that own them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Place(models.TextChoices):
    PUBLIC = "public", _("Public home")
    PORTAL = "portal", _("Applicant portal")
    AUDITOR = "auditor", _("Auditor workspace")
    COMMITTEE = "committee", _("Committee workspace")
    ADMIN = "admin", _("Administration")


def _everyone(user) -> bool:
    return True


@dataclass(frozen=True)
class Panel:
    key: str
    place: str
    title: str
    template: str
    items: Callable[[object], Iterable]
    order: int = 100
    #: Whether ``user`` sees the panel at all (a role or permission check).
    visible: Callable[[object], bool] = _everyone
    #: Shown when the panel has nothing; ``""`` hides an empty panel.
    empty: str = _("Nothing here at the moment.")


_registry: dict[str, Panel] = {}


def register(panel: Panel) -> Panel:
    if panel.place not in Place.values:
        raise ValueError(f"unknown place {panel.place!r}")
    _registry[panel.key] = panel
    return panel


def unregister(key: str) -> None:
    _registry.pop(key, None)


def panels_for(place: str, user) -> list[dict]:
    """The panels of ``place`` that ``user`` sees, in order, each with its items evaluated."""
    shown = []
    for panel in sorted(
        (p for p in _registry.values() if p.place == place), key=lambda p: (p.order, p.key)
    ):
        if not panel.visible(user):
            continue
        items = list(panel.items(user))
        if items or panel.empty:
            shown.append({"panel": panel, "items": items, "key": panel.key})
    return shown
