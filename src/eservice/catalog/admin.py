from django.contrib import admin

from eservice.catalog.models import Agency, AgencyDayOff, Category, Service


class DayOffInline(admin.TabularInline):
    model = AgencyDayOff
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name_th", "name_en", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "name_th", "name_en")
    inlines = [DayOffInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_th", "name_en")


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    """Manuals are published by import (docs/service-format.md); here only on/off."""

    list_display = ("code", "agency", "category", "current_version", "is_active")
    list_filter = ("is_active", "agency")
    fields = ("code", "agency", "category", "current_version", "is_active")
    readonly_fields = ("code", "agency", "category", "current_version")

    def has_add_permission(self, request: object) -> bool:
        return False
