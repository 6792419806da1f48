"""Reference data of this app: the five schemes of 附录 2 (SPEC "Reference data").

Used by the data migration that creates them and by :func:`ensure_schemes`, which tests and
``seed_demo`` call on a database that was flushed. Existing rows are never overwritten: staff
may have corrected them.
"""

from decimal import Decimal


def _levels(names_zh, names_en, scores=None):
    out = []
    for i, (zh, en) in enumerate(zip(names_zh, names_en, strict=True)):
        level = {"code": str(i + 1), "name_zh": zh, "name_en": en}
        if scores:
            level["min_score"] = scores[i]
        out.append(level)
    return out


SCHEMES = [
    {
        "code": "after-sales",
        "name_zh": "商品售后服务",
        "name_en": "After-sales service of goods",
        "standards": "GB/T 27922-2011",
        # Score out of 100: 达标 ≥70, 三星 ≥80, 四星 ≥90, 五星 ≥95.
        "levels": [
            {"code": "compliant", "name_zh": "达标", "name_en": "Compliant", "min_score": 70},
            {"code": "3-star", "name_zh": "三星", "name_en": "Three-star", "min_score": 80},
            {"code": "4-star", "name_zh": "四星", "name_en": "Four-star", "min_score": 90},
            {"code": "5-star", "name_zh": "五星", "name_en": "Five-star", "min_score": 95},
        ],
        "evaluation_modes": ["management_audit", "characteristic_inspection", "customer_survey"],
        "base_man_days": Decimal("2.0"),
    },
    {
        "code": "csmm",
        "name_zh": "软件过程及能力成熟度",
        "name_en": "Software process and capability maturity",
        "standards": "T/CESA 1159 (CSMM); SJ/T 11234; SJ/T 11235",
        "levels": _levels(
            ["初始级", "项目规范级", "组织改进级", "量化提升级", "创新引领级"],
            [
                "Initial",
                "Project standardised",
                "Organisational improvement",
                "Quantitative improvement",
                "Innovation leading",
            ],
        ),
        "evaluation_modes": ["capability_confirmation", "management_audit"],
        "base_man_days": Decimal("3.0"),
    },
    {
        "code": "dsmm",
        "name_zh": "数据安全能力成熟度",
        "name_en": "Data security capability maturity",
        "standards": "GB/T 37988-2019 (DSMM)",
        "levels": _levels(
            ["非正式执行级", "计划跟踪级", "充分定义级", "量化控制级", "持续优化级"],
            [
                "Performed informally",
                "Planned and tracked",
                "Well defined",
                "Quantitatively controlled",
                "Continuously improving",
            ],
        ),
        "evaluation_modes": ["capability_confirmation", "management_audit"],
        "base_man_days": Decimal("3.0"),
    },
    {
        "code": "data-centre",
        "name_zh": "数据中心服务能力成熟度",
        "name_en": "Data-centre service capability maturity",
        "standards": "GB/T 33136-2016",
        "levels": _levels(
            ["起始级", "发展级", "稳健级", "优秀级", "卓越级"],
            ["Initial", "Developing", "Robust", "Excellent", "Outstanding"],
        ),
        "evaluation_modes": [
            "capability_confirmation",
            "management_audit",
            "characteristic_testing",
        ],
        "base_man_days": Decimal("3.0"),
    },
    {
        "code": "outsourcing",
        "name_zh": "服务外包能力",
        "name_en": "Service outsourcing capability",
        # SPEC: "GB/T 33770 series (to confirm)" — staff confirm the exact parts.
        "standards": "GB/T 33770 系列 series",
        "levels": [],
        "evaluation_modes": ["capability_confirmation", "management_audit"],
        "base_man_days": Decimal("2.0"),
    },
]


MODELS = [
    "scheme",
    "organization",
    "site",
    "membership",
    "application",
    "applicationdocument",
    "contract",
    "contractamendment",
]


def view(*models):
    return [f"applications.view_{m}" for m in models]


def change(*models):
    return [f"applications.{verb}_{m}" for m in models for verb in ("add", "change")]


#: What each role may see and change of this app in the admin.
ROLE_GRANTS = {
    "customer_service": view(*MODELS)
    + change("scheme", "organization", "site", "membership", "applicationdocument")
    + [
        "applications.review_application",
        "applications.delete_applicationdocument",
        "cesi_cert.view_transitionlog",
    ],
    "certification_business": view(*MODELS)
    + ["applications.change_scheme", "cesi_cert.view_transitionlog"],
    "technical_committee": view(
        "scheme", "organization", "site", "application", "applicationdocument", "contract"
    ),
}


#: Granted by migration 0006 with the model (kept apart: 0004 grants ``ROLE_GRANTS`` before the
#: model exists). Customer service and certification business see the open invitations.
INVITATION_GRANTS = {
    "customer_service": view("invitation"),
    "certification_business": view("invitation"),
}


def ensure_role_permissions() -> None:
    """Give the role groups this app's permissions again (a flushed test database)."""
    from django.apps import apps

    from cesi_cert.migration_helpers import grant

    grant(apps, ROLE_GRANTS)
    grant(apps, INVITATION_GRANTS)


def ensure_schemes(scheme_model=None) -> int:
    """Create the schemes that are missing; return how many were created."""
    if scheme_model is None:
        from .models import Scheme as scheme_model
    created = 0
    for row in SCHEMES:
        _obj, was_created = scheme_model.objects.get_or_create(
            code=row["code"], defaults={k: v for k, v in row.items() if k != "code"}
        )
        created += was_created
    return created
