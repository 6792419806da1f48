"""The organisation's view of its evaluations in the portal (``/portal/evaluations/…``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cesi_cert.errors import DomainError
from cesi_cert.transitions import actions_for, transition_log
from cesi_cert.web import applicant_required, refused

from .. import permissions, selectors, services
from ..forms import ObjectionForm
from ..models import Evaluation
from ..services.planning import objections_open


def get_evaluation(request, pk) -> Evaluation:
    try:
        return selectors.evaluations_for(request.user).get(pk=pk)
    except Evaluation.DoesNotExist:
        raise Http404 from None


def _render_detail(request, evaluation, *, bound=None):
    """``bound``: ``(member_pk, form)`` of an objection form sent back with its errors."""
    team = evaluation.active_members()
    may_object = objections_open(evaluation) and permissions.can_act_for_organization(
        request.user, evaluation
    )
    open_about = {o.member_id for o in evaluation.objections.all() if o.resolved_at is None}
    rows = []
    for member in team:
        form = None
        if may_object and member.pk not in open_about:
            form = (
                bound[1]
                if bound and bound[0] == member.pk
                else ObjectionForm(prefix=f"m{member.pk}")
            )
        rows.append({"member": member, "objection_form": form})
    return render(
        request,
        "evaluations/portal/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "organization": evaluation.organization,
            "may_object": may_object,
            "team": team,
            "team_rows": rows,
            "sites": list(evaluation.sites.all()),
            "objections": list(evaluation.objections.select_related("member__person")),
            "timeline": transition_log(evaluation),
            # The organisation sees which activities there are and when they were done; their
            # results, the evidence and subcontracted reports are the CB's working papers and
            # reach it through the published report.
            "activities": list(evaluation.activities.all()),
            "meetings": list(evaluation.meetings.all()),
            # Buttons only for what this person may do now (the same check as the service).
            "evaluation_actions": {
                a.name for a in actions_for(evaluation).available(evaluation, request.user)
            },
            "findings": [
                {
                    "nc": nc,
                    "can_answer": any(
                        a.name == "answer" for a in actions_for(nc).available(nc, request.user)
                    ),
                }
                for nc in evaluation.nonconformities.order_by("number")
            ],
        },
    )


@applicant_required
def evaluation_detail(request, pk):
    return _render_detail(request, get_evaluation(request, pk))


@applicant_required
@require_POST
def evaluation_object(request, pk, member_pk):
    """§3.2.2.4: the organisation objects to a member of the notified team."""
    evaluation = get_evaluation(request, pk)
    member = next((m for m in evaluation.active_members() if m.pk == member_pk), None)
    if member is None:
        raise Http404
    form = ObjectionForm(request.POST, prefix=f"m{member.pk}")
    if form.is_valid():
        try:
            services.objection_raise(member=member, by=request.user, **form.cleaned_data)
        except DomainError as err:
            response = refused(request, form, err, evaluation.get_absolute_url())
            if response is not None:
                return response
        else:
            messages.success(
                request,
                _("Your objection is sent; the certification body will answer it."),
            )
            return redirect(evaluation.get_absolute_url())
    return _render_detail(request, evaluation, bound=(member.pk, form))


@applicant_required
def evaluation_ics(request, pk):
    """The notified visit for the organisation's calendar."""
    return _ics_response(get_evaluation(request, pk))


def _ics_response(evaluation):
    from django.http import HttpResponse

    from ..calendar import visit_ics

    if not (evaluation.plan_notified_at and evaluation.starts_on and evaluation.ends_on):
        raise Http404
    response = HttpResponse(visit_ics(evaluation), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{evaluation.reference}.ics"'
    return response


@applicant_required
def evaluation_report(request, pk):
    """The report, once customer service has published it to the organisation."""
    from cesi_cert.files import serve_private_file
    from cesi_cert.pdf import PdfUnavailable

    from ..services.report import evaluation_store_report

    evaluation = get_evaluation(request, pk)
    if not evaluation.report_published_at:
        raise Http404
    if not evaluation.report_pdf:
        try:
            evaluation_store_report(evaluation=evaluation)
        except PdfUnavailable as exc:
            return render(request, "503.html", {"message": str(exc)}, status=503)
        evaluation.refresh_from_db()
    return serve_private_file(
        evaluation.report_pdf,
        download_name=f"{evaluation.reference}-report.pdf",
        content_type="application/pdf",
    )
