"""Word lists, names and the catalogue of the synthetic municipality (``archive.generator``).

Everything here is fictional and fixed: the vocabulary the document texts are drawn from
(real Dutch words, ordered roughly by how common they are, plus compounds of the nouns for
a long tail of rare words, as Dutch has), first names and surnames, partner
organisations, and the catalogue document (``dossierhuis-catalogus`` versie 1) with the
departments and generic zaaktypen that the templates (``zaaktypen.sjablonen``) do not
bring. Retention comes from real selectielijst 2020 classes, so the archiefactiedatum of
a generated zaak is what the real rules give.
"""

from __future__ import annotations

from datetime import date

# -- vocabulary -------------------------------------------------------------------------------


def _woorden(tekst: str) -> list[str]:
    return tekst.split()


FUNCTIEWOORDEN = _woorden(
    """
de het een en van in is op te dat die niet met voor zijn aan er ook als door om bij
naar wordt worden heeft hebben over uit of maar nog dan wel geen deze dit zij hij we
ze wij kan kunnen moet moeten zal zullen na onder tussen zonder tegen al meer zeer veel
waar wanneer omdat waarbij waarin hierover daarom daarnaast inmiddels vervolgens echter
tevens reeds verder alleen nu toen sinds tot binnen volgens via per circa ongeveer
"""
)

WERKWOORDEN = _woorden(
    """
besproken afgesproken gemeld ontvangen besloten vastgesteld onderzocht geïnformeerd
opgeschaald doorverwezen aangemeld afgerond gestart ingezet toegelicht aangegeven
gesignaleerd geconstateerd uitgevoerd verstrekt aangevraagd beoordeeld gecontroleerd
toegezegd opgesteld verzonden aangeleverd ingediend geweigerd toegekend ingetrokken
verlengd beëindigd opgenomen overgedragen teruggekoppeld geregistreerd gedeeld
afgestemd geadviseerd begeleid ondersteund bezocht gesproken gebeld gemaild uitgenodigd
voorbereid geëvalueerd gemonitord bijgesteld aangepast vastgelegd toegevoegd gewijzigd
ontstaan voorgekomen toegenomen afgenomen verbeterd verslechterd gestabiliseerd
aanvragen beoordelen bespreken melden onderzoeken informeren afstemmen begeleiden
ondersteunen bezoeken controleren registreren evalueren monitoren adviseren opschalen
doorverwijzen afronden starten inzetten toelichten aangeven signaleren constateren
uitvoeren verstrekken indienen weigeren toekennen intrekken verlengen beëindigen
blijkt lijkt geeft neemt komt gaat staat ligt houdt krijgt vraagt wil weet ziet vindt
laat zegt maakt zoekt blijft werkt woont helpt betaalt ontvangt meldt verwacht
"""
)

BIJVOEGLIJK = _woorden(
    """
nieuwe eerste tweede derde laatste volgende vorige huidige lopende openstaande
complex complexe urgent urgente zorgelijk zorgelijke stabiel stabiele ernstig ernstige
beperkt beperkte voldoende onvoldoende duidelijk duidelijke onduidelijk mogelijk
mogelijke noodzakelijk noodzakelijke passend passende tijdelijk tijdelijke structureel
structurele financieel financiële juridisch juridische psychisch psychische sociaal
sociale maatschappelijk maatschappelijke integraal integrale gezamenlijk gezamenlijke
betrokken betrokkene bekend bekende onbekend onbekende relevant relevante aanvullend
aanvullende schriftelijk schriftelijke telefonisch telefonische persoonlijk
persoonlijke vertrouwelijk vertrouwelijke spoedig snel direct tijdig hoog hoge laag
lage groot grote klein kleine lang lange kort korte goed goede slecht slechte
"""
)

ZELFSTANDIG = _woorden(
    """
gemeente bewoner bewoners woning woningen melding meldingen overlast zorg veiligheid
politie wijkagent jeugd gezin gezinnen school scholen schulden schuld hulpverlening
verslaving wijk buurt team casus casussen overleg regie signaal signalen ondermijning
drugs hennepkwekerij bedrijf bedrijven vergunning vergunningen horeca sluiting bestuur
dossier rapportage verslag advies besluit bezwaar huur huurder verhuurder eigenaar pand
panden adres inschrijving afspraak afspraken traject nazorg detentie reclassering
officier justitie zitting inkomen uitkering toeslag kind kinderen ouder ouders
leerplicht geweld incident incidenten escalatie risico risico's screening triage
partner partners netwerk aanvraag aanvragen beschikking voorziening voorzieningen
indicatie huishouden begeleiding dagbesteding mantelzorg mantelzorger budget
schuldeiser schuldeisers bewindvoering beslag betalingsachterstand huurachterstand
energierekening zorgverzekering premie aflossing regeling minnelijk traject
werkgever werk baan opleiding stage re-integratie participatie bijstand
aanvrager verzoek verzoeken klacht klachten klager hoorzitting ombudsman uitspraak
termijn termijnen datum week maand jaar periode moment gesprek gesprekken huisbezoek
contact contactmoment telefoongesprek e-mail brief brieven formulier bijlage
document documenten gegevens informatie toelichting onderbouwing conclusie
aanbeveling aanbevelingen plan aanpak doel doelen resultaat resultaten evaluatie
voortgang stand situatie omstandigheden achtergrond aanleiding oorzaak gevolg
gevolgen maatregel maatregelen interventie interventies handhaving toezicht controle
overtreding last dwangsom boete waarschuwing vooraankondiging zienswijze sanctie
openbare orde evenement evenementen vergunninghouder exploitant terras alcohol
geluid geluidsoverlast stankoverlast vervuiling afval parkeren verkeer straat
straten speeltuin park groen boom bomen riolering wateroverlast lekkage schade
reparatie onderhoud herstel aannemer opdracht offerte factuur betaling kosten
bedrag bedragen begroting subsidie financiering middelen capaciteit personeel
medewerker medewerkers collega collega's leidinggevende coördinator casusregisseur
procesregisseur jeugdconsulent wijkcoach consulent consulenten hulpverlener
hulpverleners behandelaar huisarts ggz-instelling woningcorporatie jeugdzorg
gezinsvoogd raad kinderbescherming veilig thuis opvang opvanglocatie vluchtelingen
statushouders huisvesting inburgering taal taalcursus tolk vrijwilliger vrijwilligers
buurtbewoners omwonenden wijkcentrum bijeenkomst informatieavond raadsvergadering
college wethouder burgemeester raadslid commissie agenda notulen besluitenlijst
beleid beleidsregel verordening wet artikel lid bepaling procedure werkwijze
protocol convenant privacy persoonsgegevens toestemming grondslag verwerking
archief archivering bewaartermijn vernietiging selectielijst inventarisatie
registratie systeem applicatie koppeling overzicht lijst tabel analyse onderzoek
rapport bevindingen zorgen signalering vroegsignalering preventie ondersteuning
hulpvraag hulpvragen behoefte behoeften mogelijkheden belemmeringen knelpunten
verwachting verwachtingen afweging keuze keuzes uitkomst uitkomsten oplossing
"""
)

PLAATSEN = _woorden(
    """
Almelo Borne Dinkelland Enschede Haaksbergen Hellendoorn Hengelo Hof-van-Twente
Losser Oldenzaal Rijssen Tubbergen Twenterand Wierden Deventer Zwolle Kampen Raalte
Ommen Hardenberg Dalfsen Steenwijk Olst Goor Delden Vriezenveen Nijverdal Markelo
"""
)

STRAATDELEN = _woorden(
    """
Berken Eiken Linden Wilgen Iepen Kastanje Beuken Esdoorn Rozen Tulpen Narcissen
Molen Kerk School Dorps Markt Haven Spoor Station Veld Hof Brink Es Kamp Hoeve
Zuider Noorder Ooster Wester Nieuwe Oude Lange Korte Hoge Lage Boer Smid Bakker
"""
)
STRAATSOORTEN = ("straat", "laan", "weg", "plein", "hof", "singel", "dijk", "pad", "steeg")

MAANDEN = _woorden(
    "januari februari maart april mei juni juli augustus september oktober november december"
)

VOORNAMEN = _woorden(
    """
Jan Piet Kees Henk Gerrit Willem Johan Hans Bert Marco Dennis Mark Thijs Daan Bram
Sem Lucas Noah Milan Luuk Jesse Finn Mohammed Ahmed Youssef Ayoub Omar Mehmet Emre
Burak Hakan Ali Kofi Dimitri Tomasz Pawel Jeroen Ruud Sander Wouter Rik Joost
Anna Emma Julia Sophie Lotte Sanne Eva Fleur Lisa Iris Noor Saar Tess Zoë Lieke
Anouk Femke Marieke Ingrid Petra Monique Linda Karin Annemiek Wilma Gerda Truus
Fatima Khadija Samira Nadia Leila Aylin Elif Zeynep Esra Maria Agnieszka Olena
"""
)

# (voorvoegsel, geslachtsnaam)
ACHTERNAMEN = [
    ("de", "Jong"),
    ("", "Jansen"),
    ("de", "Vries"),
    ("van den", "Berg"),
    ("van", "Dijk"),
    ("", "Bakker"),
    ("", "Janssen"),
    ("", "Visser"),
    ("", "Smit"),
    ("", "Meijer"),
    ("de", "Boer"),
    ("", "Mulder"),
    ("de", "Groot"),
    ("", "Bos"),
    ("", "Vos"),
    ("", "Peters"),
    ("", "Hendriks"),
    ("van", "Leeuwen"),
    ("", "Dekker"),
    ("", "Brouwer"),
    ("de", "Wit"),
    ("", "Dijkstra"),
    ("", "Smits"),
    ("de", "Graaf"),
    ("van der", "Meer"),
    ("van der", "Linden"),
    ("", "Kok"),
    ("", "Jacobs"),
    ("de", "Haan"),
    ("", "Vermeulen"),
    ("van den", "Heuvel"),
    ("van der", "Veen"),
    ("van den", "Broek"),
    ("de", "Bruijn"),
    ("de", "Bruin"),
    ("van der", "Heijden"),
    ("", "Schouten"),
    ("van", "Beek"),
    ("", "Willems"),
    ("van", "Vliet"),
    ("van de", "Ven"),
    ("", "Hoekstra"),
    ("", "Maas"),
    ("", "Verhoeven"),
    ("", "Koster"),
    ("van", "Dam"),
    ("van der", "Wal"),
    ("", "Prins"),
    ("", "Blom"),
    ("", "Huisman"),
    ("", "Peeters"),
    ("de", "Lange"),
    ("", "Kuipers"),
    ("van", "Wijk"),
    ("", "Postma"),
    ("", "Kuiper"),
    ("", "Veenstra"),
    ("", "Kramer"),
    ("van den", "Brink"),
    ("", "Scholten"),
    ("van", "Wijngaarden"),
    ("", "Martens"),
    ("", "Vink"),
    ("", "Evers"),
    ("ter", "Horst"),
    ("ten", "Brinke"),
    ("", "Nijhuis"),
    ("", "Oude Nijhuis"),
    ("", "Lammertink"),
    ("", "Wolters"),
    ("", "Kamphuis"),
    ("", "Hofstede"),
    ("", "Yilmaz"),
    ("", "Kaya"),
    ("", "Demir"),
    ("", "Öztürk"),
    ("", "Çelik"),
    ("El", "Amrani"),
    ("El", "Idrissi"),
    ("", "Bouzid"),
    ("", "Benali"),
    ("", "Haddou"),
    ("", "Nowak"),
    ("", "Kowalski"),
    ("", "Mensah"),
    ("", "Asante"),
    ("", "Nguyen"),
    ("", "Pinas"),
    ("", "Sedney"),
    ("", "Tahiri"),
]

# naam, KvK-nummer (fictional, eight digits)
ORGANISATIES = [
    ("Veilig Thuis Twente", "61234501"),
    ("Mediant GGZ", "61234502"),
    ("Dimence Groep", "61234503"),
    ("Tactus Verslavingszorg", "61234504"),
    ("Woningcorporatie De Woonplaats", "61234505"),
    ("Woningstichting Domijn", "61234506"),
    ("Reclassering Nederland", "61234507"),
    ("Leger des Heils Oost", "61234508"),
    ("Humanitas Twente", "61234509"),
    ("COA locatie Almelo", "61234510"),
    ("Jeugdbescherming Overijssel", "61234511"),
    ("Raad voor de Kinderbescherming", "61234512"),
    ("Politie Oost-Nederland", "61234513"),
    ("Openbaar Ministerie Oost-Nederland", "61234514"),
    ("Belastingdienst regio Oost", "61234515"),
    ("Sociale Dienst Twente", "61234516"),
    ("Stadsbank Oost Nederland", "61234517"),
    ("Kredietbank Twente", "61234518"),
    ("Buurtzorg Twente", "61234519"),
    ("Huisartsenpraktijk De Esch", "61234520"),
    ("Basisschool De Regenboog", "61234521"),
    ("ROC van Twente", "61234522"),
    ("Vluchtelingenwerk Oost", "61234523"),
    ("Stichting Present", "61234524"),
    ("Eetcafé De Pijp B.V.", "61234525"),
    ("Bouwbedrijf Ter Haar B.V.", "61234526"),
    ("Autobedrijf Oldenzaal B.V.", "61234527"),
    ("Vastgoed Hoge Weide B.V.", "61234528"),
    ("Schoonmaakbedrijf Glans B.V.", "61234529"),
    ("Evenementenbureau Twente", "61234530"),
]

# -- the catalogue ----------------------------------------------------------------------------

ALLE_FORMATEN = []  # empty: the whole allow-list of the ingest pipeline (text/plain too)
TEKST_EN_PDF = ["text/plain", "application/pdf"]
PDF_EN_OFFICE = [
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
]


def _iot(omschrijving: str, niveau: str, categorie: str, formaten=ALLE_FORMATEN) -> dict:
    return {
        "omschrijving": omschrijving,
        "vertrouwelijkheidaanduiding": niveau,
        "categorie": categorie,
        "toegestane_formaten": list(formaten),
    }


INFORMATIEOBJECTTYPEN = [
    _iot("Klachtbrief", "zaakvertrouwelijk", "Brief"),
    _iot("Afhandelingsbrief klacht", "zaakvertrouwelijk", "Brief", PDF_EN_OFFICE),
    _iot("Verslag hoorzitting", "zaakvertrouwelijk", "Verslag"),
    _iot("Woo-verzoek", "intern", "Verzoek"),
    _iot("Woo-besluit", "openbaar", "Besluit", PDF_EN_OFFICE),
    _iot("Inventarislijst Woo", "intern", "Lijst"),
    _iot("Controlerapport", "zaakvertrouwelijk", "Rapport"),
    _iot("Vooraankondiging handhaving", "zaakvertrouwelijk", "Brief", PDF_EN_OFFICE),
    _iot("Zienswijze", "zaakvertrouwelijk", "Brief"),
    _iot("Handhavingsbesluit", "zaakvertrouwelijk", "Besluit", PDF_EN_OFFICE),
    _iot("Aanvraagformulier Wmo", "vertrouwelijk", "Formulier"),
    _iot("Gespreksverslag keukentafelgesprek", "vertrouwelijk", "Verslag"),
    _iot("Beschikking Wmo", "vertrouwelijk", "Besluit", PDF_EN_OFFICE),
    _iot("Aanmelding schuldhulpverlening", "vertrouwelijk", "Formulier"),
    _iot("Schuldenoverzicht", "vertrouwelijk", "Overzicht"),
    _iot("Plan van aanpak schulden", "vertrouwelijk", "Plan"),
    _iot("Inkomende brief", "intern", "Brief"),
    _iot("Uitgaande brief", "intern", "Brief", PDF_EN_OFFICE),
    _iot("E-mailbericht", "intern", "E-mail", TEKST_EN_PDF),
    _iot("Verslag leerplichtgesprek", "vertrouwelijk", "Verslag"),
    _iot("Proces-verbaal leerplicht", "vertrouwelijk", "Proces-verbaal", PDF_EN_OFFICE),
    _iot("Melding openbare ruimte", "openbaar", "Melding", TEKST_EN_PDF),
    _iot("Werkopdracht", "intern", "Opdracht"),
    _iot("Jeugdhulpplan", "vertrouwelijk", "Plan"),
    _iot("Verslag gezinsgesprek", "vertrouwelijk", "Verslag"),
]


def _resultaat(omschrijving: str, klasse: str, toelichting: str = "") -> dict:
    return {"omschrijving": omschrijving, "selectielijstklasse": klasse, "toelichting": toelichting}


def _zaaktype(
    identificatie: str,
    omschrijving: str,
    niveau: str,
    procestype: int,
    doorlooptijd: str,
    statustypen: list[str],
    resultaattypen: list[dict],
    roltypen: list[tuple[str, str]],
    documenttypen: list[tuple[str, str]],
    eigenschappen: list[dict] | None = None,
) -> dict:
    return {
        "identificatie": identificatie,
        "versie": 1,
        "concept": False,
        "datum_begin_geldigheid": date(2000, 1, 1).isoformat(),
        "omschrijving": omschrijving,
        "vertrouwelijkheidaanduiding": niveau,
        "selectielijst_procestype": procestype,
        "doorlooptijd": doorlooptijd,
        "statustypen": [{"omschrijving": s} for s in statustypen],
        "resultaattypen": resultaattypen,
        "roltypen": [{"omschrijving": o, "omschrijving_generiek": g} for o, g in roltypen],
        "eigenschappen": eigenschappen or [],
        "informatieobjecttypen": [{"omschrijving": o, "richting": r} for o, r in documenttypen],
    }


GENERIEKE_ZAAKTYPEN = [
    _zaaktype(
        "KLACHT",
        "Klachtbehandeling",
        "zaakvertrouwelijk",
        13,
        "P6W",
        ["Ontvangen", "In behandeling", "Hoorzitting", "Afgehandeld"],
        [
            _resultaat("Klacht afgehandeld", "13.1"),
            _resultaat("Niet ontvankelijk", "13.1.4"),
            _resultaat("Afgehandeld via de ombudsman", "13.1.2"),
            _resultaat("Klacht ingetrokken", "13.2"),
        ],
        [("Klager", "initiator"), ("Klachtbehandelaar", "behandelaar")],
        [
            ("Klachtbrief", "inkomend"),
            ("Verslag hoorzitting", "intern"),
            ("Afhandelingsbrief klacht", "uitgaand"),
            ("E-mailbericht", "inkomend"),
        ],
    ),
    _zaaktype(
        "WOO-VERZOEK",
        "Verzoek om informatie (Woo)",
        "intern",
        6,
        "P4W",
        ["Ontvangen", "Inventarisatie", "Zienswijzen gevraagd", "Besluit genomen"],
        [
            _resultaat("Informatie verstrekt", "6.1.3"),
            _resultaat("Verzoek afgewezen", "6.2"),
            _resultaat("Verzoek ingetrokken", "6.3"),
        ],
        [("Verzoeker", "initiator"), ("Woo-coördinator", "behandelaar")],
        [
            ("Woo-verzoek", "inkomend"),
            ("Inventarislijst Woo", "intern"),
            ("Woo-besluit", "uitgaand"),
            ("E-mailbericht", "uitgaand"),
        ],
    ),
    _zaaktype(
        "HANDHAVING",
        "Toezicht en handhaving",
        "zaakvertrouwelijk",
        12,
        "P3M",
        ["Signaal ontvangen", "Controle", "Vooraankondiging", "Zienswijze", "Afgerond"],
        [
            _resultaat("Toezicht uitgevoerd, geen overtreding", "12.1"),
            _resultaat("Last onder dwangsom opgelegd", "12.2"),
            _resultaat("Bestuurlijke boete opgelegd", "12.2.5"),
            _resultaat("Afgebroken", "12.3"),
        ],
        [
            ("Melder", "initiator"),
            ("Toezichthouder", "behandelaar"),
            ("Overtreder", "belanghebbende"),
        ],
        [
            ("Controlerapport", "intern"),
            ("Vooraankondiging handhaving", "uitgaand"),
            ("Zienswijze", "inkomend"),
            ("Handhavingsbesluit", "uitgaand"),
        ],
        [
            {
                "naam": "soort_overtreding",
                "formaat": "keuze",
                "verplicht": True,
                "waardenverzameling": ["bouwen zonder vergunning", "APV", "horeca", "milieu"],
            }
        ],
    ),
    _zaaktype(
        "VOORZIENING-WMO",
        "Aanvraag maatwerkvoorziening Wmo",
        "vertrouwelijk",
        8,
        "P8W",
        ["Melding ontvangen", "Keukentafelgesprek", "Onderzoek", "Besluit"],
        [
            _resultaat("Voorziening verstrekt", "8.1"),
            _resultaat("Voorziening geweigerd", "8.2"),
            _resultaat("Aanvraag afgebroken", "8.4"),
        ],
        [("Aanvrager", "belanghebbende"), ("Wmo-consulent", "behandelaar")],
        [
            ("Aanvraagformulier Wmo", "inkomend"),
            ("Gespreksverslag keukentafelgesprek", "intern"),
            ("Beschikking Wmo", "uitgaand"),
        ],
        [
            {
                "naam": "voorziening",
                "formaat": "keuze",
                "verplicht": True,
                "waardenverzameling": [
                    "huishoudelijke ondersteuning",
                    "begeleiding",
                    "dagbesteding",
                    "woonvoorziening",
                    "vervoersvoorziening",
                ],
            }
        ],
    ),
    _zaaktype(
        "SCHULDHULP",
        "Schuldhulpverlening",
        "vertrouwelijk",
        5,
        "P1Y",
        ["Aanmelding", "Intake", "Stabilisatie", "Schuldregeling", "Afgerond"],
        [
            _resultaat("Schuldregeling tot stand gekomen", "5.1"),
            _resultaat("Geen schuldregeling mogelijk", "5.3"),
            _resultaat("Traject afgebroken", "5.4"),
        ],
        [("Schuldenaar", "belanghebbende"), ("Schuldhulpverlener", "behandelaar")],
        [
            ("Aanmelding schuldhulpverlening", "inkomend"),
            ("Schuldenoverzicht", "intern"),
            ("Plan van aanpak schulden", "intern"),
            ("Uitgaande brief", "uitgaand"),
        ],
    ),
    _zaaktype(
        "CORRESPONDENTIE",
        "Algemene correspondentie",
        "intern",
        19,
        "P2W",
        ["Ontvangen", "In behandeling", "Afgehandeld"],
        [
            _resultaat("Verwerkt", "19.1"),
            _resultaat("Niet verwerkt", "19.2"),
            _resultaat("Afgebroken", "19.3"),
        ],
        [("Afzender", "initiator"), ("Behandelaar", "behandelaar")],
        [
            ("Inkomende brief", "inkomend"),
            ("Uitgaande brief", "uitgaand"),
            ("E-mailbericht", "inkomend"),
        ],
    ),
    _zaaktype(
        "LEERPLICHT",
        "Leerplichtonderzoek",
        "vertrouwelijk",
        12,
        "P3M",
        ["Verzuimmelding", "Gesprek", "Onderzoek", "Afgerond"],
        [
            _resultaat("Leerplicht gehandhaafd", "12.1.3"),
            _resultaat("Onderzoek afgebroken", "12.3"),
        ],
        [("Leerling", "belanghebbende"), ("Leerplichtambtenaar", "behandelaar")],
        [
            ("Verslag leerplichtgesprek", "intern"),
            ("Proces-verbaal leerplicht", "uitgaand"),
            ("Inkomende brief", "inkomend"),
        ],
    ),
    _zaaktype(
        "MELDING-OPENBARE-RUIMTE",
        "Melding openbare ruimte",
        "openbaar",
        15,
        "P2W",
        ["Gemeld", "Ingepland", "Uitgevoerd"],
        [
            _resultaat("Hersteld", "15.1"),
            _resultaat("Niet uitgevoerd", "15.2"),
            _resultaat("Melding vervallen", "15.3"),
        ],
        [("Melder", "initiator"), ("Wijkbeheerder", "behandelaar")],
        [("Melding openbare ruimte", "inkomend"), ("Werkopdracht", "intern")],
    ),
    _zaaktype(
        "JEUGDHULP",
        "Toegang jeugdhulp",
        "vertrouwelijk",
        8,
        "P8W",
        ["Aanmelding", "Gezinsgesprek", "Jeugdhulpplan", "Besluit"],
        [
            _resultaat("Jeugdhulp toegekend", "8.1"),
            _resultaat("Jeugdhulp geweigerd", "8.2"),
            _resultaat("Aanmelding afgebroken", "8.4"),
        ],
        [("Jeugdige", "belanghebbende"), ("Jeugdconsulent", "behandelaar"), ("Ouder", "initiator")],
        [
            ("Verslag gezinsgesprek", "intern"),
            ("Jeugdhulpplan", "intern"),
            ("Uitgaande brief", "uitgaand"),
        ],
    ),
]


# code, naam, virtual, default confidentiality, zaken weight, (zaaktype, weight)…
EIGEN_AFDELINGEN = [
    (
        "WIJKTEAM-NOORD",
        "Sociaal wijkteam Noord",
        False,
        None,
        10,
        [("VOORZIENING-WMO", 4), ("JEUGDHULP", 3), ("SCHULDHULP", 2), ("CORRESPONDENTIE", 1)],
    ),
    (
        "WIJKTEAM-ZUID",
        "Sociaal wijkteam Zuid",
        False,
        None,
        9,
        [("VOORZIENING-WMO", 4), ("JEUGDHULP", 3), ("SCHULDHULP", 2), ("CORRESPONDENTIE", 1)],
    ),
    (
        "JEUGD",
        "Jeugd en gezin",
        False,
        "vertrouwelijk",
        8,
        [("JEUGDHULP", 6), ("CORRESPONDENTIE", 1)],
    ),
    (
        "WMO",
        "Wmo en maatschappelijke ondersteuning",
        False,
        None,
        8,
        [("VOORZIENING-WMO", 8), ("KLACHT", 1), ("CORRESPONDENTIE", 1)],
    ),
    (
        "SCHULD",
        "Schuldhulpverlening",
        False,
        "vertrouwelijk",
        6,
        [("SCHULDHULP", 8), ("CORRESPONDENTIE", 1)],
    ),
    (
        "WERK-INKOMEN",
        "Werk en inkomen",
        False,
        None,
        7,
        [("CORRESPONDENTIE", 3), ("KLACHT", 1), ("SCHULDHULP", 1)],
    ),
    (
        "LEERPLICHT",
        "Leerplicht en RMC",
        False,
        None,
        4,
        [("LEERPLICHT", 6), ("CORRESPONDENTIE", 1)],
    ),
    (
        "OOV",
        "Openbare orde en veiligheid",
        False,
        None,
        4,
        [("HANDHAVING", 3), ("CORRESPONDENTIE", 2), ("WOO-VERZOEK", 1)],
    ),
    ("HANDHAVING", "Toezicht en handhaving", False, None, 6, [("HANDHAVING", 6), ("KLACHT", 1)]),
    (
        "VERGUNNINGEN",
        "Vergunningen en bijzondere wetten",
        False,
        None,
        4,
        [("CORRESPONDENTIE", 2), ("HANDHAVING", 1), ("WOO-VERZOEK", 1)],
    ),
    ("BURGERZAKEN", "Burgerzaken", False, None, 5, [("CORRESPONDENTIE", 4), ("KLACHT", 1)]),
    (
        "KCC",
        "Klantcontactcentrum",
        False,
        None,
        8,
        [("MELDING-OPENBARE-RUIMTE", 6), ("CORRESPONDENTIE", 2), ("KLACHT", 1)],
    ),
    (
        "JURIDISCH",
        "Juridische zaken, bezwaar en klachten",
        False,
        None,
        3,
        [("KLACHT", 4), ("WOO-VERZOEK", 3)],
    ),
    (
        "BESTUUR",
        "Bestuursondersteuning",
        False,
        None,
        2,
        [("WOO-VERZOEK", 2), ("CORRESPONDENTIE", 2)],
    ),
    (
        "WATEROVERLAST",
        "Calamiteit wateroverlast",
        True,
        "intern",
        1,
        [("MELDING-OPENBARE-RUIMTE", 4), ("CORRESPONDENTIE", 2), ("KLACHT", 1)],
    ),
]

# The departments made from the ready-made templates: template, code, naam, zaken weight,
# and for a virtual one its start (years before today) and planned end (years after).
SJABLOON_AFDELINGEN = [
    ("zorg-en-veiligheidshuis", "ZVH", "Zorg- en Veiligheidshuis Twente", 7, None),
    ("riec-signaalaanpak", "RIEC", "RIEC Oost-Nederland", 2, None),
    ("tien-in-twente", "10IT", "Pilot 10 in Twente", 1, (3, 1)),
    ("veiligheidsstrategie-themaproject", "THEMA", "Thema-project woninginbraken", 1, (2, 1)),
    ("vluchtelingenopvang", "VO", "Vluchtelingenopvang", 2, (3, 2)),
]
SJABLOON_RETENTIE_BESLUIT = "Besluit college B&W 2023/117 (uitzondering van vernietiging)"


def catalogus_document(calamiteit_start: date, calamiteit_einde: date) -> dict:
    """The catalogue of the departments that no template brings, in the exchange format
    (imported through ``zaaktypen.uitwisseling``, so the catalogue rules and the audit
    trail apply)."""
    afdelingen = []
    for code, naam, virtueel, niveau, _gewicht, zaaktypen in EIGEN_AFDELINGEN:
        afdelingen.append(
            {
                "code": code,
                "naam": naam,
                "virtueel": virtueel,
                "doel": f"Synthetische afdeling: {naam.lower()}.",
                "startdatum": calamiteit_start.isoformat() if virtueel else None,
                "geplande_einddatum": calamiteit_einde.isoformat() if virtueel else None,
                "vertrouwelijkheidaanduiding": niveau,
                "generieke_zaaktypen": sorted({ident for ident, _ in zaaktypen}),
            }
        )
    return {
        "formaat": "dossierhuis-catalogus",
        "versie": 1,
        "informatieobjecttypen": INFORMATIEOBJECTTYPEN,
        "zaaktypen": GENERIEKE_ZAAKTYPEN,
        "afdelingen": afdelingen,
    }
