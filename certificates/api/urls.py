"""The certificates app's collections under /api/v1/ (SPEC "Public contract")."""

from . import certificates


def register(router):
    """Mount this app's viewsets on the shared /api/v1/ router."""
    certificates.register(router)
