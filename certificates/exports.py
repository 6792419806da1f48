"""The regulator report of status changes (§5.3 "按要求上报相关主管部门（CNCA）"): one row per
suspension, reinstatement, withdrawal and expiry effective in a month, as CSV or Excel."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from cesi_cert.exports import csv_response, xlsx_response

from . import selectors


def header() -> list[str]:
    return [
        _("Registration number"),
        _("Certificate OID"),
        _("Organisation"),
        _("Unified social credit code"),
        _("Scheme"),
        _("Kind of change"),
        _("Ground"),
        _("Effective on"),
        _("Suspended until"),
        _("State now"),
        _("Documents returned on"),
        _("Details"),
    ]


def rows(year: int, month: int):
    for change in selectors.status_changes_in_month(year, month):
        cert = change.certificate
        version = cert.current_version
        until = change.suspended_until.isoformat() if change.suspended_until else ""
        if change.until_licence_decision:
            until = _("until the licence decision")
        yield [
            cert.number,
            cert.oid,
            version.organization_name_zh if version else cert.organization_name,
            cert.credit_code,
            cert.scheme.name_zh,
            change.get_kind_display(),
            change.ground_label(),
            change.effective_on.isoformat(),
            until,
            cert.get_state_display(),
            change.documents_returned_on.isoformat() if change.documents_returned_on else "",
            change.reason,
        ]


def status_change_report(year: int, month: int, fmt: str):
    """The month's report, in Chinese (the regulator's language)."""
    with translation.override("zh-hans"):
        basename = f"certificate-status-{year}-{month:02d}"
        if fmt == "xlsx":
            return xlsx_response(basename, _("Status changes"), header(), list(rows(year, month)))
        return csv_response(basename, header(), list(rows(year, month)))
