"""Time the busiest pages and count their queries with many applications on file.

    .venv/bin/python bench/pages.py [--applications 2000] [--evaluations 200] [--decisions 200]
                                    [--repeat 20]

Builds a throw-away SQLite database (or the one DATABASE_URL names, in a test database), fills
it with organisations and applications through the factories, and evaluations (each with a
leader, an auditor and two nonconformities) in bulk, then requests each page with
Django's test client and prints the median and 95th-percentile time and the query count.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cesi_cert.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--evaluations", type=int, default=200)
    parser.add_argument("--decisions", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.runner import DiscoverRunner
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    runner = DiscoverRunner(verbosity=0)
    old = runner.setup_databases()
    try:
        run(args, connection, CaptureQueriesContext)
    finally:
        runner.teardown_databases(old)


def run(args, connection, CaptureQueriesContext) -> None:
    from django.test import Client
    from rest_framework.test import APIClient

    from applications.models import Application, Scheme
    from applications.tests.factories import (
        ApplicationFactory,
        OrganizationFactory,
        SiteFactory,
        UserFactory,
        applicant_of,
    )
    from cesi_cert.roles import Role
    from evaluations.models import Evaluation
    from evaluations.tests.factories import auditor, many_evaluations

    started = time.perf_counter()
    orgs = [OrganizationFactory() for _ in range(max(1, args.applications // 20))]
    sites = {org.pk: SiteFactory(organization=org) for org in orgs}
    applicant = applicant_of(orgs[0], username="bench-applicant")
    states = [s for s, _ in Application.State.choices]
    for i in range(args.applications):
        org = orgs[i % len(orgs)]
        ApplicationFactory(
            organization=org,
            created_by=applicant,
            state=states[i % len(states)],
            sites=[sites[org.pk]],
        )
    staff = UserFactory(username="bench-kefu", role=Role.CUSTOMER_SERVICE)
    print(
        f"{args.applications} applications in {len(orgs)} organisations "
        f"({time.perf_counter() - started:.1f} s to build), {connection.vendor}"
    )

    # Half the evaluations are of the portal's organisation, the rest spread over all; one
    # auditor leads every team (the workspace's home and verification queue at their fullest).
    started = time.perf_counter()
    leader = auditor(Scheme.objects.get(code="after-sales"), username="bench-auditor")
    planner = UserFactory(username="bench-yewu", role=Role.CERTIFICATION_BUSINESS)
    half = args.evaluations // 2
    many_evaluations(half, organizations=orgs[:1], leader=leader, staff=planner)
    many_evaluations(
        args.evaluations - half, organizations=orgs, leader=leader, staff=planner, start=half
    )
    print(
        f"{args.evaluations} evaluations, {2 * args.evaluations} team members and nonconformities "
        f"({time.perf_counter() - started:.1f} s to build)"
    )

    web_staff, web_applicant, web_auditor, api = Client(), Client(), Client(), APIClient()
    web_committee = Client()
    web_staff.force_login(staff)
    web_applicant.force_login(applicant)
    web_auditor.force_login(leader)
    api.force_authenticate(staff)
    own = Application.objects.filter(organization=orgs[0]).first()
    evaluation = Evaluation.objects.filter(organization=orgs[0]).first()
    # Open decisions for the committee's queue (half of them overdue), in bulk.
    from certificates.tests.decision_factories import many_decisions

    started = time.perf_counter()
    member = UserFactory(username="bench-jiwei", role=Role.TECHNICAL_COMMITTEE)
    decisions = many_decisions(args.decisions, organizations=orgs) if args.decisions else []
    web_committee.force_login(member)
    print(f"{args.decisions} open decisions ({time.perf_counter() - started:.1f} s to build)")

    pages = [
        ("admin: application list", web_staff, "/admin/applications/application/"),
        ("admin: application page", web_staff, f"/admin/applications/application/{own.pk}/change/"),
        ("admin: home (work queue)", web_staff, "/admin/"),
        ("portal: home", web_applicant, "/portal/"),
        ("portal: application page", web_applicant, f"/portal/applications/{own.pk}/"),
        ("API: applications, page 1", api, "/api/v1/applications/"),
    ]
    if evaluation is not None:
        ev = evaluation.pk
        pages += [
            ("admin: evaluation list", web_staff, "/admin/evaluations/evaluation/"),
            ("admin: evaluation page", web_staff, f"/admin/evaluations/evaluation/{ev}/change/"),
            ("auditor: home", web_auditor, "/auditor/"),
            ("auditor: evaluation page", web_auditor, f"/auditor/evaluations/{ev}/"),
            ("auditor: verification queue", web_auditor, "/auditor/verification/"),
            ("portal: evaluation page", web_applicant, f"/portal/evaluations/{ev}/"),
            ("API: evaluations, page 1", api, "/api/v1/evaluations/"),
            ("API: team members, page 1", api, "/api/v1/team-members/"),
            ("API: nonconformities, p. 1", api, "/api/v1/nonconformities/"),
        ]
    if decisions:
        pages += [
            ("committee: home (queue)", web_committee, "/committee/"),
            ("committee: dossier", web_committee, f"/committee/decisions/{decisions[0].pk}/"),
            ("admin: decision list", web_staff, "/admin/certificates/decision/"),
            ("API: decisions, page 1", api, "/api/v1/decisions/"),
        ]
    print(f"{'page':<28} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for label, client, url in pages:
        timings = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        print(f"{label:<28} {statistics.median(timings):>10.1f} {p95:>8.1f} {len(queries):>8}")


if __name__ == "__main__":
    main()
