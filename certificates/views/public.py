"""Public pages, no login (§3.3, §4.1 h, §5.3): certificate verification and search, the
directory of certified organisations, and the public notice of suspensions and withdrawals.

They show only what a certificate prints (organisation, address, credit code, scheme, level,
scope, sites, dates) and its state — never contacts, documents or people. They are rendered
without the request's context processors (no session, no user look-up) from a light template,
so a verification costs one query (SPEC "Speed": bench/verify.py); with a shared cache
(``CACHE_URL``) the verification and search pages are served from ``public_cache`` — no query —
until a certificate changes.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from applications.models import Scheme

from .. import public_cache, selectors

PAGE_SIZE = 50


def _render(template: str, context: dict, status: int = 200) -> HttpResponse:
    context.setdefault("en", (get_language() or "").startswith("en"))
    context.setdefault("today", timezone.localdate())
    return HttpResponse(get_template(template).render(context), status=status)


def _page(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return page


def _cached(kind: str, *parts: str):
    """``(response, page_key, generation)``: the cached page if there is one."""
    if not public_cache.enabled():
        return None, None, None
    page_key = public_cache.key(kind, *parts)
    body, generation = public_cache.lookup(page_key)
    if body is not None:
        return HttpResponse(body), page_key, generation
    return None, page_key, generation


def _keep(response: HttpResponse, page_key, generation) -> HttpResponse:
    if page_key is not None and response.status_code == 200:
        public_cache.store(page_key, generation, response.content)
    return response


@require_GET
def verify(request, number):
    """``/verify/<number>/``: the certificate the QR code opens (§4.1 h)."""
    cached, page_key, generation = _cached("verify", number)
    if cached is not None:
        return cached
    return _keep(_verify(number), page_key, generation)


def _verify(number):
    certificate = selectors.public_certificate(number)
    if certificate is None:
        return _render("certificates/public/not_found.html", {"number": number[:60]}, status=404)
    return _render(
        "certificates/public/verify.html",
        {"certificate": certificate, "version": certificate.current_version},
    )


@require_GET
def search(request):
    """``/verify/?q=``: by registration number, credit code or organisation name."""
    q = (request.GET.get("q") or "").strip()[:100]
    cached, page_key, generation = _cached("search", q)
    if cached is not None:
        return cached
    results = selectors.public_search_rows(q)
    response = _render(
        "certificates/public/search.html",
        {"q": q, "results": results, "limit": selectors.PUBLIC_SEARCH_LIMIT},
    )
    # A search that finds nothing is not kept: random queries must not fill the shared cache.
    return _keep(response, page_key, generation) if results or not q else response


@require_GET
def directory(request):
    """``/directory/``: the organisations holding a certificate, by scheme (§3.3)."""
    schemes = list(Scheme.objects.only("code", "name_zh", "name_en").order_by("pk"))
    code = request.GET.get("scheme") or ""
    scheme = next((s for s in schemes if s.code == code), None)
    if code and scheme is None:
        raise Http404
    page = _page(request, selectors.directory(scheme))
    return _render(
        "certificates/public/directory.html",
        {"schemes": schemes, "scheme": scheme, "page": page},
    )


@require_GET
def notices(request):
    """``/notices/``: the public notice of suspensions and withdrawals (§5.3)."""
    page = _page(request, selectors.public_notice())
    return _render("certificates/public/notices.html", {"page": page})
