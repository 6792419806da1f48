"""Keeping a certificate alive (§3.4): incident and change notifications from certified
organisations (§3.4.3) and staff cases proposing an action on a certification (§5).

Transitions are pure (STYLE §2): they change only their own row; the services in
:mod:`surveillance.services` compute due moments, write attachments, track deadlines, log and
notify.

The certificate link: a notification and a case concern an organisation's certification. Both
name the certificate when it is known (``certificate``, optional: an organisation may hold
several, and a notification may come before one is chosen); accepting a case that proposes a
suspension or a withdrawal takes that action on its certificate (§5).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from applications.models import Organization
from cesi_cert import limits
from cesi_cert.files import private_storage

from . import permissions


class OrganizationNotice(ConcurrentTransitionMixin, models.Model):
    """An incident or a change the organisation must notify (§3.4.3), by itself in the portal or
    after the certification body learned it elsewhere (regulator, media, complaint)."""

    class Kind(models.TextChoices):
        # §3.4.3 a–d, in the seed's words.
        ACCIDENT = "a", _("a. An accident in the service, or a major complaint about it")
        NONCONFORMING = "b", _("b. The service found nonconforming by quality or market regulators")
        CHANGE = (
            "c",
            _(
                "c. A change that may affect the ability to meet the certification requirements "
                "(legal status, ownership, sites, contacts, scope, capability …)"
            ),
        )
        OTHER = "d", _("d. Another important situation affecting the service capability")

    class Source(models.TextChoices):
        ORGANIZATION = "organization", _("The organisation notified it")
        REGULATOR = "regulator", _("A regulator")
        MEDIA = "media", _("The media")
        COMPLAINT = "complaint", _("A complaint")
        OTHER = "other", pgettext_lazy("source", "Other")

    class State(models.TextChoices):
        AWAITING_ORGANIZATION = "awaiting_organization", _("Awaiting the organisation")
        NOTIFIED = "notified", _("Notified")
        UNDER_REVIEW = "under_review", _("Under review")
        DECIDED = "decided", _("Decided")

    class Decision(models.TextChoices):
        # §3.4.3: "决定是否进行调查 … 按 3.4.4 实施认证变更评价 … 或按 5 做出认证暂停、撤销的决定".
        NO_ACTION = "no_action", _("No action")
        INVESTIGATE = "investigate", _("Investigate")
        CHANGE_EVALUATION = "change_evaluation", _("Change evaluation (§3.4.4)")
        SUSPENSION = "suspension", _("Propose suspension (§5.1)")
        WITHDRAWAL = "withdrawal", _("Propose withdrawal (§5.2)")

    #: The kinds due within hours (§3.4.3 a, b); the others within a calendar month.
    URGENT_KINDS = (Kind.ACCIDENT, Kind.NONCONFORMING)

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="notices",
    )
    certificate = models.ForeignKey(
        "certificates.Certificate",
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveillance_notices",
        help_text=_("The certificate concerned, when the organisation holds more than one."),
    )
    kind = models.CharField(_("kind"), max_length=1, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("happened at"))
    description = models.TextField(_("description"), **limits.bounded_text(limits.NOTE))
    special_reason = models.TextField(
        _("special reason for a later notification"),
        blank=True,
        help_text=_(
            "§3.4.3: in a special case an accident or regulator finding may be notified "
            "up to one week after it happened; say why."
        ),
        **limits.bounded_text(limits.NOTE),
    )
    source = models.CharField(
        _("how the certification body learned it"),
        max_length=16,
        choices=Source.choices,
        default=Source.ORGANIZATION,
    )
    source_note = models.TextField(
        _("note on the source"), blank=True, **limits.bounded_text(limits.NOTE)
    )
    organization_account = models.TextField(
        _("the organisation's account"), blank=True, **limits.bounded_text(limits.NOTE)
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_at = models.DateTimeField(_("to be notified by"), db_index=True)
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)
    late = models.BooleanField(_("late"), default=False, db_index=True)
    state = FSMField(
        _("state"),
        default=State.NOTIFIED,
        choices=State.choices,
        protected=True,
        db_index=True,
    )
    decision = models.CharField(_("decision"), max_length=32, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(
        _("reason for the decision"), blank=True, **limits.bounded_text(limits.NOTE)
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
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("incident or change notification")
        verbose_name_plural = _("incident and change notifications")
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            *[
                limits.length_check("surveillance_organizationnotice", name, limits.NOTE)
                for name in (
                    "description",
                    "special_reason",
                    "source_note",
                    "organization_account",
                    "decision_reason",
                )
            ],
            models.CheckConstraint(
                condition=Q(due_at__gt=models.F("occurred_at")),
                name="notice_due_after_it_happened",
            ),
        ]
        indexes = [
            # What the late sweep reads: staff-opened notices not yet notified, by due moment.
            models.Index(
                fields=["due_at"],
                condition=Q(state="awaiting_organization", late=False),
                name="notice_awaiting_due",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.organization}"

    def get_absolute_url(self):
        return reverse("portal:incident", args=[self.pk])

    @property
    def is_urgent(self) -> bool:
        return self.kind in self.URGENT_KINDS

    @property
    def opened_by_staff(self) -> bool:
        return self.source != self.Source.ORGANIZATION

    # --- transitions (pure) -----------------------------------------------------------------

    @transition(
        field=state,
        source=State.AWAITING_ORGANIZATION,
        target=State.NOTIFIED,
        permission=lambda notice, user: permissions.can_act_for(user, notice.organization),
    )
    def notify(self, *, by, account, notified_at, due_at, late, special_reason=""):
        """The organisation notifies one the certification body opened (§3.4.3)."""
        self.organization_account = account
        self.special_reason = special_reason or self.special_reason
        self.notified_at = notified_at
        self.due_at = due_at
        self.late = late

    @transition(
        field=state,
        source=State.NOTIFIED,
        target=State.UNDER_REVIEW,
        permission=lambda notice, user: permissions.can_handle_notices(user),
    )
    def start_review(self, *, by):
        pass

    @transition(
        field=state,
        source=[State.NOTIFIED, State.UNDER_REVIEW],
        target=State.DECIDED,
        permission=lambda notice, user: permissions.can_handle_notices(user),
    )
    def decide(self, *, by, decision, decision_reason, decided_at):
        self.decision = decision
        self.decision_reason = decision_reason
        self.decided_by = by
        self.decided_at = decided_at


def _attachment_upload_to(instance, filename):
    from cesi_cert.files import random_name

    ext = filename.rsplit(".", 1)[-1].lower()
    return random_name(f"surveillance/{instance.notice_id}", ext)


class NoticeAttachment(models.Model):
    """A file sent with a notification (a regulator's finding, a new licence …); private,
    content-checked like every upload (``cesi_cert.files.check_upload``)."""

    notice = models.ForeignKey(
        OrganizationNotice,
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to=_attachment_upload_to)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["uploaded_at"])

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    def get_download_url(self):
        return reverse("portal:incident_attachment", args=[self.pk])


class Case(ConcurrentTransitionMixin, models.Model):
    """A staff case proposing an action on an organisation's certification (§5): opened by a
    person or by a sweep, accepted (a proposed suspension or withdrawal is then carried out on
    ``certificate`` through the certificate services, in the same transaction) or dismissed
    with a reason."""

    class Proposal(models.TextChoices):
        SUSPENSION = "suspension", _("Suspend the certification")
        WITHDRAWAL = "withdrawal", _("Withdraw the certification")
        OTHER = "other", _("Another action")

    class Ground(models.TextChoices):
        # §5.1.1 (and §5.2.1 i) in the seed's words (the grounds the surveillance app proposes).
        A = (
            "5.1.1a",
            _(
                "§5.1.1 a: the organisation, for its own reasons, could not receive the surveillance "
                "or recertification evaluation in time"
            ),
        )
        B = (
            "5.1.1b",
            _(
                "§5.1.1 b: the service continuously or seriously fails the certification requirements"
            ),
        )
        K = (
            "5.1.1k",
            _(
                "§5.1.1 k: a change affecting conformity, or the content of the certificate, was not "
                "notified to the certification body in time"
            ),
        )
        M = "5.1.1m", _("§5.1.1 m: a major accident in the service")
        NOTICE = "3.4.3", _("§3.4.3: decision on an incident or change notification")
        # §5.2.1 i (§3.4.7): the organisation does not want to meet changed requirements.
        I = (  # noqa: E741 — the seed's own letter
            "5.2.1i",
            _(
                "§5.2.1 i: the certification rules changed during validity and the organisation "
                "does not want to meet the new requirements"
            ),
        )
        OTHER = "other", pgettext_lazy("ground", "Other")

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("case state", "Open")
        ACCEPTED = "accepted", _("Accepted")
        DISMISSED = "dismissed", _("Dismissed")

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    certificate = models.ForeignKey(
        "certificates.Certificate",
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveillance_cases",
    )
    proposal = models.CharField(_("proposal"), max_length=16, choices=Proposal.choices)
    ground = models.CharField(_("ground"), max_length=16, choices=Ground.choices)
    notice = models.ForeignKey(
        OrganizationNotice,
        verbose_name=_("notification"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    sweep = models.CharField(
        _("opened by the sweep"),
        max_length=64,
        blank=True,
        help_text=_("Empty when a person opened it."),
    )
    note = models.TextField(_("note"), blank=True, **limits.bounded_text(limits.NOTE))
    state = FSMField(
        _("state"), default=State.OPEN, choices=State.choices, protected=True, db_index=True
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
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
    decision_reason = models.TextField(_("reason"), blank=True, **limits.bounded_text(limits.NOTE))
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open case per organisation, ground and source notification: a second sweep or
            # a double click finds it there (the database decides, not a check-then-insert).
            models.UniqueConstraint(
                fields=["organization", "ground", "notice"],
                condition=Q(state="open", notice__isnull=False),
                name="one_open_case_per_source",
            ),
            limits.length_check("surveillance_case", "note", limits.NOTE),
            limits.length_check("surveillance_case", "decision_reason", limits.NOTE),
        ]

    def __str__(self):
        return f"{self.reference} {self.organization}"

    @property
    def source_display(self) -> str:
        if self.notice_id:
            return str(self.notice.reference)
        return self.sweep or str(_("opened by staff"))

    @transition(
        field=state,
        source=State.OPEN,
        target=State.ACCEPTED,
        permission=lambda case, user: permissions.can_decide_case(user),
    )
    def accept(self, *, by, decision_reason, decided_at):
        self.decided_by = by
        self.decided_at = decided_at
        self.decision_reason = decision_reason

    @transition(
        field=state,
        source=State.OPEN,
        target=State.DISMISSED,
        permission=lambda case, user: permissions.can_decide_case(user),
    )
    def dismiss(self, *, by, decision_reason, decided_at):
        self.decided_by = by
        self.decided_at = decided_at
        self.decision_reason = decision_reason


def _system_only(cycle, user) -> bool:
    """No person runs a cycle's transitions (403): the system does, from a sweep or an event."""
    return False


class SurveillanceCycle(ConcurrentTransitionMixin, models.Model):
    """One 12-month surveillance cycle of a certificate (§3.4.2): counted in calendar months
    from the first issue date; the surveillance evaluation of the cycle is opened ahead of its
    end by a sweep, and a granted decision on it satisfies the cycle.

    The last cycle before expiry is not a surveillance: it is combined with the
    recertification (§7.2 e), so no cycle ending on or after the expiry minus 3 months is
    created (see :func:`surveillance.services.cycles.cycle_ensure`).

    Every transition is the system's (a sweep or an event); nobody acts on a cycle by hand.
    """

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("cycle state", "Open")
        SATISFIED = "satisfied", _("Satisfied")
        MISSED = "missed", _("Missed")
        CANCELLED = "cancelled", pgettext_lazy("cycle state", "Cancelled")

    certificate = models.ForeignKey(
        "certificates.Certificate",
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        related_name="surveillance_cycles",
    )
    number = models.PositiveSmallIntegerField(_("cycle"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("due by"), db_index=True)
    evaluation = models.ForeignKey(
        "evaluations.Evaluation",
        verbose_name=_("surveillance evaluation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveillance_cycles",
    )
    state = FSMField(
        _("state"), default=State.OPEN, choices=State.choices, protected=True, db_index=True
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("surveillance cycle")
        verbose_name_plural = _("surveillance cycles")
        ordering = ["certificate_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "number"], name="one_cycle_per_certificate_and_number"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="cycle_ends_after_it_starts"
            ),
        ]
        indexes = [
            # Both cycle sweeps read open cycles by end date; satisfied and missed cycles pile
            # up with the years and are not read again (issue 9 "Cost", bench/deadlines.py).
            models.Index(fields=["ends_on"], condition=Q(state="open"), name="cycle_open_ends"),
        ]

    def __str__(self):
        return f"{self.certificate.number} #{self.number}"

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return self.state == self.State.OPEN and self.ends_on < timezone.localdate()

    # --- transitions (pure; the system's only) -----------------------------------------------

    @transition(field=state, source=State.OPEN, target=State.SATISFIED, permission=_system_only)
    def satisfy(self, *, by, on):
        self.closed_on = on

    @transition(field=state, source=State.OPEN, target=State.MISSED, permission=_system_only)
    def miss(self, *, by, on):
        self.closed_on = on

    @transition(field=state, source=State.OPEN, target=State.CANCELLED, permission=_system_only)
    def cancel(self, *, by, on):
        self.closed_on = on


from .models_changes import (  # noqa: E402  (§3.4.4 and §3.4.6 live in their own module)
    ChangeRequest,
    ChangeRequestAttachment,
    ScopeReduction,
    ScopeReductionAttachment,
)
from .models_requirements import (  # noqa: E402 — §3.4.7 and §3.4.2 special cases
    ExtraSurveillance,
    RequirementChange,
    RequirementVerification,
)

__all__ = [
    "Case",
    "ChangeRequest",
    "ChangeRequestAttachment",
    "ExtraSurveillance",
    "NoticeAttachment",
    "OrganizationNotice",
    "RequirementChange",
    "RequirementVerification",
    "ScopeReduction",
    "ScopeReductionAttachment",
    "SurveillanceCycle",
]
