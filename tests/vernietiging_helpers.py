"""Test data for destruction lists: due zaken with real documents, the people involved,
and a list driven to its bedenktijd through the real services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from archive import zaken
from archive.db import utcnow
from archive.documents import file_new_version, link_document
from archive.models import User, Zaak
from retention import vernietiging
from tests import corpus, factories
from tests.fixtures_archivering import resultaat


@dataclass
class Cast:
    auteur: User  # archivaris who drafts
    tweede: User  # the second archivaris, for the final approval
    beoordelaar: User  # the department's regie


def cast(db, world) -> Cast:
    tweede = factories.make_user(db, roles=("archivaris",))
    beoordelaar = factories.make_user(db, roles=("medewerker",))
    factories.make_member(db, world.afdeling, beoordelaar, rol="regie", clearance="geheim")
    return Cast(auteur=world.archivaris, tweede=tweede, beoordelaar=beoordelaar)


@dataclass
class Archief:
    """Zaken in world.afdeling: ``due`` (closed 2020, destroyable since 2025) with their
    documents, ``blijft`` an open zaak sharing one document, ``later`` not due yet."""

    due: list[Zaak]
    blijft: Zaak
    later: Zaak
    gedeeld: object  # the document in due[0] and in blijft
    shas: dict[str, list[str]] = field(default_factory=dict)  # zaak → its documents' shas


def build(db, world, zaaktype, store, tmp_path: Path, n: int = 3, *, commit=True) -> Archief:
    m = world.medewerker
    blijft = factories.make_zaak(
        db, m, zaaktype=zaaktype, afdeling=world.afdeling, omschrijving="Blijvende zaak"
    )
    # a document in the zaak that stays, with the same content as one that will go
    same = corpus.normal_pdf(tmp_path / "zelfde.pdf", text="Gedeelde inhoud")
    factories.file(db, m, blijft, same, world.iot, store, titel="Zelfde inhoud")
    due, shas = [], {}
    gedeeld = None
    for i in range(n):
        zaak = factories.make_zaak(
            db,
            m,
            zaaktype=zaaktype,
            afdeling=world.afdeling,
            omschrijving=f"Te vernietigen {i}",
            startdatum=date(2020, 1, 2),
            vertrouwelijkheidaanduiding="vertrouwelijk" if i == 1 else None,
        )
        zaken.add_betrokkene(
            db,
            m,
            zaak,
            zaken.BetrokkeneGegevens(
                type="natuurlijk_persoon",
                bsn="123456782" if i == 0 else None,
                voornamen="Piet",
                geslachtsnaam=f"Vernietig{i}",
            ),
            rol="belanghebbende",
        )
        pdf = corpus.normal_pdf(tmp_path / f"brief{i}.pdf", text=f"Brief nummer {i}")
        filed = factories.file(db, m, zaak, pdf, world.iot, store, titel=f"Brief {i}")
        v2 = corpus.normal_pdf(tmp_path / f"brief{i}-v2.pdf", text=f"Brief nummer {i} versie 2")
        from archive.documents import Upload

        file_new_version(
            db,
            m,
            filed.document,
            Upload(path=v2, bestandsnaam=v2.name),
            store=store,
            max_bytes=5 * 1024 * 1024,
        )
        docs = [filed.document]
        if i == 0:
            gedeeld_pdf = corpus.normal_pdf(tmp_path / "gedeeld.pdf", text="Rapport voor twee")
            gedeeld = factories.file(
                db, m, zaak, gedeeld_pdf, world.iot, store, titel="Gedeeld rapport"
            ).document
            link_document(db, m, gedeeld, blijft)
            docs.append(
                factories.file(db, m, zaak, same, world.iot, store, titel="Zelfde").document
            )
        shas[zaak.identificatie] = sorted({v.sha256 for d in docs for v in d.versies})
        zaken.close_zaak(
            db,
            m,
            zaak,
            resultaattype_id=resultaat(zaaktype, "Afgehandeld"),
            einddatum=date(2020, 6, 1),
        )
        due.append(zaak)
    later = factories.make_zaak(
        db, m, zaaktype=zaaktype, afdeling=world.afdeling, omschrijving="Nog niet"
    )
    zaken.close_zaak(db, m, later, resultaattype_id=resultaat(zaaktype, "Afgehandeld"))
    if commit:
        db.commit()
    return Archief(due=due, blijft=blijft, later=later, gedeeld=gedeeld, shas=shas)


def to_bedenktijd(db, c: Cast, *, naam="Lijst 2026-1", selectie=None) -> object:
    """A list of every due zaak, reviewed (akkoord) and approved; returns it."""
    lijst = vernietiging.create_list(
        db,
        c.auteur,
        naam=naam,
        selectie=selectie or vernietiging.Selectie(),
        beoordelaars=[c.beoordelaar.username],
    )
    vernietiging.submit(db, c.auteur, lijst)
    vernietiging.review(db, c.beoordelaar, lijst)
    vernietiging.approve(db, c.tweede, lijst)
    db.commit()
    return lijst


def after_bedenktijd() -> datetime:
    return utcnow() + vernietiging.bedenktijd() + timedelta(minutes=1)


def make_zaaktype(db, world):
    """A published zaaktype whose resultaat 'Afgehandeld' (selectielijst 7.1, vernietigen
    after P5Y) makes zaken closed in 2020 due now; outside the fixtures (CLI, browser)."""
    from datetime import date as _date

    from zaaktypen import services as catalogus
    from zaaktypen.afdelingen import choose_generic_zaaktype

    zt = catalogus.create_zaaktype(
        db,
        None,
        identificatie="ZTVERN",
        omschrijving="Vernietigingstest",
        vertrouwelijkheidaanduiding="zaakvertrouwelijk",
        statustypen=["Ontvangen", "Afgehandeld"],
        resultaattypen=[
            catalogus.ResultaatTypeGegevens(omschrijving="Afgehandeld", selectielijstklasse="7.1")
        ],
        datum_begin_geldigheid=_date(2020, 1, 1),
    )
    choose_generic_zaaktype(db, None, world.afdeling, zt.identificatie)
    return zt
