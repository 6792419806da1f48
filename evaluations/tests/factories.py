"""Factories of the evaluations app."""

from __future__ import annotations

import datetime

from applications.models import Application
from applications.tests.factories import UserFactory, application_in
from cesi_cert.roles import Role
from evaluations.models import AuditorQualification, Evaluation, QualificationRole


def contracted_evaluation(**walk) -> Evaluation:
    """The evaluation a signed contract opened (the event runs as it does after commit)."""
    from evaluations import services

    app = application_in(Application.State.CONTRACTED, **walk)
    return services.evaluation_open_for_application(application=app) or Evaluation.objects.get(
        application=app
    )


def auditor(scheme, *, username=None, role=QualificationRole.AUDITOR, valid_until=None, **kw):
    """An auditor account qualified for ``scheme`` from 2020 until ``valid_until`` (2030)."""
    user = UserFactory(role=Role.AUDITOR, **({"username": username} if username else {}), **kw)
    AuditorQualification.objects.create(
        person=user,
        scheme=scheme,
        role=role,
        valid_from=datetime.date(2020, 1, 1),
        valid_until=valid_until or datetime.date(2030, 12, 31),
    )
    return user


def many_evaluations(n, *, organizations, leader, staff, states=None, start=0) -> list[Evaluation]:
    """``n`` evaluations in bulk (no services, no history): across ``organizations``, each with
    ``leader`` leading, a second auditor and two nonconformities (one answered), for measuring
    list pages (bench/pages.py, test_query_counts). ``start`` keeps references unique."""
    from django.utils import timezone

    from applications.models import Scheme
    from evaluations.models import Nonconformity, TeamMember

    scheme = Scheme.objects.get(code="after-sales")
    states = states or [
        Evaluation.State.PLAN_NOTIFIED,
        Evaluation.State.ON_SITE,
        Evaluation.State.AWAITING_CORRECTIONS,
    ]
    other = UserFactory(role=Role.AUDITOR)
    now = timezone.now()
    day = datetime.date(2026, 6, 1)
    evaluations = Evaluation.objects.bulk_create(
        Evaluation(
            organization=organizations[i % len(organizations)],
            scheme=scheme,
            kind=Evaluation.Kind.SURVEILLANCE,
            state=states[i % len(states)],
            reference=f"EV-B{start + i:06d}",
            starts_on=day,
            ends_on=day + datetime.timedelta(days=1),
            planned_by=staff,
            plan_notified_at=now,
        )
        for i in range(n)
    )
    TeamMember.objects.bulk_create(
        TeamMember(evaluation=ev, person=person, role=role, man_days=1)
        for ev in evaluations
        for person, role in ((leader, TeamMember.Role.LEADER), (other, TeamMember.Role.AUDITOR))
    )
    Nonconformity.objects.bulk_create(
        Nonconformity(
            evaluation=ev,
            number=number,
            clause="5.3",
            grade=grade,
            description="投诉台账缺失",
            due_on=day + datetime.timedelta(days=30),
            state=state,
            raised_by=other,
            correction="补齐" if state == Nonconformity.State.ANSWERED else "",
            answered_at=now if state == Nonconformity.State.ANSWERED else None,
        )
        for ev in evaluations
        for number, grade, state in (
            (1, Nonconformity.Grade.MINOR, Nonconformity.State.ANSWERED),
            (2, Nonconformity.Grade.MAJOR, Nonconformity.State.OPEN),
        )
    )
    return evaluations
