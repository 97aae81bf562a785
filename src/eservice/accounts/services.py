"""Public read API of the accounts module."""

from __future__ import annotations

from django.db.models import QuerySet

from eservice.accounts.models import ROLE_RANK, JuristicPerson, OfficerRole, User


def officer_role(user: User, agency_id: int) -> OfficerRole | None:
    """Return the user's role in the agency, or None when they are not its officer."""
    if not user.is_authenticated:
        return None
    return OfficerRole.objects.filter(user=user, agency_id=agency_id).first()


def officer_roles(user: User) -> QuerySet[OfficerRole]:
    """Return the user's roles, with their agencies, in agency order."""
    return OfficerRole.objects.filter(user=user).select_related("agency").order_by("agency__code")


def officer_by_username(agency_id: int, username: str) -> User | None:
    """Return the officer of the agency with this username, or None (also for non-officers)."""
    return User.objects.filter(username=username, officer_roles__agency_id=agency_id).first()


def role_at_least(role: OfficerRole | None, minimum: str) -> bool:
    """Return whether ``role`` ranks at or above the role named ``minimum``."""
    return (
        role is not None
        and ROLE_RANK[OfficerRole.Role(role.role)] >= ROLE_RANK[OfficerRole.Role(minimum)]
    )


def juristic_persons_for(user: User) -> QuerySet[JuristicPerson]:
    """Return the juristic persons the user may act for."""
    return JuristicPerson.objects.filter(representatives__user=user).order_by("name_th")
