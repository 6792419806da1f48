"""Changed certification requirements (§3.4.7): the only writers of
:class:`RequirementChange` and :class:`RequirementVerification` (STYLE §3).

Publishing a change creates one verification per valid or suspended certificate of the scheme
(in batches, idempotent by ``one_verification_per_change_certificate``), tells each holder once
and tracks each verification's deadline (``end_of(verify_by)``). A refusal, or the sweep
``surveillance.requirements_missed`` once the deadline passed, opens a case proposing withdrawal
on §5.2.1 i.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.notices import org_name
from cesi_cert import deadlines
from cesi_cert.errors import forbidden, invalid_fields
from cesi_cert.files import check_upload
from cesi_cert.notifications import bilingual, notify
from cesi_cert.references import assign_year_reference
from cesi_cert.roles import Role, users_with_role
from cesi_cert.transitions import SYSTEM, begin, lock, run_transition

from .. import notices, permissions
from ..deadlines import REQUIREMENT_VERIFICATION
from ..models import Case, RequirementChange, RequirementVerification
from ._common import choice_param, members_of
from .cases import case_open

#: The sweep's name (the reason on the rows it writes).
MISSED_REQUIREMENTS_SWEEP = "surveillance.requirements_missed"
#: The reason of a case opened by the organisation's refusal.
ON_REFUSAL = "surveillance.requirement_refused"
#: Verifications created per INSERT.
BATCH = 500
HELD_STATES = ("active", "suspended")


@transaction.atomic
def requirement_change_create(
    *, by, scheme, title: str, description: str, effective_on, verify_by
) -> RequirementChange:
    """认证业务部 drafts a change of a scheme's requirements (§3.4.7)."""
    if not permissions.can_manage_requirements(by):
        raise forbidden(_("Your role cannot record changed requirements."))
    errors = {}
    if not (title or "").strip():
        errors["title"] = [_("Give the change a title.")]
    if not (description or "").strip():
        errors["description"] = [_("Describe what changes.")]
    if effective_on and verify_by and verify_by < effective_on:
        errors["verify_by"] = [_("Conformity is verified on or after the day the change applies.")]
    if errors:
        raise invalid_fields(errors)
    change = RequirementChange(
        reference=f"tmp-{uuid.uuid4().hex[:16]}",
        scheme=scheme,
        title=title.strip(),
        description=description,
        effective_on=effective_on,
        verify_by=verify_by,
        created_by=by,
    )
    change._history_user = by
    change.save()
    assign_year_reference(change, "RC")
    return change


def _track(verification: RequirementVerification, change: RequirementChange) -> None:
    deadlines.track(
        verification,
        REQUIREMENT_VERIFICATION,
        deadlines.end_of(change.verify_by),
        organization_id=verification.organization_id,
        params={
            "certificate": verification.certificate.number,
            "ref": change.reference,
            "until": f"{change.verify_by:%Y-%m-%d}",
        },
        portal_link=verification.get_absolute_url(),
        staff_link=reverse(
            "admin:surveillance_requirementverification_change", args=[verification.pk]
        ),
    )


def requirement_verifications_ensure(change: RequirementChange, *, by) -> int:
    """One verification per held certificate of the scheme, created in batches; the unique
    constraint makes a second run create (and tell) nothing. Returns how many were created."""
    from certificates.models import Certificate

    certificates = (
        Certificate.objects.filter(scheme=change.scheme_id, state__in=HELD_STATES)
        .exclude(requirement_verifications__change=change)
        .order_by("pk")
        .values_list("pk", "organization_id")
    )
    rows = list(certificates)
    created_pks = [pk for pk, _org in rows]
    for start in range(0, len(rows), BATCH):
        batch = [
            RequirementVerification(change=change, certificate_id=pk, organization_id=org_id)
            for pk, org_id in rows[start : start + BATCH]
        ]
        RequirementVerification.objects.bulk_create(batch, ignore_conflicts=True)
    if not created_pks:
        return 0
    new = list(
        RequirementVerification.objects.filter(
            change=change, certificate_id__in=created_pks, state="open"
        )
        .filter(~Q(pk__in=_tracked(change)))
        .select_related("certificate", "organization")
    )
    RequirementVerification.history.bulk_history_create(
        new,
        default_user=None if by is SYSTEM else by,
        default_change_reason=f"published {change.reference}",
    )
    by_org = defaultdict(list)
    for verification in new:
        _track(verification, change)
        by_org[verification.organization].append(verification)
    for organization, items in by_org.items():
        # §3.4.7: each holder is told once, with its certificates.
        notify(
            members_of(organization),
            notices.REQUIREMENTS_CHANGED,
            params={
                "ref": change.reference,
                "title": change.title,
                "scheme": bilingual(change.scheme.name_zh, change.scheme.name_en),
                "effective": f"{change.effective_on:%Y-%m-%d}",
                "until": f"{change.verify_by:%Y-%m-%d}",
                "description": change.description,
                "certificate": "、".join(v.certificate.number for v in items),
            },
            link=reverse("portal:requirement_verifications"),
        )
    return len(new)


def _tracked(change):
    """Verifications of ``change`` that already have a deadline row (told before)."""
    from django.contrib.contenttypes.models import ContentType

    from cesi_cert.models import Deadline

    return Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(RequirementVerification),
        kind=REQUIREMENT_VERIFICATION.key,
        object_id__in=RequirementVerification.objects.filter(change=change).values("pk"),
    ).values("object_id")


@transaction.atomic
def requirement_change_publish(*, change: RequirementChange, by, reason: str = ""):
    """§3.4.7: publish the change: every holder of a valid or suspended certificate of the
    scheme is told and asked to confirm its conformity by ``verify_by``."""
    locked = begin(change, "publish", by)
    run_transition(locked, "publish", by=by, reason=reason, published_at=timezone.now())
    requirement_verifications_ensure(locked, by=by)
    return locked


def _tell_staff(verification) -> None:
    notify(
        users_with_role(Role.CERTIFICATION_BUSINESS),
        notices.REQUIREMENT_ANSWERED,
        params={
            "org": org_name(verification.organization),
            "ref": verification.change.reference,
            "certificate": verification.certificate.number,
            "state": choice_param(verification, "state"),
            "note": verification.note,
        },
        link=reverse("admin:surveillance_requirementverification_change", args=[verification.pk]),
        email=False,
    )


@transaction.atomic
def requirement_verification_confirm(
    *, verification: RequirementVerification, by, note: str = "", attachment=None
) -> RequirementVerification:
    """The organisation declares its conformity, with a note and an optional file (checked
    like every upload); 认证业务部 then verifies it."""
    locked = begin(verification, "confirm", by)
    checked = check_upload(attachment, field="attachment") if attachment else None
    now = timezone.now()
    run_transition(locked, "confirm", by=by, reason=note, note=note, answered_at=now)
    if checked:
        attachment.name = f"upload.{checked.extension}"
        locked.attachment = attachment
        locked.attachment_name = checked.original_name
        locked.attachment_type = checked.content_type
        locked._history_user = by
        locked.save(update_fields=["attachment", "attachment_name", "attachment_type"])
    deadlines.close(locked, REQUIREMENT_VERIFICATION, at=now)
    _tell_staff(locked)
    return locked


def _withdrawal_case(verification, *, reason: str):
    return case_open(
        organization=verification.organization,
        certificate=verification.certificate,
        by=SYSTEM,
        proposal=Case.Proposal.WITHDRAWAL,
        ground=Case.Ground.I,
        sweep=reason,
        note=(
            f"证书 {verification.certificate.number} 未确认符合变更后的认证要求 "
            f"{verification.change.reference}（§3.4.7、§5.2.1 i），请调查后决定是否撤销。"
        ),
    )


@transaction.atomic
def requirement_verification_refuse(
    *, verification: RequirementVerification, by, note: str = ""
) -> RequirementVerification:
    """The organisation does not want to meet the new requirements: §5.2.1 i, a case proposing
    withdrawal is opened (by the system, on the organisation's answer)."""
    locked = begin(verification, "refuse", by)
    now = timezone.now()
    run_transition(locked, "refuse", by=by, reason=note, note=note, answered_at=now)
    deadlines.close(locked, REQUIREMENT_VERIFICATION, at=now)
    _withdrawal_case(locked, reason=ON_REFUSAL)
    _tell_staff(locked)
    return locked


@transaction.atomic
def requirement_verification_verify(
    *, verification: RequirementVerification, by, reason: str = ""
) -> RequirementVerification:
    """认证业务部 accepts the organisation's declaration (§3.4.7 "予以验证")."""
    locked = begin(verification, "verify", by)
    return run_transition(locked, "verify", by=by, reason=reason, verified_at=timezone.now())


# --- the missed sweep (registered in wiring) ----------------------------------------------------


def requirements_missed_due(as_of):
    """Open verifications whose deadline (the end of ``verify_by``, China time) has come."""
    day = timezone.localdate(as_of)
    last = day if as_of >= deadlines.end_of(day) else day - datetime.timedelta(days=1)
    return (
        RequirementVerification.objects.filter(
            state=RequirementVerification.State.OPEN, change__verify_by__lte=last
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def requirement_verification_miss(pk: int, as_of) -> bool:
    """Not answered in time: missed (as the system) and a case proposing withdrawal on
    §5.2.1 i for a certificate still held. A second run finds it missed and does nothing."""
    with transaction.atomic():
        verification = lock(RequirementVerification.objects.get(pk=pk))
        if verification.state != RequirementVerification.State.OPEN:
            return False
        run_transition(verification, "miss", by=SYSTEM, reason=MISSED_REQUIREMENTS_SWEEP)
        deadlines.close(verification, REQUIREMENT_VERIFICATION, at=as_of)
        if verification.certificate.state in HELD_STATES:
            _withdrawal_case(verification, reason=MISSED_REQUIREMENTS_SWEEP)
    return True
