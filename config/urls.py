from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps import views as sitemap_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import APIRootView

from accounts.api import obtain_token
from accounts.views import LogoutView, api_token, revoke_api_token
from core.views import healthz
from incidents import about
from incidents.entity_pages import actor_page, place_page, source_page, tag_page
from incidents.explorer import incident_explorer
from incidents.feeds import IncidentFeed, RetractedFeed
from incidents.sitemaps import SITEMAPS, sitemap_index
from incidents.views import (
    home,
    incident_bibtex,
    incident_csl_json,
    incident_page,
    incident_version_bibtex,
    incident_version_csl_json,
    incident_version_page,
)

admin.site.site_header = f"{settings.TESSERA_NAME} administration"
admin.site.site_title = settings.TESSERA_NAME
admin.site.index_title = "Incidents, actors, places and sources"

# What /api/v1/ lists: each resource's list, the schema and the docs, by URL name.
API_ROOT = {
    "incidents": "incident-list",
    "actors": "actor-list",
    "locations": "location-list",
    "sources": "source-list",
    "schema": "api-schema",
    "docs": "api-docs",
}

api_patterns: list[URLPattern | URLResolver] = [
    path("", APIRootView.as_view(api_root_dict=API_ROOT), name="api-root"),
    path("", include("incidents.api.urls")),
    path("", include("geo.api.urls")),
    path("auth/token/", obtain_token, name="api-auth-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/",
        # The split view serves its set-up as a script, so the page needs no inline script.
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
]

# JSON bodies under /api/, Django's pages elsewhere.
handler400 = "core.errors.bad_request"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"

urlpatterns = [
    path("", home, name="home"),
    path("healthz/", healthz, name="healthz"),
    path("about/", about.about, name="about"),
    path("about/codebook/", about.codebook_page, name="codebook"),
    path("about/methodology/", about.methodology, name="methodology"),
    path("robots.txt", about.robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("incidents/", incident_explorer, name="incident-explorer"),
    # Files of the explorer's selection, before the permalinks' `incidents/<public id>/`.
    path("incidents/feed.atom", IncidentFeed(), name="incident-feed"),
    path("incidents/retracted.atom", RetractedFeed(), name="incident-retracted-feed"),
    path("incidents/cite.bib", about.dataset_bibtex, name="dataset-bibtex"),
    path("incidents/cite.json", about.dataset_csl_json, name="dataset-csl-json"),
    path("incidents/<str:public_id>/", incident_page, name="incident-page"),
    path("incidents/<str:public_id>/cite.bib", incident_bibtex, name="incident-bibtex"),
    path("incidents/<str:public_id>/cite.json", incident_csl_json, name="incident-csl-json"),
    # Each version of a record, as it was: what a citation links to.
    path(
        "incidents/<str:public_id>/v/<int:number>/",
        incident_version_page,
        name="incident-version-page",
    ),
    path(
        "incidents/<str:public_id>/v/<int:number>/cite.bib",
        incident_version_bibtex,
        name="incident-version-bibtex",
    ),
    path(
        "incidents/<str:public_id>/v/<int:number>/cite.json",
        incident_version_csl_json,
        name="incident-version-csl-json",
    ),
    path("actors/<int:pk>/", actor_page, name="actor-page"),
    path("places/<int:pk>/", place_page, name="place-page"),
    path("sources/<int:pk>/", source_page, name="source-page"),
    path("tags/<path:name>/", tag_page, name="tag-page"),
    path("account/login/", auth_views.LoginView.as_view(), name="login"),
    path("account/logout/", LogoutView.as_view(), name="logout"),
    path("account/token/", api_token, name="api-token"),
    path("account/token/<int:pk>/revoke/", revoke_api_token, name="api-token-revoke"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_patterns)),
]
