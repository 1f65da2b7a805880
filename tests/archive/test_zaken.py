from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from archive import zaken
from archive.audit import AuditEvent
from archive.errors import Conflict, Forbidden, NotFound, ValidationFailed
from archive.models import Betrokkene, SearchOutbox
from archive.zaken import BetrokkeneGegevens, ZaakFilter
from tests import factories


def test_open_zaak_takes_defaults_and_first_status(db, world):
    zaak = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=world.zaaktype,
        afdeling=world.afdeling,
        omschrijving="Melding overlast",
    )
    assert zaak.identificatie.startswith(f"ZAAK-{date.today().year}-")
    assert len(zaak.identificatie.rsplit("-", 1)[1]) == 10
    assert zaak.vertrouwelijkheidaanduiding == world.zaaktype.vertrouwelijkheidaanduiding
    assert zaak.huidige_status.statustype.volgnummer == 1
    assert zaak.registratiedatum == date.today()
    events = db.scalars(select(AuditEvent).where(AuditEvent.zaak_id == zaak.id)).all()
    assert [e.actie for e in events] == ["zaak.aangemaakt"]
    assert events[0].user_id == world.medewerker.id
    assert (
        db.scalar(
            select(func.count())
            .select_from(SearchOutbox)
            .where(SearchOutbox.object_type == "zaak", SearchOutbox.object_id == zaak.id)
        )
        == 1
    )


def test_identificaties_are_sequential_and_unique(db, world):
    numbers = [
        factories.make_zaak(
            db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling
        ).identificatie
        for _ in range(3)
    ]
    tails = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert tails == sorted(tails) and len(set(tails)) == 3
    assert tails[2] - tails[0] == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"omschrijving": ""}, "omschrijving"),
        ({"omschrijving": "x" * 201}, "omschrijving"),
        ({"startdatum": date.today() + timedelta(days=1)}, "startdatum"),
        ({"vertrouwelijkheidaanduiding": "superheimelijk"}, "vertrouwelijkheidaanduiding"),
    ],
)
def test_open_zaak_refuses_bad_input_with_field_message(db, world, kwargs, field):
    args = {"omschrijving": "Geldig"} | kwargs
    with pytest.raises(ValidationFailed) as info:
        zaken.open_zaak(
            db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling, **args
        )
    assert field in info.value.errors
    assert info.value.errors[field][0]


def test_zaaktype_of_other_department_is_refused(db, world):
    eigen = factories.make_zaaktype(db, afdeling=world.andere_afdeling)
    with pytest.raises(ValidationFailed) as info:
        zaken.open_zaak(
            db, world.medewerker, zaaktype=eigen, afdeling=world.afdeling, omschrijving="x"
        )
    assert "andere afdeling" in info.value.errors["zaaktype"][0]


def test_user_without_working_role_cannot_open_zaak(db, world):
    with pytest.raises(Forbidden):
        zaken.open_zaak(
            db, world.auditor, zaaktype=world.zaaktype, afdeling=world.afdeling, omschrijving="x"
        )


def test_explicit_confidentiality_overrides_default(db, world):
    zaak = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=world.zaaktype,
        afdeling=world.afdeling,
        vertrouwelijkheidaanduiding="geheim",
    )
    assert zaak.vertrouwelijkheidaanduiding == "geheim"


def test_set_status_and_close(db, world):
    zaak = factories.make_zaak(
        db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling
    )
    tweede = world.zaaktype.statustypen[1]
    zaken.set_status(db, world.medewerker, zaak, statustype_id=tweede.id, toelichting="gestart")
    assert zaak.huidige_status.statustype == tweede
    with pytest.raises(ValidationFailed):  # eindstatus only by closing
        zaken.set_status(db, world.medewerker, zaak, statustype_id=world.zaaktype.eindstatus.id)
    resultaat = world.zaaktype.resultaattypen[0]
    zaken.close_zaak(db, world.medewerker, zaak, resultaattype_id=resultaat.id)
    assert zaak.einddatum == date.today()
    assert zaak.resultaattype == resultaat
    assert zaak.huidige_status.statustype == world.zaaktype.eindstatus
    assert not zaak.is_open
    with pytest.raises(Conflict):
        zaken.set_status(db, world.medewerker, zaak, statustype_id=tweede.id)
    with pytest.raises(Conflict):
        zaken.close_zaak(db, world.medewerker, zaak, resultaattype_id=resultaat.id)
    acties = [e.actie for e in zaken.audit_trail(db, world.medewerker, zaak)]
    assert acties == [
        "zaak.aangemaakt",
        "zaak.status_gezet",
        "zaak.afgesloten",
        "zaak.archivering_berekend",
    ]


def test_status_or_result_of_another_zaaktype_is_refused(db, world):
    zaak = factories.make_zaak(
        db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling
    )
    ander = factories.make_zaaktype(db)
    with pytest.raises(ValidationFailed):
        zaken.set_status(db, world.medewerker, zaak, statustype_id=ander.statustypen[1].id)
    with pytest.raises(ValidationFailed):
        zaken.close_zaak(db, world.medewerker, zaak, resultaattype_id=ander.resultaattypen[0].id)
    with pytest.raises(ValidationFailed):
        zaken.set_status(db, world.medewerker, zaak, statustype_id=987654321)


def test_close_refuses_impossible_einddatum(db, world):
    zaak = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=world.zaaktype,
        afdeling=world.afdeling,
        startdatum=date.today() - timedelta(days=3),
    )
    rt = world.zaaktype.resultaattypen[0].id
    with pytest.raises(ValidationFailed) as info:
        zaken.close_zaak(
            db,
            world.medewerker,
            zaak,
            resultaattype_id=rt,
            einddatum=date.today() - timedelta(days=10),
        )
    assert "einddatum" in info.value.errors
    with pytest.raises(ValidationFailed):
        zaken.close_zaak(
            db,
            world.medewerker,
            zaak,
            resultaattype_id=rt,
            einddatum=date.today() + timedelta(days=1),
        )
    assert zaak.is_open


def test_same_bsn_is_one_person_across_zaken(db, world):
    z1 = factories.make_zaak(db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling)
    z2 = factories.make_zaak(
        db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.andere_afdeling
    )
    persoon = BetrokkeneGegevens(
        type="natuurlijk_persoon", bsn="111222333", voornamen="Jan", geslachtsnaam="Jansen"
    )
    r1 = zaken.add_betrokkene(db, world.medewerker, z1, persoon, rol="belanghebbende")
    r2 = zaken.add_betrokkene(db, world.medewerker, z2, persoon, rol="initiator")
    assert r1.betrokkene_id == r2.betrokkene_id
    assert (
        db.scalar(select(func.count()).select_from(Betrokkene).where(Betrokkene.bsn == "111222333"))
        == 1
    )
    with pytest.raises(Conflict):
        zaken.add_betrokkene(db, world.medewerker, z1, persoon, rol="belanghebbende")
    audit = db.scalars(
        select(AuditEvent).where(
            AuditEvent.actie == "zaak.betrokkene_toegevoegd", AuditEvent.zaak_id == z1.id
        )
    ).one()
    assert "111222333" not in str(audit.na) and "Jansen" not in str(audit.na)


@pytest.mark.parametrize(
    ("gegevens", "field"),
    [
        (BetrokkeneGegevens(type="natuurlijk_persoon", bsn="123456789"), "bsn"),
        (BetrokkeneGegevens(type="natuurlijk_persoon"), "geslachtsnaam"),
        (
            BetrokkeneGegevens(
                type="natuurlijk_persoon",
                geslachtsnaam="X",
                geboortedatum=date.today() + timedelta(days=1),
            ),
            "geboortedatum",
        ),
        (BetrokkeneGegevens(type="niet_natuurlijk_persoon", kvk_nummer="12"), "kvk_nummer"),
        (BetrokkeneGegevens(type="niet_natuurlijk_persoon", rsin="123456789"), "rsin"),
        (BetrokkeneGegevens(type="organisatorische_eenheid"), "naam"),
        (BetrokkeneGegevens(type="alien"), "type"),
    ],
)
def test_betrokkene_validation(db, world, gegevens, field):
    zaak = factories.make_zaak(
        db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling
    )
    with pytest.raises(ValidationFailed) as info:
        zaken.add_betrokkene(db, world.medewerker, zaak, gegevens, rol="belanghebbende")
    assert field in info.value.errors


def test_unknown_rol_is_refused(db, world):
    zaak = factories.make_zaak(
        db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling
    )
    with pytest.raises(ValidationFailed) as info:
        zaken.add_betrokkene(
            db,
            world.medewerker,
            zaak,
            BetrokkeneGegevens(type="organisatorische_eenheid", naam="GGD"),
            rol="schurk",
        )
    assert "rol" in info.value.errors


def test_get_unknown_zaak_is_not_found(db, world):
    with pytest.raises(NotFound):
        zaken.get_zaak(db, world.medewerker, "ZAAK-2026-9999999999")


def test_list_filters_and_counts(db, world):
    ander = factories.make_zaaktype(db)
    for _ in range(3):
        factories.make_zaak(db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling)
    gesloten = factories.make_zaak(
        db, world.medewerker, zaaktype=ander, afdeling=world.andere_afdeling
    )
    zaken.close_zaak(db, world.medewerker, gesloten, resultaattype_id=ander.resultaattypen[0].id)
    page = zaken.list_zaken(
        db, world.medewerker, ZaakFilter(zaaktype_id=world.zaaktype.id), per_page=2
    )
    assert page.total == 3 and len(page.items) == 2 and page.has_next
    assert zaken.list_zaken(db, world.medewerker, ZaakFilter(open=False)).total == 1
    assert (
        zaken.list_zaken(
            db, world.medewerker, ZaakFilter(afdeling_id=world.andere_afdeling.id)
        ).total
        == 1
    )
    found = zaken.list_zaken(db, world.medewerker, ZaakFilter(zoek=gesloten.identificatie.lower()))
    assert [z.id for z in found.items] == [gesloten.id]


# --- roltypen of the zaaktype ---------------------------------------------------------------


def _tien_in_twente_zaak(db, world):
    from zaaktypen.afdelingen import AfdelingGegevens, zaaktypen_for
    from zaaktypen.sjablonen import apply_sjabloon, get_sjabloon

    sjabloon = get_sjabloon("tien-in-twente")
    afdeling = apply_sjabloon(
        db,
        world.beheerder,
        "tien-in-twente",
        AfdelingGegevens(
            code="TWENTE",
            naam="10 in Twente",
            virtueel=sjabloon.virtueel,
            startdatum=date(2026, 1, 1),
            geplande_einddatum=date(2027, 12, 31),
        ),
        leden=[(world.medewerker, "behandelen", "zeer_geheim")],
    )
    (dossier,) = [zt for zt in zaaktypen_for(db, afdeling) if zt.roltypen and zt.eigenschappen]
    waarden = {
        e.naam: e.waardenverzameling[0] if e.formaat == "keuze" else "Testwaarde"
        for e in dossier.eigenschappen
        if e.verplicht
    }
    return factories.make_zaak(
        db, world.medewerker, zaaktype=dossier, afdeling=afdeling, eigenschappen=waarden
    )


def test_betrokkene_gets_a_roltype_of_the_zaaktype(db, world):
    zaak = _tien_in_twente_zaak(db, world)
    procesregie = next(r for r in zaak.zaaktype.roltypen if r.omschrijving.startswith("Proces"))
    assert procesregie.omschrijving == "Procesregie (gemeente)"
    gemeente = BetrokkeneGegevens(
        type="niet_natuurlijk_persoon", kvk_nummer="12345678", naam="Gemeente Almelo"
    )
    rol = zaken.add_betrokkene(db, world.medewerker, zaak, gemeente, roltype_id=procesregie.id)
    assert rol.roltype_id == procesregie.id and rol.roltype is procesregie
    assert rol.omschrijving == procesregie.omschrijving_generiek == "zaakcoordinator"
    event = db.scalars(
        select(AuditEvent).where(
            AuditEvent.actie == "zaak.betrokkene_toegevoegd", AuditEvent.zaak_id == zaak.id
        )
    ).one()
    assert event.na["roltype_id"] == procesregie.id
    # the same roltype twice is a duplicate; another roltype or a generic role is not
    with pytest.raises(Conflict):
        zaken.add_betrokkene(db, world.medewerker, zaak, gemeente, roltype_id=procesregie.id)
    aanmelder = next(r for r in zaak.zaaktype.roltypen if r.omschrijving == "Aanmelder")
    zaken.add_betrokkene(db, world.medewerker, zaak, gemeente, roltype_id=aanmelder.id)
    zaken.add_betrokkene(db, world.medewerker, zaak, gemeente, rol="zaakcoordinator")
    with pytest.raises(Conflict):
        zaken.add_betrokkene(db, world.medewerker, zaak, gemeente, rol="zaakcoordinator")
    assert [(r.roltype_id, r.omschrijving) for r in zaak.rollen] == [
        (procesregie.id, "zaakcoordinator"),
        (aanmelder.id, aanmelder.omschrijving_generiek),
        (None, "zaakcoordinator"),
    ]


def test_roltype_of_another_zaaktype_is_refused(db, world):
    zaak = factories.make_zaak(
        db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling
    )
    ander = factories.make_zaaktype(db)
    vreemd = ander.roltypen[0]
    gegevens = BetrokkeneGegevens(type="organisatorische_eenheid", naam="GGD")
    for roltype_id in (vreemd.id, 2**62, -1):
        with pytest.raises(ValidationFailed) as info:
            zaken.add_betrokkene(db, world.medewerker, zaak, gegevens, roltype_id=roltype_id)
        (message,) = info.value.errors["roltype"]
        assert "hoort niet bij zaaktype" in message and "Behandelaar, Initiator" in message
    eigen = world.zaaktype.roltypen[0]  # Behandelaar (behandelaar)
    with pytest.raises(ValidationFailed) as info:
        zaken.add_betrokkene(
            db, world.medewerker, zaak, gegevens, rol="initiator", roltype_id=eigen.id
        )
    assert "rol" in info.value.errors
    with pytest.raises(ValidationFailed) as info:
        zaken.add_betrokkene(db, world.medewerker, zaak, gegevens)  # neither
    assert "rol" in info.value.errors
    assert not zaak.rollen
    rol = zaken.add_betrokkene(
        db, world.medewerker, zaak, gegevens, rol="behandelaar", roltype_id=eigen.id
    )
    assert rol.roltype_id == eigen.id


def test_the_database_keeps_roles_unique_with_and_without_roltype(db, world):
    from sqlalchemy.exc import IntegrityError

    from archive.models import Rol

    zaak = factories.make_zaak(
        db, world.medewerker, zaaktype=world.zaaktype, afdeling=world.afdeling
    )
    gegevens = BetrokkeneGegevens(type="niet_natuurlijk_persoon", kvk_nummer="87654321")
    eerste = zaken.add_betrokkene(db, world.medewerker, zaak, gegevens, rol="adviseur")
    roltype = world.zaaktype.roltypen[0]
    met_type = zaken.add_betrokkene(db, world.medewerker, zaak, gegevens, roltype_id=roltype.id)
    for roltype_id, omschrijving in ((None, "adviseur"), (roltype.id, met_type.omschrijving)):
        with pytest.raises(IntegrityError), db.begin_nested():
            db.add(
                Rol(
                    zaak_id=zaak.id,
                    betrokkene_id=eerste.betrokkene_id,
                    omschrijving=omschrijving,
                    roltype_id=roltype_id,
                )
            )
            db.flush()
