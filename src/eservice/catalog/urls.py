from django.urls import path

from eservice.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("services/", views.service_list, name="services"),
    path("services/<slug:code>/", views.service_detail, name="service"),
]
