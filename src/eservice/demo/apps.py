from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "eservice.demo"
    label = "demo"
    verbose_name = "Demo data"
