"""The work of an evaluation: activities by evaluation mode (§3.2.3), subcontracted assessments
(§3.3.2.1), the opening and closing meetings and the evidence collected on site (§3.3.2.2).

The activities a scheme's modes require are created by the system when the evaluation opens
(and, idempotently, again when its work starts, in case the scheme's modes changed); the team
records their results; the certification business subcontracts what the implementation rule
lets others do. The report cannot be submitted while an activity has no result or a
subcontracted report is still awaited (:func:`report_blockers`).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import EvaluationMode
from cesi_cert import deadlines
from cesi_cert.db import unique_violation
from cesi_cert.errors import DomainError, conflict, forbidden, invalid, invalid_fields
from cesi_cert.files import check_image, check_upload
from cesi_cert.models import Deadline
from cesi_cert.notifications import notify
from cesi_cert.text import human_join
from cesi_cert.transitions import begin, lock, run_transition

from .. import deadlines as evaluation_deadlines
from .. import notices, permissions
from ..models import (
    Activity,
    ActivityFile,
    Evaluation,
    Evidence,
    EvidencePhoto,
    Meeting,
    SubcontractedAssessment,
)
from ._common import notice_params

#: The history's reason when the system creates the required activities.
REQUIRED_ACTIVITIES = "evaluations.required_activities"

#: Evidence is collected during the visit and its follow-up (§3.3.2.2 2, 5).
EVIDENCE_STATES = (Evaluation.State.ON_SITE, Evaluation.State.AWAITING_CORRECTIONS)


def _blank(value) -> bool:
    return not (value or "").strip()


def _leader_people(evaluation):
    leader = evaluation.leader
    return [leader.person] if leader and leader.person.is_active else []


def _mode_label(mode: str) -> str:
    return str(EvaluationMode(mode).label) if mode in EvaluationMode.values else mode


# --- activities (§3.2.3) ----------------------------------------------------------------------


def required_modes(evaluation: Evaluation) -> list[str]:
    """The evaluation modes the scheme uses (its implementation rule), in the scheme's order."""
    return [m for m in evaluation.scheme.evaluation_modes or [] if m in EvaluationMode.values]


@transaction.atomic
def activities_ensure_required(*, evaluation: Evaluation) -> list[Activity]:
    """Create the activity of every mode the scheme requires that the evaluation lacks (the
    system acts). A second call adds nothing: the database's one-activity-per-mode constraint
    decides, so concurrent calls are harmless. Returns the activities created."""
    created = []
    existing = set(evaluation.activities.values_list("mode", flat=True))
    for mode in required_modes(evaluation):
        if mode in existing:
            continue
        activity = Activity(evaluation=evaluation, mode=mode)
        activity._history_user = None
        activity._change_reason = REQUIRED_ACTIVITIES
        try:
            with transaction.atomic():
                activity.save()
        except IntegrityError as exc:
            if not unique_violation(exc, Activity, "one_activity_per_mode_per_evaluation"):
                raise
            continue
        created.append(activity)
    return created


def _store_activity_file(activity: Activity, upload, by) -> ActivityFile:
    checked = check_upload(upload, field="file")
    stored = ActivityFile(
        activity=activity,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    stored.file.save(f"x.{checked.extension}", File(upload), save=False)
    stored._history_user = by
    stored._change_reason = "upload"
    stored.save()
    return stored


@transaction.atomic
def activity_record_result(
    *,
    activity: Activity,
    by,
    result: str,
    findings: str = "",
    performed_on: datetime.date | None = None,
    site=None,
    file=None,
) -> Activity:
    """§3.2.3: a team member (leader, auditor, technical expert) records who did the activity,
    when, its result and findings, with an optional evidence file. Recording again corrects it,
    until the report is submitted."""
    act = begin(activity, "record_result", by)
    errors = {}
    if result not in Activity.Result.values:
        errors["result"] = [_("Choose the result of the activity.")]
    elif result != Activity.Result.CONFORMS and _blank(findings):
        errors["findings"] = [
            _("Say what was found (or why the activity does not apply) for this result.")
        ]
    today = timezone.localdate()
    if performed_on is None:
        performed_on = today
    elif performed_on > today:
        errors["performed_on"] = [_("The activity cannot be done in the future.")]
    if site is not None and not act.evaluation.sites.filter(pk=site.pk).exists():
        errors["site"] = [_("Choose one of the evaluation's sites.")]
    if errors:
        raise invalid_fields(errors)
    if file is not None:
        _store_activity_file(act, file, by)
    return run_transition(
        act,
        "record_result",
        by=by,
        reason="",  # the findings are the CB's working papers: kept on the row, not in the log
        result=result,
        findings=(findings or "").strip(),
        performed_on=performed_on,
        site=site,
    )


# --- subcontracted assessments (§3.3.2.1) ------------------------------------------------------


@transaction.atomic
def subcontract_request(
    *,
    evaluation: Evaluation,
    by,
    subcontractor: str,
    mode: str,
    due_on: datetime.date,
    subcontractor_qualification: str = "",
    scope: str = "",
) -> SubcontractedAssessment:
    """§3.3.2.1: the certification business has a subcontracted body do an activity the
    implementation rule allows, by ``due_on``; the team leader is told."""
    if not permissions.can_plan(by):
        raise forbidden(_("Only the certification business subcontracts assessments."))
    ev = lock(evaluation)
    if ev.state in Evaluation.FINAL_STATES:
        raise conflict(
            _("Nothing is subcontracted for an evaluation that is “%(state)s”.")
            % {"state": ev.get_state_display()}
        )
    errors = {}
    if _blank(subcontractor):
        errors["subcontractor"] = [_("Name the subcontracted body.")]
    if mode not in EvaluationMode.values:
        errors["mode"] = [_("Choose what is subcontracted.")]
    if due_on is None:
        errors["due_on"] = [_("Give the date by which its report is due.")]
    elif due_on < timezone.localdate():
        errors["due_on"] = [_("The due date cannot be in the past.")]
    if errors:
        raise invalid_fields(errors)
    assessment = SubcontractedAssessment(
        evaluation=ev,
        subcontractor=subcontractor.strip(),
        subcontractor_qualification=(subcontractor_qualification or "").strip(),
        mode=mode,
        scope=(scope or "").strip(),
        due_on=due_on,
        requested_by=by,
    )
    assessment._history_user = by
    assessment._change_reason = "request"
    assessment.save()
    evaluation_deadlines.track_subcontract(assessment)
    notify(
        _leader_people(ev),
        notices.SUBCONTRACT_REQUESTED,
        params=_subcontract_params(assessment),
        link=reverse("auditor:evaluation", args=[ev.pk]),
    )
    return assessment


def _subcontract_params(sa: SubcontractedAssessment) -> dict:
    return notice_params(
        sa.evaluation,
        body=sa.subcontractor,
        mode=_mode_label(sa.mode),
        due=f"{sa.due_on:%Y-%m-%d}",
    )


@transaction.atomic
def subcontract_receive(
    *, assessment: SubcontractedAssessment, by, report, summary: str = ""
) -> SubcontractedAssessment:
    """§3.3.2.1: the subcontracted body's report arrived; it is stored for the team and the CB
    (never shown to the organisation) and the leader is told."""
    sa = begin(assessment, "receive", by)
    checked = check_upload(report, field="report")
    sa.report.save(f"x.{checked.extension}", File(report), save=False)
    sa.report_name = checked.original_name
    sa.report_content_type = checked.content_type
    run_transition(sa, "receive", by=by, reason="", summary=(summary or "").strip())
    deadlines.close(sa, evaluation_deadlines.SUBCONTRACT_REPORT)
    notify(
        _leader_people(sa.evaluation),
        notices.SUBCONTRACT_RECEIVED,
        params=_subcontract_params(sa),
        link=reverse("auditor:evaluation", args=[sa.evaluation_id]),
    )
    return sa


@transaction.atomic
def subcontract_cancel(
    *, assessment: SubcontractedAssessment, by, reason: str
) -> SubcontractedAssessment:
    """The subcontracted assessment will not be done (the body withdrew, the rule changed)."""
    sa = begin(assessment, "cancel", by)
    if _blank(reason):
        raise invalid("reason", _("Say why the subcontracted assessment is cancelled."))
    run_transition(sa, "cancel", by=by, reason=reason.strip(), cancel_reason=reason.strip())
    deadlines.close(sa, outcome=Deadline.Outcome.CANCELLED)
    return sa


# --- meetings (§3.3.2.2 1, 4) -------------------------------------------------------------------


def meeting_record(evaluation: Evaluation, *, kind: str, by, **fields) -> Meeting:
    """Store the opening or closing meeting inside the transition's service (one of each per
    evaluation: the database refuses a second, and the transition's state check comes first)."""
    meeting = Meeting(evaluation=evaluation, kind=kind, recorded_by=by, **fields)
    meeting._history_user = by
    meeting._change_reason = kind
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError as exc:
        if unique_violation(exc, Meeting, "one_meeting_of_each_kind_per_evaluation"):
            raise conflict(_("This meeting is already recorded.")) from None
        raise
    return meeting


# --- evidence (§3.3.2.2 2) ----------------------------------------------------------------------


@transaction.atomic
def evidence_record(
    *,
    evaluation: Evaluation,
    by,
    kind: str,
    text: str,
    site=None,
    activity: Activity | None = None,
    photos=(),
) -> Evidence:
    """§3.3.2.2 2: a team member (leader, auditor, technical expert) records what was found by
    interview, documents or observation, where, for which activity, with photos taken on the
    spot (each checked to be a real image of a bounded size)."""
    ev = lock(evaluation)
    if not permissions.can_record(by, ev):
        raise forbidden(
            _("The team leader, auditors and technical experts record evidence; not observers.")
        )
    if ev.state not in EVIDENCE_STATES:
        raise conflict(
            _("Evidence is recorded during the visit, not while it is “%(state)s”.")
            % {"state": ev.get_state_display()}
        )
    errors = {}
    if kind not in Evidence.Kind.values:
        errors["kind"] = [_("Choose interview, document or observation.")]
    if _blank(text):
        errors["text"] = [_("Write what was found.")]
    if site is not None and not ev.sites.filter(pk=site.pk).exists():
        errors["site"] = [_("Choose one of the evaluation's sites.")]
    if activity is not None and activity.evaluation_id != ev.pk:
        errors["activity"] = [_("Choose one of this evaluation's activities.")]
    photos = [p for p in (photos or []) if p]
    if len(photos) > settings.EVIDENCE_MAX_PHOTOS:
        errors["photos"] = [
            _("At most %(n)s photos per record.") % {"n": settings.EVIDENCE_MAX_PHOTOS}
        ]
    checked = []
    if "photos" not in errors:
        try:
            checked = [(photo, check_image(photo, field="photos")) for photo in photos]
        except DomainError as err:
            errors["photos"] = [err.message]
    if errors:
        raise invalid_fields(errors)
    evidence = Evidence(
        evaluation=ev, kind=kind, text=text.strip(), site=site, activity=activity, recorded_by=by
    )
    evidence._history_user = by
    evidence._change_reason = "record"
    evidence.save()
    for upload, info in checked:
        photo = EvidencePhoto(
            evidence=evidence,
            original_name=info.original_name,
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
            uploaded_by=by,
            width=info.width,
            height=info.height,
        )
        photo.image.save(f"x.{info.extension}", File(upload), save=False)
        photo._history_user = by
        photo._change_reason = "upload"
        photo.save()
    return evidence


# --- what blocks the report ---------------------------------------------------------------------


def report_blockers(evaluation: Evaluation) -> list[str]:
    """Why the report cannot be submitted yet: required activities without a result (§3.2.3)
    and subcontracted reports still awaited (§3.3.2.1). Empty when nothing blocks it."""
    problems = []
    pending = [
        a.get_mode_display()
        for a in evaluation.activities.filter(state=Activity.State.PENDING).order_by("pk")
    ]
    if pending:
        problems.append(
            _("Record the result of these activities first: %(names)s.")
            % {"names": human_join(pending)}
        )
    awaited = [
        f"{sa.subcontractor} ({sa.get_mode_display()})"
        for sa in evaluation.subcontracted_assessments.filter(
            state=SubcontractedAssessment.State.REQUESTED
        )
    ]
    if awaited:
        problems.append(
            _("These subcontracted reports are still awaited: %(names)s.")
            % {"names": human_join(awaited)}
        )
    return problems
