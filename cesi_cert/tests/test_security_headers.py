"""Content-Security-Policy on every page (issue 6 item 10): what each part of the site may load.

The browser journeys (tests/e2e) fail on any CSP violation the console reports, so a page that
needs more than its policy allows is caught there; these tests pin the header itself.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def test_the_public_pages_have_the_strict_policy(client):
    for url in ("/", reverse("login"), reverse("signup"), "/no-such-page/"):
        assert directives(client.get(url)) == STRICT, url


def test_the_portal_has_the_strict_policy(applicant, draft):
    client = Client()
    client.force_login(applicant)
    for url in (reverse("portal:home"), draft.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200
        assert directives(response) == STRICT, url


def test_the_admin_allows_inline_styles_only(cs_staff, draft):
    client = Client()
    client.force_login(cs_staff)
    for url in (
        reverse("admin:index"),
        reverse("admin:applications_application_changelist"),
        reverse("admin:applications_application_change", args=[draft.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        policy = directives(response)
        assert policy["style-src"] == "'self' 'unsafe-inline'"
        assert policy["script-src"] == "'self'"  # never inline script
        assert policy["frame-ancestors"] == "'none'"


def test_the_api_docs_run_no_inline_script(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all("src=" in tag for tag in scripts), scripts
    # Swagger UI's own files, and its start-up script, all from this site.
    sources = [re.search(r'src="([^"]+)"', tag)[1].replace("&amp;", "&") for tag in scripts]
    assert all(src.startswith("/") for src in sources), sources
    start_up = [src for src in sources if not src.startswith(settings.STATIC_URL)]
    assert len(start_up) == 1
    script = client.get(start_up[0])
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_the_api_and_static_files_carry_it_too(applicant, client):
    assert "Content-Security-Policy" in client.get("/api/v1/schemes/")
    assert "Content-Security-Policy" in client.get("/static/css/site.css")


# Inline script would need 'unsafe-inline' (or a nonce) in script-src: none of our templates may
# have any — neither a <script> without src nor an on…= handler attribute. Inline style="…"
# is allowed only under the admin's templates (see CONTENT_SECURITY_POLICY_PATHS).
TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"] + [
    p for p in Path(settings.BASE_DIR).glob("*/templates") if ".venv" not in p.parts
]


def _templates():
    for folder in TEMPLATE_DIRS:
        yield from folder.rglob("*.html")


def test_no_template_has_inline_script():
    offenders = []
    for path in _templates():
        html = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", html):
            if "src=" not in tag:
                offenders.append(f"{path}: {tag}")
        for handler in re.findall(r"<[^>]*\son[a-z]+\s*=", html):
            offenders.append(f"{path}: {handler}")
    assert offenders == []


def test_only_admin_templates_have_inline_styles():
    offenders = [
        str(path)
        for path in _templates()
        if re.search(r"\sstyle\s*=|<style\b", path.read_text(encoding="utf-8"))
        and "admin" not in path.parts
        and "pdf" not in path.parts  # rendered by WeasyPrint into a PDF, never served as a page
    ]
    assert offenders == []
