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


MAX_TOELICHTING = 10_000


def check_text(errors: dict, field: str, value: str | None, *, max_len: int = MAX_TOELICHTING):
    """Add a field message for text no database can hold well: a NUL byte or lone surrogate
    (PostgreSQL refuses them: a 500 instead of a 4xx), or more than ``max_len`` characters."""
    if not value:
        return
    if "\x00" in value or any("\ud800" <= c <= "\udfff" for c in value):
        errors.setdefault(field, []).append(
            "De tekst bevat een ongeldig teken (NUL of een losse surrogaat); verwijder het."
        )
    elif len(value) > max_len:
        errors.setdefault(field, []).append(f"Maximaal {max_len} tekens.")


def csv_safe(value: str | None) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a cell a spreadsheet would evaluate
    gets a leading apostrophe."""
    value = value or ""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


MAX_IDENTIFICATIE = 40


def is_possible_identificatie(value: str | None) -> bool:
    """Could a zaak or document be called this? A lookup of anything else is answered as
    absent without asking the database (a NUL byte or a lone surrogate breaks PostgreSQL)."""
    if not value or len(value) > MAX_IDENTIFICATIE:
        return False
    return all(
        c.isprintable() and not c.isspace() and not 0xD800 <= ord(c) <= 0xDFFF for c in value
    )
