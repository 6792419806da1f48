"""An evaluation is opened when its application's contract is signed (a reaction to
``applications.signals.contract_signed``, acting as the system) and cancelled by the planners
when it will not go on. (A contracted application cannot be withdrawn, so
``application_withdrawn`` has nothing to cancel here.)"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from cesi_cert.db import unique_violation
from cesi_cert.errors import invalid
from cesi_cert.notifications import notify
from cesi_cert.references import assign_year_reference
from cesi_cert.roles import Role, users_with_role
from cesi_cert.transitions import SYSTEM, begin, run_transition

from .. import deadlines as evaluation_deadlines
from .. import notices
from ..models import Evaluation
from ._common import notice_params, organization_members, team_people
from .fieldwork import activities_ensure_required

#: The evaluation kind of each application kind; a level increase is evaluated as an initial
#: certification (§3.4.4).
KIND_OF_APPLICATION = {
    Application.Kind.INITIAL: Evaluation.Kind.INITIAL,
    Application.Kind.RECERTIFICATION: Evaluation.Kind.RECERTIFICATION,
    Application.Kind.EXTENSION: Evaluation.Kind.EXTENSION,
    Application.Kind.LEVEL_CHANGE: Evaluation.Kind.INITIAL,
}

#: The reason the system gives when it opens an evaluation (the history row's change reason).
OPENED_BY_EVENT = "applications.contract_signed"


@transaction.atomic
def evaluation_open_for_application(*, application: Application) -> Evaluation | None:
    """Open the evaluation of a contracted application, for planning (the system acts).

    A second call for the same application opens nothing: the database's
    ``one_open_evaluation_per_application`` decides, so a repeated event is harmless.
    """
    if application.state != Application.State.CONTRACTED:
        raise invalid(None, _("Only a contracted application is evaluated."))
    evaluation = Evaluation(
        organization=application.organization,
        scheme=application.scheme,
        application=application,
        kind=KIND_OF_APPLICATION[application.kind],
        reference=f"tmp-{uuid.uuid4().hex[:16]}",
    )
    evaluation._history_user = None
    evaluation._change_reason = OPENED_BY_EVENT
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError as exc:
        if unique_violation(exc, Evaluation, "one_open_evaluation_per_application"):
            return None
        raise
    assign_year_reference(evaluation, "EV")
    # §3.2.2.2: initial and recertification evaluations cover every site in scope.
    evaluation.sites.set(application.sites.all())
    # §3.2.3: an activity for every evaluation mode the scheme's implementation rule requires.
    activities_ensure_required(evaluation=evaluation)
    contract = getattr(application, "contract", None)
    notify(
        users_with_role(Role.CERTIFICATION_BUSINESS),
        notices.EVALUATION_OPENED,
        params=notice_params(evaluation, contract=contract.number if contract else ""),
        link=reverse("admin:evaluations_evaluation_change", args=[evaluation.pk]),
    )
    return evaluation


@transaction.atomic
def evaluation_open_for_surveillance(
    *, organization, scheme, sites, by, reason: str, kind: str = Evaluation.Kind.SURVEILLANCE
) -> Evaluation:
    """Open a surveillance evaluation of a certified organisation, for planning (§3.4.2), or,
    with ``kind=CHANGE``, the change evaluation of a change request (§3.4.4).

    The surveillance app's sweep calls it as the system (``by=SYSTEM``, ``reason`` naming the
    sweep) and keeps the link on its cycle, which is what makes a second run open nothing; a
    change request keeps the link in the same way.
    """
    if kind not in (Evaluation.Kind.SURVEILLANCE, Evaluation.Kind.CHANGE):
        raise ValueError(f"not an evaluation of a certified organisation: {kind}")
    if not (reason or "").strip():
        raise invalid("reason", _("Say why the evaluation is opened."))
    evaluation = Evaluation(
        organization=organization,
        scheme=scheme,
        kind=kind,
        reference=f"tmp-{uuid.uuid4().hex[:16]}",
    )
    evaluation._history_user = None if by is SYSTEM else by
    evaluation._change_reason = reason[:100]
    evaluation.save()
    assign_year_reference(evaluation, "EV")
    evaluation.sites.set(sites)
    activities_ensure_required(evaluation=evaluation)
    if kind == Evaluation.Kind.SURVEILLANCE:  # a change evaluation is opened by the planners
        notify(
            users_with_role(Role.CERTIFICATION_BUSINESS),
            notices.SURVEILLANCE_OPENED,
            params=notice_params(evaluation),
            link=reverse("admin:evaluations_evaluation_change", args=[evaluation.pk]),
        )
    return evaluation


@transaction.atomic
def evaluation_cancel(*, evaluation: Evaluation, by, reason: str) -> Evaluation:
    """Stop an evaluation that will not go on (withdrawn application, organisation gone …)."""
    ev = begin(evaluation, "cancel", by)
    if not (reason or "").strip():
        raise invalid("reason", _("Say why the evaluation is cancelled."))
    run_transition(ev, "cancel", by=by, reason=reason, cancel_reason=reason)
    evaluation_deadlines.close_all_of(ev)
    notify(
        [*team_people(ev), *organization_members(ev)],
        notices.EVALUATION_CANCELLED,
        params=notice_params(ev, reason=reason),
        link=ev.get_absolute_url(),
    )
    return ev


def on_contract_signed(sender, application, contract, **kwargs) -> None:
    """Receiver of ``applications.signals.contract_signed``."""
    evaluation_open_for_application(application=application)
