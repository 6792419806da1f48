"""Scope extension (§3.4.5) as the surveillance app sees it.

- §3.5.5.1 c: the incident register's findings against an extension application — the
  organisation's own notifications of kinds a (accident, major complaint) and b (found
  nonconforming by a regulator) that happened within the 12 months before the review. The
  register does not say which part of the scope an incident concerns, so every such
  notification of the organisation counts (the reviewer reads them; acceptance waits).
- §3.5.5.2 d: the extension evaluation combined with the certificate's open surveillance
  cycle (结合监督审查): the cycle's evaluation becomes the extension evaluation, so that one
  grant satisfies the cycle and reissues the certificate.
"""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from applications.review_checks import Finding
from cesi_cert.errors import conflict, forbidden, invalid
from cesi_cert.transitions import lock

from .. import permissions
from ..models import OrganizationNotice, SurveillanceCycle

#: §3.5.5.1 c "至少近一年来".
LOOK_BACK = relativedelta(months=12)


def extension_findings(application, as_of) -> list[Finding]:
    """Provider of ``applications.review_checks`` for condition c of §3.5.5.1."""
    rows = OrganizationNotice.objects.filter(
        organization_id=application.organization_id,
        kind__in=OrganizationNotice.URGENT_KINDS,
        occurred_at__gt=as_of - LOOK_BACK,
        occurred_at__lte=as_of,
    ).order_by("-occurred_at", "-pk")
    return [
        Finding(
            reference=n.reference,
            kind=n.get_kind_display(),
            occurred_at=n.occurred_at,
            description=n.description[:200],
        )
        for n in rows
    ]


@transaction.atomic
def cycle_combine_with_extension(*, cycle: SurveillanceCycle, evaluation, by) -> SurveillanceCycle:
    """§3.5.5.2 d: take the extension evaluation as the cycle's surveillance (staff act).

    Only an open cycle without a surveillance evaluation of its own, and only the evaluation of
    an extension application naming the cycle's certificate, still open (not reported, not
    cancelled). The cycle's history records who combined them.
    """
    if not permissions.can_combine_cycle(by):
        raise forbidden(_("Only the certification body's staff combine evaluations."))
    cycle = lock(cycle)
    app = evaluation.application
    if evaluation.kind != "extension" or app is None or app.certificate_id != cycle.certificate_id:
        raise invalid(
            "evaluation",
            _("Choose the evaluation of an extension of this cycle's certificate."),
        )
    if cycle.state != SurveillanceCycle.State.OPEN:
        raise conflict(_("Only an open cycle can be combined."))
    if cycle.evaluation_id == evaluation.pk:
        return cycle  # a double submit
    if cycle.evaluation_id:
        raise conflict(
            _("This cycle has its own surveillance evaluation %(ref)s already.")
            % {"ref": cycle.evaluation.reference}
        )
    if evaluation.state in ("reported", "cancelled"):
        raise conflict(_("Combine an evaluation that is still to be carried out."))
    cycle.evaluation = evaluation
    cycle._history_user = by
    cycle._change_reason = f"§3.5.5.2 d {evaluation.reference}"[:100]
    cycle.save()
    return cycle
