"""Upload checks: size, type by content (not only by name), safe names."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cesi_cert.errors import DomainError
from cesi_cert.files import check_upload, safe_display_name

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03" + b"\x00" * 64


def office(prefix: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(f"{prefix}document.xml", "<x/>")
    return buf.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content", "ext"),
    [
        ("营业执照.pdf", PDF, "pdf"),
        ("photo.PNG", PNG, "png"),
        ("scan.jpg", JPEG, "jpg"),
        ("scan.jpeg", JPEG, "jpeg"),
        ("申请书.docx", office("word/"), "docx"),
        ("清单.xlsx", office("xl/"), "xlsx"),
    ],
)
def test_accepts_real_files_of_allowed_types(name, content, ext):
    checked = check_upload(upload(name, content))
    assert checked.extension == ext
    assert checked.size == len(content)
    assert len(checked.sha256) == 64


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("invoice.pdf", EXE),  # a program renamed to .pdf
        ("photo.png", PDF),  # a PDF renamed to .png
        ("form.docx", office("xl/")),  # a spreadsheet renamed to .docx
        ("form.docx", b"PK\x03\x04 not really a zip"),
        ("notes.pdf", b"just some text"),
    ],
)
def test_refuses_content_that_does_not_match_the_name(name, content):
    with pytest.raises(DomainError) as e:
        check_upload(upload(name, content), field="file")
    assert e.value.field == "file"
    assert "not a real" in str(e.value.message)


@pytest.mark.parametrize(
    "name", ["run.exe", "page.html", "script.svg", "archive.zip", "noextension"]
)
def test_refuses_types_that_are_not_allowed(name):
    with pytest.raises(DomainError) as e:
        check_upload(upload(name, PDF))
    assert "not accepted" in str(e.value.message)


def test_refuses_files_over_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(DomainError) as e:
        check_upload(upload("big.pdf", PDF + b"0" * 2000))
    assert "too large" in str(e.value.message)
    assert "1.0\xa0KB" in str(e.value.message)


def test_refuses_empty_files():
    with pytest.raises(DomainError):
        check_upload(upload("empty.pdf", b""))


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\me\\营业执照.pdf", "营业执照.pdf"),
        ("evil\x00name.pdf", "evilname.pdf"),
        ("..", "file"),
        ("a" * 300 + ".pdf", "a" * 146 + ".pdf"),
    ],
)
def test_display_names_lose_paths_and_control_characters(raw, safe):
    assert safe_display_name(raw) == safe
