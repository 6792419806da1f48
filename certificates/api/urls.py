"""The certificates app's collections under /api/v1/ (SPEC "Public contract")."""

from . import certificates, decisions


def register(router):
    """Mount this app's viewsets on the shared /api/v1/ router."""
    router.register("decisions", decisions.DecisionViewSet, basename="decision")
    router.register("votes", decisions.VoteViewSet, basename="vote")
    certificates.register(router)
