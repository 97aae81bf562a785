from django.urls import path

from eservice.laws import views

app_name = "laws"
urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("laws/", views.law_list, name="laws"),
    path("laws/<slug:code>/", views.law_page, name="law"),
    path("laws/<slug:code>/<str:number>/", views.section_page, name="section"),
]
