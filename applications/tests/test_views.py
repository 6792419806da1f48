"""The applicant portal through the Django test client: what an applicant sees and can do.

The client asks for English pages so the assertions hold whatever the Chinese catalogue says.
"""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Application, ApplicationDocument, DocumentKind, Organization, Site
from applications.tests.factories import (
    PDF_BYTES,
    ApplicationFactory,
    DocumentFactory,
    SiteFactory,
    UserFactory,
    applicant_of,
    complete_documents,
    pdf_upload,
)
from cesi_cert.models import Notification, TransitionLog
from cesi_cert.roles import Role

VALID_CODE = "91350100M000100Y43"


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def as_applicant(english, applicant):
    english.force_login(applicant)
    return english


def text(response) -> str:
    """The page's visible text, tags removed and whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def field_errors(response, name: str) -> str:
    """Text of the error list rendered next to field ``name``."""
    html = response.content.decode()
    block = re.search(rf'data-field="{name}".*?(?=<div class="field|</form>)', html, flags=re.S)
    assert block, f"field {name} not on the page"
    errors = re.search(r'<ul class="errorlist".*?</ul>', block.group(0), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", errors.group(0))).strip() if errors else ""


def org_data(**overrides):
    data = {
        "name_zh": "福州示例服务有限公司",
        "name_en": "Fuzhou Example Services Co., Ltd.",
        "credit_code": VALID_CODE,
        "address_zh": "福建省福州市鼓楼区五四路1号",
        "address_en": "",
        "applicant_type": "provider",
        "parent_entity_name": "",
        "contact_name": "李四",
        "contact_phone": "0591-12345678",
        "contact_email": "li@example.cn",
    }
    data.update(overrides)
    return data


# --- who may enter ----------------------------------------------------------------------------


def test_public_home_explains_the_service_and_links_onwards(english, db):
    response = english.get("/")
    assert response.status_code == 200
    page = text(response)
    assert settings.CB_NAME in page
    for url in (reverse("signup"), reverse("login"), reverse("api-docs")):
        assert f'href="{url}"' in response.content.decode()
    assert "After-sales service of goods" in page  # schemes come from the database


def test_language_switcher_changes_the_page_language(client, db):
    page = client.get("/").content.decode()
    assert 'action="/i18n/setlang/" method="post"' in page
    assert 'name="language" value="zh-hans"' in page and 'name="language" value="en"' in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans">' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()


@pytest.mark.parametrize(
    "url", ["/portal/", "/portal/organizations/new/", "/inbox/", "/auditor/", "/committee/"]
)
def test_portal_sends_anonymous_visitors_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")


def test_portal_sends_staff_to_login_and_login_says_why(english, cs_staff):
    english.force_login(cs_staff)
    response = english.get("/portal/", follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "cannot open that page" in text(response)


def test_staff_login_lands_in_admin_and_applicant_login_in_portal(english, cs_staff, applicant):
    response = english.post(reverse("login"), {"username": "kefu", "password": "pass-12345"})
    assert response["Location"] == reverse("admin:index")
    english.logout()
    response = english.post(reverse("login"), {"username": "applicant", "password": "pass-12345"})
    assert response["Location"] == reverse("portal:home")


def test_signup_confirms_the_address_then_creates_the_applicant(
    english, db, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        response = english.post(
            reverse("signup"),
            {
                "username": "newco",
                "first_name": "王五",
                "email": "wang@example.cn",
                "phone": "",
                "password1": "a-Long-pass-2026",
                "password2": "a-Long-pass-2026",
            },
            follow=True,
        )
    assert response.redirect_chain[-1][0] == reverse("signup_sent")
    assert "Check your e-mail" in text(response)
    link = re.search(r"(/accounts/signup/confirm/\S+/)", mail.outbox[0].body).group(1)
    response = english.post(link, follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    assert "Register your organisation" in text(response)
    assert response.context["user"].groups.filter(name="applicant").exists()


def test_logout_is_a_post_from_the_header(as_applicant):
    page = as_applicant.get("/portal/").content.decode()
    assert f'action="{reverse("logout")}" method="post"' in page
    as_applicant.post(reverse("logout"))
    assert as_applicant.get("/portal/").status_code == 302


# --- portal home --------------------------------------------------------------------------------


def test_portal_home_lists_my_organisations_applications_and_unread_notices(
    as_applicant, org, applicant, other_org
):
    app = ApplicationFactory(organization=org, created_by=applicant)
    ApplicationFactory(organization=other_org)
    Notification.objects.create(
        recipient=applicant, message="请补充材料", link=app.get_absolute_url()
    )
    Notification.objects.create(recipient=applicant, message="旧消息", read_at=timezone.now())
    response = as_applicant.get("/portal/")
    page = response.content.decode()
    assert org.name in page and other_org.name not in page
    assert f'data-application="{app.pk}"' in page
    assert 'data-state="draft"' in page
    assert "请补充材料" in page and "旧消息" not in page
    assert 'data-unread="1"' in page  # the count in the header


def test_notifications_can_be_marked_read_but_not_someone_elses(
    as_applicant, applicant, other_applicant
):
    mine = Notification.objects.create(recipient=applicant, message="mine", link="/portal/")
    theirs = Notification.objects.create(recipient=other_applicant, message="theirs")
    assert "theirs" not in text(as_applicant.get(reverse("inbox:list")))
    response = as_applicant.post(reverse("inbox:read", args=[mine.pk]), {"open": "1"})
    assert response["Location"] == "/portal/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert as_applicant.post(reverse("inbox:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notification_with_an_outside_link_is_not_followed(as_applicant, applicant):
    note = Notification.objects.create(
        recipient=applicant, message="x", link="https://evil.example/"
    )
    response = as_applicant.post(reverse("inbox:read", args=[note.pk]), {"open": "1"})
    assert response["Location"] == reverse("inbox:list")


# --- organisations and sites --------------------------------------------------------------------


def test_register_organisation_makes_me_its_member(as_applicant, applicant):
    response = as_applicant.post(reverse("portal:organization_create"), org_data())
    org = Organization.objects.get(credit_code=VALID_CODE)
    assert response["Location"] == org.get_absolute_url()
    assert org.memberships.filter(user=applicant).exists()
    assert "Fuzhou Example Services" in text(as_applicant.get(org.get_absolute_url()))


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y44", "the last character should be “3”, not “4”"),
        ("91350100M000100Y4Z", "“Z” cannot appear in a unified social credit code"),
        ("91350100M000100Y433", "has 18 characters; this one has 19"),
        ("91350100M00010OY43", "“O” cannot appear in a unified social credit code"),
    ],
)
def test_credit_code_errors_show_the_precise_message_next_to_the_field(as_applicant, code, message):
    """GB 32100-2015: the check character, length and character set are named exactly."""
    response = as_applicant.post(
        reverse("portal:organization_create"), org_data(credit_code=code, contact_email="bad")
    )
    assert response.status_code == 200
    assert message in field_errors(response, "credit_code")
    assert field_errors(response, "contact_email")  # every error shows at once
    assert not Organization.objects.filter(name_zh="福州示例服务有限公司").exists()


def test_duplicate_credit_code_shows_the_service_message(as_applicant, other_org):
    response = as_applicant.post(
        reverse("portal:organization_create"), org_data(credit_code=other_org.credit_code.lower())
    )
    assert "already registered; ask its administrator to add you" in field_errors(
        response, "credit_code"
    )


def test_part_of_a_legal_entity_needs_its_evidence(as_applicant):
    """§2.2 a: a part of a legal entity names it and shows it bears liability itself."""
    response = as_applicant.post(
        reverse("portal:organization_create"),
        org_data(part_of_legal_entity="on", parent_entity_name="某集团有限公司"),
    )
    assert "bear legal liability independently" in field_errors(
        response, "independent_liability_evidence"
    )


def test_edit_organisation_keeps_evidence_when_no_new_file(as_applicant, org):
    org.legal_status_evidence.save("x.pdf", pdf_upload(), save=True)
    stored = org.legal_status_evidence.name
    data = org_data(credit_code=org.credit_code, name_zh="改名后的公司")
    response = as_applicant.post(reverse("portal:organization_edit", args=[org.pk]), data)
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name_zh == "改名后的公司"
    assert org.legal_status_evidence.name == stored


def test_add_edit_and_delete_a_site(as_applicant, org):
    url = reverse("portal:site_create", args=[org.pk])
    response = as_applicant.post(url, {"name": "福州总部", "address": "", "activities": "售后"})
    assert field_errors(response, "address")
    as_applicant.post(
        url, {"name": "福州总部", "address": "五四路1号", "activities": "售后", "is_central": "on"}
    )
    site = org.sites.get(name="福州总部")
    assert site.is_central
    as_applicant.post(
        reverse("portal:site_edit", args=[site.pk]),
        {"name": "福州总部", "address": "五四路2号", "activities": "售后维修"},
    )
    site.refresh_from_db()
    assert site.address == "五四路2号" and not site.is_central
    as_applicant.post(reverse("portal:site_delete", args=[site.pk]))
    assert not Site.objects.filter(pk=site.pk).exists()


def test_site_of_a_submitted_application_cannot_be_deleted(as_applicant, draft, applicant):
    services.application_submit(application=draft, by=applicant)
    site = draft.sites.get()
    response = as_applicant.post(reverse("portal:site_delete", args=[site.pk]), follow=True)
    assert "cannot be deleted" in text(response)
    assert Site.objects.filter(pk=site.pk).exists()


# --- nothing of another organisation is reachable ------------------------------------------------


@pytest.fixture
def foreign(other_org, other_applicant):
    """Another organisation's site, draft application and document."""
    site = SiteFactory(organization=other_org)
    app = ApplicationFactory(organization=other_org, created_by=other_applicant, sites=[site])
    complete_documents(app, by=other_applicant)
    return {"org": other_org, "site": site, "app": app, "doc": app.documents.first()}


CROSS_ORG_URLS = [
    ("portal:organization", "org"),
    ("portal:organization_edit", "org"),
    ("portal:site_create", "org"),
    ("portal:application_create", "org"),
    ("portal:site_edit", "site"),
    ("portal:site_delete", "site"),
    ("portal:application", "app"),
    ("portal:application_edit", "app"),
    ("portal:document_upload", "app"),
    ("portal:document_download", "doc"),
    ("portal:document_delete", "doc"),
]


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(("name", "obj"), CROSS_ORG_URLS)
def test_another_organisations_objects_are_404(as_applicant, foreign, name, obj, method):
    url = reverse(name, args=[foreign[obj].pk])
    data = {
        "name": "x",
        "address": "x",
        "activities": "x",
        "scope": "x",
        "kind": DocumentKind.OTHER,
    }
    if name == "portal:document_upload":
        data["file"] = pdf_upload()
    response = (
        getattr(as_applicant, method)(url, data) if method == "post" else as_applicant.get(url)
    )
    assert response.status_code == 404
    # …and nothing of theirs changed.
    assert Site.objects.filter(pk=foreign["site"].pk, name=foreign["site"].name).exists()
    assert ApplicationDocument.objects.filter(application=foreign["app"]).count() == 3
    foreign["app"].refresh_from_db()
    assert foreign["app"].state == Application.State.DRAFT


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("action", ["submit", "withdraw", "accept"])
def test_another_organisations_application_actions_are_404(as_applicant, foreign, action, method):
    url = reverse("portal:application_action", args=[foreign["app"].pk, action])
    response = getattr(as_applicant, method)(url)
    assert response.status_code == 404
    foreign["app"].refresh_from_db()
    assert foreign["app"].state == Application.State.DRAFT


def test_unpublished_cb_document_is_not_downloadable_by_the_applicant(
    as_applicant, draft, cs_staff
):
    internal = DocumentFactory(
        application=draft, kind=DocumentKind.OTHER, uploaded_by=cs_staff, published=False
    )
    assert (
        as_applicant.get(reverse("portal:document_download", args=[internal.pk])).status_code == 404
    )
    assert (
        f'data-document="{internal.pk}"'
        not in as_applicant.get(draft.get_absolute_url()).content.decode()
    )


def test_download_streams_my_document_as_an_attachment(as_applicant, draft):
    doc = draft.documents.first()
    response = as_applicant.get(reverse("portal:document_download", args=[doc.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_staff_may_download_through_the_same_link(client, draft, cs_staff):
    client.force_login(cs_staff)
    assert (
        client.get(
            reverse("portal:document_download", args=[draft.documents.first().pk])
        ).status_code
        == 200
    )


# --- applications ---------------------------------------------------------------------------------


def test_create_application_then_edit_while_draft(as_applicant, org, applicant):
    site = SiteFactory(organization=org)
    url = reverse("portal:application_create", args=[org.pk])
    form = as_applicant.get(url)
    assert f'value="{site.pk}"' in form.content.decode()
    response = as_applicant.post(
        url,
        {
            "scheme": 1,
            "kind": "initial",
            "requested_level": "1",
            "scope": "售后",
            "sites": [site.pk],
        },
    )
    # "1" is a level of other schemes, not of after-sales: the service says which ones are.
    assert "is not a level of this scheme" in field_errors(response, "requested_level")
    response = as_applicant.post(
        url,
        {
            "scheme": 1,
            "kind": "initial",
            "requested_level": "3-star",
            "scope": "售后",
            "sites": [site.pk],
        },
    )
    app = Application.objects.get(organization=org)
    assert response["Location"] == app.get_absolute_url()
    assert app.created_by == applicant and app.state == Application.State.DRAFT
    edit = reverse("portal:application_edit", args=[app.pk])
    as_applicant.post(
        edit,
        {
            "scheme": 1,
            "kind": "initial",
            "requested_level": "4-star",
            "scope": "售后与安装",
            "sites": [site.pk],
        },
    )
    app.refresh_from_db()
    assert (app.requested_level, app.scope) == ("4-star", "售后与安装")


def test_submitted_application_cannot_be_edited(as_applicant, draft, applicant):
    services.application_submit(application=draft, by=applicant)
    response = as_applicant.post(
        reverse("portal:application_edit", args=[draft.pk]), {"scope": "changed"}, follow=True
    )
    assert "can be changed only while it is a draft" in text(response)
    draft.refresh_from_db()
    assert draft.scope != "changed"


def test_application_page_shows_checklist_with_what_is_missing(as_applicant, org, applicant):
    """§3.1.3: the required materials of an initial application, with what is still missing."""
    app = ApplicationFactory(organization=org, created_by=applicant)
    DocumentFactory(application=app, kind=DocumentKind.LEGAL_STATUS, uploaded_by=applicant)
    page = as_applicant.get(app.get_absolute_url()).content.decode()
    assert 'data-kind="legal_status" data-present="yes"' in page
    assert 'data-kind="application_form" data-present="no"' in page
    assert 'data-kind="service_description" data-present="no"' in page
    missing = re.search(r'data-testid="missing-materials">(.*?)</p>', page, flags=re.S).group(1)
    assert "Signed application form" in missing and "Service description" in missing
    assert "Legal status" not in missing


def test_buttons_are_exactly_the_available_actions(as_applicant, draft, applicant):
    page = as_applicant.get(draft.get_absolute_url()).content.decode()
    assert re.findall(r'data-action="(\w+)"', page) == ["submit", "withdraw"]
    services.application_submit(application=draft, by=applicant)
    page = as_applicant.get(draft.get_absolute_url()).content.decode()
    assert re.findall(r'data-action="(\w+)"', page) == ["withdraw"]
    assert 'data-testid="upload-form"' not in page  # materials are frozen once submitted


def test_submit_with_missing_materials_names_them(as_applicant, org, applicant):
    app = ApplicationFactory(organization=org, created_by=applicant)
    DocumentFactory(application=app, kind=DocumentKind.LEGAL_STATUS, uploaded_by=applicant)
    response = as_applicant.post(reverse("portal:application_action", args=[app.pk, "submit"]))
    assert response.status_code == 200
    page = text(response)
    assert "Upload “Signed application form”." in page
    assert "Upload “Service description”." in page
    app.refresh_from_db()
    assert app.state == Application.State.DRAFT
    assert not TransitionLog.objects.filter(object_id=app.pk).exists()


def test_submit_when_complete_then_a_second_submit_is_refused_cleanly(
    as_applicant, draft, applicant
):
    url = reverse("portal:application_action", args=[draft.pk, "submit"])
    response = as_applicant.post(url, {"reason": "请审核"}, follow=True)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.state == Application.State.SUBMITTED
    assert "The application is now “Submitted”" in text(response)
    # A double click, or the back button and submit again: refused, said plainly, nothing recorded.
    response = as_applicant.post(url, {"reason": "请审核"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(draft.get_absolute_url(), 302)]
    assert "This cannot be done while it is “Submitted”." in text(response)
    assert TransitionLog.objects.filter(object_id=draft.pk, transition="submit").count() == 1


def test_staff_only_action_shows_a_clear_message(as_applicant, draft, applicant):
    services.application_submit(application=draft, by=applicant)
    for method in ("get", "post"):
        response = getattr(as_applicant, method)(
            reverse("portal:application_action", args=[draft.pk, "start_review"]), follow=True
        )
        assert response.status_code == 200
        assert "Your role cannot run “Start review”." in text(response)
    draft.refresh_from_db()
    assert draft.state == Application.State.SUBMITTED


def test_unknown_action_is_404(as_applicant, draft):
    assert (
        as_applicant.post(
            reverse("portal:application_action", args=[draft.pk, "approve"])
        ).status_code
        == 404
    )


def test_action_form_is_shown_on_get(as_applicant, draft):
    response = as_applicant.get(reverse("portal:application_action", args=[draft.pk, "withdraw"]))
    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()
    assert 'data-testid="confirm-withdraw"' in response.content.decode()


def test_resubmission_after_changes_requested(as_applicant, draft, applicant, cs_staff):
    services.application_submit(application=draft, by=applicant)
    services.application_start_review(application=draft, by=cs_staff)
    services.application_request_changes(
        application=draft, by=cs_staff, changes="请补充服务网点的营业执照"
    )
    page = text(as_applicant.get(draft.get_absolute_url()))
    assert "Changes requested by the certification body" in page
    assert "请补充服务网点的营业执照" in page
    as_applicant.post(
        reverse("portal:application_action", args=[draft.pk, "submit"]), {"reason": "已补充"}
    )
    draft.refresh_from_db()
    assert draft.state == Application.State.UNDER_REVIEW


def test_rejection_reasons_and_timeline_are_shown(as_applicant, draft, applicant, cs_staff):
    with time_machine.travel(
        datetime.datetime(2026, 3, 1, 16, 30, tzinfo=datetime.UTC), tick=False
    ):
        services.application_submit(application=draft, by=applicant, reason="请审核")
    services.application_reject(application=draft, by=cs_staff, reasons="本机构不具备该领域能力")
    response = as_applicant.get(draft.get_absolute_url())
    page = text(response)
    assert "The application was rejected" in page and "本机构不具备该领域能力" in page
    # Timeline: when (in Asia/Shanghai), who, from → to, why.
    assert "2026-03-02 00:30" in page
    assert re.search(
        r"Draft →( to)? Submitted .*" + re.escape(applicant.first_name) + r".*请审核", page
    )
    assert re.search(r"Submitted →( to)? Rejected .*本机构不具备该领域能力", page)
    assert re.findall(r'data-action="(\w+)"', response.content.decode()) == []


def test_contract_with_amendments_is_shown_once_contracted(
    as_applicant, draft, applicant, cs_staff
):
    services.application_submit(application=draft, by=applicant)
    services.application_start_review(application=draft, by=cs_staff)
    services.application_accept(
        application=draft, by=cs_staff, requirements_clear=True, cb_capable=True
    )
    services.application_sign_contract(
        application=draft,
        by=cs_staff,
        number="HT-2026-001",
        signed_on=datetime.date(2026, 1, 5),
        man_days=4,
        fee_quote=30000,
    )
    draft.refresh_from_db()
    services.contract_amend(
        contract=draft.contract,
        by=cs_staff,
        signed_on=datetime.date(2026, 2, 1),
        description="增加一个网点",
        man_days=5,
        fee_quote=36000,
    )
    page = text(as_applicant.get(draft.get_absolute_url()))
    assert "Certification contract" in page and "HT-2026-001" in page
    assert "增加一个网点" in page and "Man-days 4.0 → 5.0" in page


# --- materials --------------------------------------------------------------------------------


def _multipart(fields: dict, filename: str, content: bytes) -> tuple[bytes, str]:
    """A hand-built multipart body, so the server receives ``filename`` exactly as given."""
    boundary = "cesiPortalTestBoundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@pytest.fixture
def empty_draft(org, applicant):
    return ApplicationFactory(organization=org, created_by=applicant)


def test_upload_required_material(as_applicant, empty_draft):
    url = reverse("portal:document_upload", args=[empty_draft.pk])
    response = as_applicant.post(
        url,
        {"kind": DocumentKind.LEGAL_STATUS, "file": pdf_upload("营业执照.pdf"), "description": ""},
        follow=True,
    )
    assert "“营业执照.pdf” is uploaded" in text(response)
    doc = empty_draft.documents.get()
    assert (doc.kind, doc.original_name, doc.size) == (
        DocumentKind.LEGAL_STATUS,
        "营业执照.pdf",
        len(PDF_BYTES),
    )


def test_upload_too_large_is_refused(as_applicant, empty_draft, settings):
    settings.UPLOAD_MAX_BYTES = 20
    response = as_applicant.post(
        reverse("portal:document_upload", args=[empty_draft.pk]),
        {"kind": DocumentKind.LEGAL_STATUS, "file": pdf_upload("big.pdf")},
    )
    assert response.status_code == 200
    assert "The file is too large" in field_errors(response, "file")
    assert not empty_draft.documents.exists()


def test_upload_with_wrong_content_under_a_pdf_name_is_refused(as_applicant, empty_draft):
    response = as_applicant.post(
        reverse("portal:document_upload", args=[empty_draft.pk]),
        {
            "kind": DocumentKind.LEGAL_STATUS,
            "file": pdf_upload("licence.pdf", b"MZ\x90\x00 not a pdf at all"),
        },
    )
    assert "The content of “licence.pdf” is not a real .pdf file." in field_errors(response, "file")
    assert not empty_draft.documents.exists()


@pytest.mark.parametrize(
    ("sent_name", "shown_name"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\x\\y.pdf", "y.pdf"),
        ("..\\..\\boot.pdf", "boot.pdf"),
    ],
)
def test_upload_names_with_paths_are_stored_safely(
    as_applicant, empty_draft, sent_name, shown_name
):
    body, content_type = _multipart(
        {"kind": DocumentKind.LEGAL_STATUS, "description": ""}, sent_name, PDF_BYTES
    )
    response = as_applicant.post(
        reverse("portal:document_upload", args=[empty_draft.pk]),
        data=body,
        content_type=content_type,
    )
    assert response.status_code == 302
    doc = empty_draft.documents.get()
    assert doc.original_name == shown_name
    stored = Path(doc.file.path).resolve()
    root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    assert stored.is_relative_to(root)
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", stored.name)  # a random name, never the uploader's
    assert stored.read_bytes() == PDF_BYTES


def test_own_material_can_be_removed_only_while_editable(as_applicant, draft, applicant):
    doc = draft.documents.first()
    response = as_applicant.post(reverse("portal:document_delete", args=[doc.pk]), follow=True)
    assert "is removed" in text(response)
    assert not ApplicationDocument.objects.filter(pk=doc.pk).exists()
    complete_documents(draft, by=applicant)
    services.application_submit(application=draft, by=applicant)
    doc = draft.documents.first()
    response = as_applicant.post(reverse("portal:document_delete", args=[doc.pk]), follow=True)
    assert "has been handed in" in text(response)
    assert ApplicationDocument.objects.filter(pk=doc.pk).exists()


def test_no_upload_after_submission(as_applicant, draft, applicant):
    services.application_submit(application=draft, by=applicant)
    response = as_applicant.post(
        reverse("portal:document_upload", args=[draft.pk]),
        {"kind": DocumentKind.OTHER, "file": pdf_upload()},
        follow=True,
    )
    assert "Materials can be added only while" in text(response)
    assert draft.documents.count() == 3


def test_second_member_of_the_organisation_sees_the_application(english, draft, org):
    colleague = applicant_of(org, username="colleague")
    english.force_login(colleague)
    assert english.get(draft.get_absolute_url()).status_code == 200


# --- organisation evidence (§2.2 a) -------------------------------------------------------


@pytest.fixture
def org_with_evidence(applicant):
    from applications.tests.factories import pdf_upload

    return services.organization_update(
        organization=applicant.organizations.get(),
        by=applicant,
        legal_status_evidence=pdf_upload("执照.pdf"),
    )


def test_members_and_staff_download_the_evidence(client, applicant, cs_staff, org_with_evidence):
    url = reverse(
        "portal:organization_evidence", args=[org_with_evidence.pk, "legal_status_evidence"]
    )
    for user in (applicant, cs_staff):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert response["Content-Type"] == "application/pdf"


def test_evidence_of_another_organisation_is_404(client, other_applicant, org_with_evidence):
    client.force_login(other_applicant)
    for field in ("legal_status_evidence", "independent_liability_evidence", "credit_code"):
        url = reverse("portal:organization_evidence", args=[org_with_evidence.pk, field])
        assert client.get(url).status_code == 404


# --- members --------------------------------------------------------------------------------


def test_administrator_invites_a_colleague_who_accepts_and_is_removed(client, applicant, org):
    colleague = UserFactory(role=Role.APPLICANT, email="wang@example.cn", first_name="王五")
    client.force_login(applicant)
    page = client.get(reverse("portal:organization", args=[org.pk])).content.decode()
    assert reverse("portal:member_invite", args=[org.pk]) in page
    response = client.post(
        reverse("portal:member_invite", args=[org.pk]), {"email": "wang@example.cn"}
    )
    assert response.status_code == 302
    assert not org.memberships.filter(user=colleague).exists()

    client.force_login(colleague)
    invitation = org.invitations.get()
    client.post(reverse("portal:invitation", args=[invitation.pk]), {"decision": "accept"})
    membership = org.memberships.get(user=colleague)

    client.force_login(applicant)
    page = client.get(reverse("portal:organization", args=[org.pk])).content.decode()
    assert "王五" in page
    client.post(reverse("portal:member_remove", args=[membership.pk]))
    assert not org.memberships.filter(user=colleague).exists()


def test_a_bad_address_is_shown_on_the_field(client, applicant, org):
    client.force_login(applicant)
    response = client.post(reverse("portal:member_invite", args=[org.pk]), {"email": "ghost@"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not org.invitations.exists()


def test_members_of_another_organisation_are_out_of_reach(client, other_applicant, applicant, org):
    client.force_login(other_applicant)
    membership = org.memberships.get(user=applicant)
    assert client.get(reverse("portal:member_invite", args=[org.pk])).status_code == 404
    assert (
        client.post(
            reverse("portal:member_invite", args=[org.pk]), {"email": other_applicant.email}
        ).status_code
        == 404
    )
    assert client.post(reverse("portal:member_remove", args=[membership.pk])).status_code == 404
    assert org.memberships.filter(user=applicant).exists()
    assert not org.memberships.filter(user=other_applicant).exists()
    assert not org.invitations.exists()


def test_timeline_names_colleagues_but_only_the_department_of_cb_staff(
    client, draft, applicant, cs_staff
):
    cs_staff.first_name, cs_staff.last_name = "敏", "王"
    cs_staff.save()
    app = services.application_submit(application=draft, by=applicant)
    services.application_start_review(application=app, by=cs_staff)
    client.force_login(applicant)
    html = client.get(reverse("portal:application", args=[app.pk])).content.decode()
    assert "Customer service department" in html
    assert cs_staff.get_full_name() not in html
    assert cs_staff.username not in html
    assert (applicant.get_full_name() or applicant.username) in html


def test_missing_materials_are_listed_with_the_chinese_enumeration_comma(client, org, applicant):
    """Issue 6 item 19: 「营业执照、申请书」, not "营业执照, 申请书"; rules stay a small hint."""
    from applications.tests.factories import ApplicationFactory

    app = ApplicationFactory(organization=org, created_by=applicant)
    client.force_login(applicant)
    html = client.get(app.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    missing = re.search(r'data-testid="missing-materials">(.*?)</p>', html, re.S).group(1)
    assert "、" in missing and ", " not in missing
    assert '<small class="rule-ref" title="《服务认证程序规则》' in html
