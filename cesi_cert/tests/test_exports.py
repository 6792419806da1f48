"""Every export neutralises formulas (OWASP CSV injection) and keeps numbers as numbers."""

from decimal import Decimal

import pytest

from cesi_cert.exports import csv_response, safe_cell


@pytest.mark.parametrize(
    "text", ["=1+1", "+86 591", "-2+3", "@SUM(A1)", "\t=cmd", "\r=cmd", '=HYPERLINK("x")']
)
def test_a_formula_becomes_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-3, 4.5, Decimal("-30000.00"), 0])
def test_numbers_stay_numbers(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("text", ["福州示例家电服务有限公司", "SA2026-00001", "a=b", ""])
def test_plain_text_is_left_alone(text):
    assert safe_cell(text) == text


def test_none_is_an_empty_cell():
    assert safe_cell(None) == ""


def test_csv_response_neutralises_every_cell_header_included():
    response = csv_response("x", ["=header"], [["=a", 1, None]])
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff'=header")
    assert "'=a,1," in body
    assert response["Content-Disposition"].startswith('attachment; filename="x-')
