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
