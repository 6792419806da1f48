"""Lists joined as each language does; phone numbers one can dial."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cesi_cert.text import human_join
from cesi_cert.validators import validate_phone


def test_chinese_lists_use_the_enumeration_comma():
    with translation.override("zh-hans"):
        assert human_join(["营业执照", "申请书", "服务说明"]) == "营业执照、申请书、服务说明"
    with translation.override("en"):
        assert human_join(["licence", "form"]) == "licence, form"
    assert human_join([]) == ""


@pytest.mark.parametrize(
    "number",
    [
        "13812345678",
        "+86 138 1234 5678",
        "0591-87654321",
        "0591 8765 4321",
        "(0591)87654321",
        "010-12345678",
        "0591-87654321-123",
        "0591-87654321转123",
        "400-123-4567",
        "+852 2123 4567",
        "",
    ],
)
def test_real_numbers_pass(number):
    validate_phone(number)


@pytest.mark.parametrize(
    "number", ["12345", "abc", "1381234567", "23812345678", "=1+1", "138123456789", "电话"]
)
def test_other_text_is_refused_with_an_example(number):
    with pytest.raises(ValidationError) as err, translation.override("en"):
        validate_phone(number)
    assert "13812345678" in str(err.value.messages[0])
