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
]
