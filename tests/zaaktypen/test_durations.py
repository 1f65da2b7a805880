import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zaaktypen import durations


@pytest.mark.parametrize(
    ("start", "duur", "expected"),
    [
        (date(2024, 2, 29), "P1Y", date(2025, 2, 28)),
        (date(2024, 2, 29), "P4Y", date(2028, 2, 29)),
        (date(2023, 1, 31), "P1M", date(2023, 2, 28)),
        (date(2024, 1, 31), "P1M", date(2024, 2, 29)),
        (date(2026, 11, 22), "P10Y", date(2036, 11, 22)),
        (date(2026, 11, 22), "P6W", date(2027, 1, 3)),
        (date(2026, 12, 31), "P1Y6M", date(2028, 6, 30)),
        (date(2026, 1, 1), "P30D", date(2026, 1, 31)),
    ],
)
def test_calendar_arithmetic(start, duur, expected):
    assert durations.add(start, duur) == expected


@pytest.mark.parametrize("bad", ["", "P", "PT", "10Y", "P1.5Y", "P-1Y", "1 jaar", "P99999Y"])
def test_invalid_durations(bad):
    assert not durations.is_valid(bad)
    with pytest.raises(ValueError, match="duur|lang"):
        durations.parse(bad)


@given(st.text(max_size=20))
def test_parse_never_crashes_unexpectedly(value):
    with contextlib.suppress(ValueError):
        durations.parse(value)
