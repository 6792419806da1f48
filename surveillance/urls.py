"""Notification pages, mounted in the portal namespace by the root URLconf."""

from django.urls import path

from . import views

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
