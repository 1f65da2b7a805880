"""The app factory: one transaction per request, owned here at the boundary.

The search backend lives in ``app.extensions["dossierhuis.search"]``. The factory starts no
threads (unit tests create many apps): ``dossierhuis serve`` calls
:func:`start_search_worker` when ``SEARCH_WORKER=in-process``; after a request committed
search-outbox rows the running worker is woken, so the change is findable at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from flask import Flask, g, request
from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.orm import Session

from archive.blobstore import BlobStore
from archive.config import Settings
from archive.db import make_engine, make_session_factory
from archive.models import SearchOutbox, User
from search import make_backend
from search.backend import SearchBackend

log = logging.getLogger(__name__)

LANGUAGES = ("nl", "en")
FILES_PER_REQUEST = 4
# session.info flags set by a flush that wrote outbox rows → the worker to wake after commit
WAKE_FLAGS = (
    ("search_outbox", "dossierhuis.search_worker"),
    ("notificatie_outbox", "dossierhuis.notify_worker"),
)
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def select_locale() -> str:
    chosen = request.cookies.get("taal")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "nl"


def create_app(
    settings: Settings | None = None,
    *,
    session_factory: Callable[[], Session] | None = None,
    close_sessions: bool = True,
    testing: bool = False,
) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        # A form may carry several files; each is held to MAX_UPLOAD_MB by the ingest pipeline.
        MAX_CONTENT_LENGTH=settings.max_upload_bytes * FILES_PER_REQUEST + 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=30),
        BABEL_DEFAULT_LOCALE="nl",
        BABEL_TRANSLATION_DIRECTORIES="translations",
        WTF_CSRF_TIME_LIMIT=None,
        TESTING=testing,
        # flask-smorest / OpenAPI
        API_TITLE="Dossierhuis API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
    )
    app.extensions["dossierhuis.settings"] = settings
    app.extensions["dossierhuis.store"] = BlobStore(settings.blob_dir)
    app.extensions["dossierhuis.search_worker"] = None
    app.extensions["dossierhuis.notify_worker"] = None

    if session_factory is None:
        engine = make_engine(settings.database_url)
        app.extensions["dossierhuis.engine"] = engine
        session_factory = make_session_factory(engine)
    app.extensions["dossierhuis.session_factory"] = session_factory
    app.extensions["dossierhuis.close_sessions"] = close_sessions
    # SEARCH_BACKEND: Whoosh files, or tables in the app's own PostgreSQL database
    app.extensions["dossierhuis.search"] = make_backend(
        settings, session_factory, close_sessions=close_sessions
    )

    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        if not user_id.isdigit():
            return None
        user = db_session().get(User, int(user_id))
        return user if user is not None and user.active else None

    _register_transaction_boundary(app)
    _register_security_headers(app)

    from web import errors
    from web.api import register_api
    from web.auth import bp as auth_bp
    from web.ui import bp as ui_bp

    errors.register(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(ui_bp)
    register_api(app)
    return app


def db_session() -> Session:
    """The request's session; opened on first use."""
    from flask import current_app

    if "db" not in g:
        g.db = current_app.extensions["dossierhuis.session_factory"]()
    return g.db


def blob_store() -> BlobStore:
    from flask import current_app

    return current_app.extensions["dossierhuis.store"]


def settings() -> Settings:
    from flask import current_app

    return current_app.extensions["dossierhuis.settings"]


def search_backend() -> SearchBackend:
    from flask import current_app

    return current_app.extensions["dossierhuis.search"]


# -- the search worker ---------------------------------------------------------------------


def start_search_worker(app: Flask, *, poll_interval: float = 0.5):
    """Check the index (a missing or corrupt one is rebuilt, with a log line), then start
    the in-process index worker for ``app``; returns the running worker. Explicit, so that
    ``create_app`` alone never starts a thread."""
    from search.worker import ensure_index, start_in_process_worker

    running = app.extensions.get("dossierhuis.search_worker")
    if running is not None:
        return running
    backend = app.extensions["dossierhuis.search"]
    ensure_index(
        app.extensions["dossierhuis.session_factory"],
        backend,
        close_sessions=app.extensions["dossierhuis.close_sessions"],
    )
    worker = start_in_process_worker(app, backend, poll_interval)
    app.extensions["dossierhuis.search_worker"] = worker
    log.info("zoekindex: indexworker gestart in dit proces (%s)", backend.location)
    return worker


def stop_search_worker(app: Flask, timeout: float = 10.0) -> None:
    worker = app.extensions.get("dossierhuis.search_worker")
    if worker is not None:
        worker.stop(timeout)
        app.extensions["dossierhuis.search_worker"] = None


# -- the notify worker ---------------------------------------------------------------------


def start_notify_worker(app: Flask, *, poll_interval: float = 2.0):
    """Start the in-process notify worker (explicit, like the search worker)."""
    from archive.notificaties.worker import InProcessNotifyWorker

    running = app.extensions.get("dossierhuis.notify_worker")
    if running is not None:
        return running
    worker = InProcessNotifyWorker(
        app.extensions["dossierhuis.session_factory"],
        app.extensions["dossierhuis.settings"],
        poll_interval,
    ).start()
    app.extensions["dossierhuis.notify_worker"] = worker
    log.info("notificaties: worker gestart in dit proces")
    return worker


def stop_notify_worker(app: Flask, timeout: float = 10.0) -> None:
    worker = app.extensions.get("dossierhuis.notify_worker")
    if worker is not None:
        worker.stop(timeout)
        app.extensions["dossierhuis.notify_worker"] = None


@event.listens_for(Session, "after_flush")
def _note_search_outbox(session: Session, _flush_context) -> None:
    """Remember that this transaction wrote search-outbox rows (the worker is woken after
    the commit; a request without such rows costs the worker nothing)."""
    if not session.info.get("search_outbox") and any(
        isinstance(obj, SearchOutbox) for obj in session.new
    ):
        session.info["search_outbox"] = True


def _register_transaction_boundary(app: Flask) -> None:
    @app.after_request
    def commit_or_rollback(response):
        session: Session | None = g.get("db")
        if session is not None:
            # A view may ask to keep its writes on an error answer (a failed login's count).
            if response.status_code < 400 or g.get("commit_despite_error"):
                session.commit()
                for flag, name in WAKE_FLAGS:
                    if session.info.pop(flag, False):
                        worker = app.extensions.get(name)
                        if worker is not None:
                            worker.wake()
            else:
                session.rollback()
                for flag, _name in WAKE_FLAGS:
                    session.info.pop(flag, None)
        return response

    @app.teardown_request
    def close_session(exc):
        session: Session | None = g.pop("db", None)
        if session is None:
            return
        if exc is not None:
            session.rollback()
        if app.extensions["dossierhuis.close_sessions"]:
            session.close()


def _register_security_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.endpoint != "static":
            h.setdefault("Cache-Control", "no-store")
        return response
