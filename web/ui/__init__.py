"""Server-rendered pages for people (they work without JavaScript)."""

from flask import Blueprint

bp = Blueprint("ui", __name__)

from web.ui import views  # noqa: E402,F401  (registers the routes)
