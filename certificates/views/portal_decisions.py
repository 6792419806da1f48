"""The organisation's view of its certification decisions (``/portal/decisions/…``): the
outcome once made and the written refusal once sent — never the individual votes."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from cesi_cert.files import serve_private_file
from cesi_cert.web import applicant_required

from ..models import Decision
from ..selectors import decisions as selectors


def get_decision(request, pk) -> Decision:
    try:
        return selectors.decisions_for(request.user).get(pk=pk)
    except Decision.DoesNotExist:
        raise Http404 from None


@applicant_required
def decision_detail(request, pk):
    decision = get_decision(request, pk)
    return render(
        request,
        "certificates/decisions/portal_detail.html",
        {"decision": decision, "evaluation": decision.evaluation},
    )


@applicant_required
def refusal_notice(request, pk):
    decision = get_decision(request, pk)
    if not decision.refusal_notice_pdf:
        raise Http404
    return serve_private_file(
        decision.refusal_notice_pdf,
        download_name=f"{decision.reference}-refusal-notice.pdf",
        content_type="application/pdf",
    )
