"""Notification pages, mounted in the portal namespace by the root URLconf."""

from django.urls import path

from . import views, views_changes

portal_patterns = [
    path("incidents/", views.notice_list, name="incidents"),
    path("incidents/new/", views.notice_create, name="incident_create"),
    path("incidents/<int:pk>/", views.notice_detail, name="incident"),
    path("incidents/<int:pk>/notify/", views.notice_notify, name="incident_notify"),
    path(
        "incidents/<int:pk>/actions/<slug:name>/",
        views.NoticeActionView.as_view(),
        name="incident_action",
    ),
    path(
        "incidents/attachments/<int:pk>/",
        views.attachment_download,
        name="incident_attachment",
    ),
    # §3.4.4 change requests and §3.4.6 scope reductions
    path("changes/", views_changes.change_list, name="change_requests"),
    path("changes/new/", views_changes.change_request_create, name="change_request_create"),
    path("changes/<int:pk>/", views_changes.change_request_detail, name="change_request"),
    path(
        "changes/<int:pk>/actions/<slug:name>/",
        views_changes.ChangeRequestActionView.as_view(),
        name="change_request_action",
    ),
    path(
        "changes/attachments/<int:pk>/",
        views_changes.change_attachment_download,
        name="change_request_attachment",
    ),
    path(
        "changes/reductions/new/",
        views_changes.scope_reduction_create,
        name="scope_reduction_create",
    ),
    path(
        "changes/reductions/<int:pk>/",
        views_changes.scope_reduction_detail,
        name="scope_reduction",
    ),
    path(
        "changes/reductions/<int:pk>/actions/<slug:name>/",
        views_changes.ScopeReductionActionView.as_view(),
        name="scope_reduction_action",
    ),
    path(
        "changes/reductions/attachments/<int:pk>/",
        views_changes.reduction_attachment_download,
        name="scope_reduction_attachment",
    ),
    path("requirements/", views.verification_list, name="requirement_verifications"),
    path("requirements/<int:pk>/", views.verification_detail, name="requirement_verification"),
    path(
        "requirements/<int:pk>/file/",
        views.verification_file,
        name="requirement_verification_file",
    ),
    path(
        "requirements/<int:pk>/actions/<slug:name>/",
        views.VerificationActionView.as_view(),
        name="requirement_verification_action",
    ),
]
