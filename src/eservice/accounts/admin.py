from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from eservice.accounts.models import JuristicPerson, OfficerRole, Representation, User


class OfficerRoleInline(admin.TabularInline):
    model = OfficerRole
    extra = 0


@admin.register(User)
class PersonAdmin(UserAdmin):
    list_display = ("username", "full_name_th", "full_name_en", "is_staff")
    search_fields = ("username", "full_name_th", "full_name_en")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (
            "eservice",
            {
                "fields": (
                    "national_id",
                    "full_name_th",
                    "full_name_en",
                    "phone",
                    "preferred_language",
                )
            },
        ),
    )
    inlines = [OfficerRoleInline]


@admin.register(JuristicPerson)
class JuristicPersonAdmin(admin.ModelAdmin):
    list_display = ("registration_number", "name_th", "name_en")
    search_fields = ("registration_number", "name_th", "name_en")


admin.site.register(Representation)
admin.site.register(OfficerRole)
