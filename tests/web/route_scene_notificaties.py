"""Scene value for the route-coverage test of the notification pages (issue 7): one dead
delivery of the scene's webhook. The inbox entry, the follow and the webhook itself come
from route_scene_api_notificaties (the pages share those parameters with the API).

Made by ``build`` while the scene is built, after route_scene_api_notificaties.build (see
route_scene_uitzonderingen for why not on first use); the id function only looks it up."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import object_session

from tests.web import route_scene_api_notificaties


def build(db, scene, text: str = "") -> None:
    """A dead letter: the webhook's delivery of the zaak's first event, failed five times.
    ``text`` (test_security's XSS payload) is its last error, shown on the page."""
    from archive.models import NotificatieGebeurtenis, WebhookAflevering

    ev = db.scalar(
        select(NotificatieGebeurtenis)
        .where(NotificatieGebeurtenis.zaak_id == scene.zaak.id)
        .order_by(NotificatieGebeurtenis.id)
        .limit(1)
    )
    assert ev is not None, "opening the scene's zaak emitted no event"
    db.add(
        WebhookAflevering(
            webhook_id=route_scene_api_notificaties.webhook_id(scene),
            gebeurtenis_id=ev.id,
            status="dood",
            pogingen=5,
            laatste_fout=text[:300] or "HTTP 500",
            laatste_http_status=500,
        )
    )
    db.flush()


def aflevering_id(scene) -> int:
    from archive.models import WebhookAflevering

    found = object_session(scene.zaak).scalar(
        select(WebhookAflevering.id).where(
            WebhookAflevering.webhook_id == route_scene_api_notificaties.webhook_id(scene),
            WebhookAflevering.status == "dood",
        )
    )
    assert found is not None, "the scene has no dead delivery: build_scene calls build()"
    return found
