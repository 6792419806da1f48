"""Demo data of surveillance (registered with ``cesi_cert.demo`` and run by ``seed_demo``): one
notification customer service opened after a regulator's finding, for the demo organisation to
notify in the portal, and one it notified itself."""

from __future__ import annotations

import datetime


def seed(users: dict) -> None:
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
