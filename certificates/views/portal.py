"""The organisation's certificates in the portal (``/portal/certificates/…``): every version
with its Chinese and English PDF, and the notices of change (§5.1.2, §5.2.2)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from cesi_cert.pdf import PdfUnavailable
from cesi_cert.web import applicant_required

from .. import selectors
from ..downloads import notice_pdf_response, version_pdf_response
from ..models import Certificate, StatusChange


def get_certificate(request, pk) -> Certificate:
    try:
        return selectors.certificates_for(request.user).get(pk=pk)
    except Certificate.DoesNotExist:
        raise Http404 from None


@applicant_required
def certificate_list(request):
    certificates = selectors.certificates_for(request.user).order_by("-first_issued_on", "-pk")
    return render(
        request, "certificates/portal/certificate_list.html", {"certificates": certificates}
    )


@applicant_required
def certificate_detail(request, pk):
    certificate = get_certificate(request, pk)
    return render(
        request,
        "certificates/portal/certificate_detail.html",
        {
            "certificate": certificate,
            "version": certificate.current_version,
            "versions": list(certificate.versions.order_by("-sequence")),
            "changes": list(
                certificate.status_changes.exclude(kind=StatusChange.Kind.EXPIRY).order_by(
                    "-created_at"
                )
            ),
        },
    )


@applicant_required
def certificate_pdf(request, pk, sequence, language):
    certificate = get_certificate(request, pk)
    version = certificate.versions.filter(sequence=sequence).first()
    if version is None:
        raise Http404
    try:
        return version_pdf_response(version, language)
    except PdfUnavailable as exc:
        return render(request, "503.html", {"message": str(exc)}, status=503)


@applicant_required
def notice_pdf(request, pk, change_pk):
    certificate = get_certificate(request, pk)
    change = certificate.status_changes.filter(pk=change_pk).first()
    if change is None:
        raise Http404
    try:
        return notice_pdf_response(change)
    except PdfUnavailable as exc:
        return render(request, "503.html", {"message": str(exc)}, status=503)
