"""Browser journeys: Playwright's sync API against pytest-django's live server."""

import pytest


@pytest.fixture(autouse=True)
def _allow_orm_beside_playwright(monkeypatch):
    """Playwright's sync API runs an asyncio event loop in the test's thread, so Django's guard
    against ORM calls from async code would refuse the test's own database checks."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
