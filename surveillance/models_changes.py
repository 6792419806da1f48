"""Changes to a certification after it is granted: change requests (§3.4.4) and scope
reductions (§3.4.6, seed 3.5.6.1–3.5.6.2).

Design: a scope reduction is its own model, :class:`ScopeReduction`, not a kind of change
request — it has its own grounds (3.5.6.1 a: opened by the certification body; b: asked by the
organisation), its own decider (the technical committee, 3.5.6.2 c) and its own outcome (a
reissue keeping number and validity). A change request of kind (2) that adds sites or activities
is an extension (§3.4.5, an application of kind ``extension``); one that removes them is a scope
reduction: the change-request service refuses both and points to the right form.

Transitions are pure (STYLE §2); :mod:`surveillance.services.changes` does the rest.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from applications.models import Organization, Site
from cesi_cert import limits
from cesi_cert.files import private_storage
from cesi_cert.transitions import SYSTEM, Permission

from . import permissions


class ChangeRequest(ConcurrentTransitionMixin, models.Model):
    """A certified organisation's request to change its certification (§3.4.4)."""

    class Kind(models.TextChoices):
        # §3.4.4 (1)–(5), in the seed's words.
        NAME_ADDRESS = "1", _("(1) The organisation's name or registered address changes")
        SCOPE = "2", _("(2) The scope of the certificate changes, including activities and sites")
        CAPABILITY = "3", _("(3) A major change of service capability or service process")
        LEVEL = "4", _("(4) The certification level changes (where it applies)")
        OTHER = "5", _("(5) Another case the certification body says must be changed")

    class Method(models.TextChoices):
        # §3.4.4: "文件核查、服务特性测评、服务能力确认或验证、服务管理审核".
        DOCUMENT_CHECK = "document_check", _("Document check")
        CHARACTERISTIC_TESTING = "characteristic_testing", _("Service characteristic testing")
        CAPABILITY_CONFIRMATION = (
            "capability_confirmation",
            _("Service capability confirmation or verification"),
        )
        MANAGEMENT_AUDIT = "management_audit", _("Service management audit")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        EVALUATING = "evaluating", _("Being evaluated")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    #: The states the stepper shows, in order (rejected and withdrawn end it early).
    STEPS = (State.SUBMITTED, State.UNDER_REVIEW, State.EVALUATING, State.APPROVED)
    OPEN_STATES = (State.SUBMITTED, State.UNDER_REVIEW, State.EVALUATING)

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    certificate = models.ForeignKey(
        "certificates.Certificate",
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        related_name="change_requests",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="change_requests",
    )
    kind = models.CharField(_("kind"), max_length=1, choices=Kind.choices)
    description = models.TextField(_("description"), **limits.bounded_text(limits.NOTE))
    # The requested values, where the kind has them.
    new_name_zh = models.CharField(_("new name (Chinese)"), max_length=200, blank=True)
    new_name_en = models.CharField(_("new name (English)"), max_length=200, blank=True)
    new_address_zh = models.CharField(_("new address (Chinese)"), max_length=300, blank=True)
    new_address_en = models.CharField(_("new address (English)"), max_length=300, blank=True)
    new_level = models.CharField(_("new level"), max_length=32, blank=True)
    new_scope = models.TextField(_("new scope"), blank=True, **limits.bounded_text(limits.SCOPE))
    methods = models.JSONField(_("evaluation methods"), default=list, blank=True)
    state = FSMField(
        _("state"), default=State.SUBMITTED, choices=State.choices, protected=True, db_index=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    evaluation = models.ForeignKey(
        "evaluations.Evaluation",
        verbose_name=_("change evaluation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="change_requests",
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("level-change application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="change_requests",
    )
    version = models.ForeignKey(
        "certificates.CertificateVersion",
        verbose_name=_("reissued version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="change_requests",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(
        _("reason for the decision"), blank=True, **limits.bounded_text(limits.NOTE)
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            limits.length_check("surveillance_changerequest", "description", limits.NOTE),
            limits.length_check("surveillance_changerequest", "new_scope", limits.SCOPE),
            limits.length_check("surveillance_changerequest", "decision_reason", limits.NOTE),
        ]

    def __str__(self):
        # The certificate's number, never its database id (the admin's title read "CR… 1").
        return f"{self.reference} {self.certificate.number}"

    def get_absolute_url(self):
        return reverse("portal:change_request", args=[self.pk])

    @property
    def new_level_label(self) -> str:
        """The requested level as the scheme names it (the code if the scheme no longer has it)."""
        return self.certificate.scheme.level_label(self.new_level) if self.new_level else ""

    @property
    def needs_evaluation(self) -> bool:
        return any(m != self.Method.DOCUMENT_CHECK for m in self.methods or [])

    def methods_display(self) -> list[str]:
        labels = dict(self.Method.choices)
        return [str(labels.get(m, m)) for m in self.methods or []]

    # --- transitions (pure) -----------------------------------------------------------------

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.UNDER_REVIEW,
        permission=lambda cr, user: permissions.can_handle_changes(user),
    )
    def start_review(self, *, by):
        pass

    @transition(
        field=state,
        source=State.UNDER_REVIEW,
        target=State.EVALUATING,
        permission=lambda cr, user: permissions.can_handle_changes(user),
    )
    def evaluate(self, *, by, methods, evaluation):
        self.methods = methods
        self.evaluation = evaluation

    @transition(
        field=state,
        source=[State.UNDER_REVIEW, State.EVALUATING],
        target=State.APPROVED,
        # Staff approve after a document check only; an evaluated request is approved by the
        # committee's grant (the system), so a person gets 409 while it is evaluated.
        permission=Permission(
            role=lambda cr, user: permissions.can_handle_changes(user),
            now=lambda cr, user: cr.state == ChangeRequest.State.UNDER_REVIEW,
        ),
    )
    def approve(self, *, by, decision_reason, decided_at, methods=None):
        if methods is not None:
            self.methods = methods
        self.decided_by = None if by is SYSTEM else by
        self.decided_at = decided_at
        self.decision_reason = decision_reason

    @transition(
        field=state,
        source=[State.SUBMITTED, State.UNDER_REVIEW, State.EVALUATING],
        target=State.REJECTED,
        permission=Permission(
            role=lambda cr, user: permissions.can_handle_changes(user),
            now=lambda cr, user: cr.state != ChangeRequest.State.EVALUATING,
        ),
    )
    def reject(self, *, by, decision_reason, decided_at):
        self.decided_by = None if by is SYSTEM else by
        self.decided_at = decided_at
        self.decision_reason = decision_reason

    @transition(
        field=state,
        source=[State.SUBMITTED, State.UNDER_REVIEW],
        target=State.WITHDRAWN,
        permission=lambda cr, user: permissions.can_act_for(user, cr.organization),
    )
    def withdraw(self, *, by, decision_reason, decided_at):
        self.decided_at = decided_at
        self.decision_reason = decision_reason


class ScopeReduction(ConcurrentTransitionMixin, models.Model):
    """Removing part of a certificate's scope (§3.4.6): sites and/or activities.

    Asked by the organisation (3.5.6.1 b, with reasons and evidence) or opened by the
    certification body for a persistent or serious nonconformity in that part (3.5.6.1 a). A
    member of the technical committee decides (3.5.6.2 c); an approval reissues the certificate
    with the same number and validity.
    """

    class Condition(models.TextChoices):
        NONCONFORMITY = (
            "a",
            _("a. Part of the scope no longer meets the certification requirements"),
        )
        ORGANIZATION = "b", _("b. The organisation no longer wants part of the scope certified")

    class State(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("reduction state", "Awaiting the committee")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    certificate = models.ForeignKey(
        "certificates.Certificate",
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        related_name="scope_reductions",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="scope_reductions",
    )
    condition = models.CharField(_("condition"), max_length=1, choices=Condition.choices)
    reason = models.TextField(_("reasons"), **limits.bounded_text(limits.NOTE))
    removed_sites = models.ManyToManyField(
        Site, verbose_name=_("sites removed"), blank=True, related_name="+"
    )
    new_scope = models.TextField(
        _("narrower scope"),
        blank=True,
        help_text=_("Leave empty when only sites are removed."),
        **limits.bounded_text(limits.SCOPE),
    )
    state = FSMField(
        _("state"), default=State.SUBMITTED, choices=State.choices, protected=True, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.ForeignKey(
        "certificates.CertificateVersion",
        verbose_name=_("reissued version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scope_reductions",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_comment = models.TextField(
        _("committee's comment"), blank=True, **limits.bounded_text(limits.NOTE)
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("scope reduction")
        verbose_name_plural = _("scope reductions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            limits.length_check("surveillance_scopereduction", "reason", limits.NOTE),
            limits.length_check("surveillance_scopereduction", "new_scope", limits.SCOPE),
            limits.length_check("surveillance_scopereduction", "decision_comment", limits.NOTE),
        ]

    def __str__(self):
        # The certificate's number, never its database id (the admin's title read "CR… 1").
        return f"{self.reference} {self.certificate.number}"

    def get_absolute_url(self):
        return reverse("portal:scope_reduction", args=[self.pk])

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.APPROVED,
        permission=lambda r, user: permissions.can_decide_reduction(user, r.organization_id),
    )
    def approve(self, *, by, comment, decided_at):
        self.decided_by = by
        self.decided_at = decided_at
        self.decision_comment = comment

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.REFUSED,
        permission=lambda r, user: permissions.can_decide_reduction(user, r.organization_id),
    )
    def refuse(self, *, by, comment, decided_at):
        self.decided_by = by
        self.decided_at = decided_at
        self.decision_comment = comment

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.WITHDRAWN,
        permission=Permission(
            role=lambda r, user: permissions.can_act_for(user, r.organization),
            now=lambda r, user: r.condition == ScopeReduction.Condition.ORGANIZATION,
        ),
    )
    def withdraw(self, *, by, comment, decided_at):
        self.decided_at = decided_at
        self.decision_comment = comment


def _change_upload_to(instance, filename):
    from cesi_cert.files import random_name

    ext = filename.rsplit(".", 1)[-1].lower()
    return random_name(f"surveillance/changes/{instance.owner_id}", ext)


class _Attachment(models.Model):
    """A private file, content-checked like every upload (``cesi_cert.files.check_upload``)."""

    file = models.FileField(_("file"), storage=private_storage, upload_to=_change_upload_to)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class ChangeRequestAttachment(_Attachment):
    owner = models.ForeignKey(
        ChangeRequest,
        verbose_name=_("change request"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )

    history = HistoricalRecords(excluded_fields=["uploaded_at"])

    class Meta(_Attachment.Meta):
        verbose_name = _("change request attachment")
        verbose_name_plural = _("change request attachments")

    def get_download_url(self):
        return reverse("portal:change_request_attachment", args=[self.pk])


class ScopeReductionAttachment(_Attachment):
    owner = models.ForeignKey(
        ScopeReduction,
        verbose_name=_("scope reduction"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )

    history = HistoricalRecords(excluded_fields=["uploaded_at"])

    class Meta(_Attachment.Meta):
        verbose_name = _("scope reduction evidence")
        verbose_name_plural = _("scope reduction evidence")

    def get_download_url(self):
        return reverse("portal:scope_reduction_attachment", args=[self.pk])
