"""The archivist's work queue: due for destruction and transfer, missing and pending."""

from __future__ import annotations

from datetime import date

import pytest

from archive import zaken
from archive.errors import Forbidden
from retention import werkvoorraad
from tests import factories
from tests.fixtures_archivering import resultaat

TODAY = date(2031, 6, 1)


@pytest.fixture
def archivaris(db):
    return factories.make_user(db, roles=("archivaris",))


@pytest.fixture
def closed(db, world, archief_zaaktype):
    """Four closed zaken: due for destruction, kept (due for transfer later), pending, and
    one without retention data (as an old import would leave it)."""

    def make(omschrijving, result, einddatum):
        zaak = factories.make_zaak(
            db,
            world.medewerker,
            zaaktype=archief_zaaktype,
            afdeling=world.afdeling,
            omschrijving=omschrijving,
            startdatum=date(2020, 1, 2),
        )
        zaken.close_zaak(
            db,
            world.medewerker,
            zaak,
            resultaattype_id=resultaat(archief_zaaktype, result),
            einddatum=einddatum,
        )
        return zaak

    due = make("Te vernietigen", "Afgehandeld", date(2024, 5, 1))  # P5Y → 2029
    later = make("Nog niet", "Afgehandeld", date(2026, 11, 1))  # → 2031-11-01
    kept = make("Bewaren", "Bewaren", date(2020, 3, 1))  # P20Y → 2040
    waiting = make("Wacht", "Hand", date(2024, 5, 1))
    missing = make("Oud", "Afgehandeld", date(2021, 1, 1))
    missing.archiefnominatie = None
    missing.archiefactiedatum = None
    db.flush()
    return {"due": due, "later": later, "kept": kept, "waiting": waiting, "missing": missing}


def ids(rows):
    return {r.identificatie for r in rows}


def test_due_lists_per_soort(db, world, archivaris, closed):
    total, rows = werkvoorraad.due(db, archivaris, "vernietigen", today=TODAY)
    assert total == 1 and ids(rows) == {closed["due"].identificatie}
    assert rows[0].archiefactiedatum == date(2029, 5, 1)
    assert werkvoorraad.due(db, archivaris, "overbrengen", today=TODAY)[0] == 0
    assert ids(werkvoorraad.due(db, archivaris, "overbrengen", today=date(2040, 3, 1))[1]) == {
        closed["kept"].identificatie
    }
    assert ids(werkvoorraad.due(db, archivaris, "wachtend", today=TODAY)[1]) == {
        closed["waiting"].identificatie
    }
    assert ids(werkvoorraad.due(db, archivaris, "ontbrekend", today=TODAY)[1]) == {
        closed["missing"].identificatie
    }
    assert werkvoorraad.counts(db, archivaris, today=TODAY) == {
        "vernietigen": 1,
        "overbrengen": 0,
        "ontbrekend": 1,
        "wachtend": 1,
    }


def test_archivist_sees_retention_metadata_but_no_omschrijving(db, world, archivaris, closed):
    _total, rows = werkvoorraad.due(db, archivaris, "vernietigen", today=TODAY)
    assert rows[0].omschrijving is None  # not a member of the department
    factories.make_member(db, world.afdeling, archivaris, rol="lezen", clearance="geheim")
    _total, rows = werkvoorraad.due(db, archivaris, "vernietigen", today=TODAY)
    assert rows[0].omschrijving == "Te vernietigen"


def test_per_year_chart(db, archivaris, closed):
    chart = werkvoorraad.per_jaar(db, archivaris)
    assert chart[2029]["vernietigen"] == 1
    assert chart[2031]["vernietigen"] == 1
    assert chart[2040]["blijvend_bewaren"] == 1


def test_only_an_archivaris(db, world, closed):
    for user in (world.medewerker, world.beheerder, world.auditor):
        with pytest.raises(Forbidden):
            werkvoorraad.due(db, user, "vernietigen")
        with pytest.raises(Forbidden):
            werkvoorraad.counts(db, user)


def test_held_and_exempted_zaken_are_not_due_for_destruction(
    db, world, archivaris, closed, archief_zaaktype, store, tmp_path
):
    from retention import bevriezingen, uitzonderingen
    from tests import corpus

    def make(omschrijving, **kwargs):
        zaak = factories.make_zaak(
            db,
            world.medewerker,
            zaaktype=archief_zaaktype,
            afdeling=world.afdeling,
            omschrijving=omschrijving,
            startdatum=date(2020, 1, 2),
        )
        if kwargs.get("document"):
            pdf = corpus.normal_pdf(tmp_path / "brief.pdf", text="Brief")
            factories.file(db, world.medewerker, zaak, pdf, world.iot, store)
        zaken.close_zaak(
            db,
            world.medewerker,
            zaak,
            resultaattype_id=resultaat(archief_zaaktype, "Afgehandeld"),
            einddatum=date(2024, 5, 1),
        )
        return zaak

    held, via_document, exempt = make("Bevroren"), make("Document", document=True), make("Uit")
    due_ids = {closed["due"].identificatie, held.identificatie, via_document.identificatie}
    assert ids(werkvoorraad.due(db, archivaris, "vernietigen", today=TODAY)[1]) == due_ids | {
        exempt.identificatie
    }

    def hold(**target):
        return bevriezingen.place_hold(
            db,
            archivaris,
            bevriezingen.BevriezingGegevens(
                grond="woo_verzoek", reden="Woo-verzoek", eigenaar=archivaris.username, **target
            ),
        )

    on_zaak = hold(zaak=held.identificatie)
    hold(document=via_document.document_links[0].document.identificatie)
    uitzondering, _n = uitzonderingen.add_exception(
        db,
        archivaris,
        uitzonderingen.UitzonderingGegevens(
            scope="zaken",
            omschrijving="Hotspot",
            toelichting="Belang",
            besluitkenmerk="B-1",
            zaken=[exempt.identificatie],
        ),
    )
    # a stale nominatie (the recompute has not run): still left out, asked live
    exempt.archiefnominatie, exempt.archiefactiedatum = "vernietigen", date(2029, 5, 1)
    db.flush()
    only = {closed["due"].identificatie}
    assert ids(werkvoorraad.due(db, archivaris, "vernietigen", today=TODAY)[1]) == only
    assert werkvoorraad.counts(db, archivaris, today=TODAY)["vernietigen"] == 1
    assert werkvoorraad.per_jaar(db, archivaris)[2029]["vernietigen"] == 1

    # the department's own policy exempts as well, before any recompute
    bevriezingen.lift_hold(db, archivaris, on_zaak.id, toelichting="Verzoek afgehandeld")
    uitzonderingen.remove_exception(db, archivaris, uitzondering.id)
    assert ids(werkvoorraad.due(db, archivaris, "vernietigen", today=TODAY)[1]) == only | {
        held.identificatie,
        exempt.identificatie,
    }
    world.afdeling.retentiebeleid = "blijvend_bewaren"
    db.flush()
    assert werkvoorraad.due(db, archivaris, "vernietigen", today=TODAY)[0] == 0


def test_filter_by_afdeling_and_zaaktype(db, world, archivaris, closed, archief_zaaktype):
    from archive.errors import ValidationFailed

    mine = werkvoorraad.Filter(afdeling=world.afdeling.code)
    assert werkvoorraad.counts(db, archivaris, today=TODAY, filter=mine)["vernietigen"] == 1
    other = werkvoorraad.Filter(afdeling=world.andere_afdeling.code)
    assert werkvoorraad.due(db, archivaris, "vernietigen", today=TODAY, filter=other)[0] == 0
    assert werkvoorraad.per_jaar(db, archivaris, filter=other) == {}
    zaaktype = werkvoorraad.Filter(zaaktype=world.zaaktype.identificatie)
    assert werkvoorraad.counts(db, archivaris, today=TODAY, filter=zaaktype) == dict.fromkeys(
        werkvoorraad.SOORTEN, 0
    )
    both = werkvoorraad.Filter(
        afdeling=world.afdeling.code, zaaktype=archief_zaaktype.identificatie
    )
    assert werkvoorraad.due(db, archivaris, "wachtend", today=TODAY, filter=both)[0] == 1
    with pytest.raises(ValidationFailed) as refused:
        werkvoorraad.due(
            db, archivaris, "vernietigen", filter=werkvoorraad.Filter(afdeling="X", zaaktype="Y")
        )
    assert set(refused.value.field_errors()) == {"afdeling", "zaaktype"}


def test_held_zaken_are_not_due_for_transfer(db, world, archivaris, closed):
    """The work queue agrees with ``overbrenging.due_zaken`` and the CLI: a zaak under a
    legal hold stays here, in the list, the tiles and the chart alike."""
    from retention import bevriezingen, overbrenging

    kept = closed["kept"]
    peildatum = date(2040, 3, 1)
    assert ids(werkvoorraad.due(db, archivaris, "overbrengen", today=peildatum)[1]) == {
        kept.identificatie
    }
    hold = bevriezingen.place_hold(
        db,
        archivaris,
        bevriezingen.BevriezingGegevens(
            grond="rechtszaak",
            reden="Rechtszaak",
            eigenaar=archivaris.username,
            zaak=kept.identificatie,
        ),
    )
    assert werkvoorraad.due(db, archivaris, "overbrengen", today=peildatum)[0] == 0
    assert werkvoorraad.counts(db, archivaris, today=peildatum)["overbrengen"] == 0
    assert 2040 not in werkvoorraad.per_jaar(db, archivaris)
    assert overbrenging.due_zaken(db, archivaris, today=peildatum) == []

    bevriezingen.lift_hold(db, archivaris, hold.id, toelichting="Uitspraak gedaan")
    assert werkvoorraad.counts(db, archivaris, today=peildatum)["overbrengen"] == 1
    assert werkvoorraad.per_jaar(db, archivaris)[2040]["blijvend_bewaren"] == 1
    assert overbrenging.due_zaken(db, archivaris, today=peildatum) == [kept]


@pytest.mark.parametrize(
    ("soort", "index"),
    [("ontbrekend", "ix_zaak_zonder_nominatie"), ("wachtend", "ix_zaak_wacht_op")],
)
def test_the_small_tiles_are_counted_from_their_partial_index(db, soort, index):
    """Migration 0014's indexes hold exactly these zaken; a change to the soort's condition
    that no longer implies the index's would silently bring back a scan of every closed
    zaak (0.3 s each at 1,000,000 zaken)."""
    from sqlalchemy import func, select, text

    from archive.models import Zaak
    from tests.databases import backend

    if backend() != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    db.execute(text("SET LOCAL enable_seqscan = off"))  # a tiny test table is scanned anyway
    query = select(func.count()).select_from(Zaak).where(werkvoorraad._where(soort, date.today()))
    sql = str(query.compile(db.get_bind(), compile_kwargs={"literal_binds": True}))
    plan = "\n".join(db.scalars(text(f"EXPLAIN {sql}")))
    assert index in plan, plan
