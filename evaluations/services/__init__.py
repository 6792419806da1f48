"""Every action on evaluations: the only writers of their state (STYLE §3)."""

from .lifecycle import (
    evaluation_cancel,
    evaluation_open_for_application,
    on_contract_signed,
)

__all__ = [
    "evaluation_cancel",
    "evaluation_open_for_application",
    "on_contract_signed",
]
