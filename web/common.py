"""Helpers shared by the web UI and the API (both are thin adapters over the services)."""

from __future__ import annotations

from os import PathLike
from typing import IO

from flask import Response, send_file


def private_download(
    content: IO[bytes] | PathLike | str, *, mimetype: str, download_name: str
) -> Response:
    """A file the archivist downloads (a verklaring van vernietiging, a transfer package):
    an attachment, never sniffed, never kept by a cache."""
    response = send_file(
        content, mimetype=mimetype, as_attachment=True, download_name=download_name, max_age=None
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
