"""Factories of certificates: a reported evaluation, and a certificate issued from it through
``certificate_issue`` (as the committee's grant does)."""

from __future__ import annotations

import datetime

from applications.models import Application
from applications.tests.factories import SiteFactory, UserFactory
from cesi_cert.roles import Role
from evaluations.models import Evaluation
from evaluations.tests.factories import contracted_evaluation


def reported_evaluation(*, sites: int = 1, kind=None, renews=None, **walk) -> Evaluation:
    """An evaluation of a contracted application, marked reported (its own walk is tested in
    evaluations); ``sites`` extra sites join the application's first one. ``renews``: the
    certificate a recertification application names (§3.5) — the evaluation is then one."""
    evaluation = contracted_evaluation(**walk)
    app = evaluation.application
    if renews is not None:
        kind = Evaluation.Kind.RECERTIFICATION
        Application.objects.filter(pk=app.pk).update(
            kind=Application.Kind.RECERTIFICATION, certificate=renews
        )
    for i in range(sites - 1):
        site = SiteFactory(organization=evaluation.organization, name=f"分支网点{i + 1}")
        app.sites.add(site)
        evaluation.sites.add(site)
    Evaluation.objects.filter(pk=evaluation.pk).update(
        state=Evaluation.State.REPORTED,
        conclusion=Evaluation.Conclusion.RECOMMEND,
        **({"kind": kind} if kind else {}),
    )
    return Evaluation.objects.get(pk=evaluation.pk)


def staff(username="kefu-cert"):
    return UserFactory(username=username, role=Role.CUSTOMER_SERVICE)


def issued_certificate(*, by=None, issued_on=None, sites: int = 1, **walk):
    """A certificate granted on a fresh reported evaluation (issued 2026-04-20 unless told)."""
    from certificates.services import certificate_issue

    by = by or staff()
    walk.setdefault("staff", by)
    evaluation = reported_evaluation(sites=sites, **walk)
    return certificate_issue(
        evaluation=evaluation,
        by=by,
        reason="技术委员会批准",
        issued_on=issued_on or datetime.date(2026, 4, 20),
    )


__all__ = ["reported_evaluation", "issued_certificate", "staff", "Application"]
