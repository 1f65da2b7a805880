from datetime import date, timedelta

import pytest

from archive import zaken
from archive.errors import Conflict, Forbidden, ValidationFailed
from tests import factories
from zaaktypen import services as cat
from zaaktypen.services import EigenschapGegevens, ResultaatTypeGegevens, ZaakTypeGegevens


def _concept(db, actor, ident="MELDING", **kw):
    gegevens = ZaakTypeGegevens(
        identificatie=ident,
        omschrijving="Melding overlast",
        vertrouwelijkheidaanduiding="zaakvertrouwelijk",
        **kw,
    )
    return cat.create_concept(db, actor, gegevens)


def _complete(db, actor, zt):
    cat.add_statustype(db, actor, zt, omschrijving="Ontvangen")
    cat.add_statustype(db, actor, zt, omschrijving="Afgehandeld")
    cat.add_resultaattype(
        db, actor, zt, ResultaatTypeGegevens(omschrijving="Afgehandeld", selectielijstklasse="11.1")
    )
    cat.add_roltype(db, actor, zt, omschrijving="Behandelaar", omschrijving_generiek="behandelaar")
    return zt


def test_lifecycle_concept_publish_version(db, world):
    b = world.beheerder
    zt = _complete(db, b, _concept(db, b, doorlooptijd="P8W", servicenorm="P6W"))
    assert zt.concept and cat.publication_problems(zt) == []
    rt = zt.resultaattypen[0]
    # taken from the selectielijst when empty
    assert (rt.archiefnominatie, rt.archiefactietermijn) == ("vernietigen", "P1Y")
    cat.publish(db, b, zt, datum_begin_geldigheid=date(2026, 1, 1))
    assert not zt.concept and zt.datum_begin_geldigheid == date(2026, 1, 1)
    with pytest.raises(Conflict, match="gepubliceerd"):
        cat.add_statustype(db, b, zt, omschrijving="Extra")
    v2 = cat.new_version(db, b, "MELDING")
    assert v2.versie == 2 and v2.concept
    assert [s.omschrijving for s in v2.statustypen] == ["Ontvangen", "Afgehandeld"]
    assert v2.resultaattypen[0].selectielijstklasse == "11.1"
    with pytest.raises(Conflict):
        cat.new_version(db, b, "MELDING")  # one concept at a time
    cat.publish(db, b, v2, datum_begin_geldigheid=date(2026, 6, 1))
    assert zt.datum_einde_geldigheid == date(2026, 5, 31)  # ended the day before
    assert cat.version_valid_on(db, "MELDING", date(2026, 3, 1)) == zt
    assert cat.version_valid_on(db, "MELDING", date(2026, 7, 1)) == v2
    assert cat.version_valid_on(db, "MELDING", date(2025, 7, 1)) is None


def test_zaak_uses_version_valid_on_startdatum_and_keeps_it(db, world):
    b = world.beheerder
    v1 = _complete(db, b, _concept(db, b))
    today = date.today()
    cat.publish(db, b, v1, datum_begin_geldigheid=today - timedelta(days=100))
    v2 = cat.new_version(db, b, "MELDING")
    cat.publish(db, b, v2, datum_begin_geldigheid=today - timedelta(days=10))
    oud = zaken.open_zaak(
        db,
        world.medewerker,
        zaaktype=v2,
        afdeling=world.afdeling,
        omschrijving="oud",
        startdatum=today - timedelta(days=50),
    )
    nieuw = zaken.open_zaak(
        db, world.medewerker, zaaktype=v1, afdeling=world.afdeling, omschrijving="nieuw"
    )
    assert oud.zaaktype == v1 and nieuw.zaaktype == v2
    v3 = cat.new_version(db, b, "MELDING")
    cat.publish(db, b, v3)
    assert oud.zaaktype == v1  # zaken keep the version they were created with
    with pytest.raises(ValidationFailed) as info:
        zaken.open_zaak(
            db,
            world.medewerker,
            zaaktype=v1,
            afdeling=world.afdeling,
            omschrijving="te vroeg",
            startdatum=today - timedelta(days=500),
        )
    assert "geen gepubliceerde versie" in info.value.errors["zaaktype"][0]


def test_concept_cannot_be_used_for_zaken(db, world):
    zt = _complete(db, world.beheerder, _concept(db, world.beheerder))
    with pytest.raises(ValidationFailed):
        zaken.open_zaak(
            db, world.medewerker, zaaktype=zt, afdeling=world.afdeling, omschrijving="x"
        )


def test_overlapping_validity_is_refused(db, world):
    b = world.beheerder
    v1 = _complete(db, b, _concept(db, b))
    cat.publish(db, b, v1, datum_begin_geldigheid=date(2026, 1, 1))
    cat.end_validity(db, b, v1, date(2026, 12, 31))
    v2 = cat.new_version(db, b, "MELDING")
    with pytest.raises(ValidationFailed) as info:
        cat.publish(db, b, v2, datum_begin_geldigheid=date(2026, 6, 1))
    assert "overlapt met versie 1" in info.value.errors["datum_begin_geldigheid"][0]
    assert v2.concept
    cat.publish(db, b, v2, datum_begin_geldigheid=date(2027, 1, 1))
    with pytest.raises(ValidationFailed):
        cat.end_validity(db, b, v1, None)  # would reopen into version 2


def test_publishing_incomplete_lists_every_problem(db, world):
    zt = _concept(db, world.beheerder)
    cat.add_statustype(db, world.beheerder, zt, omschrijving="Enige")
    with pytest.raises(ValidationFailed) as info:
        cat.publish(db, world.beheerder, zt)
    problems = info.value.errors["publiceren"]
    assert len(problems) == 3
    assert any("twee statustypen" in p for p in problems)
    assert any("resultaattype" in p for p in problems)
    assert any("roltype" in p for p in problems)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"doorlooptijd": "8 weken"}, "doorlooptijd"),
        ({"doorlooptijd": "P6W", "servicenorm": "P8W"}, "servicenorm"),
        ({"vertrouwelijkheidaanduiding": "topgeheim"}, "vertrouwelijkheidaanduiding"),
        ({"selectielijst_procestype": 99}, "selectielijst_procestype"),
        ({"identificatie": "met spatie"}, "identificatie"),
        ({"identificatie": "A/B"}, "identificatie"),
    ],
)
def test_invalid_zaaktype_fields(db, world, kwargs, field):
    args = {
        "identificatie": "X",
        "omschrijving": "X",
        "vertrouwelijkheidaanduiding": "intern",
    } | kwargs
    with pytest.raises(ValidationFailed) as info:
        cat.create_concept(db, world.beheerder, ZaakTypeGegevens(**args))
    assert field in info.value.errors


@pytest.mark.parametrize(
    ("gegevens", "field"),
    [
        (ResultaatTypeGegevens("R", selectielijstklasse="99.9"), "selectielijstklasse"),
        (ResultaatTypeGegevens("R"), "archiefnominatie"),
        (ResultaatTypeGegevens("R", archiefnominatie="vernietigen"), "archiefactietermijn"),
        (
            ResultaatTypeGegevens("R", selectielijstklasse="11.1", afleidingswijze="termijn"),
            "procestermijn",
        ),
        (
            ResultaatTypeGegevens("R", selectielijstklasse="11.1", procestermijn="P1Y"),
            "procestermijn",
        ),
        (
            ResultaatTypeGegevens("R", selectielijstklasse="11.1", afleidingswijze="eigenschap"),
            "datumkenmerk",
        ),
        (
            ResultaatTypeGegevens(
                "R",
                selectielijstklasse="11.1",
                afleidingswijze="eigenschap",
                datumkenmerk="onbekend",
            ),
            "datumkenmerk",
        ),
        (
            ResultaatTypeGegevens("R", selectielijstklasse="11.1", afleidingswijze="magie"),
            "afleidingswijze",
        ),
        (
            ResultaatTypeGegevens("R", selectielijstklasse="11.1", archiefactietermijn="tien jaar"),
            "archiefactietermijn",
        ),
    ],
)
def test_resultaattype_consistency_rules(db, world, gegevens, field):
    zt = _concept(db, world.beheerder)
    with pytest.raises(ValidationFailed) as info:
        cat.add_resultaattype(db, world.beheerder, zt, gegevens)
    assert field in info.value.errors


def test_selectielijst_class_must_match_procestype(db, world):
    zt = _concept(db, world.beheerder, selectielijst_procestype=1)
    with pytest.raises(ValidationFailed) as info:
        cat.add_resultaattype(
            db, world.beheerder, zt, ResultaatTypeGegevens("R", selectielijstklasse="11.1")
        )
    assert "procestype 1" in info.value.errors["selectielijstklasse"][0]


def test_eigenschap_afleiding_accepts_a_date_eigenschap(db, world):
    zt = _concept(db, world.beheerder)
    cat.add_eigenschap(db, world.beheerder, zt, EigenschapGegevens("vervaldatum", "datum"))
    rt = cat.add_resultaattype(
        db,
        world.beheerder,
        zt,
        ResultaatTypeGegevens(
            "R",
            selectielijstklasse="11.1",
            afleidingswijze="eigenschap",
            datumkenmerk="vervaldatum",
        ),
    )
    assert rt.datumkenmerk == "vervaldatum"


def test_eigenschap_values_are_validated_on_zaken(db, world):
    b = world.beheerder
    zt = _complete(db, b, _concept(db, b))
    cat.add_eigenschap(db, b, zt, EigenschapGegevens("aantal", "getal", verplicht=True))
    cat.add_eigenschap(db, b, zt, EigenschapGegevens("datum_melding", "datum"))
    cat.add_eigenschap(
        db, b, zt, EigenschapGegevens("ernst", "keuze", waardenverzameling=["laag", "hoog"])
    )
    cat.add_eigenschap(db, b, zt, EigenschapGegevens("notitie", "tekst", lengte=5))
    cat.publish(db, b, zt, datum_begin_geldigheid=date(2020, 1, 1))
    with pytest.raises(ValidationFailed) as info:
        zaken.open_zaak(
            db,
            world.medewerker,
            zaaktype=zt,
            afdeling=world.afdeling,
            omschrijving="x",
            eigenschappen={
                "datum_melding": "31-12-2026",
                "ernst": "matig",
                "notitie": "te lang",
                "onbekend": "1",
            },
        )
    assert set(info.value.errors) == {
        "eigenschappen.aantal",
        "eigenschappen.datum_melding",
        "eigenschappen.ernst",
        "eigenschappen.notitie",
        "eigenschappen.onbekend",
    }
    zaak = zaken.open_zaak(
        db,
        world.medewerker,
        zaaktype=zt,
        afdeling=world.afdeling,
        omschrijving="x",
        eigenschappen={"aantal": "3,5", "datum_melding": "2026-01-02", "ernst": "hoog"},
    )
    assert {e.eigenschap.naam: e.waarde for e in zaak.eigenschappen} == {
        "aantal": "3.5",
        "datum_melding": "2026-01-02",
        "ernst": "hoog",
    }
    zaken.set_eigenschappen(db, world.medewerker, zaak, {"aantal": "4"})
    assert {e.eigenschap.naam: e.waarde for e in zaak.eigenschappen} == {"aantal": "4"}


def test_only_beheerder_changes_the_catalogue(db, world):
    with pytest.raises(Forbidden):
        _concept(db, world.medewerker)
    zt = _complete(db, world.beheerder, _concept(db, world.beheerder))
    with pytest.raises(Forbidden):
        cat.publish(db, world.medewerker, zt)
    with pytest.raises(Forbidden):
        cat.create_informatieobjecttype(
            db, world.auditor, omschrijving="x", vertrouwelijkheidaanduiding="intern"
        )


def test_document_type_formats_must_be_in_the_allow_list(db, world):
    with pytest.raises(ValidationFailed) as info:
        cat.create_informatieobjecttype(
            db,
            world.beheerder,
            omschrijving="Scan",
            vertrouwelijkheidaanduiding="intern",
            toegestane_formaten=["application/x-msdownload"],
        )
    assert "toegestane_formaten" in info.value.errors
    iot = cat.create_informatieobjecttype(
        db,
        world.beheerder,
        omschrijving="Scan",
        vertrouwelijkheidaanduiding="intern",
        toegestane_formaten=["application/pdf"],
    )
    assert iot.toegestane_formaten == ["application/pdf"]


def test_remove_part_renumbers_statustypen(db, world):
    zt = _concept(db, world.beheerder)
    for naam in ("A", "B", "C"):
        cat.add_statustype(db, world.beheerder, zt, omschrijving=naam)
    cat.remove_part(db, world.beheerder, zt, zt.statustypen[0])
    assert [(s.volgnummer, s.omschrijving) for s in zt.statustypen] == [(1, "B"), (2, "C")]


def test_factory_zaaktype_is_published(db, world):
    assert world.zaaktype.gepubliceerd
    assert factories.make_zaaktype(db).datum_begin_geldigheid == date(2000, 1, 1)


# --- audit of every catalogue change ----------------------------------------------------------


def _events(db, **where):
    from sqlalchemy import select

    from archive.audit import AuditEvent

    query = select(AuditEvent).order_by(AuditEvent.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(db.scalars(query))


def test_every_part_change_is_one_audit_event(db, world):
    b = world.beheerder
    zt = _concept(db, b, selectielijst_procestype=11)
    ref = f"{zt.identificatie}@{zt.versie}"
    iot = factories.make_iot(db, omschrijving="Melding per telefoon")

    def one_new_event(actie: str, change):
        before = len(_events(db))
        result = change()
        new = _events(db)[before:]
        assert [(e.actie, e.object_type, e.object_id, e.user_id) for e in new] == [
            (actie, "zaaktype", ref, b.id)
        ]
        return result, new[0]

    status, event = one_new_event(
        "zaaktype.statustype_toegevoegd",
        lambda: cat.add_statustype(db, b, zt, omschrijving="Ontvangen", doorlooptijd="P1W"),
    )
    assert event.na == {
        "onderdeel": "statustype",
        "id": status.id,
        "volgnummer": 1,
        "omschrijving": "Ontvangen",
        "doorlooptijd": "P1W",
        "informeren": False,
    }
    _, event = one_new_event(
        "zaaktype.resultaattype_toegevoegd",
        lambda: cat.add_resultaattype(
            db, b, zt, ResultaatTypeGegevens(omschrijving="Klaar", selectielijstklasse="11.1")
        ),
    )
    assert event.na["selectielijstklasse"] == "11.1" and event.na["archiefnominatie"]
    _, event = one_new_event(
        "zaaktype.roltype_toegevoegd",
        lambda: cat.add_roltype(
            db, b, zt, omschrijving="Procesregie", omschrijving_generiek="zaakcoordinator"
        ),
    )
    assert event.na["omschrijving"] == "Procesregie"
    _, event = one_new_event(
        "zaaktype.eigenschap_toegevoegd",
        lambda: cat.add_eigenschap(db, b, zt, EigenschapGegevens(naam="wijk", verplicht=True)),
    )
    assert (event.na["naam"], event.na["verplicht"]) == ("wijk", True)
    link, event = one_new_event(
        "zaaktype.informatieobjecttype_gekoppeld",
        lambda: cat.link_informatieobjecttype(db, b, zt, iot, richting="inkomend"),
    )
    assert (event.na["omschrijving"], event.na["richting"]) == ("Melding per telefoon", "inkomend")
    for part, soort in (
        (link, "informatieobjecttype"),
        (zt.eigenschappen[0], "eigenschap"),
        (zt.roltypen[0], "roltype"),
        (zt.resultaattypen[0], "resultaattype"),
        (status, "statustype"),
    ):
        part_id = part.id
        _, event = one_new_event(
            "zaaktype.onderdeel_verwijderd", lambda part=part: cat.remove_part(db, b, zt, part)
        )
        assert event.na is None
        assert (event.voor["onderdeel"], event.voor["id"]) == (soort, part_id)
    # a refused change writes nothing
    before = len(_events(db))
    with pytest.raises(ValidationFailed):
        cat.add_statustype(db, b, zt, omschrijving="")
    assert len(_events(db)) == before


def test_update_informatieobjecttype(db, world):
    b = world.beheerder
    iot = factories.make_iot(db, omschrijving="Brief", vertrouwelijkheidaanduiding="intern")
    cat.update_informatieobjecttype(
        db,
        b,
        iot,
        omschrijving="Brief aan bewoner",
        categorie="Correspondentie",
        vertrouwelijkheidaanduiding="vertrouwelijk",
        toegestane_formaten=["application/pdf", "application/pdf"],
    )
    assert (iot.omschrijving, iot.categorie, iot.vertrouwelijkheidaanduiding) == (
        "Brief aan bewoner",
        "Correspondentie",
        "vertrouwelijk",
    )
    assert iot.toegestane_formaten == ["application/pdf"]
    (event,) = _events(db, actie="informatieobjecttype.gewijzigd", object_id=str(iot.id))
    assert event.user_id == b.id
    assert event.voor == {
        "omschrijving": "Brief",
        "categorie": "",
        "vertrouwelijkheidaanduiding": "intern",
        "toegestane_formaten": [],
    }
    assert event.na["omschrijving"] == "Brief aan bewoner"
    # saving without a change writes no event
    cat.update_informatieobjecttype(
        db,
        b,
        iot,
        omschrijving="Brief aan bewoner",
        categorie="Correspondentie",
        vertrouwelijkheidaanduiding="vertrouwelijk",
        toegestane_formaten=["application/pdf"],
    )
    assert len(_events(db, actie="informatieobjecttype.gewijzigd")) == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"omschrijving": " "}, "omschrijving"),
        ({"omschrijving": "x" * 201}, "omschrijving"),
        ({"categorie": "x" * 81}, "categorie"),
        ({"vertrouwelijkheidaanduiding": "top"}, "vertrouwelijkheidaanduiding"),
        ({"toegestane_formaten": ["application/x-msdownload"]}, "toegestane_formaten"),
    ],
)
def test_update_informatieobjecttype_refusals(db, world, kwargs, field):
    iot = factories.make_iot(db, omschrijving="Verslag")
    args = {"omschrijving": "Verslag", "vertrouwelijkheidaanduiding": "intern"} | kwargs
    with pytest.raises(ValidationFailed) as info:
        cat.update_informatieobjecttype(db, world.beheerder, iot, **args)
    assert field in info.value.errors
    assert iot.omschrijving == "Verslag" and iot.vertrouwelijkheidaanduiding == "zaakvertrouwelijk"


def test_update_informatieobjecttype_is_for_beheerders_and_keeps_names_unique(db, world):
    iot = factories.make_iot(db, omschrijving="Verslag")
    factories.make_iot(db, omschrijving="Notitie")
    args = {"omschrijving": "Notitie", "vertrouwelijkheidaanduiding": "intern"}
    with pytest.raises(Conflict) as info:
        cat.update_informatieobjecttype(db, world.beheerder, iot, **args)
    assert info.value.field == "omschrijving"
    with pytest.raises(Forbidden):
        cat.update_informatieobjecttype(db, world.medewerker, iot, **args | {"omschrijving": "Y"})
    assert iot.omschrijving == "Verslag"
