"""Small text helpers for messages people read, in either language."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import translation


def human_join(items: Iterable) -> str:
    """Join a list as the reader's language does: 「营业执照、申请书」 in Chinese (the enumeration
    comma 、), "licence, form" in English."""
    words = [str(i) for i in items if str(i)]
    language = translation.get_language() or ""
    return ("、" if language.startswith("zh") else ", ").join(words)
