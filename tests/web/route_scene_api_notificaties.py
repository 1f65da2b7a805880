"""Scene values for the route-coverage test of the notification API: the medewerker's
follow of the scene's zaak (made by opening it: reden melder), one inbox entry of the
medewerker (the regisseur changed the zaak; delivered by the real fan-out) and one webhook
made by the beheerder.

Made by ``build`` while the scene is built (see route_scene_uitzonderingen for why not on
first use); the id functions only look the records up."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import object_session

from archive.config import Settings


def _settings() -> Settings:
    # fan-out and webhook creation read only these; no SMTP host: no mail is queued
    return Settings(data_dir=Path("."), database_url="sqlite://", secret_key="route-coverage")


def _naam(scene, text: str) -> str:
    return f"{text[:60]}Route-coverage {scene.zaak.identificatie}"


def build(db, scene, text: str = "") -> None:
    """Add the inbox entry and the webhook (flushed; the caller commits). ``text``
    (test_security's XSS payload) goes into the webhook's name."""
    from archive.notificaties import bezorging, soorten, webhooks
    from archive.notificaties.gebeurtenissen import emit

    emit(db, soorten.ZAAK_STATUS_GEWIJZIGD, scene.regisseur, zaak=scene.zaak)
    db.flush()
    bezorging.fan_out(db, _settings())
    webhooks.create_webhook(
        db,
        scene.world.beheerder,
        _settings(),
        naam=_naam(scene, text),
        url="http://127.0.0.1:9/route-coverage",
    )
    db.flush()


def volging_id(scene) -> int:
    from archive.models import Volging

    found = object_session(scene.zaak).scalar(
        select(Volging.id).where(
            Volging.user_id == scene.world.medewerker.id,
            Volging.soort == "zaak",
            Volging.object_id == scene.zaak.id,
        )
    )
    assert found is not None, "the medewerker does not follow the scene's zaak"
    return found


def notificatie_id(scene) -> int:
    from archive.models import Notificatie

    found = object_session(scene.zaak).scalar(
        select(Notificatie.id)
        .where(
            Notificatie.user_id == scene.world.medewerker.id,
            Notificatie.zaak_id == scene.zaak.id,
        )
        .order_by(Notificatie.id)
        .limit(1)
    )
    assert found is not None, "the scene has no inbox entry: build_scene calls build()"
    return found


def webhook_id(scene) -> int:
    from archive.models import Webhook

    found = object_session(scene.zaak).scalar(
        select(Webhook.id).where(Webhook.naam.like(f"%Route-coverage {scene.zaak.identificatie}"))
    )
    assert found is not None, "the scene has no webhook: build_scene calls build()"
    return found
