"""The public pages' rendered-response cache (§4.1 h: the verification page every QR code opens;
SPEC "Speed", bench/verify.py).

A public page shows only what a certificate prints and its state, the same for every visitor,
so its rendered body is kept per (language, page) and served without a query. Every entry
carries the *generation* it was rendered in; any change to a certificate or a certificate
version (issue, suspension, reinstatement, withdrawal, reissue, expiry…) starts a new
generation when its transaction commits (:func:`invalidate`, connected in ``wiring``). The
generation is read *before* the database is, so a page rendered from rows read before a commit
is stored under the old generation and never served.

Two levels:

- the shared cache (Redis, ``CACHE_URL``): the generation and every rendered page, for all the
  web processes;
- each process's own memory: the pages it served lately, and the generation it last read,
  trusted for :data:`LEASE` seconds without asking Redis again. A Redis round trip costs more
  than the rest of a cached answer (a context switch to another process on a busy machine), so
  most requests make none.

The lease keeps "the very next request" true: :func:`invalidate` sets the new generation, then
waits :data:`LEASE` before the change's service call returns. By then every process's lease on
the old generation (taken before the new one was set, so expiring at most ``LEASE`` after it)
has run out, and its next request reads the new generation. Whoever suspends a certificate waits
a quarter of a second more; every later request, in any process, sees the suspension. (Only a
person waits: a sweep's change reaches the other processes within the lease, without waiting.) One
generation for every page rather than a key per certificate: a search by name cannot be told
which certificates it would show, and certificates change a few times a day against thousands
of verifications.

On only when ``settings.PUBLIC_PAGE_CACHE`` (``CACHE_URL`` names a Redis shared by the web
processes and the Celery worker); otherwise every request renders.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

GENERATION = "public-pages:generation"
#: A day in the shared cache: an entry outlives no deployment by much (its templates may change).
TIMEOUT = 24 * 60 * 60
#: Seconds a process trusts the generation it read (see the module's docstring).
LEASE = 0.25
#: Pages each process keeps in memory (about 6 KB each); when full, the oldest go first.
LOCAL_PAGES = 5000

_lease = {"generation": None, "until": 0.0}
_pages: dict[str, tuple[str, bytes]] = {}


def enabled() -> bool:
    return bool(getattr(settings, "PUBLIC_PAGE_CACHE", False))


def key(kind: str, *parts: str) -> str:
    """The cache key of a page: its kind, the language, and what names the page (hashed: a
    query string may hold anything)."""
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
    return f"public-pages:{kind}:{get_language() or ''}:{digest}"


def lookup(page_key: str) -> tuple[bytes | None, str | None]:
    """``(body, generation)``: the cached body if it was rendered in the current generation
    (``None`` if not), and the current generation to store a fresh render under (``None``:
    Redis did not answer — render, store nothing)."""
    try:
        return _lookup(page_key)
    except Exception:  # noqa: BLE001 — the page is rendered from the database instead
        logger.exception("public page cache unavailable")
        _lease.update(generation=None, until=0.0)
        _pages.clear()
        return None, None


def _lookup(page_key: str) -> tuple[bytes | None, str]:
    if time.monotonic() < _lease["until"]:
        generation = _lease["generation"]
        entry = _pages.get(page_key)
        if entry is None or entry[0] != generation:
            entry = cache.get(page_key)
    else:
        sent = time.monotonic()
        found = cache.get_many([GENERATION, page_key])
        generation = found.get(GENERATION)
        if generation is None:
            # The first request since the cache was emptied starts a generation, unless
            # another process has just started one.
            generation = uuid.uuid4().hex
            if not cache.add(GENERATION, generation, timeout=None):
                generation = cache.get(GENERATION)
        if generation != _lease["generation"]:
            _pages.clear()
        _lease.update(generation=generation, until=sent + LEASE)
        entry = found.get(page_key)
    if entry is not None and entry[0] == generation:
        _keep_locally(page_key, entry)
        return entry[1], generation
    return None, generation


def store(page_key: str, generation: str | None, body: bytes) -> None:
    if generation is None:
        return
    entry = (generation, body)
    try:
        cache.set(page_key, entry, TIMEOUT)
    except Exception:  # noqa: BLE001 — kept nowhere then
        logger.exception("public page cache unavailable")
        return
    _keep_locally(page_key, entry)


def _keep_locally(page_key: str, entry: tuple[str, bytes]) -> None:
    if entry[0] != _lease["generation"] or page_key in _pages:
        return
    while len(_pages) >= LOCAL_PAGES:
        _pages.pop(next(iter(_pages)), None)  # the oldest first
    _pages[page_key] = entry


def invalidate() -> None:
    """Start a new generation now — every cached public page is stale — and return once no
    process trusts the old one any more."""
    if not enabled():
        return
    cache.set(GENERATION, uuid.uuid4().hex, timeout=None)
    _lease.update(generation=None, until=0.0)
    _pages.clear()
    if _person_waiting():
        time.sleep(LEASE)


def _person_waiting() -> bool:
    """A person acted through a web request and will look next: wait out the other processes'
    leases. A sweep or a command has nobody looking — the other processes see the change
    within ``LEASE`` anyway — so a sweep expiring hundreds of certificates does not wait
    hundreds of times. (simple_history's middleware holds the request while one runs.)"""
    from simple_history.models import HistoricalRecords

    return getattr(HistoricalRecords.context, "request", None) is not None


def invalidate_on_commit(sender=None, **kwargs) -> None:
    """Signal receiver: a certificate or version changed; the pages go stale once it commits
    (a rollback leaves them as they were; outside a transaction, at once). Once per
    transaction, however many rows it saves."""
    if not enabled():
        return
    if connection.in_atomic_block and any(
        entry[1] is invalidate for entry in connection.run_on_commit
    ):
        return
    # Robust: the change is committed whatever Redis says; a failure is logged (the pages of
    # the old generation would then be served until TIMEOUT — an operator's alert).
    transaction.on_commit(invalidate, robust=True)
