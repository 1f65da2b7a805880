"""The retention pieces together: a legal hold keeps a zaak out of the transfer, and a zaak
in a transfer package (awaiting the e-Depot's confirmation, or already overgedragen) is
neither put on a destruction list nor destroyed by one drafted before."""

from __future__ import annotations

from datetime import date

import pytest

from archive import zaken
from archive.errors import ValidationFailed
from archive.models import Zaak
from retention import bevriezingen, uitzonderingen, vernietiging
from retention import overbrenging as ob
from tests import corpus, factories
from tests import vernietiging_helpers as h
from tests.fixtures_archivering import resultaat
from tests.overbrenging_helpers import PEILDATUM, configure, due_zaak

MAX = 5 * 1024 * 1024


@pytest.fixture(autouse=True)
def _config(monkeypatch):
    configure(monkeypatch)


def hold(db, world, **target):
    return bevriezingen.place_hold(
        db,
        world.archivaris,
        bevriezingen.BevriezingGegevens(
            grond="rechtszaak", reden="Procedure", eigenaar=world.archivaris.username, **target
        ),
    )


def test_transfer_does_not_offer_held_zaken(db, world, archief_zaaktype, store, tmp_path):
    zelf = due_zaak(db, world, archief_zaaktype, store, tmp_path, omschrijving="Zelf")
    via_document = due_zaak(db, world, archief_zaaktype, store, tmp_path, omschrijving="Document")
    vrij = due_zaak(db, world, archief_zaaktype, store, tmp_path, omschrijving="Vrij")
    a = world.archivaris
    due = {z.identificatie for z in ob.due_zaken(db, a, today=PEILDATUM)}
    assert due == {zelf.identificatie, via_document.identificatie, vrij.identificatie}

    on_zaak = hold(db, world, zaak=zelf.identificatie)
    hold(db, world, document=via_document.document_links[0].document.identificatie)
    due = [z.identificatie for z in ob.due_zaken(db, a, today=PEILDATUM)]
    assert due == [vrij.identificatie]
    # named, a held zaak is refused by name, and the export leaves nothing
    out = tmp_path / "out"
    with pytest.raises(ValidationFailed) as refused:
        ob.export(
            db,
            a,
            out_dir=out,
            store=store,
            selectie=ob.Selectie(identificaties=(zelf.identificatie,)),
            today=PEILDATUM,
        )
    assert "bevroren" in str(refused.value.field_errors()["zaken"])
    assert not out.exists() or not any(out.iterdir())

    bevriezingen.lift_hold(db, a, on_zaak.id, toelichting="Procedure afgerond")
    due = {z.identificatie for z in ob.due_zaken(db, a, today=PEILDATUM)}
    assert due == {zelf.identificatie, vrij.identificatie}


def _vernietigbare_zaak(db, world, zaaktype, tmp_path, store) -> Zaak:
    """Closed in 2020 with selectielijst 7.1: to be destroyed from 2025; its document is
    definitief, so a transfer could archive it."""
    m = world.medewerker
    zaak = factories.make_zaak(
        db, m, zaaktype=zaaktype, afdeling=world.afdeling, omschrijving="Wisselend",
        startdatum=date(2020, 1, 2),
    )  # fmt: skip
    pdf = corpus.normal_pdf(tmp_path / "wissel.pdf", text="Wisselende nominatie")
    factories.file(db, m, zaak, pdf, world.iot, store, status="definitief")
    zaken.close_zaak(
        db, m, zaak, resultaattype_id=resultaat(zaaktype, "Afgehandeld"),
        einddatum=date(2020, 6, 1),
    )  # fmt: skip
    return zaak


def _exception(db, world, zaak):
    u, changed = uitzonderingen.add_exception(
        db,
        world.archivaris,
        uitzonderingen.UitzonderingGegevens(
            scope="zaken",
            omschrijving="Tijdelijke hotspot",
            toelichting="Onderzoek",
            besluitkenmerk="B-7",
            zaken=[zaak.identificatie],
        ),
    )
    assert changed == 1 and zaak.archiefnominatie == "blijvend_bewaren"
    return u


@pytest.mark.parametrize("bevestigd", [False, True], ids=["in-pakket", "overgedragen"])
def test_destruction_leaves_zaken_of_a_transfer_alone(
    db, world, archief_zaaktype, store, tmp_path, bevestigd
):
    """The nominatie of a zaak flips by an exception after it was put on a destruction list;
    it is transferred; the exception is withdrawn, so it reads *vernietigen* again. Neither
    a new list nor the old one destroys what went (or is going) to the e-Depot."""
    people = h.cast(db, world)
    zaak = _vernietigbare_zaak(db, world, archief_zaaktype, tmp_path, store)
    db.commit()
    lijst = h.to_bedenktijd(db, people)
    assert [i.zaak_identificatie for i in lijst.items] == [zaak.identificatie]

    u = _exception(db, world, zaak)
    pakket = ob.export(
        db,
        world.archivaris,
        out_dir=tmp_path / "out",
        store=store,
        selectie=ob.Selectie(identificaties=(zaak.identificatie,)),
        today=PEILDATUM,
    )
    if bevestigd:
        ob.confirm(db, world.archivaris, pakket.id, store=store)
        assert zaak.archiefstatus == "overgedragen"
    uitzonderingen.remove_exception(db, world.archivaris, u.id)
    db.commit()
    if not bevestigd:  # still to be confirmed: the nominatie follows the exception again
        assert zaak.archiefnominatie == "vernietigen"

    run = vernietiging.execute(
        db,
        people.auteur,
        lijst,
        store=store,
        max_bytes=MAX,
        now=h.after_bedenktijd(),
        today=PEILDATUM,
    )
    assert run.vernietigd == []
    reason = run.geweigerd[zaak.identificatie]
    assert ("overgedragen" in reason) if bevestigd else (pakket.naam in reason), reason
    db.expire_all()
    assert db.get(Zaak, zaak.id) is not None
    # off that list now (refused), it is not taken by a new one either
    with pytest.raises(ValidationFailed):
        vernietiging.create_list(
            db, people.auteur, naam="Nog een", selectie=vernietiging.Selectie(), today=PEILDATUM
        )


def test_an_archived_zaak_is_destroyed_like_any_other(db, world, archief_zaaktype, store, tmp_path):
    """archiefstatus gearchiveerd (retention.archiefstatus) is an archived dossier, not an
    exemption: it is due for destruction, taken by a list, and destroyed; also when it was
    archived after the list was drafted."""
    from retention import archiefstatus, werkvoorraad

    people = h.cast(db, world)
    vooraf = _vernietigbare_zaak(db, world, archief_zaaktype, tmp_path, store)
    archiefstatus.set_archiefstatus(db, vooraf, "gearchiveerd", world.archivaris)
    db.commit()
    due = werkvoorraad.due(db, world.archivaris, "vernietigen", today=PEILDATUM)[1]
    assert [r.identificatie for r in due] == [vooraf.identificatie]
    lijst = h.to_bedenktijd(db, people)
    (tmp_path / "2").mkdir()
    later = _vernietigbare_zaak(db, world, archief_zaaktype, tmp_path / "2", store)
    db.commit()
    tweede = h.to_bedenktijd(db, people, naam="Lijst 2026-2")
    archiefstatus.set_archiefstatus(db, later, "gearchiveerd", world.archivaris)
    db.commit()
    ids = {vooraf.identificatie: vooraf.id, later.identificatie: later.id}
    for gekozen in (lijst, tweede):
        run = vernietiging.execute(
            db, people.auteur, gekozen, store=store, max_bytes=MAX, now=h.after_bedenktijd()
        )
        assert run.geweigerd == {} and len(run.vernietigd) == 1, run
    db.expire_all()
    assert all(db.get(Zaak, i) is None for i in ids.values())
