"""Records that provider agencies hold: people, house registrations, companies, land.

These are the back-office registers behind the exchange's data services. The
platform reads them only through :mod:`eservice.registries.queries`, called by the
exchange when an authorised, signed request arrives. In the demo they hold
generated, clearly fictitious data.
"""

from __future__ import annotations

from django.db import models


class House(models.Model):
    """A house in the house registration (ทะเบียนบ้าน), identified by its 11-digit code."""

    house_code = models.CharField(max_length=11, unique=True)
    number = models.CharField(max_length=32)
    moo = models.CharField(max_length=8, blank=True)
    street_th = models.CharField(max_length=128, blank=True)
    subdistrict_th = models.CharField(max_length=128)
    district_th = models.CharField(max_length=128)
    province_th = models.CharField(max_length=128)
    postcode = models.CharField(max_length=5)
    registrar_th = models.CharField(max_length=255)

    def __str__(self) -> str:
        return self.house_code


class Person(models.Model):
    """A person in the population registry, by 13-digit national ID."""

    national_id = models.CharField(max_length=13, unique=True)
    title_th = models.CharField(max_length=32)
    first_name_th = models.CharField(max_length=128)
    last_name_th = models.CharField(max_length=128)
    title_en = models.CharField(max_length=32)
    first_name_en = models.CharField(max_length=128)
    last_name_en = models.CharField(max_length=128)
    birth_date = models.DateField()
    house = models.ForeignKey(
        House, null=True, blank=True, on_delete=models.SET_NULL, related_name="residents"
    )
    moved_in = models.DateField(null=True, blank=True)
    is_house_owner = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.national_id


class Company(models.Model):
    """A juristic person in the company registry, by 13-digit registration number."""

    registration_number = models.CharField(max_length=13, unique=True)
    name_th = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255)
    kind = models.CharField(max_length=64)
    registered_on = models.DateField()
    status = models.CharField(max_length=32, default="active")
    capital = models.DecimalField(max_digits=16, decimal_places=2)
    address_th = models.TextField()
    directors = models.JSONField(default=list)

    def __str__(self) -> str:
        return self.registration_number


class LandParcel(models.Model):
    """A title deed (โฉนดที่ดิน) in the land register."""

    deed_number = models.CharField(max_length=16, unique=True)
    province_th = models.CharField(max_length=128)
    district_th = models.CharField(max_length=128)
    subdistrict_th = models.CharField(max_length=128)
    area_rai = models.PositiveIntegerField()
    area_ngan = models.PositiveSmallIntegerField()
    area_square_wa = models.DecimalField(max_digits=5, decimal_places=1)
    owner_national_id = models.CharField(max_length=13)

    def __str__(self) -> str:
        return self.deed_number
