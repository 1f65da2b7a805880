"""Every route of the app, built from its URL map, against four kinds of visitor.

For each rule and each method it accepts, the URL is filled from SCENE_PARAMS (parameter
name → a value from the ``scene``: a confidential zaak in world.afdeling with a document, a
betrokkene, an eigenschap, a grant, a token …). A rule with a parameter not in that table,
or a path no ROUTE_KINDS pattern classifies, FAILS naming the rule: a new route cannot be
added without saying who may use it. Each route is then visited by

- an anonymous visitor: the UI redirects to /login (302), the API answers 401 problem+json;
- a user of another department (world.buitenstaander): 404 for a record in world.afdeling
  (never 200, 403 or 422 — a different answer for a hidden record leaks that it exists),
  403 on administration and audit pages;
- a user whose clearance is too low (world.lezer: lezen/intern, the zaak is vertrouwelijk):
  404 for the zaak and document routes;
- an authorised user: no 403/404/500 (a 4xx validation answer to an empty POST is fine;
  a GET answers 200, or 302 where the route is a redirect).

The test app runs with CSRF disabled (CSRF has its own test in test_security.py), so an
anonymous POST reaches Flask-Login and is redirected to /login like a GET.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Engine

from archive import machtigingen
from archive import zaken as zaken_service
from archive.blobstore import BlobStore
from archive.config import Settings
from archive.db import make_engine, make_session_factory
from archive.models import User
from archive.users import create_token
from search.whoosh_backend import WhooshBackend
from search.worker import ensure_index
from tests import corpus, factories
from tests.web import (
    route_scene_api_notificaties,
    route_scene_notificaties,
    route_scene_overbrenging,
    route_scene_uitzonderingen,
    route_scene_vernietiging,
)
from zaaktypen import services as catalogus
from zaaktypen.afdelingen import choose_generic_zaaktype

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
PROBLEM = "application/problem+json"

# Routes anyone may call without logging in; each with the reason.
PUBLIC_ENDPOINTS = {
    "static": "stylesheets and images",
    "auth.login": "the login page itself",
    "ui.taal": "choosing a language (only sets a cookie, redirects to a local path)",
    "api-docs.openapi_json": "the published API description (no data)",
}

# Path patterns → kind of route, first match wins. ``zaak``: a record in world.afdeling
# (hidden from the outsider and the low-clearance reader); ``beheer``: needs the role
# beheerder; ``audit``: needs the role auditor; ``ingelogd``: any logged-in user, who sees
# only what the policy allows (lists are filtered; forms may refuse with 403);
# ``catalogus``: the API catalogue/departments — reads for every token, writes beheerder;
# ``eigen``: a user's own record (the medewerker's API token): anyone else gets 404;
# ``afdeling``: world.afdeling itself (following it): absent (404) for a non-member.
ROUTE_KINDS: list[tuple[str, str]] = [
    (r"^/audit(/|$)", "audit"),
    (r"^/api/v1/archivering(/|$)", "archief"),
    (r"^/api/v1/vernietigingslijsten(/|$)", "archief"),
    (r"^/archivering(/|$)", "archief"),
    (r"^/beheer(/|$)", "beheer"),
    (r"^/zaken/<identificatie>(/|$)", "zaak"),
    (r"^/documenten/<identificatie>(/|$)", "zaak"),
    (r"^/api/v1/zaken/<identificatie>(/|$)", "zaak"),
    (r"^/api/v1/documenten/<identificatie>(/|$)", "zaak"),
    # the closing report lists every zaak of a department: DIV's archival record
    (r"^/api/v1/afdelingen/<code>/rapport$", "beheer"),
    (r"^/api/v1/(zaaktypen|informatieobjecttypen|selectielijst|afdelingen|sjablonen)", "catalogus"),
    (r"^/tokens/<int:token_id>(/|$)", "eigen"),
    # a person's dossier: absent (404) for whoever sees none of the person's zaken
    (r"^/personen/<int:betrokkene_id>$", "zaak"),
    (r"^/api/v1/personen/<bsn>$", "zaak"),
    (r"^/(zaken|zaken/nieuw|snelle-registratie|logout|tokens|zoeken|)$", "ingelogd"),
    (r"^/api/v1/(zaken|zoeken)$", "ingelogd"),
    # notification API: webhooks for administrators; a user's own follows and inbox entries
    # (anyone else: 404); the lists, "mark all read" and preferences for every token
    (r"^/api/v1/webhooks(/|$)", "beheer"),
    (r"^/api/v1/(volgen|inbox)/<int:", "eigen"),
    (r"^/api/v1/(volgen|inbox|inbox/gelezen|voorkeuren/notificaties)$", "ingelogd"),
    # notification pages: one's own inbox entries and follows; a person's follow buttons
    # like the person; a department's for its members (and beheerders); webhooks: /beheer
    (r"^/inbox/<int:notificatie_id>(/|$)", "eigen"),
    (r"^/voorkeuren/notificaties/volgen/<int:volging_id>/", "eigen"),
    (r"^/(inbox|inbox/alles-gelezen|voorkeuren/notificaties)$", "ingelogd"),
    (r"^/personen/<int:betrokkene_id>/(volgen|niet-meer-volgen)$", "zaak"),
    (r"^/afdelingen/<code>/", "afdeling"),
]

# Who is the authorised visitor for a kind (overridable per path pattern below).
AUTHORISED = {
    "eigen": "medewerker",
    "zaak": "medewerker",
    "beheer": "beheerder",
    "audit": "auditor",
    "archief": "archivaris",
    "ingelogd": "medewerker",
    "afdeling": "medewerker",
}
# Grant management on a zaak belongs to the department's regie (or a beheerder).
AUTHORISED_BY_PATH = [(r"^/zaken/<identificatie>/(toegang|machtigingen)", "regisseur")]


@dataclass
class Scene:
    world: factories.World
    zaak: object
    document: object
    zaaktype: object
    regisseur: User
    partner: User
    machtiging: object
    token: object
    statustype: object
    betrokkene: object = None  # the person with BSN 111222333 in the zaak

    def params(self) -> dict[str, object]:
        """Parameter name → value. ``identificatie`` depends on the path (see value_for)."""
        w = self.world
        return {
            "code": w.afdeling.code,
            "gebruikersnaam": w.lezer.username,
            "user_id": w.lezer.id,
            "gebruiker_id": w.lezer.id,
            "lid_id": w.lezer.id,
            "iot_id": w.iot.id,
            "nummer": "1.1",
            "versie": self.zaaktype.versie,
            "deel": "statustypen",
            "deel_id": self.statustype.id,
            "soort": "statustype",
            "part_id": self.statustype.id,
            "formaat": "csv",
            "stap": "sjabloon",
            "token_id": self.token.id,
            "machtiging_id": self.machtiging.id,
            "bsn": "111222333",
            "betrokkene_id": self.betrokkene.id,
            "filename": "app.css",
            "uitzondering_id": route_scene_uitzonderingen.uitzondering_id(self),
            "hold_id": route_scene_uitzonderingen.hold_id(self),
            "overbrenging_id": route_scene_overbrenging.overbrenging_id(self),
            "lijst_id": route_scene_vernietiging.lijst_id(self),
            "volging_id": route_scene_api_notificaties.volging_id(self),
            "notificatie_id": route_scene_api_notificaties.notificatie_id(self),
            "webhook_id": route_scene_api_notificaties.webhook_id(self),
            "aflevering_id": route_scene_notificaties.aflevering_id(self),
        }


def build_scene(db, world, store, tmp_path: Path, text: str = "") -> Scene:
    """A vertrouwelijk zaak in world.afdeling with a document, a betrokkene, an eigenschap
    value, a status, a grant for a partner professional, and an API token of the medewerker.

    ``text`` (an XSS payload in test_security) goes into every free-text field."""
    eigenschap = text[:80] if text else "Kenmerk"
    regisseur = factories.make_user(db)
    factories.make_member(db, world.afdeling, regisseur, rol="regie", clearance="geheim")
    partner = factories.make_user(db)
    zaaktype = catalogus.create_concept(
        db,
        None,
        catalogus.ZaakTypeGegevens(
            identificatie=f"ZTS{world.afdeling.id}",
            omschrijving=text or "Zaaktype met eigenschap",
            vertrouwelijkheidaanduiding="vertrouwelijk",
        ),
    )
    for naam in ("Ontvangen", "In behandeling", "Afgehandeld"):
        catalogus.add_statustype(db, None, zaaktype, omschrijving=naam)
    catalogus.add_resultaattype(
        db,
        None,
        zaaktype,
        catalogus.ResultaatTypeGegevens(
            omschrijving=text or "Afgerond", archiefnominatie="blijvend_bewaren"
        ),
    )
    catalogus.add_roltype(
        db, None, zaaktype, omschrijving="Behandelaar", omschrijving_generiek="behandelaar"
    )
    catalogus.add_eigenschap(
        db, None, zaaktype, catalogus.EigenschapGegevens(naam=eigenschap, definitie=text)
    )
    catalogus.publish(db, None, zaaktype)
    for generiek in (world.zaaktype, zaaktype):  # chosen, so its department routes resolve
        choose_generic_zaaktype(db, None, world.afdeling, generiek.identificatie)
    zaak = factories.make_zaak(
        db,
        world.medewerker,
        zaaktype=zaaktype,
        afdeling=world.afdeling,
        omschrijving=text or "Vertrouwelijke zaak",
        toelichting=text,
        vertrouwelijkheidaanduiding="vertrouwelijk",
        eigenschappen={eigenschap: text or "K-1"},
    )
    rol = zaken_service.add_betrokkene(
        db,
        world.medewerker,
        zaak,
        zaken_service.BetrokkeneGegevens(
            type="natuurlijk_persoon",
            bsn="111222333",
            voornamen=text,
            geslachtsnaam=text or "Jansen",
        ),
        rol="belanghebbende",
        toelichting=text,
    )
    zaken_service.set_status(
        db, world.medewerker, zaak, statustype_id=zaaktype.statustypen[1].id, toelichting=text
    )
    pdf = corpus.normal_pdf(tmp_path / "brief.pdf", text="Vertrouwelijke brief")
    filed = factories.file(
        db,
        world.medewerker,
        zaak,
        pdf,
        world.iot,
        store,
        titel=text or "Brief",
        bestandsnaam=f"{text}brief.pdf",
        vertrouwelijkheidaanduiding="vertrouwelijk",
    )
    machtiging = machtigingen.grant(
        db,
        regisseur,
        zaak,
        partner,
        reden=text or "Ketenpartner",
        verloopt_op=date.today() + timedelta(days=30),
    )
    token, _secret = create_token(db, None, world.medewerker, "scene", None)
    scene = Scene(
        world=world,
        zaak=zaak,
        document=filed.document,
        zaaktype=zaaktype,
        regisseur=regisseur,
        partner=partner,
        machtiging=machtiging,
        token=token,
        statustype=zaaktype.statustypen[0],
        betrokkene=rol.betrokkene,
    )
    # the archivist's records, made now (not on first use) so that a test counting audit
    # events before a request finds the scene complete
    route_scene_uitzonderingen.build(db, scene, text)
    route_scene_vernietiging.build(db, scene)
    route_scene_overbrenging.build(db, scene, tmp_path)
    route_scene_api_notificaties.build(db, scene, text)
    route_scene_notificaties.build(db, scene, text)
    db.commit()
    return scene


# --- one scene for the whole module ----------------------------------------------------------
# Building the scene and its search index costs far more than checking one route, so it is
# built once per module (per xdist worker), committed in a database and data_dir of the
# module's own. These three override the conftest fixtures of the same name for this module
# only; each test still gets the conftest ``db``: a transaction on that database, rolled back
# afterwards, so every route meets the same untouched scene.


@pytest.fixture(scope="module")
def database_url(databases) -> Iterator[str]:
    url = databases.copy()
    yield url
    databases.drop(url)


@pytest.fixture(scope="module")
def engine(database_url) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("route-coverage")


def _refs(value):
    """A scene with each model object replaced by (class, primary key), to load per test."""
    if isinstance(value, Scene | factories.World):
        return type(value), {f.name: _refs(getattr(value, f.name)) for f in fields(value)}
    state = sa_inspect(value, raiseerr=False)
    if state is not None and getattr(state, "mapper", None) is not None:
        return state.mapper.class_, state.identity
    raise TypeError(f"scene value {value!r} is neither a model object nor a scene")


def _load(db, ref):
    cls, value = ref
    if cls in (Scene, factories.World):
        return cls(**{name: _load(db, item) for name, item in value.items()})
    loaded = db.get(cls, value)
    assert loaded is not None, f"scene object {cls.__name__} {value} is gone"
    return loaded


@pytest.fixture(scope="module")
def committed_scene(engine, data_dir, database_url, tmp_path_factory):
    """World and scene, committed; then the search index from the database, as
    `dossierhuis serve` builds it at start-up. Returns references, not objects."""
    settings = Settings(
        data_dir=data_dir, database_url=database_url, secret_key="x", max_upload_mb=5
    )
    factory = make_session_factory(engine)
    session = factory()
    try:
        world = factories.World.build(session)
        session.commit()
        built = build_scene(
            session, world, BlobStore(settings.blob_dir), tmp_path_factory.mktemp("scene")
        )
        session.commit()
        refs = _refs(built)
    finally:
        session.close()
    assert ensure_index(factory, WhooshBackend(settings.index_dir)) == "missing"
    return refs


@pytest.fixture
def scene(app, db, committed_scene) -> Scene:
    """The module's scene, loaded in this test's session."""
    return _load(db, committed_scene)


# --- collecting the routes -----------------------------------------------------------------


def _url_map_rules():
    import tempfile

    from archive.config import Settings
    from web.app import create_app

    tmp = Path(tempfile.mkdtemp(prefix="routes-"))
    app = create_app(
        Settings(
            data_dir=tmp, database_url=f"sqlite:///{tmp / 'x.db'}", secret_key="x", max_upload_mb=1
        ),
        session_factory=lambda: None,
    )
    return sorted(app.url_map.iter_rules(), key=lambda r: r.rule)


def collect() -> list:
    cases = []
    for rule in _url_map_rules():
        if rule.endpoint == "static":
            continue
        for method in METHODS:
            if method in rule.methods:
                cases.append(pytest.param(rule.rule, method, id=f"{method} {rule.rule}"))
    return cases


ROUTES = collect()
_RULES = {r.rule: r for r in _url_map_rules()}


def kind_of(rule: str) -> str:
    endpoint = _RULES[rule].endpoint
    if endpoint in PUBLIC_ENDPOINTS:
        return "public"
    for pattern, kind in ROUTE_KINDS:
        if re.search(pattern, rule):
            return kind
    pytest.fail(
        f"route {rule} ({endpoint}) is not classified: add it to ROUTE_KINDS or "
        "PUBLIC_ENDPOINTS in tests/web/test_route_coverage.py, saying who may use it"
    )


def value_for(name: str, rule: str, scene: Scene) -> object:
    if name == "identificatie":
        if "/documenten/<identificatie>" in rule:
            return scene.document.identificatie
        if "/zaaktypen/<identificatie>" in rule:
            return scene.zaaktype.identificatie
        if "/zaken/<identificatie>" in rule:
            return scene.zaak.identificatie
        pytest.fail(f"route {rule}: no scene value for <identificatie> on this path")
    params = scene.params()
    if name not in params:
        pytest.fail(
            f"route {rule} has parameter <{name}> that the route-coverage scene does not "
            "know: add it to Scene.params in tests/web/test_route_coverage.py"
        )
    return params[name]


def build_url(rule: str, scene: Scene) -> str:
    def fill(match: re.Match) -> str:
        name = match.group(1).split(":")[-1]
        name = name.split(")")[-1] if ")" in name else name
        return str(value_for(name, rule, scene))

    return re.sub(r"<([^>]+)>", fill, rule)


def login(client, user) -> None:
    client.post("/logout")
    response = client.post(
        "/login", data={"username": user.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def api_headers(db, user) -> dict:
    _token, secret = create_token(db, None, user, "route-coverage", None)
    db.commit()
    return {"Authorization": f"Bearer {secret}"}


class Visitor:
    """Calls one route as one user, through the UI session or with an API token."""

    def __init__(self, client, db, url: str, method: str):
        self.client, self.db, self.url, self.method = client, db, url, method
        self.api = url.startswith("/api/")

    def call(self, user: User | None):
        if self.api:
            headers = api_headers(self.db, user) if user is not None else {}
            kwargs = {"json": {}} if self.method in ("POST", "PUT", "PATCH") else {}
            return _closed(
                self.client.open(self.url, method=self.method, headers=headers, **kwargs)
            )
        if user is None:
            self.client.post("/logout")
        else:
            login(self.client, user)
        kwargs = {"data": {}} if self.method in ("POST", "PUT", "PATCH") else {}
        return _closed(self.client.open(self.url, method=self.method, **kwargs))


def _closed(response):
    """Read and close the answer (a download streams an open file)."""
    response.get_data()
    response.close()
    return response


def _describe(who: str, response) -> str:
    return f"{who}: {response.status_code} {response.get_data(as_text=True)[:300]!r}"


def assert_anonymous(response, api: bool) -> None:
    if api:
        assert response.status_code == 401, _describe("anonymous", response)
        assert response.mimetype == PROBLEM
    else:
        assert response.status_code == 302, _describe("anonymous", response)
        assert response.headers["Location"].startswith("/login"), response.headers["Location"]


def assert_hidden(who: str, response, api: bool) -> None:
    assert response.status_code == 404, _describe(who, response)
    if api:
        assert response.mimetype == PROBLEM


def assert_allowed(who: str, response, method: str) -> None:
    status = response.status_code
    assert status not in (401, 403, 404) and status < 500, _describe(who, response)
    if method == "GET":
        # 409: a state answer, e.g. the closing report of a department that is still open
        assert status in (200, 302, 409), _describe(who, response)


@pytest.mark.parametrize(("rule", "method"), ROUTES)
def test_route_obeys_the_access_policy(client, db, scene, rule, method):
    kind = kind_of(rule)
    url = build_url(rule, scene)
    visit = Visitor(client, db, url, method)
    w = scene.world

    if kind == "public":
        response = visit.call(None)
        assert response.status_code < 500, _describe("anonymous", response)
        return

    assert_anonymous(visit.call(None), visit.api)

    if kind == "zaak":
        assert_hidden("buitenstaander", visit.call(w.buitenstaander), visit.api)
        assert_hidden("lezer (clearance intern)", visit.call(w.lezer), visit.api)
        # a global role is not a membership: the beheerder sees no zaken of a department
        assert_hidden("beheerder", visit.call(w.beheerder), visit.api)
    elif kind == "eigen":
        for who in ("buitenstaander", "lezer"):
            assert_hidden(who, visit.call(getattr(w, who)), visit.api)
    elif kind in ("beheer", "audit", "archief"):
        for who in ("buitenstaander", "lezer", "medewerker"):
            response = visit.call(getattr(w, who))
            assert response.status_code == 403, _describe(who, response)
    elif kind == "catalogus":
        if method != "GET":
            for who in ("buitenstaander", "lezer", "medewerker"):
                response = visit.call(getattr(w, who))
                assert response.status_code == 403, _describe(who, response)
    elif kind == "afdeling":
        # not a member of world.afdeling: the department is absent for them
        assert_hidden("buitenstaander", visit.call(w.buitenstaander), visit.api)
    elif kind == "ingelogd":
        for who in ("buitenstaander", "lezer"):
            response = visit.call(getattr(w, who))
            assert response.status_code < 500 and response.status_code != 404, _describe(
                who, response
            )

    authorised = AUTHORISED.get(kind)
    if kind == "catalogus":
        authorised = "medewerker" if method == "GET" else "beheerder"
    for pattern, who in AUTHORISED_BY_PATH:
        if re.search(pattern, rule):
            authorised = who
    user = scene.regisseur if authorised == "regisseur" else getattr(w, authorised)
    assert_allowed(authorised, visit.call(user), method)


def test_every_route_is_collected():
    """The parametrisation is not empty and covers UI, API and administration."""
    rules = {param.values[0] for param in ROUTES}
    assert "/zaken/<identificatie>" in rules
    assert "/api/v1/zaken/<identificatie>" in rules
    assert any(r.startswith("/beheer") for r in rules)
    assert {"/archivering", "/archivering/werkvoorraad"} <= rules  # the archivist's dashboard
    assert len(ROUTES) > 60
