from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "eservice.notify"
    label = "notify"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from eservice.notify import handlers  # noqa: F401  (connects to case events)
