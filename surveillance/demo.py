"""Demo data of surveillance (registered with ``cesi_cert.demo`` and run by ``seed_demo``): one
notification customer service opened after a regulator's finding, for the demo organisation to
notify in the portal, and one it notified itself; on the demo data centre's certificate (in its
recertification window, see ``certificates.demo``) one submitted change request (§3.4.4) and one
published requirement change whose verification is open (§3.4.7).

Idempotent: each part is skipped when what it makes exists."""

from __future__ import annotations

import datetime
from functools import partial

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n% demo material\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


#: The demo data centre (``certificates.demo``), whose certificate is kept here.
DATA_CENTRE_CODE = "91350200MA0000001"


def seed(users: dict) -> None:
    from django.db import transaction

    _notices(users)
    # The certificates demo grants after the seeding transaction commits; this follows it.
    transaction.on_commit(partial(_keeping, users))


def _keeping(users: dict) -> None:
    from certificates.models import Certificate

    applicant, business = users.get("shenqing"), users.get("yewu")
    certificate = (
        Certificate.objects.filter(
            credit_code__startswith=DATA_CENTRE_CODE, state=Certificate.State.ACTIVE
        )
        .select_related("scheme", "organization")
        .first()
    )
    if not (applicant and business and certificate):
        return
    _change_request(certificate, applicant)
    _requirement_change(certificate, business)


def _change_request(certificate, applicant) -> None:
    """§3.4.4 (1): the data centre moved its registered address; submitted, for 认证业务部."""
    from . import services
    from .models import ChangeRequest

    if ChangeRequest.objects.filter(certificate=certificate).exists():
        return
    services.change_request_submit(
        certificate=certificate,
        by=applicant,
        kind=ChangeRequest.Kind.NAME_ADDRESS,
        description="公司注册地址因园区门牌调整变更，营业执照已换发。",
        new_address_zh="福建省厦门市湖里区云顶北路18号",
        new_address_en="18 Yunding North Road, Huli District, Xiamen, Fujian",
        attachments=[
            SimpleUploadedFile("营业执照（换发）.pdf", PDF, content_type="application/pdf")
        ],
    )


def _requirement_change(certificate, business) -> None:
    """§3.4.7: 认证业务部 publishes a changed requirement of the data centre's scheme; the
    verification of its certificate is open in the portal."""
    from django.utils import timezone

    from . import services
    from .models import RequirementChange

    if RequirementChange.objects.filter(scheme=certificate.scheme).exists():
        return
    today = timezone.localdate()
    change = services.requirement_change_create(
        by=business,
        scheme=certificate.scheme,
        title="机房动力环境监控记录保存期限延长",
        description="动力环境监控记录的保存期限由 6 个月延长至 12 个月。",
        effective_on=today + datetime.timedelta(days=30),
        verify_by=today + datetime.timedelta(days=75),
    )
    services.requirement_change_publish(change=change, by=business, reason="演示")


def _notices(users: dict) -> None:
    from django.utils import timezone

    from applications.models import Organization

    from . import services
    from .models import OrganizationNotice

    staff, applicant = users.get("kefu"), users.get("shenqing")
    org = Organization.objects.filter(credit_code="91350100M000100Y43").first()
    if (
        not (staff and applicant and org)
        or OrganizationNotice.objects.filter(organization=org).exists()
    ):
        return
    now = timezone.now()
    services.notice_open(
        organization=org,
        by=staff,
        kind="b",
        occurred_at=now - datetime.timedelta(hours=6),
        description="福州市市场监管局抽查：上门维修服务收费公示不规范，认定不合格。",
        source="regulator",
        source_note="市场监管局官网通报",
    )
    services.notice_submit(
        organization=org,
        by=applicant,
        kind="c",
        occurred_at=now - datetime.timedelta(days=3),
        description="公司联系电话变更为 0591-87650000。",
    )
