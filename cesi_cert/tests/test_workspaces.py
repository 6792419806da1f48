"""Every role has a home made of registered panels and an inbox, in Chinese and in English;
notices are rendered in the reader's language with a one-line subject."""

import pytest
from django.core import mail
from django.urls import reverse

from applications import services
from applications.tests.factories import UserFactory
from cesi_cert import panels
from cesi_cert.models import Notification
from cesi_cert.notifications import NoticeKind, bilingual, notify
from cesi_cert.panels import Panel, Place
from cesi_cert.roles import Role

PASSWORD = "a-long-test-password-2026"

TEST_NOTICE = NoticeKind(
    "test.evaluation_planned",
    subject="Evaluation of %(org)s planned",  # plain strings: no catalogue entry, same in both
    body="The evaluation of %(org)s starts on %(date)s.",
)


@pytest.fixture
def auditor(db):
    user = UserFactory(username="shencha", role=Role.AUDITOR, first_name="赵磊")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def committee_member(db):
    user = UserFactory(username="jiwei", role=Role.TECHNICAL_COMMITTEE, first_name="陈静")
    user.set_password(PASSWORD)
    user.save()
    return user


def page(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    ("who", "home", "zh_title", "en_title"),
    [
        ("auditor", "/auditor/", "审查员工作台", "Auditor workspace"),
        ("committee_member", "/committee/", "技术委员会工作台", "Committee workspace"),
    ],
)
@pytest.mark.django_db
def test_each_role_signs_in_to_its_own_home_and_inbox(
    client, request, who, home, zh_title, en_title
):
    user = request.getfixturevalue(who)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response["Location"] == home

    zh = page(client.get(home, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert zh_title in zh and "未读通知" in zh and "没有未读通知。" in zh
    assert 'href="/inbox/"' in zh  # the inbox is in the menu
    assert "暂无通知。" in page(client.get("/inbox/", HTTP_ACCEPT_LANGUAGE="zh-hans"))

    client.cookies["django_language"] = "en"
    en = page(client.get(home))
    assert en_title in en and "No unread notifications." in en
    assert "No notifications." in page(client.get("/inbox/"))


@pytest.mark.django_db
def test_workspaces_are_closed_to_other_roles(client, auditor, committee_member, applicant):
    for user, closed in [
        (applicant, ["/auditor/", "/committee/"]),
        (auditor, ["/portal/", "/committee/"]),
        (committee_member, ["/portal/", "/auditor/"]),
    ]:
        client.force_login(user)
        for url in closed:
            assert client.get(url)["Location"].startswith("/accounts/login/"), (user, url)


@pytest.mark.django_db
def test_a_notice_is_read_in_the_readers_language(client, auditor, org):
    org.name_en = "Example Services Ltd."
    org.save()
    notify(
        [auditor],
        TEST_NOTICE,
        params={"org": bilingual(org.name_zh, org.name_en), "date": "2026-12-01"},
    )
    client.force_login(auditor)
    assert org.name_zh in page(client.get("/inbox/", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    client.cookies["django_language"] = "en"
    english = page(client.get("/inbox/"))
    assert "Example Services Ltd." in english and org.name_zh not in english
    # The home's unread panel shows it too.
    assert "Example Services Ltd." in page(client.get("/auditor/"))


@pytest.mark.django_db
def test_a_notice_of_the_app_is_translated_for_each_reader(client, draft, applicant, cs_staff):
    """One change request, two readers: the Chinese one reads Chinese, the English one English."""
    english_colleague = UserFactory(username="colleague", role=Role.APPLICANT, language="en")
    draft.organization.memberships.create(user=english_colleague)
    services.application_submit(application=draft, by=applicant)
    services.application_start_review(application=draft, by=cs_staff)
    services.application_request_changes(
        application=draft, by=cs_staff, changes="补充服务说明\n并重新签字"
    )
    for user, expected in [(applicant, "需要补正"), (english_colleague, "needs changes")]:
        note = Notification.objects.get(recipient=user, kind="application.changes_requested")
        subject, body = note.rendered(user.language)
        assert expected in subject and "\n" not in subject
        assert "补充服务说明\n并重新签字" in body


@pytest.mark.django_db
def test_the_e_mail_comes_in_the_recipients_language_with_a_one_line_subject(
    draft, applicant, cs_staff, settings
):
    from cesi_cert.tasks import send_notification_email

    applicant.language = "en"
    applicant.save()
    services.application_submit(application=draft, by=applicant)
    services.application_start_review(application=draft, by=cs_staff)
    mail.outbox.clear()
    services.application_reject(
        application=draft, by=cs_staff, reasons="Scope unclear.\nThe CB lacks auditors."
    )
    note = Notification.objects.get(recipient=applicant, kind="application.rejected")
    mail.outbox.clear()
    assert send_notification_email(note.pk)
    message = mail.outbox[0]
    assert message.subject == f"[{settings.CB_NAME}] Application {draft.reference} rejected"
    assert "Scope unclear.\nThe CB lacks auditors." in message.body


@pytest.mark.django_db
def test_switching_language_is_remembered_for_e_mails(client, auditor):
    client.force_login(auditor)
    client.post(reverse("set_language"), {"language": "en", "next": "/auditor/"})
    auditor.refresh_from_db()
    assert auditor.language == "en"


@pytest.mark.django_db
def test_a_registered_panel_shows_on_its_place_scoped_to_the_reader(client, auditor, db):
    other = UserFactory(username="other-auditor", role=Role.AUDITOR)
    panels.register(
        Panel(
            key="test.mine",
            place=Place.AUDITOR,
            title="My test items",
            template="cesi_cert/tests/panel.html",
            items=lambda user: [f"item-for-{user.username}"],
            order=50,
            visible=lambda user: user.username != "other-auditor",
        )
    )
    try:
        client.force_login(auditor)
        html = page(client.get("/auditor/"))
        assert "My test items" in html and "item-for-shencha" in html
        # The inbox panel (order 0) comes first.
        assert html.index('data-panel="inbox.auditor"') < html.index('data-panel="test.mine"')
        client.force_login(other)
        assert "My test items" not in page(client.get("/auditor/"))
        assert "My test items" not in page(client.get("/committee/"))  # another place
    finally:
        panels.unregister("test.mine")


@pytest.mark.django_db
def test_the_admin_home_shows_the_admin_panels(client, cs_staff):
    client.force_login(cs_staff)
    html = page(client.get(reverse("admin:index")))
    assert 'data-panel="applications.queue"' in html


@pytest.mark.django_db
def test_the_api_docs_are_in_the_footer_not_the_applicants_menu(client, applicant):
    client.force_login(applicant)
    html = page(client.get("/portal/"))
    nav = html[html.index('<nav class="main-nav"') : html.index("</nav>")]
    assert "/api/docs/" not in nav
    assert "/api/docs/" in html[html.index('<footer class="site-footer"') :]
