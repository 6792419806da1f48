"""Who applies and for what: schemes (附录 2), organisations (§2), applications (§3.1)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_fsm import GET_STATE, ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from cesi_cert import limits
from cesi_cert.files import private_storage
from cesi_cert.transitions import Permission

from . import permissions
from .validators import normalize_credit_code, validate_credit_code


def localized(obj, field: str) -> str:
    """``obj.<field>_zh`` or ``obj.<field>_en`` by the active language, falling back to zh."""
    lang = (get_language() or "zh-hans").lower()
    if lang.startswith("en"):
        return getattr(obj, f"{field}_en") or getattr(obj, f"{field}_zh")
    return getattr(obj, f"{field}_zh") or getattr(obj, f"{field}_en")


class EvaluationMode(models.TextChoices):
    """Evaluation activities of §3.2.3."""

    CHARACTERISTIC_INSPECTION = "characteristic_inspection", _("Service characteristic inspection")
    CHARACTERISTIC_TESTING = "characteristic_testing", _("Service characteristic testing")
    CAPABILITY_CONFIRMATION = (
        "capability_confirmation",
        _("Service capability confirmation or verification"),
    )
    DESIGN_AUDIT = "design_audit", _("Service design audit")
    MANAGEMENT_AUDIT = "management_audit", _("Service management audit")
    CUSTOMER_SURVEY = "customer_survey", _("Customer survey")
    SERVICE_FOOTPRINT = "service_footprint", _("Service footprint evaluation")


class Scheme(models.Model):
    """A certification scheme of 附录 2; rows are data-migrated and editable by staff."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    standards = models.CharField(_("standards"), max_length=300)
    implementation_rule = models.CharField(_("implementation rule"), max_length=200, blank=True)
    #: ``[{"code": "3", "name_zh": "…", "name_en": "…", "min_score": 80}, …]`` — empty when the
    #: scheme certifies without levels.
    levels = models.JSONField(_("levels"), default=list, blank=True)
    evaluation_modes = models.JSONField(_("evaluation modes"), default=list, blank=True)
    validity_years = models.PositiveSmallIntegerField(_("validity (years)"), default=3)
    surveillance_interval_months = models.PositiveSmallIntegerField(
        _("surveillance interval (months)"),
        default=12,  # §3.4.2
    )
    base_man_days = models.DecimalField(
        _("base man-days"), max_digits=5, decimal_places=1, default=Decimal("2.0")
    )
    is_active = models.BooleanField(_("open for applications"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        ordering = ["pk"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    def level_choices(self) -> list[tuple[str, str]]:
        en = (get_language() or "").startswith("en")
        return [(lv["code"], lv["name_en"] if en else lv["name_zh"]) for lv in self.levels]

    def level_label(self, code: str) -> str:
        return dict(self.level_choices()).get(code, code)


class ApplicantType(models.TextChoices):
    """§2.1: who may apply."""

    PROVIDER = "provider", _("Organisation that develops or provides the service (§2.1 a)")
    CONTROLLER = "controller", _("Body that controls the service provider (§2.1 b)")


def _org_upload_to(instance, filename):
    from cesi_cert.files import random_name

    ext = filename.rsplit(".", 1)[-1].lower()
    return random_name(f"organizations/{instance.pk or 'new'}", ext)


class Organization(models.Model):
    """An applicant or certified organisation (申请方/获证组织)."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        help_text=_("18 characters, as on the business licence (GB 32100-2015)."),
    )
    address_zh = models.CharField(_("address (Chinese)"), max_length=300)
    address_en = models.CharField(_("address (English)"), max_length=400, blank=True)
    applicant_type = models.CharField(
        _("applicant type"),
        max_length=16,
        choices=ApplicantType.choices,
        default=ApplicantType.PROVIDER,
    )
    legal_status_evidence = models.FileField(
        _("legal status evidence"),
        storage=private_storage,
        upload_to=_org_upload_to,
        blank=True,
        help_text=_("Business licence or other proof of legal status (§2.2 a)."),
    )
    # The licence on file serves every application of the organisation (§3.1.3) until it expires.
    legal_status_valid_until = models.DateField(
        _("legal status evidence valid until"),
        null=True,
        blank=True,
        help_text=_("The end of the business term on the licence; leave empty if it has none."),
    )
    legal_status_uploaded_at = models.DateTimeField(
        _("legal status evidence uploaded"), null=True, blank=True, editable=False
    )
    # §2.2 a: part of a legal entity → evidence that it can bear legal liability on its own.
    part_of_legal_entity = models.BooleanField(_("part of a larger legal entity"), default=False)
    parent_entity_name = models.CharField(_("parent legal entity"), max_length=200, blank=True)
    independent_liability_evidence = models.FileField(
        _("evidence of independent legal liability"),
        storage=private_storage,
        upload_to=_org_upload_to,
        blank=True,
    )
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_phone = models.CharField(_("contact phone"), max_length=32)
    contact_email = models.EmailField(_("contact e-mail"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organizations", blank=True
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_zh"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.credit_code = normalize_credit_code(self.credit_code)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("portal:organization", args=[self.pk])

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def address(self) -> str:
        return localized(self, "address")


class Membership(models.Model):
    """An applicant user acting for an organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    is_admin = models.BooleanField(_("manages members"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    # Who joined, left or became administrator, and who made it so.
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="unique_membership")
        ]

    def __str__(self):
        return f"{self.user} @ {self.organization}"


class Invitation(models.Model):
    """An invitation to act for an organisation, sent to an e-mail address.

    Nobody becomes a member without consent: the person whose applicant account uses the
    address accepts it (``services.invitation_accept``), and only then is a
    :class:`Membership` made. The e-mailed link carries a random token of which only the hash is
    stored. An invitation is open until it is accepted, declined or revoked, and can be accepted
    only until ``expires_at`` (``settings.INVITATION_VALID_DAYS``).
    """

    class Status(models.TextChoices):
        # In context: an application "accepted" (受理) is not an invitation accepted (已接受).
        PENDING = "pending", pgettext_lazy("invitation", "Waiting for an answer")
        ACCEPTED = "accepted", pgettext_lazy("invitation", "Accepted")
        DECLINED = "declined", pgettext_lazy("invitation", "Declined")
        REVOKED = "revoked", pgettext_lazy("invitation", "Withdrawn")
        EXPIRED = "expired", pgettext_lazy("invitation", "Expired")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("e-mail"))
    is_admin = models.BooleanField(_("manages members"), default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["token_hash", "created_at"])

    #: Not yet answered nor withdrawn (it may have expired meanwhile).
    OPEN = models.Q(accepted_at__isnull=True, declined_at__isnull=True, revoked_at__isnull=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open invitation per address and organisation: inviting again replaces it.
            models.UniqueConstraint(
                Lower("email"),
                "organization",
                condition=models.Q(
                    accepted_at__isnull=True, declined_at__isnull=True, revoked_at__isnull=True
                ),
                name="one_open_invitation_per_address",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.organization}"

    def get_absolute_url(self):
        return reverse("portal:invitation", args=[self.pk])

    @property
    def status(self) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.declined_at:
            return self.Status.DECLINED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def is_open(self) -> bool:
        """Not yet answered nor withdrawn (perhaps expired): it can still be revoked."""
        return not (self.accepted_at or self.declined_at or self.revoked_at)


class Site(models.Model):
    """A place where the certified service is provided (§3.2.2.2)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("site name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    activities = models.TextField(
        _("service activities at this site"), **limits.bounded_text(limits.ACTIVITIES)
    )
    is_central = models.BooleanField(
        _("central function"), default=False, help_text=_("Where the service is managed from.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["-is_central", "name"]
        constraints = [limits.length_check("applications_site", "activities", limits.ACTIVITIES)]

    def __str__(self):
        return self.name


class Application(ConcurrentTransitionMixin, models.Model):
    """A request for certification (§3.1), from draft to a signed contract."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Initial certification")
        RECERTIFICATION = "recertification", _("Recertification (§3.5)")
        EXTENSION = "extension", _("Scope extension (§3.4.5)")
        # §3.4.4: a level increase is handled as an initial certification.
        LEVEL_CHANGE = "level_change", _("Level change (§3.4.4)")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        ACCEPTED = "accepted", _("Accepted")
        CONTRACTED = "contracted", _("Contracted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    #: States in which the applicant may still edit the application and its materials.
    EDITABLE_STATES = (State.DRAFT, State.CHANGES_REQUESTED)
    #: States an application can no longer leave.
    FINAL_STATES = (State.CONTRACTED, State.REJECTED, State.WITHDRAWN)
    #: Kinds that continue a certificate the organisation holds (they name it in ``certificate``).
    CONTINUING_KINDS = (Kind.RECERTIFICATION, Kind.EXTENSION, Kind.LEVEL_CHANGE)
    #: The states of ``certificates.Certificate`` each continuing kind may continue: a suspended
    #: certificate can still be renewed (§3.5) but not extended or raised (§3.4.4, §3.4.5); a
    #: withdrawn or expired one continues nothing. (certificates' tests keep these in step.)
    CONTINUABLE_CERTIFICATE_STATES = {
        Kind.RECERTIFICATION: ("active", "suspended"),
        Kind.EXTENSION: ("active",),
        Kind.LEVEL_CHANGE: ("active",),
    }

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="applications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INITIAL)
    requested_level = models.CharField(_("requested level"), max_length=32, blank=True)
    sites = models.ManyToManyField(
        Site, verbose_name=_("sites"), related_name="applications", blank=True
    )
    scope = models.TextField(
        _("scope of certification"),
        help_text=_("The services and activities to be certified."),
        **limits.bounded_text(limits.SCOPE),
    )
    # §3.5, §3.4.5, §3.4.4: recertification, extension and level change continue a certificate
    # the organisation holds. The model is the certificates app's (a string reference: this app
    # never imports it); which of its states may be continued is CONTINUABLE_CERTIFICATE_STATES.
    certificate = models.ForeignKey(
        "certificates.Certificate",
        verbose_name=_("current certificate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        help_text=_("For recertification, extension and level change."),
    )
    state = FSMField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The first submission stays; each later one (answering a change request) moves only
    # ``last_submitted_at``. Every submission is a row of the transition log.
    submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    last_submitted_at = models.DateTimeField(_("last submitted"), null=True, blank=True)
    # §3.1.4 review: requirements clear, and the CB able to do the work.
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requirements_clear = models.BooleanField(_("certification requirements are clear"), null=True)
    cb_capable = models.BooleanField(_("the CB is able to do the work"), null=True)
    review_notes = models.TextField(
        _("review notes"), blank=True, **limits.bounded_text(limits.NOTE)
    )
    reviewed_at = models.DateTimeField(_("review completed"), null=True, blank=True)
    requested_changes = models.TextField(
        _("changes requested"), blank=True, **limits.bounded_text(limits.NOTE)
    )
    # Set by a change request that asks for a fresh copy of the business licence: until one is
    # uploaded to the application, the licence on file with the organisation does not count.
    fresh_licence_required = models.BooleanField(
        _("a fresh copy of the business licence is required"), default=False
    )
    rejection_reason = models.TextField(
        _("reasons for rejection"), blank=True, **limits.bounded_text(limits.NOTE)
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-pk"]
        permissions = [("review_application", _("Can review and decide on applications"))]
        constraints = [
            limits.length_check("applications_application", name, limit)
            for name, limit in (
                ("scope", limits.SCOPE),
                ("review_notes", limits.NOTE),
                ("requested_changes", limits.NOTE),
                ("rejection_reason", limits.NOTE),
            )
        ]

    def __str__(self):
        return f"{self.reference} {self.organization}"

    def get_absolute_url(self):
        return reverse("portal:application", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES

    # --- transitions: pure, they touch only this row (STYLE §2) ---------------------------

    @transition(
        field=state,
        source=[State.DRAFT, State.CHANGES_REQUESTED],
        # A first submission queues for review; an answer to a change request goes straight
        # back to the reviewer who asked (under_review ⇄ changes_requested).
        target=GET_STATE(
            lambda self, **kw: (
                Application.State.UNDER_REVIEW
                if self.state == Application.State.CHANGES_REQUESTED
                else Application.State.SUBMITTED
            ),
            states=[State.SUBMITTED, State.UNDER_REVIEW],
        ),
        permission=lambda app, user: permissions.can_act_for(user, app.organization),
    )
    def submit(self, *, by):
        """§3.1.3: the applicant hands in the application and its materials."""
        now = timezone.now()
        if self.submitted_at is None:
            self.submitted_at = now
        self.last_submitted_at = now
        self.requested_changes = ""

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.UNDER_REVIEW,
        permission=lambda app, user: permissions.can_review(user),
    )
    def start_review(self, *, by):
        """§3.1.4: customer service takes the application up for review."""
        self.reviewer = by

    @transition(
        field=state,
        source=State.UNDER_REVIEW,
        target=State.CHANGES_REQUESTED,
        permission=lambda app, user: permissions.can_review(user),
    )
    def request_changes(self, *, by, changes: str, fresh_licence_required: bool = False):
        """Ask the applicant to complete or correct the application (§3.1.3), possibly with a
        fresh copy of the business licence instead of the one on file."""
        self.requested_changes = changes
        if fresh_licence_required:
            self.fresh_licence_required = True

    @transition(
        field=state,
        source=State.UNDER_REVIEW,
        target=State.ACCEPTED,
        permission=lambda app, user: permissions.can_review(user),
    )
    def accept(self, *, by, requirements_clear: bool, cb_capable: bool, notes: str = ""):
        """§3.1.4: requirements are clear and the CB can do the work."""
        self.requirements_clear = requirements_clear
        self.cb_capable = cb_capable
        self.review_notes = notes
        self.reviewer = by
        self.reviewed_at = timezone.now()

    @transition(
        field=state,
        source=[State.SUBMITTED, State.UNDER_REVIEW, State.CHANGES_REQUESTED],
        target=State.REJECTED,
        permission=lambda app, user: permissions.can_review(user),
    )
    def reject(self, *, by, reasons: str, requirements_clear=None, cb_capable=None):
        """The CB cannot take the application; the written reasons go to the applicant."""
        self.rejection_reason = reasons
        self.requirements_clear = requirements_clear
        self.cb_capable = cb_capable
        self.reviewed_at = timezone.now()
        self.closed_at = timezone.now()

    @transition(
        field=state,
        source=[
            State.DRAFT,
            State.SUBMITTED,
            State.UNDER_REVIEW,
            State.CHANGES_REQUESTED,
            State.ACCEPTED,
        ],
        target=State.WITHDRAWN,
        # A draft is the applicant's own; staff record withdrawals of handed-in applications:
        # customer service may withdraw (403 for other roles), only not a draft (409).
        permission=Permission(
            role=lambda app, user: (
                permissions.can_act_for(user, app.organization) or permissions.can_review(user)
            ),
            now=lambda app, user: (
                app.state != Application.State.DRAFT
                or permissions.can_act_for(user, app.organization)
            ),
        ),
    )
    def withdraw(self, *, by):
        """The applicant withdraws (or staff record a written withdrawal)."""
        self.closed_at = timezone.now()

    @transition(
        field=state,
        source=State.ACCEPTED,
        target=State.CONTRACTED,
        permission=lambda app, user: permissions.can_review(user),
    )
    def sign_contract(self, *, by):
        """§3.1.4: the certification contract is signed (the Contract row is the service's)."""
        self.closed_at = timezone.now()


class DocumentKind(models.TextChoices):
    LEGAL_STATUS = "legal_status", _("Legal status certificate (business licence)")
    APPLICATION_FORM = "application_form", _("Signed application form")
    SERVICE_DESCRIPTION = "service_description", _("Service description")
    QUALIFICATION = "qualification", _("Licences and qualifications")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment against the standard")
    SCOPE_CHANGE = "scope_change", _("Description of the scope to add")
    CERTIFICATE_COPY = "certificate_copy", _("Copy of the current certificate")
    OTHER = "other", _("Other")


#: The materials each kind of application needs before it can be submitted (§3.1.3).
REQUIRED_DOCUMENTS: dict[str, tuple[str, ...]] = {
    Application.Kind.INITIAL: (
        DocumentKind.LEGAL_STATUS,
        DocumentKind.APPLICATION_FORM,
        DocumentKind.SERVICE_DESCRIPTION,
    ),
    Application.Kind.RECERTIFICATION: (
        DocumentKind.LEGAL_STATUS,
        DocumentKind.APPLICATION_FORM,
        DocumentKind.SERVICE_DESCRIPTION,
        DocumentKind.CERTIFICATE_COPY,
    ),
    Application.Kind.EXTENSION: (
        DocumentKind.LEGAL_STATUS,
        DocumentKind.APPLICATION_FORM,
        DocumentKind.SCOPE_CHANGE,
        DocumentKind.CERTIFICATE_COPY,
    ),
    Application.Kind.LEVEL_CHANGE: (
        DocumentKind.LEGAL_STATUS,
        DocumentKind.APPLICATION_FORM,
        DocumentKind.SELF_ASSESSMENT,
        DocumentKind.CERTIFICATE_COPY,
    ),
}


def _document_upload_to(instance, filename):
    from cesi_cert.files import random_name

    ext = filename.rsplit(".", 1)[-1].lower()
    return random_name(f"applications/{instance.application_id}", ext)


class ApplicationDocument(models.Model):
    """Material handed in with an application, or a CB document for it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    file = models.FileField(_("file"), storage=private_storage, upload_to=_document_upload_to)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    # The organisation sees a CB document only once it is published to it (SPEC).
    published = models.BooleanField(_("visible to the applicant"), default=True)
    # A handed-in file is never deleted: a new version replaces it and the old one stays, marked
    # superseded, for the certification body's record.
    previous_version = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        # Both versions go only together with their application (a cascade through it).
        on_delete=models.RESTRICT,
        related_name="next_version",
    )
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["uploaded_at"])

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["kind", "uploaded_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"

    def get_download_url(self):
        return reverse("portal:document_download", args=[self.pk])

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def handed_in(self) -> bool:
        """Submitted to the certification body: uploaded before the application's last
        submission. Such a file can be replaced by a new version, never deleted."""
        last = self.application.last_submitted_at
        return last is not None and self.uploaded_at is not None and self.uploaded_at <= last


class Contract(models.Model):
    """The certification contract (§3.1.4) signed after an accepted application."""

    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="contract",
    )
    number = models.CharField(_("contract number"), max_length=40, unique=True)
    signed_on = models.DateField(_("signed on"))
    man_days = models.DecimalField(
        _("man-days"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    fee_quote = models.DecimalField(
        _("fee quote (CNY)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    notes = models.TextField(_("notes"), blank=True, **limits.bounded_text(limits.NOTE))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-signed_on", "-pk"]
        constraints = [limits.length_check("applications_contract", "notes", limits.NOTE)]

    def __str__(self):
        return self.number


class ContractAmendment(models.Model):
    """A later change to a contract's man-days or fee (§3.4.5 b, §3.4.6 b), numbered in order."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="amendments")
    sequence = models.PositiveSmallIntegerField(_("amendment no."))
    signed_on = models.DateField(_("signed on"))
    description = models.TextField(_("what changes"), **limits.bounded_text(limits.NOTE))
    man_days_before = models.DecimalField(max_digits=6, decimal_places=1)
    man_days_after = models.DecimalField(_("man-days"), max_digits=6, decimal_places=1)
    fee_quote_before = models.DecimalField(max_digits=12, decimal_places=2)
    fee_quote_after = models.DecimalField(_("fee quote (CNY)"), max_digits=12, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contract amendment")
        verbose_name_plural = _("contract amendments")
        ordering = ["contract", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "sequence"], name="unique_amendment_sequence"
            ),
            limits.length_check("applications_contractamendment", "description", limits.NOTE),
        ]

    def __str__(self):
        return f"{self.contract.number}-A{self.sequence}"
