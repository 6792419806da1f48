"""Demo data of evaluations (registered with ``cesi_cert.demo`` and run by ``seed_demo``)."""

from __future__ import annotations

import datetime


def seed(users: dict) -> None:
    """The demo auditor is qualified for every scheme, so a demo evaluation can be planned."""
    from applications.models import Scheme

    from .models import AuditorQualification, QualificationRole

    auditor = users.get("shencha")
    if auditor is None:
        return
    for scheme in Scheme.objects.filter(is_active=True):
        AuditorQualification.objects.get_or_create(
            person=auditor,
            scheme=scheme,
            role=QualificationRole.AUDITOR,
            technical_area="",
            defaults={
                "registration_number": f"DEMO-{scheme.code}",
                "valid_from": datetime.date(2024, 1, 1),
                "valid_until": datetime.date(2029, 12, 31),
            },
        )
