"""Factories of the evaluations app."""

from __future__ import annotations

import datetime

from applications.models import Application
from applications.tests.factories import UserFactory, application_in
from cesi_cert.roles import Role
from evaluations.models import AuditorQualification, Evaluation, QualificationRole


def contracted_evaluation(**walk) -> Evaluation:
    """The evaluation a signed contract opened (the event runs as it does after commit)."""
    from evaluations import services

    app = application_in(Application.State.CONTRACTED, **walk)
    return services.evaluation_open_for_application(application=app) or Evaluation.objects.get(
        application=app
    )


def auditor(scheme, *, username=None, role=QualificationRole.AUDITOR, valid_until=None, **kw):
    """An auditor account qualified for ``scheme`` from 2020 until ``valid_until`` (2030)."""
    user = UserFactory(role=Role.AUDITOR, **({"username": username} if username else {}), **kw)
    AuditorQualification.objects.create(
        person=user,
        scheme=scheme,
        role=role,
        valid_from=datetime.date(2020, 1, 1),
        valid_until=valid_until or datetime.date(2030, 12, 31),
    )
    return user
