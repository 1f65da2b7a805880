"""Configuration from the environment, with safe defaults (part of the kernel)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

SEARCH_WORKERS = ("in-process", "extern")
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
        }
        values.update(overrides)
        if not values["secret_key"]:
            values["secret_key"] = _load_or_create_secret(Path(values["data_dir"]))
        return cls(**values)


def _flag(env, name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise SystemExit(f"{name} moet 1 of 0 zijn, niet '{raw}'.")
