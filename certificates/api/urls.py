"""The certificates app's collections under /api/v1/ (SPEC "Public contract")."""

from . import certificates, decisions


def register(router):
    """Mount this app's viewsets on the shared /api/v1/ router."""
    router.register("decisions", decisions.DecisionViewSet, basename="decision")
    router.register("votes", decisions.VoteViewSet, basename="vote")
    certificates.register(router)


def register_public(router):
    """Mount the public certificate search, no login (the root URLconf mounts it first)."""
    certificates.register_public(router)
