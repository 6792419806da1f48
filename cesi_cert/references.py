"""Human references such as ``SA2026-00042``: readable on the phone, unique because the id is."""

from __future__ import annotations

from django.utils import timezone


def assign_year_reference(
    obj, prefix: str, *, field: str = "reference", digits: int = 5, at=None
) -> str:
    """Give a just-saved ``obj`` the reference ``<prefix><year in China>-<id>`` (the year of
    ``at``, default ``obj.created_at``).

    The id exists only after the first save, so the row is saved with a unique placeholder and
    this writes the real reference to the row and to the history rows the save made: the
    history never shows the placeholder.
    """
    placeholder = getattr(obj, field)
    at = at or obj.created_at
    value = f"{prefix}{timezone.localtime(at):%Y}-{obj.pk:0{digits}d}"
    setattr(obj, field, value)
    type(obj)._default_manager.filter(pk=obj.pk).update(**{field: value})
    history = getattr(obj, "history", None)
    if history is not None:
        history.filter(**{field: placeholder}).update(**{field: value})
    return value
