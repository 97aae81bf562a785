from django.urls import path

from eservice.notify import views

app_name = "notify"
urlpatterns = [
    path("my/messages/", views.my_messages, name="messages"),
    path("office/agencies/<slug:agency>/messages/", views.agency_messages, name="agency"),
    path(
        "office/agencies/<slug:agency>/messages/<uuid:public_id>/retry/",
        views.retry,
        name="retry",
    ),
    path("office/agencies/<slug:agency>/messages/webhook/", views.webhook, name="webhook"),
    path(
        "office/agencies/<slug:agency>/message-templates/",
        views.template_list,
        name="templates",
    ),
    path(
        "office/agencies/<slug:agency>/message-templates/<slug:event>/<slug:channel>/<slug:language>/",
        views.template_edit,
        name="template",
    ),
    path("office/delay-reasons/<str:number>/", views.delay_reason, name="delay-reason"),
]
