"""A real server (waitress, as ``dossierhuis serve`` runs it) and Debian's Chromium.

The app runs in a background thread against a database of its own with committed data, so
the browser sees exactly what a user would: real sessions, CSRF tokens, redirects, uploads.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from archive.config import Settings
from archive.db import make_engine, make_session_factory, transaction
from archive.migrate import upgrade
from tests import factories

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class LiveServer:
    url: str
    username: str
    password: str
    zaaktype_id: int
    afdeling_id: int
    iot_id: int
    data_dir: Path


def archive_world(session, server: LiveServer) -> SimpleNamespace:
    """The live server's medewerker, department and iot plus an archivist, shaped like the
    ``world`` fixture that ``tests.vernietiging_helpers`` builds on."""
    from archive import users
    from zaaktypen import services as catalogus

    return SimpleNamespace(
        medewerker=users.get_user(session, server.username),
        afdeling=catalogus.get_afdeling(session, server.afdeling_id),
        iot=catalogus.get_informatieobjecttype(session, server.iot_id),
        archivaris=factories.make_user(session, username="e2e.archivaris", roles=("archivaris",)),
    )


@pytest.fixture
def live_server(isolated_database, tmp_path) -> Iterator[LiveServer]:
    import waitress

    from web.app import create_app, start_search_worker, stop_search_worker

    engine = make_engine(isolated_database)
    upgrade(engine)
    with transaction(make_session_factory(engine)) as s:
        user = factories.make_user(s, username="e2e.medewerker", roles=("medewerker",))
        afdeling = factories.make_afdeling(s, naam="Zorg- en Veiligheidshuis")
        factories.make_member(s, afdeling, user)
        zaaktype = factories.make_zaaktype(s)
        iot = factories.make_iot(s, omschrijving="Brief")
        ids = (zaaktype.id, afdeling.id, iot.id, user.username)
    engine.dispose()

    data_dir = tmp_path / "var"
    settings = Settings(
        data_dir=data_dir,
        database_url=isolated_database,
        secret_key="e2e-secret-key",
        max_upload_mb=5,
    )
    app = create_app(settings)
    start_search_worker(app, poll_interval=0.2)  # as `dossierhuis serve` does
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, name="waitress-e2e", daemon=True)
    thread.start()
    try:
        yield LiveServer(
            url=f"http://127.0.0.1:{server.effective_port}",
            username=ids[3],
            password=factories.PASSWORD,
            zaaktype_id=ids[0],
            afdeling_id=ids[1],
            iot_id=ids[2],
            data_dir=data_dir,
        )
    finally:
        # closed inside the server's own loop: closing its sockets from this thread raced
        # the loop's select() (EBADF in the server thread at teardown)
        server.trigger.pull_trigger(lambda: [d.close() for d in list(server._map.values())])
        thread.join(timeout=10)
        server.task_dispatcher.shutdown()
        assert not thread.is_alive(), "de e2e-server stopte niet"
        stop_search_worker(app)
        app.extensions["dossierhuis.engine"].dispose()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} ontbreekt: installeer Debian's chromium (make test doet dat)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def login(page, url: str, username: str) -> None:
    """Sign in through the login form, as a user would; every test user has one password."""
    page.goto(f"{url}/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(factories.PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda current: "/login" not in current)


def logout(page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(re.compile(r"/login"))


def _is_favicon(url: str) -> bool:
    """Chromium asks for /favicon.ico on its own; a 404 there is no bug of the page."""
    return url.endswith("/favicon.ico")


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(accept_downloads=True, locale="nl-NL")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(f"{msg.text} {msg.location.get('url', '')}")
            if msg.type == "error"
            and not _is_favicon(msg.location.get("url", ""))
            # a 4xx page (a form shown with its errors) is a valid answer; failed
            # subresources are caught per response below
            and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            errors.append(f"{response.status} {response.url}")
            if response.status >= 400
            and response.request.resource_type != "document"
            and not _is_favicon(response.url)
            else None
        ),
    )
    try:
        yield page
    finally:
        context.close()
    # A CSP violation or a script error is a bug even when the page looks fine.
    assert errors == []


VENDOR = Path(__file__).parent / "vendor"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _axe_source() -> str | None:
    configured = os.environ.get("AXE_JS")
    if configured and Path(configured).is_file():
        return Path(configured).read_text(encoding="utf-8")
    found = sorted(VENDOR.glob("axe-*.min.js"))
    return found[-1].read_text(encoding="utf-8") if found else None


@pytest.fixture(scope="session")
def axe_source() -> str:
    source = _axe_source()
    if source is None:
        message = "axe-core ontbreekt in tests/e2e/vendor: 'make axe' haalt het op."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return source


def axe_violations(page, source: str) -> list[str]:
    """WCAG 2.1 A/AA violations on the current page, one line per rule and element.

    The script is evaluated through the DevTools protocol, so the page's strict CSP (which
    forbids inline scripts, rightly) stays in force for everything else.
    """
    page.evaluate(source)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_AA,
    )
    lines = []
    for violation in result["violations"]:
        for node in violation["nodes"]:
            lines.append(
                f"{page.url}: {violation['id']} ({violation['impact']}) "
                f"{' '.join(map(str, node['target']))}: {violation['help']}"
            )
    return lines
