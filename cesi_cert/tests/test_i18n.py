"""Simplified Chinese is the default language and its catalogue is complete; English on request.

The test settings read messages in English (LANGUAGE_CODE = "en"); these tests put the real
default, zh-hans, back and check what a visitor sees in each language.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from applications.models import Application
from applications.tests.factories import UserFactory
from cesi_cert.errors import DomainError
from cesi_cert.roles import Role

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"


@pytest.fixture
def chinese_default(settings):
    settings.LANGUAGE_CODE = "zh-hans"


# --- pages --------------------------------------------------------------------------------

#: A page and one sentence on it, in Chinese and in English.
PAGES = [
    (
        "/",
        "服务认证在线办理，从申请到发证",
        "Service certification, online from application to certificate",
    ),
    ("/accounts/login/", "还没有账户？", "No account yet?"),
]


@pytest.mark.parametrize(("path", "chinese", "english"), PAGES)
def test_pages_are_chinese_by_default(client, db, chinese_default, path, chinese, english):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert chinese in html
    assert english not in html


@pytest.mark.parametrize(("path", "chinese", "english"), PAGES)
def test_language_cookie_en_gives_english(client, db, chinese_default, path, chinese, english):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert english in html
    assert chinese not in html


def test_set_language_switches_to_english_and_back(client, db, chinese_default):
    assert "还没有账户？" in client.get("/accounts/login/").content.decode()

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    assert "No account yet?" in html

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "还没有账户？" in html


# --- the catalogue ------------------------------------------------------------------------


def _po_entries(path: Path) -> list[dict]:
    """A small .po reader: each entry's flags and its msgid/msgid_plural/msgstr[n] texts."""
    entries: list[dict] = []
    entry: dict = {}
    key = None

    def close():
        if "msgid" in entry:
            entries.append(dict(entry))
        entry.clear()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            close()
            key = None
        elif line.startswith("#,"):
            if "msgid" in entry:
                close()
            entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            if key == "msgid" and "msgid" in entry:
                close()
            entry[key] = ast.literal_eval(value)
    close()
    return entries


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\(\w+\)[sd]|%[sd]|\{\w*\}", text))


def test_catalogue_is_complete_and_not_fuzzy():
    entries = _po_entries(PO_FILE)
    header = next(e for e in entries if e["msgid"] == "")
    assert "Language: zh_Hans\n" in header["msgstr"]
    assert "charset=UTF-8" in header["msgstr"]
    assert "nplurals=1; plural=0;" in header["msgstr"]

    messages = [e for e in entries if e["msgid"] and not e.get("obsolete")]
    assert len(messages) > 400
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e.get("flags", set())]
    assert fuzzy == []
    untranslated = [e["msgid"] for e in messages if not (e.get("msgstr") or e.get("msgstr[0]"))]
    assert untranslated == []
    # Every placeholder of the English text is kept in the Chinese one.
    wrong = [
        e["msgid"]
        for e in messages
        if _placeholders(e["msgid"]) != _placeholders(e.get("msgstr") or e.get("msgstr[0]", ""))
    ]
    assert wrong == []


def test_compiled_catalogue_matches_the_po_file():
    with MO_FILE.open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    for entry in _po_entries(PO_FILE):
        if not entry["msgid"] or entry.get("obsolete"):
            continue
        if "msgid_plural" in entry:
            assert (
                catalogue.ngettext(entry["msgid"], entry["msgid_plural"], 1) == entry["msgstr[0]"]
            )
        elif "msgctxt" in entry:  # pgettext: the same English in another sense
            assert catalogue.pgettext(entry["msgctxt"], entry["msgid"]) == entry["msgstr"]
        else:
            assert catalogue.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]


# --- labels and messages from code --------------------------------------------------------


def test_application_state_labels_are_chinese():
    with translation.override("zh-hans"):
        assert str(Application.State.SUBMITTED.label) == "已提交"
        assert str(Application.State.UNDER_REVIEW.label) == "评审中"
        assert str(Application.State.CHANGES_REQUESTED.label) == "待补正"
        assert str(Application.State.REJECTED.label) == "已拒绝"
    with translation.override("en"):
        assert str(Application.State.SUBMITTED.label) == "Submitted"


def test_domain_error_from_a_service_is_chinese_with_its_placeholders_filled(db):
    from applications import services

    fields = {
        "name_zh": "深圳示例科技有限公司",
        "name_en": "Shenzhen Example Tech",
        "credit_code": "9144030071526726XH",  # the check character should be G
        "address_zh": "深圳市南山区",
        "address_en": "Nanshan, Shenzhen",
        "applicant_type": "provider",
        "contact_name": "李四",
        "contact_phone": "0755-1234567",
        "contact_email": "li@example.cn",
    }
    user = UserFactory(role=Role.APPLICANT)
    with translation.override("zh-hans"), pytest.raises(DomainError) as caught:
        services.organization_create(by=user, **fields)
    assert caught.value.field == "credit_code"
    assert str(caught.value.message) == (
        "校验码错误：最后一位应为“G”，而不是“H”。请核对营业执照上的代码。"
    )


def test_validator_message_is_chinese_under_zh_hans():
    from django.core.exceptions import ValidationError

    from applications.validators import validate_credit_code

    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as caught:
            validate_credit_code("91350100M000100Y4")
        # The message is lazy: it is rendered in the language active when it is read.
        assert caught.value.messages == ["统一社会信用代码应为 18 位，当前为 17 位。"]
