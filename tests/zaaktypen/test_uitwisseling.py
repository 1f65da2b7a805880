"""Catalogue import/export: round trip, validation with paths, nothing written on failure."""

from __future__ import annotations

import copy
import json
from datetime import date
from importlib import resources

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import func, select

from archive.db import make_engine, make_session_factory, transaction
from archive.errors import Forbidden, ValidationFailed
from archive.migrate import upgrade
from zaaktypen import services as catalogus
from zaaktypen.afdelingen import AfdelingGegevens, choose_generic_zaaktype, create_department
from zaaktypen.models import Afdeling, InformatieObjectType, ResultaatType, ZaakType
from zaaktypen.services import EigenschapGegevens, ResultaatTypeGegevens
from zaaktypen.sjablonen import apply_sjabloon
from zaaktypen.uitwisseling import (
    ImportConflict,
    dumps,
    export_afdeling,
    export_catalogus,
    export_zaaktype,
    import_document,
    loads,
    schema,
)


def counts(session) -> dict[str, int]:
    return {
        model.__tablename__: session.scalar(select(func.count()).select_from(model))
        for model in (Afdeling, ZaakType, ResultaatType, InformatieObjectType)
    }


def build_rich_catalogue(db, beheerder) -> None:
    """Templates, a zaaktype with three versions (ended, current, concept) and odd parts."""
    apply_sjabloon(
        db,
        beheerder,
        "vluchtelingenopvang",
        AfdelingGegevens(
            code="VLOP26",
            naam="Vluchtelingenopvang 2026",
            startdatum=date(2026, 1, 1),
            geplande_einddatum=date(2026, 12, 31),
            retentie_besluit="DIV-2026-01",
        ),
    )
    apply_sjabloon(
        db,
        beheerder,
        "riec-signaalaanpak",
        AfdelingGegevens(code="RIEC", naam="RIEC Oost", virtueel=False),
    )
    brief = catalogus.get_informatieobjecttype(db, "Bewonersbrief")
    v1 = catalogus.create_zaaktype(
        db,
        beheerder,
        identificatie="SUBSIDIE",
        omschrijving="Subsidie verlenen",
        vertrouwelijkheidaanduiding="intern",
        statustypen=["Ontvangen", "Besloten"],
        resultaattypen=["Verleend"],
        datum_begin_geldigheid=date(2020, 1, 1),
    )
    catalogus.end_validity(db, beheerder, v1, date(2020, 6, 30))
    v2 = catalogus.new_version(db, beheerder, "SUBSIDIE")
    catalogus.add_eigenschap(
        db,
        beheerder,
        v2,
        EigenschapGegevens(naam="vaststelling", formaat="datum", definitie="Datum vaststelling"),
    )
    catalogus.add_eigenschap(
        db,
        beheerder,
        v2,
        EigenschapGegevens(naam="zitting", formaat="datum", agenda_weekdag=1, agenda_capaciteit=2),
    )
    catalogus.add_resultaattype(
        db,
        beheerder,
        v2,
        ResultaatTypeGegevens(
            omschrijving="Vastgesteld",
            selectielijstklasse="8.1.7",
            afleidingswijze="eigenschap",
            datumkenmerk="vaststelling",
            toelichting="Na vaststelling",
        ),
    )
    catalogus.add_resultaattype(
        db,
        beheerder,
        v2,
        ResultaatTypeGegevens(
            omschrijving="Termijn",
            archiefnominatie="vernietigen",
            archiefactietermijn="P7Y",
            afleidingswijze="termijn",
            procestermijn="P5Y",
        ),
    )
    catalogus.add_statustype(db, beheerder, v2, omschrijving="Gearchiveerd", doorlooptijd="P2W")
    v2.statustypen[0].toelichting = "Binnen via het e-loket"
    iot_a = catalogus.create_informatieobjecttype(
        db,
        beheerder,
        omschrijving="Aanvraag subsidie",
        vertrouwelijkheidaanduiding="intern",
        categorie="Aanvraag",
        toegestane_formaten=["application/pdf"],
    )
    link = catalogus.link_informatieobjecttype(db, beheerder, v2, iot_a, richting="inkomend")
    catalogus.link_informatieobjecttype(db, beheerder, v2, brief, richting="uitgaand")
    catalogus.remove_part(db, beheerder, v2, link)  # leaves volgnummer 2 alone
    catalogus.link_informatieobjecttype(db, beheerder, v2, iot_a, richting="intern")
    catalogus.publish(db, beheerder, v2, datum_begin_geldigheid=date(2021, 1, 1))
    v3 = catalogus.new_version(db, beheerder, "SUBSIDIE")
    catalogus.update_concept(
        db,
        beheerder,
        v3,
        catalogus.ZaakTypeGegevens(
            identificatie="SUBSIDIE",
            omschrijving="Subsidie verlenen (nieuw)",
            vertrouwelijkheidaanduiding="zaakvertrouwelijk",
            doorlooptijd="P8W",
            servicenorm="P6W",
            trefwoorden=["subsidie", "ä-umlaut"],
            selectielijst_procestype=8,
        ),
    )
    catalogus.create_informatieobjecttype(
        db, beheerder, omschrijving="Ongebruikt", vertrouwelijkheidaanduiding="openbaar"
    )
    generiek = catalogus.create_zaaktype(
        db,
        beheerder,
        identificatie="KLACHT",
        omschrijving="Klacht",
        vertrouwelijkheidaanduiding="intern",
        statustypen=["Ontvangen", "Afgehandeld"],
        resultaattypen=[ResultaatTypeGegevens(omschrijving="Gegrond", selectielijstklasse="6.1")],
        roltypen=[("Klager", "initiator")],
    )
    standing = catalogus.get_afdeling(db, "RIEC")
    choose_generic_zaaktype(db, beheerder, standing, generiek.identificatie)
    db.flush()


@pytest.fixture
def empty_factory(isolated_database):
    engine = make_engine(isolated_database)
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()


def test_export_import_export_into_an_empty_database_is_identical(db, world, empty_factory):
    build_rich_catalogue(db, world.beheerder)
    first = export_catalogus(db)
    assert not list(Draft202012Validator(schema()).iter_errors(first))
    versies = [(z["identificatie"], z["versie"], z["concept"]) for z in first["zaaktypen"]]
    assert ("SUBSIDIE", 3, True) in versies and ("VLOP26-OPVANGLOCATIE", 1, False) in versies

    with transaction(empty_factory) as session:
        resultaat = import_document(session, None, json.loads(dumps(first)))
    assert resultaat.aangemaakt == {
        "informatieobjecttypen": len(first["informatieobjecttypen"]),
        "zaaktypen": len(first["zaaktypen"]),
        "afdelingen": len(first["afdelingen"]),
    }
    assert resultaat.overgeslagen == []
    with transaction(empty_factory) as session:
        second = export_catalogus(session)
        subsidie = catalogus.get_zaaktype(session, "SUBSIDIE@3")
        assert subsidie.concept and subsidie.datum_begin_geldigheid is None
        v1 = catalogus.get_zaaktype(session, "SUBSIDIE@1")
        assert v1.datum_einde_geldigheid == date(2020, 6, 30)
        opvang = catalogus.get_zaaktype(session, "VLOP26-OPVANGLOCATIE")
        assert opvang.afdeling.code == "VLOP26" and opvang.gepubliceerd
    assert second == first
    assert dumps(second) == dumps(first)


def test_dumps_is_canonical(db, world):
    text = dumps(export_zaaktype(db, world.zaaktype.identificatie))
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert "ë" in dumps({"naam": "Beëindigd"})


def test_export_zaaktype_and_afdeling(db, world):
    build_rich_catalogue(db, world.beheerder)
    doc = export_zaaktype(db, "SUBSIDIE")
    assert [z["versie"] for z in doc["zaaktypen"]] == [1, 2, 3]
    assert [i["omschrijving"] for i in doc["informatieobjecttypen"]] == [
        "Aanvraag subsidie",
        "Bewonersbrief",
    ]
    v2 = doc["zaaktypen"][1]
    assert v2["informatieobjecttypen"] == [
        {"omschrijving": "Bewonersbrief", "richting": "uitgaand"},
        {"omschrijving": "Aanvraag subsidie", "richting": "intern"},
    ]
    assert [e["naam"] for e in v2["eigenschappen"]] == ["vaststelling", "zitting"]
    assert v2["eigenschappen"][1]["agenda_capaciteit"] == 2
    assert doc["afdelingen"] == []

    afd = export_afdeling(db, "vlop26")
    [entry] = afd["afdelingen"]
    assert entry["zaaktypen"] == [
        "VLOP26-BEWONERSBRIEF",
        "VLOP26-CORRESPONDENTIE-COA",
        "VLOP26-OPVANGLOCATIE",
    ]
    assert entry["generieke_zaaktypen"] == ["BESTUURLIJK-BEHANDELVOORSTEL"]
    assert entry["retentiebeleid"] == "blijvend_bewaren" and entry["startdatum"] == "2026-01-01"
    assert "leden" not in entry
    idents = {z["identificatie"] for z in afd["zaaktypen"]}
    assert idents == {*entry["zaaktypen"], "BESTUURLIJK-BEHANDELVOORSTEL"}
    assert "Ongebruikt" not in {i["omschrijving"] for i in afd["informatieobjecttypen"]}


def test_a_department_export_imports_into_an_empty_database(db, world, empty_factory):
    build_rich_catalogue(db, world.beheerder)
    doc = export_afdeling(db, "VLOP26")
    with transaction(empty_factory) as session:
        import_document(session, None, doc)
    with transaction(empty_factory) as session:
        assert export_afdeling(session, "VLOP26") == doc


def test_importing_twice_is_a_conflict_with_paths_and_no_duplicates(db, world):
    build_rich_catalogue(db, world.beheerder)
    doc = export_zaaktype(db, "SUBSIDIE")
    before = counts(db)
    with pytest.raises(ImportConflict) as exc:
        import_document(db, world.beheerder, doc)
    errors = exc.value.field_errors()
    assert exc.value.status == 409
    assert "zaaktypen[0].identificatie" in errors
    assert "bestaat al" in errors["zaaktypen[0].identificatie"][0]
    assert counts(db) == before

    afdeling_doc = export_afdeling(db, "VLOP26")
    with pytest.raises(ImportConflict) as exc:
        import_document(db, world.beheerder, afdeling_doc)
    assert "afdelingen[0].code" in exc.value.errors
    assert counts(db) == before


def test_existing_identical_document_types_are_reused_and_different_ones_conflict(db, world):
    build_rich_catalogue(db, world.beheerder)
    doc = export_zaaktype(db, "SUBSIDIE")
    for zt in doc["zaaktypen"]:
        zt["identificatie"] = "SUBSIDIE-KOPIE"
    resultaat = import_document(db, world.beheerder, copy.deepcopy(doc))
    assert resultaat.aangemaakt == {"informatieobjecttypen": 0, "zaaktypen": 3, "afdelingen": 0}
    assert len(resultaat.overgeslagen) == 2
    assert resultaat.overgeslagen[0].startswith("informatieobjecttypen[0]")

    for zt in doc["zaaktypen"]:
        zt["identificatie"] = "SUBSIDIE-DERDE"
    doc["informatieobjecttypen"][1]["vertrouwelijkheidaanduiding"] = "geheim"
    with pytest.raises(ImportConflict) as exc:
        import_document(db, world.beheerder, doc)
    assert list(exc.value.errors) == ["informatieobjecttypen[1]"]


def valid_document() -> dict:
    zaaktype = {
        "identificatie": "MELDING",
        "versie": 1,
        "omschrijving": "Melding",
        "vertrouwelijkheidaanduiding": "intern",
        "datum_begin_geldigheid": "2025-01-01",
        "selectielijst_procestype": 6,
        "statustypen": [{"omschrijving": "Ontvangen"}, {"omschrijving": "Afgehandeld"}],
        "resultaattypen": [{"omschrijving": "Ingewilligd", "selectielijstklasse": "6.1"}],
        "roltypen": [{"omschrijving": "Melder", "omschrijving_generiek": "initiator"}],
        "informatieobjecttypen": [{"omschrijving": "Melding", "richting": "inkomend"}],
    }
    second = copy.deepcopy(zaaktype) | {"identificatie": "TWEEDE"}
    third = copy.deepcopy(zaaktype) | {"identificatie": "DERDE"}
    return {
        "formaat": "dossierhuis-catalogus",
        "versie": 1,
        "informatieobjecttypen": [
            {"omschrijving": "Melding", "vertrouwelijkheidaanduiding": "intern"}
        ],
        "zaaktypen": [zaaktype, second, third],
        "afdelingen": [
            {
                "code": "meld",
                "naam": "Meldingen",
                "zaaktypen": ["TWEEDE"],
                "generieke_zaaktypen": ["MELDING"],
            }
        ],
    }


def test_a_minimal_hand_written_document_imports(db, world):
    resultaat = import_document(db, world.beheerder, valid_document())
    assert resultaat.aangemaakt == {"informatieobjecttypen": 1, "zaaktypen": 3, "afdelingen": 1}
    afdeling = catalogus.get_afdeling(db, "MELD")
    assert catalogus.get_zaaktype(db, "TWEEDE").afdeling_id == afdeling.id
    assert catalogus.get_zaaktype(db, "MELDING").afdeling_id is None
    assert [k.zaaktype_identificatie for k in afdeling.generieke_zaaktypen] == ["MELDING"]
    resultaattype = catalogus.get_zaaktype(db, "MELDING").resultaattypen[0]
    assert (resultaattype.archiefnominatie, resultaattype.archiefactietermijn) == (
        "vernietigen",
        "P5Y",
    )


def test_a_document_with_many_errors_reports_all_and_writes_nothing(db, world):
    doc = valid_document()
    doc["zaaktypen"][0]["resultaattypen"][0]["selectielijstklasse"] = "99.9"
    doc["zaaktypen"][0]["doorlooptijd"] = "zes weken"
    doc["zaaktypen"][1]["statustypen"] = [{"omschrijving": "Alleen"}]
    doc["zaaktypen"][1]["datum_einde_geldigheid"] = "2024-01-01"
    doc["zaaktypen"][1]["informatieobjecttypen"][0]["omschrijving"] = "Onbekend type"
    doc["afdelingen"][0]["generieke_zaaktypen"].append("NERGENS")
    doc["afdelingen"][0]["virtueel"] = True  # without dates
    # The LAST zaaktype is the one that breaks a ZGW consistency rule.
    doc["zaaktypen"][2]["resultaattypen"][0] = {
        "omschrijving": "Termijn",
        "archiefnominatie": "vernietigen",
        "archiefactietermijn": "P1Y",
        "afleidingswijze": "termijn",
    }
    catalogus.create_zaaktype(
        db,
        None,
        identificatie="DERDE",
        omschrijving="Bestaat al",
        vertrouwelijkheidaanduiding="intern",
        statustypen=["a", "b"],
        resultaattypen=["c"],
    )
    db.flush()
    before = counts(db)
    with pytest.raises(ValidationFailed) as exc:
        import_document(db, world.beheerder, doc)
    errors = exc.value.errors
    assert (
        "staat niet in de selectielijst"
        in errors["zaaktypen[0].resultaattypen[0].selectielijstklasse"][0]
    )
    assert "ISO 8601" in errors["zaaktypen[0].doorlooptijd"][0]
    assert "twee statustypen" in errors["zaaktypen[1]"][0]
    assert errors["zaaktypen[1].datum_einde_geldigheid"] == ["Het einde ligt vóór het begin."]
    assert "Onbekend type" in errors["zaaktypen[1].informatieobjecttypen[0].omschrijving"][0]
    assert "procestermijn" in errors["zaaktypen[2].resultaattypen[0].procestermijn"][0]
    assert "bestaat al" in errors["zaaktypen[2].identificatie"][0]  # conflicts are listed too
    assert "NERGENS" in errors["afdelingen[0].generieke_zaaktypen[1]"][0]
    assert {"afdelingen[0].startdatum", "afdelingen[0].geplande_einddatum"} <= set(errors)
    # Nothing was written, even before the caller rolls back.
    assert counts(db) == before
    assert not db.new and not db.dirty


def test_only_the_last_zaaktype_invalid_writes_nothing(db, world):
    doc = valid_document()
    doc["zaaktypen"][2]["roltypen"] = []
    before = counts(db)
    with pytest.raises(ValidationFailed) as exc:
        import_document(db, world.beheerder, doc)
    assert list(exc.value.errors) == ["zaaktypen[2]"]
    assert "roltype" in exc.value.errors["zaaktypen[2]"][0]
    assert counts(db) == before and not db.new


def test_versions_must_be_consecutive_not_overlapping_and_only_the_last_a_concept(db, world):
    doc = valid_document()
    base = doc["zaaktypen"][0]
    doc["zaaktypen"] = [
        base | {"versie": 1, "concept": True, "datum_begin_geldigheid": None},
        base | {"versie": 2, "datum_begin_geldigheid": "2025-01-01"},
        base | {"versie": 2, "datum_begin_geldigheid": "2026-01-01"},
        base | {"versie": 5, "datum_begin_geldigheid": "2024-06-01"},
    ]
    doc["afdelingen"] = []
    with pytest.raises(ValidationFailed) as exc:
        import_document(db, world.beheerder, doc)
    errors = exc.value.errors
    assert "laatste versie" in errors["zaaktypen[0].concept"][0]
    assert "twee keer" in errors["zaaktypen[2].versie"][0]
    assert "zonder gaten" in errors["zaaktypen[3].versie"][0]
    assert "overlapt met versie 2" in errors["zaaktypen[3].datum_begin_geldigheid"][0]


def test_concept_versions_import_as_concepts(db, world):
    doc = valid_document()
    doc["zaaktypen"][0] |= {"concept": True, "datum_begin_geldigheid": None, "roltypen": []}
    import_document(db, world.beheerder, doc)
    zaaktype = catalogus.get_zaaktype(db, "MELDING")
    assert zaaktype.concept and zaaktype.roltypen == []
    doc2 = valid_document()
    doc2["zaaktypen"] = [
        doc2["zaaktypen"][0] | {"identificatie": "X", "concept": True},
    ]
    doc2["afdelingen"] = []
    doc2["informatieobjecttypen"] = []
    with pytest.raises(ValidationFailed) as exc:
        import_document(db, world.beheerder, doc2)
    assert "geen geldigheid" in exc.value.errors["zaaktypen[0].datum_begin_geldigheid"][0]


def test_schema_invalid_documents_are_refused_with_paths(db, world):
    doc = valid_document()
    doc["formaat"] = "zgw-catalogus"
    doc["versie"] = 2
    doc["zaaktypen"][0]["versie"] = "1"
    del doc["zaaktypen"][1]["omschrijving"]
    doc["zaaktypen"][2]["statustypen"][0]["kleur"] = "rood"
    doc["zaaktypen"][2]["vertrouwelijkheidaanduiding"] = "topgeheim"
    doc["zaaktypen"][2]["eigenschappen"] = [{"naam": "x", "formaat": "kleur"}]
    doc["zaaktypen"][2]["datum_begin_geldigheid"] = "1-1-2025"
    doc["afdelingen"][0]["zaaktypen"] = "TWEEDE"
    before = counts(db)
    with pytest.raises(ValidationFailed) as exc:
        import_document(db, world.beheerder, doc)
    errors = exc.value.errors
    assert "Onbekend formaat" in errors["formaat"][0]
    assert "Versie 2 wordt niet ondersteund" in errors["versie"][0]
    assert errors["zaaktypen[0].versie"] == ["Verwacht een geheel getal, maar dit is tekst."]
    assert errors["zaaktypen[1].omschrijving"] == ["Dit verplichte veld ontbreekt."]
    assert "Onbekend veld" in errors["zaaktypen[2].statustypen[0].kleur"][0]
    assert "geheim" in errors["zaaktypen[2].vertrouwelijkheidaanduiding"][0]
    assert "keuze" in errors["zaaktypen[2].eigenschappen[0].formaat"][0]
    assert "JJJJ-MM-DD" in errors["zaaktypen[2].datum_begin_geldigheid"][0]
    assert "een lijst" in errors["afdelingen[0].zaaktypen"][0]
    assert counts(db) == before

    for broken in ([], {"formaat": "dossierhuis-catalogus"}):
        with pytest.raises(ValidationFailed) as exc:
            import_document(db, world.beheerder, broken)
        assert exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        loads("{niet: json")
    assert "Geen geldige JSON" in exc.value.errors["document"][0]


def test_a_medewerker_cannot_import(db, world):
    with pytest.raises(Forbidden):
        import_document(db, world.medewerker, valid_document())
    assert db.scalar(select(Afdeling.id).where(Afdeling.code == "MELD")) is None


def test_the_schema_is_published_as_package_data():
    text = resources.files("zaaktypen.schema").joinpath("catalogus-v1.schema.json").read_text()
    published = json.loads(text)
    Draft202012Validator.check_schema(published)
    assert published == schema()
    assert published["properties"]["versie"] == {"const": 1}


def test_a_department_document_may_choose_a_generic_zaaktype_already_in_the_database(db, world):
    create_department(db, None, AfdelingGegevens(code="BRON", naam="Bron", virtueel=False))
    doc = valid_document()
    doc["zaaktypen"] = doc["zaaktypen"][1:2]
    doc["afdelingen"][0]["generieke_zaaktypen"] = [world.zaaktype.identificatie]
    import_document(db, world.beheerder, doc)
    afdeling = catalogus.get_afdeling(db, "MELD")
    assert [k.zaaktype_identificatie for k in afdeling.generieke_zaaktypen] == [
        world.zaaktype.identificatie
    ]
