"""Registry of deadline sweeps (SPEC "Deadlines").

Each app registers its sweeps in ``AppConfig.ready()``::

    deadlines.register("surveillance_due", due=selectors.cycles_due, act=services.cycle_flag_due)

``due(as_of)`` returns the ids that are due (an indexed query on a stored due date, filtered by
state so a second run finds nothing left to do); ``act(pk, as_of)`` handles one item in its own
transaction and returns whether it changed anything. Celery beat and ``run_deadlines --as-of``
both call :func:`run_all`, so catching up after an outage runs exactly what beat would have run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sweep:
    name: str
    due: Callable[[datetime], Iterable[int]]
    act: Callable[[int, datetime], bool]


_registry: dict[str, Sweep] = {}


def register(name: str, *, due, act) -> None:
    _registry[name] = Sweep(name, due, act)


def unregister(name: str) -> None:
    _registry.pop(name, None)


def sweeps() -> list[Sweep]:
    return [_registry[k] for k in sorted(_registry)]


def run_all(as_of: datetime | None = None, only: Iterable[str] | None = None) -> dict[str, int]:
    """Run the sweeps; return how many items each one changed."""
    as_of = as_of or timezone.now()
    wanted = set(only or ())
    changed: dict[str, int] = {}
    for sweep in sweeps():
        if wanted and sweep.name not in wanted:
            continue
        count = 0
        for pk in list(sweep.due(as_of)):
            try:
                count += bool(sweep.act(pk, as_of))
            except Exception:  # one bad item must not stop the sweep
                log.exception("deadline sweep %s failed on %s", sweep.name, pk)
        changed[sweep.name] = count
    return changed


# --- deadline rows: what is due, by when, for whom ------------------------------------------
#
# An app declares each kind of obligation once and keeps one row per open obligation:
#
#     NC_ANSWER = DeadlineKind("evaluations.nonconformity", _("Answer nonconformity %(number)s"),
#                              owner=Role.CERTIFICATION_BUSINESS, remind_before=timedelta(days=7),
#                              organization_recipients=members_of_the_organisation)
#     deadlines.track(nc, NC_ANSWER, due_at, organization_id=..., params={...}, portal_link=url)
#     deadlines.close(nc, NC_ANSWER)                       # answered: met in time or late
#
# Two sweeps of this module remind before the date and alert after it, each once per row.

_kinds: dict[str, DeadlineKind] = {}


@dataclass(frozen=True)
class DeadlineKind:
    """One kind of obligation: its key, what it says (``%(name)s`` placeholders filled from the
    row's parameters), the department that follows it, whether the organisation sees it, when
    to remind, and who on the organisation's side is reminded."""

    key: str
    title: object  # a lazy translation
    owner: str = ""
    visible_to_organization: bool = True
    remind_before: object = None  # a timedelta or a dateutil relativedelta
    #: Remind again every so often until the due moment (§3.5: monthly once the window opens).
    remind_every: object = None  # a timedelta or a dateutil relativedelta
    organization_recipients: Callable | None = None  # (deadline) -> users

    def __post_init__(self):
        if self.key in _kinds and _kinds[self.key] != self:
            raise ValueError(f"deadline kind {self.key!r} is declared twice")
        _kinds[self.key] = self


def end_of(day) -> datetime:
    """The last minute of ``day`` in China: a "due date" is met on that whole day."""
    from datetime import time

    return timezone.make_aware(datetime.combine(day, time(23, 59)))


def kind_of(deadline) -> DeadlineKind | None:
    return _kinds.get(deadline.kind)


def title_of(deadline, language: str | None = None) -> str:
    """What ``deadline`` says, in ``language`` (default: the active language)."""
    from django.utils import translation

    from .notifications import _param, _Params

    kind = kind_of(deadline)
    if kind is None:
        return deadline.kind
    language = language or translation.get_language() or "zh-hans"
    with translation.override(language):
        values = _Params({k: _param(v, language) for k, v in (deadline.params or {}).items()})
        return str(kind.title) % values


def track(
    subject,
    kind: DeadlineKind,
    due_at: datetime,
    *,
    organization_id: int | None = None,
    params: dict | None = None,
    portal_link: str = "",
    staff_link: str = "",
):
    """Open the obligation ``kind`` on ``subject`` due at ``due_at``, or move the open one.

    Idempotent: the database keeps one open row per subject and kind, so a repeated or
    concurrent call updates that row. A moved date reminds and alerts again.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db import IntegrityError, transaction

    from .db import unique_violation
    from .models import Deadline
    from .notifications import _clean_params

    if timezone.is_naive(due_at):
        raise ValueError("deadlines are aware datetimes")
    content_type = ContentType.objects.get_for_model(type(subject))
    values = {
        "due_at": due_at,
        "remind_at": due_at - kind.remind_before if kind.remind_before else None,
        "params": _clean_params(params),
        "organization_id": organization_id,
        "visible_to_organization": kind.visible_to_organization,
        "owner_role": kind.owner,
        "portal_link": portal_link[:300],
        "staff_link": staff_link[:300],
    }
    key = {"content_type": content_type, "object_id": subject.pk, "kind": kind.key}
    with transaction.atomic():
        row = Deadline.objects.select_for_update().filter(closed_at__isnull=True, **key).first()
        if row is None:
            try:
                with transaction.atomic():
                    return Deadline.objects.create(**key, **values)
            except IntegrityError as exc:
                if not unique_violation(exc, Deadline, "one_open_deadline_per_subject_and_kind"):
                    raise
            row = Deadline.objects.select_for_update().get(closed_at__isnull=True, **key)
        if row.due_at != due_at:
            row.reminded_at = row.alerted_at = None
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
        return row


def close(subject, kind: DeadlineKind | None = None, *, at=None, outcome: str | None = None) -> int:
    """Close ``subject``'s open obligation of ``kind`` (every open one with ``kind=None``).

    Without ``outcome`` it is "met in time" or "met late" by ``at`` (default now); pass
    ``Deadline.Outcome.CANCELLED`` when it is no longer owed. Returns how many rows closed.
    """
    from django.contrib.contenttypes.models import ContentType

    from .models import Deadline

    at = at or timezone.now()
    rows = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(type(subject)),
        object_id=subject.pk,
        closed_at__isnull=True,
    )
    if kind is not None:
        rows = rows.filter(kind=kind.key)
    if outcome:
        return rows.update(closed_at=at, outcome=outcome)
    on_time = rows.filter(due_at__gte=at).update(closed_at=at, outcome=Deadline.Outcome.MET)
    return on_time + rows.update(closed_at=at, outcome=Deadline.Outcome.LATE)


def deadlines_for(user):
    """The deadlines ``user`` may see: every one for CB staff; for others those a scope
    provider grants (the applications app grants an organisation's members its own)."""
    from .models import Deadline
    from .roles import STAFF_ROLES, has_role
    from .scopes import granted

    if has_role(user, *STAFF_ROLES):
        return Deadline.objects.all()
    return Deadline.objects.filter(granted(Deadline, user), visible_to_organization=True)


#: The dashboard's horizons (days), SPEC "Deadlines" / issue 9: due in the next 30, 60, 90 days.
HORIZONS = (30, 60, 90)


def horizon_of(deadline, now=None) -> str:
    """``overdue``, ``30``, ``60``, ``90`` or ``later`` (``closed`` once closed)."""
    now = now or timezone.now()
    if deadline.closed_at is not None:
        return "closed"
    if deadline.due_at <= now:
        return "overdue"
    for days in HORIZONS:
        if deadline.due_at <= now + timedelta(days=days):
            return str(days)
    return "later"


# --- the reminder and alert sweeps ----------------------------------------------------------


def _local(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _announce(deadline, notice) -> None:
    from .notifications import bilingual, notify
    from .roles import users_with_role

    kind = kind_of(deadline)
    params = {
        "what": bilingual(title_of(deadline, "zh-hans"), title_of(deadline, "en")),
        "due": _local(deadline.due_at),
    }
    if kind and kind.visible_to_organization and kind.organization_recipients:
        people = list(kind.organization_recipients(deadline))
        if people:
            notify(people, notice, params=params, link=deadline.portal_link)
    if deadline.owner_role:
        notify(
            users_with_role(deadline.owner_role), notice, params=params, link=deadline.staff_link
        )


def reminders_due(as_of: datetime):
    from .models import Deadline

    return (
        Deadline.objects.filter(
            closed_at__isnull=True,
            reminded_at__isnull=True,
            remind_at__lte=as_of,
            due_at__gt=as_of,
        )
        .order_by("remind_at")
        .values_list("pk", flat=True)
    )


def remind(pk: int, as_of: datetime) -> bool:
    """Remind once before the date: the conditional update is the lock (a second or concurrent
    run updates nothing and sends nothing). A kind that reminds repeatedly is re-armed for its
    next reminder after ``as_of`` (a run catching up after an outage sends one, not a backlog)."""
    from django.db import transaction

    from . import notices
    from .models import Deadline

    with transaction.atomic():
        won = Deadline.objects.filter(
            pk=pk, closed_at__isnull=True, reminded_at__isnull=True, remind_at__lte=as_of
        ).update(reminded_at=as_of)
        if not won:
            return False
        deadline = Deadline.objects.get(pk=pk)
        _announce(deadline, notices.DEADLINE_REMINDER)
        _rearm(deadline, as_of)
    return True


def _rearm(deadline, as_of: datetime) -> None:
    kind = kind_of(deadline)
    if kind is None or not kind.remind_every or deadline.remind_at is None:
        return
    following = deadline.remind_at
    while following <= as_of:
        following += kind.remind_every
    if following < deadline.due_at:
        type(deadline).objects.filter(pk=deadline.pk).update(remind_at=following, reminded_at=None)


def alerts_due(as_of: datetime):
    from .models import Deadline

    return (
        Deadline.objects.filter(closed_at__isnull=True, alerted_at__isnull=True, due_at__lte=as_of)
        .order_by("due_at")
        .values_list("pk", flat=True)
    )


def alert(pk: int, as_of: datetime) -> bool:
    """Tell once that the date has passed (the reminder is then pointless and is not sent)."""
    from django.db import transaction

    from . import notices
    from .models import Deadline

    with transaction.atomic():
        won = Deadline.objects.filter(
            pk=pk, closed_at__isnull=True, alerted_at__isnull=True
        ).update(alerted_at=as_of)
        if not won:
            return False
        Deadline.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=as_of)
        _announce(Deadline.objects.get(pk=pk), notices.DEADLINE_OVERDUE)
    return True


def register_builtin_sweeps() -> None:
    register("deadline_alerts", due=alerts_due, act=alert)
    register("deadline_reminders", due=reminders_due, act=remind)
