"""Configuration from the environment, with safe defaults (part of the kernel)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

SEARCH_WORKERS = ("in-process", "extern")
SEARCH_BACKENDS = ("whoosh", "postgres")
NOTIFY_WORKERS = ("in-process", "extern")
SMTP_TLS = ("geen", "starttls", "ssl")
_TRUE = ("1", "true", "yes", "ja")
_FALSE = ("0", "false", "no", "nee")


def _load_or_create_secret(data_dir: Path) -> str:
    """Keep one generated key per data directory so sessions survive restarts."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    secret_key: str
    max_upload_mb: int = 100
    session_cookie_secure: bool = False
    # the search index: where it lives (None: <data_dir>/index), who applies the outbox
    # ("in-process": a thread of `dossierhuis serve`; "extern": `dossierhuis index worker`),
    # and whether regie users see which other departments have a zaak about a person
    search_index_dir: Path | None = None
    search_worker: str = "in-process"
    search_other_departments: bool = True
    # which engine holds the search index: "whoosh" (files under search_index_dir, one
    # machine) or "postgres" (tables in the PostgreSQL database: several app servers)
    search_backend: str = "whoosh"
    # postgres: a query with well over this many visible matches is answered from a sample
    # of them (estimated total and facets); 0: always count every match
    search_exact_limit: int = 5_000
    # notifications (archive/notificaties): who runs the worker, where links point, SMTP
    # (no SMTP_HOST: no e-mail), webhook retries, the warning before a department's end
    notify_worker: str = "in-process"
    base_url: str = "http://127.0.0.1:8000"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_tls: str = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "dossierhuis@localhost"
    webhook_max_pogingen: int = 8
    webhook_backoff_seconds: int = 30
    webhook_timeout_seconds: int = 10
    afdeling_einde_dagen: int = 14
    notificatie_bewaardagen: int = 180
    extra: dict = field(default_factory=dict)

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def index_dir(self) -> Path:
        return Path(self.search_index_dir) if self.search_index_dir else self.data_dir / "index"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> Settings:
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("DOSSIERHUIS_DATA_DIR", "./var")).resolve()
        database_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'dossierhuis.sqlite3'}"
        try:
            max_upload_mb = int(env.get("MAX_UPLOAD_MB", "100"))
        except ValueError as exc:
            raise SystemExit("MAX_UPLOAD_MB moet een geheel getal zijn (megabytes).") from exc
        if max_upload_mb <= 0:
            raise SystemExit("MAX_UPLOAD_MB moet groter dan 0 zijn.")
        search_worker = (env.get("SEARCH_WORKER") or "in-process").strip().lower()
        if search_worker not in SEARCH_WORKERS:
            raise SystemExit(
                "SEARCH_WORKER moet 'in-process' of 'extern' zijn (extern: een aparte "
                "'dossierhuis index worker' verwerkt de wijzigingen voor de zoekindex)."
            )
        index_dir = env.get("SEARCH_INDEX_DIR") or ""
        notify = _notify_settings(env)
        values = {
            "data_dir": data_dir,
            "database_url": database_url,
            "secret_key": env.get("SECRET_KEY") or None,
            "max_upload_mb": max_upload_mb,
            "session_cookie_secure": env.get("SESSION_COOKIE_SECURE", "0").lower()
            in ("1", "true", "yes"),
            "search_index_dir": Path(index_dir).resolve() if index_dir else None,
            "search_worker": search_worker,
            "search_other_departments": _flag(env, "SEARCH_OTHER_DEPARTMENTS", True),
            "search_backend": _search_backend(env, database_url),
            "search_exact_limit": _int(env, "SEARCH_EXACT_LIMIT", 5_000, 0),
            **notify,
        }
        values.update(overrides)
        if not values["secret_key"]:
            values["secret_key"] = _load_or_create_secret(Path(values["data_dir"]))
        return cls(**values)


def _int(env, name: str, default: int, minimum: int = 0) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} moet een geheel getal zijn, niet '{raw}'.") from None
    if value < minimum:
        raise SystemExit(f"{name} moet ten minste {minimum} zijn.")
    return value


def _notify_settings(env) -> dict:
    worker = (env.get("NOTIFY_WORKER") or "in-process").strip().lower()
    if worker not in NOTIFY_WORKERS:
        raise SystemExit(
            "NOTIFY_WORKER moet 'in-process' of 'extern' zijn (extern: een aparte "
            "'dossierhuis notify worker' bezorgt de notificaties)."
        )
    tls = (env.get("SMTP_TLS") or "starttls").strip().lower()
    if tls not in SMTP_TLS:
        raise SystemExit("SMTP_TLS moet 'geen', 'starttls' of 'ssl' zijn.")
    base_url = (env.get("DOSSIERHUIS_BASE_URL") or "http://127.0.0.1:8000").strip().rstrip("/")
    if not base_url.startswith(("http://", "https://")):
        raise SystemExit("DOSSIERHUIS_BASE_URL moet met http:// of https:// beginnen.")
    return {
        "notify_worker": worker,
        "base_url": base_url,
        "smtp_host": (env.get("SMTP_HOST") or "").strip(),
        "smtp_port": _int(env, "SMTP_PORT", 465 if tls == "ssl" else 587, 1),
        "smtp_tls": tls,
        "smtp_user": env.get("SMTP_USER") or "",
        "smtp_password": env.get("SMTP_PASSWORD") or "",
        "smtp_from": (env.get("SMTP_FROM") or "dossierhuis@localhost").strip(),
        "webhook_max_pogingen": _int(env, "NOTIFY_WEBHOOK_MAX_POGINGEN", 8, 1),
        "webhook_backoff_seconds": _int(env, "NOTIFY_WEBHOOK_BACKOFF_SECONDS", 30, 0),
        "webhook_timeout_seconds": _int(env, "NOTIFY_WEBHOOK_TIMEOUT_SECONDS", 10, 1),
        "afdeling_einde_dagen": _int(env, "NOTIFY_AFDELING_EINDE_DAGEN", 14, 0),
        "notificatie_bewaardagen": _int(env, "NOTIFY_BEWAARDAGEN", 180, 1),
    }


def _search_backend(env, database_url: str) -> str:
    chosen = (env.get("SEARCH_BACKEND") or "whoosh").strip().lower()
    if chosen not in SEARCH_BACKENDS:
        raise SystemExit(
            "SEARCH_BACKEND moet 'whoosh' of 'postgres' zijn (postgres: de zoekindex staat in "
            "de PostgreSQL-database, gedeeld door meer app-servers)."
        )
    if chosen == "postgres" and not database_url.startswith("postgresql"):
        raise SystemExit(
            "SEARCH_BACKEND=postgres vraagt een PostgreSQL-database: zet DATABASE_URL op "
            "postgresql+psycopg://… of kies SEARCH_BACKEND=whoosh."
        )
    return chosen


def _flag(env, name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise SystemExit(f"{name} moet 1 of 0 zijn, niet '{raw}'.")
