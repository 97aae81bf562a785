from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "eservice.jobs"
    label = "jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each module that owns background work registers its jobs here.
        from eservice.jobs import registry

        registry.autodiscover()
