"""The JSON API under /api/v1 (flask-smorest, OpenAPI at /api/v1/openapi.json)."""

from __future__ import annotations

from flask import Flask

from web.api.auth import SECURITY_SCHEME


def register_api(app: Flask) -> None:
    """Create the smorest Api for ``app`` and attach the API blueprints (CSRF-exempt)."""
    from web.api.afdelingen import afdelingen_blp
    from web.api.archivering import archivering_blp
    from web.api.catalogus import catalogus_blp
    from web.api.core import Api
    from web.api.notificaties import notificaties_blp, signalering_blp, webhooks_blp
    from web.api.overbrenging import overbrenging_blp
    from web.api.resources import documenten_blp, zaken_blp
    from web.api.uitzonderingen import uitzonderingen_blp
    from web.api.vernietiging import vernietiging_blp
    from web.api.zoeken import zoeken_blp
    from web.app import csrf

    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {
                "description": "Zaakgericht archief: zaken, betrokkenen en documenten; de "
                "catalogus (zaaktypen, documenttypen, selectielijst) en afdelingen; zoeken en "
                "het dossier van een persoon; volgen, de inbox met notificaties en webhooks. "
                "Authenticatie met 'Authorization: Bearer <token>'; fouten als RFC 9457 "
                "problem details (application/problem+json) met meldingen per veld."
            },
            "security": [{SECURITY_SCHEME: []}],
        },
    )
    api = Api(app)
    api.spec.components.security_scheme(
        SECURITY_SCHEME,
        {
            "type": "http",
            "scheme": "bearer",
            "description": "Een API-token (dossierhuis token create).",
        },
    )
    for blueprint in (
        zaken_blp,
        documenten_blp,
        catalogus_blp,
        afdelingen_blp,
        zoeken_blp,
        archivering_blp,
        overbrenging_blp,
        uitzonderingen_blp,
        vernietiging_blp,
        notificaties_blp,
        webhooks_blp,
        signalering_blp,
    ):
        # Bearer tokens only, no cookies: CSRF does not apply (and the session cookie is
        # never accepted as authentication, see web.api.auth).
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    app.extensions["dossierhuis.api"] = api
