"""The public pages' rendered-response cache (§4.1 h: the verification page every QR code opens;
SPEC "Speed", bench/verify.py).

A public page shows only what a certificate prints and its state, the same for every visitor,
so its rendered body is kept in the shared cache per (language, page) and served with one Redis
round trip and no query. Every entry carries the *generation* it was rendered in; any change
to a certificate or to a certificate version (issue, suspension, reinstatement, withdrawal,
reissue, expiry, a sub-certificate's site…) sets a new generation when its transaction commits
(:func:`invalidate`, connected in ``wiring``), so the very next request renders afresh. The
generation is read *before* the database is: a page rendered from rows read before a commit is
stored under the old generation and never served.

One generation for every page rather than a key per certificate: searches by name cannot be
told which certificates they would show, and certificates change a few times a day against
thousands of verifications, so starting over costs nothing worth saving.

On only when ``settings.PUBLIC_PAGE_CACHE`` (``CACHE_URL`` names a Redis shared by the web
processes and the Celery worker); otherwise every request renders.
"""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

GENERATION = "public-pages:generation"
#: A day: an entry outlives no deployment by much (its templates may change).
TIMEOUT = 24 * 60 * 60


def enabled() -> bool:
    return bool(getattr(settings, "PUBLIC_PAGE_CACHE", False))


def key(kind: str, *parts: str) -> str:
    """The cache key of a page: its kind, the language, and what names the page (hashed: a
    query string may hold anything)."""
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
    return f"public-pages:{kind}:{get_language() or ''}:{digest}"


def lookup(page_key: str) -> tuple[bytes | None, str | None]:
    """``(body, generation)``: the cached body if it was rendered in the current generation,
    and the current generation to store a fresh render under (``None``: do not store)."""
    found = cache.get_many([GENERATION, page_key])
    generation = found.get(GENERATION)
    if generation is None:
        # First request since the cache was emptied: start a generation, unless another process
        # has just started one.
        generation = uuid.uuid4().hex
        if not cache.add(GENERATION, generation, timeout=None):
            generation = cache.get(GENERATION)
        return None, generation
    entry = found.get(page_key)
    if entry is not None and entry[0] == generation:
        return entry[1], generation
    return None, generation


def store(page_key: str, generation: str | None, body: bytes) -> None:
    if generation is not None:
        cache.set(page_key, (generation, body), TIMEOUT)


def invalidate() -> None:
    """Start a new generation now: every cached public page is stale."""
    if enabled():
        cache.set(GENERATION, uuid.uuid4().hex, timeout=None)


def invalidate_on_commit(sender=None, **kwargs) -> None:
    """Signal receiver: a certificate or version changed; the pages go stale once it commits
    (a rollback leaves them as they were; outside a transaction, at once)."""
    if enabled():
        transaction.on_commit(invalidate)
