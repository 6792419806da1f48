"""How the certification body evaluates (§3.2, and the evaluation half of §3.3): the auditor
register, evaluations with their team and plan, objections, and nonconformities.

Transitions are pure (STYLE §2): they change only their own row; the services in
:mod:`evaluations.services` check the data, write the other rows, log and notify.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from applications import permissions as application_permissions
from applications.models import Application, Organization, Scheme, Site
from cesi_cert import limits
from cesi_cert.files import private_storage

from . import permissions

# --- the auditor register -----------------------------------------------------------------


class QualificationRole(models.TextChoices):
    AUDITOR = "auditor", _("Auditor")
    TECHNICAL_EXPERT = "technical_expert", _("Technical expert")


class AuditorQualification(models.Model):
    """A person's registration for a scheme (and technical area), valid for a period.

    Only someone qualified as an auditor for the scheme on every day of the visit may be an
    auditor or the leader of its team (§3.2.2.1 "有资格的审查人员").
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="qualifications",
    )
    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("qualified as"), max_length=32, choices=QualificationRole.choices)
    technical_area = models.CharField(
        _("technical area"),
        max_length=100,
        blank=True,
        help_text=_("Where the scheme has technical areas; empty means the whole scheme."),
    )
    registration_number = models.CharField(_("registration number"), max_length=64, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("auditor qualification")
        verbose_name_plural = _("auditor qualifications")
        ordering = ["person__username", "scheme__code", "-valid_until"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="qualification_valid_until_after_from",
            ),
        ]
        indexes = [models.Index(fields=["scheme", "role", "valid_until"])]

    def __str__(self):
        return f"{self.person} · {self.scheme.code} · {self.get_role_display()}"

    def covers(self, first_day, last_day) -> bool:
        return self.valid_from <= first_day and last_day <= self.valid_until


class ConflictDeclaration(models.Model):
    """A declared relation between a person and an organisation (ISO/IEC 17065 impartiality).

    A person with a declared relation that is ongoing, or ended less than
    ``settings.CONFLICT_COOLING_OFF_YEARS`` before the visit ("consulted for or worked at it within
    the last 2 years"), cannot be on that organisation's evaluation team.
    """

    class Nature(models.TextChoices):
        CONSULTED = "consulted", _("Consulted for it")
        EMPLOYED = "employed", _("Worked at it")
        FINANCIAL = "financial", _("Financial interest in it")
        PERSONAL = "personal", _("Close personal relation with its management")
        OTHER = "other", _("Other")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="conflict_declarations",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="conflict_declarations",
    )
    nature = models.CharField(_("nature"), max_length=32, choices=Nature.choices)
    description = models.TextField(_("description"), blank=True, **limits.bounded_text(limits.NOTE))
    ended_on = models.DateField(
        _("ended on"), null=True, blank=True, help_text=_("Empty while the relation goes on.")
    )
    declared_at = models.DateTimeField(_("declared"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["-declared_at"]
        constraints = [
            limits.length_check("evaluations_conflictdeclaration", "description", limits.NOTE)
        ]

    def __str__(self):
        return f"{self.person} · {self.organization} · {self.get_nature_display()}"


# --- the evaluation -----------------------------------------------------------------------


def _report_upload_to(instance, filename):
    from cesi_cert.files import random_name

    return random_name(f"evaluations/{instance.pk}", "pdf")


def _plan_not_yet_accepted(ev) -> bool:
    return ev.plan_accepted_at is None


_plan_not_yet_accepted.message = _("The plan is already accepted.")


def _no_open_objection(ev) -> bool:
    # Iterates ``objections.all()`` so that a list with a prefetch asks nothing more.
    return all(o.resolved_at is not None for o in ev.objections.all())


_no_open_objection.message = _(
    "An objection to a team member is awaiting the certification body's answer; the plan can be "
    "accepted once it is decided."
)


def _report_not_yet_published(ev) -> bool:
    return ev.report_published_at is None


_report_not_yet_published.message = _("The report is already published to the organisation.")


class Evaluation(ConcurrentTransitionMixin, models.Model):
    """One evaluation of an organisation for a scheme (§3.2): planned, notified, reviewed on
    paper (initial certification), done on site, and reported to the CB."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Initial certification")
        SURVEILLANCE = "surveillance", _("Surveillance")
        RECERTIFICATION = "recertification", _("Recertification")
        # A context: Django's admin has its own "Change" (修改).
        CHANGE = "change", pgettext_lazy("evaluation kind", "Change")
        EXTENSION = "extension", _("Scope extension")
        SPECIAL = "special", _("Special evaluation")

    class State(models.TextChoices):
        PLANNING = "planning", _("Planning")
        PLAN_NOTIFIED = "plan_notified", _("Plan notified")
        DOCUMENT_REVIEW = "document_review", _("Document review")
        RECTIFICATION = "rectification", _("Documents to rectify")
        ON_SITE = "on_site", _("On site")
        AWAITING_CORRECTIONS = "awaiting_corrections", _("Awaiting corrective actions")
        REPORTED = "reported", _("Reported")
        CANCELLED = "cancelled", _("Cancelled")

    class Conclusion(models.TextChoices):
        # §3.3.2.2 4: the three conclusions of the closing meeting.
        RECOMMEND = "recommend", _("Recommend registration")
        NOT_RECOMMEND = "not_recommend", _("Do not recommend registration")
        AFTER_CORRECTIONS = (
            "after_corrections",
            _("Recommend once corrective actions are verified"),
        )

    FINAL_STATES = (State.REPORTED, State.CANCELLED)
    OPEN_STATES = (
        State.PLANNING,
        State.PLAN_NOTIFIED,
        State.DOCUMENT_REVIEW,
        State.RECTIFICATION,
        State.ON_SITE,
        State.AWAITING_CORRECTIONS,
    )

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="+"
    )
    # Initial, recertification and extension evaluations come from an application.
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    state = FSMField(
        _("state"), default=State.PLANNING, choices=State.choices, protected=True, db_index=True
    )
    reference = models.CharField(_("evaluation number"), max_length=32, unique=True)
    sites = models.ManyToManyField(Site, verbose_name=_("sites"), blank=True, related_name="+")
    starts_on = models.DateField(_("visit starts"), null=True, blank=True)
    ends_on = models.DateField(_("visit ends"), null=True, blank=True)
    plan = models.TextField(
        _("plan"),
        blank=True,
        help_text=_("Activities by day, sites and times (§3.2.2.4)."),
        **limits.bounded_text(limits.NOTE),
    )
    # §3.2.2.3: the visit falls when the certified service runs normally.
    service_running_confirmed = models.BooleanField(
        _("the service runs normally on the visit dates"), default=False
    )
    man_days_difference_reason = models.TextField(
        _("why the plan's man-days differ from the contract"),
        blank=True,
        **limits.bounded_text(limits.NOTE),
    )
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    plan_notified_at = models.DateTimeField(_("plan notified"), null=True, blank=True)
    # §3.2.2.4: the organisation accepts the notified plan (or objects to a member); a new
    # notification (after a replacement) asks for a new acceptance.
    plan_accepted_at = models.DateTimeField(_("plan accepted"), null=True, blank=True)
    plan_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("plan accepted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # §3.2.2.2 multi-site sampling (IAF MD 1 as the pattern): what was offered, what was chosen,
    # why it differs, and the stored seed of the random draw so that re-saving the plan cannot
    # re-roll the random sites.
    sample_size_offered = models.PositiveSmallIntegerField(
        _("sample size offered (IAF MD 1)"), null=True, blank=True
    )
    sample_size = models.PositiveSmallIntegerField(_("sample size"), null=True, blank=True)
    sample_override_reason = models.TextField(
        _("why the sample size differs"), blank=True, **limits.bounded_text(limits.NOTE)
    )
    sample_seed = models.PositiveIntegerField(_("seed of the random draw"), null=True, blank=True)
    sampled_at_random = models.ManyToManyField(
        Site, verbose_name=_("sites drawn at random"), blank=True, related_name="+"
    )
    conclusion = models.CharField(
        _("conclusion"), max_length=32, choices=Conclusion.choices, blank=True
    )
    conclusion_notes = models.TextField(
        _("conclusion notes"), blank=True, **limits.bounded_text(limits.NOTE)
    )
    # §3.3.2.2 5: a disagreement of the organisation is recorded; the leader's conclusion stands.
    organization_disagreement = models.TextField(
        _("the organisation's disagreement"), blank=True, **limits.bounded_text(limits.NOTE)
    )
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)
    # Rendered once when the report is submitted (evaluations.services.report) and kept.
    report_pdf = models.FileField(
        _("report (PDF)"), storage=private_storage, upload_to=_report_upload_to, blank=True
    )
    # Documents reach the organisation only when published to it (SPEC "Rules that cut across").
    report_published_at = models.DateTimeField(
        _("report published to the organisation"), null=True, blank=True
    )
    cancel_reason = models.TextField(
        _("reason for cancelling"), blank=True, **limits.bounded_text(limits.NOTE)
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="evaluation_ends_after_it_starts",
            ),
            # One open evaluation per application: a second "contract signed" opens nothing.
            models.UniqueConstraint(
                fields=["application"],
                condition=~Q(state__in=["reported", "cancelled"]) & Q(application__isnull=False),
                name="one_open_evaluation_per_application",
            ),
            *[
                limits.length_check("evaluations_evaluation", name, limits.NOTE)
                for name in (
                    "plan",
                    "man_days_difference_reason",
                    "sample_override_reason",
                    "conclusion_notes",
                    "organization_disagreement",
                    "cancel_reason",
                )
            ],
        ]

    def __str__(self):
        return f"{self.reference} {self.organization}"

    def get_absolute_url(self):
        return reverse("portal:evaluation", args=[self.pk])

    def active_members(self) -> list[TeamMember]:
        """The current team (uses a ``team`` prefetch when there is one)."""
        return [m for m in self.team.all() if m.removed_at is None]

    @property
    def leader(self) -> TeamMember | None:
        return next((m for m in self.active_members() if m.role == TeamMember.Role.LEADER), None)

    @property
    def has_document_review(self) -> bool:
        """§3.2.2 文件审查: at initial certification."""
        return self.kind == self.Kind.INITIAL

    # --- transitions: pure ------------------------------------------------------------------

    @transition(
        field=state,
        source=[State.PLANNING, State.PLAN_NOTIFIED],
        target=State.PLAN_NOTIFIED,
        # Segregation of duties: a member of the team does not approve its own plan.
        permission=lambda ev, user: permissions.can_approve_plan(user, ev),
    )
    def notify_plan(self, *, by):
        """§3.2.2.4: the team and plan are notified to the organisation before the visit (again
        after a member is replaced, which asks for a new acceptance)."""
        self.plan_notified_at = timezone.now()
        self.plan_accepted_at = None
        self.plan_accepted_by = None
        if self.planned_by_id is None:
            self.planned_by = by

    @transition(
        field=state,
        source=State.PLAN_NOTIFIED,
        target=State.PLAN_NOTIFIED,
        conditions=[_plan_not_yet_accepted, _no_open_objection],
        permission=lambda ev, user: permissions.can_act_for_organization(user, ev),
    )
    def accept_plan(self, *, by):
        """§3.2.2.4: the organisation agrees to the notified team and plan."""
        self.plan_accepted_at = timezone.now()
        self.plan_accepted_by = by

    @transition(
        field=state,
        source=State.PLAN_NOTIFIED,
        target=State.DOCUMENT_REVIEW,
        conditions=[lambda ev: ev.has_document_review],
        permission=lambda ev, user: permissions.is_leader(user, ev),
    )
    def start_document_review(self, *, by):
        """§3.2.2: the leader reviews the documents the organisation submitted."""

    @transition(
        field=state,
        source=State.DOCUMENT_REVIEW,
        target=State.RECTIFICATION,
        permission=lambda ev, user: permissions.is_leader(user, ev),
    )
    def request_rectification(self, *, by):
        """§3.2.2: the documents do not meet the requirements; the organisation corrects them."""

    @transition(
        field=state,
        source=State.RECTIFICATION,
        target=State.DOCUMENT_REVIEW,
        permission=lambda ev, user: permissions.can_act_for_organization(user, ev),
    )
    def resubmit_documents(self, *, by):
        """§3.2.2: the organisation hands in the corrected documents."""

    @transition(
        field=state,
        source=[State.PLAN_NOTIFIED, State.DOCUMENT_REVIEW],
        target=State.ON_SITE,
        # Initial certification passes the document review first (§3.2.2).
        conditions=[
            lambda ev: ev.state == Evaluation.State.DOCUMENT_REVIEW or not ev.has_document_review
        ],
        permission=lambda ev, user: permissions.is_leader(user, ev),
    )
    def start_on_site(self, *, by):
        """§3.3.2.2 1: the opening meeting; the visit begins."""

    @transition(
        field=state,
        source=State.ON_SITE,
        target=State.AWAITING_CORRECTIONS,
        permission=lambda ev, user: permissions.is_leader(user, ev),
    )
    def close_on_site(self, *, by, conclusion, notes="", disagreement=""):
        """§3.3.2.2 4: the closing meeting states the conclusion; corrective actions follow."""
        self.conclusion = conclusion
        self.conclusion_notes = notes
        self.organization_disagreement = disagreement

    @transition(
        field=state,
        source=[State.ON_SITE, State.AWAITING_CORRECTIONS],
        target=State.REPORTED,
        permission=lambda ev, user: permissions.is_leader(user, ev),
    )
    def submit_report(self, *, by):
        """§3.3.2.2: the leader completes the report and sends it to the CB."""
        self.reported_at = timezone.now()

    @transition(
        field=state,
        source=State.REPORTED,
        target=State.REPORTED,
        conditions=[_report_not_yet_published],
        permission=lambda ev, user: application_permissions.can_review(user),
    )
    def publish_report(self, *, by):
        """Documents reach the organisation only when published to it (SPEC "Rules that cut
        across"): customer service sends the submitted report out."""
        self.report_published_at = timezone.now()

    @transition(
        field=state,
        source=OPEN_STATES,
        target=State.CANCELLED,
        permission=lambda ev, user: permissions.can_plan(user),
    )
    def cancel(self, *, by, cancel_reason):
        self.cancel_reason = cancel_reason


class TeamMember(models.Model):
    """A person on an evaluation team (§3.2.2.1) and their role; replaced members stay on record."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Team leader")
        AUDITOR = "auditor", _("Auditor")
        TECHNICAL_EXPERT = "technical_expert", _("Technical expert")
        OBSERVER = "observer", _("Observer")
        TRAINEE = "trainee", _("Trainee auditor")

    #: §3.2.2.1: technical experts, observers and trainees add no man-days.
    COUNTED_ROLES = (Role.LEADER, Role.AUDITOR)
    #: Roles that need an auditor qualification for the scheme on the visit dates.
    QUALIFIED_ROLES = (Role.LEADER, Role.AUDITOR)

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="team"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="team_places",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    man_days = models.DecimalField(_("man-days"), max_digits=5, decimal_places=1, default=0)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_reason = models.TextField(
        _("why removed"), blank=True, **limits.bounded_text(limits.NOTE)
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["evaluation", "removed_at", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation"],
                condition=Q(role="leader", removed_at__isnull=True),
                name="one_leader_per_evaluation",
            ),
            models.UniqueConstraint(
                fields=["evaluation", "person"],
                condition=Q(removed_at__isnull=True),
                name="one_place_per_person_per_evaluation",
            ),
            models.CheckConstraint(condition=Q(man_days__gte=0), name="team_man_days_not_negative"),
            limits.length_check("evaluations_teammember", "removed_reason", limits.NOTE),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"

    @property
    def counts_man_days(self) -> bool:
        return self.role in self.COUNTED_ROLES


class Objection(models.Model):
    """§3.2.2.4: the organisation objects to a team member before the visit, with a reason."""

    class Outcome(models.TextChoices):
        REPLACED = "replaced", _("Member replaced")
        KEPT = "kept", _("Member kept")

    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("evaluation"),
        on_delete=models.CASCADE,
        related_name="objections",
    )
    member = models.ForeignKey(
        TeamMember, verbose_name=_("member"), on_delete=models.PROTECT, related_name="objections"
    )
    reason = models.TextField(_("reason"), **limits.bounded_text(limits.NOTE))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("raised"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolution_note = models.TextField(
        _("resolution"), blank=True, **limits.bounded_text(limits.NOTE)
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-raised_at"]
        constraints = [
            # One open objection per member: a double click raises one.
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_objection_per_member",
            ),
            limits.length_check("evaluations_objection", "reason", limits.NOTE),
            limits.length_check("evaluations_objection", "resolution_note", limits.NOTE),
        ]

    def __str__(self):
        return f"{self.evaluation.reference}: {self.member}"


# --- findings -----------------------------------------------------------------------------


def _evaluation_open_for_findings(nc) -> bool:
    """Findings are answered and verified while the visit or its corrective actions go on; a
    reported or cancelled evaluation's findings stay as they are."""
    return nc.evaluation.state in (Evaluation.State.ON_SITE, Evaluation.State.AWAITING_CORRECTIONS)


_evaluation_open_for_findings.message = _(
    "The evaluation is no longer open for findings: it is reported or cancelled."
)


class Nonconformity(ConcurrentTransitionMixin, models.Model):
    """A finding the organisation must correct (§3.3.2.2 5): it answers with correction, root
    cause and corrective action; the leader verifies by documents or on site, and accepts or
    sends it back with a reason."""

    class Grade(models.TextChoices):
        MAJOR = "major", _("Major")
        MINOR = "minor", _("Minor")

    class State(models.TextChoices):
        # A context: "Open" is also the inbox's link (查看).
        OPEN = "open", pgettext_lazy("nonconformity state", "Open")
        ANSWERED = "answered", _("Answered")
        RETURNED = "returned", _("Sent back")
        VERIFIED = "verified", _("Verified")

    class Verification(models.TextChoices):
        DOCUMENTS = "documents", _("By documents")
        ON_SITE = "on_site", _("By an on-site follow-up")

    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("evaluation"),
        on_delete=models.CASCADE,
        related_name="nonconformities",
    )
    number = models.PositiveIntegerField(_("number"))
    clause = models.CharField(_("clause of the standard"), max_length=100)
    grade = models.CharField(_("grade"), max_length=16, choices=Grade.choices)
    description = models.TextField(_("description"), **limits.bounded_text(limits.NOTE))
    evidence = models.TextField(
        _("objective evidence"), blank=True, **limits.bounded_text(limits.NOTE)
    )
    due_on = models.DateField(_("answer due"), db_index=True)
    state = FSMField(
        _("state"), default=State.OPEN, choices=State.choices, protected=True, db_index=True
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("raised"), auto_now_add=True)
    correction = models.TextField(_("correction"), blank=True, **limits.bounded_text(limits.NOTE))
    root_cause = models.TextField(_("root cause"), blank=True, **limits.bounded_text(limits.NOTE))
    corrective_action = models.TextField(
        _("corrective action"), blank=True, **limits.bounded_text(limits.NOTE)
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    verification = models.CharField(
        _("verified"), max_length=16, choices=Verification.choices, blank=True
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    return_reason = models.TextField(
        _("why sent back"), blank=True, **limits.bounded_text(limits.NOTE)
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nonconformity")
        verbose_name_plural = _("nonconformities")
        ordering = ["evaluation", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "number"], name="one_number_per_nonconformity"
            ),
            *[
                limits.length_check("evaluations_nonconformity", name, limits.NOTE)
                for name in (
                    "description",
                    "evidence",
                    "correction",
                    "root_cause",
                    "corrective_action",
                    "return_reason",
                )
            ],
        ]

    def __str__(self):
        return f"{self.evaluation.reference} NC{self.number:02d} ({self.get_grade_display()})"

    @property
    def is_overdue(self) -> bool:
        """Not yet answered (or sent back) after its due date, in China's calendar."""
        open_states = (self.State.OPEN, self.State.RETURNED)
        return self.state in open_states and self.due_on < timezone.localdate()

    @transition(
        field=state,
        source=[State.OPEN, State.RETURNED],
        target=State.ANSWERED,
        conditions=[_evaluation_open_for_findings],
        permission=lambda nc, user: permissions.can_act_for_organization(user, nc.evaluation),
    )
    def answer(self, *, by, correction, root_cause, corrective_action):
        self.correction = correction
        self.root_cause = root_cause
        self.corrective_action = corrective_action
        self.answered_at = timezone.now()

    @transition(
        field=state,
        source=State.ANSWERED,
        target=State.VERIFIED,
        conditions=[_evaluation_open_for_findings],
        permission=lambda nc, user: permissions.can_verify(user, nc),
    )
    def verify(self, *, by, verification):
        self.verification = verification
        self.verified_at = timezone.now()

    @transition(
        field=state,
        source=State.ANSWERED,
        target=State.RETURNED,
        conditions=[_evaluation_open_for_findings],
        permission=lambda nc, user: permissions.is_leader(user, nc.evaluation),
    )
    def send_back(self, *, by, return_reason):
        self.return_reason = return_reason


# The evaluation's work (activities, subcontracted assessments, meetings, evidence) lives in its
# own module; imported here so that Django and ``from evaluations.models import …`` find it.
from .models_fieldwork import (  # noqa: E402
    Activity,
    ActivityFile,
    Evidence,
    EvidencePhoto,
    Meeting,
    SubcontractedAssessment,
)

__all__ = [
    "Activity",
    "ActivityFile",
    "AuditorQualification",
    "ConflictDeclaration",
    "Evaluation",
    "Evidence",
    "EvidencePhoto",
    "Meeting",
    "Nonconformity",
    "Objection",
    "QualificationRole",
    "SubcontractedAssessment",
    "TeamMember",
]
