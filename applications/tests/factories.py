"""factory_boy factories for users, organisations and applications, and ``application_in``."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from applications import services
from applications.models import (
    Application,
    ApplicationDocument,
    DocumentKind,
    Membership,
    Organization,
    Scheme,
    Site,
)
from applications.validators import CHARSET, credit_code_check_char
from cesi_cert.models import User
from cesi_cert.roles import STAFF_ROLES, Role

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name="material.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_credit_code(n: int) -> str:
    """A valid code: 9111 + 0108 division digits + a serial, with the right check character."""
    serial = ""
    for _ in range(9):
        serial = CHARSET[n % 10] + serial
        n //= 10
    first17 = "91110108" + serial
    return first17 + credit_code_check_char(first17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    # <username>@example.cn, unique as addresses must be (unique_user_email_ci): usernames are
    # case-sensitive and addresses are not, so "Li" gets a numbered address beside "li".
    email = factory.LazyAttributeSequence(
        lambda u, n: (
            f"{u.username}@example.cn"
            if u.username == u.username.lower()
            else f"{u.username.lower()}.{n}@example.cn"
        )
    )
    first_name = factory.Faker("first_name")
    password = factory.django.Password("pass-12345")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])
            if extracted in STAFF_ROLES and not self.is_staff:
                self.is_staff = True
                self.save(update_fields=["is_staff"])


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name_zh = factory.Sequence(lambda n: f"测试服务有限公司{n}")
    name_en = factory.Sequence(lambda n: f"Test Services Co., Ltd. {n}")
    credit_code = factory.Sequence(make_credit_code)
    address_zh = "北京市海淀区中关村大街1号"
    address_en = "1 Zhongguancun Street, Haidian, Beijing"
    contact_name = "张三"
    contact_phone = "010-12345678"
    contact_email = "contact@example.cn"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"服务网点{n}")
    address = "北京市朝阳区建国路88号"
    activities = "家电售后维修与安装服务"


def applicant_of(organization, *, is_admin=True, **kwargs) -> User:
    """A user in the applicant role who is a member (by default an administrator) of
    ``organization``."""
    user = UserFactory(role=Role.APPLICANT, **kwargs)
    Membership.objects.create(user=user, organization=organization, is_admin=is_admin)
    return user


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    scheme = factory.LazyFunction(lambda: Scheme.objects.get(code="after-sales"))
    kind = Application.Kind.INITIAL
    requested_level = "4-star"
    scope = "家用电器的安装、维修与退换货服务"
    created_by = factory.SubFactory(UserFactory)
    reference = factory.Sequence(lambda n: f"SA2026-T{n:05d}")

    @factory.post_generation
    def sites(self, create, extracted, **kwargs):
        if not create:
            return
        self.sites.set(
            extracted if extracted is not None else [SiteFactory(organization=self.organization)]
        )


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationDocument

    application = factory.SubFactory(ApplicationFactory)
    kind = DocumentKind.LEGAL_STATUS
    file = factory.LazyFunction(lambda: pdf_upload("upload.pdf"))
    original_name = "营业执照.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    sha256 = "0" * 64
    uploaded_by = factory.SubFactory(UserFactory)


def complete_documents(application, by=None):
    """Upload every material the application's kind requires (§3.1.3)."""
    from applications.models import REQUIRED_DOCUMENTS

    for kind in REQUIRED_DOCUMENTS[application.kind]:
        DocumentFactory(
            application=application, kind=kind, uploaded_by=by or application.created_by
        )


# --- an application in any state, reached through the real services ------------------------------

S = Application.State

#: The transitions that take a draft to each state.
PATH_TO = {
    S.DRAFT: (),
    S.SUBMITTED: ("submit",),
    S.UNDER_REVIEW: ("submit", "start_review"),
    S.CHANGES_REQUESTED: ("submit", "start_review", "request_changes"),
    S.ACCEPTED: ("submit", "start_review", "accept"),
    S.CONTRACTED: ("submit", "start_review", "accept", "sign_contract"),
    S.REJECTED: ("submit", "start_review", "reject"),
    S.WITHDRAWN: ("withdraw",),
}


def run_service(name, application, *, by, **data) -> Application:
    """Run the service of transition ``name`` with valid example data; ``data`` overrides it."""
    example = {
        "request_changes": {"changes": "请补充服务网点清单"},
        "accept": {"requirements_clear": True, "cb_capable": True, "notes": "资料齐全"},
        "reject": {"reasons": "不在业务范围内"},
        "withdraw": {"reason": "申请方书面撤回"},  # staff may withdraw only with a reason
        "sign_contract": {
            "signed_on": datetime.date(2026, 1, 5),  # fixed, so amendments can follow it
            "man_days": Decimal("4.0"),
            "fee_quote": Decimal("30000.00"),
        },
    }.get(name, {})
    service = getattr(services, f"application_{name}")
    return service(application=application, by=by, **(example | data))


def application_in(
    state, *, application=None, organization=None, applicant=None, staff=None, **contract
) -> Application:
    """An application in ``state``, walked there from a draft through the services (``PATH_TO``).

    Whatever is not given is created: the organisation, an applicant member who submits and
    withdraws, a customer-service user who does the rest, and a complete draft (a site, a level
    and every required material); ``application`` walks an existing draft instead. The contract
    is signed on 2026-01-05 for 4.0 man-days and a fee of 30000.00, numbered by the service
    ``HT-<reference>`` (unique as the reference is); ``contract`` overrides any of these and
    ``notes``. Returns the row re-read from the database.
    """
    if contract and state != S.CONTRACTED:
        raise TypeError(f"contract fields {sorted(contract)} make sense only for a contracted one")
    if application is None:
        organization = organization or OrganizationFactory()
        applicant = applicant or applicant_of(organization)
        application = ApplicationFactory(organization=organization, created_by=applicant)
        complete_documents(application, by=applicant)
    elif application.state != S.DRAFT:
        raise ValueError(f"application_in() walks from a draft, not from {application.state}")
    applicant = applicant or applicant_of(application.organization)
    staff = staff or UserFactory(role=Role.CUSTOMER_SERVICE)

    for name in PATH_TO[S(state)]:
        by = applicant if name in ("submit", "withdraw") else staff
        data = contract if name == "sign_contract" else {}
        application = run_service(name, application, by=by, **data)
    application = Application.objects.get(pk=application.pk)
    assert application.state == state, (application.state, state)
    return application
