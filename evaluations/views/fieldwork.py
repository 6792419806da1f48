"""The evaluation's work in the auditor workspace: recording an activity's result, the quick
evidence form with camera photos, and the downloads of the working papers (activity files,
evidence photos, subcontracted reports).

Look-ups go through the selectors scoped to the team (and, for downloads, the CB staff who
follow evaluations): anyone else gets a 404, never a "forbidden" that would reveal the object.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cesi_cert.errors import DomainError
from cesi_cert.files import serve_private_file
from cesi_cert.roles import Role
from cesi_cert.web import posted, posted_files, refused, role_required

from .. import permissions, selectors, services
from ..forms.fieldwork import ActivityResultForm, EvidenceForm
from ..models import Activity, ActivityFile, EvidencePhoto, SubcontractedAssessment
from .auditor import _page, auditor_required, evaluation_url, get_evaluation

#: Working papers are read by the team and by the CB staff who follow evaluations.
papers_required = role_required(Role.AUDITOR, Role.CERTIFICATION_BUSINESS, Role.CUSTOMER_SERVICE)


def get_activity(request, pk) -> Activity:
    on_team = selectors.evaluations_on_team(request.user).values("pk")
    return get_object_or_404(
        selectors.activities_for(request.user).filter(evaluation__in=on_team), pk=pk
    )


@auditor_required
@require_http_methods(["GET", "POST"])
def activity_result(request, pk):
    """§3.2.3: record (or correct) an activity's result, with an optional evidence file."""
    activity = get_activity(request, pk)
    back = f"{evaluation_url(activity.evaluation)}#activity-{activity.pk}"
    form = ActivityResultForm(posted(request), posted_files(request), activity=activity)
    if request.method == "GET":
        if activity.result:
            form.initial = {
                "result": activity.result,
                "findings": activity.findings,
                "performed_on": activity.performed_on,
                "site": activity.site_id,
            }
    elif form.is_valid():
        try:
            services.activity_record_result(activity=activity, by=request.user, **form.cleaned_data)
        except DomainError as err:
            if response := refused(request, form, err, back):
                return response
        else:
            messages.success(
                request,
                _("The result of “%(activity)s” is recorded.")
                % {"activity": activity.get_mode_display()},
            )
            return redirect(back)
    return render(
        request,
        "evaluations/auditor/activity_result.html",
        {"evaluation": activity.evaluation, "activity": activity, "form": form},
    )


@auditor_required
@require_http_methods(["POST"])
def evidence_create(request, pk):
    """§3.3.2.2 2: the quick evidence form of the evaluation page (phone or tablet)."""
    evaluation = get_evaluation(request, pk)
    form = EvidenceForm(posted(request), posted_files(request), evaluation=evaluation)
    if form.is_valid():
        try:
            services.evidence_record(evaluation=evaluation, by=request.user, **form.cleaned_data)
        except DomainError as err:
            if response := refused(request, form, err, evaluation_url(evaluation)):
                return response
        else:
            messages.success(request, _("The evidence is recorded."))
            return redirect(f"{evaluation_url(evaluation)}#evidence")
    return _page(request, evaluation, evidence_form=form)


def _internal_or_404(request, evaluation) -> None:
    from django.http import Http404

    if not permissions.can_see_internal(request.user, evaluation):
        raise Http404


@papers_required
def activity_file_download(request, pk):
    stored = get_object_or_404(
        ActivityFile.objects.select_related("activity__evaluation").filter(
            activity__evaluation__in=selectors.internal_evaluations_for(request.user)
        ),
        pk=pk,
    )
    _internal_or_404(request, stored.activity.evaluation)
    return serve_private_file(
        stored.file, download_name=stored.original_name, content_type=stored.content_type
    )


@papers_required
def evidence_photo(request, pk):
    photo = get_object_or_404(
        EvidencePhoto.objects.select_related("evidence__evaluation").filter(
            evidence__evaluation__in=selectors.internal_evaluations_for(request.user)
        ),
        pk=pk,
    )
    _internal_or_404(request, photo.evidence.evaluation)
    return serve_private_file(
        photo.image, download_name=photo.original_name, content_type=photo.content_type
    )


@papers_required
def subcontract_report(request, pk):
    assessment = get_object_or_404(
        selectors.subcontracts_for(request.user).filter(
            state=SubcontractedAssessment.State.RECEIVED
        ),
        pk=pk,
    )
    _internal_or_404(request, assessment.evaluation)
    return serve_private_file(
        assessment.report,
        download_name=assessment.report_name or f"{assessment.evaluation.reference}.pdf",
        content_type=assessment.report_content_type or "application/octet-stream",
    )
