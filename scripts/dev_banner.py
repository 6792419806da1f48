"""`make run` helper: once the web server answers, print the URLs and demo logins, then wait.

It runs as one of honcho's processes so the banner appears after the start-up noise; it keeps
running (honcho stops everything when one process exits) and ends with the others on Ctrl-C.
"""

import os
import signal
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    port = os.environ.get("WEB_PORT", "8000")
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/healthz/", timeout=2)  # noqa: S310 — our own local server
            break
        except OSError:
            time.sleep(0.5)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cesi_cert.settings.local")
    import django

    django.setup()
    from applications.management.commands.seed_demo import DEMO_USERS, PASSWORD

    lines = [
        "",
        "=" * 64,
        "CESI service certification is running (Ctrl-C stops web, worker and beat)",
        f"  public home    {base}/",
        f"  portal         {base}/portal/",
        f"  auditors       {base}/auditor/",
        f"  committee      {base}/committee/",
        f"  inbox          {base}/inbox/",
        f"  staff admin    {base}/admin/",
        f"  API docs       {base}/api/docs/",
        f"Demo logins (password for all: {PASSWORD}):",
        *[f"  {name:<10} {role or 'superuser':<24} {full}" for name, role, full, _su in DEMO_USERS],
        "=" * 64,
        "",
    ]
    print("\n".join(lines), flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        signal.pause()


if __name__ == "__main__":
    main()
