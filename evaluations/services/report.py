"""The submitted report as a stored PDF: rendered once, after the submission commits, and kept
(a report does not change once submitted; downloads serve the stored file)."""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import transaction

from ..models import Evaluation

log = logging.getLogger(__name__)


@transaction.atomic
def evaluation_store_report(*, evaluation: Evaluation) -> bool:
    """Render and store the report PDF of a reported evaluation; ``False`` if already stored.

    Raises :class:`cesi_cert.pdf.PdfUnavailable` when this host cannot make PDFs.
    """
    from ..report import report_pdf

    ev = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if ev.state != Evaluation.State.REPORTED or ev.report_pdf:
        return False
    content = report_pdf(ev)
    ev.report_pdf.save(f"{ev.reference}.pdf", ContentFile(content), save=False)
    ev._history_user = None
    ev._change_reason = "report rendered"
    ev.save(update_fields=["report_pdf"])
    return True


def queue_report_rendering(evaluation: Evaluation) -> None:
    """After the submission commits, render the PDF in the worker (a broker outage leaves it to
    the first download, which renders it then)."""

    def queue():
        from ..tasks import store_evaluation_report

        try:
            store_evaluation_report.delay(evaluation.pk)
        except Exception:
            log.exception("could not queue the report PDF of evaluation %s", evaluation.pk)

    transaction.on_commit(queue)
