"""Domain errors: what a service refuses, in words a user can act on."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the request; ``message`` is shown to the user as is."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code or type(self).__name__

    def field_errors(self) -> dict[str, list[str]]:
        return {self.field: [self.message]} if self.field else {}


class ValidationFailed(DomainError):
    """Several fields were wrong at once; ``errors`` maps field to messages."""

    status = 422

    def __init__(self, errors: dict[str, list[str]], message: str = "De invoer is niet geldig."):
        super().__init__(message)
        self.errors = errors

    def field_errors(self) -> dict[str, list[str]]:
        return self.errors


class NotFound(DomainError):
    """Unknown id, or a record the user may not see: both look the same."""

    status = 404


class Forbidden(DomainError):
    """The user may see the record but not do this to it."""

    status = 403


class Conflict(DomainError):
    """The request clashes with the current state (closed zaak, duplicate)."""

    status = 409


class IngestRefused(DomainError):
    """A file was refused by the ingest pipeline; nothing of it was kept."""

    status = 422

    def __init__(self, message: str, *, code: str, field: str | None = "bestand"):
        super().__init__(message, field=field, code=code)


class TooLarge(IngestRefused):
    status = 413
