"""Every action on organisations, applications and contracts: the only writers of their state.

Each function runs in one transaction, checks permission, and raises
:class:`cesi_cert.errors.DomainError` for anything the user must fix. Admin, portal, API, tasks
and commands all call these (STYLE §3).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cesi_cert.errors import DomainError, forbidden, invalid
from cesi_cert.files import check_upload
from cesi_cert.notifications import notify
from cesi_cert.roles import Role
from cesi_cert.transitions import check_transition, lock, run_transition

from . import permissions
from .models import (
    REQUIRED_DOCUMENTS,
    Application,
    ApplicationDocument,
    Contract,
    ContractAmendment,
    DocumentKind,
    Membership,
    Organization,
    Site,
)
from .validators import normalize_credit_code, validate_credit_code

ORGANIZATION_FIELDS = (
    "name_zh",
    "name_en",
    "credit_code",
    "address_zh",
    "address_en",
    "applicant_type",
    "part_of_legal_entity",
    "parent_entity_name",
    "contact_name",
    "contact_phone",
    "contact_email",
)
ORGANIZATION_FILES = ("legal_status_evidence", "independent_liability_evidence")


# --- organisations and sites ------------------------------------------------------------


def _apply_org_fields(org: Organization, fields: dict) -> None:
    unknown = set(fields) - set(ORGANIZATION_FIELDS) - set(ORGANIZATION_FILES)
    if unknown:
        raise ValueError(f"unknown organisation fields: {sorted(unknown)}")
    for name in ORGANIZATION_FIELDS:
        if name in fields:
            setattr(org, name, fields[name])
    org.credit_code = normalize_credit_code(org.credit_code)
    try:
        validate_credit_code(org.credit_code)
    except ValidationError as e:
        raise invalid("credit_code", e.messages[0]) from None
    clash = Organization.objects.filter(credit_code=org.credit_code).exclude(pk=org.pk)
    if clash.exists():
        raise invalid(
            "credit_code",
            _(
                "An organisation with this credit code is already registered; ask its administrator to add you."
            ),
        )
    # §2.2 a: part of a legal entity → name it and show it bears legal liability itself.
    if org.part_of_legal_entity:
        if not org.parent_entity_name:
            raise invalid(
                "parent_entity_name",
                _("Name the legal entity this organisation belongs to (§2.2 a)."),
            )
        if not org.independent_liability_evidence and not fields.get(
            "independent_liability_evidence"
        ):
            raise invalid(
                "independent_liability_evidence",
                _(
                    "Upload evidence that the organisation can bear legal liability independently (§2.2 a)."
                ),
            )
    for name in ORGANIZATION_FILES:
        upload = fields.get(name)
        if upload:
            checked = check_upload(upload, field=name)
            upload.name = f"evidence.{checked.extension}"
            setattr(org, name, upload)


@transaction.atomic
def organization_create(*, by, **fields) -> Organization:
    """Register an organisation; its creator becomes its first member (SPEC public contract)."""
    if not permissions.can_create_organization(by):
        raise forbidden(_("Only applicant accounts can register an organisation."))
    org = Organization()
    _apply_org_fields(org, fields)
    org._history_user = by
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError:
        raise invalid(
            "credit_code", _("An organisation with this credit code is already registered.")
        ) from None
    Membership.objects.create(user=by, organization=org, is_admin=True)
    by.__dict__.pop("_cesi_org_ids", None)
    return org


@transaction.atomic
def organization_update(*, organization: Organization, by, **fields) -> Organization:
    if not permissions.can_edit_organization(by, organization):
        raise forbidden()
    org = lock(organization)
    _apply_org_fields(org, fields)
    org._history_user = by
    org.save()
    return org


@transaction.atomic
def membership_add(
    *, organization: Organization, by, email: str, is_admin: bool = False
) -> Membership:
    """Let another applicant account act for the organisation (found by its e-mail address)."""
    if not permissions.can_manage_members(by, organization):
        raise forbidden(_("Only an administrator of the organisation can add members."))
    email = (email or "").strip()
    user = (
        get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if email
        else None
    )
    if user is None or not user.groups.filter(name=Role.APPLICANT).exists():
        raise invalid(
            "email",
            _(
                "No applicant account uses this e-mail address; ask your colleague to sign up first."
            ),
        )
    if organization.memberships.filter(user=user).exists():
        raise invalid(
            "email",
            _("%(user)s is already a member.") % {"user": user.get_full_name() or user.username},
        )
    membership = Membership.objects.create(user=user, organization=organization, is_admin=is_admin)
    notify(
        [user],
        _("You can now act for %(org)s in the portal."),
        params={"org": organization.name_zh},
        link=organization.get_absolute_url(),
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by) -> None:
    """Remove a member; an organisation always keeps at least one administrator."""
    organization = lock(membership.organization)
    if not permissions.can_manage_members(by, organization):
        raise forbidden(_("Only an administrator of the organisation can remove members."))
    admins = organization.memberships.filter(is_admin=True).exclude(pk=membership.pk)
    if membership.is_admin and not admins.exists():
        raise DomainError(
            _(
                "The organisation needs at least one administrator; make someone else administrator first."
            ),
            code=DomainError.CONFLICT,
        )
    membership.delete()


def _check_site(organization, name, address, activities):
    if not (name or "").strip():
        raise invalid("name", _("Give the site a name."))
    if not (address or "").strip():
        raise invalid("address", _("Give the site's address."))
    if not (activities or "").strip():
        raise invalid("activities", _("Describe the service activities at this site."))


@transaction.atomic
def site_create(*, organization, by, name, address, activities, is_central=False) -> Site:
    if not permissions.can_edit_organization(by, organization):
        raise forbidden()
    _check_site(organization, name, address, activities)
    site = Site(
        organization=organization,
        name=name,
        address=address,
        activities=activities,
        is_central=is_central,
    )
    site._history_user = by
    site.save()
    return site


@transaction.atomic
def site_update(*, site: Site, by, **fields) -> Site:
    if not permissions.can_edit_organization(by, site.organization):
        raise forbidden()
    site = lock(site)
    for name in ("name", "address", "activities", "is_central"):
        if name in fields:
            setattr(site, name, fields[name])
    _check_site(site.organization, site.name, site.address, site.activities)
    site._history_user = by
    site.save()
    return site


@transaction.atomic
def site_delete(*, site: Site, by) -> None:
    if not permissions.can_edit_organization(by, site.organization):
        raise forbidden()
    if site.applications.exclude(state=Application.State.DRAFT).exists():
        raise DomainError(
            _("This site is part of an application already handed in; it cannot be deleted."),
            code=DomainError.CONFLICT,
        )
    site._history_user = by
    site.delete()


# --- applications -----------------------------------------------------------------------


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
    have = {doc.kind for doc in application.documents.all()}  # uses a prefetch when there is one
    return [k for k in REQUIRED_DOCUMENTS[application.kind] if k not in have]


def _begin(application: Application, name: str, by) -> Application:
    """Lock the row and refuse early (409) when ``by`` cannot run ``name`` now.

    The state is checked before the fields, so a stale button answers "not now" rather than
    complaining about its form.
    """
    app = lock(application)
    check_transition(app, name, by=by)
    return app


def _staff(role):
    return get_user_model().objects.filter(groups__name=role, is_active=True)


def _members(organization):
    return get_user_model().objects.filter(memberships__organization=organization, is_active=True)


@transaction.atomic
def application_submit(*, application: Application, by, reason: str = "") -> Application:
    """§3.1.3: hand in the application with its materials (or the answer to a change request)."""
    app = _begin(application, "submit", by)
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
    recipients = [app.reviewer] if resubmission and app.reviewer else _staff(Role.CUSTOMER_SERVICE)
    notify(
        recipients,
        _("%(org)s answered the change request on application %(ref)s.")
        if resubmission
        else _("%(org)s submitted application %(ref)s."),
        params={"ref": app.reference, "org": app.organization.name_zh},
        link=reverse("admin:applications_application_change", args=[app.pk]),
    )
    return app


@transaction.atomic
def application_start_review(*, application: Application, by, reason: str = "") -> Application:
    return run_transition(lock(application), "start_review", by=by, reason=reason)


@transaction.atomic
def application_request_changes(*, application: Application, by, changes: str) -> Application:
    """Send the application back with the list of what to complete or correct."""
    app = _begin(application, "request_changes", by)
    if not (changes or "").strip():
        raise invalid("changes", _("Say what the applicant must change."))
    app = run_transition(app, "request_changes", by=by, reason=changes, changes=changes)
    notify(
        _members(app.organization),
        _("Application %(ref)s needs changes: %(changes)s"),
        params={"ref": app.reference, "changes": changes[:200]},
        link=app.get_absolute_url(),
    )
    return app


@transaction.atomic
def application_accept(
    *, application: Application, by, requirements_clear: bool, cb_capable: bool, notes: str = ""
) -> Application:
    """§3.1.4: accept only when the requirements are clear and the CB is able to do the work."""
    app = _begin(application, "accept", by)
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
        _members(app.organization),
        _("Application %(ref)s was accepted; the contract follows."),
        params={"ref": app.reference},
        link=app.get_absolute_url(),
    )
    return app


@transaction.atomic
def application_reject(
    *, application: Application, by, reasons: str, requirements_clear=None, cb_capable=None
) -> Application:
    """Refuse the application with written reasons, which the applicant receives."""
    app = _begin(application, "reject", by)
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
        _members(app.organization),
        _("Application %(ref)s was rejected: %(reasons)s"),
        params={"ref": app.reference, "reasons": reasons[:200]},
        link=app.get_absolute_url(),
    )
    return app


@transaction.atomic
def application_withdraw(*, application: Application, by, reason: str = "") -> Application:
    app = _begin(application, "withdraw", by)
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
            _staff(Role.CUSTOMER_SERVICE)
            if permissions.is_member(by, app.organization)
            else _members(app.organization),
            _("Application %(ref)s was withdrawn."),
            params={"ref": app.reference},
            link=app.get_absolute_url(),
        )
    return app


def _check_money(man_days, fee_quote):
    if man_days is None or Decimal(man_days) <= 0:
        raise invalid("man_days", _("Man-days must be greater than zero."))
    if fee_quote is None or Decimal(fee_quote) < 0:
        raise invalid("fee_quote", _("The fee quote cannot be negative."))


@transaction.atomic
def application_sign_contract(
    *,
    application: Application,
    by,
    number: str = "",
    signed_on,
    man_days,
    fee_quote,
    notes: str = "",
) -> Application:
    """§3.1.4: record the signed certification contract; the application is then contracted."""
    app = _begin(application, "sign_contract", by)
    _check_money(man_days, fee_quote)
    if signed_on and signed_on > timezone.localdate():
        raise invalid("signed_on", _("The signing date cannot be in the future."))
    number = (number or "").strip() or f"HT-{app.reference}"
    if Contract.objects.filter(number=number).exists():
        raise invalid(
            "number", _("Contract number %(number)s is already used.") % {"number": number}
        )
    run_transition(
        app, "sign_contract", by=by, reason=_("Contract %(number)s") % {"number": number}
    )
    contract = Contract(
        application=app,
        number=number,
        signed_on=signed_on,
        man_days=man_days,
        fee_quote=fee_quote,
        notes=notes,
        signed_by=by,
    )
    contract._history_user = by
    contract.save()
    notify(
        _members(app.organization),
        _("Contract %(number)s for application %(ref)s is recorded."),
        params={"number": number, "ref": app.reference},
        link=app.get_absolute_url(),
    )
    return app


@transaction.atomic
def contract_amend(
    *, contract: Contract, by, signed_on, description: str, man_days, fee_quote
) -> ContractAmendment:
    """Record a signed amendment and bring the contract's man-days and fee up to date."""
    if not permissions.can_amend_contract(by, contract):
        raise forbidden()
    if not (description or "").strip():
        raise invalid("description", _("Describe what the amendment changes."))
    _check_money(man_days, fee_quote)
    contract = lock(contract)
    if signed_on < contract.signed_on:
        raise invalid("signed_on", _("An amendment cannot be signed before the contract."))
    sequence = (
        contract.amendments.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    ) + 1
    amendment = ContractAmendment.objects.create(
        contract=contract,
        sequence=sequence,
        signed_on=signed_on,
        description=description,
        man_days_before=contract.man_days,
        man_days_after=man_days,
        fee_quote_before=contract.fee_quote,
        fee_quote_after=fee_quote,
        created_by=by,
    )
    contract.man_days, contract.fee_quote = man_days, fee_quote
    contract._history_user = by
    contract._change_reason = f"amendment {sequence}"
    contract.save()
    return amendment


# --- documents --------------------------------------------------------------------------


@transaction.atomic
def document_upload(
    *,
    application: Application,
    by,
    kind: str,
    file,
    description: str = "",
    published: bool | None = None,
) -> ApplicationDocument:
    """Attach material to an application after checking size, type and content."""
    app = lock(application)
    if not permissions.can_upload_document(by, app):
        raise DomainError(
            _(
                "Materials can be added only while the application is a draft or changes are requested."
            ),
            code=DomainError.CONFLICT,
        )
    checked = check_upload(file, field="file")
    if kind not in DocumentKind.values:
        raise invalid("kind", _("Choose what kind of document this is."))
    applicant_upload = permissions.is_member(by, app.organization)
    file.name = f"upload.{checked.extension}"
    doc = ApplicationDocument(
        application=app,
        kind=kind,
        file=file,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        description=description,
        uploaded_by=by,
        # What the applicant sends is theirs to see; a CB document stays internal until published.
        published=True if applicant_upload else bool(published),
    )
    doc._history_user = by
    doc.save()
    return doc


@transaction.atomic
def document_delete(*, document: ApplicationDocument, by) -> None:
    lock(document.application)
    if not permissions.can_delete_document(by, document):
        raise DomainError(_("This document can no longer be removed."), code=DomainError.CONFLICT)
    document._history_user = by
    stored = document.file
    document.delete()
    transaction.on_commit(lambda: stored.storage.delete(stored.name))


@transaction.atomic
def document_publish(*, document: ApplicationDocument, by) -> ApplicationDocument:
    """Make a CB document visible to the organisation (SPEC: drafts stay internal)."""
    if not permissions.can_review(by):
        raise forbidden(_("Only customer service publishes documents to the applicant."))
    document = lock(document)
    if document.published:
        return document
    document.published = True
    document._history_user = by
    document._change_reason = "published"
    document.save(update_fields=["published"])
    app = document.application
    notify(
        _members(app.organization),
        _("A new document is available for application %(ref)s: %(name)s"),
        params={"ref": app.reference, "name": document.original_name},
        link=app.get_absolute_url(),
    )
    return document
