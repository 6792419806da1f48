"""Validators of values every app takes from people."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A mainland mobile (11 digits from 13–19), a landline with its area code and an optional
# extension, a 400/800 service number, or an international number starting with +.
_PHONE_PATTERNS = [
    re.compile(r"(?:\+86|0086)?1[3-9]\d{9}"),
    re.compile(r"(?:\+86|0086)?0\d{2,3}\d{7,8}(?:(?:转|ext|x|#)?\d{1,6})?", re.IGNORECASE),
    re.compile(r"[48]00\d{7}"),
    re.compile(r"\+(?!86)\d{6,15}"),
]
_SEPARATORS = re.compile(r"[\s\-()（）]")


def normalize_phone(value: str) -> str:
    """The number without spaces, hyphens and brackets (``0591-8765 4321`` → ``059187654321``)."""
    return _SEPARATORS.sub("", value or "")


def validate_phone(value: str) -> None:
    """Raise ``ValidationError`` unless ``value`` looks like a phone number one can dial."""
    if not value:
        return
    number = normalize_phone(value)
    if not any(p.fullmatch(number) for p in _PHONE_PATTERNS):
        raise ValidationError(
            _(
                "Enter a phone number such as 13812345678 or 0591-87654321 "
                "(with an extension: 0591-87654321-123)."
            ),
            code="phone",
        )
