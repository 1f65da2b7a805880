"""Shared set-up for the transfer (overbrenging) tests: zaken kept permanently and due for
transfer, with real files (a PDF, a text file, a PNG) filed definitief."""

from __future__ import annotations

from datetime import date

from tests import corpus, factories
from tests.fixtures_archivering import nieuwe_zaak, sluit

# closed 2020-03-01 with selectielijst 1.1.1 (blijvend bewaren): due for transfer after
# P20Y, on 2040-03-01
PEILDATUM = date(2041, 1, 1)
ARCHIEFVORMER = "Gemeente Voorbeeldstad"


def configure(monkeypatch) -> None:
    monkeypatch.setenv("ARCHIEFVORMER", ARCHIEFVORMER)
    monkeypatch.setenv("ARCHIEFVORMER_ID", "https://identifier.overheid.nl/tooi/id/gemeente/gm9999")
    monkeypatch.delenv("OVERBRENGING_INHOUD_VERWIJDEREN", raising=False)


def due_zaak(db, world, zaaktype, store, tmp_path, *, omschrijving="Monumentenbesluit", files=2):
    """A zaak closed in 2020 with a permanent result, holding ``files`` documents."""
    zaak = nieuwe_zaak(db, world, zaaktype, omschrijving=omschrijving, startdatum=date(2020, 1, 6))
    makers = [
        lambda p: corpus.normal_pdf(p / "besluit.pdf", text="Besluit monument"),
        lambda p: _text(p / "notitie.txt"),
        lambda p: corpus.png(p / "foto.png"),
    ]
    folder = tmp_path / f"in-{zaak.id}"
    folder.mkdir()
    for make in makers[:files]:
        factories.file(
            db,
            world.medewerker,
            zaak,
            make(folder),
            world.iot,
            store,
            status="definitief",
            ontvangstdatum=date(2020, 1, 20),
        )
    sluit(db, world, zaak, "Bewaren", date(2020, 3, 1))
    db.flush()
    return zaak


def _text(path):
    path.write_text("Notitie over het monument aan de Kerkstraat.\n", encoding="utf-8")
    return path


def kept_zaaktype(db, afdeling):
    """A published zaaktype whose one resultaat ("Bewaren", selectielijst 1.1.1) is kept
    permanently (for tests outside the ``db`` fixture, such as the CLI's)."""
    from zaaktypen import services as catalogus
    from zaaktypen.afdelingen import choose_generic_zaaktype

    zt = catalogus.create_concept(
        db,
        None,
        catalogus.ZaakTypeGegevens(
            identificatie="ZTBEWAAR",
            omschrijving="Blijvend bewaren",
            vertrouwelijkheidaanduiding="zaakvertrouwelijk",
        ),
    )
    for naam in ("Ontvangen", "Afgehandeld"):
        catalogus.add_statustype(db, None, zt, omschrijving=naam)
    catalogus.add_resultaattype(
        db,
        None,
        zt,
        catalogus.ResultaatTypeGegevens(omschrijving="Bewaren", selectielijstklasse="1.1.1"),
    )
    catalogus.add_roltype(
        db, None, zt, omschrijving="Behandelaar", omschrijving_generiek="behandelaar"
    )
    catalogus.publish(db, None, zt, datum_begin_geldigheid=date(2020, 1, 1))
    choose_generic_zaaktype(db, None, afdeling, zt.identificatie)
    return zt
