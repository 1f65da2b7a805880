"""``dossierhuis notify …``: the notify worker, the webhooks' dead letters and their
replay, and webhook administration — thin adapters over ``archive.notificaties``.

The worker acts as the system. Everything about webhooks is for administrators only
(``webhooks.require_admin``), so those commands name the acting beheerder (``--as``), as
the destruction commands do; the audit trail records who replayed or changed what. Output
holds ids, identificaties and event kinds only: events carry no personal data.
"""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import threading

import click
from sqlalchemy import select

from archive.db import transaction
from archive.errors import NotFound
from web.cli import Context, with_context

as_option = click.option(
    "--as",
    "username",
    required=True,
    metavar="GEBRUIKER",
    help="De beheerder die dit doet (vastgelegd in de audittrail).",
)


def _user(session, username: str):
    from archive import users

    return users.get_user(session, username)


def _webhook_by_name(session, actor, naam: str):
    from archive.notificaties import webhooks

    for hook in webhooks.list_webhooks(session, actor):
        if hook.naam == naam:
            return hook
    raise NotFound(f"Webhook '{naam}' bestaat niet.", field="webhook")


def _when(value) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


@click.group("notify")
def notify() -> None:
    """Notificaties: de worker die ze bezorgt (inbox, e-mail, webhooks), de dode
    webhookafleveringen en het opnieuw aanbieden ervan, en het beheer van webhooks."""


# -- the worker -------------------------------------------------------------------------------


def _summary(counts: dict) -> str:
    m, w = counts["mail"], counts["webhooks"]
    return (
        f"{counts['gebeurtenissen']} gebeurtenis(sen) bezorgd, "
        f"{counts['afdeling_einde']} waarschuwing(en) voor het einde van een afdeling, "
        f"{counts['samenvattingen']} dagelijks(e) overzicht(en).\n"
        f"E-mail: {m['verzonden']} verzonden, {m['opnieuw']} later opnieuw, "
        f"{m['mislukt']} mislukt.\n"
        f"Webhooks: {w['afgeleverd']} afgeleverd, {w['opnieuw']} later opnieuw, "
        f"{w['dood']} dood."
    )


@notify.command("worker")
@click.option(
    "--poll",
    default=2.0,
    show_default=True,
    type=click.FloatRange(0.05, 3600),
    metavar="SECONDEN",
    help="Hoe vaak de worker kijkt of er werk is.",
)
@click.option(
    "--once",
    is_flag=True,
    help="Doe één ronde (bezorgen, e-mail, webhooks), toon wat er gebeurde en stop.",
)
@with_context
def worker(ctx: Context, poll: float, once: bool) -> None:
    """Bezorg de notificaties als apart proces: nieuwe gebeurtenissen naar de inbox van wie
    ze volgt (met de toegangsregels van nu), e-mail (direct of het dagelijkse overzicht)
    en webhookaanroepen, met herhalingen bij fouten.

    Voor NOTIFY_WORKER=extern (anders doet 'dossierhuis serve' dit zelf). Meer workers
    tegelijk kan geen kwaad. Stoppen met Ctrl+C of SIGTERM: de lopende ronde wordt
    afgemaakt. Wordt de worker hard afgebroken, dan gaat er niets verloren: een
    onderbroken aanroep wordt na twee minuten opnieuw gedaan, met dezelfde
    Idempotency-Key.
    """
    from archive.notificaties.worker import run_once, run_worker

    factory, settings = ctx.sessions, ctx.settings
    if once:
        click.echo(_summary(run_once(factory, settings)))
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    stop, wake = threading.Event(), threading.Event()

    def request_stop(signum, _frame) -> None:
        if signum == signal.SIGINT and stop.is_set():
            raise KeyboardInterrupt  # a second Ctrl+C: stop at once
        stop.set()
        wake.set()  # no waiting out the pause

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    click.echo("Notificatieworker gestart (stoppen met Ctrl+C).")
    with contextlib.suppress(KeyboardInterrupt):
        run_worker(stop, poll, factory, settings, wake_event=wake)
    click.echo("Notificatieworker gestopt.")


# -- dead letters -------------------------------------------------------------------------------


@notify.command("dead-letters")
@as_option
@click.option("--webhook", "naam", default=None, metavar="NAAM", help="Alleen van deze webhook.")
@click.option(
    "--limit", type=click.IntRange(1, 100_000), default=200, show_default=True,
    help="Hoeveel (de nieuwste eerst).",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Als JSON, voor scripts.")
@with_context
def dead_letters(ctx: Context, username: str, naam: str | None, limit: int, as_json: bool) -> None:
    """Toon de dode webhookafleveringen: gebeurtenissen die na de laatste poging niet
    zijn aangekomen. Met het nummer, de webhook, de soort, het kenmerk (de
    Idempotency-Key), het aantal pogingen en de laatste fout; opnieuw aanbieden kan met
    'dossierhuis notify replay'."""
    from archive.notificaties import webhooks

    with transaction(ctx.sessions) as session:
        actor = _user(session, username)
        hook_id = _webhook_by_name(session, actor, naam).id if naam else None
        rows = webhooks.list_deliveries(
            session, actor, status="dood", webhook_id=hook_id, limit=limit
        )
        results = [
            {
                "id": r.id,
                "webhook": r.webhook.naam,
                "soort": r.gebeurtenis.soort,
                "kenmerk": r.gebeurtenis.kenmerk,
                "pogingen": r.pogingen,
                "laatste_http_status": r.laatste_http_status,
                "laatste_fout": r.laatste_fout,
                "gebeurtenis_op": _when(r.gebeurtenis.aangemaakt_op),
                "aangemaakt_op": _when(r.aangemaakt_op),
                "laatste_poging_op": _when(r.volgende_poging_op),
            }
            for r in rows
        ]
    if as_json:
        click.echo(
            json.dumps({"count": len(results), "results": results}, ensure_ascii=False, indent=2)
        )
        return
    if not results:
        click.echo("Geen dode afleveringen.")
        return
    click.echo(f"{len(results)} dode aflevering(en), de nieuwste eerst:")
    for r in results:
        status = f"HTTP {r['laatste_http_status']}" if r["laatste_http_status"] else "geen antwoord"
        click.echo(
            f"{r['id']:>8}  {r['webhook']}  {r['soort']}  {r['kenmerk']}  "
            f"{r['pogingen']} pogingen, laatste {r['laatste_poging_op']} ({status}): "
            f"{r['laatste_fout']}"
        )


@notify.command("replay")
@as_option
@click.option(
    "--id", "ids", multiple=True, type=click.IntRange(1, 2**62), metavar="N",
    help="Het nummer van een dode aflevering (herhaalbaar).",
)  # fmt: skip
@click.option("--webhook", "naam", default=None, metavar="NAAM", help="Alle dode van deze webhook.")
@click.option("--all", "alles", is_flag=True, help="Alle dode afleveringen.")
@with_context
def replay(ctx: Context, username: str, ids: tuple[int, ...], naam: str | None, alles: bool):
    """Bied dode webhookafleveringen opnieuw aan: ze gaan terug in de wachtrij met een
    nieuwe reeks pogingen, en de worker verstuurt ze (met hun oorspronkelijke
    Idempotency-Key, zodat de ontvanger een dubbele kan herkennen). Kies precies één van
    --id, --webhook of --all."""
    from archive.notificaties import webhooks

    if sum((bool(ids), naam is not None, alles)) != 1:
        raise click.UsageError("Kies precies één van --id, --webhook of --all.")
    with transaction(ctx.sessions) as session:
        actor = _user(session, username)
        if ids:
            done = webhooks.replay(session, actor, aflevering_ids=sorted(set(ids)))
        elif naam is not None:
            done = webhooks.replay(
                session, actor, webhook_id=_webhook_by_name(session, actor, naam).id
            )
        else:
            done = webhooks.replay(session, actor)
    click.echo(f"{done} aflevering(en) opnieuw aangeboden; de worker verstuurt ze.")


# -- webhooks ---------------------------------------------------------------------------------


@notify.group("webhook")
def webhook_group() -> None:
    """Webhooks voor andere systemen: aanmaken (het geheim wordt één keer getoond),
    tonen en verwijderen."""


@webhook_group.command("create")
@as_option
@click.option("--naam", required=True, help="Een herkenbare naam, bijvoorbeeld 'Zaaksysteem GGD'.")
@click.option("--url", required=True, help="Waar de gebeurtenissen heen gaan (http of https).")
@click.option(
    "--soort", "soort_lijst", multiple=True, metavar="SOORT",
    help="Alleen deze soort gebeurtenis (herhaalbaar), bijvoorbeeld document.toegevoegd; "
    "standaard alle.",
)  # fmt: skip
@click.option(
    "--afdeling", "afdeling_codes", multiple=True, metavar="CODE",
    help="Alleen gebeurtenissen van deze afdeling (herhaalbaar); standaard alle.",
)  # fmt: skip
@with_context
def webhook_create(ctx: Context, username, naam, url, soort_lijst, afdeling_codes) -> None:
    """Maak een webhook. Het geheim waarmee elke aanroep ondertekend wordt
    (X-Dossierhuis-Signature, HMAC-SHA256) wordt hier één keer getoond: bewaar het bij
    het ontvangende systeem."""
    from archive.notificaties import webhooks

    with transaction(ctx.sessions) as session:
        hook, geheim = webhooks.create_webhook(
            session,
            _user(session, username),
            ctx.settings,
            naam=naam,
            url=url,
            soort_lijst=list(soort_lijst),
            afdeling_codes=list(afdeling_codes),
        )
        hook_id = hook.id
    click.echo(f"Webhook {hook_id} '{naam}' aangemaakt.")
    click.echo(f"Geheim (wordt niet opnieuw getoond): {geheim}")


@webhook_group.command("list")
@as_option
@click.option("--json", "as_json", is_flag=True, help="Als JSON, voor scripts.")
@with_context
def webhook_list(ctx: Context, username: str, as_json: bool) -> None:
    """Toon de webhooks met hun filters en hoeveel afleveringen wachten, aankwamen of
    dood zijn (het geheim wordt nooit getoond)."""
    from archive.notificaties import webhooks
    from zaaktypen.models import Afdeling

    with transaction(ctx.sessions) as session:
        actor = _user(session, username)
        counts = webhooks.delivery_counts(session, actor)
        codes = {a.id: a.code for a in session.scalars(select(Afdeling))}
        results = [
            {
                "id": h.id,
                "naam": h.naam,
                "url": h.url,
                "actief": h.actief,
                "soorten": list(h.soorten or []),
                "afdelingen": [codes.get(i, str(i)) for i in h.afdeling_ids or []],
                "afleveringen": counts.get(h.id, {s: 0 for s in webhooks.STATUSSEN}),
            }
            for h in webhooks.list_webhooks(session, actor)
        ]
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
        return
    if not results:
        click.echo("Geen webhooks.")
        return
    for r in results:
        n = r["afleveringen"]
        click.echo(
            f"{r['id']:>4}  {r['naam']}  {r['url']}  {'actief' if r['actief'] else 'uit'}  "
            f"soorten: {', '.join(r['soorten']) or 'alle'}  "
            f"afdelingen: {', '.join(r['afdelingen']) or 'alle'}  "
            f"wachtend {n['wachtend']}, afgeleverd {n['afgeleverd']}, dood {n['dood']}"
        )


@webhook_group.command("delete")
@click.argument("naam", metavar="NAAM")
@as_option
@with_context
def webhook_delete(ctx: Context, naam: str, username: str) -> None:
    """Verwijder de webhook NAAM, met zijn wachtende en dode afleveringen."""
    from archive.notificaties import webhooks

    with transaction(ctx.sessions) as session:
        actor = _user(session, username)
        webhooks.delete_webhook(session, actor, _webhook_by_name(session, actor, naam))
    click.echo(f"Webhook '{naam}' verwijderd.")
