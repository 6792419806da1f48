"""The organisation's side of the findings in the portal: answering nonconformities and
handing in corrected documents (§3.2.2, §3.3.2.2 5), through the same actions as everywhere."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator

from cesi_cert.web import TransitionView, applicant_required

from .. import selectors
from .portal import get_evaluation


@method_decorator(applicant_required, name="dispatch")
class EvaluationActionView(TransitionView):
    """``/portal/evaluations/<pk>/actions/<name>/`` (resubmit the documents)."""

    template_name = "evaluations/portal/action.html"

    def get_object(self):
        return get_evaluation(self.request, self.kwargs["pk"])

    def get_context_data(self, **context):
        return {**context, "evaluation": context["object"]}


@method_decorator(applicant_required, name="dispatch")
class NonconformityActionView(TransitionView):
    """``/portal/nonconformities/<pk>/actions/<name>/`` (answer a nonconformity)."""

    template_name = "evaluations/portal/action.html"

    def get_object(self):
        return get_object_or_404(
            selectors.nonconformities_for(self.request.user), pk=self.kwargs["pk"]
        )

    def get_success_url(self, obj) -> str:
        return f"{obj.evaluation.get_absolute_url()}#nc-{obj.pk}"

    def get_context_data(self, **context):
        nc = context["object"]
        return {**context, "evaluation": nc.evaluation, "nc": nc}
