"""Checks on Dutch identifiers."""

from __future__ import annotations


def is_valid_bsn(value: str) -> bool:
    """The elfproef: 9 digits, weights 9..2 and -1, sum divisible by 11 and not all zeros."""
    if len(value) != 9 or not value.isdigit() or value == "000000000":
        return False
    digits = [int(c) for c in value]
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
    return total % 11 == 0


def is_valid_rsin(value: str) -> bool:
    """An RSIN follows the same elfproef as a BSN."""
    return is_valid_bsn(value)


def is_valid_kvk(value: str) -> bool:
    return len(value) == 8 and value.isdigit()
