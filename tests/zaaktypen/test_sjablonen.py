"""Templates: every one applies, publishes and is usable; the RIEC agenda rule holds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from archive.errors import Forbidden, NotFound, ValidationFailed
from archive.models import Zaak
from archive.zaken import open_zaak
from tests import factories
from zaaktypen import selectielijst
from zaaktypen.afdelingen import AfdelingGegevens, zaaktypen_for
from zaaktypen.models import Afdeling, InformatieObjectType, ZaakType
from zaaktypen.services import get_zaaktype
from zaaktypen.sjablonen import apply_sjabloon, get_sjabloon, list_sjablonen
from zaaktypen.uitwisseling import ImportConflict

START = date(2026, 1, 1)
EINDE = date(2027, 12, 31)
CODES = {
    "riec-signaalaanpak",
    "zorg-en-veiligheidshuis",
    "tien-in-twente",
    "vluchtelingenopvang",
    "veiligheidsstrategie-themaproject",
}


def gegevens(code: str, sjabloon_code: str, **extra) -> AfdelingGegevens:
    sjabloon = get_sjabloon(sjabloon_code)
    values = dict(
        code=code,
        naam=f"{sjabloon.naam} test",
        virtueel=sjabloon.virtueel,
        startdatum=START,
        geplande_einddatum=EINDE,
        retentie_besluit="Besluit DIV 2026-12" if sjabloon.retentiebeleid else "",
    )
    values.update(extra)
    return AfdelingGegevens(**values)


def sample_values(zaaktype: ZaakType) -> dict[str, str]:
    """A valid value for every required eigenschap."""
    values = {}
    for e in zaaktype.eigenschappen:
        if not e.verplicht:
            continue
        if e.formaat == "keuze":
            values[e.naam] = e.waardenverzameling[0]
        elif e.formaat == "datum":
            values[e.naam] = "2026-02-02"
        elif e.formaat == "getal":
            values[e.naam] = "1"
        else:
            values[e.naam] = "Testwaarde"
    return values


def test_list_sjablonen_has_the_five_templates():
    sjablonen = list_sjablonen()
    assert {s.code for s in sjablonen} == CODES
    for s in sjablonen:
        assert s.naam and s.omschrijving and s.toelichting and s.zaaktypen
    vlop = get_sjabloon("vluchtelingenopvang")
    assert vlop.virtueel and vlop.vertrouwelijkheidaanduiding == "vertrouwelijk"
    assert vlop.retentiebeleid == "blijvend_bewaren" and "geschiedenis" in vlop.retentie_reden
    assert any(z.generiek for z in vlop.zaaktypen)
    with pytest.raises(NotFound):
        get_sjabloon("bestaat-niet")


def test_every_resultaattype_links_to_a_real_selectielijst_class():
    for s in list_sjablonen():
        for zt in s.document["zaaktypen"]:
            procestype = zt["selectielijst_procestype"]
            assert procestype is not None
            for rt in zt["resultaattypen"]:
                klasse = selectielijst.resultaat(rt["selectielijstklasse"])
                assert klasse is not None, (s.code, rt)
                assert klasse.procestype_nummer == procestype, (s.code, rt)


@pytest.mark.parametrize("sjabloon_code", sorted(CODES))
def test_every_template_applies_and_its_zaaktypen_are_usable(db, world, sjabloon_code):
    code = "T" + str(sorted(CODES).index(sjabloon_code))
    afdeling = apply_sjabloon(
        db,
        world.beheerder,
        sjabloon_code,
        gegevens(code, sjabloon_code),
        leden=[(world.medewerker, "behandelen", "zeer_geheim")],
    )
    assert afdeling.sjabloon == sjabloon_code and afdeling.status == "actief"
    assert [lid.user_id for lid in afdeling.leden] == [world.medewerker.id]
    sjabloon = get_sjabloon(sjabloon_code)
    bruikbaar = zaaktypen_for(db, afdeling, date.today())
    if afdeling.virtueel:  # a standing department may also use every other generic zaaktype
        assert len(bruikbaar) == len(sjabloon.zaaktypen)
    for samenvatting in sjabloon.zaaktypen:
        ident = (
            samenvatting.identificatie
            if samenvatting.generiek
            else f"{code}-{samenvatting.identificatie}"
        )
        zaaktype = get_zaaktype(db, ident)
        assert zaaktype.gepubliceerd and zaaktype.datum_begin_geldigheid <= date.today()
        assert (zaaktype.afdeling_id is None) == samenvatting.generiek
        assert zaaktype in bruikbaar
        assert all(rt.selectielijstklasse for rt in zaaktype.resultaattypen)
        assert all(rt.archiefnominatie for rt in zaaktype.resultaattypen)
        zaak = open_zaak(
            db,
            world.medewerker,
            zaaktype=zaaktype,
            afdeling=afdeling,
            omschrijving=f"Eerste zaak {samenvatting.omschrijving}",
            eigenschappen=sample_values(zaaktype),
        )
        assert zaak.zaaktype_id == zaaktype.id
        assert zaak.statussen[0].statustype.volgnummer == 1


def test_vluchtelingenopvang_is_confidential_and_chooses_the_generic_zaaktype(db, world):
    afdeling = apply_sjabloon(
        db, world.beheerder, "vluchtelingenopvang", gegevens("VLOP26", "vluchtelingenopvang")
    )
    assert afdeling.virtueel
    assert afdeling.vertrouwelijkheidaanduiding == "vertrouwelijk"
    assert afdeling.retentiebeleid == "blijvend_bewaren" and afdeling.retentie_reden
    assert afdeling.retentie_besluit == "Besluit DIV 2026-12"
    assert [k.zaaktype_identificatie for k in afdeling.generieke_zaaktypen] == [
        "BESTUURLIJK-BEHANDELVOORSTEL"
    ]
    opvang = get_zaaktype(db, "VLOP26-OPVANGLOCATIE")
    assert opvang.afdeling_id == afdeling.id
    brief = get_zaaktype(db, "VLOP26-BEWONERSBRIEF")
    assert brief.vertrouwelijkheidaanduiding == "intern"
    factories.make_member(db, afdeling, world.medewerker)
    zaak = open_zaak(
        db, world.medewerker, zaaktype=brief, afdeling=afdeling, omschrijving="Brief omwonenden"
    )
    assert zaak.vertrouwelijkheidaanduiding == "vertrouwelijk"  # the stricter: department's

    # A second department from the same template reuses the generic zaaktype and documents.
    iots = db.scalar(select(func.count()).select_from(InformatieObjectType))
    tweede = apply_sjabloon(
        db,
        world.beheerder,
        "vluchtelingenopvang",
        gegevens("VLOP27", "vluchtelingenopvang", vertrouwelijkheidaanduiding="confidentieel"),
    )
    assert tweede.vertrouwelijkheidaanduiding == "confidentieel"
    assert db.scalar(select(func.count()).select_from(InformatieObjectType)) == iots
    versies = db.scalars(
        select(ZaakType).where(ZaakType.identificatie == "BESTUURLIJK-BEHANDELVOORSTEL")
    ).all()
    assert len(versies) == 1
    assert [k.zaaktype_identificatie for k in tweede.generieke_zaaktypen] == [
        "BESTUURLIJK-BEHANDELVOORSTEL"
    ]


def test_template_defaults_can_be_overridden_and_extra_generic_zaaktypen_chosen(db, world):
    afdeling = apply_sjabloon(
        db,
        world.beheerder,
        "vluchtelingenopvang",
        gegevens("VLOPX", "vluchtelingenopvang", retentiebeleid="", doel="Eigen doel"),
        extra_generieke_zaaktypen=[world.zaaktype.identificatie],
    )
    assert afdeling.retentiebeleid is None and afdeling.doel == "Eigen doel"
    assert {k.zaaktype_identificatie for k in afdeling.generieke_zaaktypen} == {
        "BESTUURLIJK-BEHANDELVOORSTEL",
        world.zaaktype.identificatie,
    }


def _riec(db, world):
    afdeling = apply_sjabloon(
        db,
        world.beheerder,
        "riec-signaalaanpak",
        gegevens("RIEC", "riec-signaalaanpak"),
        leden=[(world.medewerker, "behandelen", "geheim")],
    )
    return afdeling, get_zaaktype(db, "RIEC-SIGNAAL")


def test_riec_informatieplein_agenda_rule(db, world):
    afdeling, signaal = _riec(db, world)
    maandag = date(2026, 3, 2)
    donderdag = maandag + timedelta(days=3)
    assert maandag.weekday() == 0 and donderdag.weekday() == 3

    def aanmelden(datum: date, today: date):
        return open_zaak(
            db,
            world.medewerker,
            zaaktype=signaal,
            afdeling=afdeling,
            omschrijving="Signaal",
            eigenschappen={"informatieplein_datum": datum.isoformat()},
            today=today,
        )

    for _ in range(4):
        aanmelden(donderdag, maandag)
    with pytest.raises(ValidationFailed) as vol:
        aanmelden(donderdag, maandag)
    [melding] = vol.value.errors["eigenschappen.informatieplein_datum"]
    assert "vol" in melding and "maximaal 4" in melding

    with pytest.raises(ValidationFailed) as woensdag:
        aanmelden(donderdag + timedelta(days=6), maandag)
    assert "donderdag" in woensdag.value.errors["eigenschappen.informatieplein_datum"][0]

    volgende = donderdag + timedelta(days=7)
    with pytest.raises(ValidationFailed) as gesloten:
        aanmelden(volgende, volgende - timedelta(days=2))  # Tuesday: the agenda closed Monday
    assert "sloot op maandag" in gesloten.value.errors["eigenschappen.informatieplein_datum"][0]
    assert aanmelden(volgende, volgende - timedelta(days=3)).id  # on Monday itself: still open


def test_riec_informatieplein_decision_is_validated(db, world):
    afdeling, signaal = _riec(db, world)
    with pytest.raises(ValidationFailed) as exc:
        open_zaak(
            db,
            world.medewerker,
            zaaktype=signaal,
            afdeling=afdeling,
            omschrijving="Signaal",
            eigenschappen={"besluit_informatieplein": "opsluiten"},
        )
    assert (
        "inventariseren integrale aanpak"
        in exc.value.errors["eigenschappen.besluit_informatieplein"][0]
    )


def test_a_medewerker_cannot_apply_a_template(db, world):
    with pytest.raises(Forbidden):
        apply_sjabloon(
            db, world.medewerker, "vluchtelingenopvang", gegevens("VLOP", "vluchtelingenopvang")
        )
    assert db.scalar(select(Afdeling.id).where(Afdeling.code == "VLOP")) is None


def test_wizard_errors_are_reported_as_fields_and_nothing_is_written(db, world):
    zaaktypen_voor = db.scalar(select(func.count()).select_from(ZaakType))
    with pytest.raises(ValidationFailed) as exc:
        apply_sjabloon(
            db,
            world.beheerder,
            "vluchtelingenopvang",
            gegevens(
                "VLOP",
                "vluchtelingenopvang",
                geplande_einddatum=None,
                retentie_besluit="",
            ),
            leden=[(world.medewerker, "baas", "zeer_geheim")],
        )
    assert set(exc.value.errors) == {"leden[0].rol"}
    with pytest.raises(ValidationFailed) as exc:
        apply_sjabloon(
            db,
            world.beheerder,
            "vluchtelingenopvang",
            gegevens("VLOP", "vluchtelingenopvang", geplande_einddatum=None, retentie_besluit=""),
        )
    assert {"geplande_einddatum", "retentie_besluit"} <= set(exc.value.errors)
    assert db.scalar(select(func.count()).select_from(ZaakType)) == zaaktypen_voor


def test_a_taken_department_code_is_a_conflict(db, world):
    apply_sjabloon(db, world.beheerder, "tien-in-twente", gegevens("TWENTE", "tien-in-twente"))
    with pytest.raises(ImportConflict) as exc:
        apply_sjabloon(db, world.beheerder, "tien-in-twente", gegevens("twente", "tien-in-twente"))
    assert "code" in exc.value.errors
    assert db.scalar(select(func.count()).select_from(Zaak)) == 0
