"""Scene values for the route-coverage test: one exception and one legal hold on the
scene's zaak, made through the real services as the archivist.

They are made by ``build`` while the scene is built (``build_scene``), not on first use:
tests such as test_security's CSRF check count the audit events before a request, and
records (with their audit events) appearing after that count would look like the request's
doing. The id functions only look the records up."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import object_session


def build(db, scene, text: str = "") -> None:
    """Add the exception and the hold on ``scene.zaak`` (flushed; the caller commits).
    ``text`` (test_security's XSS payload) goes into their free-text fields."""
    from retention import bevriezingen, uitzonderingen

    uitzonderingen.add_exception(
        db,
        scene.world.archivaris,
        uitzonderingen.UitzonderingGegevens(
            scope="zaken",
            omschrijving=text[:200] or "Route-coverage",
            toelichting=text or "Scène",
            besluitkenmerk=text[:200] or "B-1",
            zaken=[scene.zaak.identificatie],
        ),
    )
    bevriezingen.place_hold(
        db,
        scene.world.archivaris,
        bevriezingen.BevriezingGegevens(
            grond="rechtszaak",
            reden=text or "Scène",
            kenmerk=text[:200],
            eigenaar=scene.world.medewerker.username,
            zaak=scene.zaak.identificatie,
        ),
    )


def uitzondering_id(scene) -> int:
    from archive.models import UitzonderingZaak

    found = object_session(scene.zaak).scalar(
        select(UitzonderingZaak.uitzondering_id)
        .where(UitzonderingZaak.zaak_id == scene.zaak.id)
        .order_by(UitzonderingZaak.uitzondering_id)
        .limit(1)
    )
    assert found is not None, "the scene has no exception: build_scene calls build()"
    return found


def hold_id(scene) -> int:
    from archive.models import Bevriezing

    found = object_session(scene.zaak).scalar(
        select(Bevriezing.id)
        .where(Bevriezing.zaak_id == scene.zaak.id)
        .order_by(Bevriezing.id)
        .limit(1)
    )
    assert found is not None, "the scene has no legal hold: build_scene calls build()"
    return found
