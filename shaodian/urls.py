from django.contrib import admin
from django.urls import include, path

from apps.operations.views import healthz
from shaodian.api import api_urls, docs_page

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api_urls()),
    path("api/docs", docs_page, name="api-docs"),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("risk-areas/", include("apps.risk.urls")),
    path("declarations/", include("apps.travel.urls")),
    path("policy/", include("apps.policy.urls")),
    path("exports/", include("apps.rosters.export_urls")),
    path("rosters/", include("apps.rosters.urls")),
    path("notifications/", include("apps.notifications.urls")),
    path("followups/", include("apps.followups.urls")),
    path("emergency/", include("apps.emergency.urls")),
    path("health/", include("apps.health.urls")),
    path("gate/", include("apps.gate.urls")),
    path("absence/", include("apps.absence.urls")),
    path("testing/", include("apps.testing.urls")),
    path("", include("apps.web.urls")),
]
