"""The report PDF carries every required section in Chinese, with embedded CJK fonts."""

import datetime
import subprocess

import pytest

from cesi_cert.errors import DomainError
from evaluations.models import Evaluation, Nonconformity, TeamMember
from evaluations.report import report_pdf
from evaluations.tests.factories import auditor, contracted_evaluation


@pytest.mark.pdf
@pytest.mark.django_db
def test_the_report_has_every_section_and_chinese_fonts(tmp_path, cs_staff):
    evaluation = contracted_evaluation(staff=cs_staff)
    leader = auditor(evaluation.scheme, username="zhao", first_name="赵磊")
    TeamMember.objects.create(evaluation=evaluation, person=leader, role="leader", man_days=2)
    Nonconformity.objects.create(
        evaluation=evaluation,
        number=1,
        clause="GB/T 27922 5.3",
        grade="minor",
        description="投诉记录未按时回访",
        due_on=datetime.date(2026, 12, 31),
        raised_by=leader,
        state="verified",
        correction="已补充回访",
        corrective_action="修订回访程序",
        verification="documents",
        verified_at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC),
    )
    # §3.2.3 activities, §3.3.2.1 a subcontracted assessment, §3.3.2.2 meetings and evidence.
    from evaluations.models import Evidence, Meeting, SubcontractedAssessment

    evaluation.activities.update(
        state="recorded", result="conforms", performed_on=datetime.date(2026, 11, 10)
    )
    evaluation.activities.filter(mode="customer_survey").update(
        result="does_not_conform", findings="回访满意度七十二分", performed_by=leader
    )
    SubcontractedAssessment.objects.create(
        evaluation=evaluation,
        subcontractor="国家服务质量检测中心",
        mode="characteristic_testing",
        due_on=datetime.date(2026, 11, 20),
        requested_by=cs_staff,
        state="received",
        report_summary="服务特性检测全部合格",
    )
    Meeting.objects.create(
        evaluation=evaluation,
        kind="opening",
        recorded_by=leader,
        attendees="总经理王五",
        restricted_areas="数据机房",
        plan_confirmed=True,
        stopping_conditions="发现重大安全隐患",
    )
    Meeting.objects.create(
        evaluation=evaluation,
        kind="closing",
        recorded_by=leader,
        attendees="总经理王五",
        conclusion="after_corrections",
        organization_disagreement="对抽样范围有异议",
    )
    Evidence.objects.create(
        evaluation=evaluation, kind="interview", text="访谈客服主管李四", recorded_by=leader
    )
    Evaluation.objects.filter(pk=evaluation.pk).update(
        starts_on=datetime.date(2026, 11, 10),
        ends_on=datetime.date(2026, 11, 11),
        conclusion="after_corrections",
        state="reported",
        reported_at=datetime.datetime(2026, 12, 2, tzinfo=datetime.UTC),
    )
    evaluation = Evaluation.objects.get(pk=evaluation.pk)
    path = tmp_path / "report.pdf"
    path.write_bytes(report_pdf(evaluation))
    import shutil

    from tests.e2e.test_applicant_signup import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(path, ARTIFACTS / "evaluation-report.pdf")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout  # noqa: S603, S607
    for section in ("评价组", "场所", "不符合项及其关闭", "结论", evaluation.reference, "赵磊"):
        assert section in text, section
    assert evaluation.scheme.standards in text
    assert "投诉记录未按时回访" in text and "修订回访程序" in text
    for section in ("评价活动", "分包评价", "首次会议", "末次会议", "评价证据"):
        assert section in text, section
    for fact in (
        "顾客调查",  # the mode's name
        "回访满意度七十二分",
        "国家服务质量检测中心",
        "服务特性检测全部合格",
        "数据机房",
        "发现重大安全隐患",
        "对抽样范围有异议",
        "访谈客服主管李四",
    ):
        assert fact in text, fact
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout  # noqa: S603, S607
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(" yes " in row for row in rows) and any("CJK" in r for r in rows)


@pytest.mark.pdf
@pytest.mark.django_db
def test_submitting_the_report_stores_its_pdf_once_for_the_team_and_staff(
    client, django_capture_on_commit_callbacks
):
    from unittest import mock

    from applications.tests.factories import UserFactory
    from cesi_cert.roles import Role
    from evaluations import services
    from evaluations.tests.test_execution import notified_evaluation, on_site

    visit = notified_evaluation()
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluation_submit_report(
            evaluation=on_site(visit), by=visit.leader, conclusion="recommend"
        )
    evaluation = Evaluation.objects.get(pk=visit.evaluation.pk)
    assert evaluation.report_pdf.name.endswith(".pdf")  # rendered after the commit, stored
    url = f"/auditor/evaluations/{evaluation.pk}/report.pdf"
    with mock.patch("evaluations.report.render_pdf") as render:
        client.force_login(visit.leader)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        client.force_login(UserFactory(role=Role.CERTIFICATION_BUSINESS))
        assert client.get(url).status_code == 200
        render.assert_not_called()  # served from storage, never rendered again
    client.force_login(auditor(evaluation.scheme, username="not-on-the-team"))
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_the_organisation_reads_the_report_only_once_it_is_published(client, cs_staff):
    """Documents reach the organisation only when published to it (SPEC): customer service
    publishes the submitted report in the admin; the members are notified and download it."""
    from unittest import mock

    from django.urls import reverse

    from applications.tests.factories import UserFactory
    from cesi_cert.models import Notification
    from cesi_cert.roles import Role
    from evaluations import services
    from evaluations.tests.test_execution import notified_evaluation, on_site

    visit = notified_evaluation()
    with mock.patch("evaluations.services.report.queue_report_rendering"):
        services.evaluation_submit_report(
            evaluation=on_site(visit), by=visit.leader, conclusion="recommend"
        )
    evaluation = Evaluation.objects.get(pk=visit.evaluation.pk)
    url = reverse("portal:evaluation_report", args=[evaluation.pk])
    client.force_login(visit.applicant)
    assert client.get(url).status_code == 404  # not yet published
    assert "report-published" not in client.get(evaluation.get_absolute_url()).content.decode()

    publish = reverse("admin:evaluations_evaluation_publish_report", args=[evaluation.pk])
    client.force_login(UserFactory(role=Role.CERTIFICATION_BUSINESS))
    client.post(publish)
    assert Evaluation.objects.get(pk=evaluation.pk).report_published_at is None  # not theirs
    client.force_login(cs_staff)
    client.post(publish)
    evaluation.refresh_from_db()
    assert evaluation.report_published_at is not None
    from cesi_cert.models import TransitionLog

    log = TransitionLog.objects.get(object_id=evaluation.pk, transition="publish_report")
    assert log.actor == cs_staff  # who published it, in the log like every other step
    with pytest.raises(DomainError) as again:
        services.evaluation_publish_report(evaluation=evaluation, by=cs_staff)
    assert again.value.code == DomainError.CONFLICT
    assert Notification.objects.filter(
        recipient=visit.applicant, kind="evaluation.report_published"
    ).exists()

    client.force_login(visit.applicant)
    assert "report-published" in client.get(evaluation.get_absolute_url()).content.decode()
    # Rendered at the first download when the worker has not (a stand-in PDF: no Pango needed).
    with mock.patch("evaluations.report.report_pdf", return_value=b"%PDF-1.7 x"):
        response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
