"""What an application's fields must be when saved, and what stands in the way of submitting it.

Two questions, each answered in one place and all at once (issue 6 item 12):

- :func:`application_field_errors` — is what the applicant typed valid? Asked when a draft is
  saved (form, service, API alike). A draft may be incomplete, but a value that is there must be
  valid, and a kind that continues a certificate names that certificate from the start.
- :func:`submission_blockers` — what must still be done before it can be submitted (§3.1.3)?
  The application page lists these with a link each and keeps "Submit" disabled until the list
  is empty; :func:`~applications.services.application_submit` refuses with all of them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from cesi_cert.errors import DomainError, invalid_fields
from cesi_cert.text import human_join

from ..models import REQUIRED_DOCUMENTS, Application, ApplicationDocument, DocumentKind
from ..validators import validate_scope

#: The order in which fields are listed: as the applicant meets them on the page.
FIELD_ORDER = (
    "sites",
    "scheme",
    "kind",
    "requested_level",
    "certificate",
    "scope",
    "documents",
)


def fields_error(errors: dict[str, list], message=None) -> DomainError:
    """One ``invalid`` DomainError carrying every field's messages, in page order."""
    return invalid_fields(dict(sorted(errors.items(), key=lambda kv: _position(kv[0]))), message)


def _position(field: str) -> int:
    return FIELD_ORDER.index(field) if field in FIELD_ORDER else len(FIELD_ORDER)


def certificate_errors(organization, scheme, kind, certificate) -> list:
    """Why ``certificate`` cannot be the one an application of ``kind`` continues (empty: it can).

    Only the organisation's own certificate of the scheme, in a state the kind may continue
    (``Application.CONTINUABLE_CERTIFICATE_STATES``); the messages never describe another
    organisation's certificate.
    """
    if certificate is None:
        return [
            _(
                "This kind of application continues a certificate you hold: choose the current certificate."
            )
        ]
    if certificate.organization_id != organization.pk:
        return [_("Choose a certificate of the applying organisation.")]
    errors = []
    if scheme is not None and certificate.scheme_id != scheme.pk:
        errors.append(
            _("Certificate %(number)s is of another scheme: choose the scheme it certifies.")
            % {"number": certificate.number}
        )
    allowed = Application.CONTINUABLE_CERTIFICATE_STATES.get(kind, ())
    if certificate.state not in allowed:
        errors.append(
            _(
                "Certificate %(number)s is %(state)s: an application of this kind cannot continue it."
            )
            % {"number": certificate.number, "state": certificate.get_state_display()}
        )
    return errors


def application_field_errors(
    *,
    organization,
    scheme,
    kind,
    scope,
    requested_level="",
    certificate=None,
    sites=None,
) -> dict[str, list[str]]:
    """Every problem with these values of an application, by field (empty: all valid).

    ``sites=None`` means "not being changed" (a partial update); missing sites and a missing
    level are not errors here — a draft may still lack them (see :func:`submission_blockers`).
    """
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(str(message))

    if scheme is not None:
        if not scheme.is_active:
            add("scheme", _("This scheme is not open for applications."))
        levels = [lv["code"] for lv in scheme.levels]
        if requested_level and requested_level not in levels:
            add(
                "requested_level",
                _("“%(level)s” is not a level of this scheme; choose one of: %(levels)s.")
                % {"level": requested_level, "levels": human_join(levels) or "—"},
            )
    if kind not in Application.Kind.values:
        add("kind", _("Choose the kind of application."))
    elif kind in Application.CONTINUING_KINDS:
        # Recertification (§3.5), extension (§3.4.5) and level change (§3.4.4) continue a
        # certificate: without it the application is not what it says it is.
        for message in certificate_errors(organization, scheme, kind, certificate):
            add("certificate", message)
    elif certificate is not None:
        add("certificate", _("An initial certification does not continue a certificate."))
    try:
        validate_scope(scope)
    except ValidationError as e:
        add("scope", e.messages[0])
    if sites is not None and any(s.organization_id != organization.pk for s in sites):
        add("sites", _("Choose sites of the applying organisation only."))
    return errors


@dataclass(frozen=True)
class Blocker:
    """One thing to do before the application can be submitted, and where to do it."""

    field: str
    message: str
    fix_url: str


@dataclass(frozen=True)
class Licence:
    """Which business licence counts for an application (§2.2 a, §3.1.3).

    ``status`` is ``application`` (a licence uploaded to the application, which counts first),
    ``organization`` (the one on file with the organisation, reused by every application),
    ``expired`` (the one on file is past its end date), ``fresh_required`` (the clerk asked for
    a fresh copy in a change request and none is uploaded yet) or ``missing``.
    """

    status: str
    document: ApplicationDocument | None = None
    uploaded_at: datetime.datetime | None = None
    valid_until: datetime.date | None = None

    @property
    def satisfied(self) -> bool:
        return self.status in ("application", "organization")


def business_licence(application: Application) -> Licence:
    """The business licence that counts for ``application``, or why none does."""
    if application.fresh_licence_required:
        return Licence("fresh_required")
    uploaded = [
        d
        for d in application.documents.all()  # uses a prefetch when there is one
        if d.is_current and d.kind == DocumentKind.LEGAL_STATUS
    ]
    if uploaded:
        latest = max(uploaded, key=lambda d: (d.uploaded_at, d.pk))
        return Licence("application", document=latest, uploaded_at=latest.uploaded_at)
    org = application.organization
    if not org.legal_status_evidence:
        return Licence("missing")
    on_file = Licence(
        "organization",
        uploaded_at=org.legal_status_uploaded_at,
        valid_until=org.legal_status_valid_until,
    )
    if on_file.valid_until and on_file.valid_until < timezone.localdate():
        return Licence("expired", uploaded_at=on_file.uploaded_at, valid_until=on_file.valid_until)
    return on_file


def missing_documents(application: Application) -> list[str]:
    """Kinds of required material (§3.1.3) not yet there; the business licence on file with
    the organisation counts for the licence (:func:`business_licence`)."""
    # Current versions only; uses a prefetch when there is one.
    have = {doc.kind for doc in application.documents.all() if doc.is_current}
    have.discard(DocumentKind.LEGAL_STATUS)
    if business_licence(application).satisfied:
        have.add(DocumentKind.LEGAL_STATUS)
    return [k for k in REQUIRED_DOCUMENTS[application.kind] if k not in have]


def _missing_message(application: Application, kind: str) -> str:
    if kind == DocumentKind.LEGAL_STATUS:
        licence = business_licence(application)
        if licence.status == "fresh_required":
            return _(
                "The certification body asked for a fresh copy of the business licence: upload it."
            )
        if licence.status == "expired":
            return _(
                "The business licence on file expired on %(date)s: upload the current one."
            ) % {"date": licence.valid_until.isoformat()}
    return _("Upload “%(material)s”.") % {"material": DocumentKind(kind).label}


def submission_blockers(application: Application) -> list[Blocker]:
    """Everything that must be done before ``application`` can be submitted, in page order.

    Empty when it is ready. Each blocker names its field (``documents`` for material), says
    what to do and links to the portal page where it is done.
    """
    app = application
    edit = reverse("portal:application_edit", args=[app.pk])
    blockers: list[Blocker] = []

    def add(field, message, url=None):
        blockers.append(Blocker(field, str(message), url or f"{edit}#id_{field}"))

    sites = list(app.sites.all())
    if not sites:
        if app.organization.sites.exists():
            add("sites", _("Choose at least one site where the service is provided."))
        else:
            add(
                "sites",
                _("Add a site where the service is provided, then choose it for this application."),
                reverse("portal:site_create", args=[app.organization_id]),
            )
    if app.scheme.levels and not app.requested_level:
        add("requested_level", _("Choose the level you apply for."))
    field_errors = application_field_errors(
        organization=app.organization,
        scheme=app.scheme,
        kind=app.kind,
        scope=app.scope,
        requested_level=app.requested_level,
        certificate=app.certificate,
        sites=sites,
    )
    for field, messages in field_errors.items():
        for message in messages:
            add(field, message)
    upload = reverse("portal:document_upload", args=[app.pk])
    for kind in missing_documents(app):
        add("documents", _missing_message(app, kind), f"{upload}?{urlencode({'kind': kind})}")
    return sorted(blockers, key=lambda b: _position(b.field))
