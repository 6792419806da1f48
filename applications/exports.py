"""Spreadsheet exports for staff (CSV that Excel opens with Chinese intact)."""

from __future__ import annotations

import csv

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Application, Contract


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def applications_csv(queryset: QuerySet[Application]) -> HttpResponse:
    """The applications with their organisation, state and contract, one row each."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="applications-{stamp}.csv"'
    response.write("\ufeff")  # BOM: Excel then reads the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [
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
    )
    rows = queryset.select_related("organization", "scheme", "contract").order_by("reference")
    for app in rows:
        try:
            contract = app.contract
        except Contract.DoesNotExist:
            contract = None
        writer.writerow(
            [
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
        )
    return response
