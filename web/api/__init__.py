"""The JSON API under /api/v1 (flask-smorest, OpenAPI at /api/v1/openapi.json)."""

from __future__ import annotations

from flask import Flask


def register_api(app: Flask) -> None:
    """Attach the API blueprints; filled by the API module."""
