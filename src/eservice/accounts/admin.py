from django.contrib import admin

from eservice.accounts.models import JuristicPerson, OfficerRole, Representation, User

admin.site.register(User)
admin.site.register(JuristicPerson)
admin.site.register(Representation)
admin.site.register(OfficerRole)
