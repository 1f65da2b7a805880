"""The access policy: the one place that decides who may see or change what.

Every read path (pages, API, downloads, counts, exports, search) asks this module. For now
every active user with a working role may see and change all records; the access-control
issue replaces the bodies of these functions with memberships, clearances and grants
without changing their callers.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, true

from archive.models import Document, User, Zaak

WORKING_ROLES = {"medewerker", "beheerder", "archivaris"}


def zaak_filter(user: User) -> ColumnElement[bool]:
    """A WHERE clause selecting the zaken ``user`` may see (lists and counts use it)."""
    return true()


def can_view_zaak(user: User, zaak: Zaak) -> bool:
    return user.is_active


def can_change_zaak(user: User, zaak: Zaak) -> bool:
    return user.is_active and bool(WORKING_ROLES & set(user.roles or []))


def can_view_document(user: User, document: Document) -> bool:
    return user.is_active and any(can_view_zaak(user, link.zaak) for link in document.zaak_links)


def can_create_zaak(user: User) -> bool:
    return user.is_active and bool(WORKING_ROLES & set(user.roles or []))
