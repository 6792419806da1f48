"""Issuing and reissuing certificates (§3.3, §4.1, §3.4.6): the only writers of certificates and
their versions.

``certificate_issue`` is called when the committee grants (the decisions half calls it); each
issue or reissue writes a new :class:`CertificateVersion` and leaves the earlier ones as they
were. PDFs are rendered once per version, after the commit, and stored.
"""

from __future__ import annotations

import datetime
import logging

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Site
from applications.notices import org_name
from applications.selectors import organization_members
from cesi_cert import events
from cesi_cert.errors import conflict, forbidden, invalid
from cesi_cert.notifications import notify
from cesi_cert.transitions import SYSTEM, lock
from evaluations.models import Evaluation

from .. import deadlines as certificate_deadlines
from .. import notices, permissions, signals
from ..models import Certificate, CertificateVersion, NumberCounter, SubCertificate

log = logging.getLogger(__name__)

#: Evaluations that end in a certificate (§3.3): initial certification and recertification.
ISSUING_KINDS = (Evaluation.Kind.INITIAL, Evaluation.Kind.RECERTIFICATION)
#: Reissues people ask for (§3.4.4–§3.4.6, §4.3.5); issue and recertification come from a grant.
REISSUE_KINDS = (
    CertificateVersion.Kind.NAME_ADDRESS,
    CertificateVersion.Kind.SCOPE,
    CertificateVersion.Kind.LEVEL,
    CertificateVersion.Kind.REDUCTION,
)


def _require_staff(by) -> None:
    if by is not SYSTEM and not permissions.can_manage(by):
        raise forbidden(_("Only the certification body's staff issue certificates."))


def validity_end(scheme, issued_on: datetime.date) -> datetime.date:
    """The last day of validity: the scheme's years (default setting) from the issue date."""
    years = scheme.validity_years or settings.CERTIFICATE_VALIDITY_YEARS
    return issued_on + relativedelta(years=years) - datetime.timedelta(days=1)


def allocate_number(year: int) -> tuple[str, str]:
    """The next registration number and OID of ``year``, never given before.

    The year's counter row is locked for the rest of the transaction: a concurrent grant waits,
    then reads the incremented value. The first grant of a year creates the row; two at once
    both try, the database lets one in and the other re-reads it under the lock.
    """
    key = f"certificate-{year}"
    counter = NumberCounter.objects.select_for_update().filter(key=key).first()
    if counter is None:
        try:
            with transaction.atomic():
                NumberCounter.objects.create(key=key)
        except IntegrityError:
            pass  # created by a concurrent grant a moment ago
        counter = NumberCounter.objects.select_for_update().get(key=key)
    counter.last += 1
    counter.save(update_fields=["last"])
    number = f"{settings.CERTIFICATE_NUMBER_PREFIX}-{year}-{counter.last:05d}"
    oid = f"{settings.CERTIFICATE_OID_ROOT}.{year}.{counter.last}"
    return number, oid


def _level_names(scheme, level: str) -> tuple[str, str]:
    for lv in scheme.levels or []:
        if lv.get("code") == level:
            return lv.get("name_zh", level), lv.get("name_en", level)
    return level, level


def _sites_snapshot(certificate: Certificate, sites: list[Site]) -> list[dict]:
    """The sites as printed; with several, each has its sub-certificate number (given once per
    site and kept; a site that leaves the scope keeps its number on record, never reused)."""
    sites = sorted(sites, key=lambda s: (not s.is_central, s.name, s.pk))
    numbers: dict[int, str] = {}
    if len(sites) > 1:
        known = {sc.site_id: sc for sc in certificate.sub_certificates.all()}
        for site in sites:
            sub = known.get(site.pk)
            if sub is None:
                certificate.last_sub_index += 1
                sub = SubCertificate.objects.create(
                    certificate=certificate,
                    site=site,
                    index=certificate.last_sub_index,
                    number=f"{certificate.number}-{certificate.last_sub_index:02d}",
                )
            elif sub.removed_at is not None:
                sub.removed_at = None
                sub.save(update_fields=["removed_at"])
            numbers[site.pk] = sub.number
    kept = [s.pk for s in sites] if len(sites) > 1 else []
    certificate.sub_certificates.filter(removed_at__isnull=True).exclude(site__in=kept).update(
        removed_at=timezone.now()
    )
    return [
        {
            "site": s.pk,
            "number": numbers.get(s.pk, ""),
            "name": s.name,
            "address": s.address,
            "activities": s.activities,
        }
        for s in sites
    ]


def _new_version(
    certificate: Certificate,
    *,
    kind: str,
    by,
    reason: str,
    scope: str,
    sites: list[Site],
    level: str,
    issued_on: datetime.date,
    expires_on: datetime.date,
    evaluation=None,
) -> CertificateVersion:
    org, scheme = certificate.organization, certificate.scheme
    previous = certificate.current_version
    level_zh, level_en = _level_names(scheme, level) if level else ("", "")
    version = CertificateVersion(
        certificate=certificate,
        sequence=(previous.sequence + 1) if previous else 1,
        kind=kind,
        reason=reason,
        evaluation=evaluation,
        organization_name_zh=org.name_zh,
        organization_name_en=org.name_en,
        address_zh=org.address_zh,
        address_en=org.address_en,
        credit_code=org.credit_code,
        scheme_name_zh=scheme.name_zh,
        scheme_name_en=scheme.name_en,
        standards=scheme.standards,
        implementation_rule=scheme.implementation_rule,
        level=level,
        level_name_zh=level_zh,
        level_name_en=level_en,
        scope=scope,
        sites=_sites_snapshot(certificate, sites),
        issued_on=issued_on,
        expires_on=expires_on,
        created_by=None if by is SYSTEM else by,
    )
    version._history_user = None if by is SYSTEM else by
    version._change_reason = kind
    version.full_clean(exclude=["certificate", "evaluation", "created_by", "pdf_zh", "pdf_en"])
    version.save()
    certificate.current_version = version
    certificate.expires_on = expires_on
    certificate.credit_code = org.credit_code
    certificate.organization_name = org.name_zh
    certificate.organization_name_en = org.name_en
    certificate._history_user = None if by is SYSTEM else by
    certificate._change_reason = kind
    certificate.save()
    certificate_deadlines.track_certificate(certificate)
    queue_pdf_rendering(version)
    return version


#: A recertification renews a certificate still held (§3.5); a withdrawn or expired one is over.
RENEWABLE_STATES = (Certificate.State.ACTIVE, Certificate.State.SUSPENDED)


def _renewed_certificate(evaluation: Evaluation) -> Certificate | None:
    """The certificate a recertification renews (§3.5): the one its application names."""
    app = evaluation.application
    return app.certificate if app is not None and app.certificate_id else None


@transaction.atomic
def certificate_issue(
    *, evaluation: Evaluation, by, reason: str = "", issued_on: datetime.date | None = None
) -> Certificate:
    """Issue the certificate an evaluation earned (§3.3, §4.1), as granted by the committee.

    The organisation, scheme, sites, level and scope come from the evaluation and its
    application. An initial certification gets a new registration number; a recertification
    renews the organisation's valid certificate of the scheme (same number, new validity, §3.5)
    or, without one, gets a new number. Granting the same evaluation twice issues nothing new.
    """
    _require_staff(by)
    ev = (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("application")
        .get(pk=evaluation.pk)
    )
    if ev.kind not in ISSUING_KINDS:
        raise invalid(
            "evaluation",
            _("Only an initial certification or a recertification ends in a certificate."),
        )
    if ev.state != Evaluation.State.REPORTED:
        raise conflict(_("A certificate is issued only once the evaluation is reported."))
    done = CertificateVersion.objects.filter(evaluation=ev).select_related("certificate").first()
    if done is not None:
        return done.certificate
    issued_on = issued_on or timezone.localdate()
    app = ev.application
    sites = list(ev.sites.all()) or (list(app.sites.all()) if app else [])
    if not sites:
        raise invalid("evaluation", _("The evaluation covers no site to print on the certificate."))
    level = app.requested_level if app else ""
    scope = app.scope if app else ""
    expires_on = validity_end(ev.scheme, issued_on)
    certificate = None
    new = False
    previous_expiry = None
    if ev.kind == Evaluation.Kind.RECERTIFICATION:
        found = _renewed_certificate(ev)
        certificate = lock(found) if found else None
    if certificate is not None:
        if certificate.state not in RENEWABLE_STATES:
            raise conflict(
                _("Certificate %(number)s is %(state)s: it can no longer be renewed.")
                % {"number": certificate.number, "state": certificate.get_state_display()}
            )
        # §3.5: the CB "agrees to extend" the validity — the new period follows the old one
        # without a gap or an overlap, however early in the window the grant came.
        previous_expiry = certificate.expires_on
        expires_on = validity_end(ev.scheme, previous_expiry + datetime.timedelta(days=1))
    kind = CertificateVersion.Kind.RECERTIFICATION if certificate else CertificateVersion.Kind.ISSUE
    if certificate is None:
        number, oid = allocate_number(issued_on.year)
        certificate = Certificate(
            number=number,
            oid=oid,
            organization=ev.organization,
            scheme=ev.scheme,
            first_issued_on=issued_on,
            expires_on=expires_on,
            credit_code=ev.organization.credit_code,
            organization_name=ev.organization.name_zh,
            organization_name_en=ev.organization.name_en,
        )
        certificate._history_user = None if by is SYSTEM else by
        certificate._change_reason = reason[:100] or "issue"
        certificate.save()
        new = True
    version = _new_version(
        certificate,
        kind=kind,
        by=by,
        reason=reason,
        scope=scope,
        sites=sites,
        level=level,
        issued_on=issued_on,
        expires_on=expires_on,
        evaluation=ev,
    )
    notify(
        organization_members(certificate.organization),
        notices.CERTIFICATE_ISSUED,
        params={
            "number": certificate.number,
            "scheme": {"zh-hans": version.scheme_name_zh, "en": version.scheme_name_en},
            "org": org_name(certificate.organization),
            "until": expires_on.isoformat(),
        },
        link=certificate.get_absolute_url(),
    )
    if new:
        events.send_on_commit(
            signals.certificate_issued, sender=Certificate, certificate=certificate
        )
    else:
        events.send_on_commit(
            signals.certificate_renewed,
            sender=Certificate,
            certificate=certificate,
            previous_expires_on=previous_expiry,
        )
    return certificate


@transaction.atomic
def certificate_reissue(
    *,
    certificate: Certificate,
    by,
    reason: str,
    kind: str,
    scope: str | None = None,
    sites=None,
    level: str | None = None,
    issued_on: datetime.date | None = None,
) -> CertificateVersion:
    """Reissue a certificate as a new version; the earlier versions stay readable.

    ``kind``: a name or address change (the organisation's current names and addresses are
    printed, §4.3.5), a scope change, a level change, or a scope reduction (§3.4.6: fewer sites
    and/or a narrower scope). Every reissue keeps the registration number and the validity; only
    a recertification renews the validity.
    """
    _require_staff(by)
    cert = lock(certificate)
    if cert.state not in Certificate.HELD_STATES:
        raise conflict(_("A withdrawn or expired certificate is not reissued."))
    if kind not in REISSUE_KINDS:
        raise invalid("kind", _("Choose what changed."))
    reason = (reason or "").strip()
    if not reason:
        raise invalid("reason", _("Say why the certificate is reissued."))
    current = cert.current_version
    current_site_ids = [s["site"] for s in current.sites]
    new_scope = current.scope if scope in (None, "") else scope.strip()
    new_level = current.level if level in (None, "") else level
    if sites is None or len(sites) == 0:
        new_sites = list(Site.objects.filter(pk__in=current_site_ids))
    else:
        new_sites = list(sites)
    if any(s.organization_id != cert.organization_id for s in new_sites):
        raise invalid("sites", _("Choose sites of the certified organisation."))
    if kind == CertificateVersion.Kind.REDUCTION:
        # §3.4.6: only parts of the scope are removed; number and validity stay.
        if not {s.pk for s in new_sites} <= set(current_site_ids):
            raise invalid("sites", _("A reduction only removes sites from the scope."))
        if new_scope == current.scope and len(new_sites) == len(current_site_ids):
            raise invalid(
                "scope", _("A reduction removes a site or narrows the scope; nothing was removed.")
            )
    elif kind == CertificateVersion.Kind.LEVEL:
        codes = [lv.get("code") for lv in cert.scheme.levels or []]
        if new_level not in codes:
            raise invalid("level", _("Choose one of the scheme's levels."))
        if new_level == current.level:
            raise invalid("level", _("The certificate already carries this level."))
    elif (
        kind == CertificateVersion.Kind.SCOPE
        and new_scope == current.scope
        and {s.pk for s in new_sites} == set(current_site_ids)
    ):
        raise invalid("scope", _("The scope and the sites are unchanged."))
    return_version = _new_version(
        cert,
        kind=kind,
        by=by,
        reason=reason,
        scope=new_scope,
        sites=new_sites,
        level=new_level,
        issued_on=issued_on or timezone.localdate(),
        expires_on=cert.expires_on,
    )
    notify(
        organization_members(cert.organization),
        notices.CERTIFICATE_REISSUED,
        params={
            "number": cert.number,
            "org": org_name(cert.organization),
            "kind": return_version.get_kind_display(),
            "version": return_version.sequence,
        },
        link=cert.get_absolute_url(),
    )
    return return_version


# --- the stored PDFs -----------------------------------------------------------------------


@transaction.atomic
def certificate_version_store_pdfs(*, version: CertificateVersion) -> bool:
    """Render and store the Chinese and English PDFs of a version that lacks them; ``False``
    when both are stored already (a version is rendered once, never again).

    Raises :class:`cesi_cert.pdf.PdfUnavailable` when this host cannot make PDFs.
    """
    from ..documents import certificate_pdf

    v = (
        CertificateVersion.objects.select_for_update(of=("self",))
        .select_related("certificate")
        .get(pk=version.pk)
    )
    if v.pdf_zh and v.pdf_en:
        return False
    stem = f"{v.certificate.number}-v{v.sequence}"
    if not v.pdf_zh:
        v.pdf_zh.save(f"{stem}-zh.pdf", ContentFile(certificate_pdf(v, "zh-hans")), save=False)
    if not v.pdf_en:
        v.pdf_en.save(f"{stem}-en.pdf", ContentFile(certificate_pdf(v, "en")), save=False)
    v._history_user = None
    v._change_reason = "pdf rendered"
    v.save(update_fields=["pdf_zh", "pdf_en"])
    return True


def queue_pdf_rendering(version: CertificateVersion) -> None:
    """After the commit, render the PDFs in the worker (a broker outage leaves them to the first
    download, which renders and stores them then)."""

    def queue():
        from ..tasks import store_certificate_pdfs

        try:
            store_certificate_pdfs.delay(version.pk)
        except Exception:
            log.exception("could not queue the PDFs of certificate version %s", version.pk)

    transaction.on_commit(queue)
