"""Global roles: which role may do which kind of work. One table, asked by the access
policy (``archive.access``) and by the catalogue services, which sit below it.

A global role never opens a zaak by itself: sight of zaken comes only from department
memberships and grants (``archive.access``).
"""

from __future__ import annotations

from typing import Any

# kind of work → roles that may do it
BEHEER = frozenset({"beheerder", "systeembeheerder"})  # catalogue, departments, users
AUDIT = frozenset({"auditor", "systeembeheerder"})  # audit trail and access log
ARCHIEF = frozenset({"archivaris"})  # retention, destruction, transfer
TOEGANG_VERLENEN = frozenset({"beheerder"})  # grants on a zaak, besides the department's regie


def has_any(user: Any, roles: frozenset[str]) -> bool:
    """An active user holding one of ``roles``."""
    if user is None or not getattr(user, "is_active", False):
        return False
    return bool(roles & set(getattr(user, "roles", None) or []))


def is_beheerder(user: Any) -> bool:
    return has_any(user, BEHEER)


def is_auditor(user: Any) -> bool:
    return has_any(user, AUDIT)


def is_archivaris(user: Any) -> bool:
    return has_any(user, ARCHIEF)
