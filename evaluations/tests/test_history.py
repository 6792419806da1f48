"""Each auditor's audit history, exportable as Excel and CSV with formulas neutralised."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from applications.tests.factories import UserFactory
from cesi_cert.roles import Role
from evaluations.models import Evaluation, TeamMember
from evaluations.tests.factories import auditor, contracted_evaluation


@pytest.fixture
def history(cs_staff):
    """An auditor who led one evaluation, was replaced on another, and was on a cancelled one."""
    led = contracted_evaluation(staff=cs_staff)
    person = auditor(led.scheme, username="zhao", first_name="赵磊")
    org = led.organization
    org.name_zh = '=HYPERLINK("https://evil.example","点此")'
    org.save()
    Evaluation.objects.filter(pk=led.pk).update(
        starts_on=datetime.date(2026, 5, 6), ends_on=datetime.date(2026, 5, 7)
    )
    TeamMember.objects.create(evaluation=led, person=person, role="leader", man_days=2)
    replaced = contracted_evaluation(staff=cs_staff)
    TeamMember.objects.create(
        evaluation=replaced,
        person=person,
        role="auditor",
        removed_at=datetime.datetime.now(datetime.UTC),
    )
    cancelled = contracted_evaluation(staff=cs_staff)
    TeamMember.objects.create(evaluation=cancelled, person=person, role="auditor", man_days=3)
    Evaluation.objects.filter(pk=cancelled.pk).update(state="cancelled")
    return person, led


@pytest.mark.django_db
def test_an_auditor_downloads_their_history_as_excel(client, history):
    person, led = history
    client.force_login(person)
    response = client.get("/auditor/history.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-history-zhao-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2  # the header and the one evaluation that counts
    assert rows[1][0] == led.reference
    assert rows[1][1].startswith("'=HYPERLINK")  # text, not a live formula
    assert rows[1][6:9] == ("2026-05-06", "2026-05-07", 2)
    assert "2 man-days" in client.get("/auditor/").content.decode()


@pytest.mark.django_db
def test_the_csv_has_the_same_rows(client, history):
    person, led = history
    client.force_login(person)
    text = client.get("/auditor/history.csv").content.decode("utf-8-sig")
    assert text.count("\n") == 2 and led.reference in text and "'=HYPERLINK" in text


@pytest.mark.django_db
def test_staff_download_anyones_history_auditors_only_their_own(client, history):
    person, led = history
    planner = UserFactory(role=Role.CERTIFICATION_BUSINESS)
    client.force_login(planner)
    assert led.reference in client.get(f"/auditor/history.csv?person={person.pk}").content.decode(
        "utf-8-sig"
    )
    other = auditor(led.scheme, username="qian")
    client.force_login(other)
    assert client.get(f"/auditor/history.csv?person={person.pk}").status_code == 404
    assert client.get("/auditor/history.csv?person=%C2%B2").status_code == 404
    client.force_login(UserFactory(role=Role.APPLICANT))
    assert client.get("/auditor/history.csv").status_code == 302  # to the login page
