"""Every action on decisions (§3.3): the only writers of their state (STYLE §3).

A decision is opened by the system when an evaluation report is submitted (a reaction to
``evaluations.signals.report_submitted``); the committee starts the review, confirms the
conditions a–e, opens the vote, votes and closes the vote; the outcome follows from the count
(:func:`certificates.models.tally_outcome`) and nobody types it. Customer service sends the
written refusal and opens a new decision when a made one must change.
"""

from __future__ import annotations

import datetime
import logging
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from applications.notices import org_name
from applications.selectors import organization_members
from cesi_cert import deadlines, events
from cesi_cert.db import unique_violation
from cesi_cert.errors import DomainError, conflict, forbidden, invalid
from cesi_cert.models import WORKING_LANGUAGE
from cesi_cert.notifications import notify
from cesi_cert.references import assign_year_reference
from cesi_cert.roles import Role, users_with_role
from cesi_cert.transitions import SYSTEM, begin, check_transition, lock, run_transition
from evaluations.models import Evaluation

from .. import deadlines as certificate_deadlines
from .. import notices, signals
from ..models import (
    CONDITION_TEXT_ZH,
    Condition,
    ConditionCheck,
    Decision,
    Vote,
    VoteChoice,
    tally_outcome,
)
from ..permissions import decisions as permissions

log = logging.getLogger(__name__)

#: The reason the system gives when it opens a decision (history and log).
OPENED_BY_EVENT = "evaluations.report_submitted"


def _blank(value) -> bool:
    return not (value or "").strip()


def _params(decision: Decision, **more) -> dict:
    return {
        "ref": decision.reference,
        "evaluation": decision.evaluation.reference,
        "org": org_name(decision.organization),
        **more,
    }


def _due_on(evaluation: Evaluation) -> datetime.date:
    """``DECISION_DUE_DAYS`` after the report reached the CB, in China's calendar."""
    reported = timezone.localdate(evaluation.reported_at or timezone.now())
    return reported + datetime.timedelta(days=settings.DECISION_DUE_DAYS)


def _create(evaluation: Evaluation, *, by, reason: str, supersedes=None) -> Decision | None:
    decision = Decision(
        evaluation=evaluation,
        organization_id=evaluation.organization_id,
        due_on=_due_on(evaluation),
        supersedes=supersedes,
        reference=f"tmp-{uuid.uuid4().hex[:16]}",
    )
    decision._history_user = None if by is SYSTEM else by
    decision._change_reason = reason[:100]
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError as exc:
        if unique_violation(exc, Decision, "one_open_decision_per_evaluation"):
            return None
        raise
    assign_year_reference(decision, "JD", at=decision.opened_at)  # 决定
    certificate_deadlines.track_decision(decision)
    notify(
        users_with_role(Role.TECHNICAL_COMMITTEE),
        notices.DECISION_OPENED,
        params=_params(decision, due=f"{decision.due_on:%Y-%m-%d}"),
        link=decision.get_absolute_url(),
    )
    return decision


@transaction.atomic
def decision_open(*, evaluation: Evaluation) -> Decision | None:
    """Open the decision on a submitted evaluation report, with its dossier (the system acts).

    Idempotent: when the evaluation already has a decision (open or made) a repeated event
    opens nothing; the database's ``one_open_decision_per_evaluation`` settles a race.
    """
    evaluation = Evaluation.objects.select_related("organization").get(pk=evaluation.pk)
    if evaluation.state != Evaluation.State.REPORTED:
        raise conflict(_("Only a submitted evaluation report goes to the committee."))
    if Decision.objects.filter(evaluation=evaluation).exists():
        return None
    return _create(evaluation, by=SYSTEM, reason=OPENED_BY_EVENT)


@transaction.atomic
def decision_open_new(*, previous: Decision, by, reason: str) -> Decision:
    """A made decision is locked: to change it, customer service opens a new decision on the
    same evaluation report, which the committee reviews and votes on again."""
    if not permissions.can_open_new_decision(by):
        raise forbidden(_("Only customer service opens a new decision."))
    previous = lock(previous)
    if not previous.is_made:
        raise conflict(_("This decision is still open; it can be reviewed as it is."))
    if _blank(reason):
        raise invalid("reason", _("Say why the decision must be made again."))
    decision = _create(previous.evaluation, by=by, reason=reason, supersedes=previous)
    if decision is None:
        raise conflict(_("A new decision on this evaluation is already open."))
    return decision


def on_report_submitted(sender, evaluation, **kwargs) -> None:
    """Receiver of ``evaluations.signals.report_submitted``."""
    decision_open(evaluation=evaluation)


# --- the committee's work ---------------------------------------------------------------------


def _begin_taking_part(decision: Decision, name: str, by) -> Decision:
    """Lock and check like ``begin``, but a barred member hears why (ISO/IEC 17065 7.6): their
    role may act, but never on this decision — a 403 with a message about themselves."""
    locked = lock(decision)
    if by is not SYSTEM and permissions.is_committee_member(by):
        why = permissions.why_barred(by, locked)
        if why:
            raise forbidden(why)
    check_transition(locked, name, by=by)
    return locked


@transaction.atomic
def decision_start_review(*, decision: Decision, by, reason: str = "") -> Decision:
    """§3.3: the committee starts reviewing the full dossier."""
    locked = begin(decision, "start_review", by)
    return run_transition(locked, "start_review", by=by, reason=reason)


@transaction.atomic
def decision_confirm_condition(
    *, decision: Decision, by, condition: str, note: str = ""
) -> Decision:
    """§3.3 a–e: a committee member confirms one condition; who and when are recorded."""
    locked = _begin_taking_part(decision, "confirm_condition", by)
    if condition not in Condition.values:
        raise invalid("condition", _("Choose one of the conditions a–e of §3.3."))
    check = ConditionCheck(decision=locked, condition=condition, confirmed_by=by, note=note or "")
    check._history_user = by
    try:
        with transaction.atomic():
            check.save()
    except IntegrityError as exc:
        if unique_violation(exc, ConditionCheck, "one_check_per_condition_per_decision"):
            raise conflict(_("This condition is already confirmed.")) from None
        raise
    with translation.override(WORKING_LANGUAGE):
        text = f"§3.3 {Condition(condition).label}"
    return run_transition(
        locked,
        "confirm_condition",
        by=by,
        reason=f"{text}\n{note}".strip(),
        condition=condition,
    )


@transaction.atomic
def decision_open_voting(*, decision: Decision, by, reason: str = "") -> Decision:
    locked = begin(decision, "open_voting", by)
    return run_transition(locked, "open_voting", by=by, reason=reason)


@transaction.atomic
def decision_vote(*, decision: Decision, by, choice: str, comment: str = "") -> Decision:
    """A committee member votes approve, reject or abstain, with a comment; a second call changes
    the vote while the vote is open (the history keeps the earlier one). A rejection says why.
    The transition log records that the member voted, not how."""
    locked = _begin_taking_part(decision, "vote", by)
    if choice not in VoteChoice.values:
        raise invalid("choice", _("Choose approve, reject or abstain."))
    if choice == VoteChoice.REJECT and _blank(comment):
        raise invalid("comment", _("Say why you reject: the refusal notice gives the reasons."))
    comment = (comment or "").strip()
    vote = Vote.objects.filter(decision=locked, voter=by).first()
    if vote is None:
        vote = Vote(decision=locked, voter=by, choice=choice, comment=comment)
        vote._history_user = by
        try:
            with transaction.atomic():
                vote.save()
        except IntegrityError as exc:
            if not unique_violation(exc, Vote, "one_vote_per_member"):
                raise
            vote = Vote.objects.get(decision=locked, voter=by)
    if vote.choice != choice or vote.comment != comment:
        vote.choice, vote.comment = choice, comment
        vote._history_user = by
        vote._change_reason = "vote changed"
        vote.save(update_fields=["choice", "comment", "changed_at"])
    return run_transition(locked, "vote", by=by, choice=choice)


def counted_votes(decision: Decision):
    """The votes that count: by members who may still take part. A conflict declared after
    voting (or a voter found on the team) takes that vote out of the count (ISO/IEC 17065 7.6),
    and so does leaving the committee."""
    from evaluations.models import TeamMember

    team = TeamMember.objects.filter(evaluation_id=decision.evaluation_id).values("person")
    conflicted = permissions.barring_conflicts_with(decision.organization_id).values("person")
    members = get_user_model().objects.filter(
        Q(groups__name=Role.TECHNICAL_COMMITTEE) | Q(is_superuser=True), is_active=True
    )
    return (
        Vote.objects.filter(decision=decision, voter__in=members.values("pk"))
        .exclude(voter__in=team)
        .exclude(voter__in=conflicted)
    )


def tally(decision: Decision) -> dict[str, int]:
    counts = dict(
        counted_votes(decision)
        .values_list("choice")
        .annotate(n=Count("pk"))
        .values_list("choice", "n")
    )
    return {c: counts.get(c, 0) for c in VoteChoice.values}


def unconfirmed_conditions(decision: Decision) -> list[str]:
    done = set(decision.conditions.values_list("condition", flat=True))
    return [c for c in Condition.values if c not in done]


@transaction.atomic
def decision_close_voting(*, decision: Decision, by, reason: str = "") -> Decision:
    """Close the vote; the outcome follows from the count, nobody types it.

    Only votes of members who may still take part count (:func:`counted_votes`). Refused with
    409 while fewer than ``DECISION_QUORUM`` such votes are cast (abstentions count towards the
    quorum) and while the votes would grant but a §3.3 condition is unconfirmed.
    Granted when ``DECISION_MAJORITY`` of the votes for or against approve; refused otherwise.
    Customer service is told, and downstream apps hear ``decision_made`` after commit.
    """
    locked = begin(decision, "close_voting", by)
    counts = tally(locked)
    cast = sum(counts.values())
    if cast < settings.DECISION_QUORUM:
        raise conflict(
            _("The quorum is not reached: %(cast)s of the %(quorum)s votes needed are cast.")
            % {"cast": cast, "quorum": settings.DECISION_QUORUM}
        )
    grants = tally_outcome(approve=counts[VoteChoice.APPROVE], reject=counts[VoteChoice.REJECT])
    missing = unconfirmed_conditions(locked)
    if grants and missing:
        raise conflict(
            _(
                "The votes would grant, but conditions %(conditions)s of §3.3 are not confirmed: "
                "certification is granted only when every condition is confirmed."
            )
            % {"conditions": ", ".join(missing)}
        )
    run_transition(
        locked,
        "close_voting",
        by=by,
        reason=reason,
        approvals=counts[VoteChoice.APPROVE],
        rejections=counts[VoteChoice.REJECT],
        abstentions=counts[VoteChoice.ABSTAIN],
        grants=grants,
    )
    deadlines.close(locked, certificate_deadlines.DECISION_DUE)
    if locked.state == Decision.State.GRANTED:
        _carry_out_grant(locked)
    notify(
        users_with_role(Role.CUSTOMER_SERVICE),
        notices.DECISION_MADE,
        params=_params(locked, outcome=_outcome_param(locked)),
        link=reverse("admin:certificates_decision_change", args=[locked.pk]),
    )
    events.send_on_commit(signals.decision_made, sender=Decision, decision=locked)
    return locked


#: The reason the system gives when a grant issues the certificate (history and log rows).
ISSUED_ON_GRANT = "certificates.decision_granted"


def _carry_out_grant(decision: Decision) -> None:
    """§3.3: a grant of an initial certification or a recertification issues the certificate,
    and a grant of a scope extension replaces the certificate its application names (§3.4.5,
    §3.5.5.2 d), in the same transaction (a granted decision never lacks its certificate); the
    system acts, naming the decision. Surveillance and change grants act on the certificate in
    the surveillance app (``decision_made``)."""
    from .certificates import ISSUING_KINDS, certificate_extend, certificate_issue

    if decision.evaluation.kind in ISSUING_KINDS:
        certificate_issue(
            evaluation=decision.evaluation,
            by=SYSTEM,
            reason=f"{ISSUED_ON_GRANT} {decision.reference}",
        )
    elif decision.evaluation.kind == Evaluation.Kind.EXTENSION:
        certificate_extend(
            evaluation=decision.evaluation,
            by=SYSTEM,
            reason=f"{ISSUED_ON_GRANT} {decision.reference}",
        )


def _outcome_param(decision: Decision) -> dict:
    out = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            out[language] = str(decision.get_state_display())
    return out


# --- the written refusal (§3.3) -----------------------------------------------------------------


def refusal_notice_pdf(decision: Decision) -> bytes:
    """The written notice of refusal, in Chinese (the CB's working language)."""
    from cesi_cert.pdf import render_pdf

    with translation.override("zh-hans"):
        done = set(decision.conditions.values_list("condition", flat=True))
        return render_pdf(
            "certificates/decisions/refusal_notice.html",
            {
                "decision": decision,
                "evaluation": decision.evaluation,
                "organization": decision.organization,
                "cb_name": settings.CB_NAME,
                "unmet": [
                    {"code": c, "text": CONDITION_TEXT_ZH[c]}
                    for c in Condition.values
                    if c not in done
                ],
                "sent_on": timezone.localdate(decision.refusal_notice_sent_at),
            },
        )


@transaction.atomic
def decision_send_refusal_notice(*, decision: Decision, by, reasons: str) -> Decision:
    """§3.3 "客户部以书面形式告知受评价方并说明其未通过认证的原因": customer service sends the
    written notice with the reasons; its PDF is rendered once, stored, offered in the portal,
    and the organisation's members are told (in-app and e-mail)."""
    from cesi_cert.pdf import PdfUnavailable

    locked = begin(decision, "send_refusal_notice", by)
    if _blank(reasons):
        raise invalid("reasons", _("Give the reasons the organisation is not certified."))
    run_transition(locked, "send_refusal_notice", by=by, reason=reasons, reasons=reasons.strip())
    try:
        content = refusal_notice_pdf(locked)
    except PdfUnavailable as exc:
        raise DomainError(str(exc), code=DomainError.CONFLICT) from None
    locked.refusal_notice_pdf.save(f"{locked.reference}.pdf", ContentFile(content), save=False)
    locked._history_user = by
    locked._change_reason = "refusal notice rendered"
    locked.save(update_fields=["refusal_notice_pdf"])
    members = organization_members(locked.organization)
    # In the inbox now; by e-mail after commit, each with the PDF attached (not the plain
    # notice e-mail, which would say the same without it).
    rows = notify(
        members,
        notices.REFUSAL_NOTICE,
        params=_params(locked),
        link=reverse("portal:decision", args=[locked.pk]),
        email=False,
    )
    for row in rows:
        transaction.on_commit(lambda pk=row.pk: _queue_notice_email(pk, locked.pk))
    return locked


def _queue_notice_email(notification_pk: int, decision_pk: int) -> None:
    """A broker outage must not turn the committed notice into an error page."""
    from ..tasks import email_refusal_notice

    try:
        email_refusal_notice.delay(notification_pk, decision_pk)
    except Exception:
        log.exception("could not queue the refusal notice e-mail of decision %s", decision_pk)
