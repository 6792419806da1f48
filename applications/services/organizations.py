"""Organisations (§2), their sites and members (who join by invitation: ``invitations.py``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cesi_cert.db import unique_violation
from cesi_cert.errors import DomainError, conflict, forbidden, invalid, invalid_fields
from cesi_cert.files import check_upload
from cesi_cert.transitions import lock
from cesi_cert.validators import validate_phone

from .. import permissions
from ..models import (
    Application,
    Membership,
    Organization,
    Site,
)
from ..validators import normalize_credit_code, validate_credit_code

ORGANIZATION_FIELDS = (
    "name_zh",
    "name_en",
    "credit_code",
    "address_zh",
    "address_en",
    "applicant_type",
    "legal_status_valid_until",
    "part_of_legal_entity",
    "parent_entity_name",
    "contact_name",
    "contact_phone",
    "contact_email",
)
ORGANIZATION_FILES = ("legal_status_evidence", "independent_liability_evidence")


CREDIT_CODE_TAKEN = _(
    "An organisation with this credit code is already registered; ask its administrator to add you."
)


def _credit_code_taken(code: str, organization: Organization | None) -> bool:
    """The early answer, alongside the other errors; :func:`_save_org` decides a race."""
    clash = Organization.objects.filter(credit_code=code)
    if organization is not None and organization.pk:
        clash = clash.exclude(pk=organization.pk)
    return clash.exists()


def _save_org(org: Organization, by) -> None:
    """Save ``org``; a credit code registered a moment ago by someone else is a field error
    (the early check in :func:`organization_errors` answers first; the constraint decides)."""
    org._history_user = by
    try:
        with transaction.atomic():
            org.save()
    except IntegrityError as exc:
        if unique_violation(exc, Organization, "credit_code"):
            raise invalid("credit_code", CREDIT_CODE_TAKEN) from None
        raise


def organization_errors(*, organization: Organization | None, fields: dict) -> dict[str, list]:
    """Every problem with ``fields`` for ``organization`` (``None``: a new one), by field.

    All at once, so a form shows them in one round (issue 6 item 13): the credit code
    (GB 32100-2015) and whether it is taken, §2.2 a for part of a legal entity, each evidence
    upload's size, type and content, and the licence's end date. Fields not in ``fields`` keep
    the organisation's current value; the form's portal and admin versions call this too.
    """
    errors: dict[str, list] = {}

    def add(field, message):
        errors.setdefault(field, []).append(str(message))

    def value(name, default=""):
        if name in fields:
            return fields[name]
        return getattr(organization, name) if organization is not None else default

    code = normalize_credit_code(value("credit_code"))
    try:
        validate_credit_code(code)
    except ValidationError as e:
        add("credit_code", e.messages[0])
    else:
        if _credit_code_taken(code, organization):
            add("credit_code", CREDIT_CODE_TAKEN)
    try:
        validate_phone(value("contact_phone"))
    except ValidationError as e:
        add("contact_phone", e.messages[0])
    # §2.2 a: part of a legal entity → name it and show it bears legal liability itself.
    if value("part_of_legal_entity", False):
        if not (value("parent_entity_name") or "").strip():
            add(
                "parent_entity_name",
                _("Name the legal entity this organisation belongs to (§2.2 a)."),
            )
        on_file = organization is not None and organization.independent_liability_evidence
        if not on_file and not fields.get("independent_liability_evidence"):
            add(
                "independent_liability_evidence",
                _(
                    "Upload evidence that the organisation can bear legal liability independently (§2.2 a)."
                ),
            )
    for name in ORGANIZATION_FILES:
        upload = fields.get(name)
        if upload:
            try:
                check_upload(upload, field=name)
            except DomainError as err:
                add(name, err.message)
    until = value("legal_status_valid_until", None)
    stored_until = organization.legal_status_valid_until if organization is not None else None
    # A past end date is refused when it is entered, not when an unrelated field is edited.
    if until and until != stored_until and until < timezone.localdate():
        add(
            "legal_status_valid_until",
            _(
                "This date has passed: the licence has expired. Upload the current licence and its end date."
            ),
        )
    return errors


def _apply_org_fields(org: Organization, fields: dict) -> None:
    unknown = set(fields) - set(ORGANIZATION_FIELDS) - set(ORGANIZATION_FILES)
    if unknown:
        raise ValueError(f"unknown organisation fields: {sorted(unknown)}")
    errors = organization_errors(organization=org if org.pk else None, fields=fields)
    if errors:
        raise invalid_fields(errors)
    for name in ORGANIZATION_FIELDS:
        if name in fields:
            setattr(org, name, fields[name])
    org.credit_code = normalize_credit_code(org.credit_code)
    for name in ORGANIZATION_FILES:
        upload = fields.get(name)
        if upload:
            checked = check_upload(upload, field=name)
            upload.name = f"evidence.{checked.extension}"
            setattr(org, name, upload)
            if name == "legal_status_evidence":
                org.legal_status_uploaded_at = timezone.now()


@transaction.atomic
def organization_create(*, by, **fields) -> Organization:
    """Register an organisation; its creator becomes its first member (SPEC public contract)."""
    if not permissions.can_create_organization(by):
        raise forbidden(_("Only applicant accounts can register an organisation."))
    org = Organization()
    _apply_org_fields(org, fields)
    _save_org(org, by)
    founder = Membership(user=by, organization=org, is_admin=True)
    founder._history_user = by
    founder.save()
    by.__dict__.pop("_cesi_org_ids", None)
    return org


@transaction.atomic
def organization_update(*, organization: Organization, by, **fields) -> Organization:
    if not permissions.can_edit_organization(by, organization):
        raise forbidden()
    org = lock(organization)
    _apply_org_fields(org, fields)
    _save_org(org, by)
    return org


LAST_ADMINISTRATOR = _(
    "The organisation needs at least one administrator; make someone else administrator first."
)


@transaction.atomic
def membership_remove(*, membership: Membership, by) -> None:
    """Remove a member; an organisation always keeps at least one administrator."""
    organization = lock(membership.organization)
    if not permissions.can_manage_members(by, organization):
        raise forbidden(_("Only an administrator of the organisation can remove members."))
    # Re-read under the lock: someone may have made this person administrator meanwhile.
    membership = organization.memberships.filter(pk=membership.pk).first()
    if membership is None:
        raise conflict(_("This person is no longer a member."))
    admins = organization.memberships.filter(is_admin=True).exclude(pk=membership.pk)
    if membership.is_admin and not admins.exists():
        raise DomainError(LAST_ADMINISTRATOR, code=DomainError.CONFLICT)
    membership._history_user = by
    membership.delete()


@transaction.atomic
def membership_set_admin(*, membership: Membership, by, is_admin: bool) -> Membership:
    """Make a member an administrator (manages members) or revoke it; the last one stays.

    Locks the organisation, as :func:`membership_remove` does, so two clerks revoking the last
    two administrators at once cannot leave it with none.
    """
    organization = lock(membership.organization)
    if not permissions.can_manage_members(by, organization):
        raise forbidden(_("Only an administrator of the organisation can change administrators."))
    membership = organization.memberships.filter(pk=membership.pk).first()
    if membership is None:
        raise conflict(_("This person is no longer a member."))
    if membership.is_admin == is_admin:
        return membership
    if not is_admin:
        others = organization.memberships.filter(is_admin=True).exclude(pk=membership.pk)
        if not others.exists():
            raise DomainError(LAST_ADMINISTRATOR, code=DomainError.CONFLICT)
    membership.is_admin = is_admin
    membership._history_user = by
    membership.save(update_fields=["is_admin"])
    return membership


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
