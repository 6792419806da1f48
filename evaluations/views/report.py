"""Download a submitted evaluation report (PDF): the team and the CB staff who follow it."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from cesi_cert.files import serve_private_file
from cesi_cert.pdf import PdfUnavailable
from cesi_cert.roles import Role
from cesi_cert.web import role_required

from .. import permissions, selectors
from ..models import Evaluation
from ..services.report import evaluation_store_report


@role_required(Role.AUDITOR, Role.CERTIFICATION_BUSINESS, Role.CUSTOMER_SERVICE)
def report_download(request, pk):
    try:
        evaluation = selectors.evaluations_for(request.user).get(pk=pk)
    except Evaluation.DoesNotExist:
        raise Http404 from None
    if not (
        permissions.can_follow(request.user) or permissions.is_on_team(request.user, evaluation)
    ):
        raise Http404
    if evaluation.state != Evaluation.State.REPORTED:
        raise Http404
    if not evaluation.report_pdf:  # the worker has not rendered it yet (or could not)
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
