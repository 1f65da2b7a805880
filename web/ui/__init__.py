"""Server-rendered pages for people (they work without JavaScript)."""

from flask import Blueprint

bp = Blueprint("ui", __name__)

# registers the routes: the zaak pages, the beheer pages for DIV, user administration,
# grants on a zaak, the auditor's pages and the API-token self-service
from web.ui import audit, beheer, gebruikers, toegang, tokens, views  # noqa: E402,F401
