"""Demo data of the certificates app (registered with ``cesi_cert.demo``, run by ``seed_demo``).

A pending decision for the demo committee member (``jiwei``): the demo organisation applies for
after-sales service certification, the contract is signed, the evaluation is planned with the
demo auditor leading and reported "recommend" — every step through the services, as in real
use — and the report opens the decision.
"""

from __future__ import annotations

import datetime

DEMO_SCOPE = "家用电器售后服务（演示：待技术委员会评定）"


def seed_decisions(users: dict) -> None:
    """Runs once the demo's transaction commits: each step's events (contract signed → the
    evaluation opens; report submitted → the decision opens) then fire as in real use, after
    their own step, instead of all at the end — when a reported evaluation's contract event
    would open a second evaluation."""
    from django.db import transaction

    transaction.on_commit(lambda: _seed(users))


def _seed(users: dict) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from applications import services as application_services
    from applications.models import REQUIRED_DOCUMENTS, Application, Organization, Scheme
    from evaluations import services as evaluation_services
    from evaluations.models import Evaluation

    from .models import Decision
    from .services import decision_open

    kefu, yewu, leader = users.get("kefu"), users.get("yewu"), users.get("shencha")
    applicant = users.get("shenqing")
    org = Organization.objects.filter(credit_code="91350100M000100Y43").first()
    if not (kefu and yewu and leader and applicant and org):
        return
    if Decision.objects.filter(evaluation__application__scope=DEMO_SCOPE).exists():
        return
    scheme = Scheme.objects.get(code="after-sales")
    sites = list(org.sites.all()[:1])
    app = Application.objects.filter(organization=org, scope=DEMO_SCOPE).first()
    if app is None:
        app = application_services.application_create(
            organization=org,
            by=applicant,
            scheme=scheme,
            requested_level="4-star",
            scope=DEMO_SCOPE,
            sites=sites,
        )
        for kind in REQUIRED_DOCUMENTS[app.kind]:
            application_services.document_upload(
                application=app,
                by=applicant,
                kind=kind,
                file=SimpleUploadedFile(
                    f"{kind}.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"
                ),
            )
        app = application_services.application_submit(application=app, by=applicant)
        app = application_services.application_start_review(application=app, by=kefu)
        app = application_services.application_accept(
            application=app, by=kefu, requirements_clear=True, cb_capable=True, notes="资料齐全"
        )
        app = application_services.application_sign_contract(
            application=app,
            by=kefu,
            signed_on=timezone.localdate() - datetime.timedelta(days=40),
            man_days=2,
            fee_quote=20000,
        )
    # Opened by the "contract signed" event.
    ev = Evaluation.objects.exclude(state=Evaluation.State.CANCELLED).get(application=app)
    if ev.state == Evaluation.State.PLANNING:
        day = timezone.localdate() + datetime.timedelta(days=1)
        ev = evaluation_services.evaluation_plan(
            evaluation=ev,
            by=yewu,
            starts_on=day,
            ends_on=day,
            plan="首次会议、文件审查、网点现场评价、末次会议",
            sites=sites,
            service_running_confirmed=True,
        )
        evaluation_services.team_member_add(
            evaluation=ev, by=yewu, person=leader, role="leader", man_days=2
        )
        ev = evaluation_services.evaluation_notify_plan(evaluation=ev, by=yewu)
    if ev.state == Evaluation.State.PLAN_NOTIFIED:
        ev = evaluation_services.evaluation_start_document_review(evaluation=ev, by=leader)
    if ev.state == Evaluation.State.DOCUMENT_REVIEW:
        ev = evaluation_services.evaluation_start_on_site(
            evaluation=ev, by=leader, plan_confirmed=True
        )
    if ev.state == Evaluation.State.ON_SITE:
        for activity in ev.activities.filter(state="pending"):  # §3.2.3, by evaluation mode
            evaluation_services.activity_record_result(
                activity=activity, by=leader, result="conforms", findings="符合认证要求"
            )
        ev = evaluation_services.evaluation_submit_report(
            evaluation=ev, by=leader, conclusion="recommend", notes="服务体系运行有效"
        )
    # Opened by the "report submitted" event; a second open does nothing.
    decision_open(evaluation=ev)
