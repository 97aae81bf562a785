from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from eservice.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Platform administrators (is_staff): agencies, people, officers' roles.
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("eservice.api_urls")),
    path("", include("eservice.accounts.urls")),
    path("", include("eservice.catalog.urls")),
    path("", include("eservice.cases.urls")),
    path("", include("eservice.documents.urls")),
    path("", include("eservice.exchange.urls")),
    path("", include("eservice.opendata.urls")),
    path("", include("eservice.laws.urls")),
    path("", include("eservice.notify.urls")),
]

# Styled error pages in the user's language; JSON under /api/ (also with DEBUG off).
handler400 = "eservice.core.views.bad_request"
handler403 = "eservice.core.views.permission_denied"
handler404 = "eservice.core.views.page_not_found"
handler500 = "eservice.core.views.server_error"
