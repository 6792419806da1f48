"""The organisation's view of its evaluations in the portal (``/portal/evaluations/…``)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from cesi_cert.transitions import transition_log
from cesi_cert.web import applicant_required

from .. import selectors
from ..models import Evaluation


def get_evaluation(request, pk) -> Evaluation:
    try:
        return selectors.evaluations_for(request.user).get(pk=pk)
    except Evaluation.DoesNotExist:
        raise Http404 from None


@applicant_required
def evaluation_detail(request, pk):
    evaluation = get_evaluation(request, pk)
    return render(
        request,
        "evaluations/portal/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "organization": evaluation.organization,
            "team": evaluation.active_members(),
            "timeline": transition_log(evaluation),
        },
    )
