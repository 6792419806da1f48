"""The obligations of this app on the deadline engine (cesi_cert.deadlines): the committee's
decision within ``DECISION_DUE_DAYS`` of the report (§3.3)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applications.notices import org_name
from cesi_cert import deadlines
from cesi_cert.roles import Role

DECISION_DUE = deadlines.DeadlineKind(
    "certificates.decision_due",
    _("Decide on evaluation %(ref)s of %(org)s (decision %(decision)s)"),
    owner=Role.TECHNICAL_COMMITTEE,
    visible_to_organization=False,
    remind_before=timedelta(days=7),
)


def track_decision(decision) -> None:
    ev = decision.evaluation
    deadlines.track(
        decision,
        DECISION_DUE,
        deadlines.end_of(decision.due_on),
        organization_id=decision.organization_id,
        params={
            "ref": ev.reference,
            "org": org_name(ev.organization),
            "decision": decision.reference,
        },
        staff_link=reverse("committee:decision", args=[decision.pk]),
    )
