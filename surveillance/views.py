"""The organisation's incident and change notifications in the portal (``/portal/incidents/``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from applications import selectors as application_selectors
from cesi_cert.errors import DomainError
from cesi_cert.files import serve_private_file
from cesi_cert.transitions import actions_for, check_transition, transition_log
from cesi_cert.web import (
    TransitionView,
    applicant_required,
    posted,
    posted_files,
    refused,
    signed_in_required,
)

from . import selectors, services
from .forms import NoticeSubmitForm, NotifyWithFilesForm
from .models import OrganizationNotice, RequirementVerification


def get_notice(request, pk) -> OrganizationNotice:
    try:
        return selectors.notices_for(request.user).get(pk=pk)
    except OrganizationNotice.DoesNotExist:
        raise Http404 from None


@applicant_required
def notice_list(request):
    return render(
        request,
        "surveillance/portal/notice_list.html",
        {"notices": selectors.notices_for(request.user).order_by("-created_at")},
    )


@applicant_required
def notice_create(request):
    """§3.4.3: notify an incident or a change."""
    organizations = application_selectors.organizations_for(request.user)
    if not organizations.exists():
        messages.error(request, _("Register your organisation first."))
        return redirect("portal:home")
    form = NoticeSubmitForm(posted(request), posted_files(request), organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            notice = services.notice_submit(by=request.user, **data)
        except DomainError as err:
            response = refused(request, form, err, "portal:incidents")
            if response is not None:
                return response
        else:
            if notice.late:
                messages.warning(
                    request,
                    _("Notification %(ref)s is sent. It is late: it was due by %(due)s.")
                    % {"ref": notice.reference, "due": _local(notice.due_at)},
                )
            else:
                messages.success(
                    request, _("Notification %(ref)s is sent.") % {"ref": notice.reference}
                )
            return redirect(notice.get_absolute_url())
    return render(request, "surveillance/portal/notice_form.html", {"form": form})


def _local(moment) -> str:
    from django.utils import timezone

    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


@applicant_required
def notice_detail(request, pk):
    notice = get_notice(request, pk)
    return render(
        request,
        "surveillance/portal/notice_detail.html",
        {
            "notice": notice,
            "organization": notice.organization,
            "actions": actions_for(notice).available(notice, request.user),
            "timeline": transition_log(notice),
        },
    )


@signed_in_required
def attachment_download(request, pk):
    attachment = get_object_or_404(selectors.attachments_for(request.user), pk=pk)
    if not attachment.file or not attachment.file.storage.exists(attachment.file.name):
        raise Http404
    return serve_private_file(
        attachment.file,
        download_name=attachment.original_name,
        content_type=attachment.content_type,
    )


@applicant_required
def notice_notify(request, pk):
    """The organisation notifies one the certification body opened, with attachments (the
    transition ``notify`` through its service, as the API and the generic action page)."""
    notice = get_notice(request, pk)
    action = actions_for(notice).get("notify")
    if action not in actions_for(notice).available(notice, request.user):
        try:
            check_transition(notice, "notify", by=request.user)
            messages.error(request, _("This action is not available now."))
        except DomainError as err:
            messages.error(request, err.message)
        return redirect(notice.get_absolute_url())
    form = NotifyWithFilesForm(posted(request), posted_files(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.notice_notify(notice=notice, by=request.user, **form.cleaned_data)
        except DomainError as err:
            response = refused(request, form, err, notice.get_absolute_url())
            if response is not None:
                return response
        else:
            messages.success(
                request, _("Notification %(ref)s is sent.") % {"ref": notice.reference}
            )
            return redirect(notice.get_absolute_url())
    return render(
        request,
        "surveillance/portal/action.html",
        {"notice": notice, "object": notice, "action": action, "form": form},
    )


@method_decorator(applicant_required, name="dispatch")
class NoticeActionView(TransitionView):
    """``/portal/incidents/<pk>/actions/<name>/`` (notify one the CB opened)."""

    template_name = "surveillance/portal/action.html"

    def get_object(self):
        return get_notice(self.request, self.kwargs["pk"])

    def get_context_data(self, **context):
        return {**context, "notice": context["object"]}


# --- changed certification requirements (§3.4.7) ---------------------------------------------


def get_verification(request, pk) -> RequirementVerification:
    try:
        return selectors.requirement_verifications_for(request.user).get(pk=pk)
    except RequirementVerification.DoesNotExist:
        raise Http404 from None


@applicant_required
def verification_list(request):
    """The organisation's verifications of changed requirements, open ones first."""
    items = sorted(
        selectors.requirement_verifications_for(request.user),
        key=lambda v: (v.state != RequirementVerification.State.OPEN, v.change.verify_by),
    )
    return render(request, "surveillance/portal/verification_list.html", {"items": items})


@applicant_required
def verification_detail(request, pk):
    verification = get_verification(request, pk)
    return render(
        request,
        "surveillance/portal/verification_detail.html",
        {
            "verification": verification,
            "actions": actions_for(verification).available(verification, request.user),
            "timeline": transition_log(verification),
        },
    )


@signed_in_required
def verification_file(request, pk):
    verification = get_object_or_404(selectors.requirement_verifications_for(request.user), pk=pk)
    if not verification.attachment or not verification.attachment.storage.exists(
        verification.attachment.name
    ):
        raise Http404
    return serve_private_file(
        verification.attachment,
        download_name=verification.attachment_name,
        content_type=verification.attachment_type,
    )


@method_decorator(applicant_required, name="dispatch")
class VerificationActionView(TransitionView):
    """``/portal/requirements/<pk>/actions/<name>/``: confirm (note + file) or refuse."""

    template_name = "surveillance/portal/verification_action.html"

    def get_object(self):
        return get_verification(self.request, self.kwargs["pk"])

    def get_context_data(self, **context):
        return {**context, "verification": context["object"]}
