"""Each auditor's and expert's audit history: the evidence of experience the personnel
registration body asks for (CSV and Excel, cells neutralised against formulas)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cesi_cert.exports import csv_response, xlsx_response

from .models import Evaluation, TeamMember


def audit_history(person):
    """The team places of ``person`` on evaluations that were not cancelled, oldest visit first;
    places given up before the visit (replaced members) do not count as experience."""
    return (
        TeamMember.objects.filter(person=person, removed_at__isnull=True)
        .exclude(evaluation__state=Evaluation.State.CANCELLED)
        .select_related("evaluation", "evaluation__organization", "evaluation__scheme")
        .order_by("evaluation__starts_on", "evaluation__pk")
    )


def _header():
    return [
        _("Evaluation"),
        _("Organisation"),
        _("Unified social credit code"),
        _("Scheme"),
        _("Kind"),
        _("Role"),
        _("Visit starts"),
        _("Visit ends"),
        _("Man-days"),
        _("State"),
    ]


def _rows(person):
    for place in audit_history(person):
        ev = place.evaluation
        yield [
            ev.reference,
            ev.organization.name_zh,
            ev.organization.credit_code,
            ev.scheme.name,
            ev.get_kind_display(),
            place.get_role_display(),
            ev.starts_on.isoformat() if ev.starts_on else "",
            ev.ends_on.isoformat() if ev.ends_on else "",
            place.man_days,
            ev.get_state_display(),
        ]


def audit_history_response(person, fmt: str):
    basename = f"audit-history-{person.username}"
    if fmt == "xlsx":
        return xlsx_response(basename, _("Audit history"), _header(), _rows(person))
    return csv_response(basename, _header(), _rows(person))
