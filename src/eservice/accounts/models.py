"""People, juristic persons they act for, and officers' roles in agencies."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.th import moa, pin


def validate_national_id(value: str) -> None:
    """Refuse a Thai national ID whose length or check digit is wrong."""
    if not pin.is_valid(value):
        raise ValidationError(_("Enter a valid 13-digit Thai national ID number."))


def validate_juristic_id(value: str) -> None:
    """Refuse a Thai juristic person registration number that is not valid."""
    if not moa.is_valid(value):
        raise ValidationError(_("Enter a valid 13-digit juristic person registration number."))


class User(AbstractUser):
    """A person who signs in: an applicant, an officer, or both."""

    class Language(models.TextChoices):
        THAI = "th", _("Thai")
        ENGLISH = "en", _("English")

    national_id = models.CharField(
        _("national ID number"),
        max_length=13,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_national_id],
    )
    full_name_th = models.CharField(_("full name (Thai)"), max_length=200, blank=True)
    full_name_en = models.CharField(_("full name (English)"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.THAI
    )

    def display_name(self) -> str:
        """Return the person's name for officers, falling back to the username."""
        return self.full_name_th or self.full_name_en or self.get_full_name() or self.username


class JuristicPerson(models.Model):
    """A company, partnership or other juristic person that applies through people."""

    registration_number = models.CharField(
        _("registration number"), max_length=13, unique=True, validators=[validate_juristic_id]
    )
    name_th = models.CharField(_("name (Thai)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)

    def __str__(self) -> str:
        return self.name_th


class Representation(models.Model):
    """A person's authority to act for a juristic person."""

    class Capacity(models.TextChoices):
        DIRECTOR = "director", _("authorised director")
        PROXY = "proxy", _("proxy holder")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="representations")
    juristic_person = models.ForeignKey(
        JuristicPerson, on_delete=models.CASCADE, related_name="representatives"
    )
    capacity = models.CharField(max_length=16, choices=Capacity.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "juristic_person"], name="one_representation")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} for {self.juristic_person_id}"


class OfficerRole(models.Model):
    """A person's role in one agency's back office."""

    class Role(models.TextChoices):
        CLERK = "clerk", _("clerk")
        REVIEWER = "reviewer", _("reviewer")
        APPROVER = "approver", _("approver")
        ADMIN = "admin", _("agency administrator")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="officer_roles")
    agency = models.ForeignKey(
        "catalog.Agency", on_delete=models.CASCADE, related_name="officer_roles"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    position_th = models.CharField(_("position (Thai)"), max_length=200, blank=True)
    position_en = models.CharField(_("position (English)"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="one_role_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.user.username} @ {self.agency_id}: {self.role}"


# How much each role may do: a role may do what any lower role may.
ROLE_RANK = {
    OfficerRole.Role.CLERK: 1,
    OfficerRole.Role.REVIEWER: 2,
    OfficerRole.Role.APPROVER: 3,
    OfficerRole.Role.ADMIN: 4,
}
