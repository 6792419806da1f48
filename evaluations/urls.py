"""Evaluation pages: the portal's (mounted under /portal/) and the auditor workspace's."""

from django.urls import path

from .views import portal

#: Mounted in the portal namespace by the root URLconf.
portal_patterns = [
    path("evaluations/<int:pk>/", portal.evaluation_detail, name="evaluation"),
    path(
        "evaluations/<int:pk>/team/<int:member_pk>/object/",
        portal.evaluation_object,
        name="evaluation_object",
    ),
]

#: Mounted in the auditor namespace by the root URLconf.
auditor_patterns: list = []
