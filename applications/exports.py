"""Spreadsheet exports for staff (cesi_cert.exports: Chinese intact, formulas neutralised)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from cesi_cert.exports import csv_response

from .models import Application, Contract


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def applications_csv(queryset: QuerySet[Application]) -> HttpResponse:
    """The applications with their organisation, state and contract, one row each."""
    header = [
        _("Reference"),
        _("Organisation"),
        _("Unified social credit code"),
        _("Scheme"),
        _("Kind"),
        _("Requested level"),
        _("State"),
        _("Submitted on"),
        _("Contract number"),
        _("Man-days"),
        _("Fee quote (CNY)"),
    ]
    return csv_response("applications", header, _rows(queryset))


def _rows(queryset: QuerySet[Application]):
    apps = queryset.select_related("organization", "scheme", "contract").order_by("reference")
    for app in apps:
        try:
            contract = app.contract
        except Contract.DoesNotExist:
            contract = None
        yield [
            app.reference,
            app.organization.name_zh,
            app.organization.credit_code,
            app.scheme.name,
            app.get_kind_display(),
            app.scheme.level_label(app.requested_level) if app.requested_level else "",
            app.get_state_display(),
            _when(app.submitted_at),
            contract.number if contract else "",
            contract.man_days if contract else "",
            contract.fee_quote if contract else "",
        ]
