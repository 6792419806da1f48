"""Certificates (§4.1), their versions (every reissue, §3.4.6) and their status changes (§5).

A :class:`Certificate` is the registration: number, OID, state and the dates the deadline sweeps
read. What is printed lives in its :class:`CertificateVersion` rows — one per issue or reissue,
each with its own stored Chinese and English PDF, none ever changed — and the certificate points
to the current one, so the public page reads one row joined to one row.

Transitions are pure (STYLE §2); :mod:`certificates.services` write the other rows, log, render
and notify.
"""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from applications.models import Organization, Scheme, Site
from cesi_cert import limits
from cesi_cert.files import private_storage
from cesi_cert.transitions import Permission

from .. import permissions
from ..grounds import SuspensionGround, WithdrawalGround

__all__ = [
    "NumberCounter",
    "Certificate",
    "SubCertificate",
    "CertificateVersion",
    "StatusChange",
    "SuspensionGround",
    "WithdrawalGround",
]


class NumberCounter(models.Model):
    """The last registration number given in a year: locked (``SELECT … FOR UPDATE``) by each
    grant, so two grants at once wait for each other and never take the same number; the unique
    constraint on :attr:`Certificate.number` is the last word. A number is never reused: the
    counter only goes up, and a rolled-back grant rolls its increment back with it."""

    key = models.CharField(max_length=32, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("number counter")
        verbose_name_plural = _("number counters")

    def __str__(self):
        return f"{self.key}: {self.last}"


def _pdf_upload_to(instance, filename):
    from cesi_cert.files import random_name

    return random_name(f"certificates/{instance.certificate_id}", "pdf")


def _notice_upload_to(instance, filename):
    from cesi_cert.files import random_name

    return random_name(f"certificates/{instance.certificate_id}/notices", "pdf")


def _staff_only(cert, user) -> bool:
    return permissions.can_manage(user)


def _nobody(cert, user) -> bool:
    """Only the system expires a certificate (the deadline sweep), never a person."""
    return False


def _has_expired(cert) -> bool:
    return cert.expires_on < timezone.localdate()


_has_expired.message = _("The certificate is still within its validity.")


class Certificate(ConcurrentTransitionMixin, models.Model):
    """A certificate of conformity (§4.1) and its state (§5)."""

    class State(models.TextChoices):
        # A context: "Active" is a common short word.
        ACTIVE = "active", pgettext_lazy("certificate state", "Valid")
        SUSPENDED = "suspended", _("Suspended")
        WITHDRAWN = "withdrawn", pgettext_lazy("certificate state", "Withdrawn")
        EXPIRED = "expired", _("Expired")

    #: States in which the certificate is still on record as held (the directory shows them).
    HELD_STATES = (State.ACTIVE, State.SUSPENDED)

    number = models.CharField(_("registration number"), max_length=40, unique=True)
    oid = models.CharField(_("certificate OID"), max_length=80, unique=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="certificates"
    )
    state = FSMField(
        _("state"), default=State.ACTIVE, choices=State.choices, protected=True, db_index=True
    )
    first_issued_on = models.DateField(_("first issued on"))
    expires_on = models.DateField(_("valid until"), db_index=True)
    current_version = models.OneToOneField(
        "CertificateVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Copies of the current version's searchable facts, kept by the services, so the public
    # search is one indexed query (the version keeps what was printed).
    credit_code = models.CharField(_("unified social credit code"), max_length=18, db_index=True)
    organization_name = models.CharField(_("organisation"), max_length=200, db_index=True)
    organization_name_en = models.CharField(_("organisation (English)"), max_length=300, blank=True)
    # §5.1.3: what the suspension sweep reads (the sweep belongs to the deadlines issue).
    suspended_on = models.DateField(_("suspended on"), null=True, blank=True)
    suspended_until = models.DateField(
        _("suspended until"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Empty while suspended on ground f: until the licence decision (§5.1.3)."),
    )
    suspension_ground = models.CharField(
        _("suspension ground"), max_length=1, choices=SuspensionGround.choices, blank=True
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_ground = models.CharField(
        _("withdrawal ground"), max_length=1, choices=WithdrawalGround.choices, blank=True
    )
    last_sub_index = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-first_issued_on", "-pk"]
        indexes = [
            models.Index(fields=["scheme", "state", "organization_name"], name="cert_directory"),
            # The expiry sweep (certificates.deadlines.expired_certificates): only held
            # certificates, so the expired and withdrawn ones that pile up over the years are
            # not read again every day (issue 9 "Cost", bench/deadlines.py).
            models.Index(
                fields=["expires_on"],
                condition=Q(state__in=["active", "suspended"]),
                name="cert_held_expires",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=models.F("first_issued_on")),
                name="certificate_expires_after_issue",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("portal:certificate", args=[self.pk])

    def get_verify_url(self):
        return reverse("verify", args=[self.number])

    @property
    def is_held(self) -> bool:
        return self.state in self.HELD_STATES

    @property
    def recertification_opens_on(self):
        """§3.5: the organisation may apply for recertification from 3 months before expiry."""
        return self.expires_on - relativedelta(months=3)

    def recertification_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.is_held and self.recertification_opens_on <= today <= self.expires_on

    # --- transitions: pure -----------------------------------------------------------------

    @transition(
        field=state,
        source=State.ACTIVE,
        target=State.SUSPENDED,
        permission=Permission(_staff_only),
    )
    def suspend(self, *, by, ground, on, until):
        """§5.1.1: suspended on a ground, for a period (§5.1.3)."""
        self.suspension_ground = ground
        self.suspended_on = on
        self.suspended_until = until

    @transition(
        field=state,
        source=State.SUSPENDED,
        target=State.ACTIVE,
        permission=Permission(_staff_only),
    )
    def reinstate(self, *, by):
        """§5.1.4: the correction is verified; the certificate is valid again."""
        self.suspension_ground = ""
        self.suspended_on = None
        self.suspended_until = None

    @transition(
        field=state,
        source=[State.ACTIVE, State.SUSPENDED],
        target=State.WITHDRAWN,
        permission=Permission(_staff_only),
    )
    def withdraw(self, *, by, ground, on):
        """§5.2.1: withdrawn on a ground (k: on the organisation's request)."""
        self.withdrawal_ground = ground
        self.withdrawn_on = on
        self.suspended_until = None

    @transition(
        field=state,
        source=[State.ACTIVE, State.SUSPENDED],
        target=State.EXPIRED,
        conditions=[_has_expired],
        permission=Permission(_nobody),
    )
    def expire(self, *, by):
        """The validity has run out (the system's sweep)."""
        self.suspended_until = None


class SubCertificate(models.Model):
    """A site's sub-certificate number (§4.1 a "总证书号和子证书号"): given once per site and
    never reused; a site that leaves the scope keeps its row, marked removed."""

    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("certificate"),
        on_delete=models.CASCADE,
        related_name="sub_certificates",
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="+"
    )
    index = models.PositiveSmallIntegerField(_("index"))
    number = models.CharField(_("sub-certificate number"), max_length=48, unique=True)
    removed_at = models.DateTimeField(_("removed from the scope"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sub-certificate")
        verbose_name_plural = _("sub-certificates")
        ordering = ["certificate", "index"]
        constraints = [
            models.UniqueConstraint(fields=["certificate", "site"], name="one_sub_number_per_site"),
            models.UniqueConstraint(
                fields=["certificate", "index"], name="one_sub_index_per_certificate"
            ),
        ]

    def __str__(self):
        return self.number


class CertificateVersion(models.Model):
    """What one issue or reissue printed, frozen: the previous versions stay readable."""

    class Kind(models.TextChoices):
        ISSUE = "issue", _("Initial issue")
        RECERTIFICATION = "recertification", _("Recertification")
        NAME_ADDRESS = "name_address", _("Name or address change")
        SCOPE = "scope", _("Scope change")
        LEVEL = "level", _("Level change")
        REDUCTION = "reduction", _("Scope reduction")

    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        related_name="versions",
    )
    sequence = models.PositiveSmallIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.TextField(_("reason"), blank=True, **limits.bounded_text(limits.NOTE))
    # The evaluation behind an issue or a recertification: one version per evaluation, so a
    # repeated grant issues nothing twice.
    evaluation = models.OneToOneField(
        "evaluations.Evaluation",
        verbose_name=_("evaluation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificate_version",
    )
    # §4.1 a–e as printed.
    organization_name_zh = models.CharField(_("organisation (Chinese)"), max_length=200)
    organization_name_en = models.CharField(_("organisation (English)"), max_length=300, blank=True)
    address_zh = models.CharField(_("address (Chinese)"), max_length=300)
    address_en = models.CharField(_("address (English)"), max_length=400, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    scheme_name_zh = models.CharField(_("scheme (Chinese)"), max_length=200)
    scheme_name_en = models.CharField(_("scheme (English)"), max_length=200)
    standards = models.CharField(_("standards"), max_length=300)
    implementation_rule = models.CharField(_("implementation rule"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=32, blank=True)
    level_name_zh = models.CharField(_("level (Chinese)"), max_length=100, blank=True)
    level_name_en = models.CharField(_("level (English)"), max_length=100, blank=True)
    scope = models.TextField(_("scope"), **limits.bounded_text(limits.SCOPE))
    #: ``[{"number": sub-certificate number, "name": …, "address": …, "activities": …}, …]``
    sites = models.JSONField(_("sites"), default=list)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("valid until"))
    pdf_zh = models.FileField(
        _("certificate (Chinese PDF)"),
        storage=private_storage,
        upload_to=_pdf_upload_to,
        blank=True,
    )
    pdf_en = models.FileField(
        _("certificate (English PDF)"),
        storage=private_storage,
        upload_to=_pdf_upload_to,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("certificate version")
        verbose_name_plural = _("certificate versions")
        ordering = ["certificate", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "sequence"], name="one_sequence_per_certificate"
            ),
            limits.length_check("certificates_certificateversion", "reason", limits.NOTE),
            limits.length_check("certificates_certificateversion", "scope", limits.SCOPE),
        ]

    def __str__(self):
        return f"{self.certificate_id} v{self.sequence}"

    @property
    def is_reissue(self) -> bool:
        return self.sequence > 1

    def organization_name(self, language: str) -> str:
        return (self.organization_name_en if language == "en" else "") or self.organization_name_zh

    def pdf(self, language: str):
        return self.pdf_en if language == "en" else self.pdf_zh


class StatusChange(models.Model):
    """One suspension, reinstatement, withdrawal or expiry (§5), with its notice (§5.1.2,
    §5.2.2), the row for the regulator report (§5.3) and, for a withdrawal, the return of the
    certificate documents (§5.2.2)."""

    class Kind(models.TextChoices):
        SUSPENSION = "suspension", _("Suspension")
        REINSTATEMENT = "reinstatement", _("Reinstatement")
        WITHDRAWAL = "withdrawal", _("Withdrawal")
        EXPIRY = "expiry", _("Expiry")

    #: The kinds published in the public notice (§5.3).
    PUBLIC_KINDS = (Kind.SUSPENSION, Kind.WITHDRAWAL)

    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        related_name="status_changes",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    ground = models.CharField(_("ground"), max_length=1, blank=True)
    effective_on = models.DateField(_("effective on"))
    suspended_until = models.DateField(_("suspended until"), null=True, blank=True)
    until_licence_decision = models.BooleanField(
        _("until the licence decision (§5.1.3)"), default=False
    )
    reason = models.TextField(_("details"), blank=True, **limits.bounded_text(limits.NOTE))
    # §5.1.4: withdrawal before the suspension period ends needs the organisation's consent.
    organization_consent = models.TextField(
        _("the organisation's consent"), blank=True, **limits.bounded_text(limits.NOTE)
    )
    # §5.2.2: the certificate documents come back after a withdrawal.
    documents_returned_on = models.DateField(_("documents returned on"), null=True, blank=True)
    notice_pdf = models.FileField(
        _("notice (PDF)"), storage=private_storage, upload_to=_notice_upload_to, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True, db_index=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "-effective_on"], name="cert_public_notice")]
        constraints = [
            limits.length_check("certificates_statuschange", "reason", limits.NOTE),
            limits.length_check("certificates_statuschange", "organization_consent", limits.NOTE),
        ]

    def __str__(self):
        return f"{self.certificate_id} {self.get_kind_display()} {self.effective_on}"

    @property
    def asks_documents_back(self) -> bool:
        return self.kind == self.Kind.WITHDRAWAL

    def ground_label(self) -> str:
        if not self.ground:
            return ""
        choices = SuspensionGround if self.kind == self.Kind.SUSPENSION else WithdrawalGround
        try:
            return str(choices(self.ground).label)
        except ValueError:
            return self.ground
