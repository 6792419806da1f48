"""The committee workspace (``/committee/…``): one decision's dossier on one page (§3.3 "全套
评价资料"), its buttons (review, conditions a–e, vote, close), and the stored evaluation report
shown inline.

Every look-up goes through :func:`selectors.decisions_for`; only technical-committee members
enter (the gate sends anyone else to the login page).
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.decorators import method_decorator
from django.views.decorators.clickjacking import xframe_options_sameorigin

from cesi_cert.pdf import PdfUnavailable
from cesi_cert.roles import Role
from cesi_cert.transitions import actions_for, transition_log
from cesi_cert.web import TransitionView, role_required
from evaluations.models import Evaluation, TeamMember

from ..models import Condition, Decision, VoteChoice
from ..permissions import decisions as permissions
from ..selectors import decisions as selectors

committee_required = role_required(Role.TECHNICAL_COMMITTEE)


def get_decision(request, pk) -> Decision:
    return get_object_or_404(selectors.decisions_for(request.user), pk=pk)


def subcontracted_reports(evaluation) -> list:
    """§3.3.2.1 reports of subcontracted assessments, where the evaluations app records them."""
    related = getattr(evaluation, "subcontracted_assessments", None)
    return list(related.all()) if related is not None else []


def dossier(decision: Decision) -> dict:
    """Everything the committee reviews (§3.3 "全套评价资料"): application, contract, the
    evaluation and its team, the report, nonconformities and their closure, subcontracted
    reports."""
    evaluation = (
        Evaluation.objects.select_related("organization", "scheme", "application")
        .prefetch_related("sites")
        .get(pk=decision.evaluation_id)
    )
    application = evaluation.application
    contract = getattr(application, "contract", None) if application else None
    return {
        "evaluation": evaluation,
        "application": application,
        "application_sites": list(application.sites.all()) if application else [],
        "contract": contract,
        "team": list(TeamMember.objects.filter(evaluation=evaluation).select_related("person")),
        "sites": list(evaluation.sites.all()),
        "nonconformities": list(evaluation.nonconformities.order_by("number")),
        "subcontracted": subcontracted_reports(evaluation),
    }


def _label(name: str) -> str:
    action = actions_for(Decision).get(name)
    return action.label if action else name


@committee_required
def decision_detail(request, pk):
    decision = get_decision(request, pk)
    user = request.user
    checks = {c.condition: c for c in decision.conditions.select_related("confirmed_by")}
    votes = list(decision.votes.select_related("voter").order_by("cast_at", "pk"))
    return render(
        request,
        "certificates/decisions/committee_detail.html",
        {
            "decision": decision,
            "actions": actions_for(decision).available(decision, user),
            "barred": permissions.why_barred(user, decision),
            "conditions": [
                {"code": c.value, "label": c.label, "check": checks.get(c.value)} for c in Condition
            ],
            "votes": votes,
            "my_vote": next((v for v in votes if v.voter_id == user.pk), None),
            "counts": {
                choice.label: sum(v.choice == choice for v in votes) for choice in VoteChoice
            },
            "timeline": [
                {"entry": entry, "label": _label(entry.transition)}
                for entry in transition_log(decision)
            ],
            **dossier(decision),
        },
    )


@committee_required
@xframe_options_sameorigin
def report_pdf(request, pk):
    """The evaluation report of decision ``pk``, inline (the dossier page frames it).

    Under ``/committee/reports/``, whose Content-Security-Policy lets this site frame it.
    """
    decision = get_decision(request, pk)
    evaluation = decision.evaluation
    if evaluation.state != Evaluation.State.REPORTED:
        raise Http404
    if not evaluation.report_pdf:  # the worker has not rendered it yet (or could not)
        from evaluations.services.report import evaluation_store_report

        try:
            evaluation_store_report(evaluation=evaluation)
        except PdfUnavailable as exc:
            return render(request, "503.html", {"message": str(exc)}, status=503)
        evaluation.refresh_from_db()
    response = FileResponse(
        evaluation.report_pdf.open("rb"),
        as_attachment=False,
        filename=f"{evaluation.reference}-report.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@method_decorator(committee_required, name="dispatch")
class DecisionActionView(TransitionView):
    template_name = "certificates/decisions/committee_action.html"

    def get_object(self):
        return get_decision(self.request, self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        from django.contrib import messages
        from django.shortcuts import redirect

        from cesi_cert.errors import DomainError

        from ..actions.decisions import refuse_if_barred

        decision = self.get_object()
        try:
            refuse_if_barred(decision, self.kwargs["name"], request.user)
        except DomainError as err:
            messages.error(request, err.message)
            return redirect(decision.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **context):
        return {**context, "decision": context["object"]}
