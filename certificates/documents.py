"""The certificate (§4.1) and the "服务认证证书和标志变化通知" notice (§5.1.2, §5.2.2) as PDFs.

A certificate version is rendered once in each language and stored; a download serves the
stored file. The QR code (segno) opens the public verification page of the number (§4.1 h).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation

from cesi_cert.pdf import render_pdf

#: The languages each certificate is printed in (§4.1: "中、英文各一份，内容相同").
LANGUAGES = ("zh-hans", "en")


def verify_url(number: str) -> str:
    """The absolute address of the public verification page (what the QR code holds)."""
    return settings.SITE_URL.rstrip("/") + reverse("verify", args=[number])


def qr_data_uri(url: str) -> str:
    """The QR code as a PNG (a raster image costs WeasyPrint far less than an SVG of hundreds of
    modules; the template keeps its edges crisp)."""
    import segno

    return segno.make(url, error="m", micro=False).png_data_uri(scale=8, border=2)


def static_uri(name: str) -> str:
    """A ``file://`` address of a static file (the CB's logo, seal, signature) for WeasyPrint."""
    path = finders.find(name)
    if not path and settings.STATIC_ROOT:
        candidate = Path(settings.STATIC_ROOT) / name
        path = str(candidate) if candidate.exists() else None
    return Path(path).resolve().as_uri() if path else ""


def cb_context(language: str) -> dict:
    en = language == "en"
    return {
        "cb_name": settings.CB_NAME_EN if en else settings.CB_NAME_ZH,
        "cb_address": settings.CB_ADDRESS_EN if en else settings.CB_ADDRESS_ZH,
        "cb_logo": static_uri(settings.CB_LOGO),
        "cb_seal": static_uri(settings.CB_SEAL_IMAGE),
        "cb_signature": static_uri(settings.CB_SIGNATURE_IMAGE),
        "general_manager": settings.CB_GENERAL_MANAGER_NAME,
    }


def certificate_context(version, language: str) -> dict:
    en = language == "en"
    certificate = version.certificate
    url = verify_url(certificate.number)
    return {
        "version": version,
        "certificate": certificate,
        "en": en,
        "organization_name": version.organization_name(language),
        "address": (version.address_en if en else "") or version.address_zh,
        "scheme_name": version.scheme_name_en if en else version.scheme_name_zh,
        "level_name": (version.level_name_en if en else version.level_name_zh) or version.level,
        "sites": version.sites,
        # §4.1 i: the list of sites is an attachment when there are several.
        "sites_attachment": len(version.sites) > 1,
        "verify_url": url,
        "search_url": settings.SITE_URL.rstrip("/") + reverse("verify_search"),
        "qr": qr_data_uri(url),
        **cb_context(language),
    }


def certificate_pdf(version, language: str) -> bytes:
    with translation.override(language):
        return render_pdf(
            "certificates/pdf/certificate.html", certificate_context(version, language)
        )


def notice_pdf(change) -> bytes:
    """The notice in Chinese with the English text after it (one document for the organisation,
    the regulator and the file)."""
    certificate = change.certificate
    version = certificate.current_version
    parts = []
    for language in LANGUAGES:
        with translation.override(language):
            parts.append(
                {
                    "language": language,
                    "ground": change.ground_label(),
                    "kind": change.get_kind_display(),
                    "organization_name": version.organization_name(language),
                    "scheme_name": version.scheme_name_en
                    if language == "en"
                    else version.scheme_name_zh,
                    **cb_context(language),
                }
            )
    with translation.override("zh-hans"):
        return render_pdf(
            "certificates/pdf/notice.html",
            {
                "change": change,
                "certificate": certificate,
                "version": version,
                "parts": parts,
                "verify_url": verify_url(certificate.number),
                "cb_seal": static_uri(settings.CB_SEAL_IMAGE),
            },
        )
