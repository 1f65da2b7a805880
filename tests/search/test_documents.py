"""The rebuild source: every linked item exactly once, grouped by department."""

from __future__ import annotations

from archive.documents import link_document
from search import documents


def test_iter_all_yields_each_item_once_grouped_by_department(db, world, build):
    # zaken created alternately in two departments, so id order is not department order
    zaken = []
    for i in range(6):
        afdeling = world.afdeling if i % 2 == 0 else world.andere_afdeling
        zaken.append(build.zaak(f"Zaak {i}", afdeling=afdeling))
    shared = build.document(zaken[1], "gedeeld document")
    link_document(db, world.medewerker, shared, zaken[0])
    for zaak in zaken:
        build.document(zaak, "tekst")
    build.persoon(zaken[3], bsn="111222333")
    db.commit()

    items = list(documents.iter_all(lambda: db, batch=2, close_sessions=False))

    keys = [item.key for item in items]
    assert len(keys) == len(set(keys)), "an item was yielded twice"
    assert keys.count(f"document:{shared.id}") == 1
    assert len([k for k in keys if k.startswith("zaak:")]) == 6
    assert len([k for k in keys if k.startswith("document:")]) == 7
    assert len([k for k in keys if k.startswith("persoon:")]) == 1
    # items in one zaak first, grouped by department; the shared document comes last
    assert keys[-1] == f"document:{shared.id}"
    first_afdeling = [item.links[0].afdeling_id for item in items[:-1]]
    assert first_afdeling == sorted(first_afdeling)
    assert all(len(item.links) == 1 for item in items[:-1])


def test_a_person_in_many_zaken_is_yielded_once_with_all_links(db, world, build):
    """The behandelaar case: one person in many zaken, and another with two roles in one
    zaak (one zaak, so the first pass)."""
    from archive.models import Rol

    zaken = [build.zaak(f"Zaak {i}") for i in range(7)]
    vaak = build.persoon(zaken[0], bsn="111222333", geslachtsnaam="Vaak")
    for zaak in zaken[1:]:
        db.add(Rol(zaak_id=zaak.id, betrokkene_id=vaak.id, omschrijving="belanghebbende"))
    twee_rollen = build.persoon(zaken[4], bsn="123456782", geslachtsnaam="Tweerol")
    db.add(Rol(zaak_id=zaken[4].id, betrokkene_id=twee_rollen.id, omschrijving="melder"))
    db.commit()

    items = list(documents.iter_all(lambda: db, batch=3, close_sessions=False))

    personen = [item for item in items if item.key.startswith("persoon:")]
    assert sorted(p.key for p in personen) == sorted(f"persoon:{p.id}" for p in (vaak, twee_rollen))
    by_key = {p.key: p for p in personen}
    assert len(by_key[f"persoon:{vaak.id}"].links) == 7
    assert len(by_key[f"persoon:{twee_rollen.id}"].links) == 1
    # in several zaken: the second pass, after every item that is in one zaak
    assert items[-1].key == f"persoon:{vaak.id}"
