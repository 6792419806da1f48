"""The evaluation's work: activities by evaluation mode (§3.2.3), subcontracted assessments
(§3.3.2.1), opening and closing meetings and evidence with photos (§3.3.2.2) — the services
(allowed and refused, 403/409), what blocks the report, and who sees what."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications.tests.factories import UserFactory
from cesi_cert.errors import DomainError
from cesi_cert.models import Notification, TransitionLog
from cesi_cert.roles import Role
from evaluations import services
from evaluations.models import (
    Activity,
    Evaluation,
    Evidence,
    Meeting,
    SubcontractedAssessment,
    TeamMember,
)
from evaluations.tests.factories import auditor
from evaluations.tests.test_execution import code_of, notified_evaluation, on_site

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png(size=(8, 6), name="photo.png") -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def disguised_pdf(name="photo.jpg") -> SimpleUploadedFile:
    """A PDF named and typed as a photo."""
    return SimpleUploadedFile(name, PDF, content_type="image/jpeg")


def pdf(name="report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def member(visit, role, username=None):
    person = auditor(visit.evaluation.scheme, username=username)
    TeamMember.objects.create(evaluation=visit.evaluation, person=person, role=role)
    return person


def error_of(call) -> DomainError:
    with pytest.raises(DomainError) as err:
        call()
    return err.value


def record(activity, by, result="conforms", **kw):
    return services.activity_record_result(activity=activity, by=by, result=result, **kw)


# --- activities (§3.2.3) ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_schemes_modes_become_the_evaluations_activities_when_it_opens():
    visit = notified_evaluation()
    ev = visit.evaluation
    # after-sales: management audit, characteristic inspection, customer survey (reference data)
    assert list(ev.activities.values_list("mode", flat=True)) == ev.scheme.evaluation_modes
    assert all(a.state == Activity.State.PENDING for a in ev.activities.all())
    history = ev.activities.first().history.get()
    assert history.history_user is None  # the system created them
    assert history.history_change_reason == "evaluations.required_activities"
    # A repeated call (or the one at the start of the work) adds nothing.
    assert services.activities_ensure_required(evaluation=ev) == []
    ev.scheme.evaluation_modes = [*ev.scheme.evaluation_modes, "service_footprint"]
    ev.scheme.save()
    ev = on_site(visit, record_activities=False)
    assert ev.activities.filter(mode="service_footprint").exists()  # a mode added since


@pytest.mark.django_db
def test_the_team_records_activity_results_but_not_observers_or_trainees():
    visit = notified_evaluation()
    ev = on_site(visit, record_activities=False)
    activity = ev.activities.get(mode="customer_survey")
    expert = member(visit, "technical_expert")
    for role in ("observer", "trainee"):
        outsider = member(visit, role)
        assert code_of(lambda p=outsider: record(activity, p)) == DomainError.FORBIDDEN
    stranger = auditor(ev.scheme)
    assert code_of(lambda: record(activity, stranger)) == DomainError.FORBIDDEN
    planner = visit.planner
    assert code_of(lambda: record(activity, planner)) == DomainError.FORBIDDEN

    done = record(
        activity,
        expert,
        result="does_not_conform",
        findings="回访满意度 72%，低于目标 85%",
        performed_on=timezone.localdate(),
        site=ev.sites.first(),
        file=pdf("survey.pdf"),
    )
    assert done.state == Activity.State.RECORDED and done.performed_by == expert
    assert done.files.get().original_name == "survey.pdf"
    log = TransitionLog.objects.get(transition="record_result", object_id=done.pk)
    assert log.actor == expert
    # Corrected by the leader: recorded again, still one activity of that mode.
    again = record(done, visit.leader, result="conforms")
    assert again.performed_by == visit.leader and again.result == "conforms"


@pytest.mark.django_db
def test_an_activity_result_needs_findings_unless_it_conforms_and_a_real_file():
    visit = notified_evaluation()
    ev = on_site(visit, record_activities=False)
    activity = ev.activities.first()
    err = error_of(lambda: record(activity, visit.leader, result="not_applicable"))
    assert err.code == DomainError.INVALID and "findings" in err.field_errors()
    err = error_of(lambda: record(activity, visit.leader, result="maybe"))
    assert "result" in err.field_errors()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    err = error_of(lambda: record(activity, visit.leader, performed_on=tomorrow))
    assert "performed_on" in err.field_errors()
    err = error_of(lambda: record(activity, visit.leader, file=disguised_pdf("x.docx")))
    assert err.field == "file"
    activity.refresh_from_db()
    assert activity.state == Activity.State.PENDING and not activity.files.exists()


@pytest.mark.django_db
def test_activity_results_wait_for_the_notified_plan_and_stop_with_the_report():
    visit = notified_evaluation()
    activity = visit.evaluation.activities.first()
    Evaluation.objects.filter(pk=visit.evaluation.pk).update(state="planning")
    assert code_of(lambda: record(activity, visit.leader)) == DomainError.CONFLICT
    Evaluation.objects.filter(pk=visit.evaluation.pk).update(state="reported")
    assert code_of(lambda: record(activity, visit.leader)) == DomainError.CONFLICT


@pytest.mark.django_db
def test_the_report_waits_for_every_activity_result_naming_them():
    visit = notified_evaluation()
    ev = on_site(visit, record_activities=False)
    for activity in ev.activities.exclude(mode="customer_survey"):
        record(activity, visit.leader)
    err = error_of(
        lambda: services.evaluation_submit_report(
            evaluation=ev, by=visit.leader, conclusion="recommend"
        )
    )
    assert err.code == DomainError.CONFLICT
    assert "Customer survey" in str(err.message) and "management audit" not in str(err.message)
    record(ev.activities.get(mode="customer_survey"), visit.leader)
    ev = services.evaluation_submit_report(evaluation=ev, by=visit.leader, conclusion="recommend")
    assert ev.state == Evaluation.State.REPORTED


# --- subcontracted assessments (§3.3.2.1) -----------------------------------------------------


def request_subcontract(visit, by=None, **kw):
    return services.subcontract_request(
        evaluation=visit.evaluation,
        by=by or visit.planner,
        subcontractor=kw.pop("subcontractor", "国家服务质量检测中心"),
        subcontractor_qualification="CNAS L0001",
        mode=kw.pop("mode", "characteristic_testing"),
        due_on=kw.pop("due_on", timezone.localdate() + datetime.timedelta(days=10)),
        **kw,
    )


@pytest.mark.django_db
def test_the_certification_business_subcontracts_and_receives_the_report():
    visit = notified_evaluation()
    cs = UserFactory(role=Role.CUSTOMER_SERVICE)
    for outsider in (visit.leader, cs, visit.applicant):
        assert code_of(lambda o=outsider: request_subcontract(visit, by=o)) == (
            DomainError.FORBIDDEN
        )
    err = error_of(lambda: request_subcontract(visit, subcontractor=" ", mode="x"))
    assert {"subcontractor", "mode"} <= set(err.field_errors())
    past = timezone.localdate() - datetime.timedelta(days=1)
    assert "due_on" in error_of(lambda: request_subcontract(visit, due_on=past)).field_errors()

    sa = request_subcontract(visit)
    assert sa.state == SubcontractedAssessment.State.REQUESTED
    assert Notification.objects.filter(
        recipient=visit.leader, kind="evaluation.subcontract_requested"
    ).exists()
    # The leader may not record it received; a fake PDF is refused on its field.
    receive = services.subcontract_receive
    assert code_of(lambda: receive(assessment=sa, by=visit.leader, report=pdf())) == (
        DomainError.FORBIDDEN
    )
    fake = SimpleUploadedFile("r.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf")
    err = error_of(lambda: receive(assessment=sa, by=visit.planner, report=fake))
    assert err.field == "report"
    sa = receive(assessment=sa, by=visit.planner, report=pdf("检测报告.pdf"), summary="全部合格")
    assert sa.state == SubcontractedAssessment.State.RECEIVED and sa.report_name == "检测报告.pdf"
    assert code_of(lambda: receive(assessment=sa, by=visit.planner, report=pdf())) == (
        DomainError.CONFLICT
    )
    assert code_of(
        lambda: services.subcontract_cancel(assessment=sa, by=visit.planner, reason="x")
    ) == (DomainError.CONFLICT)


@pytest.mark.django_db
def test_the_report_waits_for_a_requested_subcontract_which_shows_overdue():
    visit = notified_evaluation()
    ev = on_site(visit)
    sa = request_subcontract(visit, due_on=timezone.localdate() + datetime.timedelta(days=3))
    assert not sa.is_overdue
    with time_machine.travel(timezone.now() + datetime.timedelta(days=5), tick=False):
        assert sa.is_overdue
    submit = lambda: services.evaluation_submit_report(  # noqa: E731
        evaluation=ev, by=visit.leader, conclusion="recommend"
    )
    err = error_of(submit)
    assert err.code == DomainError.CONFLICT and "国家服务质量检测中心" in str(err.message)
    assert (
        "reason"
        in error_of(
            lambda: services.subcontract_cancel(assessment=sa, by=visit.planner, reason=" ")
        ).field_errors()
    )
    services.subcontract_cancel(assessment=sa, by=visit.planner, reason="规则不再要求")
    assert submit().state == Evaluation.State.REPORTED


# --- meetings (§3.3.2.2 1, 4) ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_opening_and_closing_meetings_are_recorded_with_their_transitions():
    visit = notified_evaluation(kind="surveillance")
    ev = services.evaluation_start_on_site(
        evaluation=visit.evaluation,
        by=visit.leader,
        attendees="总经理、质量部",
        restricted_areas="机房",
        plan_confirmed=True,
        stopping_conditions="发现重大安全隐患",
    )
    opening = ev.meetings.get(kind=Meeting.Kind.OPENING)
    assert opening.plan_confirmed and opening.restricted_areas == "机房"
    assert opening.stopping_conditions == "发现重大安全隐患" and opening.recorded_by == visit.leader
    ev = services.evaluation_close_on_site(
        evaluation=ev,
        by=visit.leader,
        conclusion="after_corrections",
        attendees="总经理",
        disagreement="对 NC01 有不同意见",
    )
    closing = ev.meetings.get(kind=Meeting.Kind.CLOSING)
    assert closing.conclusion == "after_corrections"
    assert closing.organization_disagreement == "对 NC01 有不同意见"


@pytest.mark.django_db
def test_reporting_straight_from_the_visit_records_the_closing_meeting():
    visit = notified_evaluation()
    ev = on_site(visit)
    services.evaluation_submit_report(
        evaluation=ev, by=visit.leader, conclusion="not_recommend", attendees="总经理、质量部"
    )
    closing = Meeting.objects.get(evaluation=ev, kind="closing")
    assert closing.conclusion == "not_recommend" and closing.attendees == "总经理、质量部"


# --- evidence (§3.3.2.2 2) -----------------------------------------------------------------------


def record_evidence(visit, by=None, **kw):
    return services.evidence_record(
        evaluation=visit.evaluation,
        by=by or visit.member,
        kind=kw.pop("kind", "observation"),
        text=kw.pop("text", "服务台公示了投诉电话"),
        **kw,
    )


@pytest.mark.django_db
def test_evidence_with_photos_is_recorded_by_the_team_during_the_visit():
    visit = notified_evaluation()
    assert code_of(lambda: record_evidence(visit)) == DomainError.CONFLICT  # not yet on site
    ev = on_site(visit)
    observer = member(visit, "observer")
    assert code_of(lambda: record_evidence(visit, by=observer)) == DomainError.FORBIDDEN
    assert code_of(lambda: record_evidence(visit, by=auditor(ev.scheme))) == DomainError.FORBIDDEN
    activity = ev.activities.first()
    evidence = record_evidence(
        visit,
        kind="interview",
        site=ev.sites.first(),
        activity=activity,
        photos=[png(), png((20, 10), "second.png")],
    )
    assert [(p.width, p.height, p.content_type) for p in evidence.photos.all()] == [
        (8, 6, "image/png"),
        (20, 10, "image/png"),
    ]
    assert evidence.photos.first().image.name.endswith(".png")
    assert evidence.recorded_by == visit.member and evidence.activity == activity


@pytest.mark.django_db
def test_a_disguised_non_image_is_refused_on_the_photos_field(settings):
    visit = notified_evaluation()
    on_site(visit)
    err = error_of(lambda: record_evidence(visit, photos=[png(), disguised_pdf()]))
    assert err.code == DomainError.INVALID and "photos" in err.field_errors()
    assert "photo.jpg" in err.field_errors()["photos"][0]
    assert not Evidence.objects.exists()  # nothing half-recorded
    settings.IMAGE_UPLOAD_MAX_BYTES = 10
    err = error_of(lambda: record_evidence(visit, photos=[png()]))
    assert "photos" in err.field_errors()
    err = error_of(lambda: record_evidence(visit, text=" ", kind="rumour"))
    assert {"text", "kind"} <= set(err.field_errors())
