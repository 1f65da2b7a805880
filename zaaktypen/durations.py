"""ISO 8601 durations (P10Y, P6M, P2W, P1Y6M, P30D) as used by the ZGW standards.

Dates advance calendar-wise: years and months first, then days, so 29 February + P1Y gives
28 February in a non-leap year (the end of the month is kept, never spilled into March).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_PATTERN = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)
MAX_PART = 10_000


@dataclass(frozen=True)
class Duur:
    years: int = 0
    months: int = 0
    days: int = 0
    seconds: int = 0

    def add_to(self, start: date) -> date:
        month_index = start.month - 1 + self.months
        year = start.year + self.years + month_index // 12
        month = month_index % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return date(year, month, day) + timedelta(days=self.days + self.seconds // 86400)

    def sort_key(self) -> date:
        """Compare durations by where they land from one fixed start."""
        return self.add_to(date(2001, 1, 1))


def parse(value: str) -> Duur:
    """Raise ValueError with a Dutch message when ``value`` is not an ISO 8601 duration."""
    match = _PATTERN.match((value or "").strip().upper())
    if not match:
        raise ValueError(
            f"'{value}' is geen ISO 8601-duur. Voorbeelden: P10Y (10 jaar), P6M, P6W, P30D."
        )
    parts = {k: int(v) for k, v in match.groupdict().items() if v is not None}
    if any(v > MAX_PART for v in parts.values()):
        raise ValueError(f"'{value}' is onwaarschijnlijk lang.")
    return Duur(
        years=parts.get("years", 0),
        months=parts.get("months", 0),
        days=parts.get("weeks", 0) * 7 + parts.get("days", 0),
        seconds=parts.get("hours", 0) * 3600
        + parts.get("minutes", 0) * 60
        + parts.get("seconds", 0),
    )


def is_valid(value: str) -> bool:
    try:
        parse(value)
    except ValueError:
        return False
    return True


def add(start: date, value: str) -> date:
    return parse(value).add_to(start)
