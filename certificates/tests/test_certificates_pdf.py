"""The certificate PDFs (§4.1): every item a–i in each language, an embedded CJK font, a QR code
that decodes to the verification URL; rendered once per version and stored; the notice PDF."""

import datetime
import shutil
import subprocess

import pytest

from certificates import services
from certificates.documents import verify_url
from certificates.tests.factories import issued_certificate, staff

pytestmark = [pytest.mark.pdf, pytest.mark.django_db]

#: §4.1 items a–i as each certificate labels them (values are checked separately).
ITEMS = {
    "zh-hans": [
        "证书注册号",  # a
        "证书OID",
        "统一社会信用代码",
        "地址",
        "认证依据",  # b
        "服务级别",  # c
        "认证范围",  # d
        "场所",
        "颁证日期",  # e
        "有效期至",
        "（盖章）",  # g
        "证书查询",  # h
        "附件",  # i
    ],
    "en": [
        "Registration number",
        "Certificate OID",
        "Unified social credit code",
        "Address",
        "Standard / implementation rule",
        "Service level",
        "Scope of certification",
        "Sites",
        "Date of issue",
        "Valid until",
        "General Manager",
        "Verify this certificate",
        "Attachment",
        "the Chinese certificate prevails",
    ],
}


def _text(path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)  # noqa: S603, S607
    return " ".join(out.stdout.split())


def _decode_qr(path, tmp_path) -> list[str]:
    import zxingcpp
    from PIL import Image

    stem = tmp_path / f"{path.stem}-page"
    command = ["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", str(path), str(stem)]
    subprocess.run(command, check=True)  # noqa: S603
    image = Image.open(next(tmp_path.glob(f"{path.stem}-page*.png")))
    return [r.text for r in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_pdf_has_every_item_a_cjk_font_and_a_working_qr_code(language, tmp_path, settings):
    settings.SITE_URL = "https://cert.example.cn"
    cert = issued_certificate(sites=2)
    version = cert.current_version
    assert services.certificate_version_store_pdfs(version=version) is True
    version.refresh_from_db()
    path = tmp_path / f"certificate-{language}.pdf"
    path.write_bytes(version.pdf(language).read())

    from tests.e2e.test_applicant_signup import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(path, ARTIFACTS / path.name)

    text = _text(path)
    for item in ITEMS[language]:
        assert item in text, item
    org = cert.organization
    name = org.name_en if language == "en" and org.name_en else org.name_zh
    values = [cert.number, cert.oid, org.credit_code, name, version.scope, version.standards]
    values += [s["number"] for s in version.sites] + ["2026-04-20", "2029-04-19"]
    values += ["Four-star" if language == "en" else "四星"]
    for value in values:
        assert value in text, value

    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout  # noqa: S603, S607
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(" yes " in row for row in rows)  # every font embedded
    assert any("CJK" in row for row in rows)

    assert _decode_qr(path, tmp_path) == [verify_url(cert.number)]
    assert verify_url(cert.number) == f"https://cert.example.cn/verify/{cert.number}/"


def test_a_version_is_rendered_once_and_downloads_serve_the_stored_file(client, applicant):
    kefu = staff()
    org = applicant.memberships.first().organization
    cert = issued_certificate(by=kefu, organization=org)
    version = cert.current_version
    client.force_login(applicant)
    url = f"/portal/certificates/{cert.pk}/v1/en.pdf"
    first = b"".join(client.get(url).streaming_content)  # renders and stores the missing PDFs
    version.refresh_from_db()
    stored = version.pdf_en.name
    assert first.startswith(b"%PDF") and stored
    assert services.certificate_version_store_pdfs(version=version) is False
    again = b"".join(client.get(url).streaming_content)
    version.refresh_from_db()
    assert again == first and version.pdf_en.name == stored
    # A reissue is a new version; the first stays downloadable as it was.
    services.certificate_reissue(
        certificate=cert, by=kefu, reason="升级", kind="level", level="5-star"
    )
    assert b"".join(client.get(url).streaming_content) == first
    assert client.get(f"/portal/certificates/{cert.pk}/v2/zh-hans.pdf").status_code == 200


def test_the_notice_of_change_is_a_pdf_in_both_languages(tmp_path):
    kefu = staff()
    cert = issued_certificate(by=kefu)
    with_date = datetime.date.today()
    services.certificate_suspend(certificate=cert, by=kefu, ground="m", reason="发生重大服务事故")
    change = cert.status_changes.get()
    assert services.status_change_store_notice(status_change=change) is True
    change.refresh_from_db()
    path = tmp_path / "notice.pdf"
    path.write_bytes(change.notice_pdf.read())
    text = _text(path)
    assert "服务认证证书和标志变化通知" in text
    assert "Notice of change of the service certification certificate and mark" in text
    assert cert.number in text and "发生重大服务事故" in text
    assert "重大事故" in text and "major accident" in text  # ground m in both languages
    assert with_date.isoformat() in text
