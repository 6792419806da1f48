"""PDFs show Chinese: the fonts are embedded CJK fonts (a PDF whose text extracts fine can still
show boxes), and the text is there."""

import subprocess

import pytest

from cesi_cert.pdf import PdfUnavailable, check_pdf_support, render_pdf


@pytest.mark.pdf
def test_a_chinese_pdf_embeds_a_cjk_font_and_keeps_its_text(tmp_path):
    pdf = render_pdf(
        "cesi_cert/tests/pdf_sample.html",
        {"title": "评价报告", "org": "福州示例家电服务有限公司"},
    )
    path = tmp_path / "sample.pdf"
    path.write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout  # noqa: S603, S607
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(" yes " in row for row in rows), fonts  # every font embedded
    assert any("CJK" in row for row in rows), fonts
    text = subprocess.run(  # noqa: S603
        ["pdftotext", str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
    ).stdout
    assert "评价报告" in text and "福州示例家电服务有限公司" in text


def test_without_weasyprint_the_message_says_what_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_weasyprint(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    with pytest.raises(PdfUnavailable) as err:
        render_pdf("cesi_cert/tests/pdf_sample.html", {"title": "x", "org": "y"})
    assert "libpango-1.0-0" in str(err.value) and "fonts-noto-cjk" in str(err.value)
    assert [w.id for w in check_pdf_support()] == ["cesi_cert.W001"]


def test_a_host_without_a_chinese_font_is_warned_at_start_up(monkeypatch):
    """A PDF without a CJK font shows boxes for Chinese: say so before anyone downloads one."""
    from cesi_cert import pdf

    monkeypatch.setattr(pdf, "_weasyprint", lambda: object())
    monkeypatch.setattr(pdf, "cjk_font_families", lambda: ())
    warnings = pdf.check_pdf_support()
    assert [w.id for w in warnings] == ["cesi_cert.W002"]
    assert "fonts-noto-cjk" in warnings[0].hint
