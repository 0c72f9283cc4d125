from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from config import health

admin.site.site_header = "Sportello"
admin.site.site_title = "Sportello admin"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("healthz/web", health.healthz_web, name="healthz-web"),
    path("admin/", admin.site.urls),
    # set_language: the console's language switch (remembered in a cookie).
    path("i18n/", include("django.conf.urls.i18n")),
    path("internal/api/v1/", include("internal_api.urls")),
    path("console/", include("agent_console.urls")),
    path("", include("shop.urls")),
    path("", include("webchat.urls")),
    path("", include("kb.urls")),
    # Product images and KB attachments; behind a CDN or proxy in large deployments.
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]
