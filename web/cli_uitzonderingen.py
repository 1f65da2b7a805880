"""``dossierhuis hold …``, ``dossierhuis exception …`` and ``dossierhuis retention
archiefstatus``: legal holds, exceptions from destruction and a zaak's archiefstatus from
the command line; thin adapters over retention.bevriezingen, retention.uitzonderingen and
retention.archiefstatus. Each command names the acting archivist (``--door``): the hold's
history and the audit trail record who placed, lifted, added, removed or changed."""

from __future__ import annotations

import json as json_module
from datetime import date, datetime

import click
from sqlalchemy import select

from archive.db import transaction
from archive.enums import Archiefstatus
from archive.errors import NotFound
from web.cli import Context, retention, with_context

DATUM = click.DateTime(formats=["%Y-%m-%d"])


def _archivaris(session, username: str):
    """The acting user by username; the services check that it is an archivaris."""
    from archive.models import User

    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise NotFound(f"Gebruiker '{username}' bestaat niet of is niet actief.")
    return user


def _door(fn):
    return click.option(
        "--door",
        "door",
        required=True,
        metavar="GEBRUIKERSNAAM",
        help="De archivaris die dit doet (vastgelegd in de geschiedenis en de audittrail).",
    )(fn)


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _day(value: datetime | None) -> date | None:
    """Click's ``DATUM`` gives a datetime; the services take the day."""
    return value.date() if value else None


# -- hold -----------------------------------------------------------------------------------


@click.group("hold")
def hold() -> None:
    """Bevriezingen (legal holds): een zaak of document dat niet vernietigd of verwijderd
    mag worden (Woo-verzoek, rechtszaak, calamiteitenonderzoek)."""


@hold.command("add")
@click.option("--zaak", metavar="IDENTIFICATIE", help="De zaak die bevroren wordt.")
@click.option("--document", metavar="IDENTIFICATIE", help="Of: het document.")
@click.option(
    "--grond",
    required=True,
    type=click.Choice(["woo_verzoek", "rechtszaak", "calamiteitenonderzoek"]),
    help="Waarom bevroren wordt.",
)
@click.option("--reden", required=True, help="De reden, in woorden.")
@click.option("--eigenaar", required=True, metavar="GEBRUIKERSNAAM", help="Wie haar beheert.")
@click.option("--kenmerk", default="", help="Bijvoorbeeld het nummer van het Woo-verzoek.")
@click.option("--startdatum", type=DATUM, default=None, help="JJJJ-MM-DD; standaard vandaag.")
@_door
@with_context
def hold_add(ctx: Context, zaak, document, grond, reden, eigenaar, kenmerk, startdatum, door):
    """Bevries één zaak of één document."""
    from retention import bevriezingen

    with transaction(ctx.sessions) as session:
        placed = bevriezingen.place_hold(
            session,
            _archivaris(session, door),
            bevriezingen.BevriezingGegevens(
                grond=grond,
                reden=reden,
                eigenaar=eigenaar,
                zaak=zaak,
                document=document,
                kenmerk=kenmerk,
                startdatum=_day(startdatum),
            ),
        )
        click.echo(f"Bevriezing {placed.id}: {placed.object_identificatie} is bevroren.")


@hold.command("lift")
@click.argument("hold_id", type=click.IntRange(1))
@click.option("--toelichting", required=True, help="Waarom de bevriezing vervalt.")
@_door
@with_context
def hold_lift(ctx: Context, hold_id: int, toelichting: str, door: str) -> None:
    """Hef bevriezing HOLD_ID op (wie en wanneer worden vastgelegd; de rij blijft)."""
    from retention import bevriezingen

    with transaction(ctx.sessions) as session:
        lifted = bevriezingen.lift_hold(
            session, _archivaris(session, door), hold_id, toelichting=toelichting
        )
        click.echo(f"Bevriezing {lifted.id} van {lifted.object_identificatie} is opgeheven.")


@hold.command("list")
@click.option("--alle", is_flag=True, help="Ook opgeheven bevriezingen.")
@click.option("--csv", "as_csv", is_flag=True, help="Als CSV (zonder redenen).")
@click.option("--json", "as_json", is_flag=True, help="Als JSON, voor scripts.")
@with_context
def hold_list(ctx: Context, alle: bool, as_csv: bool, as_json: bool) -> None:
    """Toon de geldende bevriezingen met hun aantallen."""
    from retention import bevriezingen

    actief = None if alle else True
    with transaction(ctx.sessions) as session:
        if as_csv:
            click.echo(bevriezingen.export_csv(session, None, actief=actief), nl=False)
            return
        rows = bevriezingen.list_holds(session, None, actief=actief)
        rapport = bevriezingen.report(session, None)
        if as_json:
            click.echo(
                json_module.dumps(
                    {
                        "rapport": rapport,
                        "results": [
                            {
                                "id": b.id,
                                "object_type": b.object_type,
                                "object": b.object_identificatie,
                                "grond": b.grond,
                                "kenmerk": b.kenmerk,
                                "eigenaar": b.eigenaar.username,
                                "startdatum": _d(b.startdatum),
                                "actief": b.actief,
                            }
                            for b in rows
                        ],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        per_grond = ", ".join(f"{k}: {v}" for k, v in rapport["per_grond"].items())
        click.echo(f"{rapport['totaal']} geldende bevriezing(en) ({per_grond}).")
        for b in rows:
            status = "" if b.actief else "  (opgeheven)"
            kenmerk = f" {b.kenmerk}" if b.kenmerk else ""
            click.echo(
                f"{b.id:>6}  {b.object_type:<8} {b.object_identificatie:<20} "
                f"{b.grond}{kenmerk}  sinds {b.startdatum.isoformat()}  "
                f"eigenaar {b.eigenaar.username}{status}"
            )


# -- exception ------------------------------------------------------------------------------


@click.group("exception")
def exception() -> None:
    """Uitzonderingen van vernietiging (hotspots): blijvend bewaren wat anders vernietigd
    zou worden."""


@exception.command("add")
@click.option(
    "--scope",
    required=True,
    type=click.Choice(["afdeling", "zaaktype", "periode", "zoekselectie", "zaken"]),
    help="afdeling (--afdeling), zaaktype (--zaaktype), periode van de startdatum "
    "(--van/--tot), zoekselectie (--zoekvraag, nu opgelost als --door), zaken (--zaak …).",
)
@click.option("--omschrijving", required=True, help="Naam, bv. 'hotspot Asielopvang 2026'.")
@click.option("--toelichting", required=True, help="De reden.")
@click.option("--besluit", "besluitkenmerk", required=True, help="Kenmerk van het besluit.")
@click.option("--afdeling", metavar="CODE")
@click.option("--zaaktype", metavar="IDENTIFICATIE")
@click.option("--van", "periode_van", type=DATUM, help="Startdatum vanaf (JJJJ-MM-DD).")
@click.option("--tot", "periode_tot", type=DATUM, help="Startdatum tot en met (JJJJ-MM-DD).")
@click.option("--zoekvraag")
@click.option("--zaak", "zaken", multiple=True, metavar="IDENTIFICATIE", help="Herhaalbaar.")
@_door
@with_context
def exception_add(
    ctx: Context,
    scope,
    omschrijving,
    toelichting,
    besluitkenmerk,
    afdeling,
    zaaktype,
    periode_van,
    periode_tot,
    zoekvraag,
    zaken,
    door,
) -> None:
    """Leg een uitzondering vast en reken de zaken die eronder vallen opnieuw uit."""
    from retention import uitzonderingen

    backend = None
    if scope == "zoekselectie":
        from search import make_backend

        backend = make_backend(ctx.settings, ctx.sessions)  # SEARCH_BACKEND
    with transaction(ctx.sessions) as session:
        u, changed = uitzonderingen.add_exception(
            session,
            _archivaris(session, door),
            uitzonderingen.UitzonderingGegevens(
                scope=scope,
                omschrijving=omschrijving,
                toelichting=toelichting,
                besluitkenmerk=besluitkenmerk,
                afdeling=afdeling,
                zaaktype=zaaktype,
                periode_van=_day(periode_van),
                periode_tot=_day(periode_tot),
                zoekvraag=zoekvraag,
                zaken=list(zaken),
            ),
            backend=backend,
        )
        click.echo(
            f"Uitzondering {u.id} ({uitzonderingen.scope_label(u)}) vastgelegd; "
            f"{changed} zaak/zaken herberekend."
        )


@exception.command("remove")
@click.argument("uitzondering_id", type=click.IntRange(1))
@_door
@with_context
def exception_remove(ctx: Context, uitzondering_id: int, door: str) -> None:
    """Trek uitzondering UITZONDERING_ID in; haar zaken krijgen weer hun berekende
    archiefnominatie, tenzij iets anders ze nog uitzondert."""
    from retention import uitzonderingen

    with transaction(ctx.sessions) as session:
        u, changed = uitzonderingen.remove_exception(
            session, _archivaris(session, door), uitzondering_id
        )
        click.echo(f"Uitzondering {u.id} ingetrokken; {changed} zaak/zaken herberekend.")


@exception.command("list")
@click.option("--alle", is_flag=True, help="Ook ingetrokken uitzonderingen.")
@click.option("--json", "as_json", is_flag=True, help="Als JSON, voor scripts.")
@with_context
def exception_list(ctx: Context, alle: bool, as_json: bool) -> None:
    """Toon de uitzonderingen en de afdelingen die zelf blijvend bewaren."""
    from retention import uitzonderingen

    with transaction(ctx.sessions) as session:
        rows = uitzonderingen.list_exceptions(session, None, actief=None if alle else True)
        beleid = uitzonderingen.department_policies(session, None)
        if as_json:
            click.echo(
                json_module.dumps(
                    {
                        "results": [
                            {
                                "id": u.id,
                                "scope": u.scope,
                                "bereik": uitzonderingen.scope_label(u),
                                "bron": uitzonderingen.hotspots.bron(u),
                                "actief": u.actief,
                            }
                            for u in rows
                        ],
                        "afdelingsbeleid": [a.code for a in beleid],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        click.echo(f"{len(rows)} uitzondering(en).")
        for u in rows:
            status = "" if u.actief else "  (ingetrokken)"
            click.echo(
                f"{u.id:>6}  {uitzonderingen.hotspots.bron(u)}  "
                f"[{uitzonderingen.scope_label(u)}]{status}"
            )
        for a in beleid:
            click.echo(f"afdeling {a.code}: bewaarbeleid blijvend bewaren ({a.retentie_reden})")


# -- archiefstatus (in the ``retention`` group of web.cli) ----------------------------------


@retention.command("archiefstatus")
@click.argument("zaak", metavar="ZAAK")
@click.argument("nieuw", metavar="NIEUW", type=click.Choice([s.value for s in Archiefstatus]))
@_door
@with_context
def retention_archiefstatus(ctx: Context, zaak: str, nieuw: str, door: str) -> None:
    """Zet de archiefstatus van ZAAK (identificatie) op NIEUW: gearchiveerd (afgesloten,
    alle documenten definitief, archiefactiedatum bekend) of
    gearchiveerd_procestermijn_onbekend (de datum wacht nog); overgedragen zet alleen
    'transfer confirm'. Een overgang die niet mag, wordt met de reden geweigerd."""
    from retention import archiefstatus

    with transaction(ctx.sessions) as session:
        user = _archivaris(session, door)
        found = archiefstatus.zaak_for_archivaris(session, user, zaak)
        voor = found.archiefstatus
        archiefstatus.set_archiefstatus(session, found, nieuw, user)
        click.echo(
            f"Zaak {found.identificatie}: archiefstatus {voor.replace('_', ' ')} → "
            f"{nieuw.replace('_', ' ')}."
        )
