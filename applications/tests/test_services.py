"""Application services: every transition allowed for the right role and state, refused otherwise."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from applications import services
from applications.models import Application, DocumentKind
from applications.tests.factories import (
    ApplicationFactory,
    DocumentFactory,
    SiteFactory,
    UserFactory,
    complete_documents,
    pdf_upload,
    run_service,
)
from cesi_cert.errors import DomainError
from cesi_cert.models import Notification, TransitionLog
from cesi_cert.roles import Role

S = Application.State
pytestmark = pytest.mark.django_db


def log_rows(app):
    return list(
        TransitionLog.objects.filter(
            object_id=app.pk, content_type__model="application"
        ).values_list("transition", "source", "target", "actor__username", "reason")
    )


# (transition, role that may run it, states it runs from)
ALLOWED = [
    ("submit", "applicant", [S.DRAFT, S.CHANGES_REQUESTED]),
    ("start_review", "staff", [S.SUBMITTED]),
    ("request_changes", "staff", [S.UNDER_REVIEW]),
    ("accept", "staff", [S.UNDER_REVIEW]),
    ("reject", "staff", [S.SUBMITTED, S.UNDER_REVIEW, S.CHANGES_REQUESTED]),
    (
        "withdraw",
        "applicant",
        [S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.CHANGES_REQUESTED, S.ACCEPTED],
    ),
    ("withdraw", "staff", [S.SUBMITTED, S.ACCEPTED]),
    ("sign_contract", "staff", [S.ACCEPTED]),
]


@pytest.mark.parametrize(
    ("name", "who", "state"), [(n, w, s) for n, w, states in ALLOWED for s in states]
)
def test_transition_allowed_for_right_role_and_state(
    application_in, name, who, state, applicant, cs_staff
):
    app = application_in(state)
    before = len(log_rows(app))
    actor = applicant if who == "applicant" else cs_staff
    app = run_service(name, app, by=actor)
    rows = log_rows(app)
    assert len(rows) == before + 1
    transition, source, target, username, _reason = rows[-1]
    assert (transition, source, target, username) == (name, state, app.state, actor.username)
    assert app.history.first().history_user == actor


@pytest.mark.parametrize(
    "name", ["start_review", "request_changes", "accept", "reject", "sign_contract"]
)
@pytest.mark.parametrize("state", list(S))
def test_applicant_can_never_run_staff_transitions(application_in, name, state, applicant):
    app = application_in(state)
    with pytest.raises(DomainError) as e:
        run_service(name, app, by=applicant)
    assert e.value.code == DomainError.FORBIDDEN  # the role, in every state
    app.refresh_from_db()
    assert app.state == state


def _not_sources(name):
    sources = {s for n, _who, states in ALLOWED if n == name for s in states}
    return [s for s in S if s not in sources]


@pytest.mark.parametrize(
    ("name", "state"),
    [(n, s) for n in dict.fromkeys(n for n, _w, _s in ALLOWED) for s in _not_sources(n)],
)
def test_refused_outside_its_source_states(application_in, name, state, applicant, cs_staff):
    app = application_in(state)
    actor = applicant if name in ("submit", "withdraw") else cs_staff
    with pytest.raises(DomainError) as e:
        run_service(name, app, by=actor)
    assert e.value.code == DomainError.CONFLICT
    app.refresh_from_db()
    assert app.state == state


@pytest.mark.parametrize(
    "role", [Role.CERTIFICATION_BUSINESS, Role.AUDITOR, Role.TECHNICAL_COMMITTEE]
)
def test_other_staff_roles_cannot_review(role, draft, applicant):
    app = services.application_submit(application=draft, by=applicant)
    with pytest.raises(DomainError):
        services.application_start_review(application=app, by=UserFactory(role=role))


def test_other_organisations_applicant_cannot_submit_or_withdraw(draft, other_applicant):
    for name in ("submit", "withdraw"):
        with pytest.raises(DomainError):
            run_service(name, draft, by=other_applicant)
    draft.refresh_from_db()
    assert draft.state == S.DRAFT


def test_staff_cannot_submit_on_behalf_of_applicant(draft, cs_staff):
    with pytest.raises(DomainError):
        services.application_submit(application=draft, by=cs_staff)


# --- §3.1.3 materials and fields before submission ---------------------------------------


def test_submit_names_the_missing_materials(org, applicant):
    app = ApplicationFactory(organization=org, created_by=applicant)
    DocumentFactory(application=app, kind=DocumentKind.LEGAL_STATUS)
    with pytest.raises(DomainError) as e:
        services.application_submit(application=app, by=applicant)
    assert e.value.field == "documents"
    missing = " ".join(e.value.errors["documents"])
    assert "Signed application form" in missing
    assert "Service description" in missing
    assert "Legal status" not in missing


def test_submit_needs_a_site(org, applicant):
    app = ApplicationFactory(organization=org, created_by=applicant, sites=[])
    complete_documents(app)
    with pytest.raises(DomainError) as e:
        services.application_submit(application=app, by=applicant)
    assert e.value.field == "sites"


def test_submit_needs_a_level_when_the_scheme_has_levels(org, applicant):
    app = ApplicationFactory(organization=org, created_by=applicant, requested_level="")
    complete_documents(app)
    with pytest.raises(DomainError) as e:
        services.application_submit(application=app, by=applicant)
    assert e.value.field == "requested_level"


def test_recertification_needs_the_current_certificate(org, applicant):
    app = ApplicationFactory(
        organization=org, created_by=applicant, kind=Application.Kind.RECERTIFICATION
    )
    complete_documents(app)
    with pytest.raises(DomainError) as e:
        services.application_submit(application=app, by=applicant)
    assert e.value.field == "certificate"


def test_create_refuses_sites_of_another_organisation(org, applicant, other_org):
    from applications.models import Scheme

    with pytest.raises(DomainError) as e:
        services.application_create(
            organization=org,
            by=applicant,
            scheme=Scheme.objects.get(code="csmm"),
            requested_level="3",
            scope="软件开发",
            sites=[SiteFactory(organization=other_org)],
        )
    assert e.value.field == "sites"


def test_create_refuses_a_level_the_scheme_does_not_have(org, applicant):
    from applications.models import Scheme

    with pytest.raises(DomainError) as e:
        services.application_create(
            organization=org,
            by=applicant,
            scheme=Scheme.objects.get(code="csmm"),
            requested_level="9",
            scope="软件开发",
        )
    assert e.value.field == "requested_level"


def test_create_gives_a_readable_reference(org, applicant):
    from applications.models import Scheme

    app = services.application_create(
        organization=org,
        by=applicant,
        scheme=Scheme.objects.get(code="outsourcing"),
        scope="信息技术外包服务",
    )
    assert app.reference == f"SA{timezone.localtime(app.created_at):%Y}-{app.pk:05d}"
    app.refresh_from_db()
    assert app.reference.startswith("SA")


def test_update_only_while_editable(draft, applicant, cs_staff):
    services.application_update(application=draft, by=applicant, scope="新的范围")
    app = services.application_submit(application=draft, by=applicant)
    with pytest.raises(DomainError) as e:
        services.application_update(application=app, by=applicant, scope="提交后修改")
    assert e.value.code == DomainError.CONFLICT
    app.refresh_from_db()
    assert app.scope == "新的范围"


# --- review, change requests, rejection ---------------------------------------------------


@pytest.mark.parametrize("missing", ["requirements_clear", "cb_capable"])
def test_accept_requires_both_3_1_4_findings(application_in, missing, cs_staff):
    app = application_in(S.UNDER_REVIEW)
    findings = {"requirements_clear": True, "cb_capable": True, missing: False}
    with pytest.raises(DomainError) as e:
        services.application_accept(application=app, by=cs_staff, **findings)
    assert e.value.field == missing
    app.refresh_from_db()
    assert app.state == S.UNDER_REVIEW


def test_accept_records_the_review(application_in, cs_staff):
    app = services.application_accept(
        application=application_in(S.UNDER_REVIEW),
        by=cs_staff,
        requirements_clear=True,
        cb_capable=True,
        notes="资料齐全",
    )
    assert (app.requirements_clear, app.cb_capable, app.reviewer) == (True, True, cs_staff)
    assert app.review_notes == "资料齐全"
    assert app.reviewed_at is not None


def test_change_request_goes_back_to_the_reviewer(application_in, applicant, cs_staff):
    app = services.application_request_changes(
        application=application_in(S.UNDER_REVIEW), by=cs_staff, changes="请补充服务网点清单"
    )
    assert app.requested_changes == "请补充服务网点清单"
    app = services.application_submit(application=app, by=applicant, reason="已补充网点清单")
    assert app.state == S.UNDER_REVIEW
    assert app.requested_changes == ""
    assert log_rows(app)[-1][4] == "已补充网点清单"
    assert Notification.objects.filter(recipient=cs_staff, message__contains=app.reference).exists()


def test_reject_needs_written_reasons_which_reach_the_applicant(
    application_in, applicant, cs_staff
):
    app = application_in(S.UNDER_REVIEW)
    with pytest.raises(DomainError) as e:
        services.application_reject(application=app, by=cs_staff, reasons="  ")
    assert e.value.field == "reasons"
    mail.outbox.clear()
    app = services.application_reject(
        application=app, by=cs_staff, reasons="申请范围超出认证业务范围"
    )
    assert app.rejection_reason == "申请范围超出认证业务范围"
    assert Notification.objects.filter(
        recipient=applicant, message__contains="申请范围超出"
    ).exists()


def test_staff_withdrawal_needs_the_applicants_reason(draft, applicant, cs_staff):
    app = services.application_submit(application=draft, by=applicant)
    with pytest.raises(DomainError) as e:
        services.application_withdraw(application=app, by=cs_staff, reason="")
    assert e.value.field == "reason"


def test_submission_notifies_customer_service_by_mail(
    draft, applicant, cs_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=draft, by=applicant)
    assert [m.to for m in mail.outbox] == [[cs_staff.email]]
    assert draft.reference in mail.outbox[0].subject


def test_nothing_is_mailed_when_the_action_fails(
    draft, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(DomainError):
        services.application_start_review(application=draft, by=applicant)
    assert callbacks == []
    assert mail.outbox == []


# --- contract ---------------------------------------------------------------------------


def test_sign_contract_records_number_date_man_days_and_fee(application_in, cs_staff):
    app = application_in(S.ACCEPTED)
    app = services.application_sign_contract(
        application=app,
        by=cs_staff,
        number="HT-2026-001",
        signed_on=datetime.date(2026, 3, 2),
        man_days=Decimal("5.5"),
        fee_quote=Decimal("42000.00"),
        notes="含两次监督",
    )
    c = app.contract
    assert (c.number, c.signed_on, c.man_days, c.fee_quote, c.signed_by) == (
        "HT-2026-001",
        datetime.date(2026, 3, 2),
        Decimal("5.5"),
        Decimal("42000.00"),
        cs_staff,
    )
    assert app.state == S.CONTRACTED


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("man_days", {"man_days": Decimal("0"), "fee_quote": Decimal("1")}),
        ("fee_quote", {"man_days": Decimal("2"), "fee_quote": Decimal("-1")}),
    ],
)
def test_sign_contract_refuses_bad_numbers(application_in, field, kwargs, cs_staff):
    app = application_in(S.ACCEPTED)
    with pytest.raises(DomainError) as e:
        services.application_sign_contract(
            application=app, by=cs_staff, signed_on=datetime.date(2026, 1, 1), **kwargs
        )
    assert e.value.field == field
    app.refresh_from_db()
    assert app.state == S.ACCEPTED


def test_contract_number_must_be_unique(application_in, cs_staff):
    apps = [application_in(S.ACCEPTED) for _ in range(2)]
    kwargs = {
        "signed_on": datetime.date(2026, 1, 1),
        "man_days": 2,
        "fee_quote": 100,
        "number": "HT-1",
    }
    services.application_sign_contract(application=apps[0], by=cs_staff, **kwargs)
    with pytest.raises(DomainError) as e:
        services.application_sign_contract(application=apps[1], by=cs_staff, **kwargs)
    assert e.value.field == "number"
    apps[1].refresh_from_db()
    assert apps[1].state == S.ACCEPTED


def test_amendments_are_numbered_and_keep_the_previous_values(application_in, cs_staff):
    app = application_in(S.CONTRACTED, man_days=Decimal("4.0"), fee_quote=Decimal("36000"))
    first = services.contract_amend(
        contract=app.contract,
        by=cs_staff,
        signed_on=datetime.date(2026, 4, 1),
        description="增加厦门网点",
        man_days=Decimal("6"),
        fee_quote=Decimal("45000"),
    )
    second = services.contract_amend(
        contract=app.contract,
        by=cs_staff,
        signed_on=datetime.date(2026, 5, 1),
        description="费用调整",
        man_days=Decimal("6"),
        fee_quote=Decimal("43000"),
    )
    assert (first.sequence, second.sequence) == (1, 2)
    assert (first.man_days_before, first.fee_quote_before) == (Decimal("4.0"), Decimal("36000"))
    app.contract.refresh_from_db()
    assert (app.contract.man_days, app.contract.fee_quote) == (Decimal("6"), Decimal("43000"))


def test_applicant_cannot_amend_a_contract(application_in, applicant):
    app = application_in(S.CONTRACTED)
    with pytest.raises(DomainError) as e:
        services.contract_amend(
            contract=app.contract,
            by=applicant,
            signed_on=datetime.date(2026, 4, 1),
            description="x",
            man_days=1,
            fee_quote=1,
        )
    assert e.value.code == DomainError.FORBIDDEN


# --- organisations and documents --------------------------------------------------------


def org_fields(**overrides):
    fields = {
        "name_zh": "深圳示例科技有限公司",
        "name_en": "Shenzhen Example Tech",
        "credit_code": "9144030071526726XG",
        "address_zh": "深圳市南山区",
        "address_en": "Nanshan, Shenzhen",
        "applicant_type": "provider",
        "contact_name": "李四",
        "contact_phone": "0755-1234567",
        "contact_email": "li@example.cn",
    }
    fields.update(overrides)
    return fields


def test_creator_becomes_member(db):
    user = UserFactory(role=Role.APPLICANT)
    org = services.organization_create(by=user, **org_fields())
    assert list(org.members.all()) == [user]


def test_duplicate_credit_code_is_a_field_error(org):
    user = UserFactory(role=Role.APPLICANT)
    with pytest.raises(DomainError) as e:
        services.organization_create(by=user, **org_fields(credit_code=org.credit_code.lower()))
    assert e.value.field == "credit_code"


def test_wrong_check_character_is_a_field_error(db):
    with pytest.raises(DomainError) as e:
        services.organization_create(
            by=UserFactory(role=Role.APPLICANT), **org_fields(credit_code="9144030071526726XH")
        )
    assert e.value.field == "credit_code"
    assert "“G”" in str(e.value.message)


def test_part_of_a_legal_entity_needs_evidence_of_independent_liability(db):
    """§2.2 a."""
    user = UserFactory(role=Role.APPLICANT)
    with pytest.raises(DomainError) as e:
        services.organization_create(
            by=user, **org_fields(part_of_legal_entity=True, parent_entity_name="集团")
        )
    assert e.value.field == "independent_liability_evidence"
    org = services.organization_create(
        by=user,
        **org_fields(
            part_of_legal_entity=True,
            parent_entity_name="集团",
            independent_liability_evidence=pdf_upload(),
        ),
    )
    assert org.independent_liability_evidence.name.endswith(".pdf")


def test_staff_cannot_register_organisations_as_applicants(cs_staff):
    with pytest.raises(DomainError) as e:
        services.organization_create(by=cs_staff, **org_fields())
    assert e.value.code == DomainError.FORBIDDEN


def test_materials_are_frozen_after_submission(draft, applicant):
    app = services.application_submit(application=draft, by=applicant)
    with pytest.raises(DomainError) as e:
        services.document_upload(
            application=app, by=applicant, kind=DocumentKind.OTHER, file=pdf_upload()
        )
    assert e.value.code == DomainError.CONFLICT
    with pytest.raises(DomainError):
        services.document_delete(document=app.documents.first(), by=applicant)


def test_staff_documents_stay_internal_until_published(draft, applicant, cs_staff):
    app = services.application_submit(application=draft, by=applicant)
    doc = services.document_upload(
        application=app, by=cs_staff, kind=DocumentKind.OTHER, file=pdf_upload()
    )
    assert doc.published is False
    from applications.selectors import documents_for

    assert doc not in documents_for(applicant)
    assert doc in documents_for(cs_staff)


def test_site_in_a_submitted_application_cannot_be_deleted(draft, applicant):
    app = services.application_submit(application=draft, by=applicant)
    with pytest.raises(DomainError) as e:
        services.site_delete(site=app.sites.first(), by=applicant)
    assert e.value.code == DomainError.CONFLICT


# --- members ----------------------------------------------------------------------------


def test_an_administrator_invites_a_colleague_who_joins_on_accepting(org, applicant):
    colleague = UserFactory(role=Role.APPLICANT, email="Colleague@Example.cn")
    invitation = services.membership_invite(
        organization=org, by=applicant, email="colleague@example.cn"
    )
    assert set(org.members.all()) == {applicant}
    services.invitation_accept(invitation=invitation, by=colleague)
    assert set(org.members.all()) == {applicant, colleague}


def test_a_plain_member_cannot_invite(org, applicant):
    from applications.models import Membership

    plain = UserFactory(role=Role.APPLICANT)
    Membership.objects.create(user=plain, organization=org, is_admin=False)
    with pytest.raises(DomainError) as e:
        services.membership_invite(organization=org, by=plain, email="x@example.cn")
    assert e.value.code == DomainError.FORBIDDEN


def test_the_last_administrator_cannot_be_removed(org, applicant):
    membership = org.memberships.get(user=applicant)
    with pytest.raises(DomainError) as e:
        services.membership_remove(membership=membership, by=applicant)
    assert e.value.code == DomainError.CONFLICT
    assert org.members.filter(pk=applicant.pk).exists()


def test_reference_year_is_the_year_in_china(org, applicant):
    """00:30 on 1 January in Beijing is still 31 December in UTC."""
    import datetime

    import time_machine

    from applications.models import Scheme

    new_year_eve = datetime.datetime(
        2026, 12, 31, 16, 30, tzinfo=datetime.UTC
    )  # 2027-01-01 00:30 +8
    with time_machine.travel(new_year_eve, tick=False):
        app = services.application_create(
            organization=org, by=applicant, scheme=Scheme.objects.get(code="csmm"), scope="软件开发"
        )
    assert app.reference.startswith("SA2027-")


def test_a_contact_phone_one_cannot_dial_is_a_field_error(org, applicant):
    """Issue 6 item 19: phone numbers are validated (and the message shows an example)."""
    with pytest.raises(DomainError) as err:
        services.organization_update(organization=org, by=applicant, contact_phone="12345")
    assert "contact_phone" in err.value.field_errors()
    services.organization_update(organization=org, by=applicant, contact_phone="0591-8765 4321")
