"""Demo data for a first look: a small but real archive, built through the services.

``dossierhuis init --demo`` (and so ``make run``) calls :func:`create_demo` on an empty
database. Everything goes through the same services as the web UI, the API and the CLI, so
the demo also shows the rules at work: every document is a real file generated here and
filed through the ingest pipeline, every change has its audit event. The people, BSNs and
addresses are fictional; the BSNs come from the range 999990000+ that is reserved for tests.
"""

from __future__ import annotations

import io
import secrets
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlalchemy.orm import Session

from archive import users
from archive.blobstore import BlobStore
from archive.documents import DocumentGegevens, Upload, file_document
from archive.enums import BetrokkeneType, Gebruikersrol, Rol
from archive.models import User, Zaak
from archive.validation import is_valid_bsn
from archive.zaken import BetrokkeneGegevens, add_betrokkene, close_zaak, open_zaak, set_status
from zaaktypen import services as catalogus
from zaaktypen.afdelingen import set_member, set_signalering
from zaaktypen.models import Afdeling, InformatieObjectType, ZaakType

# -- catalogue ------------------------------------------------------------------------------

AFDELINGEN = [
    # code, naam, virtueel
    ("ZVH", "Zorg- en Veiligheidshuis", False),
    ("RIEC", "RIEC Oost-Nederland", False),
    ("10IT", "Pilot 10 in Twente", False),
    ("VO2026", "Vluchtelingenopvang 2026", True),
]


@dataclass(frozen=True)
class DemoZaaktype:
    identificatie: str
    omschrijving: str
    afdeling: str
    vertrouwelijkheidaanduiding: str
    statustypen: list[str]
    resultaattypen: list[str]
    toelichting: str = ""


# The processes from the seed documents (RIEC signaalaanpak, the Zorg- en Veiligheidshuis
# werkproces, the 10 in Twente pilot and the DIV forum thread about refugee reception).
ZAAKTYPEN = [
    DemoZaaktype(
        "RIEC-SIGNAAL",
        "RIEC-signaal",
        "RIEC",
        "vertrouwelijk",
        [
            "Signaal ontvangen",
            "Informatieplein",
            "Casusoverleg",
            "Interventieoverleg",
            "Formeel afgesloten",
        ],
        ["Geen RIEC-signaal", "Afgedaan na Informatieplein", "Integrale interventie uitgevoerd"],
        "Binnenkomst signaal, toets aan het convenant, casusoverleg en interventie.",
    ),
    DemoZaaktype(
        "ZVH-CASUS",
        "Complexe casus (procesregie)",
        "ZVH",
        "vertrouwelijk",
        ["Melding gescreend", "Triage", "Procesregie", "Zorg geborgd"],
        ["Doorgestuurd naar lokaal zorgoverleg", "Zorg geborgd bij partners"],
        "Dagelijkse screening, wekelijkse triage met zestien organisaties, procesregie.",
    ),
    DemoZaaktype(
        "ZVH-NAZORG",
        "Nazorg ex-gedetineerde",
        "ZVH",
        "vertrouwelijk",
        ["Aanmelding tijdens detentie", "Doorzorg", "Na detentie", "Afgerond"],
        ["Nazorg afgerond", "Overgedragen aan gemeente van vestiging"],
    ),
    DemoZaaktype(
        "10IT-MELDING",
        "Melding risicopersoon",
        "10IT",
        "zaakvertrouwelijk",
        ["Melding ingebeld", "Checklist risicofactoren", "Melders geïnformeerd", "Afgehandeld"],
        ["Monitoring voortgezet", "Opgeschaald naar reguliere procedure"],
        "Frontlijners bellen meldingen in; andere melders over dezelfde cliënt worden "
        "geïnformeerd.",
    ),
    DemoZaaktype(
        "VO-OPVANG",
        "Opvang en huisvesting vluchtelingen",
        "VO2026",
        "vertrouwelijk",
        ["Aangemeld", "In behandeling", "Afgehandeld"],
        ["Gehuisvest", "Doorverwezen naar COA"],
        "Zaaktype van de virtuele afdeling; standaard vertrouwelijk.",
    ),
]

INFORMATIEOBJECTTYPEN = [
    ("Brief", "zaakvertrouwelijk"),
    ("E-mail", "zaakvertrouwelijk"),
    ("Rapportage", "vertrouwelijk"),
    ("Melding", "vertrouwelijk"),
    ("Verslag", "vertrouwelijk"),
]

# username, naam, rollen
GEBRUIKERS = [
    ("beheerder", "Ingrid Hofstede (DIV)", [Gebruikersrol.beheerder]),
    ("medewerker", "Sanne de Vries", [Gebruikersrol.medewerker]),
    ("medewerker2", "Ahmed El Amrani", [Gebruikersrol.medewerker]),
    ("archivaris", "Pieter van Dijk", [Gebruikersrol.archivaris]),
    ("auditor", "Marloes Jansen", [Gebruikersrol.auditor]),
]


def demo_bsns(count: int, start: int = 999990000) -> Iterator[str]:
    """BSNs from the test range that pass the elfproef."""
    found = 0
    candidate = start
    while found < count and candidate <= 999999999:
        value = f"{candidate:09d}"
        if is_valid_bsn(value):
            found += 1
            yield value
        candidate += 1


# -- generated files ------------------------------------------------------------------------


def pdf_bytes(titel: str, regels: list[str]) -> bytes:
    """A real, text-bearing PDF (reportlab's Helvetica covers the Dutch accents)."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle(titel)
    c.setAuthor("Dossierhuis demo")
    c.setFont("Helvetica-Bold", 14)
    c.drawString(72, 780, titel)
    c.setFont("Helvetica", 11)
    y = 750
    for regel in regels:
        if y < 72:
            c.showPage()
            c.setFont("Helvetica", 11)
            y = 780
        c.drawString(72, y, regel)
        y -= 16
    c.showPage()
    c.save()
    return buf.getvalue()


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def docx_bytes(paragrafen: list[str]) -> bytes:
    """A minimal but valid Word document (OOXML), written by hand: no extra dependency."""
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{_xml(p)}</w:t></w:r></w:p>' for p in paragrafen
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>"
        ),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{body}</w:body></w:document>"
        ),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in parts.items():
            zf.writestr(name, content)
    return buf.getvalue()


def email_bytes(
    *, afzender: str, aan: str, onderwerp: str, tekst: str, bijlagen: list[tuple[str, bytes]]
) -> bytes:
    """An RFC 5322 message with PDF attachments, as a mail client would save it (.eml)."""
    message = EmailMessage()
    message["From"] = afzender
    message["To"] = aan
    message["Subject"] = onderwerp
    message["Date"] = format_datetime(datetime.now(UTC) - timedelta(days=2))
    message["Message-ID"] = f"<demo-{secrets.token_hex(8)}@dossierhuis.example>"
    message.set_content(tekst)
    for naam, data in bijlagen:
        message.add_attachment(data, maintype="application", subtype="pdf", filename=naam)
    return bytes(message)


# -- building -------------------------------------------------------------------------------


@dataclass
class _Catalogus:
    afdelingen: dict[str, Afdeling]
    zaaktypen: dict[str, ZaakType]
    iots: dict[str, InformatieObjectType]


def _catalogus(session: Session, actor: User) -> _Catalogus:
    afdelingen = {
        code: catalogus.create_afdeling(session, actor, code=code, naam=naam, virtueel=virtueel)
        for code, naam, virtueel in AFDELINGEN
    }
    zaaktypen = {
        zt.identificatie: catalogus.create_zaaktype(
            session,
            actor,
            identificatie=zt.identificatie,
            omschrijving=zt.omschrijving,
            vertrouwelijkheidaanduiding=zt.vertrouwelijkheidaanduiding,
            statustypen=zt.statustypen,
            resultaattypen=zt.resultaattypen,
            afdeling=afdelingen[zt.afdeling],
            toelichting=zt.toelichting,
        )
        for zt in ZAAKTYPEN
    }
    iots = {
        naam: catalogus.create_informatieobjecttype(
            session, actor, omschrijving=naam, vertrouwelijkheidaanduiding=niveau
        )
        for naam, niveau in INFORMATIEOBJECTTYPEN
    }
    return _Catalogus(afdelingen, zaaktypen, iots)


class _Archief:
    """Files generated content into zaken through the real pipeline."""

    def __init__(self, session: Session, store: BlobStore, max_bytes: int, workdir: Path):
        self.session = session
        self.store = store
        self.max_bytes = max_bytes
        self.workdir = workdir

    def file(
        self,
        actor: User,
        zaak: Zaak,
        bestandsnaam: str,
        data: bytes,
        iot: InformatieObjectType,
        **gegevens,
    ) -> None:
        path = self.workdir / f"{secrets.token_hex(8)}-{bestandsnaam}"
        path.write_bytes(data)
        try:
            file_document(
                self.session,
                actor,
                zaak,
                Upload(path=path, bestandsnaam=bestandsnaam),
                DocumentGegevens(informatieobjecttype=iot, **gegevens),
                store=self.store,
                max_bytes=self.max_bytes,
            )
        finally:
            path.unlink(missing_ok=True)


def _status(session: Session, actor: User, zaak: Zaak, omschrijving: str, toelichting: str):
    statustype = next(s for s in zaak.zaaktype.statustypen if s.omschrijving == omschrijving)
    set_status(session, actor, zaak, statustype_id=statustype.id, toelichting=toelichting)


def _persoon(bsn: str, voornamen: str, geslachtsnaam: str, geboren: date, voorvoegsel=""):
    return BetrokkeneGegevens(
        type=BetrokkeneType.natuurlijk_persoon.value,
        bsn=bsn,
        voornamen=voornamen,
        voorvoegsel=voorvoegsel,
        geslachtsnaam=geslachtsnaam,
        geboortedatum=geboren,
    )


def _organisatie(naam: str, kvk: str = "") -> BetrokkeneGegevens:
    return BetrokkeneGegevens(
        type=BetrokkeneType.niet_natuurlijk_persoon.value, naam=naam, kvk_nummer=kvk
    )


def create_demo(session: Session, store: BlobStore, *, max_bytes: int) -> dict[str, str]:
    """Create the demo catalogue, users, zaken and documents; returns username → password.

    The caller owns the transaction (and decides whether the database is empty enough).
    """
    passwords: dict[str, str] = {}
    accounts: dict[str, User] = {}
    for username, naam, rollen in GEBRUIKERS:
        password = secrets.token_urlsafe(15)
        accounts[username] = users.create_user(
            session,
            None,
            username=username,
            naam=naam,
            password=password,
            roles=[r.value for r in rollen],
            # a reserved domain: the demo never mails anyone real
            email=f"{username}@demo.dossierhuis.invalid",
        )
        passwords[username] = password
    beheerder = accounts["beheerder"]
    sanne = accounts["medewerker"]
    ahmed = accounts["medewerker2"]

    cat = _catalogus(session, beheerder)
    for afdeling in cat.afdelingen.values():
        # Sanne directs the network's cases; Ahmed handles them up to 'vertrouwelijk';
        # the archivist reads metadata across departments for retention work.
        set_member(session, beheerder, afdeling, sanne, rol="regie", clearance="geheim")
        set_member(session, beheerder, afdeling, ahmed, rol="behandelen", clearance="vertrouwelijk")
        set_member(
            session,
            beheerder,
            afdeling,
            accounts["archivaris"],
            rol="lezen",
            clearance="vertrouwelijk",
        )
    # the network signal: a new registration about a person in the Veiligheidshuis or the
    # pilot tells the regisseurs elsewhere, without content, whom to call
    for code, contact in (
        ("ZVH", "Procesregie Zorg- en Veiligheidshuis, 074 123 45 67"),
        ("10IT", "Coördinator 10 in Twente, 10intwente@demo.dossierhuis.invalid"),
    ):
        set_signalering(session, beheerder, cat.afdelingen[code], actief=True, contact=contact)
    bsn = demo_bsns(4)
    jansen = _persoon(next(bsn), "Johannes Pieter", "Jansen", date(1979, 3, 14))
    bakker = _persoon(next(bsn), "Fatima", "Bakker", date(1991, 11, 2))
    berg = _persoon(next(bsn), "Kees", "Berg", date(1968, 7, 23), voorvoegsel="van den")
    visser = _persoon(next(bsn), "Lotte", "Visser", date(2001, 1, 30))
    today = date.today()

    with tempfile.TemporaryDirectory(prefix="dossierhuis-demo-") as tmp:
        archief = _Archief(session, store, max_bytes, Path(tmp))

        # 1. RIEC: a signal on its way to the interventieoverleg.
        riec = open_zaak(
            session,
            sanne,
            zaaktype=cat.zaaktypen["RIEC-SIGNAAL"],
            afdeling=cat.afdelingen["RIEC"],
            omschrijving="Signaal vastgoedtransacties bedrijventerrein De Hoge Weide",
            toelichting="Aangemeld door de gemeente; mogelijk witwassen via vastgoed.",
            startdatum=today - timedelta(days=40),
        )
        add_betrokkene(
            session,
            sanne,
            riec,
            _organisatie("Hoge Weide Vastgoed B.V.", "69599084"),
            rol=Rol.belanghebbende.value,
        )
        add_betrokkene(session, sanne, riec, berg, rol=Rol.belanghebbende.value)
        archief.file(
            sanne,
            riec,
            "aanmeldingsformulier-riec.pdf",
            pdf_bytes(
                "Aanmeldingsformulier RIEC-signaal",
                [
                    "Inbrenger: gemeente, team Openbare Orde en Veiligheid.",
                    "Signaal: opvallende reeks vastgoedtransacties op het bedrijventerrein.",
                    "Toets aan het RIEC-convenant: bestuurlijke aanpak ondermijning.",
                    "Gevraagd: agenderen voor het Informatieplein van donderdag.",
                ],
            ),
            cat.iots["Melding"],
            titel="Aanmeldingsformulier RIEC-signaal",
            richting="inkomend",
        )
        _status(session, sanne, riec, "Informatieplein", "Besloten: inventariseren kansen.")
        _status(session, sanne, riec, "Casusoverleg", "Eerste casusoverleg district Twente.")
        archief.file(
            sanne,
            riec,
            "verslag-casusoverleg.docx",
            docx_bytes(
                [
                    "Verslag eerste casusoverleg",
                    "Aanwezig: gemeente, politie, Belastingdienst, RIEC.",
                    "Informatiepositie beoordeeld; analysevragen opgesteld.",
                    "Voorstel: integraal interventieadvies voorbereiden.",
                ]
            ),
            cat.iots["Verslag"],
            titel="Verslag eerste casusoverleg",
            richting="intern",
        )

        # 2. Zorg- en Veiligheidshuis: a complex case under procesregie, with an e-mail.
        zvh = open_zaak(
            session,
            ahmed,
            zaaktype=cat.zaaktypen["ZVH-CASUS"],
            afdeling=cat.afdelingen["ZVH"],
            omschrijving="Multiprobleemgezin wijk Berflo Es",
            startdatum=today - timedelta(days=21),
        )
        add_betrokkene(session, ahmed, zvh, bakker, rol=Rol.belanghebbende.value)
        add_betrokkene(
            session, ahmed, zvh, _organisatie("Veilig Thuis Twente"), rol=Rol.adviseur.value
        )
        _status(session, ahmed, zvh, "Triage", "Besproken in de wekelijkse triage.")
        _status(session, ahmed, zvh, "Procesregie", "Procesregisseur aangewezen.")
        archief.file(
            ahmed,
            zvh,
            "uitnodiging-rondetafeloverleg.eml",
            email_bytes(
                afzender="Procesregie ZVH <procesregie@zvh.example>",
                aan="Partners casus <partners@zvh.example>",
                onderwerp="Uitnodiging rondetafeloverleg",
                tekst=(
                    "Beste partners,\n\nHierbij de uitnodiging voor het rondetafeloverleg "
                    "van donderdag. In de bijlage vindt u het plan van aanpak.\n\n"
                    "Met vriendelijke groet,\nProcesregie Zorg- en Veiligheidshuis\n"
                ),
                bijlagen=[
                    (
                        "plan-van-aanpak.pdf",
                        pdf_bytes(
                            "Plan van aanpak",
                            [
                                "Doel: zorg borgen bij de betrokken partners.",
                                "Leefgebieden: wonen, schulden, opvoeding, gezondheid.",
                                "Afspraken: één gezin, één plan, één regisseur.",
                            ],
                        ),
                    )
                ],
            ),
            cat.iots["E-mail"],
            richting="uitgaand",
        )

        # 3. 10 in Twente: a reported client, two reports from different front-liners.
        twente = open_zaak(
            session,
            sanne,
            zaaktype=cat.zaaktypen["10IT-MELDING"],
            afdeling=cat.afdelingen["10IT"],
            omschrijving="Overlast en verward gedrag centrum Hengelo",
            startdatum=today - timedelta(days=10),
        )
        add_betrokkene(session, sanne, twente, jansen, rol=Rol.belanghebbende.value)
        add_betrokkene(session, sanne, twente, _organisatie("Mediant GGZ"), rol=Rol.adviseur.value)
        # the second report is Ahmed's: Sanne, who registered the first, is told of it
        for nummer, (melder, door) in enumerate(
            [("wijkagent", sanne), ("woningcorporatie", ahmed)], 1
        ):
            archief.file(
                door,
                twente,
                f"melding-{nummer}-{melder}.pdf",
                pdf_bytes(
                    f"Telefonische melding {nummer}",
                    [
                        f"Melder: {melder}.",
                        "Checklist risicofactoren: middelengebruik, dreigend gedrag, zorgmijding.",
                        "Andere melders over dezelfde cliënt zijn geïnformeerd.",
                    ],
                ),
                cat.iots["Melding"],
                titel=f"Telefonische melding {nummer} ({melder})",
                richting="inkomend",
            )
        _status(session, sanne, twente, "Checklist risicofactoren", "Checklist ingevuld.")

        # 4. Virtual department: an urgent outgoing letter.
        opvang = open_zaak(
            session,
            ahmed,
            zaaktype=cat.zaaktypen["VO-OPVANG"],
            afdeling=cat.afdelingen["VO2026"],
            omschrijving="Bewonersbrief tijdelijke opvanglocatie sporthal",
        )
        add_betrokkene(session, ahmed, opvang, _organisatie("COA"), rol=Rol.belanghebbende.value)
        archief.file(
            ahmed,
            opvang,
            "bewonersbrief-opvanglocatie.pdf",
            pdf_bytes(
                "Bewonersbrief tijdelijke opvang",
                [
                    "Beste bewoners,",
                    "Vanaf volgende week vangen wij tijdelijk vluchtelingen op in de sporthal.",
                    "Op donderdagavond is er een informatiebijeenkomst in het wijkcentrum.",
                    "Met vriendelijke groet, het college van burgemeester en wethouders",
                ],
            ),
            cat.iots["Brief"],
            titel="Bewonersbrief tijdelijke opvanglocatie",
            richting="uitgaand",
            status="definitief",
        )

        # 5. Nazorg, finished and closed with a result.
        nazorg = open_zaak(
            session,
            ahmed,
            zaaktype=cat.zaaktypen["ZVH-NAZORG"],
            afdeling=cat.afdelingen["ZVH"],
            omschrijving="Nazorg na detentie, terugkeer naar Almelo",
            startdatum=today - timedelta(days=90),
        )
        add_betrokkene(session, ahmed, nazorg, visser, rol=Rol.belanghebbende.value)
        _status(session, ahmed, nazorg, "Doorzorg", "Huisvesting en inkomen geregeld.")
        _status(session, ahmed, nazorg, "Na detentie", "Eerste gesprek na vrijlating.")
        archief.file(
            ahmed,
            nazorg,
            "rapportage-nazorg.pdf",
            pdf_bytes(
                "Rapportage nazorg",
                [
                    "Leefgebieden: identiteitsbewijs, huisvesting, inkomen, schulden, zorg.",
                    "Alle leefgebieden zijn geregeld; het risico op terugval is laag.",
                ],
            ),
            cat.iots["Rapportage"],
            titel="Rapportage nazorg",
            richting="intern",
            status="definitief",
        )
        resultaat = nazorg.zaaktype.resultaattypen[0]
        close_zaak(
            session,
            ahmed,
            nazorg,
            resultaattype_id=resultaat.id,
            toelichting="Nazorg afgerond, overgedragen aan het wijkteam.",
        )

    session.flush()
    return passwords
