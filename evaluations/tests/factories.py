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
    fieldwork(evaluations, by=other, staff=staff)
    return evaluations


def fieldwork(evaluations, *, by, staff, per_evaluation=1) -> None:
    """In bulk, for each evaluation: two activities (one recorded, with a file), and
    ``per_evaluation`` evidence records with a photo and subcontracted assessments (no files on
    disk: rows to list)."""
    from django.utils import timezone

    from evaluations.models import (
        Activity,
        ActivityFile,
        Evidence,
        EvidencePhoto,
        SubcontractedAssessment,
    )

    now = timezone.now()
    activities = Activity.objects.bulk_create(
        Activity(
            evaluation=ev,
            mode=mode,
            state=state,
            result="conforms" if state == "recorded" else "",
            performed_by=by if state == "recorded" else None,
            performed_on=now.date() if state == "recorded" else None,
        )
        for ev in evaluations
        for mode, state in (("management_audit", "recorded"), ("customer_survey", "pending"))
        if not ev.activities.filter(mode=mode).exists()
    )
    stored = dict(content_type="application/pdf", size=9, sha256="0" * 64, uploaded_by=by)
    ActivityFile.objects.bulk_create(
        ActivityFile(activity=a, file="evaluations/x.pdf", original_name="x.pdf", **stored)
        for a in activities
        if a.state == "recorded"
    )
    evidence = Evidence.objects.bulk_create(
        Evidence(evaluation=ev, kind="observation", text="前台公示投诉电话", recorded_by=by)
        for ev in evaluations
        for _ in range(per_evaluation)
    )
    EvidencePhoto.objects.bulk_create(
        EvidencePhoto(
            evidence=e,
            image="evaluations/x.png",
            original_name="x.png",
            width=8,
            height=6,
            **{**stored, "content_type": "image/png"},
        )
        for e in evidence
    )
    SubcontractedAssessment.objects.bulk_create(
        SubcontractedAssessment(
            evaluation=ev,
            subcontractor="检测机构",
            mode="characteristic_testing",
            due_on=now.date(),
            requested_by=staff,
        )
        for ev in evaluations
        for _ in range(per_evaluation)
    )


def record_every_activity(evaluation, *, by, result="conforms") -> None:
    """Record a result for each activity still pending (the report waits for them, §3.2.3)."""
    from evaluations.services import activity_record_result

    for activity in evaluation.activities.filter(state="pending"):
        activity_record_result(activity=activity, by=by, result=result)
