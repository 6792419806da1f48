"""The auditor workspace (``/auditor/…``): an evaluation I am on, its buttons, the quick
nonconformity form, the application's materials, and my verification queue.

Every look-up goes through :func:`selectors.evaluations_on_team`, so an evaluation I am not on —
another auditor's included — is a 404, never a "forbidden" that would reveal it exists.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from applications import permissions as application_permissions
from applications.models import ApplicationDocument
from cesi_cert.errors import DomainError
from cesi_cert.files import serve_private_file
from cesi_cert.roles import Role
from cesi_cert.transitions import actions_for, transition_log
from cesi_cert.web import TransitionView, posted, refused, role_required

from .. import permissions, selectors, services
from ..forms.execution import RaiseNonconformityForm
from ..forms.fieldwork import EvidenceForm
from ..models import Evaluation, Nonconformity
from ..models_fieldwork import WORK_STATES
from ..services.fieldwork import EVIDENCE_STATES

auditor_required = role_required(Role.AUDITOR)


def evaluation_url(evaluation) -> str:
    return reverse("auditor:evaluation", args=[evaluation.pk])


def get_evaluation(request, pk) -> Evaluation:
    return get_object_or_404(selectors.evaluations_on_team(request.user), pk=pk)


def get_nonconformity(request, pk) -> Nonconformity:
    on_team = selectors.evaluations_on_team(request.user).values("pk")
    return get_object_or_404(
        selectors.nonconformities_for(request.user).filter(evaluation__in=on_team), pk=pk
    )


def _work_context(request, evaluation, evidence_form) -> dict:
    """The evaluation's work on its page: activities, subcontracted assessments, meetings and
    evidence (each list read in a fixed number of queries, whatever its length)."""
    user = request.user
    may_record = permissions.can_record(user, evaluation)
    activities = list(
        evaluation.activities.select_related("site", "performed_by").prefetch_related("files")
    )
    evidence = list(
        evaluation.evidence.select_related("site", "activity", "recorded_by").prefetch_related(
            "photos"
        )
    )
    can_add_evidence = may_record and evaluation.state in EVIDENCE_STATES
    if can_add_evidence and evidence_form is None:
        evidence_form = EvidenceForm(evaluation=evaluation)
    return {
        "activities": activities,
        "can_record_activities": may_record and evaluation.state in WORK_STATES,
        "subcontracts": list(evaluation.subcontracted_assessments.all()),
        "meetings": list(evaluation.meetings.select_related("recorded_by")),
        "evidence": evidence,
        "evidence_form": evidence_form if can_add_evidence else None,
    }


def _page(request, evaluation, form=None, *, evidence_form=None):
    user = request.user
    form = form or RaiseNonconformityForm()
    ncs = list(evaluation.nonconformities.select_related("raised_by").order_by("number"))
    nc_actions = actions_for(Nonconformity)
    documents = []
    if evaluation.application_id:
        documents = [
            d
            for d in evaluation.application.documents.all()
            if d.is_current and application_permissions.can_view_document(user, d)
        ]
    return render(
        request,
        "evaluations/auditor/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "team": evaluation.active_members(),
            "sites": list(evaluation.sites.all()),
            "documents": documents,
            "actions": actions_for(evaluation).available(evaluation, user),
            "nonconformities": [(nc, nc_actions.available(nc, user)) for nc in ncs],
            "raise_form": form,
            "can_raise": permissions.can_raise_nonconformity(user, evaluation)
            and evaluation.state
            in (Evaluation.State.ON_SITE, Evaluation.State.AWAITING_CORRECTIONS),
            "timeline": transition_log(evaluation),
            **_work_context(request, evaluation, evidence_form),
        },
    )


@auditor_required
def evaluation_detail(request, pk):
    evaluation = get_evaluation(request, pk)
    return _page(request, evaluation, RaiseNonconformityForm())


@auditor_required
@require_http_methods(["POST"])
def nonconformity_create(request, pk):
    """The quick "raise a nonconformity" form of the evaluation page."""
    evaluation = get_evaluation(request, pk)
    form = RaiseNonconformityForm(posted(request))
    if form.is_valid():
        try:
            nc = services.nonconformity_raise(
                evaluation=evaluation, by=request.user, **form.cleaned_data
            )
        except DomainError as err:
            if response := refused(request, form, err, evaluation_url(evaluation)):
                return response
        else:
            messages.success(request, _("%(nc)s is recorded.") % {"nc": f"NC{nc.number:02d}"})
            return redirect(f"{evaluation_url(evaluation)}#findings")
    return _page(request, evaluation, form)


@auditor_required
def document_download(request, pk, document_pk):
    """One of the application's materials, for the team (the kernel's scopes decide)."""
    evaluation = get_evaluation(request, pk)
    document = get_object_or_404(
        ApplicationDocument, pk=document_pk, application_id=evaluation.application_id
    )
    if not application_permissions.can_view_document(request.user, document):
        raise Http404
    return serve_private_file(
        document.file, download_name=document.original_name, content_type=document.content_type
    )


@auditor_required
def verification_queue(request):
    """Answered nonconformities of the evaluations I lead, oldest answer first."""
    led = selectors.evaluations_on_team(request.user).filter(
        team__person=request.user, team__role="leader", team__removed_at__isnull=True
    )
    items = (
        selectors.nonconformities_for(request.user)
        .filter(evaluation__in=led.values("pk"), state=Nonconformity.State.ANSWERED)
        .order_by("answered_at", "pk")
    )
    page = Paginator(items, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluations/auditor/verification_queue.html",
        {"items": page.object_list, "page": page},
    )


@method_decorator(auditor_required, name="dispatch")
class EvaluationActionView(TransitionView):
    template_name = "evaluations/auditor/action.html"

    def get_object(self):
        return get_evaluation(self.request, self.kwargs["pk"])

    def get_success_url(self, obj) -> str:
        return evaluation_url(obj)

    def get_context_data(self, **context):
        return {**context, "evaluation": context["object"]}


@method_decorator(auditor_required, name="dispatch")
class NonconformityActionView(TransitionView):
    template_name = "evaluations/auditor/action.html"

    def get_object(self):
        return get_nonconformity(self.request, self.kwargs["pk"])

    def get_success_url(self, obj) -> str:
        return f"{evaluation_url(obj.evaluation)}#nc-{obj.pk}"

    def get_context_data(self, **context):
        return {**context, "evaluation": context["object"].evaluation, "nc": context["object"]}


@auditor_required
def evaluation_ics(request, pk):
    """The visit for the team member's calendar."""
    from .portal import _ics_response

    return _ics_response(get_evaluation(request, pk))
