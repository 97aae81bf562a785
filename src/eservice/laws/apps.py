from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LawsConfig(AppConfig):
    name = "eservice.laws"
    label = "laws"
    verbose_name = _("Law catalog")

    def ready(self) -> None:
        from eservice.catalog.signals import service_published
        from eservice.laws import receivers

        service_published.connect(receivers.reindex_service, dispatch_uid="laws-reindex-service")
