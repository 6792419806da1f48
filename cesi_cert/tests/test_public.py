"""Public endpoints that need no login."""

import pytest

pytestmark = pytest.mark.django_db


def test_health_check_reports_the_database(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_favicon_points_at_our_own_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.svg")
    assert client.get(response["Location"]).status_code == 200


def test_home_page_lists_the_schemes_without_login(client):
    html = client.get("/").content.decode()
    assert "GB/T 27922-2011" in html
    assert "/accounts/signup/" in html
