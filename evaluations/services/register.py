"""The auditor register (qualifications, declared conflicts) and who may sit on a team.

The admin keeps the register with its ordinary add and change forms, but their saves come here
(:func:`qualification_save`, :func:`conflict_declaration_save`): the planners' permission is
checked, the model's own validation (dates in order, text limits) runs again and the history row
names who changed it. Rows are never deleted: a qualification ends with its ``valid_until``, a
relation with its ``ended_on``, and both stay on record for later impartiality questions.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cesi_cert.errors import forbidden, invalid_fields

from .. import permissions
from ..models import AuditorQualification, ConflictDeclaration, QualificationRole, TeamMember


def _save_register_row(row, by):
    if not permissions.can_plan(by):
        raise forbidden(_("Only the certification business department keeps the register."))
    try:
        row.full_clean()
    except ValidationError as exc:
        raise invalid_fields({k: list(v) for k, v in exc.message_dict.items()}) from None
    row._history_user = by
    row.save()
    return row


@transaction.atomic
def qualification_save(*, qualification: AuditorQualification, by) -> AuditorQualification:
    """Record or correct a person's qualification for a scheme."""
    return _save_register_row(qualification, by)


@transaction.atomic
def conflict_declaration_save(*, declaration: ConflictDeclaration, by) -> ConflictDeclaration:
    """Record or update a declared relation between a person and an organisation."""
    return _save_register_row(declaration, by)


# --- eligibility -----------------------------------------------------------------------------


def person_name(person) -> str:
    return person.get_full_name() or person.get_username()


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def conflicts_on(person, organization, first_day) -> list[ConflictDeclaration]:
    """Declared relations that still bar ``person``: ongoing, or ended less than
    ``settings.CONFLICT_COOLING_OFF_YEARS`` before the visit (ISO/IEC 17065 impartiality).
    Uses a ``conflict_declarations`` prefetch when there is one."""
    cutoff = _years_before(first_day, settings.CONFLICT_COOLING_OFF_YEARS)
    return [
        c
        for c in person.conflict_declarations.all()
        if c.organization_id == organization.pk and (c.ended_on is None or c.ended_on > cutoff)
    ]


def eligibility_problems(person, evaluation, role, first_day, last_day) -> list[str]:
    """Why ``person`` cannot be ``role`` on ``evaluation``'s team for a visit from ``first_day``
    to ``last_day`` — each message names the person; an empty list means they can.

    §3.2.2.1: the leader and the auditors are qualified for the scheme as auditors on every day
    of the visit; nobody in any role has a declared conflict with the organisation.
    """
    name = person_name(person)
    problems = []
    if role in TeamMember.QUALIFIED_ROLES:
        mine = [
            q
            for q in person.qualifications.all()
            if q.scheme_id == evaluation.scheme_id and q.role == QualificationRole.AUDITOR
        ]
        if not any(q.covers(first_day, last_day) for q in mine):
            expired = sorted(
                (
                    q.valid_until
                    for q in mine
                    if q.valid_from <= first_day and q.valid_until < last_day
                ),
                reverse=True,
            )
            if expired:
                problems.append(
                    _(
                        "%(person)s: the qualification as auditor for %(scheme)s expired on "
                        "%(date)s, before the visit ends."
                    )
                    % {"person": name, "scheme": evaluation.scheme.code, "date": expired[0]}
                )
            else:
                problems.append(
                    _(
                        "%(person)s is not qualified as auditor for %(scheme)s on the visit "
                        "dates (%(first)s – %(last)s)."
                    )
                    % {
                        "person": name,
                        "scheme": evaluation.scheme.code,
                        "first": first_day,
                        "last": last_day,
                    }
                )
    for conflict in conflicts_on(person, evaluation.organization, first_day):
        if conflict.ended_on is None:
            message = _("%(person)s has declared a conflict of interest with %(org)s (%(nature)s).")
        else:
            message = _(
                "%(person)s has declared a conflict of interest with %(org)s (%(nature)s) that "
                "ended on %(ended)s, less than %(years)s years before the visit."
            )
        problems.append(
            message
            % {
                "person": name,
                "org": evaluation.organization,
                "nature": conflict.get_nature_display(),
                "ended": conflict.ended_on,
                "years": settings.CONFLICT_COOLING_OFF_YEARS,
            }
        )
    return problems
