"""Celery tasks of evaluations: thin wrappers over services."""

import logging

from celery import shared_task

from cesi_cert.pdf import PdfUnavailable

from .models import Evaluation

log = logging.getLogger(__name__)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def store_evaluation_report(evaluation_id: int) -> bool:
    from .services.report import evaluation_store_report

    evaluation = Evaluation.objects.filter(pk=evaluation_id).first()
    if evaluation is None:
        return False
    try:
        return evaluation_store_report(evaluation=evaluation)
    except PdfUnavailable:  # this host cannot make PDFs: the first download says what to install
        log.exception("the report PDF of evaluation %s cannot be made here", evaluation_id)
        return False
