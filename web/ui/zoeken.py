"""The search pages: results with highlighted snippets and facets, and a person's dossier.

Thin adapters over ``search.service``: the backend filters by access inside the query, the
person page reads the database. Both record the confidential zaken and documents they show
in the access log (path ``zoeken``). The person page is addressed by betrokkene id, never
by BSN, so no BSN ends up in a URL, a browser history or a proxy log.
"""

from __future__ import annotations

from datetime import date

from flask import render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from search import service as search_service
from search.backend import FACETS, TYPES
from web.app import db_session, search_backend, settings
from web.ui import bp

PER_PAGE = 20
MAX_PAGE = 500
MAX_QUERY = 500
MAX_VALUES = 10
LIST_ARGS = ("type", "zaaktype", "afdeling", "jaar", "informatieobjecttype")

SOORTEN = {"zaak": _l("Zaak"), "document": _l("Document"), "persoon": _l("Persoon")}
SOORTEN_MEERVOUD = {
    "zaak": _l("Zaken"),
    "document": _l("Documenten"),
    "persoon": _l("Personen en organisaties"),
}
FACET_TITELS = {
    "zaaktype": _l("Zaaktype"),
    "afdeling": _l("Afdeling"),
    "jaar": _l("Jaar"),
    "informatieobjecttype": _l("Documenttype"),
}
SORTERINGEN = {"relevance": _l("Relevantie"), "date": _l("Datum, nieuwste eerst")}


def _user():
    from web.ui.views import _user as current

    return current()


# --- reading the request -------------------------------------------------------------------


def _values(name: str) -> list[str]:
    """The non-empty values of a repeated query parameter, bounded and storable."""
    out: list[str] = []
    for raw in request.args.getlist(name):
        value = raw.strip()
        if not value or len(value) > 200 or "\x00" in value or value in out:
            continue
        out.append(value)
    return out[:MAX_VALUES]


def _date(name: str) -> tuple[date | None, str | None]:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None, None
    try:
        return date.fromisoformat(raw), None
    except ValueError:
        return None, _("'%(waarde)s' is geen geldige datum; gebruik JJJJ-MM-DD.", waarde=raw[:40])


def _page() -> int:
    raw = request.args.get("pagina", "")
    return min(int(raw), MAX_PAGE) if raw.isdigit() and int(raw) > 0 else 1


def _vraag() -> dict:
    """What was asked, normalised: the query text, list filters, dates, sort and page."""
    van, van_fout = _date("van")
    tot, tot_fout = _date("tot")
    fouten = [f for f in (van_fout, tot_fout) if f]
    if van and tot and van > tot:
        fouten.append(_("De datum 'vanaf' ligt na de datum 'tot en met'."))
    return {
        "q": request.args.get("q", "").strip()[:MAX_QUERY],
        "type": [t for t in _values("type") if t in TYPES],
        "zaaktype": _values("zaaktype"),
        "afdeling": _values("afdeling"),
        "jaar": [j for j in _values("jaar") if j.isdigit() and len(j) == 4],
        "informatieobjecttype": _values("informatieobjecttype"),
        "van": van,
        "tot": tot,
        "sortering": "date" if request.args.get("sortering") == "date" else "relevance",
        "pagina": _page(),
        "fouten": fouten,
    }


def _params(vraag: dict, **changes) -> dict:
    """Query parameters for a link to the results page (lists repeat; empty ones left out)."""
    params: dict = {"q": vraag["q"]}
    for name in LIST_ARGS:
        params[name] = list(vraag[name])
    for name in ("van", "tot"):
        params[name] = vraag[name].isoformat() if vraag[name] else None
    params["sortering"] = vraag["sortering"] if vraag["sortering"] != "relevance" else None
    params.update(changes)
    return {k: v for k, v in params.items() if v not in (None, "", [])}


def _url(vraag: dict, **changes) -> str:
    return url_for("ui.zoeken", **_params(vraag, **changes))


def _toggled(vraag: dict, name: str, value: str) -> str:
    """The results URL with one filter value added, or removed if it was chosen."""
    chosen = list(vraag[name])
    chosen = [v for v in chosen if v != value] if value in chosen else [*chosen, value]
    return _url(vraag, **{name: chosen})


# --- what the template shows ---------------------------------------------------------------


def _facetten(vraag: dict, result) -> list[dict]:
    out = []
    for name in FACETS:
        counts = result.facets.get(name) or {}
        labels = result.labels.get(name, {})
        waarden = [
            {
                "waarde": value,
                "label": labels.get(value) or value,
                "aantal": count,
                "gekozen": value in vraag[name],
                "url": _toggled(vraag, name, value),
            }
            for value, count in counts.items()
        ]
        if waarden:
            out.append({"naam": name, "titel": FACET_TITELS[name], "waarden": waarden})
    return out


def _actieve_filters(vraag: dict, labels: dict) -> list[dict]:
    out = []
    for soort in vraag["type"]:
        out.append(
            {
                "titel": _("Soort"),
                "label": SOORTEN_MEERVOUD[soort],
                "url": _toggled(vraag, "type", soort),
            }
        )
    for name in FACETS:
        for value in vraag[name]:
            out.append(
                {
                    "titel": FACET_TITELS[name],
                    "label": labels.get(name, {}).get(value) or value,
                    "url": _toggled(vraag, name, value),
                }
            )
    for name, titel in (("van", _("Vanaf")), ("tot", _("Tot en met"))):
        if vraag[name]:
            label = format_date(vraag[name], "medium")
            out.append({"titel": titel, "label": label, "url": _url(vraag, **{name: None})})
    return out


def hit_url(hit) -> str:
    if hit.type == "zaak":
        return url_for("ui.zaak", identificatie=hit.identificatie)
    if hit.type == "document":
        return url_for("ui.document", identificatie=hit.identificatie)
    return url_for("ui.persoon", betrokkene_id=hit.object_id)


@bp.route("/zoeken")
@login_required
def zoeken():
    """One search box for zaken, documents and persons: only what the user may see."""
    vraag = _vraag()
    filters_gekozen = any(vraag[name] for name in LIST_ARGS) or vraag["van"] or vraag["tot"]
    gezocht = bool(vraag["q"] or filters_gekozen) and not vraag["fouten"]
    result = None
    if gezocht:
        session = db_session()
        user = _user()
        result = search_service.search(
            session,
            user,
            vraag["q"],
            {
                "types": vraag["type"],
                "zaaktype": vraag["zaaktype"],
                "afdeling": vraag["afdeling"],
                "jaar": [int(j) for j in vraag["jaar"]],
                "informatieobjecttype": vraag["informatieobjecttype"],
                "van": vraag["van"],
                "tot": vraag["tot"],
            },
            page=vraag["pagina"],
            sort=vraag["sortering"],
            backend=search_backend(),
            per_page=PER_PAGE,
        )
        search_service.log_shown_hits(session, user, result.hits)
    return render_template(
        "zoeken/resultaten.html",
        vraag=vraag,
        gezocht=gezocht,
        result=result,
        facetten=_facetten(vraag, result) if result is not None else [],
        actieve_filters=_actieve_filters(vraag, result.labels if result is not None else {}),
        soorten=SOORTEN,
        soorten_meervoud=SOORTEN_MEERVOUD,
        sorteringen=SORTERINGEN,
        hit_url=hit_url,
        pagina_url=lambda n: _url(vraag, pagina=n if n > 1 else None),
        verborgen=[
            (name, value)
            for name in ("zaaktype", "afdeling", "jaar", "informatieobjecttype")
            for value in vraag[name]
        ],
    )


@bp.route("/personen/<int:betrokkene_id>")
@login_required
def persoon(betrokkene_id: int):
    """A person's dossier: every zaak and document about them the user may see, in time
    order; for regie also which other departments have a zaak about them (no content)."""
    session = db_session()
    user = _user()
    dossier = search_service.person_dossier(
        session,
        user,
        betrokkene_id=betrokkene_id,
        toon_andere_afdelingen=settings().search_other_departments,
    )
    search_service.log_shown_dossier(session, user, dossier)
    return render_template("zoeken/persoon.html", dossier=dossier, persoon=dossier.betrokkene)
