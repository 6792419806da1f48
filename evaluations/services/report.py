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


@transaction.atomic
def evaluation_publish_report(*, evaluation: Evaluation, by, reason: str = "") -> Evaluation:
    """Make the submitted report visible to the organisation (customer service sends it out,
    as it publishes the CB's other documents); the organisation's members are notified. A
    transition of its own, so the log says who published it and when."""
    from django.utils.translation import gettext_lazy as _

    from applications import permissions as application_permissions
    from cesi_cert.errors import forbidden
    from cesi_cert.notifications import notify
    from cesi_cert.transitions import begin, run_transition

    from .. import notices
    from ._common import notice_params, organization_members

    if not application_permissions.can_review(by):
        raise forbidden(_("Only customer service publishes reports to the organisation."))
    ev = begin(evaluation, "publish_report", by)
    run_transition(ev, "publish_report", by=by, reason=reason)
    notify(
        organization_members(ev),
        notices.REPORT_PUBLISHED,
        params=notice_params(ev),
        link=ev.get_absolute_url(),
    )
    return ev
