from django.urls import path

from eservice.exchange import views

app_name = "exchange"
urlpatterns = [
    path("r1/<path:service_id>", views.r1, name="r1"),
    path("exchange/registry.json", views.registry_file, name="registry"),
    path("account/data-reads/", views.my_data, name="my-data"),
    path("office/agencies/<slug:agency>/exchange/", views.agency_exchange, name="agency"),
]
