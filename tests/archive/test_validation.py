import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.validation import is_valid_bsn, is_valid_kvk


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "999990019"])
def test_valid_bsns(bsn):
    assert is_valid_bsn(bsn)


@pytest.mark.parametrize(
    "bsn", ["123456789", "000000000", "12345678", "1234567890", "12345678a", ""]
)
def test_invalid_bsns(bsn):
    assert not is_valid_bsn(bsn)


@given(st.text(max_size=12))
def test_bsn_check_never_raises(value):
    assert is_valid_bsn(value) in (True, False)


def test_kvk():
    assert is_valid_kvk("12345678")
    assert not is_valid_kvk("1234567")
