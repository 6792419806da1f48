"""Forms of evaluations: fields only; the services decide (STYLE §3)."""

from .planning import (
    NotifyPlanForm,
    ObjectionForm,
    PlanForm,
    ReplaceMemberForm,
    ResolveObjectionForm,
    TeamMemberAddForm,
)

__all__ = [
    "NotifyPlanForm",
    "ObjectionForm",
    "PlanForm",
    "ReplaceMemberForm",
    "ResolveObjectionForm",
    "TeamMemberAddForm",
]
