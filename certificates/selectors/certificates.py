"""Read queries of certificates, reused by views, the API and the exports."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from applications import permissions as application_permissions

from ..models import Certificate, StatusChange

#: How many hits the public search shows (a search, not an export).
PUBLIC_SEARCH_LIMIT = 20

_CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")


def certificates_for(user) -> QuerySet[Certificate]:
    """CB staff see every certificate; an applicant those of their organisations."""
    qs = Certificate.objects.select_related("current_version", "scheme", "organization")
    if application_permissions.is_cb_staff(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(organization__memberships__user=user)


def public_certificates() -> QuerySet[Certificate]:
    """What the public pages read: one row joined to its current version (the printed facts)."""
    return Certificate.objects.select_related("current_version", "scheme").only(
        "number",
        "state",
        "first_issued_on",
        "expires_on",
        "suspended_until",
        "withdrawn_on",
        "scheme__code",
        "scheme__name_zh",
        "scheme__name_en",
        *[
            f"current_version__{f}"
            for f in (
                "organization_name_zh",
                "organization_name_en",
                "address_zh",
                "address_en",
                "credit_code",
                "scheme_name_zh",
                "scheme_name_en",
                "standards",
                "implementation_rule",
                "level",
                "level_name_zh",
                "level_name_en",
                "scope",
                "sites",
                "issued_on",
                "expires_on",
                "sequence",
            )
        ],
    )


# --- the hot path: the verification page and the public search ------------------------------
#
# A verification is one row joined to its current version. Built by the ORM, the query costs
# more to compile than to run (SQL generation, then model instances); the public pages are the
# busiest of the site (every QR code scanned, every search), so they read with fixed SQL text and
# light rows instead (bench/verify.py measures it). The views keep the rendered pages in
# ``public_cache`` until a certificate changes: a suspension shows at the next request.

_PUBLIC_COLUMNS = (
    "c.number, c.state, c.first_issued_on, c.expires_on, c.suspended_until, c.withdrawn_on, "
    "v.organization_name_zh, v.organization_name_en, v.address_zh, v.address_en, "
    "v.credit_code, v.scheme_name_zh, v.scheme_name_en, v.standards, v.implementation_rule, "
    "v.level, v.level_name_zh, v.level_name_en, v.scope, v.sites, v.issued_on, v.sequence, "
    "s.code AS scheme_code"
)
_PUBLIC_FROM = (
    "FROM certificates_certificate c "
    "JOIN certificates_certificateversion v ON v.id = c.current_version_id "
    "JOIN applications_scheme s ON s.id = c.scheme_id "
)
_CERT_FIELDS = (
    "number",
    "state",
    "first_issued_on",
    "expires_on",
    "suspended_until",
    "withdrawn_on",
    "scheme_code",
)
_DATE_FIELDS = {"first_issued_on", "expires_on", "suspended_until", "withdrawn_on", "issued_on"}


class _Facts(dict):
    """A dict read as attributes by templates (``certificate.number``)."""

    __getattr__ = dict.get


def _row(columns: list[str], values) -> _Facts:
    import datetime
    import json

    cert, version = _Facts(), _Facts()
    for name, value in zip(columns, values, strict=True):
        if name in _DATE_FIELDS and isinstance(value, str):
            value = datetime.date.fromisoformat(value)
        if name == "sites" and isinstance(value, str | bytes):
            value = json.loads(value)
        (cert if name in _CERT_FIELDS else version)[name] = value
    cert["current_version"] = version
    return cert


def _public_rows(where: str, params: list, limit: int, offset: int = 0) -> list[_Facts]:
    from django.db import connection

    sql = f"SELECT {_PUBLIC_COLUMNS} {_PUBLIC_FROM} WHERE {where} ORDER BY c.organization_name, c.number LIMIT %s OFFSET %s"  # noqa: S608 — fixed text; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        columns = [col[0] for col in cursor.description]
        return [_row(columns, values) for values in cursor.fetchall()]


def public_certificate(number: str) -> _Facts | None:
    """The certificate ``number`` as the verification page shows it (one query)."""
    rows = _public_rows("c.number = %s", [number], 1)
    return rows[0] if rows else None


def public_search_rows(q: str, limit: int = PUBLIC_SEARCH_LIMIT, offset: int = 0) -> list[_Facts]:
    """:func:`public_search` for the search page and API: ``limit`` hits (one query)."""
    where, params = _search_condition(q)
    if where is None:
        return []
    return _public_rows(where, params, limit, offset)


def public_search_count(q: str) -> int:
    """How many certificates :func:`public_search_rows` finds in all (one query)."""
    from django.db import connection

    where, params = _search_condition(q)
    if where is None:
        return 0
    sql = f"SELECT COUNT(*) FROM certificates_certificate c WHERE {where}"  # noqa: S608 — fixed text
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


class PublicSearch:
    """The hits of a search as the paginator reads them: counted and sliced with fixed SQL."""

    def __init__(self, q: str):
        self.q = q

    def count(self) -> int:
        return public_search_count(self.q)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        if not isinstance(item, slice):
            raise TypeError("PublicSearch is read in pages")
        start = item.start or 0
        return public_search_rows(self.q, limit=max(0, item.stop - start), offset=start)


def _search_condition(q: str):
    q = " ".join((q or "").split())[:100]
    if not q:
        return None, []
    upper = q.upper()
    if _CREDIT_CODE.match(upper):
        return "c.credit_code = %s", [upper]
    number = _as_number(upper)
    if number:
        return "c.number = %s", [number]
    like = "%" + upper.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return (
        "(UPPER(c.organization_name) LIKE %s ESCAPE '\\' "
        "OR UPPER(c.organization_name_en) LIKE %s ESCAPE '\\')",
        [like, like],
    )


def _as_number(upper: str) -> str | None:
    """A registration number, or the registration number of a sub-certificate number."""
    if not re.match(r"^[A-Z]+(-[A-Z]+)*-\d{4}-\d+(-\d+)?$", upper):
        return None
    parts = upper.split("-")
    if len(parts[-1]) == 2 and len(parts[-2]) == 5:
        return "-".join(parts[:-1])
    return upper


def public_search(q: str) -> QuerySet[Certificate]:
    """Certificates by registration (or sub-certificate) number, credit code or organisation
    name: one indexed query, whichever it is. Empty for an empty query."""
    q = " ".join((q or "").split())[:100]
    qs = public_certificates()
    if not q:
        return qs.none()
    upper = q.upper()
    number = _as_number(upper)
    if _CREDIT_CODE.match(upper):
        qs = qs.filter(credit_code=upper)
    elif number:
        # A sub-certificate number is the registration number and a site index.
        qs = qs.filter(number=number)
    else:
        qs = qs.filter(Q(organization_name__icontains=q) | Q(organization_name_en__icontains=q))
    return qs.order_by("organization_name", "number")


def directory(scheme=None) -> QuerySet[Certificate]:
    """§3.3: the organisations holding a certificate (valid or suspended), by scheme."""
    qs = public_certificates().filter(state__in=Certificate.HELD_STATES)
    if scheme is not None:
        qs = qs.filter(scheme=scheme)
    return qs.order_by("scheme_id", "organization_name", "number")


def public_notice() -> QuerySet[StatusChange]:
    """§5.3: the suspensions and withdrawals published on the website, newest first."""
    return (
        StatusChange.objects.filter(kind__in=StatusChange.PUBLIC_KINDS)
        .select_related("certificate__current_version")
        .only(
            "kind",
            "ground",
            "effective_on",
            "suspended_until",
            "until_licence_decision",
            "certificate__number",
            "certificate__state",
            "certificate__current_version__organization_name_zh",
            "certificate__current_version__organization_name_en",
            "certificate__current_version__scheme_name_zh",
            "certificate__current_version__scheme_name_en",
        )
        .order_by("-effective_on", "-pk")
    )


def status_changes_in_month(year: int, month: int) -> QuerySet[StatusChange]:
    """The status changes effective in a month (the regulator report, §5.3)."""
    return (
        StatusChange.objects.filter(effective_on__year=year, effective_on__month=month)
        .select_related("certificate__current_version", "certificate__scheme")
        .order_by("effective_on", "pk")
    )


def progress_steps(application) -> list[dict]:
    """The application's steps after the contract: its evaluation reported, its certificate
    issued (a version granted on one of its evaluations)."""
    from django.utils.translation import gettext_lazy as _

    from evaluations.models import Evaluation

    from ..models import CertificateVersion

    reported = Evaluation.objects.filter(
        application=application, state=Evaluation.State.REPORTED
    ).exists()
    certified = CertificateVersion.objects.filter(evaluation__application=application).exists()
    return [
        {"label": _("Evaluated"), "reached": reported or certified},
        {"label": _("Certified"), "reached": certified},
    ]
