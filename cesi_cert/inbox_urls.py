"""``/inbox/`` (namespace ``inbox``)."""

from django.urls import path

from . import inbox

app_name = "inbox"

urlpatterns = [
    path("", inbox.inbox, name="list"),
    path("read-all/", inbox.read_all, name="read_all"),
    path("<int:pk>/read/", inbox.notification_read, name="read"),
]
