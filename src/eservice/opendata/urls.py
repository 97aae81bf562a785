from django.urls import path, re_path

from eservice.opendata import api, views

app_name = "opendata"
urlpatterns = [
    # CKAN's Action API, under both prefixes CKAN serves (ckanapi uses /api/action/).
    path("api/3/action/<str:name>", api.action, name="action"),
    path("api/action/<str:name>", api.action, name="action-unversioned"),
    path("api/3", api.api_root, name="api-root"),
    # DCAT: the whole catalog, paged, and each dataset.
    re_path(r"^catalog\.(?P<fmt>jsonld|ttl)$", views.catalog_rdf, name="catalog-rdf"),
    re_path(
        r"^dataset/(?P<name>[-\w]+)\.(?P<fmt>jsonld|ttl)$", views.dataset_rdf, name="dataset-rdf"
    ),
    # Pages and downloads.
    path("dataset/", views.dataset_list, name="datasets"),
    path("dataset/<slug:name>", views.dataset_page, name="dataset"),
    path(
        "dataset/<slug:name>/resource/<uuid:resource_id>/download/<str:filename>",
        views.download,
        name="download",
    ),
]
