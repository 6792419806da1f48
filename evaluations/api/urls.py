"""The evaluations app's collections under /api/v1/ (SPEC "Public contract")."""

from . import fieldwork, findings, planning
from . import register as register_api


def register(router):
    """Mount this app's viewsets on the shared /api/v1/ router."""
    router.register("evaluations", planning.EvaluationViewSet, basename="evaluation")
    router.register("team-members", planning.TeamMemberViewSet, basename="team-member")
    findings.register(router)
    fieldwork.register(router)
    register_api.register(router)
