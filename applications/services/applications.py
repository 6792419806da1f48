"""Applications (§3.1): create, edit, and every transition up to acceptance."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cesi_cert import limits
from cesi_cert.errors import DomainError, forbidden, invalid
from cesi_cert.events import send_on_commit
from cesi_cert.notifications import notify
from cesi_cert.references import assign_year_reference
from cesi_cert.roles import Role, users_with_role
from cesi_cert.transitions import begin, lock, run_transition

from .. import notices, permissions, signals
from ..models import Application
from ._common import members
from .checks import application_field_errors, fields_error, submission_blockers


def _check_application_fields(app: Application, sites) -> None:
    """Refuse the save with every field error at once (a draft may lack sites and a level)."""
    errors = application_field_errors(
        organization=app.organization,
        scheme=app.scheme,
        kind=app.kind,
        scope=app.scope,
        requested_level=app.requested_level,
        certificate=app.certificate,
        sites=sites,
    )
    if errors:
        raise fields_error(errors)


@transaction.atomic
def application_create(
    *,
    organization,
    by,
    scheme,
    scope,
    kind=Application.Kind.INITIAL,
    sites=(),
    requested_level="",
    certificate=None,
) -> Application:
    """Start a draft application for ``organization``."""
    if not permissions.can_act_for(by, organization):
        raise forbidden(_("You can apply only for an organisation you belong to."))
    app = Application(
        organization=organization,
        scheme=scheme,
        kind=kind,
        scope=scope,
        requested_level=requested_level or "",
        certificate=certificate,
        created_by=by,
        reference=f"tmp-{uuid.uuid4().hex[:16]}",  # replaced once the id is known
    )
    sites = list(sites)
    _check_application_fields(app, sites)
    app._history_user = by
    app.save()
    assign_year_reference(app, "SA")
    app.sites.set(sites)
    return app


@transaction.atomic
def application_update(*, application: Application, by, sites=None, **fields) -> Application:
    """Edit a draft (or an application sent back for changes)."""
    app = lock(application)
    if not permissions.can_ever_edit_application(by, app):
        raise forbidden(_("Your role cannot change applications."))
    if not permissions.can_edit_application(by, app):
        raise DomainError(
            _("The application can be changed only while it is a draft or changes are requested."),
            code=DomainError.CONFLICT,
        )
    for name in ("scheme", "kind", "scope", "requested_level", "certificate"):
        if name in fields:
            value = fields[name]
            setattr(app, name, value if value is not None or name == "certificate" else "")
    sites = list(sites) if sites is not None else None
    _check_application_fields(app, sites)
    app._history_user = by
    app.save()
    if sites is not None:
        app.sites.set(sites)
    return app


@transaction.atomic
def application_submit(*, application: Application, by, reason: str = "") -> Application:
    """§3.1.3: hand in the application with its materials (or the answer to a change request)."""
    app = begin(application, "submit", by)
    blockers = submission_blockers(app)
    if blockers:
        errors: dict[str, list[str]] = {}
        for blocker in blockers:
            errors.setdefault(blocker.field, []).append(blocker.message)
        raise fields_error(
            errors, _("The application cannot be submitted yet: do what the list says first.")
        )
    resubmission = app.state == Application.State.CHANGES_REQUESTED
    run_transition(app, "submit", by=by, reason=reason)
    recipients = (
        [app.reviewer] if resubmission and app.reviewer else users_with_role(Role.CUSTOMER_SERVICE)
    )
    notify(
        recipients,
        notices.APPLICATION_RESUBMITTED if resubmission else notices.APPLICATION_SUBMITTED,
        params={"ref": app.reference, "org": notices.org_name(app.organization)},
        link=reverse("admin:applications_application_change", args=[app.pk]),
    )
    return app


@transaction.atomic
def application_start_review(*, application: Application, by, reason: str = "") -> Application:
    return run_transition(lock(application), "start_review", by=by, reason=reason)


@transaction.atomic
def application_request_changes(
    *, application: Application, by, changes: str, fresh_licence_required: bool = False
) -> Application:
    """Send the application back with the list of what to complete or correct.

    With ``fresh_licence_required`` the licence on file no longer counts for this application
    until a fresh copy is uploaded to it; the request says so in words too, so the applicant
    reads it in the e-mail.
    """
    app = begin(application, "request_changes", by)
    if not (changes or "").strip():
        raise invalid("changes", _("Say what the applicant must change."))
    if fresh_licence_required:
        changes = "{}\n\n{}".format(
            changes.strip(), _("Please upload a fresh copy of the business licence.")
        )
    if len(changes) > limits.NOTE:  # the sentence above counts too
        raise invalid(
            "changes",
            _("Keep the request under %(limit)d characters.") % {"limit": limits.NOTE},
        )
    app = run_transition(
        app,
        "request_changes",
        by=by,
        reason=changes,
        changes=changes,
        fresh_licence_required=fresh_licence_required,
    )
    notify(
        members(app.organization),
        notices.APPLICATION_CHANGES_REQUESTED,
        params={"ref": app.reference, "changes": changes},
        link=app.get_absolute_url(),
    )
    return app


@transaction.atomic
def application_accept(
    *, application: Application, by, requirements_clear: bool, cb_capable: bool, notes: str = ""
) -> Application:
    """§3.1.4: accept only when the requirements are clear and the CB is able to do the work."""
    app = begin(application, "accept", by)
    if not requirements_clear:
        raise invalid(
            "requirements_clear",
            _("Confirm that the certification requirements are clear before accepting (§3.1.4)."),
        )
    if not cb_capable:
        raise invalid(
            "cb_capable",
            _(
                "Confirm that the certification body is able to do the work before accepting (§3.1.4)."
            ),
        )
    app = run_transition(
        app,
        "accept",
        by=by,
        reason=notes,
        requirements_clear=True,
        cb_capable=True,
        notes=notes,
    )
    notify(
        members(app.organization),
        notices.APPLICATION_ACCEPTED,
        params={"ref": app.reference},
        link=app.get_absolute_url(),
    )
    return app


@transaction.atomic
def application_reject(
    *, application: Application, by, reasons: str, requirements_clear=None, cb_capable=None
) -> Application:
    """Refuse the application with written reasons, which the applicant receives."""
    app = begin(application, "reject", by)
    if not (reasons or "").strip():
        raise invalid(
            "reasons", _("Write the reasons for the rejection; the applicant receives them.")
        )
    app = run_transition(
        app,
        "reject",
        by=by,
        reason=reasons,
        reasons=reasons,
        requirements_clear=requirements_clear,
        cb_capable=cb_capable,
    )
    notify(
        members(app.organization),
        notices.APPLICATION_REJECTED,
        params={"ref": app.reference, "reasons": reasons},
        link=app.get_absolute_url(),
    )
    return app


@transaction.atomic
def application_withdraw(*, application: Application, by, reason: str = "") -> Application:
    app = begin(application, "withdraw", by)
    if (
        permissions.can_review(by)
        and not permissions.is_member(by, app.organization)
        and not reason.strip()
    ):
        raise invalid("reason", _("Staff record a withdrawal only with the applicant's reason."))
    was = app.state
    run_transition(app, "withdraw", by=by, reason=reason)
    if was != Application.State.DRAFT:
        notify(
            users_with_role(Role.CUSTOMER_SERVICE)
            if permissions.is_member(by, app.organization)
            else members(app.organization),
            notices.APPLICATION_WITHDRAWN,
            params={"ref": app.reference},
            link=app.get_absolute_url(),
        )
    send_on_commit(signals.application_withdrawn, sender=Application, application=app, by=by)
    return app
