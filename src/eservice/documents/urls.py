from django.urls import path

from eservice.documents import views

app_name = "documents"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/ca.pem", views.ca_certificate, name="ca"),
    path("verify/<uuid:public_id>/", views.verify_document, name="verify-document"),
    path("documents/<uuid:public_id>/pdf/", views.download, name="download"),
    path("office/agencies/<slug:agency>/templates/", views.templates, name="templates"),
    path(
        "office/agencies/<slug:agency>/templates/<slug:code>/",
        views.template_edit,
        name="template",
    ),
]
