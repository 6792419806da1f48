"""Unified social credit code (统一社会信用代码), GB 32100-2015."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: The 31 characters of the code, in value order (0–30); I, O, S, V and Z are never used.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {ch: i for i, ch in enumerate(CHARSET)}
#: Weight of positions 1–17: 3^(i−1) mod 31.
WEIGHTS = [pow(3, i, 31) for i in range(17)]


def credit_code_check_char(first17: str) -> str:
    """The 18th character for the first 17 (check value = 31 − Σ mod 31, with 31 → 0)."""
    total = sum(VALUES[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
    return (value or "").strip().upper()


def validate_credit_code(value: str) -> None:
    """Raise ``ValidationError`` naming exactly what is wrong with the code."""
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="length",
            params={"n": len(code)},
        )
    bad = sorted({ch for ch in code if ch not in VALUES})
    if bad:
        raise ValidationError(
            _(
                "“%(chars)s” cannot appear in a unified social credit code (I, O, S, V and Z are never used)."
            ),
            code="charset",
            params={"chars": "".join(bad)},
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("Characters 3 to 8 of the code (the administrative division code) must be digits."),
            code="division",
        )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "The check character is wrong: the last character should be “%(expected)s”, not “%(got)s”. Please check the code on the business licence."
            ),
            code="check",
            params={"expected": expected, "got": code[17]},
        )


#: A scope names the services certified; fewer than this many letters (a Chinese character counts
#: as two) is a placeholder such as "x", not a scope (§3.1.2: the scope is agreed in the application).
MIN_SCOPE_WEIGHT = 4


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or ord(ch) >= 0x20000


def validate_scope(value: str) -> None:
    """Raise ``ValidationError`` unless ``value`` describes a scope in at least a few words."""
    text = (value or "").strip()
    if not text:
        raise ValidationError(_("Describe the scope of certification."), code="required")
    letters = [ch for ch in text if ch.isalnum()]
    weight = sum(2 if _is_cjk(ch) else 1 for ch in letters)
    if weight < MIN_SCOPE_WEIGHT or len(set(letters)) < 2:
        raise ValidationError(
            _(
                "Describe the scope in words: the services and activities to be certified, for example “installation and repair of household appliances”."
            ),
            code="too_short",
        )
