"""Changed certification requirements (§3.4.7): "当认证要求发生变化时，赛西认证将以书面或其他
方式将其认证要求的任何变更通知获证组织，并对其是否符合新的要求予以验证".

A :class:`RequirementChange` of a scheme is drafted, then published by 认证业务部: publishing
creates one :class:`RequirementVerification` per valid or suspended certificate of the scheme
and tells each holder. The organisation confirms its conformity (a note, an optional file) and
staff verify it, or it refuses — §5.2.1 i: a case proposing withdrawal. Not answered by the
``verify_by`` day, a sweep marks it missed and opens the same case.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from applications.models import Organization, Scheme
from cesi_cert import limits
from cesi_cert.files import private_storage

from . import permissions


class RequirementChange(ConcurrentTransitionMixin, models.Model):
    """A change of a scheme's certification requirements to notify and verify (§3.4.7)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), **limits.bounded_text(limits.NOTE))
    effective_on = models.DateField(_("effective on"))
    verify_by = models.DateField(_("conformity to be verified by"))
    state = FSMField(
        _("state"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("change of certification requirements")
        verbose_name_plural = _("changes of certification requirements")
        ordering = ["-created_at", "-pk"]
        constraints = [
            limits.length_check("surveillance_requirementchange", "description", limits.NOTE),
            models.CheckConstraint(
                condition=models.Q(verify_by__gte=models.F("effective_on")),
                name="requirement_verified_after_it_takes_effect",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @transition(
        field=state,
        source=State.DRAFT,
        target=State.PUBLISHED,
        permission=lambda change, user: permissions.can_manage_requirements(user),
    )
    def publish(self, *, by, published_at):
        self.published_by = by
        self.published_at = published_at


def _verification_upload_to(instance, filename):
    from cesi_cert.files import random_name

    ext = filename.rsplit(".", 1)[-1].lower()
    return random_name(f"surveillance/requirements/{instance.change_id}", ext)


def _is_member(verification, user) -> bool:
    return permissions.can_act_for(user, verification.organization)


def _system_only(obj, user) -> bool:
    return False


class RequirementVerification(ConcurrentTransitionMixin, models.Model):
    """Whether one certificate meets a changed requirement (§3.4.7)."""

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("verification state", "Open")
        CONFIRMED = "confirmed", _("Conformity declared")
        VERIFIED = "verified", _("Verified")
        REFUSED = "refused", _("Refused by the organisation")
        MISSED = "missed", _("Not answered in time")

    change = models.ForeignKey(
        RequirementChange,
        verbose_name=_("change of requirements"),
        on_delete=models.PROTECT,
        related_name="verifications",
    )
    certificate = models.ForeignKey(
        "certificates.Certificate",
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        related_name="requirement_verifications",
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    state = FSMField(
        _("state"), default=State.OPEN, choices=State.choices, protected=True, db_index=True
    )
    note = models.TextField(
        _("the organisation's note"), blank=True, **limits.bounded_text(limits.NOTE)
    )
    attachment = models.FileField(
        _("attachment"), storage=private_storage, upload_to=_verification_upload_to, blank=True
    )
    attachment_name = models.CharField(_("file name"), max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("verification of changed requirements")
        verbose_name_plural = _("verifications of changed requirements")
        ordering = ["change_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["change", "certificate"], name="one_verification_per_change_certificate"
            ),
            limits.length_check("surveillance_requirementverification", "note", limits.NOTE),
        ]

    def __str__(self):
        return f"{self.change.reference} {self.certificate.number}"

    def get_absolute_url(self):
        return reverse("portal:requirement_verification", args=[self.pk])

    def get_download_url(self):
        return reverse("portal:requirement_verification_file", args=[self.pk])

    @transition(field=state, source=State.OPEN, target=State.CONFIRMED, permission=_is_member)
    def confirm(self, *, by, note, answered_at):
        self.note = note
        self.answered_by = by
        self.answered_at = answered_at

    @transition(field=state, source=State.OPEN, target=State.REFUSED, permission=_is_member)
    def refuse(self, *, by, note, answered_at):
        self.note = note
        self.answered_by = by
        self.answered_at = answered_at

    @transition(
        field=state,
        source=State.CONFIRMED,
        target=State.VERIFIED,
        permission=lambda verification, user: permissions.can_manage_requirements(user),
    )
    def verify(self, *, by, verified_at):
        self.verified_by = by
        self.verified_at = verified_at

    @transition(field=state, source=State.OPEN, target=State.MISSED, permission=_system_only)
    def miss(self, *, by):
        pass


class ExtraSurveillance(models.Model):
    """§3.4.2 special cases: a surveillance evaluation 认证业务部 adds to a certificate outside
    its 12-month cycles (a complaint, a notification, a regulator's request …). One row per
    extra evaluation: why, by when, and the evaluation it opened (the cycle is untouched)."""

    certificate = models.ForeignKey(
        "certificates.Certificate",
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        related_name="extra_surveillances",
    )
    evaluation = models.OneToOneField(
        "evaluations.Evaluation",
        verbose_name=_("surveillance evaluation"),
        on_delete=models.PROTECT,
        related_name="extra_surveillance",
    )
    reason = models.TextField(_("reason"), **limits.bounded_text(limits.NOTE))
    due_on = models.DateField(_("due by"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("extra surveillance")
        verbose_name_plural = _("extra surveillances")
        ordering = ["-created_at", "-pk"]
        constraints = [
            limits.length_check("surveillance_extrasurveillance", "reason", limits.NOTE),
        ]

    def __str__(self):
        return f"{self.certificate.number} {self.due_on:%Y-%m-%d}"
