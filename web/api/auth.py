"""Bearer-token authentication for the API; the web session cookie is never accepted here.

Tokens are checked by archive.users.user_for_token (sha256 lookup, not revoked, not expired,
active user). The API uses no cookies, so its blueprints are exempt from CSRF; accepting the
session cookie would reopen exactly the CSRF hole that exemption assumes is absent.
"""

from __future__ import annotations

from flask import g, request
from flask.typing import ResponseReturnValue

from archive.models import User
from archive.users import user_for_token
from web.app import db_session
from web.errors import problem

REALM = "dossierhuis"
SECURITY_SCHEME = "bearerAuth"
MAX_TOKEN_LENGTH = 200


def _unauthorized(detail: str, *, invalid: bool) -> ResponseReturnValue:
    response = problem(401, detail, code="unauthorized")
    challenge = f'Bearer realm="{REALM}"'
    if invalid:
        challenge += ', error="invalid_token"'
    response.headers["WWW-Authenticate"] = challenge
    return response


def authenticate_request() -> ResponseReturnValue | None:
    """``before_request`` hook of every API blueprint: sets g.api_user or answers 401."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        return _unauthorized(
            "Geen geldige inlog. Stuur een API-token mee: 'Authorization: Bearer <token>'.",
            invalid=False,
        )
    user = None
    if len(secret) <= MAX_TOKEN_LENGTH and secret.isascii():
        user = user_for_token(db_session(), secret)
    if user is None:
        return _unauthorized(
            "Het API-token is onbekend, ingetrokken of verlopen. Vraag een nieuw token aan.",
            invalid=True,
        )
    g.api_user = user
    return None


def api_user() -> User:
    """The user behind the bearer token of this request."""
    return g.api_user
