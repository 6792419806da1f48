"""PDF documents (evaluation reports, certificates, notices) rendered from Django templates.

WeasyPrint needs Pango and a CJK font from the operating system. Both are imported and looked up
lazily, so the application still starts where they are missing; the page that wanted a PDF then
says exactly what to install (:class:`PdfUnavailable`), and the ``cesi_cert.W001``/``W002`` system
checks warn at start-up. A PDF is rendered once and stored (a report does not change after it is
submitted), not re-rendered per download.

Chinese text must be drawn with a font that has the glyphs, or the PDF shows empty boxes even
though its text extracts fine. Templates use the ``--cjk`` font stack of
``templates/pdf/base.html``; :func:`cjk_font_families` tells which families the system has.
"""

from __future__ import annotations

import functools
import shutil
import subprocess  # noqa: S404 — fc-list, a fixed command without user input

from django.core import checks
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

#: What a Debian/Ubuntu host needs for PDFs (README "Production", .ci/run, Dockerfile).
DEBIAN_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk"


class PdfUnavailable(RuntimeError):
    """WeasyPrint or its system libraries are missing; the message says what to install."""


def _weasyprint():
    try:
        import weasyprint  # noqa: PLC0415 — lazy on purpose (see the module docstring)
    except (ImportError, OSError) as exc:  # OSError: Pango's shared library is missing
        raise PdfUnavailable(
            _(
                "PDF documents cannot be made on this server: %(error)s. "
                "Install the system packages %(packages)s (Debian/Ubuntu) and restart."
            )
            % {"error": exc, "packages": DEBIAN_PACKAGES}
        ) from exc
    return weasyprint


@functools.cache
def cjk_font_families() -> tuple[str, ...]:
    """Font families installed on this host that cover Simplified Chinese (``fc-list``)."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return ()
    try:
        out = subprocess.run(  # noqa: S603
            [fc_list, ":lang=zh-cn", "family"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    families = {name.strip() for line in out.splitlines() for name in line.split(",")}
    return tuple(sorted(f for f in families if f))


def render_pdf(template: str, context: dict, *, base_url: str | None = None) -> bytes:
    """Render ``template`` (HTML) with ``context`` to PDF bytes."""
    weasyprint = _weasyprint()
    html = render_to_string(template, context)
    return weasyprint.HTML(string=html, base_url=base_url).write_pdf()


@checks.register(checks.Tags.compatibility)
def check_pdf_support(app_configs=None, **kwargs):
    """Warn at start-up when PDFs could not be made or would show boxes for Chinese."""
    problems = []
    try:
        _weasyprint()
    except PdfUnavailable as exc:
        problems.append(checks.Warning(str(exc), id="cesi_cert.W001"))
        return problems
    if not cjk_font_families():
        problems.append(
            checks.Warning(
                "No font for Simplified Chinese is installed: Chinese text in PDFs would show as "
                "empty boxes.",
                hint="Install fonts-noto-cjk (Debian/Ubuntu) or another CJK font.",
                id="cesi_cert.W002",
            )
        )
    return problems
