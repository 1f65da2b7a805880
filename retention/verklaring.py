"""The verklaring van vernietiging: the permanent proof of what a destruction list
destroyed, when, why (resultaat and selectielijst class) and by whose approval.

Written as PDF (for people) and CSV (for systems) from the items' snapshots, so it lists
exactly the zaken that were destroyed, and filed through the normal filing service in the
DIV zaak "Vernietigingsverklaringen <jaar>". That zaak's zaaktype (``DIV-VERNIETIGING``,
created if missing in department ``DIV``) has one resultaat, selectielijst 2020 class
19.1.18 "Archiefvernietiging" — *blijvend bewaren* — so the proof is never itself due for
destruction; the zaak itself carries archiefnominatie *blijvend bewaren* from the day it is
opened (``archivering.preset_nominatie``), and closing it computes the same from that
resultaat. The omschrijving of a zaak at ``vertrouwelijk`` or above is left out.
"""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import access, archivering, pdfrapport
from archive.blobstore import BlobStore
from archive.db import utcnow
from archive.documents import DocumentGegevens, Upload, file_document
from archive.errors import Conflict
from archive.models import Document, User, Vernietigingslijst, Zaak
from archive.validation import csv_safe
from zaaktypen import services as catalogus
from zaaktypen.models import Afdeling, AfdelingLid, InformatieObjectType, ZaakType

DIV_AFDELING = "DIV"
DIV_AFDELING_NAAM = "Informatiebeheer (DIV)"
ZAAKTYPE = "DIV-VERNIETIGING"
ZAAKTYPE_OMSCHRIJVING = "Vernietigingsverklaringen"
SELECTIELIJSTKLASSE = "19.1.18"  # Secretariaat voeren: Archiefvernietiging, blijvend bewaren
DOCUMENTTYPE = "Verklaring van vernietiging"
NIVEAU = "intern"
WEGGELATEN = "(weggelaten: vertrouwelijk)"
NOMINATIE_BRON = (
    f"verklaringen van vernietiging, selectielijst 2020 {SELECTIELIJSTKLASSE} "
    "(Archiefvernietiging): blijvend bewaren"
)

CSV_HEADER = [
    "vernietigingslijst",
    "zaak",
    "zaaktype",
    "omschrijving",
    "startdatum",
    "einddatum",
    "resultaat",
    "selectielijstklasse",
    "selectielijst_versie",
    "archiefactiedatum",
    "vernietigd_op",
    "opgesteld_door",
    "opgesteld_op",
    "beoordeeld_door",
    "goedgekeurd_door",
    "goedgekeurd_op",
    "uitgevoerd_door",
]


@dataclass(frozen=True)
class Regel:
    identificatie: str
    zaaktype: str
    omschrijving: str
    startdatum: str
    einddatum: str
    resultaat: str
    selectielijstklasse: str
    selectielijst_versie: str
    archiefactiedatum: str
    vernietigd_op: str


def regels(lijst: Vernietigingslijst) -> list[Regel]:
    """One line per destroyed zaak, in list order; nothing about refused or excluded ones."""
    out = []
    for item in lijst.items:
        if item.status != "vernietigd":
            continue
        g = item.gegevens
        out.append(
            Regel(
                identificatie=item.zaak_identificatie,
                zaaktype=f"{g.get('zaaktype') or ''} ({g.get('zaaktype_identificatie') or ''})",
                omschrijving=g.get("omschrijving") or WEGGELATEN,
                startdatum=g.get("startdatum") or "",
                einddatum=g.get("einddatum") or "",
                resultaat=g.get("resultaat") or "",
                selectielijstklasse=g.get("selectielijstklasse") or "",
                selectielijst_versie=g.get("selectielijst_versie") or "",
                archiefactiedatum=g.get("archiefactiedatum") or "",
                vernietigd_op=f"{item.uitgevoerd_op:%Y-%m-%d %H:%M}" if item.uitgevoerd_op else "",
            )
        )
    return out


def _when(value) -> str:
    return f"{value:%Y-%m-%d %H:%M} UTC" if value else "—"


def reviewers(lijst: Vernietigingslijst) -> list[tuple[str, str]]:
    """(name, when) of each reviewer's agreement in the final round."""
    return [
        (b.beoordelaar.naam, _when(b.beoordeeld_op))
        for b in lijst.beoordelingen
        if b.ronde == lijst.ronde and b.besluit == "akkoord"
    ]


def to_csv(lijst: Vernietigingslijst) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    beoordeeld = "; ".join(f"{n} ({w})" for n, w in reviewers(lijst))
    for r in regels(lijst):
        writer.writerow(
            [
                lijst.id,
                r.identificatie,
                csv_safe(r.zaaktype),
                csv_safe(r.omschrijving),
                r.startdatum,
                r.einddatum,
                csv_safe(r.resultaat),
                r.selectielijstklasse,
                r.selectielijst_versie,
                r.archiefactiedatum,
                r.vernietigd_op,
                csv_safe(lijst.auteur.naam),
                _when(lijst.aangemaakt_op),
                csv_safe(beoordeeld),
                csv_safe(lijst.goedgekeurd_door.naam if lijst.goedgekeurd_door else ""),
                _when(lijst.goedgekeurd_op),
                csv_safe(lijst.uitgevoerd_door.naam if lijst.uitgevoerd_door else ""),
            ]
        )
    return out.getvalue()


def to_pdf(lijst: Vernietigingslijst) -> bytes:
    from reportlab.platypus import Paragraph, Spacer, Table

    styles = pdfrapport.styles()
    cell = styles["BodyText"]
    rows = regels(lijst)
    beoordeeld = ", ".join(f"{n} ({w})" for n, w in reviewers(lijst)) or "—"
    goedgekeurd = lijst.goedgekeurd_door.naam if lijst.goedgekeurd_door else "—"
    uitgevoerd = lijst.uitgevoerd_door.naam if lijst.uitgevoerd_door else "—"
    feiten = [
        ("Vernietigingslijst", f"{lijst.id}: {lijst.naam}"),
        ("Opgesteld door", f"{lijst.auteur.naam}, {_when(lijst.aangemaakt_op)}"),
        ("Beoordeeld door", beoordeeld),
        ("Goedgekeurd door", f"{goedgekeurd}, {_when(lijst.goedgekeurd_op)}"),
        ("Bedenktijd tot", _when(lijst.bedenktijd_tot)),
        (
            "Uitgevoerd door",
            f"{uitgevoerd}, van {_when(lijst.uitvoering_gestart_op)} "
            f"tot {_when(lijst.vernietigd_op)}",
        ),
        ("Vernietigde zaken", str(len(rows))),
    ]
    story = [
        Paragraph("Verklaring van vernietiging", styles["Title"]),
        Paragraph(
            pdfrapport.esc(
                "Hierbij wordt verklaard dat de onderstaande zaken met hun documenten zijn "
                "vernietigd op grond van de Selectielijst gemeenten en intergemeentelijke "
                "organen, na beoordeling en goedkeuring zoals hieronder vermeld. Omschrijvingen "
                "van vertrouwelijke zaken zijn weggelaten."
            ),
            styles["Normal"],
        ),
        Spacer(1, 8),
        Table(
            [
                [Paragraph(f"<b>{pdfrapport.esc(k)}</b>", cell), Paragraph(pdfrapport.esc(v), cell)]
                for k, v in feiten
            ],
            colWidths=[130, 600],
        ),
        Spacer(1, 12),
    ]
    data = [
        [
            "Zaak",
            "Zaaktype",
            "Omschrijving",
            "Start",
            "Einde",
            "Resultaat",
            "Selectielijst",
            "Archiefactiedatum",
        ]
    ]
    for r in rows:
        klasse = (
            f"{r.selectielijstklasse} ({r.selectielijst_versie})" if r.selectielijstklasse else ""
        )
        data.append(
            [
                r.identificatie,
                Paragraph(pdfrapport.esc(r.zaaktype), cell),
                Paragraph(pdfrapport.esc(r.omschrijving), cell),
                r.startdatum,
                r.einddatum,
                Paragraph(pdfrapport.esc(r.resultaat), cell),
                klasse,
                r.archiefactiedatum,
            ]
        )
    story.append(pdfrapport.zaken_table(data, [120, 120, 170, 60, 60, 80, 70, 80]))
    return pdfrapport.build(
        story, title=f"Verklaring van vernietiging — lijst {lijst.id}", subject=lijst.naam
    )


# -- filing ---------------------------------------------------------------------------------


def _div_afdeling(session: Session) -> Afdeling:
    afdeling = session.scalar(select(Afdeling).where(Afdeling.code == DIV_AFDELING))
    if afdeling is None:
        afdeling = catalogus.create_afdeling(
            session, None, code=DIV_AFDELING, naam=DIV_AFDELING_NAAM
        )
    return afdeling


def _zaaktype(session: Session, afdeling: Afdeling) -> ZaakType:
    zaaktype = catalogus.version_valid_on(session, ZAAKTYPE, date.today())
    if zaaktype is None:
        zaaktype = catalogus.create_zaaktype(
            session,
            None,
            identificatie=ZAAKTYPE,
            omschrijving=ZAAKTYPE_OMSCHRIJVING,
            vertrouwelijkheidaanduiding=NIVEAU,
            statustypen=["Geopend", "Afgesloten"],
            resultaattypen=[
                catalogus.ResultaatTypeGegevens(
                    omschrijving="Verwerkt", selectielijstklasse=SELECTIELIJSTKLASSE
                )
            ],
            roltypen=[("Archivaris", "behandelaar")],
            afdeling=afdeling,
            toelichting="Verklaringen van vernietiging; blijvend te bewaren.",
        )
    return zaaktype


def _documenttype(session: Session) -> InformatieObjectType:
    iot = session.scalar(
        select(InformatieObjectType).where(InformatieObjectType.omschrijving == DOCUMENTTYPE)
    )
    if iot is None:
        iot = catalogus.create_informatieobjecttype(
            session, None, omschrijving=DOCUMENTTYPE, vertrouwelijkheidaanduiding=NIVEAU
        )
    return iot


def _ensure_member(session: Session, afdeling: Afdeling, actor: User) -> None:
    """The archivist files into DIV's own zaak: a member (behandelen, clearance intern)
    is added on first use and recorded; a weaker existing membership is refused."""
    from zaaktypen.afdelingen import set_member

    lid = session.scalar(
        select(AfdelingLid).where(
            AfdelingLid.afdeling_id == afdeling.id, AfdelingLid.user_id == actor.id
        )
    )
    if lid is None:
        set_member(session, None, afdeling, actor, rol="behandelen", clearance=NIVEAU)
        session.flush()


def verklaring_zaak(session: Session, actor: User, jaar: int) -> Zaak:
    """The open DIV zaak "Vernietigingsverklaringen <jaar>", created if missing, with
    archiefnominatie blijvend bewaren from the start (the issue: the verklaring is filed
    in a zaak kept permanently); closing it later computes the same from its resultaat."""
    from archive.zaken import open_zaak

    afdeling = _div_afdeling(session)
    zaaktype = _zaaktype(session, afdeling)
    _ensure_member(session, afdeling, actor)
    omschrijving = f"{ZAAKTYPE_OMSCHRIJVING} {jaar}"
    zaak = session.scalar(
        select(Zaak)
        .join(ZaakType, ZaakType.id == Zaak.zaaktype_id)
        .where(
            ZaakType.identificatie == ZAAKTYPE,
            Zaak.afdeling_id == afdeling.id,
            Zaak.omschrijving == omschrijving,
            Zaak.einddatum.is_(None),
        )
        .order_by(Zaak.id)
        .limit(1)
    )
    if zaak is None:
        zaak = open_zaak(
            session, actor, zaaktype=zaaktype, afdeling=afdeling, omschrijving=omschrijving
        )
    if not access.can_change_zaak(actor, zaak):
        raise Conflict(
            f"{actor.naam} mag niet archiveren in zaak {zaak.identificatie} van afdeling "
            f"{afdeling.code}: geef de archivaris daar de rol behandelen (clearance {NIVEAU})."
        )
    if zaak.archiefnominatie is None:  # new, or opened before the nominatie was recorded
        archivering.preset_nominatie(session, actor, zaak, "blijvend_bewaren", NOMINATIE_BRON)
    return zaak


def file_verklaring(
    session: Session, actor: User, lijst: Vernietigingslijst, *, store: BlobStore, max_bytes: int
) -> tuple[Document, Document]:
    """File the PDF and the CSV through the ingest pipeline; returns both documents."""
    zaak = verklaring_zaak(session, actor, (lijst.vernietigd_op or utcnow()).year)
    iot = _documenttype(session)
    titel = f"Verklaring van vernietiging — lijst {lijst.id}: {lijst.naam}"[:300]
    documents = []
    with tempfile.TemporaryDirectory(prefix="verklaring-") as tmp:
        for suffix, content in (
            ("pdf", to_pdf(lijst)),
            ("csv", to_csv(lijst).encode("utf-8")),
        ):
            path = Path(tmp) / f"verklaring-van-vernietiging-{lijst.id}.{suffix}"
            path.write_bytes(content)
            result = file_document(
                session,
                actor,
                zaak,
                Upload(path=path, bestandsnaam=path.name),
                DocumentGegevens(
                    informatieobjecttype=iot,
                    titel=f"{titel} ({suffix.upper()})"[:300],
                    vertrouwelijkheidaanduiding=NIVEAU,
                    richting="intern",
                    status="definitief",
                    auteur=actor.naam,
                ),
                store=store,
                max_bytes=max_bytes,
            )
            documents.append(result.document)
    return documents[0], documents[1]


def open_verklaring(
    session: Session, user: User, lijst: Vernietigingslijst, formaat: str, *, store: BlobStore
):
    """The filed verklaring (``pdf`` or ``csv``) of an executed list, for whoever may see
    the list (``vernietiging.get_list``); returns (document, version, open file)."""
    identificatie = {"pdf": lijst.verklaring_pdf, "csv": lijst.verklaring_csv}.get(formaat)
    if formaat not in ("pdf", "csv"):
        from archive.errors import ValidationFailed

        raise ValidationFailed({"formaat": ["Kies pdf of csv."]})
    if identificatie is None:
        raise Conflict(
            "Deze lijst is (nog) niet uitgevoerd: er is geen verklaring van vernietiging."
        )
    document = session.scalar(select(Document).where(Document.identificatie == identificatie))
    if document is None or document.laatste_versie is None:
        raise Conflict(f"Het document {identificatie} met de verklaring ontbreekt.")
    versie = document.laatste_versie
    return document, versie, store.open(versie.sha256)
