"""Demo certificates (registered with ``cesi_cert.demo`` and run by ``seed_demo``): two
organisations whose evaluations are reported, each granted a certificate through
``certificate_issue``; one of them is then suspended, so the public notice has an entry.

The data centre's certificate is issued 2 years 10 months before the seeding day, so its
recertification window (§3.5, 3 months before expiry) is open whenever the demo is made."""

from __future__ import annotations

import datetime
from functools import partial

from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

PDF = b"%PDF-1.4\n% demo material\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

DEMO = [
    {
        "org": {
            "name_zh": "厦门示例数据中心服务有限公司",
            "name_en": "Xiamen Example Data Centre Services Co., Ltd.",
            "credit_code": "91350200MA00000012",
            "address_zh": "福建省厦门市湖里区云顶北路16号",
            "address_en": "16 Yunding North Road, Huli District, Xiamen, Fujian",
        },
        "scheme": "data-centre",
        "level": "3",
        "scope": "数据中心基础设施运维及托管服务",
        "sites": [
            ("厦门湖里数据中心", "福建省厦门市湖里区云顶北路16号", "机房运维、托管服务", True),
            ("漳州备份数据中心", "福建省漳州市龙文区建元东路2号", "灾备中心运维", False),
        ],
        "suspend": False,
        # §3.5: issued this long before the seeding day — inside the recertification window.
        "issued_ago": {"years": 2, "months": 10},
    },
    {
        "org": {
            "name_zh": "泉州示例家电售后服务有限公司",
            "name_en": "Quanzhou Example After-sales Services Co., Ltd.",
            "credit_code": "91350500MA00000026",
            "address_zh": "福建省泉州市丰泽区刺桐路88号",
            "address_en": "88 Citong Road, Fengze District, Quanzhou, Fujian",
        },
        "scheme": "after-sales",
        "level": "3-star",
        "scope": "家用电器的安装、维修及客户投诉处理服务",
        "sites": [("泉州服务中心", "福建省泉州市丰泽区刺桐路88号", "家电售后服务", True)],
        "suspend": True,
    },
]


def _dates(item: dict) -> tuple[datetime.date, datetime.date]:
    """The contract's signing day and the certificate's issue day of a demo item."""
    if "issued_ago" in item:
        issued_on = timezone.localdate() - relativedelta(**item["issued_ago"])
        return issued_on - datetime.timedelta(days=49), issued_on
    return datetime.date(2026, 3, 2), datetime.date(2026, 4, 20)


def _valid_code(code: str) -> str:
    from applications.validators import credit_code_check_char

    return code[:17] + credit_code_check_char(code[:17])


def seed(users: dict) -> None:
    """Idempotent: an organisation already holding its demo certificate is left alone."""
    from applications import services as application_services
    from applications.models import REQUIRED_DOCUMENTS, Application, Organization, Scheme

    applicant, kefu = users.get("shenqing"), users.get("kefu")
    if applicant is None or kefu is None:
        return
    for item in DEMO:
        code = _valid_code(item["org"]["credit_code"])
        if Organization.objects.filter(credit_code=code).exists():
            continue
        org = application_services.organization_create(
            by=applicant,
            **{**item["org"], "credit_code": code},
            applicant_type="provider",
            contact_name="刘洋",
            contact_phone="0592-12345678",
            contact_email="liuyang@example.cn",
            legal_status_evidence=SimpleUploadedFile(
                "营业执照.pdf", PDF, content_type="application/pdf"
            ),
        )
        sites = [
            application_services.site_create(
                organization=org,
                by=applicant,
                name=name,
                address=address,
                activities=activities,
                is_central=central,
            )
            for name, address, activities, central in item["sites"]
        ]
        app = application_services.application_create(
            organization=org,
            by=applicant,
            scheme=Scheme.objects.get(code=item["scheme"]),
            requested_level=item["level"],
            scope=item["scope"],
            sites=sites,
        )
        for kind in REQUIRED_DOCUMENTS[app.kind]:
            application_services.document_upload(
                application=app,
                by=applicant,
                kind=kind,
                file=SimpleUploadedFile(f"{kind}.pdf", PDF, content_type="application/pdf"),
            )
        app = application_services.application_submit(application=app, by=applicant)
        app = application_services.application_start_review(application=app, by=kefu)
        app = application_services.application_accept(
            application=app, by=kefu, requirements_clear=True, cb_capable=True, notes="资料齐全"
        )
        app = application_services.application_sign_contract(
            application=app,
            by=kefu,
            signed_on=_dates(item)[0],
            man_days=4,
            fee_quote=30000,
        )
        assert app.state == Application.State.CONTRACTED
        # The signed contract opens the evaluation after the commit (evaluations' event); the
        # grant follows it then.
        transaction.on_commit(partial(_grant, app.pk, item, kefu))


def _grant(application_pk: int, item: dict, kefu) -> None:
    from evaluations.models import Evaluation

    from . import services

    evaluation = Evaluation.objects.filter(application_id=application_pk).first()
    if evaluation is None:
        return
    # The evaluation's own walk (team, visit, findings) is the evaluations demo's; here it is
    # marked reported, as the committee sees it when it grants.
    Evaluation.objects.filter(pk=evaluation.pk).update(
        state=Evaluation.State.REPORTED, conclusion=Evaluation.Conclusion.RECOMMEND
    )
    certificate = services.certificate_issue(
        evaluation=Evaluation.objects.get(pk=evaluation.pk),
        by=kefu,
        reason="技术委员会批准认证（演示）",
        issued_on=_dates(item)[1],
    )
    if item["suspend"]:
        services.certificate_suspend(
            certificate=certificate,
            by=kefu,
            ground="h",
            reason="监督评价提出的不符合项未按期完成纠正（演示）",
        )
