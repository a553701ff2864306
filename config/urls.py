from django.conf import settings
from django.contrib import admin
from django.urls import path

from core.views import healthz
from incidents.views import home

admin.site.site_header = f"{settings.TESSERA_NAME} administration"
admin.site.site_title = settings.TESSERA_NAME
admin.site.index_title = "Incidents, actors, places and sources"

urlpatterns = [
    path("", home, name="home"),
    path("healthz/", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
