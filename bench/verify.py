"""Public verification under load: 100,000 certificates on PostgreSQL, gunicorn, Debian's wrk.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/anything CACHE_URL=redis://127.0.0.1:6379/N \\
        .venv/bin/python bench/verify.py [--certificates 100000] [--seconds 10] [--workers 2]

Creates a throw-away database ``<name>_verify_bench`` beside the one DATABASE_URL names,
migrates it, fills it with certificates in bulk (each with its current version and two sites),
then serves it with gunicorn (``bench/settings.py``: production-like, persistent connections,
plus a bare view answering a fixed string at ``/bench/bare/``) and loads each URL with wrk in
turn, the bare view first and last. It prints requests per second of each URL and its ratio to
the bare view (the goal: ≥ 0.85), the query count of each page (the goal: ≤ 3, the same with
100,000 certificates as with three — ``certificates/tests/test_certificates_public.py`` checks
that part on every run), and the time to render a certificate PDF against a minimal one-page
WeasyPrint render of the same fonts (the goal: ≤ 2×). The database is dropped at the end.

With ``CACHE_URL`` (a Redis database of its own: the benchmark empties it) the public pages are
served from their rendered-response cache (``certificates/public_cache.py``), as in production;
``--no-page-cache`` measures every request rendered from the database instead.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess  # noqa: S404 — gunicorn and wrk, fixed commands
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PREFIX = "CESI-SC-2025-"
#: The interpreter as this script runs, for its subprocesses (``python -S`` stays ``-S``).
PYTHON = [sys.executable, *(["-S"] if sys.flags.no_site else [])]
NAMES = ["华东", "华南", "闽江", "长江", "珠江", "东海", "西湖", "黄山", "泰山", "海峡"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--no-page-cache", action="store_true", help="render every public page from the database"
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL=postgres://… (the benchmark measures PostgreSQL).")
    if not shutil.which("wrk"):
        sys.exit("Install Debian's wrk (apt-get install wrk).")
    parsed = urlparse(url)
    bench_db = f"{parsed.path.lstrip('/') or 'cesi'}_verify_bench"
    bench_url = urlunparse(parsed._replace(path=f"/{bench_db}"))
    _admin_sql(parsed, f'DROP DATABASE IF EXISTS "{bench_db}"')
    _admin_sql(parsed, f'CREATE DATABASE "{bench_db}"')
    env = {**os.environ, "DATABASE_URL": bench_url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    if args.no_page_cache:
        env["PUBLIC_PAGE_CACHE"] = "0"
    os.environ.update(env)
    try:
        subprocess.run(  # noqa: S603
            [*PYTHON, "manage.py", "migrate", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        import django

        django.setup()
        numbers, codes, names = fill(args.certificates)
        from django.core.cache import cache

        cache.clear()  # pages of an earlier run's database
        queries = count_queries(numbers[0], codes[0], names[0])
        rates = serve_and_load(args, env, numbers, codes, names)
        pdf = pdf_timings()
        report(args, rates, queries, pdf)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _admin_sql(parsed, f'DROP DATABASE IF EXISTS "{bench_db}" WITH (FORCE)')


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


# --- data ----------------------------------------------------------------------------------


def fill(n: int):
    """``n`` certificates in bulk (no services: the services' own cost is not measured here),
    each with a current version of two sites; a tenth suspended, a twentieth withdrawn."""
    import datetime

    from django.db import connection, transaction

    from applications.models import Scheme
    from applications.tests.factories import OrganizationFactory
    from certificates.models import Certificate, CertificateVersion

    started = time.perf_counter()
    scheme = Scheme.objects.get(code="after-sales")
    org = OrganizationFactory()
    batch = 5000
    numbers, codes, names = [], [], []
    for start in range(0, n, batch):
        certs, versions = [], []
        with transaction.atomic():
            for i in range(start, min(n, start + batch)):
                number = f"{PREFIX}{i + 1:06d}"
                code = f"91350100MA{i:08d}"
                name = f"{NAMES[i % len(NAMES)]}{i}号服务有限公司"
                state = "suspended" if i % 10 == 3 else "withdrawn" if i % 20 == 7 else "active"
                certs.append(
                    Certificate(
                        number=number,
                        oid=f"1.2.156.3088.1.2025.{i + 1}",
                        organization=org,
                        scheme=scheme,
                        state=state,
                        first_issued_on=datetime.date(2025, 1, 1),
                        expires_on=datetime.date(2027, 12, 31),
                        credit_code=code,
                        organization_name=name,
                        organization_name_en=f"Example Services {i} Co., Ltd.",
                        suspended_until=datetime.date(2026, 6, 30)
                        if state == "suspended"
                        else None,
                    )
                )
                numbers.append(number)
                codes.append(code)
                names.append(name)
            Certificate.objects.bulk_create(certs)
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
                        sites=[
                            {
                                "site": 0,
                                "number": f"{cert.number}-{k:02d}",
                                "name": f"服务网点{k}",
                                "address": "福建省福州市鼓楼区五四路100号",
                                "activities": "家电上门安装与维修",
                            }
                            for k in (1, 2)
                        ],
                        issued_on=datetime.date(2025, 1, 1),
                        expires_on=datetime.date(2027, 12, 31),
                    )
                )
            CertificateVersion.objects.bulk_create(versions)
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE certificates_certificate c SET current_version_id = v.id "
                    "FROM certificates_certificateversion v "
                    "WHERE v.certificate_id = c.id AND c.current_version_id IS NULL"
                )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"{n} certificates ({time.perf_counter() - started:.0f} s to build), PostgreSQL")
    return numbers, codes, names


def count_queries(number, code, name) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    client = Client()
    out = {}
    for label, path in urls_of(number, code, name).items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        out[label] = len(queries)
    return out


def urls_of(number, code, name) -> dict:
    from urllib.parse import quote

    return {
        "bare Django view": "/bench/bare/",
        "/verify/<number>/": f"/verify/{number}/",
        "search page, by number": f"/verify/?q={number}",
        "search page, by credit code": f"/verify/?q={code}",
        "search page, by name": f"/verify/?q={quote(name)}",
        "API search, by number": f"/api/v1/public/certificates/?q={number}",
    }


# --- load ------------------------------------------------------------------------------------

LUA = """
local values = {}
for line in io.lines("%(values)s") do values[#values + 1] = line end
request = function()
  local v = values[math.random(#values)]
  return wrk.format("GET", "%(prefix)s" .. v .. "%(suffix)s")
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_and_load(args, env, numbers, codes, names) -> dict:
    from urllib.parse import quote

    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            *PYTHON,
            "-m",
            "gunicorn",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "cesi_cert.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    tmp = Path(tempfile.mkdtemp(prefix="verify-bench-"))
    sample = random.Random(7)
    pick = sample.sample(range(len(numbers)), min(2000, len(numbers)))
    (tmp / "numbers").write_text("\n".join(numbers[i] for i in pick))
    (tmp / "codes").write_text("\n".join(codes[i] for i in pick))
    (tmp / "names").write_text("\n".join(quote(names[i]) for i in pick))
    (tmp / "bare").write_text("\n".join(str(i) for i in pick))
    loads = [
        ("bare Django view", "bare", "/bench/bare/?n=", ""),
        ("/verify/<number>/", "numbers", "/verify/", "/"),
        ("search page, by number", "numbers", "/verify/?q=", ""),
        ("search page, by credit code", "codes", "/verify/?q=", ""),
        ("search page, by name", "names", "/verify/?q=", ""),
        ("API search, by number", "numbers", "/api/v1/public/certificates/?q=", ""),
        ("bare Django view", "bare", "/bench/bare/?n=", ""),
    ]
    base = f"http://127.0.0.1:{port}"
    # With the page cache, every value is requested once before the measure, so the figures are
    # those of cached pages (a certificate's page is read far more often than it changes); the
    # rendering of a page is measured with --no-page-cache.
    cached = bool(env.get("CACHE_URL")) and env.get("PUBLIC_PAGE_CACHE") != "0"
    try:
        _wait_for(base + "/bench/bare/")
        rates: dict[str, list[float]] = {}
        for label, values, prefix, suffix in loads:
            script = tmp / f"{values}.lua"
            script.write_text(LUA % {"values": tmp / values, "prefix": prefix, "suffix": suffix})
            _wrk(base, script, 2)  # warm-up: every worker connected and its caches filled
            if cached and values != "bare":
                _prime(base, prefix, (tmp / values).read_text().splitlines(), suffix)
            rates.setdefault(label, []).append(_wrk(base, script, args.seconds, args.connections))
        return {label: statistics.mean(r) for label, r in rates.items()}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


def _prime(base: str, prefix: str, values: list[str], suffix: str) -> None:
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    def get(value):
        with urllib.request.urlopen(f"{base}{prefix}{value}{suffix}", timeout=60):  # noqa: S310
            pass

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(get, values))


def _wait_for(url: str) -> None:
    import urllib.request

    for _ in range(100):
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 — our own local server
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _wrk(base: str, script: Path, seconds: int, connections: int = 8) -> float:
    out = subprocess.run(  # noqa: S603
        [
            shutil.which("wrk") or "wrk",
            "--threads",
            "2",
            "--connections",
            str(connections),
            "--duration",
            f"{seconds}s",
            "--script",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in out.splitlines():
        if line.startswith("Requests/sec:"):
            rate = float(line.split()[1])
        if "Non-2xx" in line:
            raise RuntimeError(f"{script}: {line.strip()}")
    return rate


# --- PDF ---------------------------------------------------------------------------------------

MINIMAL = """<!DOCTYPE html><html lang="zh-hans"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 20mm; }
html { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; }
</style></head><body><h1>服务认证证书 Service Certification Certificate</h1>
<p>兹证明 This is to certify.</p></body></html>"""


def pdf_timings(repeat: int = 5) -> dict:
    """Median seconds of a certificate render (Chinese and English) and of a minimal one-page
    render with the same fonts (one line of Chinese and English), in the same process."""
    import weasyprint

    from certificates.documents import certificate_pdf
    from certificates.models import CertificateVersion

    version = CertificateVersion.objects.select_related("certificate").first()
    weasyprint.HTML(string=MINIMAL).write_pdf()  # fonts loaded once, as in a running worker
    certificate_pdf(version, "zh-hans")

    def timed(fn):
        runs = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - t0)
        return statistics.median(runs)

    return {
        "minimal one-page render": timed(lambda: weasyprint.HTML(string=MINIMAL).write_pdf()),
        "certificate, Chinese": timed(lambda: certificate_pdf(version, "zh-hans")),
        "certificate, English": timed(lambda: certificate_pdf(version, "en")),
    }


def report(args, rates, queries, pdf) -> None:
    bare = rates["bare Django view"]
    print(
        f"\ngunicorn {args.workers} sync workers, wrk 2 threads × {args.connections} connections, "
        f"{args.seconds} s per URL (bare view measured first and last, averaged)"
    )
    on = os.environ.get("CACHE_URL") and os.environ.get("PUBLIC_PAGE_CACHE") != "0"
    print(
        "public page cache: "
        + ("on, pages requested once before the measure" if on else "off, every page rendered")
    )
    print(f"{'URL':<30} {'req/s':>9} {'× bare':>7} {'queries':>8}")
    for label, rate in rates.items():
        print(f"{label:<30} {rate:>9.0f} {rate / bare:>7.2f} {queries.get(label, 0):>8}")
    base = pdf["minimal one-page render"]
    print(f"\n{'PDF render':<30} {'ms':>9} {'× minimal':>9}")
    for label, seconds in pdf.items():
        print(f"{label:<30} {seconds * 1000:>9.0f} {seconds / base:>9.2f}")


if __name__ == "__main__":
    main()
