"""The obligations evaluations put on the deadline engine (cesi_cert.deadlines): an answer to
each nonconformity by its due date (§3.3.2.2 5), each subcontracted report by its due date
(§3.3.2.1). Opened, moved and closed by the services that change them."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applications.notices import org_name
from applications.selectors import deadline_organization_members
from cesi_cert import deadlines
from cesi_cert.roles import Role

NONCONFORMITY_ANSWER = deadlines.DeadlineKind(
    "evaluations.nonconformity_answer",
    _("Answer nonconformity %(number)s of evaluation %(ref)s (%(org)s)"),
    owner=Role.CERTIFICATION_BUSINESS,
    remind_before=timedelta(days=7),
    organization_recipients=deadline_organization_members,
)
SUBCONTRACT_REPORT = deadlines.DeadlineKind(
    "evaluations.subcontract_report",
    _("Subcontracted report from %(subcontractor)s for evaluation %(ref)s"),
    owner=Role.CERTIFICATION_BUSINESS,
    visible_to_organization=False,
    remind_before=timedelta(days=7),
)


def track_nonconformity(nc) -> None:
    ev = nc.evaluation
    deadlines.track(
        nc,
        NONCONFORMITY_ANSWER,
        deadlines.end_of(nc.due_on),
        organization_id=ev.organization_id,
        params={
            "number": f"NC{nc.number:02d}",
            "ref": ev.reference,
            "org": org_name(ev.organization),
        },
        portal_link=f"{ev.get_absolute_url()}#nc-{nc.pk}",
        staff_link=reverse("admin:evaluations_evaluation_change", args=[ev.pk]),
    )


def track_subcontract(sa) -> None:
    ev = sa.evaluation
    deadlines.track(
        sa,
        SUBCONTRACT_REPORT,
        deadlines.end_of(sa.due_on),
        organization_id=ev.organization_id,
        params={"subcontractor": sa.subcontractor, "ref": ev.reference},
        staff_link=reverse("admin:evaluations_subcontractedassessment_change", args=[sa.pk]),
    )


def close_all_of(evaluation) -> None:
    """A cancelled evaluation owes nothing more."""
    from cesi_cert.models import Deadline

    for nc in evaluation.nonconformities.all():
        deadlines.close(nc, outcome=Deadline.Outcome.CANCELLED)
    for sa in evaluation.subcontracted_assessments.all():
        deadlines.close(sa, outcome=Deadline.Outcome.CANCELLED)
