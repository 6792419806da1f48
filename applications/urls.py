"""The applicant portal, mounted at /portal/ (namespace ``portal``)."""

from django.urls import path
from django.views.generic import RedirectView

from cesi_cert.workspaces import portal_home

from . import views

app_name = "portal"

urlpatterns = [
    # The home page is made of the panels each app registers (cesi_cert.panels).
    path("", portal_home, name="home"),
    # Notifications moved to everybody's /inbox/; old bookmarks follow.
    path("notifications/", RedirectView.as_view(pattern_name="inbox:list", permanent=True)),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="organization_edit"),
    path(
        "organizations/<int:pk>/evidence/<slug:field>/",
        views.organization_evidence,
        name="organization_evidence",
    ),
    path("organizations/<int:pk>/sites/new/", views.site_create, name="site_create"),
    path(
        "organizations/<int:pk>/applications/new/",
        views.application_create,
        name="application_create",
    ),
    path("organizations/<int:pk>/members/invite/", views.member_invite, name="member_invite"),
    path("invitations/<int:pk>/", views.invitation_detail, name="invitation"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    # The e-mailed link: a one-time token of which only the hash is stored.
    path("invitations/open/<str:token>/", views.invitation_open, name="invitation_open"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("sites/<int:pk>/delete/", views.site_delete, name="site_delete"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path(
        "applications/<int:pk>/actions/<slug:name>/",
        views.application_action,
        name="application_action",
    ),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("documents/<int:pk>/replace/", views.document_replace, name="document_replace"),
    path("documents/<int:pk>/delete/", views.document_delete, name="document_delete"),
]
