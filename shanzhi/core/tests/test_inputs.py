"""The shared input layer (core.inputs): what each parser accepts and what it refuses, by field."""

import datetime as dt

import pytest
from pydantic import TypeAdapter, ValidationError

from shanzhi.core import inputs
from shanzhi.core.errors import DomainError


@pytest.mark.parametrize(
    "value", ["a\x00b", "a\x07b", "a\x1bb", "a\x7fb", "a\x85b", "a\u202eb", "a\u2066b", "a\ud800b"]
)
def test_text_refuses_nul_control_surrogate_and_bidi_characters(value):
    with pytest.raises(DomainError) as refused:
        inputs.clean_text(value, "title")
    assert refused.value.field == "title"


def test_text_keeps_tabs_newlines_and_any_script():
    assert inputs.clean_text(" 第一行\n\t第二行 ١٢ ²", "note") == "第一行\n\t第二行 ١٢ ²"


def test_length_is_stated_and_refused_not_cut():
    assert inputs.clean_text("长" * 200, "address", max_length=200) == "长" * 200
    with pytest.raises(DomainError) as refused:
        inputs.clean_text("长" * 201, "address", max_length=200, label="地址")
    assert refused.value.field == "address" and "200" in str(refused.value.message)


@pytest.mark.parametrize("value", ["²", "١٢", "１２", "abc", "1.5", "9" * 20, "0", "-3", "1e3", " "])
def test_ids_are_ascii_digits_within_bounds(value):
    assert inputs.id_or_none(value) is None
    if value.strip():
        with pytest.raises(DomainError) as refused:
            inputs.parse_id(value, "household")
        assert refused.value.field == "household"


def test_ids_accepted():
    assert inputs.parse_id("42", "household") == 42
    assert inputs.id_or_none(" 7 ") == 7
    assert inputs.id_or_none(2**63 - 1) == 2**63 - 1
    assert inputs.parse_id("", "household") is None
    with pytest.raises(DomainError):
        inputs.parse_id("", "household", required=True)


def test_integers_bounded():
    assert inputs.parse_int("-3", "n", min_value=-5) == -3
    with pytest.raises(DomainError):
        inputs.parse_int("11", "days", min_value=1, max_value=10)
    with pytest.raises(DomainError):
        inputs.parse_int(True, "days")


@pytest.mark.parametrize(
    "value",
    ["2026-99-99", "2026-02-30", "99999999999999999999-01-01", "1899-12-31", "2101-01-01", "2026-3-2"],
)
def test_dates_are_real_iso_dates_in_bounded_years(value):
    with pytest.raises(DomainError) as refused:
        inputs.parse_date(value, "start")
    assert refused.value.field == "start"


def test_dates_accepted():
    assert inputs.parse_date("2026-03-02", "start") == dt.date(2026, 3, 2)
    assert inputs.parse_date("", "start") is None


def test_the_api_text_type_refuses_the_same_characters():
    adapter = TypeAdapter(inputs.Text)
    assert adapter.validate_python("正常文字") == "正常文字"
    with pytest.raises(ValidationError):
        adapter.validate_python("a\x00b")
