"""Applications (§3.1): create, edit, and every transition up to acceptance."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cesi_cert.errors import DomainError, forbidden, invalid
from cesi_cert.events import send_on_commit
from cesi_cert.notifications import notify
from cesi_cert.roles import Role, users_with_role
from cesi_cert.transitions import begin, lock, run_transition

from .. import notices, permissions, signals
from ..models import (
    REQUIRED_DOCUMENTS,
    Application,
    DocumentKind,
)
from ._common import members


def _check_application_fields(app: Application, sites) -> None:
    if not app.scheme.is_active:
        raise invalid("scheme", _("This scheme is not open for applications."))
    levels = [lv["code"] for lv in app.scheme.levels]
    if app.requested_level and app.requested_level not in levels:
        raise invalid(
            "requested_level",
            _("“%(level)s” is not a level of this scheme; choose one of: %(levels)s.")
            % {"level": app.requested_level, "levels": ", ".join(levels) or "—"},
        )
    if sites is not None:
        foreign = [s for s in sites if s.organization_id != app.organization_id]
        if foreign:
            raise invalid("sites", _("Choose sites of the applying organisation only."))
    if not (app.scope or "").strip():
        raise invalid("scope", _("Describe the scope of certification."))


def _finalize_reference(app: Application) -> None:
    """SA<year in China>-<id>: readable on the phone, unique because the id is."""
    app.reference = f"SA{timezone.localtime(app.created_at):%Y}-{app.pk:05d}"
    Application.objects.filter(pk=app.pk).update(reference=app.reference)


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
    previous_certificate_number="",
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
        previous_certificate_number=previous_certificate_number or "",
        created_by=by,
        reference=f"tmp-{uuid.uuid4().hex[:16]}",  # replaced once the id is known
    )
    sites = list(sites)
    _check_application_fields(app, sites)
    app._history_user = by
    app.save()
    _finalize_reference(app)
    app.sites.set(sites)
    return app


@transaction.atomic
def application_update(*, application: Application, by, sites=None, **fields) -> Application:
    """Edit a draft (or an application sent back for changes)."""
    app = lock(application)
    if not permissions.can_edit_application(by, app):
        raise DomainError(
            _("The application can be changed only while it is a draft or changes are requested."),
            code=DomainError.CONFLICT,
        )
    for name in ("scheme", "kind", "scope", "requested_level", "previous_certificate_number"):
        if name in fields:
            setattr(app, name, fields[name] if fields[name] is not None else "")
    sites = list(sites) if sites is not None else None
    _check_application_fields(app, sites)
    app._history_user = by
    app.save()
    if sites is not None:
        app.sites.set(sites)
    return app


def missing_documents(application: Application) -> list[str]:
    """Kinds of required material (§3.1.3) not yet uploaded."""
    # Current versions only; uses a prefetch when there is one.
    have = {doc.kind for doc in application.documents.all() if doc.is_current}
    return [k for k in REQUIRED_DOCUMENTS[application.kind] if k not in have]


@transaction.atomic
def application_submit(*, application: Application, by, reason: str = "") -> Application:
    """§3.1.3: hand in the application with its materials (or the answer to a change request)."""
    app = begin(application, "submit", by)
    if not app.sites.exists():
        raise invalid("sites", _("Choose at least one site where the service is provided."))
    if app.scheme.levels and not app.requested_level:
        raise invalid("requested_level", _("Choose the level you apply for."))
    if app.kind != Application.Kind.INITIAL and not app.previous_certificate_number:
        raise invalid(
            "previous_certificate_number", _("Give the number of the current certificate.")
        )
    missing = missing_documents(app)
    if missing:
        labels = ", ".join(str(DocumentKind(k).label) for k in missing)
        raise invalid(
            "documents",
            _("Upload the required materials first: %(missing)s.") % {"missing": labels},
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
def application_request_changes(*, application: Application, by, changes: str) -> Application:
    """Send the application back with the list of what to complete or correct."""
    app = begin(application, "request_changes", by)
    if not (changes or "").strip():
        raise invalid("changes", _("Say what the applicant must change."))
    app = run_transition(app, "request_changes", by=by, reason=changes, changes=changes)
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
