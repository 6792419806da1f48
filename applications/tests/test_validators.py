"""GB 32100-2015 unified social credit code validation."""

import pytest
from django.core.exceptions import ValidationError

from applications.validators import credit_code_check_char, validate_credit_code

# Codes printed on real business licences (public registration records).
REAL_CODES = [
    "91350100M000100Y43",  # SPEC example
    "91330100799655058B",  # 阿里巴巴（中国）有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "914403001922038216",  # 华为技术有限公司
    "91110000802100433B",  # 北京百度网讯科技有限公司
    "12100000400000624D",  # a public institution (registration authority 1)
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    validate_credit_code(code)


def test_lower_case_and_spaces_are_normalised():
    validate_credit_code("  91350100m000100y43 ")


def test_weights_follow_the_standard():
    from applications.validators import WEIGHTS

    assert WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def test_check_value_31_maps_to_zero():
    # Find a 17-character body whose weighted sum is a multiple of 31: its check char is "0".
    body = "91110108" + "000000000"
    for tail in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        candidate = body[:-1] + tail
        from applications.validators import VALUES, WEIGHTS

        if sum(VALUES[c] * w for c, w in zip(candidate, WEIGHTS, strict=True)) % 31 == 0:
            assert credit_code_check_char(candidate) == "0"
            return
    pytest.fail("no body with sum ≡ 0 found")


@pytest.mark.parametrize(
    ("code", "code_name", "fragment"),
    [
        ("9135010000010Y43", "length", "18 characters; this one has 16"),
        ("91350100M000100Y433", "length", "this one has 19"),
        ("", "length", "this one has 0"),
        ("91350100M000100Y4Z", "charset", "“Z”"),
        ("91350100MO00100Y43", "charset", "“O”"),
        ("91350100M000100I43", "charset", "“I”"),
        ("913A0100M000100Y43", "division", "3 to 8"),
        ("91350100M000100Y44", "check", "should be “3”, not “4”"),
        ("91330100799655058C", "check", "should be “B”"),
    ],
)
def test_each_kind_of_invalid_code_gets_its_own_message(code, code_name, fragment):
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(code)
    error = excinfo.value.error_list[0]
    assert error.code == code_name
    assert fragment in str(excinfo.value.messages[0])
