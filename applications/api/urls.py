"""The applications app's collections under /api/v1/ (SPEC "Public contract")."""

from . import views


def register(router):
    """Mount this app's viewsets on the shared /api/v1/ router."""
    router.register("schemes", views.SchemeViewSet, basename="scheme")
    router.register("organizations", views.OrganizationViewSet, basename="organization")
    router.register("sites", views.SiteViewSet, basename="site")
    router.register("applications", views.ApplicationViewSet, basename="application")
    router.register("documents", views.DocumentViewSet, basename="document")
    router.register("contracts", views.ContractViewSet, basename="contract")
