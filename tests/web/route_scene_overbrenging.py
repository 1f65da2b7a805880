"""Scene value for the route-coverage test: one exported transfer (a small package on disk,
no zaken, so confirming it is a 409 and never a 404), made by ``build`` while the scene is
built (see route_scene_uitzonderingen for why not on first use)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import object_session


def _naam(scene) -> str:
    return f"overbrenging-scene-{scene.zaak.id}"


def build(db, scene, folder: Path) -> None:
    """The package goes under ``folder`` (the scene's temporary directory)."""
    from archive.models import Overbrenging

    package = folder / "overbrenging-scene"
    package.mkdir(parents=True, exist_ok=True)
    (package / "bagit.txt").write_text("BagIt-Version: 1.0\n", encoding="utf-8")
    db.add(
        Overbrenging(
            naam=_naam(scene),
            status="geexporteerd",
            pakket_pad=str(package),
            manifest_sha256="0" * 64,
            bestanden=[],
            aangemaakt_door_id=scene.world.archivaris.id,
        )
    )
    db.flush()


def overbrenging_id(scene) -> int:
    from archive.models import Overbrenging

    found = object_session(scene.zaak).scalar(
        select(Overbrenging.id).where(Overbrenging.naam == _naam(scene))
    )
    assert found is not None, "the scene has no transfer: build_scene calls build()"
    return found
