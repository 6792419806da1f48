"""Evaluation pages: the portal's (mounted under /portal/) and the auditor workspace's."""

from django.urls import path, re_path

from .views import history, portal

#: Mounted in the portal namespace by the root URLconf.
portal_patterns = [
    path("evaluations/<int:pk>/", portal.evaluation_detail, name="evaluation"),
]

#: Mounted in the auditor namespace by the root URLconf.
auditor_patterns: list = [
    re_path(r"^history\.(?P<fmt>csv|xlsx)$", history.audit_history, name="audit_history"),
]
