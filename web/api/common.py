"""Helpers shared by the API resource modules: documented problem responses, guards, paging."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import request

from archive.errors import NotFound
from web.api.auth import api_user
from web.api.core import Blueprint
from zaaktypen.services import require_beheerder

MAX_ID = 2**31 - 1
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_NAMES = {
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    409: "CONFLICT",
    413: "REQUEST_ENTITY_TOO_LARGE",
}


def problems(blp: Blueprint, *codes: int):
    """Document the problem responses an operation can give (besides 422 for its input)."""

    def decorator(func):
        for code in (401, *codes):
            func = blp.alt_response(code, response=_NAMES[code])(func)
        return func

    return decorator


def writes_need_beheerder() -> None:
    """``before_request`` hook (after authentication) of the catalogue and department APIs.

    The services guard themselves too; asking first means a medewerker gets 403 for every
    write, also for a body that would otherwise have been refused as invalid (422).
    """
    if request.method not in READ_METHODS:
        require_beheerder(api_user())


def checked_text(value: str, soort: str, *, max_len: int = 80) -> str:
    """A path segment naming a record: refuse what no record can be called (404), before
    it reaches the database (NUL bytes and lone surrogates break PostgreSQL)."""
    if not value or len(value) > max_len or "\x00" in value or any(c.isspace() for c in value):
        raise NotFound(f"{soort} '{value[:60]}' bestaat niet.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise NotFound(f"{soort} bestaat niet.") from None
    return value


def checked_number(value: int, soort: str) -> int:
    if not 0 < value <= MAX_ID:
        raise NotFound(f"{soort} {value} bestaat niet.")
    return value


def paging_headers(total: int, page: int, per_page: int) -> dict[str, str]:
    """RFC 8288 ``Link`` (next/prev) and ``X-Total-Count`` for a list answered as an array."""
    pages = max(1, -(-total // per_page))
    headers = {"X-Total-Count": str(total)}
    links = []
    base = request.base_url
    query = {k: v for k, v in request.args.items() if k != "page"}
    if page < pages:
        links.append(f'<{base}?{urlencode({**query, "page": page + 1})}>; rel="next"')
    if page > 1:
        links.append(f'<{base}?{urlencode({**query, "page": min(page - 1, pages)})}>; rel="prev"')
    if links:
        headers["Link"] = ", ".join(links)
    return headers


PAGING_HEADERS_DOC = {
    "X-Total-Count": {
        "description": "Totaal aantal resultaten over alle pagina's.",
        "schema": {"type": "integer"},
    },
    "Link": {
        "description": 'RFC 8288: de volgende (rel="next") en vorige (rel="prev") pagina.',
        "schema": {"type": "string"},
    },
}
