"""Hostile or broken requests get a 4xx that names what is wrong, never a 500 (issue 6 items 2–4).

The API answers JSON in the documented error shapes (400: ``{"field": ["message"]}``, other
errors: ``{"detail": "message"}``); the pages answer with a page, or the admin's own handling of
a bad filter. Tests marked ``postgres`` fail only there: PostgreSQL refuses NUL in text, SQLite
stores it.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def api_client(user=None) -> APIClient:
    client = APIClient(raise_request_exception=False)
    if user is not None:
        client.force_authenticate(user)
    return client


def page_client(user) -> Client:
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def field_errors(response) -> dict[str, list[str]]:
    """The body of a 400, checked against FIELD_ERRORS_SCHEMA: each key a list of strings."""
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert isinstance(body, dict) and body
    for messages in body.values():
        assert isinstance(messages, list) and all(isinstance(m, str) for m in messages), body
    return body


# --- item 2: NUL and control characters, overflowing numbers ----------------------------------


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("state=%00", "state"),
        ("organization=1&state=draft%00", "state"),
        ("state=%01", "state"),
        ("page=%00", "page"),
    ],
)
def test_control_characters_in_an_api_query_are_a_400_naming_the_parameter(applicant, query, name):
    response = api_client(applicant).get(f"/api/v1/applications/?{query}")
    assert response.status_code == 400
    errors = field_errors(response)
    assert list(errors) == [name]
    assert "control character" in errors[name][0]


def test_control_characters_in_a_page_query_are_a_400_page(cs_staff):
    response = page_client(cs_staff).get("/portal/?next=%00")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "control character" in response.content.decode()


def test_control_characters_in_the_path_or_a_header_are_a_400(applicant):
    assert api_client(applicant).get("/api/v1/schemes/GB%00/").status_code == 400
    response = api_client().get("/api/v1/schemes/", HTTP_AUTHORIZATION="Token abc\x00def")
    assert response.status_code == 400
    assert field_errors(response) == {
        "non_field_errors": ["The request contains a control character (such as NUL)."]
    }


def test_nul_spelled_in_a_quoted_cookie_is_a_400(applicant):
    """Python's cookie parser decodes "\\000" in a quoted value to NUL."""
    response = Client(raise_request_exception=False).get(
        "/", HTTP_COOKIE='sessionid="abcdefgh\\000ijkl"'
    )
    assert response.status_code == 400
    assert "control character" in response.content.decode()


@pytest.mark.postgres
def test_nul_in_the_session_cookie_is_no_500_on_postgres(db):
    for path in ("/", "/portal/", "/admin/", "/api/v1/schemes/"):
        response = Client(raise_request_exception=False).get(
            path, HTTP_COOKIE='sessionid="abcdefgh\\000ijkl"'
        )
        assert response.status_code == 400, path


def test_tabs_and_line_breaks_in_a_search_are_no_control_characters(cs_staff):
    response = page_client(cs_staff).get(
        reverse("admin:applications_application_changelist"), {"q": "福州\t示例\r\n"}
    )
    assert response.status_code == 200


def test_the_message_is_in_the_readers_language(applicant):
    client = api_client(applicant)
    response = client.get("/api/v1/applications/?state=%00", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert response.json()["state"] == ["此值含有控制字符（如 NUL），请删除后重试。"]


# Each of these gave a 500 on PostgreSQL (NUL reaches the database there) — issue 6 item 2.
NUL_ON_POSTGRES = [
    "/api/v1/applications/?state=%00",
    "/admin/applications/application/?state__exact=%00",
    "/admin/applications/application/?q=%00",
    "/admin/cesi_cert/transitionlog/?transition=%00",
    "/admin/cesi_cert/transitionlog/?transition__exact=%00",
    "/admin/cesi_cert/transitionlog/?q=%00",
]


@pytest.mark.postgres
@pytest.mark.parametrize("url", NUL_ON_POSTGRES)
def test_nul_in_a_filter_or_search_is_a_400_on_postgres(url, cs_staff, submitted):
    client = api_client(cs_staff) if url.startswith("/api/") else page_client(cs_staff)
    response = client.get(url)
    assert response.status_code == 400
    assert "control character" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.parametrize("year", ["99999999999999999999", "9999", "0"])
def test_an_impossible_year_on_postgres_is_the_admins_invalid_filter(year, cs_staff, submitted):
    url = reverse("admin:applications_application_changelist")
    response = page_client(cs_staff).get(url, {"created_at__year": year})
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


@pytest.mark.parametrize(
    "params",
    [
        {"created_at__year": "99999999999999999999"},
        {"created_at__year": "9999"},
        {"created_at__year": "9999", "created_at__month": "12"},
        {"created_at__year": "9999", "created_at__month": "12", "created_at__day": "31"},
        {"created_at__year": "-1"},
    ],
)
def test_a_year_out_of_range_is_the_admins_invalid_filter_not_a_500(params, cs_staff):
    """date_hierarchy: Django turns a bad month into "invalid filter" but not a year outside
    1…9998 (OverflowError, or ValueError one year later), in every admin that has one."""
    url = reverse("admin:applications_application_changelist")
    response = page_client(cs_staff).get(url, params)
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_every_admin_with_a_date_hierarchy_refuses_an_impossible_year(db):
    from django.contrib import admin

    from applications.tests.factories import UserFactory

    client = page_client(UserFactory(username="root", is_staff=True, is_superuser=True))
    lists = [
        (model, model_admin.date_hierarchy)
        for model, model_admin in admin.site._registry.items()
        if model_admin.date_hierarchy
    ]
    assert len(lists) >= 5  # ours, and django-axes' too
    for model, field in lists:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url, {f"{field}__year": "99999999999"})
        assert response.status_code == 302, url


@pytest.mark.parametrize("selected", ["²", "99999999999999999999", "-1", "abc"])
def test_a_bad_row_in_an_admin_action_query_is_ignored(selected, cs_staff, org):
    """``?site=`` preselects a row of the organisation admin's actions; "²" passed
    ``str.isdigit()`` and made the primary-key lookup raise."""
    from applications.tests.factories import SiteFactory

    site = SiteFactory(organization=org)
    client = page_client(cs_staff)
    for name, param in (("site_edit", "site"), ("member_remove", "membership")):
        url = reverse(f"admin:applications_organization_{name}", args=[org.pk])
        response = client.get(url, {param: selected})
        assert response.status_code == 200, (name, response.status_code)
    url = reverse("admin:applications_organization_site_edit", args=[org.pk])
    assert client.get(url, {"site": site.pk}).context["form"].fields["site"].disabled


# --- item 3: deeply nested JSON ---------------------------------------------------------------

DEEP = "[" * 1000 + "]" * 1000  # 2 KB


def test_deeply_nested_json_to_the_token_endpoint_is_a_400():
    response = api_client().post("/api/v1/auth/token/", DEEP, content_type="application/json")
    assert response.status_code == 400
    assert field_errors(response) == {
        "non_field_errors": ["The JSON is nested too deeply (at most 32 levels)."]
    }


@pytest.mark.parametrize(
    "url", ["/api/v1/organizations/", "/api/v1/applications/", "/api/v1/sites/"]
)
def test_deeply_nested_json_to_any_endpoint_is_a_400(url, applicant):
    response = api_client(applicant).post(url, DEEP, content_type="application/json")
    assert response.status_code == 400
    assert "non_field_errors" in field_errors(response)


def test_nesting_within_the_limit_is_still_read(applicant, draft):
    body = {"reason": "fine", "extra": [[[[[[[["deep but fine"]]]]]]]]}
    response = api_client(applicant).post(
        f"/api/v1/applications/{draft.pk}/transitions/withdraw/", body, format="json"
    )
    assert response.status_code == 400
    assert set(field_errors(response)) == {"extra"}  # a nested value, named, not a parse error


def test_nul_inside_json_is_a_400_naming_the_field(applicant, draft):
    body = json.dumps({"scope": "ok", "sites": [1], "nested": {"k\u0000": "v"}})
    response = api_client(applicant).patch(
        f"/api/v1/applications/{draft.pk}/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested" in field_errors(response)


# --- item 4: every API error is JSON, every 400 in the documented shape ------------------------


def test_malformed_json_is_a_400_in_the_field_errors_shape(applicant):
    response = api_client(applicant).post(
        "/api/v1/organizations/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    errors = field_errors(response)
    assert list(errors) == ["non_field_errors"]
    assert errors["non_field_errors"][0].startswith("The body is not valid JSON (Expecting")


def test_a_json_body_over_the_limit_is_a_json_400(applicant, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"name_zh": "x" * 2000})
    response = api_client(applicant).post(
        "/api/v1/organizations/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert field_errors(response) == {
        "non_field_errors": [
            f"The request is too large: send at most {filesizeformat(1000)} besides files."
        ]
    }


def test_form_fields_over_the_limit_are_a_json_400(applicant, draft, settings):
    """Django's RequestDataTooBig used to come back as its HTML "Bad Request (400)" page."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api_client(applicant).post(
        "/api/v1/documents/",
        {
            "application": draft.pk,
            "kind": "other",
            "note": "x" * 2000,
            "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4", content_type="application/pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert "non_field_errors" in field_errors(response)


def test_too_large_on_the_token_endpoint_is_a_json_400(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api_client().post(
        "/api/v1/auth/token/",
        "username=x&password=" + "y" * 2000,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "non_field_errors" in field_errors(response)


def test_an_unknown_api_url_is_a_json_404(applicant):
    response = api_client(applicant).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert api_client().get("/api/nowhere").json() == {"detail": "Not found."}


def test_pages_keep_their_html_error_pages(cs_staff):
    response = page_client(cs_staff).get("/portal/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_server_error_under_api_is_json(applicant, monkeypatch):
    from applications.api import views

    def boom(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.SchemeViewSet, "list", boom)
    response = api_client(applicant).get("/api/v1/schemes/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


def test_a_bare_validation_error_is_a_non_field_error():
    from rest_framework import serializers

    from cesi_cert.api import exception_handler

    response = exception_handler(serializers.ValidationError("Bad."), {})
    assert response.data == {"non_field_errors": ["Bad."]}
    nested = serializers.ValidationError({"sites": {0: ["Invalid id."]}, "name": ["Too long."]})
    assert exception_handler(nested, {}).data == {
        "sites.0": ["Invalid id."],
        "name": ["Too long."],
    }


@pytest.mark.parametrize("state", ["AAA", "Draft", "draft ", "submitted,draft"])
def test_an_unknown_state_is_a_400_naming_state(applicant, state):
    response = api_client(applicant).get("/api/v1/applications/", {"state": state})
    assert response.status_code == 400
    errors = field_errors(response)
    assert list(errors) == ["state"]
    assert "draft" in errors["state"][0]  # says which values are allowed


def test_a_known_state_filters(applicant, draft, submitted):
    response = api_client(applicant).get("/api/v1/applications/", {"state": "submitted"})
    assert response.status_code == 200
    assert [a["id"] for a in response.json()["results"]] == [submitted.pk]


def test_the_schema_documents_the_400_of_list_filters():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/applications/"]["get"]
    assert "400" in operation["responses"]
    assert "Paginated" in json.dumps(operation["responses"]["200"])  # still paginated
    for path in ("/api/v1/sites/", "/api/v1/documents/", "/api/v1/contracts/"):
        assert "400" in schema["paths"][path]["get"]["responses"], path
    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert {"200", "400", "429"} <= set(token["responses"])
