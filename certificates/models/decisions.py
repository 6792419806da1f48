"""The technical committee's decision on an evaluation (§3.3): the dossier is reviewed, the
conditions a–e are confirmed, the committee votes, and the outcome follows from the votes.

Transitions are pure (STYLE §2): they change only the decision's own row; the services in
:mod:`certificates.services.decisions` write the votes and condition checks, log and notify.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from applications.models import Organization
from cesi_cert import limits
from cesi_cert.files import private_storage
from cesi_cert.transitions import Permission
from evaluations.models import Evaluation

from ..permissions import decisions as permissions

__all__ = [
    "CONDITION_TEXT_ZH",
    "Condition",
    "ConditionCheck",
    "Decision",
    "Vote",
    "VoteChoice",
    "tally_outcome",
]


class Condition(models.TextChoices):
    """§3.3: the conditions an applicant meets to be granted certification (获准认证的申请方,
    应符合下列条件). The English label is translated back to the seed's Chinese wording."""

    A = (
        "a",
        _(
            "a. Has signed a formal service certification contract with CESI Certification and "
            "meets the applicant conditions (chapter 2)."
        ),
    )
    B = (
        "b",
        _(
            "b. Its service activities comply with the relevant laws and regulations, and it has "
            "fulfilled its responsibilities and obligations during the certification process."
        ),
    )
    C = (
        "c",
        _(
            "c. The evaluation procedure meets the requirements; the certification records are "
            "complete and the formalities are in order."
        ),
    )
    D = (
        "d",
        _(
            "d. The service, as evaluated, conforms to the certification standard/technical "
            "specification and the implementation rules; every nonconformity raised in the "
            "evaluation has been corrected as required and verified by the evaluation team."
        ),
    )
    E = (
        "e",
        _(
            "e. No other major problem has been found, such as a breach of national laws and "
            "regulations, a finding of national or industry supervision or media exposure."
        ),
    )


#: The seed's own wording of each condition (§3.3), quoted in the refusal notice.
CONDITION_TEXT_ZH = {
    Condition.A: "与赛西认证签署了正式服务认证合同，满足申请方条件（见本文第 2 章）",
    Condition.B: "从事的服务活动符合相关法律法规的规定，在认证过程中履行了应尽责任和义务",
    Condition.C: "认证评价程序符合规定要求，认证资料完整、手续齐全",
    Condition.D: (
        "服务经评价符合相应认证标准/技术规范，认证实施规则要求，对赛西认证评价时提出的不符合项"
        "已按要求全部完成了纠正措施并经审查组验证符合要求"
    ),
    Condition.E: "未发现有其他不符合国家相关法律法规、国家行业监督及媒体曝光等重大问题的情况",
}


class VoteChoice(models.TextChoices):
    # A context: "Reject" is already an application's 不予受理; a vote is 反对.
    APPROVE = "approve", pgettext_lazy("vote", "Approve")
    REJECT = "reject", pgettext_lazy("vote", "Reject")
    ABSTAIN = "abstain", pgettext_lazy("vote", "Abstain")


def tally_outcome(*, approve: int, reject: int, majority: str | None = None) -> bool:
    """Whether the votes grant: ``settings.DECISION_MAJORITY`` of the votes cast for or against
    (abstentions are left out). ``"simple"``: more than half (a tie does not grant);
    ``"two_thirds"``: at least two thirds."""
    majority = majority or settings.DECISION_MAJORITY
    counted = approve + reject
    if counted == 0:
        return False
    if majority == "two_thirds":
        return 3 * approve >= 2 * counted
    return 2 * approve > counted


def _notice_not_sent(decision) -> bool:
    return decision.refusal_notice_sent_at is None


_notice_not_sent.message = _("The refusal notice has already been sent.")


def _notice_upload_to(instance, filename):
    from cesi_cert.files import random_name

    return random_name(f"decisions/{instance.pk}", "pdf")


class Decision(ConcurrentTransitionMixin, models.Model):
    """The committee's decision on one submitted evaluation report (§3.3).

    Locked once made (granted or refused): nothing changes it; a new decision is opened instead
    (``supersedes``). A decision open longer than ``settings.DECISION_DUE_DAYS`` after the report
    is overdue.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        IN_REVIEW = "in_review", _("In review")
        VOTING = "voting", _("Voting")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    OPEN_STATES = (State.PENDING, State.IN_REVIEW, State.VOTING)
    MADE_STATES = (State.GRANTED, State.REFUSED)

    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("evaluation"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    # The evaluated organisation, kept here so scoping needs no join through the evaluation.
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    reference = models.CharField(_("decision number"), max_length=32, unique=True)
    state = FSMField(
        _("state"), default=State.PENDING, choices=State.choices, protected=True, db_index=True
    )
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("replaces decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    due_on = models.DateField(_("decision due"), db_index=True)
    review_started_at = models.DateTimeField(_("review started"), null=True, blank=True)
    voting_opened_at = models.DateTimeField(_("voting opened"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vote closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The count the outcome followed from, kept as it was when the vote closed.
    approvals = models.PositiveSmallIntegerField(_("approvals"), default=0)
    rejections = models.PositiveSmallIntegerField(_("rejections"), default=0)
    abstentions = models.PositiveSmallIntegerField(_("abstentions"), default=0)
    refusal_reasons = models.TextField(
        _("reasons for the refusal"), blank=True, **limits.bounded_text(limits.NOTE)
    )
    refusal_notice_pdf = models.FileField(
        _("refusal notice (PDF)"),
        storage=private_storage,
        upload_to=_notice_upload_to,
        blank=True,
    )
    refusal_notice_sent_at = models.DateTimeField(_("refusal notice sent"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["opened_at"])

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["due_on", "pk"]
        constraints = [
            # One open decision per evaluation: a repeated "report submitted" opens nothing.
            models.UniqueConstraint(
                fields=["evaluation"],
                condition=Q(state__in=["pending", "in_review", "voting"]),
                name="one_open_decision_per_evaluation",
            ),
            limits.length_check("certificates_decision", "refusal_reasons", limits.NOTE),
        ]
        indexes = [models.Index(fields=["state", "due_on"], name="decision_queue")]

    def __str__(self):
        return f"{self.reference} {self.evaluation.reference}"

    def get_absolute_url(self):
        return reverse("committee:decision", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def is_made(self) -> bool:
        return self.state in self.MADE_STATES

    @property
    def is_overdue(self) -> bool:
        """Still open after its due date, in China's calendar."""
        return self.is_open and self.due_on < timezone.localdate()

    # --- transitions: pure ------------------------------------------------------------------

    @transition(
        field=state,
        source=State.PENDING,
        target=State.IN_REVIEW,
        permission=lambda d, user: permissions.is_committee_member(user),
    )
    def start_review(self, *, by):
        """§3.3: the committee starts reviewing the full dossier."""
        self.review_started_at = timezone.now()

    @transition(
        field=state,
        source=[State.IN_REVIEW, State.VOTING],
        target=None,  # the state stays; a check row is added
        permission=Permission(
            role=lambda d, user: permissions.is_committee_member(user),
            now=lambda d, user: permissions.may_take_part(user, d),
        ),
    )
    def confirm_condition(self, *, by, condition):
        """§3.3 a–e: a member confirms one condition (the check row is the service's)."""

    @transition(
        field=state,
        source=State.IN_REVIEW,
        target=State.VOTING,
        permission=lambda d, user: permissions.is_committee_member(user),
    )
    def open_voting(self, *, by):
        self.voting_opened_at = timezone.now()

    @transition(
        field=state,
        source=State.VOTING,
        target=State.VOTING,
        permission=Permission(
            role=lambda d, user: permissions.is_committee_member(user),
            now=lambda d, user: permissions.may_take_part(user, d),
        ),
    )
    def vote(self, *, by, choice):
        """A member casts or changes their vote (the vote row is the service's)."""

    @transition(
        field=state,
        source=State.VOTING,
        target=RETURN_VALUE(State.GRANTED, State.REFUSED),
        permission=lambda d, user: permissions.is_committee_member(user),
    )
    def close_voting(self, *, by, approvals, rejections, abstentions, grants):
        """The vote closes; the outcome is what the count says (``grants``), never typed."""
        self.approvals, self.rejections, self.abstentions = approvals, rejections, abstentions
        self.decided_at = timezone.now()
        self.decided_by = by if getattr(by, "pk", None) else None
        return self.State.GRANTED if grants else self.State.REFUSED

    @transition(
        field=state,
        source=State.REFUSED,
        target=State.REFUSED,
        conditions=[_notice_not_sent],
        permission=lambda d, user: permissions.can_send_refusal_notice(user),
    )
    def send_refusal_notice(self, *, by, reasons):
        """§3.3: customer service tells the organisation in writing why it was not certified."""
        self.refusal_reasons = reasons
        self.refusal_notice_sent_at = timezone.now()


class ConditionCheck(models.Model):
    """A committee member's confirmation of one §3.3 condition on one decision: who and when."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="conditions"
    )
    condition = models.CharField(_("condition"), max_length=1, choices=Condition.choices)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True, **limits.bounded_text(limits.NOTE))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("condition check")
        verbose_name_plural = _("condition checks")
        ordering = ["decision", "condition"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "condition"], name="one_check_per_condition_per_decision"
            ),
            limits.length_check("certificates_conditioncheck", "note", limits.NOTE),
        ]

    def __str__(self):
        return f"{self.decision.reference} §3.3 {self.condition}"


class Vote(models.Model):
    """A committee member's vote on a decision; changed while the vote is open (the history
    keeps every earlier choice)."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="votes"
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voter"),
        on_delete=models.PROTECT,
        related_name="decision_votes",
    )
    choice = models.CharField(_("vote"), max_length=16, choices=VoteChoice.choices)
    comment = models.TextField(_("comment"), blank=True, **limits.bounded_text(limits.NOTE))
    cast_at = models.DateTimeField(_("cast"), auto_now_add=True)
    changed_at = models.DateTimeField(_("last changed"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["decision", "cast_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "voter"], name="one_vote_per_member"),
            limits.length_check("certificates_vote", "comment", limits.NOTE),
        ]

    def __str__(self):
        return f"{self.decision.reference}: {self.voter} {self.get_choice_display()}"
