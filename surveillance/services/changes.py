"""Change requests (§3.4.4) and scope reductions (§3.4.6): the only writers of their state.

A change request is reviewed by 认证业务部, who choose the evaluation methods. A document check
only is approved by them directly; any other method opens an evaluation of kind ``change``
(linked on the request) and the committee's decision on it approves (grant) or rejects
(refusal) the request as the system (``decision_made``). Approval reissues the certificate in
the same transaction, naming the request — except a level increase, which "按初次认证执行":
a level-change application is started for the organisation instead.

A scope reduction is decided by a member of the technical committee (3.5.6.2 c); approval
reissues with ``kind=reduction``: same number, same validity.
"""

from __future__ import annotations

import logging
import uuid

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from applications.models import Application, Site
from applications.notices import org_name
from cesi_cert.errors import forbidden, invalid, invalid_fields
from cesi_cert.models import WORKING_LANGUAGE
from cesi_cert.notifications import bilingual, notify
from cesi_cert.references import assign_year_reference
from cesi_cert.roles import Role, users_with_role
from cesi_cert.transitions import SYSTEM, begin, run_transition

from .. import notices, permissions
from ..models import (
    ChangeRequest,
    ChangeRequestAttachment,
    ScopeReduction,
    ScopeReductionAttachment,
)
from ._common import choice_param, members_of
from .attachments import check_all

log = logging.getLogger(__name__)

#: The reason the system gives when the committee's decision on a change evaluation acts.
ON_DECISION = "certificates.decision_made"


class ScopeChange:
    """What a kind (2) request does to the scope (asked on the form; only a rewording stays a
    change request)."""

    EXTEND = "extend"
    REDUCE = "reduce"
    REWORD = "reword"
    CHOICES = (
        (REWORD, _("Reword the scope, adding and removing nothing")),
        (EXTEND, _("Add sites or activities (an extension, §3.4.5)")),
        (REDUCE, _("Remove sites or activities (a reduction, §3.4.6)")),
    )


# --- helpers ------------------------------------------------------------------------------


def _both(text) -> dict:
    with translation.override("zh-hans"):
        zh = str(text)
    with translation.override("en"):
        en = str(text)
    return bilingual(zh, en)


def _stored(text) -> str:
    """A text stored on a row: in the working language, whoever's request wrote it."""
    with translation.override(WORKING_LANGUAGE):
        return str(text)


def _store(model, owner, checked, *, by) -> None:
    for upload, info in checked:
        upload.name = f"upload.{info.extension}"
        row = model(
            owner=owner,
            file=upload,
            original_name=info.original_name,
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
            uploaded_by=by,
        )
        row._history_user = by
        row.save()


def current_sites(certificate) -> list[Site]:
    """The sites printed on the certificate's current version."""
    version = certificate.current_version
    ids = [s["site"] for s in (version.sites if version else [])]
    return list(Site.objects.filter(pk__in=ids))


def _level_index(scheme, code: str) -> int:
    codes = [lv.get("code") for lv in scheme.levels or []]
    return codes.index(code) if code in codes else -1


def is_level_increase(certificate, new_level: str) -> bool:
    """§3.4.4 "认证级别的提高按初次认证执行": the scheme lists its levels lowest first."""
    current = certificate.current_version.level if certificate.current_version else ""
    return _level_index(certificate.scheme, new_level) > _level_index(certificate.scheme, current)


def _staff_link(obj) -> str:
    return reverse(f"admin:surveillance_{obj._meta.model_name}_change", args=[obj.pk])


def _tell_organization(cr: ChangeRequest, note="") -> None:
    notify(
        members_of(cr.organization),
        notices.CHANGE_UPDATED,
        params={
            "ref": cr.reference,
            "number": cr.certificate.number,
            "state": choice_param(cr, "state"),
            "note": note,
        },
        link=cr.get_absolute_url(),
    )


# --- change requests (§3.4.4) -------------------------------------------------------------


def _check_request(certificate, kind, description, values, scope_change) -> None:
    from certificates.models import Certificate

    errors: dict[str, list] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if certificate.state not in Certificate.HELD_STATES:
        add("certificate", _("A withdrawn or expired certificate cannot be changed."))
    if kind not in ChangeRequest.Kind.values:
        add("kind", _("Choose what changes (§3.4.4 (1)–(5))."))
    if not (description or "").strip():
        add("description", _("Describe the change and why."))
    org = certificate.organization
    version = certificate.current_version
    if kind == ChangeRequest.Kind.NAME_ADDRESS:
        names = ("new_name_zh", "new_name_en", "new_address_zh", "new_address_en")
        changed = [n for n in names if values[n] and values[n] != getattr(org, n[4:])]
        if not changed:
            add("new_name_zh", _("Give the new name or the new registered address."))
    elif kind == ChangeRequest.Kind.SCOPE:
        if scope_change == ScopeChange.EXTEND:
            add(
                "scope_change",
                _(
                    "Adding sites or activities is a scope extension (§3.4.5): start an "
                    "application of kind “Scope extension” in the portal instead."
                ),
            )
        elif scope_change == ScopeChange.REDUCE:
            add(
                "scope_change",
                _(
                    "Removing sites or activities is a scope reduction (§3.4.6): use "
                    "“Request a scope reduction” on the certificate instead."
                ),
            )
        elif not values["new_scope"].strip():
            add("new_scope", _("Give the new wording of the scope."))
        elif version and values["new_scope"].strip() == version.scope:
            add("new_scope", _("This is the scope the certificate already has."))
    elif kind == ChangeRequest.Kind.LEVEL:
        codes = [lv.get("code") for lv in certificate.scheme.levels or []]
        if not codes:
            add("new_level", _("This scheme has no levels."))
        elif values["new_level"] not in codes:
            add("new_level", _("Choose one of the scheme's levels."))
        elif version and values["new_level"] == version.level:
            add("new_level", _("The certificate already carries this level."))
    if errors:
        raise invalid_fields(errors)


@transaction.atomic
def change_request_submit(
    *,
    certificate,
    by,
    kind: str,
    description: str,
    new_name_zh: str = "",
    new_name_en: str = "",
    new_address_zh: str = "",
    new_address_en: str = "",
    new_level: str = "",
    new_scope: str = "",
    scope_change: str = ScopeChange.REWORD,
    attachments=(),
) -> ChangeRequest:
    """The organisation requests a change to its certificate (§3.4.4), with attachments;
    认证业务部 is told."""
    if not permissions.can_act_for(by, certificate.organization):
        raise forbidden(_("Only a member of the certified organisation can request a change."))
    values = {
        "new_name_zh": (new_name_zh or "").strip(),
        "new_name_en": (new_name_en or "").strip(),
        "new_address_zh": (new_address_zh or "").strip(),
        "new_address_en": (new_address_en or "").strip(),
        "new_level": (new_level or "").strip(),
        "new_scope": (new_scope or "").strip(),
    }
    _check_request(certificate, kind, description, values, scope_change)
    checked = check_all(attachments)
    relevant = {
        ChangeRequest.Kind.NAME_ADDRESS: (
            "new_name_zh",
            "new_name_en",
            "new_address_zh",
            "new_address_en",
        ),
        ChangeRequest.Kind.SCOPE: ("new_scope",),
        ChangeRequest.Kind.LEVEL: ("new_level",),
        ChangeRequest.Kind.CAPABILITY: ("new_scope",),
        ChangeRequest.Kind.OTHER: ("new_scope",),
    }[kind]
    cr = ChangeRequest(
        reference=f"tmp-{uuid.uuid4().hex[:16]}",
        certificate=certificate,
        organization=certificate.organization,
        kind=kind,
        description=description.strip(),
        submitted_by=by,
        **{k: v for k, v in values.items() if k in relevant},
    )
    cr._history_user = by
    cr.full_clean(exclude=["reference", "certificate", "organization", "submitted_by", "state"])
    cr.save()
    assign_year_reference(cr, "CR")
    _store(ChangeRequestAttachment, cr, checked, by=by)
    notify(
        users_with_role(Role.CERTIFICATION_BUSINESS),
        notices.CHANGE_SUBMITTED,
        params={
            "ref": cr.reference,
            "org": org_name(cr.organization),
            "number": certificate.number,
            "kind": choice_param(cr, "kind"),
        },
        link=_staff_link(cr),
    )
    return cr


@transaction.atomic
def change_request_start_review(*, change_request, by, reason: str = "") -> ChangeRequest:
    locked = begin(change_request, "start_review", by)
    return run_transition(locked, "start_review", by=by, reason=reason)


def _clean_methods(methods) -> list[str]:
    chosen = [m for m in ChangeRequest.Method.values if m in set(methods or [])]
    unknown = set(methods or []) - set(ChangeRequest.Method.values)
    if unknown or not chosen:
        raise invalid("methods", _("Choose the evaluation methods (§3.4.4)."))
    return chosen


@transaction.atomic
def change_request_evaluate(*, change_request, by, methods, reason: str = "") -> ChangeRequest:
    """认证业务部 chooses evaluation methods beyond a document check (§3.4.4): an evaluation of
    kind ``change`` is opened for the certificate's organisation, scheme and sites, and linked;
    the committee's decision on it decides the request."""
    from evaluations.models import Evaluation
    from evaluations.services import evaluation_open_for_surveillance

    locked = begin(change_request, "evaluate", by)
    chosen = _clean_methods(methods)
    if chosen == [ChangeRequest.Method.DOCUMENT_CHECK]:
        raise invalid(
            "methods",
            _("A document check alone needs no evaluation: approve or reject after the review."),
        )
    certificate = locked.certificate
    evaluation = evaluation_open_for_surveillance(
        organization=certificate.organization,
        scheme=certificate.scheme,
        sites=current_sites(certificate),
        by=by,
        reason=f"§3.4.4 {locked.reference}",
        kind=Evaluation.Kind.CHANGE,
    )
    run_transition(locked, "evaluate", by=by, reason=reason, methods=chosen, evaluation=evaluation)
    _tell_organization(locked, note=", ".join(locked.methods_display()))
    return locked


def _carry_out(cr: ChangeRequest, by, reason: str) -> dict:
    """What approval does to the certificate (same transaction): returns the links to keep."""
    from applications.services import application_create
    from applications.services.organizations import organization_update
    from certificates.models import CertificateVersion
    from certificates.services import certificate_reissue

    certificate = cr.certificate
    why = f"§3.4.4 {cr.reference}: {reason}".strip().rstrip(":")
    reissue = {"certificate": certificate, "by": by, "reason": why}
    if cr.kind == ChangeRequest.Kind.NAME_ADDRESS:
        fields = {
            name: getattr(cr, name)
            for name in ("new_name_zh", "new_name_en", "new_address_zh", "new_address_en")
            if getattr(cr, name)
        }
        # The organisation record changes through the applications services, on behalf of
        # the member who asked; the new version then prints the new name and address.
        organization_update(
            organization=cr.organization,
            by=cr.submitted_by,
            **{name[4:]: value for name, value in fields.items()},
        )
        certificate.organization.refresh_from_db()
        version = certificate_reissue(**reissue, kind=CertificateVersion.Kind.NAME_ADDRESS)
        return {"version": version}
    if cr.kind == ChangeRequest.Kind.LEVEL:
        if is_level_increase(certificate, cr.new_level):
            # §3.4.4 "认证级别的提高按初次认证执行": no reissue; a level-change application.
            current = certificate.current_version
            application = application_create(
                organization=cr.organization,
                by=cr.submitted_by,
                scheme=certificate.scheme,
                scope=current.scope,
                kind=Application.Kind.LEVEL_CHANGE,
                sites=current_sites(certificate),
                requested_level=cr.new_level,
                certificate=certificate,
            )
            return {"application": application}
        version = certificate_reissue(
            **reissue, kind=CertificateVersion.Kind.LEVEL, level=cr.new_level
        )
        return {"version": version}
    current_scope = certificate.current_version.scope
    if cr.new_scope and cr.new_scope != current_scope:
        version = certificate_reissue(
            **reissue, kind=CertificateVersion.Kind.SCOPE, scope=cr.new_scope
        )
        return {"version": version}
    return {}  # (3) and (5) without a new scope: nothing printed changes


def _approve(locked: ChangeRequest, by, reason: str, methods=None) -> ChangeRequest:
    links = _carry_out(locked, by, reason)
    run_transition(
        locked,
        "approve",
        by=by,
        reason=reason or "approve",
        decision_reason=reason,
        decided_at=timezone.now(),
        methods=methods,
    )
    if links:
        for name, value in links.items():
            setattr(locked, name, value)
        locked._history_user = None if by is SYSTEM else by
        locked._change_reason = "approve"
        locked.save(update_fields=list(links))
    if "application" in links:
        note = _both(
            _(
                "A level increase is certified as an initial certification (§3.4.4): complete "
                "and submit application %(app)s in the portal."
            )
            % {"app": links["application"].reference}
        )
    elif "version" in links:
        note = _both(
            _("Version %(version)s of the certificate is issued.")
            % {"version": links["version"].sequence}
        )
    else:
        note = reason
    _tell_organization(locked, note=note)
    return locked


@transaction.atomic
def change_request_approve(*, change_request, by, reason: str = "") -> ChangeRequest:
    """Approve (§3.4.4 "在评价后对符合要求的予以批准变更"): staff after a document check only,
    the system on the committee's grant of the change evaluation. The certificate is reissued
    in the same transaction (a level increase starts an application instead)."""
    locked = begin(change_request, "approve", by)
    methods = None
    if locked.state == ChangeRequest.State.UNDER_REVIEW:
        methods = [ChangeRequest.Method.DOCUMENT_CHECK]
    return _approve(locked, by, (reason or "").strip(), methods=methods)


@transaction.atomic
def change_request_reject(*, change_request, by, reason: str) -> ChangeRequest:
    locked = begin(change_request, "reject", by)
    if not (reason or "").strip():
        raise invalid("reason", _("Say why the change is rejected."))
    run_transition(
        locked, "reject", by=by, reason=reason, decision_reason=reason, decided_at=timezone.now()
    )
    _tell_organization(locked, note=reason)
    return locked


@transaction.atomic
def change_request_withdraw(*, change_request, by, reason: str = "") -> ChangeRequest:
    locked = begin(change_request, "withdraw", by)
    run_transition(
        locked, "withdraw", by=by, reason=reason, decision_reason=reason, decided_at=timezone.now()
    )
    notify(
        users_with_role(Role.CERTIFICATION_BUSINESS),
        notices.CHANGE_UPDATED,
        params={
            "ref": locked.reference,
            "number": locked.certificate.number,
            "state": choice_param(locked, "state"),
            "note": reason,
        },
        link=_staff_link(locked),
    )
    return locked


def on_decision_made(sender, decision, **kwargs) -> None:
    """Receiver of ``certificates.signals.decision_made``: the committee's decision on a change
    evaluation decides the change request linked to it (as the system)."""
    if not decision.evaluation_id or decision.state not in ("granted", "refused"):
        return
    with transaction.atomic():
        cr = (
            ChangeRequest.objects.select_for_update()
            .filter(evaluation_id=decision.evaluation_id, state=ChangeRequest.State.EVALUATING)
            .first()
        )
        if cr is None:
            return
        reason = f"{ON_DECISION} {decision.reference}"
        if decision.state == "granted":
            _approve(cr, SYSTEM, reason)
            return
        why = (decision.refusal_reasons or "").strip() or _stored(
            _("The technical committee refused the change evaluation (decision %(ref)s).")
            % {"ref": decision.reference}
        )
        run_transition(
            cr, "reject", by=SYSTEM, reason=reason, decision_reason=why, decided_at=timezone.now()
        )
        _tell_organization(cr, note=why)


# --- scope reductions (§3.4.6) ------------------------------------------------------------


def _check_reduction(certificate, reason, removed_sites, new_scope, *, evidence=None) -> list:
    from certificates.models import Certificate

    errors: dict[str, list] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if certificate.state not in Certificate.HELD_STATES:
        add("certificate", _("A withdrawn or expired certificate cannot be reduced."))
    if not (reason or "").strip():
        add("reason", _("Give the reasons for the reduction (§3.4.6)."))
    if evidence is not None and not evidence:
        add("attachments", _("Attach the evidence for the reduction (§3.4.6, 3.5.6.2 a)."))
    version = certificate.current_version
    on_certificate = {s["site"] for s in (version.sites if version else [])}
    removed = {s.pk for s in removed_sites}
    if removed - on_certificate:
        add("removed_sites", _("Choose sites printed on the certificate."))
    elif removed and removed == on_certificate:
        add(
            "removed_sites",
            _("At least one site must stay: removing every site is a withdrawal (§5.2)."),
        )
    new_scope = (new_scope or "").strip()
    if not removed and (not new_scope or (version and new_scope == version.scope)):
        add("removed_sites", _("Choose the sites to remove, or give the narrower scope."))
    if errors:
        raise invalid_fields(errors)
    return [s for s in removed_sites]


def _new_reduction(certificate, by, condition, reason, removed_sites, new_scope, checked):
    reduction = ScopeReduction(
        reference=f"tmp-{uuid.uuid4().hex[:16]}",
        certificate=certificate,
        organization=certificate.organization,
        condition=condition,
        reason=reason.strip(),
        new_scope=(new_scope or "").strip(),
        requested_by=by,
    )
    reduction._history_user = by
    reduction.full_clean(
        exclude=["reference", "certificate", "organization", "requested_by", "state"]
    )
    reduction.save()
    assign_year_reference(reduction, "SR")
    reduction.removed_sites.set(removed_sites)
    _store(ScopeReductionAttachment, reduction, checked, by=by)
    params = {
        "ref": reduction.reference,
        "number": certificate.number,
        "org": org_name(certificate.organization),
        "condition": choice_param(reduction, "condition"),
    }
    notify(
        users_with_role(Role.TECHNICAL_COMMITTEE),
        notices.REDUCTION_OPENED,
        params=params,
        link=_staff_link(reduction),
    )
    if condition == ScopeReduction.Condition.NONCONFORMITY:
        notify(
            members_of(certificate.organization),
            notices.REDUCTION_OPENED,
            params=params,
            link=reduction.get_absolute_url(),
        )
    return reduction


@transaction.atomic
def scope_reduction_request(
    *, certificate, by, reason: str, removed_sites=(), new_scope: str = "", attachments=()
) -> ScopeReduction:
    """The organisation asks to reduce its scope (§3.4.6, 3.5.6.1 b, 3.5.6.2 a: a written
    request with reasons and evidence)."""
    if not permissions.can_act_for(by, certificate.organization):
        raise forbidden(_("Only a member of the certified organisation can request a reduction."))
    removed_sites = list(removed_sites or [])
    _check_reduction(certificate, reason, removed_sites, new_scope, evidence=list(attachments))
    checked = check_all(attachments)
    return _new_reduction(
        certificate,
        by,
        ScopeReduction.Condition.ORGANIZATION,
        reason,
        removed_sites,
        new_scope,
        checked,
    )


@transaction.atomic
def scope_reduction_open(
    *, certificate, by, reason: str, removed_sites=(), new_scope: str = "", attachments=()
) -> ScopeReduction:
    """Staff open a reduction for a persistent or serious nonconformity in part of the scope
    (§3.4.6, 3.5.6.1 a), giving the reason; the organisation is told."""
    if not permissions.can_open_reduction(by):
        raise forbidden(_("Your role cannot open a scope reduction."))
    removed_sites = list(removed_sites or [])
    _check_reduction(certificate, reason, removed_sites, new_scope)
    checked = check_all(attachments)
    return _new_reduction(
        certificate,
        by,
        ScopeReduction.Condition.NONCONFORMITY,
        reason,
        removed_sites,
        new_scope,
        checked,
    )


def _begin_decision(reduction, name, by, comment):
    if permissions.is_committee_member(by) and permissions.conflicted(
        by, reduction.organization_id
    ):
        raise forbidden(
            _(
                "You declared a relation with this organisation: you may not decide on its "
                "scope reduction."
            )
        )
    locked = begin(reduction, name, by)
    if not (comment or "").strip():
        raise invalid("comment", _("Give the committee's comment."))
    return locked


def _tell_reduction_decided(reduction) -> None:
    params = {
        "ref": reduction.reference,
        "number": reduction.certificate.number,
        "state": choice_param(reduction, "state"),
        "comment": reduction.decision_comment,
    }
    notify(
        members_of(reduction.organization),
        notices.REDUCTION_DECIDED,
        params=params,
        link=reduction.get_absolute_url(),
    )
    notify(
        users_with_role(Role.CUSTOMER_SERVICE),
        notices.REDUCTION_DECIDED,
        params=params,
        link=_staff_link(reduction),
    )


@transaction.atomic
def scope_reduction_approve(*, reduction, by, comment: str) -> ScopeReduction:
    """A committee member approves (3.5.6.2 c): the certificate is reissued without the removed
    part, keeping its registration number and validity; removed sites' sub-certificates are no
    longer current. The system carries out the decision, naming it (as a grant issues)."""
    from certificates.models import CertificateVersion
    from certificates.services import certificate_reissue

    locked = _begin_decision(reduction, "approve", by, comment)
    certificate = locked.certificate
    removed = set(locked.removed_sites.values_list("pk", flat=True))
    remaining = [s for s in current_sites(certificate) if s.pk not in removed]
    version = certificate_reissue(
        certificate=certificate,
        by=SYSTEM,
        reason=f"§3.4.6 {locked.reference}: {comment.strip()}"[:500],
        kind=CertificateVersion.Kind.REDUCTION,
        sites=remaining,
        scope=locked.new_scope or None,
    )
    run_transition(
        locked, "approve", by=by, reason=comment, comment=comment, decided_at=timezone.now()
    )
    locked.version = version
    locked._history_user = by
    locked.save(update_fields=["version"])
    _tell_reduction_decided(locked)
    return locked


@transaction.atomic
def scope_reduction_refuse(*, reduction, by, comment: str) -> ScopeReduction:
    locked = _begin_decision(reduction, "refuse", by, comment)
    run_transition(
        locked, "refuse", by=by, reason=comment, comment=comment, decided_at=timezone.now()
    )
    _tell_reduction_decided(locked)
    return locked


@transaction.atomic
def scope_reduction_withdraw(*, reduction, by, reason: str = "") -> ScopeReduction:
    locked = begin(reduction, "withdraw", by)
    run_transition(
        locked, "withdraw", by=by, reason=reason, comment=reason, decided_at=timezone.now()
    )
    return locked
