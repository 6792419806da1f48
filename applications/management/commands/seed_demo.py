"""Demo data for `make run`: one user per role, two organisations, applications in several states.

Idempotent: running it again changes nothing that exists. Never run it on a production database.
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from applications import services
from applications.models import REQUIRED_DOCUMENTS, Application, Organization, Scheme
from applications.reference_data import ensure_schemes
from cesi_cert import demo
from cesi_cert.models import User
from cesi_cert.roles import STAFF_ROLES, Role, ensure_role_groups

PASSWORD = "demo-pass-2026"  # noqa: S105 — demo logins, printed in the README
DEMO_USERS = [
    # username, role, name, is_superuser
    ("admin", None, "系统管理员", True),
    ("kefu", Role.CUSTOMER_SERVICE, "客服 王敏", False),
    ("yewu", Role.CERTIFICATION_BUSINESS, "业务 李强", False),
    ("shencha", Role.AUDITOR, "审查员 赵磊", False),
    ("jiwei", Role.TECHNICAL_COMMITTEE, "技委 陈静", False),
    ("shenqing", Role.APPLICANT, "申请方 刘洋", False),
]
PDF = b"%PDF-1.4\n% demo material\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Command(BaseCommand):
    help = "Create demo users (one per role), organisations and applications. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="do not print the logins")

    def handle(self, *args, quiet=False, **options):
        server_db = not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
        if not settings.DEBUG and server_db and "test" not in settings.SETTINGS_MODULE:
            raise CommandError("seed_demo refuses to run with DEBUG off on a server database.")
        with transaction.atomic():
            ensure_schemes()
            ensure_role_groups()
            users = {name: self._user(name, role, full, su) for name, role, full, su in DEMO_USERS}
            self._organizations(users)
            # What the apps downstream add (the auditor's qualifications …).
            demo.run_seeders(users)
        if not quiet:
            self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {PASSWORD}):"))
            for name, role, full, _su in DEMO_USERS:
                self.stdout.write(f"  {name:<10} {role or 'superuser':<24} {full}")

    def _user(self, username, role, full_name, superuser):
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": full_name,
                "email": f"{username}@demo.cesi.example.cn",
                "is_superuser": superuser,
                "is_staff": superuser or role in STAFF_ROLES,
            },
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    def _organizations(self, users):
        applicant = users["shenqing"]
        if Organization.objects.filter(credit_code="91350100M000100Y43").exists():
            return
        org = services.organization_create(
            by=applicant,
            name_zh="福州示例家电服务有限公司",
            name_en="Fuzhou Example Appliance Services Co., Ltd.",
            credit_code="91350100M000100Y43",
            address_zh="福建省福州市鼓楼区五四路100号",
            address_en="100 Wusi Road, Gulou District, Fuzhou, Fujian",
            applicant_type="provider",
            contact_name="刘洋",
            contact_phone="0591-87654321",
            contact_email="liuyang@example.cn",
            legal_status_evidence=SimpleUploadedFile(
                "营业执照.pdf", PDF, content_type="application/pdf"
            ),
        )
        hq = services.site_create(
            organization=org,
            by=applicant,
            name="总部服务中心",
            address="福建省福州市鼓楼区五四路100号",
            activities="家电售后服务管理、呼叫中心、备件管理",
            is_central=True,
        )
        branch = services.site_create(
            organization=org,
            by=applicant,
            name="厦门服务网点",
            address="福建省厦门市思明区湖滨南路8号",
            activities="家电上门安装与维修",
        )
        after_sales = Scheme.objects.get(code="after-sales")
        draft = services.application_create(
            organization=org,
            by=applicant,
            scheme=after_sales,
            requested_level="4-star",
            scope="家用电器的安装、维修、退换货及客户投诉处理服务",
            sites=[hq, branch],
        )
        self._materials(draft, applicant)
        submitted = services.application_create(
            organization=org,
            by=applicant,
            scheme=Scheme.objects.get(code="dsmm"),
            requested_level="3",
            scope="客户数据全生命周期安全管理",
            sites=[hq],
        )
        self._materials(submitted, applicant)
        submitted = services.application_submit(
            application=submitted, by=applicant, reason="请受理"
        )

        kefu = users["kefu"]
        contracted = services.application_create(
            organization=org,
            by=applicant,
            scheme=Scheme.objects.get(code="csmm"),
            requested_level="3",
            scope="应用软件定制开发服务",
            sites=[hq],
        )
        self._materials(contracted, applicant)
        contracted = services.application_submit(application=contracted, by=applicant)
        contracted = services.application_start_review(application=contracted, by=kefu)
        contracted = services.application_accept(
            application=contracted,
            by=kefu,
            requirements_clear=True,
            cb_capable=True,
            notes="资料齐全",
        )
        contracted = services.application_sign_contract(
            application=contracted,
            by=kefu,
            signed_on=datetime.date(2026, 10, 15),
            man_days=6,
            fee_quote=48000,
        )
        assert contracted.state == Application.State.CONTRACTED

    def _materials(self, application, by):
        for kind in REQUIRED_DOCUMENTS[application.kind]:
            services.document_upload(
                application=application,
                by=by,
                kind=kind,
                file=SimpleUploadedFile(f"{kind}.pdf", PDF, content_type="application/pdf"),
            )
