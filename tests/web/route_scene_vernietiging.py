"""Scene value for the route-coverage test: one destruction list in state nieuw, drafted by
the scene's archivist, made by ``build`` while the scene is built (see
route_scene_uitzonderingen for why not on first use). The scene has no zaak due for
destruction, so the list is written as a row of its own (its pages and actions need only
the list)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import object_session


def _naam(scene) -> str:
    return f"Route-coverage {scene.zaak.identificatie}"


def build(db, scene) -> None:
    from archive.models import Vernietigingslijst

    db.add(Vernietigingslijst(naam=_naam(scene), auteur=scene.world.archivaris))
    db.flush()


def lijst_id(scene) -> int:
    from archive.models import Vernietigingslijst

    found = object_session(scene.zaak).scalar(
        select(Vernietigingslijst.id).where(Vernietigingslijst.naam == _naam(scene))
    )
    assert found is not None, "the scene has no destruction list: build_scene calls build()"
    return found
