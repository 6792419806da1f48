"""Everybody's inbox (``/inbox/``): applicants, auditors, committee members and staff alike.

Notices are rendered in the reader's language (:mod:`cesi_cert.notifications`).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import Notification
from .web import signed_in_required


@signed_in_required
def inbox(request):
    notes = Notification.objects.filter(recipient=request.user)
    page = Paginator(notes, 30).get_page(request.GET.get("page"))
    return render(request, "cesi_cert/inbox.html", {"page": page})


@signed_in_required
@require_POST
def notification_read(request, pk):
    """Mark one notification read, then follow its link if it is one of ours."""
    note = get_object_or_404(Notification, recipient=request.user, pk=pk)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
        note.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(note.link)
    return redirect("inbox:list")


@signed_in_required
@require_POST
def read_all(request):
    unread = Notification.objects.filter(recipient=request.user, read_at=None)
    if unread.update(read_at=timezone.now()):
        messages.success(request, _("All notifications are marked as read."))
    return redirect("inbox:list")
