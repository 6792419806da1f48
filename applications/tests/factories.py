"""factory_boy factories for users, organisations and applications."""

import factory
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

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
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
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


def applicant_of(organization, **kwargs) -> User:
    """A user in the applicant role who is a member of ``organization``."""
    user = UserFactory(role=Role.APPLICANT, **kwargs)
    Membership.objects.create(user=user, organization=organization)
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
