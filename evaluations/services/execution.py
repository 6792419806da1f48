"""Doing the evaluation (§3.2.2 document review, §3.3.2.2 on site) and its findings.

The leader reviews the documents (and asks for rectification rounds), opens the visit at the
opening meeting, raises nonconformities with the auditors, closes the visit with a conclusion and
submits the report; the organisation resubmits documents and answers nonconformities; the leader
verifies each answer or sends it back. Every state change goes through ``begin`` /
``run_transition`` (403 for a role that never may, 409 for a wrong state), so the history and the
transition log name the actor; notices are recorded now and e-mailed after commit.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cesi_cert import deadlines, events
from cesi_cert.db import unique_violation
from cesi_cert.errors import conflict, forbidden, invalid, invalid_fields
from cesi_cert.models import WORKING_LANGUAGE
from cesi_cert.notifications import notify
from cesi_cert.roles import Role, users_with_role
from cesi_cert.transitions import begin, lock, run_transition

from .. import deadlines as evaluation_deadlines
from .. import notices, permissions, signals
from ..models import Evaluation, Meeting, Nonconformity
from ._common import notice_params, organization_members
from .fieldwork import activities_ensure_required, meeting_record, report_blockers
from .report import queue_report_rendering

#: How many times a nonconformity number is drawn again when a concurrent insert took it.
NUMBER_ATTEMPTS = 5


def _blank(value) -> bool:
    return not (value or "").strip()


def _leader_people(evaluation):
    leader = evaluation.leader
    return [leader.person] if leader and leader.person.is_active else []


def _auditor_link(evaluation) -> str:
    return reverse("auditor:evaluation", args=[evaluation.pk])


# --- document review (§3.2.2) ---------------------------------------------------------------


@transaction.atomic
def evaluation_start_document_review(*, evaluation: Evaluation, by, reason: str = "") -> Evaluation:
    """§3.2.2: the leader starts reviewing the documents (initial certification only)."""
    ev = begin(evaluation, "start_document_review", by)
    activities_ensure_required(evaluation=ev)  # §3.2.3, in case the scheme's modes changed
    return run_transition(ev, "start_document_review", by=by, reason=reason)


@transaction.atomic
def evaluation_request_rectification(
    *, evaluation: Evaluation, by, findings: str, due_on: datetime.date
) -> Evaluation:
    """§3.2.2: the documents do not meet the requirements; the organisation corrects them by
    ``due_on``. The findings are the transition's reason (the organisation reads them)."""
    ev = begin(evaluation, "request_rectification", by)
    errors = {}
    if _blank(findings):
        errors["findings"] = [_("Say what the organisation must correct in its documents.")]
    if due_on is None:
        errors["due_on"] = [_("Give the date by which the corrected documents are due.")]
    elif due_on < timezone.localdate():
        errors["due_on"] = [_("The due date cannot be in the past.")]
    if errors:
        raise invalid_fields(errors)
    with translation.override(WORKING_LANGUAGE):  # the log is kept in the working language
        due_label = _("Due on")
        reason = f"{findings.strip()}\n{due_label} {due_on:%Y-%m-%d}"
    run_transition(ev, "request_rectification", by=by, reason=reason)
    notify(
        organization_members(ev),
        notices.RECTIFICATION_REQUESTED,
        params=notice_params(ev, due=f"{due_on:%Y-%m-%d}", findings=findings.strip()),
        link=ev.get_absolute_url(),
    )
    return ev


@transaction.atomic
def evaluation_resubmit_documents(*, evaluation: Evaluation, by, note: str = "") -> Evaluation:
    """§3.2.2: the organisation hands in its corrected documents; the leader reviews them again."""
    ev = begin(evaluation, "resubmit_documents", by)
    run_transition(ev, "resubmit_documents", by=by, reason=note.strip())
    notify(
        _leader_people(ev),
        notices.DOCUMENTS_RESUBMITTED,
        params=notice_params(ev),
        link=_auditor_link(ev),
    )
    return ev


# --- on site (§3.3.2.2) ---------------------------------------------------------------------


@transaction.atomic
def evaluation_start_on_site(
    *,
    evaluation: Evaluation,
    by,
    attendees: str = "",
    restricted_areas: str = "",
    plan_confirmed: bool = False,
    stopping_conditions: str = "",
) -> Evaluation:
    """§3.3.2.2 1: the opening meeting confirms the plan, names the restricted areas and tells
    the organisation what would stop the evaluation; the visit begins. The meeting is recorded
    (:class:`~evaluations.models.Meeting`) and summed up in the transition's reason."""
    ev = begin(evaluation, "start_on_site", by)
    if not plan_confirmed:
        raise invalid(
            "plan_confirmed",
            _("The opening meeting must confirm the evaluation plan (§3.3.2.2 1)."),
        )
    with translation.override(WORKING_LANGUAGE):  # the log is kept in the working language
        lines = [str(_("Opening meeting: the plan is confirmed."))]
        if not _blank(attendees):
            lines.append(_("Attendees: %(names)s") % {"names": attendees.strip()})
        if not _blank(restricted_areas):
            lines.append(_("Restricted areas: %(areas)s") % {"areas": restricted_areas.strip()})
    activities_ensure_required(evaluation=ev)  # §3.2.3, in case the scheme's modes changed
    meeting_record(
        ev,
        kind=Meeting.Kind.OPENING,
        by=by,
        attendees=(attendees or "").strip(),
        restricted_areas=(restricted_areas or "").strip(),
        plan_confirmed=True,
        stopping_conditions=(stopping_conditions or "").strip(),
    )
    return run_transition(ev, "start_on_site", by=by, reason="\n".join(lines))


def _set_conclusion(ev: Evaluation, conclusion, notes: str, disagreement: str) -> None:
    ev.conclusion = conclusion
    ev.conclusion_notes = (notes or "").strip()
    # §3.3.2.2 5: the organisation's disagreement is recorded; the leader's conclusion stands.
    ev.organization_disagreement = (disagreement or "").strip()


@transaction.atomic
def evaluation_close_on_site(
    *,
    evaluation: Evaluation,
    by,
    conclusion: str,
    notes: str = "",
    disagreement: str = "",
    attendees: str = "",
) -> Evaluation:
    """§3.3.2.2 4: the closing meeting concludes "recommend once corrective actions are
    verified"; the organisation's corrective actions follow. (Recommend and do not recommend
    need no follow-up: the leader submits the report straight away.)"""
    ev = begin(evaluation, "close_on_site", by)
    if conclusion != Evaluation.Conclusion.AFTER_CORRECTIONS:
        raise invalid(
            "conclusion",
            _(
                "Closing the visit to wait for corrective actions is only for the conclusion "
                "“%(label)s”; for any other conclusion, submit the report."
            )
            % {"label": Evaluation.Conclusion.AFTER_CORRECTIONS.label},
        )
    _closing_meeting(ev, by, conclusion, attendees, disagreement)
    return run_transition(
        ev,
        "close_on_site",
        by=by,
        reason=(notes or "").strip(),
        conclusion=conclusion,
        notes=(notes or "").strip(),
        disagreement=(disagreement or "").strip(),
    )


def _closing_meeting(ev: Evaluation, by, conclusion, attendees: str, disagreement: str) -> None:
    """§3.3.2.2 4: the closing meeting presents the conclusion; the organisation's
    disagreement, if any, is recorded with it (5)."""
    meeting_record(
        ev,
        kind=Meeting.Kind.CLOSING,
        by=by,
        attendees=(attendees or "").strip(),
        conclusion=conclusion,
        organization_disagreement=(disagreement or "").strip(),
    )


def _unverified(ev: Evaluation) -> list[Nonconformity]:
    return list(ev.nonconformities.exclude(state=Nonconformity.State.VERIFIED).order_by("number"))


def _names(ncs) -> str:
    return ", ".join(f"NC{nc.number:02d}" for nc in ncs)


@transaction.atomic
def evaluation_submit_report(
    *,
    evaluation: Evaluation,
    by,
    conclusion: str | None = None,
    notes: str = "",
    disagreement: str = "",
    attendees: str = "",
) -> Evaluation:
    """§3.3.2.2: the leader completes the report and sends it to the CB.

    From on site the conclusion is recommend or do not recommend (with the organisation's
    disagreement, if any); "recommend after corrective actions" is reported only once every
    nonconformity is verified. Staff are told, and downstream apps hear ``report_submitted``
    after commit. Straight from the visit, the closing meeting (with ``attendees``) is
    recorded too. Every required activity needs its result (§3.2.3) and every subcontracted
    report must have arrived (§3.3.2.1) first: otherwise 409, naming them.
    """
    ev = begin(evaluation, "submit_report", by)
    if blockers := report_blockers(ev):
        raise conflict(" ".join(str(b) for b in blockers))
    open_ones = _unverified(ev)
    if ev.state == Evaluation.State.ON_SITE:
        final = (Evaluation.Conclusion.RECOMMEND, Evaluation.Conclusion.NOT_RECOMMEND)
        if not conclusion:
            raise invalid("conclusion", _("Give the conclusion of the evaluation."))
        if conclusion not in final:
            raise invalid(
                "conclusion",
                _(
                    "For “%(label)s”, close the visit first and report once every "
                    "nonconformity is verified."
                )
                % {"label": Evaluation.Conclusion.AFTER_CORRECTIONS.label},
            )
        if conclusion == Evaluation.Conclusion.RECOMMEND and open_ones:
            raise invalid(
                "conclusion",
                _(
                    "Nonconformities %(numbers)s are not verified: recommend once corrective "
                    "actions are verified, or do not recommend."
                )
                % {"numbers": _names(open_ones)},
            )
        _set_conclusion(ev, conclusion, notes, disagreement)
        _closing_meeting(ev, by, conclusion, attendees, disagreement)
    else:
        if conclusion and conclusion != ev.conclusion:
            raise invalid(
                "conclusion", _("The conclusion was stated at the closing meeting; it stands.")
            )
        if open_ones:
            raise conflict(
                _(
                    "“Recommend once corrective actions are verified” cannot be reported until "
                    "every nonconformity is verified; still open: %(numbers)s."
                )
                % {"numbers": _names(open_ones)}
            )
        if not _blank(notes):
            ev.conclusion_notes = notes.strip()
        if not _blank(disagreement):
            ev.organization_disagreement = disagreement.strip()
    run_transition(ev, "submit_report", by=by, reason=(notes or "").strip())
    notify(
        users_with_role(Role.CERTIFICATION_BUSINESS, Role.CUSTOMER_SERVICE),
        notices.REPORT_SUBMITTED,
        params=notice_params(ev, conclusion=str(ev.get_conclusion_display())),
        link=reverse("admin:evaluations_evaluation_change", args=[ev.pk]),
    )
    events.send_on_commit(signals.report_submitted, sender=Evaluation, evaluation=ev)
    queue_report_rendering(ev)
    return ev


# --- nonconformities (§3.3.2.2 5) -------------------------------------------------------------


def _raise_checks(ev: Evaluation, by) -> None:
    if not permissions.can_raise_nonconformity(by, ev):
        raise forbidden(_("Only the team leader and the auditors raise nonconformities."))
    if ev.state not in (Evaluation.State.ON_SITE, Evaluation.State.AWAITING_CORRECTIONS):
        raise conflict(
            _("Nonconformities are raised during the visit, not while it is “%(state)s”.")
            % {"state": ev.get_state_display()}
        )


@transaction.atomic
def nonconformity_raise(
    *,
    evaluation: Evaluation,
    by,
    clause: str,
    grade: str,
    description: str,
    evidence: str = "",
    due_on: datetime.date | None = None,
) -> Nonconformity:
    """A team auditor records a nonconformity; the organisation must answer it by ``due_on``
    (by default today plus ``settings.NONCONFORMITY_DUE_DAYS`` of its grade)."""
    ev = lock(evaluation)
    _raise_checks(ev, by)
    errors = {}
    if _blank(clause):
        errors["clause"] = [_("Name the clause of the standard that is not met.")]
    if grade not in Nonconformity.Grade.values:
        errors["grade"] = [_("Choose major or minor.")]
    if _blank(description):
        errors["description"] = [_("Describe the nonconformity.")]
    today = timezone.localdate()
    if due_on is not None and due_on < today:
        errors["due_on"] = [_("The due date cannot be in the past.")]
    if errors:
        raise invalid_fields(errors)
    if due_on is None:
        due_on = today + datetime.timedelta(days=settings.NONCONFORMITY_DUE_DAYS[grade])
    for attempt in range(NUMBER_ATTEMPTS):
        last = ev.nonconformities.aggregate(n=Max("number"))["n"] or 0
        nc = Nonconformity(
            evaluation=ev,
            number=last + 1,
            clause=clause.strip(),
            grade=grade,
            description=description.strip(),
            evidence=(evidence or "").strip(),
            due_on=due_on,
            raised_by=by,
        )
        nc._history_user = by
        nc._change_reason = "raise"
        try:
            with transaction.atomic():
                nc.save()
            break
        except IntegrityError as exc:
            # The database decides the number; a concurrent insert took it: draw again.
            if not unique_violation(exc, Nonconformity, "one_number_per_nonconformity"):
                raise
            if attempt == NUMBER_ATTEMPTS - 1:
                raise conflict(
                    _("Someone else changed this a moment ago; reload and try again.")
                ) from None
    evaluation_deadlines.track_nonconformity(nc)
    notify(
        organization_members(ev),
        notices.NONCONFORMITY_RAISED,
        params=_nc_params(nc),
        link=ev.get_absolute_url(),
    )
    return nc


def _nc_params(nc: Nonconformity, **more) -> dict:
    return notice_params(
        nc.evaluation,
        number=f"NC{nc.number:02d}",
        grade=str(nc.get_grade_display()),
        clause=nc.clause,
        due=f"{nc.due_on:%Y-%m-%d}",
        **more,
    )


@transaction.atomic
def nonconformity_answer(
    *, nonconformity: Nonconformity, by, correction: str, root_cause: str, corrective_action: str
) -> Nonconformity:
    """§3.3.2.2 5: the organisation answers with its correction, the root cause and the
    corrective action; the leader is asked to verify."""
    nc = begin(nonconformity, "answer", by)
    errors = {}
    for name, value, message in (
        ("correction", correction, _("Say how the nonconformity itself was corrected.")),
        ("root_cause", root_cause, _("Say what caused it.")),
        (
            "corrective_action",
            corrective_action,
            _("Say what was done so that it does not happen again."),
        ),
    ):
        if _blank(value):
            errors[name] = [message]
    if errors:
        raise invalid_fields(errors)
    run_transition(
        nc,
        "answer",
        by=by,
        correction=correction.strip(),
        root_cause=root_cause.strip(),
        corrective_action=corrective_action.strip(),
    )
    deadlines.close(nc, evaluation_deadlines.NONCONFORMITY_ANSWER)  # in time or late
    notify(
        _leader_people(nc.evaluation),
        notices.NONCONFORMITY_ANSWERED,
        params=_nc_params(nc),
        link=_auditor_link(nc.evaluation),
    )
    return nc


@transaction.atomic
def nonconformity_verify(*, nonconformity: Nonconformity, by, verification: str) -> Nonconformity:
    """§3.3.2.2 5: the leader accepts the corrective action, verified by documents or by an
    on-site follow-up. Segregation of duties: whoever planned the evaluation cannot verify."""
    # Named before the transition's own check, which would only say "your role cannot".
    if nonconformity.evaluation.planned_by_id == getattr(by, "pk", None):
        raise forbidden(
            _(
                "Whoever planned an evaluation cannot verify its nonconformities (segregation of duties)."
            )
        )
    nc = begin(nonconformity, "verify", by)
    if verification not in Nonconformity.Verification.values:
        raise invalid("verification", _("Choose how the corrective action was verified."))
    return run_transition(nc, "verify", by=by, verification=verification)


@transaction.atomic
def nonconformity_send_back(*, nonconformity: Nonconformity, by, reason: str) -> Nonconformity:
    """The leader does not accept the answer and says why; the organisation answers again."""
    nc = begin(nonconformity, "send_back", by)
    if _blank(reason):
        raise invalid("reason", _("Say why the answer is not accepted."))
    run_transition(nc, "send_back", by=by, reason=reason.strip(), return_reason=reason.strip())
    evaluation_deadlines.track_nonconformity(nc)  # owed again, by the same date
    notify(
        organization_members(nc.evaluation),
        notices.NONCONFORMITY_RETURNED,
        params=_nc_params(nc, reason=reason.strip()),
        link=nc.evaluation.get_absolute_url(),
    )
    return nc
