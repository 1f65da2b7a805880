"""Errors become a Dutch HTML page for people and RFC 9457 problem details for the API."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from archive.errors import DomainError

log = logging.getLogger(__name__)

TITLES = {
    400: "Ongeldig verzoek",
    401: "Niet ingelogd",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    409: "Conflict",
    413: "Bestand te groot",
    415: "Niet-ondersteund formaat",
    422: "Ongeldige invoer",
    429: "Te veel pogingen",
    500: "Interne fout",
    503: "Tijdelijk niet beschikbaar",
}


def wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, detail: str, *, errors: dict | None = None, code: str | None = None):
    body = {
        "type": f"https://dossierhuis.nl/problemen/{code or status}",
        "title": TITLES.get(status, "Fout"),
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        if wants_problem_json():
            return problem(exc.status, exc.message, errors=exc.field_errors(), code=exc.code)
        return (
            render_template(
                "error.html",
                status=exc.status,
                title=TITLES.get(exc.status),
                message=exc.message,
                errors=exc.field_errors(),
            ),
            exc.status,
        )

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc):
        limit = app.extensions["dossierhuis.settings"].max_upload_mb
        message = f"Het bestand is groter dan de toegestane {limit} MB. Verklein of splits het."
        if wants_problem_json():
            return problem(413, message, errors={"bestand": [message]}, code="too_large")
        return render_template(
            "error.html", status=413, title=TITLES[413], message=message, errors={}
        ), 413

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        if wants_problem_json():
            data = getattr(exc, "data", None) or {}
            messages = data.get("messages") if isinstance(data, dict) else None
            errors = _flatten(messages) if messages else None
            detail = "De invoer is niet geldig." if errors else (exc.description or "")
            return problem(status, detail, errors=errors)
        return render_template(
            "error.html",
            status=status,
            title=TITLES.get(status, exc.name),
            message=exc.description,
            errors={},
        ), status

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.endpoint)
        message = "Er ging iets mis aan onze kant. Probeer het later opnieuw."
        if wants_problem_json():
            return problem(500, message)
        return render_template(
            "error.html", status=500, title=TITLES[500], message=message, errors={}
        ), 500


def _flatten(messages: dict) -> dict[str, list[str]]:
    """webargs nests messages per location (json, form, files, query); merge them."""
    flat: dict[str, list[str]] = {}
    for location_messages in messages.values():
        if not isinstance(location_messages, dict):
            continue
        for field, msgs in location_messages.items():
            if isinstance(msgs, dict):
                msgs = [f"{k}: {v}" for k, v in msgs.items()]
            flat.setdefault(field, []).extend(msgs if isinstance(msgs, list) else [str(msgs)])
    return flat
