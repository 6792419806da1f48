"""Deadline sweeps at scale: the same 1,000 items due among 10,000 and 100,000 certificates.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/anything \\
        .venv/bin/python bench/deadlines.py [--sizes 10000 100000] [--due 1000]

Issue 9 "Cost": ``run_deadlines`` on 100,000 certificates must take at most 1.3× its time on
10,000 when the same 1,000 items are due — the time follows what is due, not the total.

Migrates a throw-away database ``<name>_deadline_bench`` beside the one DATABASE_URL names and
copies it (``CREATE DATABASE … TEMPLATE``) for each size. Each copy is filled in bulk (no
services: their cost is not measured here) with what the services would have left behind for
``N`` certificates: the certificate, its current version, its surveillance cycles (past ones
satisfied, the running one open) and the deadline rows the services track (the certificate's
expiry, the open cycle's due date; closed rows for what is done). A twentieth are withdrawn and
a twentieth expired, with their cycles and deadlines closed, as history accumulates.

Exactly ``--due`` of them (spread evenly, the same ones in both sizes) are due as of the run
moment, a fifth each: the expiry reminder (expires in 2 months), expired yesterday, suspension
ended yesterday (withdrawn on ground d), the cycle's surveillance evaluation to open (cycle ends
in 45 days, also its reminder), cycle missed (ended yesterday: case on ground a, overdue alert).

Then, in a fresh process per database, it prints ``EXPLAIN (ANALYZE, BUFFERS)`` of every
registered sweep's ``due(as_of)`` query (shown for the largest size) and times
``call_command("run_deadlines", as_of=…)`` on ``--repeat`` fresh copies of the filled database
(``CREATE DATABASE … TEMPLATE``; the median is kept), with the query count and what each sweep
changed.
Tasks the sweeps queue (the notice PDF) go to an in-memory broker; e-mail stays in memory. The
databases are dropped at the end (``--keep`` keeps them).
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import subprocess  # noqa: S404 — this script's own modes, fixed commands
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PYTHON = [sys.executable, *(["-S"] if sys.flags.no_site else [])]
PREFIX = "CESI-SC-2024-"
GOAL = 1.3
GROUPS = ("reminder", "expiry", "suspension_end", "cycle_to_open", "cycle_missed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (median kept)")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--mode", choices=["fill", "explain", "run"], help=argparse.SUPPRESS)
    parser.add_argument("--as-of", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        return child(args)

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL=postgres://… (the benchmark measures PostgreSQL).")
    parsed = urlparse(url)
    base = f"{parsed.path.lstrip('/') or 'cesi'}_deadline_bench"
    names = [base] + [f"{base}_{n}" for n in args.sizes]

    def url_of(name):
        return urlunparse(parsed._replace(path=f"/{name}"))

    def env_of(name):
        return {
            **os.environ,
            "DATABASE_URL": url_of(name),
            "DJANGO_SETTINGS_MODULE": "bench.settings_deadlines",
            "CELERY_BROKER_URL": "memory://",
        }

    def me(name, *more):
        out = subprocess.run(  # noqa: S603
            [*PYTHON, str(Path(__file__)), *more],
            cwd=ROOT,
            env=env_of(name),
            check=True,
            capture_output=True,
            text=True,
        )
        sys.stderr.write(out.stderr)
        return out.stdout

    # The run moment: now, so that what the services stamp with the real clock agrees.
    as_of = datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()
    for name in names + [f"{name}_run" for name in names]:
        _admin_sql(parsed, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    results = {}
    try:
        _admin_sql(parsed, f'CREATE DATABASE "{base}"')
        subprocess.run(  # noqa: S603
            [*PYTHON, "manage.py", "migrate", "--verbosity", "0"],
            cwd=ROOT,
            env=env_of(base),
            check=True,
        )
        for n, name in zip(args.sizes, names[1:], strict=True):
            _admin_sql(parsed, f'CREATE DATABASE "{name}" TEMPLATE "{base}"')
            print(
                me(
                    name, "--mode", "fill", "--n", str(n), "--due", str(args.due), "--as-of", as_of
                ).strip()
            )
            plans = me(name, "--mode", "explain", "--as-of", as_of)
            runs = []
            for _ in range(args.repeat):  # each run on a fresh copy of the filled database
                _admin_sql(parsed, f'CREATE DATABASE "{name}_run" TEMPLATE "{name}"')
                runs.append(json.loads(me(f"{name}_run", "--mode", "run", "--as-of", as_of)))
                _admin_sql(parsed, f'DROP DATABASE "{name}_run" WITH (FORCE)')
            runs.sort(key=lambda r: r["seconds"])
            results[n] = {**runs[len(runs) // 2], "plans": plans}
            results[n]["all"] = [r["seconds"] for r in runs]
            if not args.keep:
                _admin_sql(parsed, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        if not args.keep:
            for name in names:
                _admin_sql(parsed, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    report(args, as_of, results)


def _admin_sql(parsed, sql: str) -> None:
    import psycopg2

    conn = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname="postgres",
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(sql)
    conn.close()


def report(args, as_of, results) -> None:
    sizes = sorted(results)
    load = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S607
    print(f"\nrun_deadlines --as-of {as_of}, {args.due} items due; machine: {load}")
    print(
        f"{'certificates':>12} {'median s':>9} {'runs (s)':>20} {'queries':>8}  changed per sweep"
    )
    for n in sizes:
        r = results[n]
        changed = ", ".join(f"{k} {v}" for k, v in r["changed"].items() if v)
        runs = " ".join(f"{s:.2f}" for s in r["all"])
        print(f"{n:>12} {r['seconds']:>9.2f} {runs:>20} {r['queries']:>8}  {changed}")
    if len(sizes) >= 2:
        small, large = results[sizes[0]]["seconds"], results[sizes[-1]]["seconds"]
        ratio = large / small
        verdict = "met" if ratio <= GOAL else "MISSED"
        print(f"ratio {sizes[-1]} / {sizes[0]}: {ratio:.2f} (goal ≤ {GOAL}: {verdict})")
        same = results[sizes[0]]["changed"] == results[sizes[-1]]["changed"]
        print(f"same items changed in both: {'yes' if same else 'NO'}")
    print(f"\nPlans of the due queries on {sizes[-1]} certificates (before the run):")
    print(results[sizes[-1]]["plans"])


# --- the child processes (Django set up on one database) -------------------------------------


def child(args) -> None:
    import django

    django.setup()
    from django.utils.dateparse import parse_datetime

    as_of = parse_datetime(args.as_of)
    if args.mode == "fill":
        fill(args.n, as_of, args.due)
    elif args.mode == "explain":
        explain(as_of)
    else:
        timed_run(args.as_of)


def explain(as_of) -> None:
    from django.db import connection

    from cesi_cert import deadlines

    for sweep in deadlines.sweeps():
        queryset = sweep.due(as_of)
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            plan = "\n".join(f"    {row[0]}" for row in cursor.fetchall())
        print(f"  {sweep.name}: {len(list(queryset))} due\n{plan}")


def timed_run(as_of: str) -> None:
    from django.core.management import call_command
    from django.db import connection

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    out = io.StringIO()
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        call_command("run_deadlines", as_of=as_of, stdout=out)
        seconds = time.perf_counter() - started
    changed = {}
    for line in out.getvalue().splitlines():
        name, _, rest = line.partition(": ")
        changed[name] = int(rest.split()[0])
    print(json.dumps({"seconds": seconds, "queries": queries, "changed": changed}))


def _group(i: int, n: int, due: int) -> str | None:
    """Which due group certificate ``i`` of ``n`` is in (the same ``due`` ones in any size)."""
    step = n // due
    if i % step or i // step >= due:
        return None
    return GROUPS[(i // step) % len(GROUPS)]


def fill(n: int, as_of, due: int) -> None:  # noqa: C901, PLR0915 — one flat description
    from dateutil.relativedelta import relativedelta
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.urls import reverse
    from django.utils import timezone

    from applications.models import Scheme
    from applications.tests.factories import OrganizationFactory, UserFactory, applicant_of
    from certificates import deadlines as certificate_deadlines
    from certificates.models import Certificate, CertificateVersion
    from cesi_cert.deadlines import end_of
    from cesi_cert.models import Deadline
    from cesi_cert.roles import Role
    from surveillance import deadlines as surveillance_deadlines
    from surveillance.models import SurveillanceCycle

    started = time.perf_counter()
    today = timezone.localdate(as_of)
    yesterday = today - datetime.timedelta(days=1)
    scheme = Scheme.objects.get(code="after-sales")
    org = OrganizationFactory()
    applicant_of(org)
    for role in (Role.CUSTOMER_SERVICE, Role.CERTIFICATION_BUSINESS, Role.TECHNICAL_COMMITTEE):
        UserFactory(role=role)
    ct_cert = ContentType.objects.get_for_model(Certificate)
    ct_cycle = ContentType.objects.get_for_model(SurveillanceCycle)
    expiry = certificate_deadlines.CERTIFICATE_EXPIRY
    suspension = certificate_deadlines.SUSPENSION_END
    cycle_due = surveillance_deadlines.CYCLE_DUE
    long_ago = as_of - datetime.timedelta(days=300)

    def row(ct, obj_pk, kind, due_at, *, params, closed=None, outcome="", reminded=None, **links):
        return Deadline(
            content_type=ct,
            object_id=obj_pk,
            kind=kind.key,
            params=params,
            organization_id=org.pk,
            visible_to_organization=kind.visible_to_organization,
            owner_role=kind.owner,
            due_at=due_at,
            remind_at=due_at - kind.remind_before,
            reminded_at=reminded,
            closed_at=closed,
            outcome=outcome,
            **links,
        )

    batch = 5000
    counts = dict.fromkeys(GROUPS, 0)
    for start in range(0, n, batch):
        plans = []  # (certificate, group, first_issued_on)
        with transaction.atomic():
            certs = []
            for i in range(start, min(n, start + batch)):
                group = _group(i, n, due)
                # Background: issued 13 months ago, cycle 1 satisfied, cycle 2 open (11 months).
                first = today - relativedelta(months=13)
                expires = first + relativedelta(years=3) - datetime.timedelta(days=1)
                state, until = "active", None
                if group is None and i % 20 == 7:
                    state = "withdrawn"
                elif group is None and i % 20 == 11:
                    state, first = "expired", today - relativedelta(years=3, months=6)
                    expires = first + relativedelta(years=3) - datetime.timedelta(days=1)
                elif group == "reminder":
                    expires = today + relativedelta(months=2)
                    first = expires - relativedelta(years=3) + datetime.timedelta(days=1)
                elif group == "expiry":
                    expires = yesterday
                    first = expires - relativedelta(years=3) + datetime.timedelta(days=1)
                elif group == "suspension_end":
                    state, until = "suspended", yesterday
                elif group == "cycle_to_open":
                    first = today + datetime.timedelta(days=45) - relativedelta(months=24)
                    first += datetime.timedelta(days=1)
                    expires = first + relativedelta(years=3) - datetime.timedelta(days=1)
                elif group == "cycle_missed":
                    first = today - relativedelta(months=24)
                    expires = first + relativedelta(years=3) - datetime.timedelta(days=1)
                if group:
                    counts[group] += 1
                certs.append(
                    Certificate(
                        number=f"{PREFIX}{i + 1:06d}",
                        oid=f"1.2.156.3088.1.2024.{i + 1}",
                        organization=org,
                        scheme=scheme,
                        state=state,
                        first_issued_on=first,
                        expires_on=expires,
                        credit_code=f"91350100MA{i:08d}",
                        organization_name=f"华东{i}号服务有限公司",
                        organization_name_en=f"Example Services {i} Co., Ltd.",
                        suspended_until=until,
                    )
                )
                plans.append(group)
            Certificate.objects.bulk_create(certs)
            versions, cycles, rows = [], [], []
            for cert in certs:
                versions.append(
                    CertificateVersion(
                        certificate=cert,
                        sequence=1,
                        kind="issue",
                        organization_name_zh=cert.organization_name,
                        organization_name_en=cert.organization_name_en,
                        address_zh="福建省福州市鼓楼区五四路100号",
                        address_en="100 Wusi Road, Gulou District, Fuzhou",
                        credit_code=cert.credit_code,
                        scheme_name_zh=scheme.name_zh,
                        scheme_name_en=scheme.name_en,
                        standards=scheme.standards,
                        level="4-star",
                        level_name_zh="四星",
                        level_name_en="Four-star",
                        scope="家用电器的安装、维修、退换货及客户投诉处理服务",
                        sites=[],
                        issued_on=cert.first_issued_on,
                        expires_on=cert.expires_on,
                    )
                )
                # Cycles as cycle_ensure leaves them: past ones satisfied, the running one open
                # (none for the last cycle, combined with the recertification, §7.2 e).
                for number in (1, 2):
                    s, e = surveillance_deadlines.cycle_bounds(cert.first_issued_on, number)
                    if surveillance_deadlines.combined_with_recertification(e, cert.expires_on):
                        break
                    running = e >= yesterday and cert.state in ("active", "suspended")
                    state = "open" if running else "satisfied"
                    if cert.state in ("withdrawn", "expired") and e >= yesterday:
                        state = "cancelled"
                    cycles.append(
                        SurveillanceCycle(
                            certificate=cert,
                            number=number,
                            starts_on=s,
                            ends_on=e,
                            state=state,
                            closed_on=None if state == "open" else min(e, yesterday),
                        )
                    )
            CertificateVersion.objects.bulk_create(versions)
            SurveillanceCycle.objects.bulk_create(cycles)
            for cert, group in zip(certs, plans, strict=True):
                held = cert.state in ("active", "suspended")
                links = {
                    "portal_link": reverse("portal:certificate", args=[cert.pk]),
                    "staff_link": reverse("admin:certificates_certificate_change", args=[cert.pk]),
                }
                params = {"number": cert.number, "until": f"{cert.expires_on:%Y-%m-%d}"}
                due_at = end_of(cert.expires_on)
                rows.append(
                    row(
                        ct_cert,
                        cert.pk,
                        expiry,
                        due_at,
                        params=params,
                        reminded=long_ago if due_at - expiry.remind_before < long_ago else None,
                        closed=None if held else long_ago,
                        outcome="" if held else "cancelled",
                        **links,
                    )
                )
                if group == "suspension_end":
                    rows.append(
                        row(
                            ct_cert,
                            cert.pk,
                            suspension,
                            end_of(cert.suspended_until),
                            params={**params, "until": f"{cert.suspended_until:%Y-%m-%d}"},
                            reminded=as_of - datetime.timedelta(days=15),
                            **links,
                        )
                    )
            for cycle in cycles:
                open_ = cycle.state == "open"
                due_at = end_of(cycle.ends_on)
                rows.append(
                    row(
                        ct_cycle,
                        cycle.pk,
                        cycle_due,
                        due_at,
                        params={
                            "number": str(cycle.number),
                            "certificate": cycle.certificate.number,
                            "until": f"{cycle.ends_on:%Y-%m-%d}",
                        },
                        reminded=as_of - datetime.timedelta(days=61) if due_at < as_of else None,
                        closed=None if open_ else end_of(cycle.closed_on),
                        outcome=""
                        if open_
                        else "met"
                        if cycle.state == "satisfied"
                        else "cancelled",
                        portal_link=reverse("portal:certificate", args=[cycle.certificate_id]),
                        staff_link=reverse(
                            "admin:surveillance_surveillancecycle_change", args=[cycle.pk]
                        ),
                    )
                )
            Deadline.objects.bulk_create(rows)
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE certificates_certificate c SET current_version_id = v.id "
                    "FROM certificates_certificateversion v "
                    "WHERE v.certificate_id = c.id AND c.current_version_id IS NULL"
                )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    made = ", ".join(f"{k} {v}" for k, v in counts.items())
    print(
        f"{n} certificates, {Deadline.objects.count()} deadline rows, "
        f"{SurveillanceCycle.objects.count()} cycles ({time.perf_counter() - started:.0f} s); "
        f"due: {made}"
    )


if __name__ == "__main__":
    main()
