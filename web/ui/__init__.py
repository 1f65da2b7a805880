"""Server-rendered pages for people (they work without JavaScript)."""

from flask import Blueprint

bp = Blueprint("ui", __name__)

# registers the routes: the zaak pages, and the beheer pages for DIV
from web.ui import beheer, views  # noqa: E402,F401
