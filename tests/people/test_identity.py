import datetime

import pytest

from people.identity import (
    mask_national_id,
    national_id_birth_date,
    national_id_error,
    phone_is_valid,
)


@pytest.mark.parametrize(
    "value", ["11010519491231002X", "11010519491231002x", "430102199003071234"]
)
def test_valid_national_ids(value):
    assert national_id_error(value) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("110105194912310021", "check digit"),
        ("11010519491231002", "18 characters"),
        ("1101051949123100AX", "18 characters"),
        ("110105194902300027", "birth date"),
    ],
)
def test_invalid_national_ids(value, reason):
    assert reason in national_id_error(value)


def test_birth_date_from_national_id():
    assert national_id_birth_date("11010519491231002X") == datetime.date(1949, 12, 31)


def test_mask_keeps_only_ends():
    assert mask_national_id("11010519491231002X") == "110***********002X"
    assert mask_national_id("") == ""
    assert mask_national_id("12345") == "*****"


@pytest.mark.parametrize(
    "value", ["13800138000", "+86 138 0013 8000", "0731-84561234", "010-12345678-123", "84561234"]
)
def test_valid_phones(value):
    assert phone_is_valid(value)


@pytest.mark.parametrize("value", ["12345", "1380013800", "abc", "23800138000"])
def test_invalid_phones(value):
    assert not phone_is_valid(value)
