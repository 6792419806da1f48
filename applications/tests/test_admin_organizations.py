"""The organisation admin: a read-only page, every change through the services (§2.2)."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from applications import services
from applications.models import Membership, Organization, Site
from applications.tests.factories import (
    ApplicationFactory,
    SiteFactory,
    UserFactory,
    applicant_of,
    complete_documents,
    make_credit_code,
    pdf_upload,
)
from cesi_cert.errors import DomainError
from cesi_cert.roles import Role

LAST_ADMIN = "The organisation needs at least one administrator"

# --- helpers and fixtures -------------------------------------------------------------------------


def client_for(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def change_url(org):
    return reverse("admin:applications_organization_change", args=[org.pk])


def action_url(org, name, **query):
    url = reverse(f"admin:applications_organization_{name}", args=[org.pk])
    return url + "".join(f"?{k}={v}" for k, v in query.items())


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def details(org, **changes) -> dict:
    """The "edit details" form as posted with the organisation's current values."""
    data = {name: getattr(org, name) for name in services.ORGANIZATION_FIELDS}
    data.update(changes)
    # An unticked checkbox is absent from a post, an empty date is posted as "".
    return {
        k: ("on" if v is True else "" if v is None else v)
        for k, v in data.items()
        if v is not False
    }


def snapshot(org) -> dict:
    org = Organization.objects.get(pk=org.pk)
    return {
        "org": {name: getattr(org, name) for name in services.ORGANIZATION_FIELDS},
        "evidence": (org.legal_status_evidence.name, org.independent_liability_evidence.name),
        "sites": list(org.sites.order_by("pk").values_list("pk", "name", "address", "is_central")),
        "members": list(
            org.memberships.order_by("pk").values_list("pk", "user_id", "is_admin", named=False)
        ),
        "history": org.history.count(),
    }


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def cs(cs_staff):
    return client_for(cs_staff)


@pytest.fixture
def business(business_staff):
    return client_for(business_staff)


@pytest.fixture
def site(org):
    return SiteFactory(organization=org, name="总部")


# --- the change page is read-only and offers the actions ------------------------------------------


def test_change_page_shows_details_sites_and_members_read_only_with_the_actions(
    cs, org, applicant, site
):
    response = cs.get(change_url(org))
    assert response.status_code == 200
    html = response.content.decode()
    assert org.name_zh in html and site.name in html and applicant.email in html
    for field in ("name_zh", "sites-0-name", "memberships-0-is_admin"):
        assert f'name="{field}"' not in html  # shown, not editable
    assert "_save" not in html  # no save buttons
    for name in ("edit", "site_add", "member_invite"):
        assert action_url(org, name) in html
    # Actions on one row are linked from that row.
    assert action_url(org, "site_edit", site=site.pk) in html
    assert action_url(org, "site_delete", site=site.pk) in html
    membership = org.memberships.get(user=applicant)
    assert action_url(org, "member_remove", membership=membership.pk) in html
    assert action_url(org, "member_revoke_admin", membership=membership.pk) in html


def test_the_pages_render_in_chinese(cs_staff, org, applicant, site):
    client = client_for(cs_staff, "zh-hans")
    html = client.get(change_url(org)).content.decode()
    for label in ("修改信息", "添加场所", "邀请成员", "取消管理员", "修改"):
        assert label in html, label
    membership = org.memberships.get(user=applicant)
    page = client.get(action_url(org, "member_revoke_admin", membership=membership.pk))
    assert "组织始终至少保留一名管理员。" in page.content.decode()
    history = reverse("admin:applications_organization_history", args=[org.pk])
    assert client.get(history).status_code == 200


def test_no_add_and_no_delete_in_the_admin(cs, superuser, org):
    root = client_for(superuser)
    assert root.get(reverse("admin:applications_organization_add")).status_code == 403
    delete = reverse("admin:applications_organization_delete", args=[org.pk])
    assert root.post(delete, {"post": "yes"}).status_code == 403
    assert Organization.objects.filter(pk=org.pk).exists()


@pytest.mark.parametrize("user_fixture", ["cs_staff", "superuser"])
def test_posting_the_change_form_changes_nothing(request, user_fixture, org, applicant, site):
    """The old direct save of the organisation, its sites and members is closed."""
    client = client_for(request.getfixturevalue(user_fixture))
    clerk = UserFactory(username="kefu2", role=Role.CUSTOMER_SERVICE)
    membership = org.memberships.get(user=applicant)
    before = snapshot(org)
    data = details(org, name_zh="改过的名称", part_of_legal_entity=True, parent_entity_name="X")
    data.update(
        {
            "sites-TOTAL_FORMS": "2",
            "sites-INITIAL_FORMS": "1",
            "sites-0-id": str(site.pk),
            "sites-0-organization": str(org.pk),
            "sites-0-name": "改名",
            "sites-0-address": site.address,
            "sites-0-activities": site.activities,
            "sites-0-DELETE": "on",
            "sites-1-organization": str(org.pk),
            "sites-1-name": "新场所",
            "sites-1-address": "地址",
            "sites-1-activities": "服务",
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": str(membership.pk),
            "memberships-0-organization": str(org.pk),
            "memberships-0-user": str(applicant.pk),
            "memberships-1-organization": str(org.pk),
            "memberships-1-user": str(clerk.pk),
            "memberships-1-is_admin": "on",
        }
    )
    response = client.post(change_url(org), data)
    assert response.status_code == 403
    assert snapshot(org) == before
    assert not Membership.objects.filter(user=clerk).exists()


# --- edit the details: organization_update ----------------------------------------------------


def test_customer_service_edits_the_details_with_a_history_row(cs, cs_staff, org):
    page = cs.get(action_url(org, "edit"))
    assert page.status_code == 200
    assert page.context["form"]["contact_name"].value() == org.contact_name  # prefilled

    data = details(org, contact_name="李四", credit_code=org.credit_code.lower())
    response = cs.post(action_url(org, "edit"), data)
    assert response.status_code == 302
    assert response["Location"] == change_url(org)
    assert messages_of(response) == ["The organisation's details are saved."]
    org = Organization.objects.get(pk=org.pk)
    assert org.contact_name == "李四"
    assert org.credit_code == data["credit_code"].upper()
    latest = org.history.first()
    assert latest.history_user == cs_staff
    assert latest.contact_name == "李四"


def test_part_of_a_legal_entity_needs_the_parent_and_evidence_of_2_2_a(cs, cs_staff, org):
    before = snapshot(org)
    url = action_url(org, "edit")

    response = cs.post(url, details(org, part_of_legal_entity=True, parent_entity_name=""))
    assert response.status_code == 200
    assert "(§2.2 a)" in response.context["form"].errors["parent_entity_name"][0]

    data = details(org, part_of_legal_entity=True, parent_entity_name="某集团有限公司")
    response = cs.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors["independent_liability_evidence"]
    assert "bear legal liability independently (§2.2 a)" in errors[0]

    # An upload goes through the service's content check: a text file is not a PDF.
    fake = pdf_upload("liability.pdf", b"just text, not a PDF")
    response = cs.post(url, {**data, "independent_liability_evidence": fake})
    assert response.status_code == 200
    assert response.context["form"].errors["independent_liability_evidence"]
    assert snapshot(org) == before

    response = cs.post(url, {**data, "independent_liability_evidence": pdf_upload("l.pdf")})
    assert response.status_code == 302
    org = Organization.objects.get(pk=org.pk)
    assert org.part_of_legal_entity and org.parent_entity_name == "某集团有限公司"
    assert org.independent_liability_evidence.name.endswith(".pdf")
    assert org.history.first().history_user == cs_staff


def test_editing_keeps_the_evidence_on_record_when_nothing_is_uploaded(cs, org):
    services.organization_update(
        organization=org,
        by=UserFactory(username="kefu3", role=Role.CUSTOMER_SERVICE),
        part_of_legal_entity=True,
        parent_entity_name="某集团有限公司",
        independent_liability_evidence=pdf_upload(),
    )
    stored = Organization.objects.get(pk=org.pk).independent_liability_evidence.name
    org = Organization.objects.get(pk=org.pk)
    response = cs.post(action_url(org, "edit"), details(org, contact_phone="010-12345672"))
    assert response.status_code == 302
    org = Organization.objects.get(pk=org.pk)
    assert (org.contact_phone, org.independent_liability_evidence.name) == ("010-12345672", stored)


def test_a_credit_code_already_registered_is_a_field_error(cs, org, other_org):
    before = snapshot(org)
    response = cs.post(action_url(org, "edit"), details(org, credit_code=other_org.credit_code))
    assert response.status_code == 200
    assert "already registered" in response.context["form"].errors["credit_code"][0]
    assert snapshot(org) == before


# --- sites: site_create, site_update, site_delete ---------------------------------------------


def test_customer_service_adds_edits_and_deletes_a_site(cs, cs_staff, org, site):
    response = cs.post(
        action_url(org, "site_add"),
        {"name": "分部", "address": "上海市浦东新区1号", "activities": "上门维修"},
    )
    assert response.status_code == 302
    added = org.sites.get(name="分部")
    assert added.history.first().history_user == cs_staff

    page = cs.get(action_url(org, "site_edit", site=site.pk))
    assert page.context["form"]["name"].value() == "总部"  # prefilled from the row
    response = cs.post(
        action_url(org, "site_edit", site=site.pk),
        {"name": "总部（新址）", "address": "北京市西城区2号", "activities": site.activities},
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert (site.name, site.address) == ("总部（新址）", "北京市西城区2号")
    assert site.history.first().history_user == cs_staff

    response = cs.post(action_url(org, "site_delete", site=added.pk))
    assert response.status_code == 302
    assert "Site “分部” is deleted." in messages_of(response)
    assert list(org.sites.all()) == [site]


def test_a_site_action_only_reaches_this_organisations_sites(cs, org, site, other_org):
    foreign = SiteFactory(organization=other_org)
    # Opened from this organisation's row, the posted choice cannot switch to another site.
    response = cs.post(
        action_url(org, "site_edit", site=site.pk),
        {"site": foreign.pk, "name": "X", "address": "Y", "activities": "Z"},
    )
    assert response.status_code == 302
    assert Site.objects.get(pk=foreign.pk).name == foreign.name
    assert Site.objects.get(pk=site.pk).name == "X"
    # Another organisation's site is not a choice at all.
    response = cs.post(action_url(org, "site_delete", site=foreign.pk), {"site": foreign.pk})
    assert response.status_code == 200
    assert "site" in response.context["form"].errors
    assert Site.objects.filter(pk=foreign.pk).exists()


def test_a_site_in_an_application_handed_in_is_not_deleted(cs, org, applicant):
    app = ApplicationFactory(organization=org, created_by=applicant)
    complete_documents(app, by=applicant)
    services.application_submit(application=app, by=applicant)
    site = app.sites.get()
    response = cs.post(action_url(org, "site_delete", site=site.pk), follow=True)
    assert response.status_code == 200
    assert any("already handed in" in m for m in messages_of(response))
    assert Site.objects.filter(pk=site.pk).exists()


# --- members: only applicant accounts; one administrator always ------------------------------


def test_inviting_adds_nobody_and_says_the_same_for_a_staff_address(cs, org, applicant):
    """Members join only by accepting (applications/tests/test_invitations.py); a staff
    account's address gets the same answer as one nobody uses, and can never accept."""
    clerk = UserFactory(username="kefu2", email="kefu2@example.cn", role=Role.CUSTOMER_SERVICE)
    staff = cs.post(action_url(org, "member_invite"), {"email": clerk.email, "is_admin": "on"})
    unknown = cs.post(action_url(org, "member_invite"), {"email": "nobody@example.cn"})
    assert (staff.status_code, staff["Location"]) == (unknown.status_code, unknown["Location"])
    invitation = org.invitations.get(email=clerk.email)
    with pytest.raises(DomainError) as e:
        services.invitation_accept(invitation=invitation, by=clerk)
    assert e.value.code == DomainError.FORBIDDEN
    assert not Membership.objects.filter(user=clerk).exists()


def test_the_last_administrator_cannot_be_revoked_or_removed(cs, org, applicant):
    membership = org.memberships.get(user=applicant)
    assert membership.is_admin
    for name in ("member_revoke_admin", "member_remove"):
        response = cs.post(action_url(org, name, membership=membership.pk))
        assert response.status_code == 302
        assert response["Location"] == change_url(org)
        assert any(m.startswith(LAST_ADMIN) for m in messages_of(response)), name
        membership.refresh_from_db()  # still there, still administrator
        assert membership.is_admin


def test_with_two_administrators_one_can_be_revoked_and_made_again(cs, org, applicant):
    colleague = applicant_of(org, username="li")  # a member, administrator by default
    theirs = org.memberships.get(user=colleague)
    response = cs.post(action_url(org, "member_revoke_admin", membership=theirs.pk))
    assert response.status_code == 302
    assert messages_of(response) == [
        f"{colleague.get_full_name()} no longer manages the organisation's members."
    ]
    theirs.refresh_from_db()
    assert theirs.is_admin is False
    # The other one is now the last administrator.
    mine = org.memberships.get(user=applicant)
    cs.post(action_url(org, "member_revoke_admin", membership=mine.pk))
    mine.refresh_from_db()
    assert mine.is_admin

    cs.post(action_url(org, "member_make_admin", membership=theirs.pk))
    theirs.refresh_from_db()
    assert theirs.is_admin
    response = cs.post(action_url(org, "member_remove", membership=mine.pk))
    assert response.status_code == 302
    assert list(org.members.all()) == [colleague]


# --- other staff roles only read ----------------------------------------------------------------


ACTIONS = [
    ("edit", {}),
    ("site_add", {}),
    ("site_edit", {"site": None}),
    ("site_delete", {"site": None}),
    ("member_invite", {}),
    ("member_remove", {"membership": None}),
    ("member_make_admin", {"membership": None}),
    ("member_revoke_admin", {"membership": None}),
]


def test_certification_business_sees_the_organisation_but_no_actions(
    business, org, applicant, site
):
    response = business.get(change_url(org))
    assert response.status_code == 200
    html = response.content.decode()
    assert org.name_zh in html and site.name in html and applicant.email in html
    membership = org.memberships.get(user=applicant)
    rows = {"site": site.pk, "membership": membership.pk}
    before = snapshot(org)
    colleague = UserFactory(username="li", email="li@example.cn", role=Role.APPLICANT)
    for name, query in ACTIONS:
        url = action_url(org, name, **{k: rows[k] for k in query})
        assert url.split("?")[0] not in html, name
        for method in (business.get, business.post):
            response = method(
                url,
                {**details(org, name_zh="改"), "email": colleague.email, **rows},
            )
            assert response.status_code == 302, name
            assert response["Location"] == change_url(org)
            assert messages_of(response), name
    assert snapshot(org) == before
    assert not Membership.objects.filter(user=colleague).exists()
    assert not org.invitations.exists()


# --- the services themselves --------------------------------------------------------------------


def _account(kind):
    if kind == "customer_service":
        return UserFactory(email="x@example.cn", role=Role.CUSTOMER_SERVICE)
    if kind == "auditor":
        return UserFactory(email="x@example.cn", role=Role.AUDITOR)
    if kind == "applicant_and_staff":
        user = UserFactory(email="x@example.cn", role=Role.APPLICANT)
        user.groups.add(Group.objects.get(name=Role.CUSTOMER_SERVICE))
        return user
    if kind == "applicant_flagged_staff":
        return UserFactory(email="x@example.cn", role=Role.APPLICANT, is_staff=True)
    if kind == "superuser":
        return UserFactory(email="x@example.cn", is_staff=True, is_superuser=True)
    if kind == "inactive_applicant":
        return UserFactory(email="x@example.cn", role=Role.APPLICANT, is_active=False)
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind",
    [
        "customer_service",
        "auditor",
        "applicant_and_staff",
        "applicant_flagged_staff",
        "superuser",
        "inactive_applicant",
    ],
)
def test_only_an_applicant_account_accepts_an_invitation(kind, org, applicant, cs_staff):
    user = _account(kind)
    invitation = services.membership_invite(organization=org, by=cs_staff, email="X@example.cn")
    with pytest.raises(DomainError) as e:
        services.invitation_accept(invitation=invitation, by=user)
    assert e.value.code == DomainError.FORBIDDEN
    assert not Membership.objects.filter(user=user).exists()


@pytest.mark.parametrize("kind", ["customer_service", "superuser"])
def test_only_an_applicant_account_registers_an_organisation(kind, db):
    user = _account(kind)
    with pytest.raises(DomainError) as e:
        services.organization_create(
            by=user,
            name_zh="新公司",
            credit_code=make_credit_code(987654),
            address_zh="北京",
            contact_name="王五",
            contact_phone="010-12345673",
            contact_email="w@example.cn",
        )
    assert e.value.code == DomainError.FORBIDDEN
    assert not Membership.objects.filter(user=user).exists()


def test_membership_set_admin_keeps_one_administrator(org, applicant, cs_staff):
    mine = org.memberships.get(user=applicant)
    with pytest.raises(DomainError) as e:
        services.membership_set_admin(membership=mine, by=cs_staff, is_admin=False)
    assert e.value.code == DomainError.CONFLICT
    mine.refresh_from_db()
    assert mine.is_admin

    colleague = UserFactory(role=Role.APPLICANT)
    theirs = Membership.objects.create(user=colleague, organization=org, is_admin=False)
    assert services.membership_set_admin(membership=theirs, by=applicant, is_admin=True).is_admin
    assert not services.membership_set_admin(membership=mine, by=cs_staff, is_admin=False).is_admin
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.is_admin, theirs.is_admin) == (False, True)


def test_membership_set_admin_is_for_administrators_and_customer_service(
    org, applicant, business_staff
):
    plain = UserFactory(role=Role.APPLICANT)
    theirs = Membership.objects.create(user=plain, organization=org, is_admin=False)
    for by in (plain, business_staff):
        with pytest.raises(DomainError) as e:
            services.membership_set_admin(membership=theirs, by=by, is_admin=True)
        assert e.value.code == DomainError.FORBIDDEN
    theirs.refresh_from_db()
    assert theirs.is_admin is False
