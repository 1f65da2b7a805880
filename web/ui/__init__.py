"""Server-rendered pages for people (they work without JavaScript)."""

from flask import Blueprint

bp = Blueprint("ui", __name__)

# registers the routes: the zaak pages, the beheer pages for DIV, user administration,
# grants on a zaak, the auditor's pages, the API-token self-service, search and the
# person page, retention on the zaak page, notifications (inbox, following, webhooks)
from web.ui import (  # noqa: E402,F401
    archief_dashboard,
    archiefstatus,
    archivering,
    audit,
    beheer,
    gebruikers,
    notificaties,
    overbrenging,
    toegang,
    tokens,
    uitzonderingen,
    vernietiging,
    views,
    zoeken,
)
