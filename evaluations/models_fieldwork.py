"""The work of an evaluation (§3.2.3, §3.3.2.1, §3.3.2.2): the activities its scheme's evaluation
modes require, the assessments subcontracted to other bodies, the opening and closing meetings
and the evidence the team collects on site.

Kept apart from :mod:`evaluations.models` (which re-exports these classes) so that neither module
grows past what a reader takes in at once. Transitions are pure, as there (STYLE §2).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from applications.models import EvaluationMode, Site
from cesi_cert import limits
from cesi_cert.files import private_storage
from cesi_cert.transitions import Permission

from . import permissions
from .models import Evaluation

#: The evaluation states in which the team records its work (activities, evidence): from the
#: notified plan (a customer survey may start before the visit) until the report is submitted.
WORK_STATES = (
    Evaluation.State.PLAN_NOTIFIED,
    Evaluation.State.DOCUMENT_REVIEW,
    Evaluation.State.RECTIFICATION,
    Evaluation.State.ON_SITE,
    Evaluation.State.AWAITING_CORRECTIONS,
)


def _evaluation_open_for_work(obj) -> bool:
    return obj.evaluation.state in WORK_STATES


_evaluation_open_for_work.message = _(
    "The evaluation's work is recorded from the notified plan until the report is submitted."
)


def _stored_name(folder: str, filename: str) -> str:
    from cesi_cert.files import random_name

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return random_name(f"evaluations/{folder}", ext)


# Module-level functions, so migrations can reference them. The services name each file
# ``x.<extension of its checked content>``: the uploader's name is never used on disk.
def activity_file_upload_to(instance, filename):
    return _stored_name("activity-files", filename)


def subcontract_report_upload_to(instance, filename):
    return _stored_name("subcontract-reports", filename)


def evidence_photo_upload_to(instance, filename):
    return _stored_name("evidence-photos", filename)


class StoredFile(models.Model):
    """What every private upload of this module keeps beside the file (the uploader's name is
    only displayed; the stored name is random)."""

    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        abstract = True


# --- activities by evaluation mode (§3.2.3) -------------------------------------------------


class Activity(ConcurrentTransitionMixin, models.Model):
    """One evaluation activity its scheme's mode requires (§3.2.3 "评价安排"): who did it, when,
    with what result and findings. Created by the system for every mode of the scheme; the
    report cannot be submitted while one has no result."""

    class State(models.TextChoices):
        PENDING = "pending", _("To do")
        RECORDED = "recorded", _("Result recorded")

    class Result(models.TextChoices):
        CONFORMS = "conforms", _("Conforms")
        DOES_NOT_CONFORM = "does_not_conform", _("Does not conform")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("evaluation"),
        on_delete=models.CASCADE,
        related_name="activities",
    )
    mode = models.CharField(_("evaluation mode"), max_length=32, choices=EvaluationMode.choices)
    state = FSMField(
        _("state"), default=State.PENDING, choices=State.choices, protected=True, db_index=True
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where it was done, if at one site."),
    )
    performed_on = models.DateField(_("done on"), null=True, blank=True)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    result = models.CharField(_("result"), max_length=32, choices=Result.choices, blank=True)
    findings = models.TextField(_("findings"), blank=True, **limits.bounded_text(limits.NOTE))
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("evaluation activity")
        verbose_name_plural = _("evaluation activities")
        ordering = ["evaluation", "pk"]
        constraints = [
            # The database decides: a repeated "create the required activities" adds nothing.
            models.UniqueConstraint(
                fields=["evaluation", "mode"], name="one_activity_per_mode_per_evaluation"
            ),
            limits.length_check("evaluations_activity", "findings", limits.NOTE),
        ]

    def __str__(self):
        return f"{self.evaluation.reference} · {self.get_mode_display()}"

    @transition(
        field=state,
        source=[State.PENDING, State.RECORDED],
        target=State.RECORDED,
        conditions=[_evaluation_open_for_work],
        permission=Permission(role=lambda a, user: permissions.can_record(user, a.evaluation)),
    )
    def record_result(self, *, by, result, findings, performed_on, site=None):
        """The team member who did it records the result (again, to correct it, until the
        report is submitted)."""
        self.result = result
        self.findings = findings
        self.performed_on = performed_on
        self.performed_by = by
        self.site = site
        self.recorded_at = timezone.now()


class ActivityFile(StoredFile):
    """Evidence of an activity: a test report, a survey's results, a photographed record."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to=activity_file_upload_to)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("activity evidence file")
        verbose_name_plural = _("activity evidence files")
        ordering = ["activity", "pk"]

    def __str__(self):
        return self.original_name


# --- subcontracted assessments (§3.3.2.1) ----------------------------------------------------


class SubcontractedAssessment(ConcurrentTransitionMixin, models.Model):
    """§3.3.2.1 分包评价: an activity the implementation rule lets a subcontracted body do, in a
    given time; it hands its report to the CB. Internal: the team and CB staff read it, never
    the organisation."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        RECEIVED = "received", _("Report received")
        CANCELLED = "cancelled", pgettext_lazy("subcontracted assessment state", "Cancelled")

    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("evaluation"),
        on_delete=models.CASCADE,
        related_name="subcontracted_assessments",
    )
    subcontractor = models.CharField(_("subcontracted body"), max_length=200)
    subcontractor_qualification = models.TextField(
        _("its qualification"),
        blank=True,
        help_text=_("Accreditation, recognition or other basis for using it."),
        **limits.bounded_text(limits.NOTE),
    )
    mode = models.CharField(_("evaluation mode"), max_length=32, choices=EvaluationMode.choices)
    scope = models.TextField(
        _("what is subcontracted"), blank=True, **limits.bounded_text(limits.NOTE)
    )
    due_on = models.DateField(_("report due"), db_index=True)
    state = FSMField(
        _("state"), default=State.REQUESTED, choices=State.choices, protected=True, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    report = models.FileField(
        _("report"), storage=private_storage, upload_to=subcontract_report_upload_to, blank=True
    )
    report_name = models.CharField(_("report file name"), max_length=200, blank=True)
    report_content_type = models.CharField(_("content type"), max_length=100, blank=True)
    report_summary = models.TextField(
        _("summary of the report"), blank=True, **limits.bounded_text(limits.NOTE)
    )
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    cancel_reason = models.TextField(
        _("reason for cancelling"), blank=True, **limits.bounded_text(limits.NOTE)
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("subcontracted assessment")
        verbose_name_plural = _("subcontracted assessments")
        ordering = ["evaluation", "due_on", "pk"]
        constraints = [
            *[
                limits.length_check("evaluations_subcontractedassessment", name, limits.NOTE)
                for name in (
                    "subcontractor_qualification",
                    "scope",
                    "report_summary",
                    "cancel_reason",
                )
            ],
        ]

    def __str__(self):
        return f"{self.evaluation.reference} · {self.subcontractor} · {self.get_mode_display()}"

    @property
    def is_overdue(self) -> bool:
        """Still awaited after its due date, in China's calendar."""
        return self.state == self.State.REQUESTED and self.due_on < timezone.localdate()

    @transition(
        field=state,
        source=State.REQUESTED,
        target=State.RECEIVED,
        permission=lambda sa, user: permissions.can_plan(user),
    )
    def receive(self, *, by, summary=""):
        """The subcontracted body's report arrived (the service stores the file)."""
        self.report_summary = summary
        self.received_at = timezone.now()

    @transition(
        field=state,
        source=State.REQUESTED,
        target=State.CANCELLED,
        permission=lambda sa, user: permissions.can_plan(user),
    )
    def cancel(self, *, by, cancel_reason):
        self.cancel_reason = cancel_reason


# --- meetings and evidence on site (§3.3.2.2) ------------------------------------------------


class Meeting(models.Model):
    """§3.3.2.2 1 首次会议 and 4 末次会议: recorded by the leader with the transitions that open
    (``start_on_site``) and close the visit (``close_on_site``, or ``submit_report`` straight
    from the visit)."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening meeting")
        CLOSING = "closing", _("Closing meeting")

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="meetings"
    )
    kind = models.CharField(_("meeting"), max_length=16, choices=Kind.choices)
    held_at = models.DateTimeField(_("held"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    attendees = models.TextField(_("attendees"), blank=True, **limits.bounded_text(limits.NOTE))
    # Opening meeting (§3.3.2.2 1).
    restricted_areas = models.TextField(
        _("restricted areas"), blank=True, **limits.bounded_text(limits.NOTE)
    )
    plan_confirmed = models.BooleanField(_("plan confirmed"), default=False)
    stopping_conditions = models.TextField(
        _("conditions that would stop the evaluation"),
        blank=True,
        **limits.bounded_text(limits.NOTE),
    )
    # Closing meeting (§3.3.2.2 4, 5).
    conclusion = models.CharField(
        _("conclusion presented"), max_length=32, choices=Evaluation.Conclusion.choices, blank=True
    )
    organization_disagreement = models.TextField(
        _("the organisation's disagreement"), blank=True, **limits.bounded_text(limits.NOTE)
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["evaluation", "held_at", "pk"]
        constraints = [
            # One visit, one opening and one closing meeting: a double submit records one.
            models.UniqueConstraint(
                fields=["evaluation", "kind"], name="one_meeting_of_each_kind_per_evaluation"
            ),
            *[
                limits.length_check("evaluations_meeting", name, limits.NOTE)
                for name in (
                    "attendees",
                    "restricted_areas",
                    "stopping_conditions",
                    "organization_disagreement",
                )
            ],
        ]

    def __str__(self):
        return f"{self.evaluation.reference} · {self.get_kind_display()}"


class Evidence(models.Model):
    """§3.3.2.2 2: what the team found by interview, documents or observation, where, with
    photos taken on the spot. Internal: never shown to the organisation."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("Interview")
        DOCUMENT = "document", _("Document")
        OBSERVATION = "observation", _("Observation")

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    text = models.TextField(_("what was found"), **limits.bounded_text(limits.NOTE))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["evaluation", "-recorded_at", "-pk"]
        constraints = [limits.length_check("evaluations_evidence", "text", limits.NOTE)]

    def __str__(self):
        return f"{self.evaluation.reference} · {self.get_kind_display()} #{self.pk}"


class EvidencePhoto(StoredFile):
    """A photo of an evidence record, checked to be a real image of a bounded size."""

    evidence = models.ForeignKey(
        Evidence, verbose_name=_("evidence"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(
        _("photo"), storage=private_storage, upload_to=evidence_photo_upload_to
    )
    width = models.PositiveIntegerField(_("width (px)"))
    height = models.PositiveIntegerField(_("height (px)"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence photo")
        verbose_name_plural = _("evidence photos")
        ordering = ["evidence", "pk"]

    def __str__(self):
        return self.original_name
