from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from apps.gate.api import GATE_AUTH, VerdictIn, post_verdict
from apps.health.api import CheckInIn
from apps.health.api import checkin_submit as checkin_post
from apps.operations.views import healthz
from shaodian.api import API_AUTH, api_urls, direct_post, docs_page

urlpatterns = [
    # One way in, with the lockout (apps.access.services.login_attempt): the admin's own
    # login form would check passwords without counting failures.
    path("admin/login/", RedirectView.as_view(pattern_name="web:login", query_string=True)),
    path("admin/", admin.site.urls),
    # The two requests every terminal and parent sends, served without ninja's request
    # handling (shaodian.api.direct_post); their ninja routes below document them.
    path("api/v1/gate/verdicts", direct_post(post_verdict, VerdictIn, GATE_AUTH)),
    path("api/v1/health/checkins", direct_post(checkin_post, CheckInIn, API_AUTH)),
    path("api/v1/", api_urls()),
    path("api/docs", docs_page, name="api-docs"),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("risk-areas/", include("apps.risk.urls")),
    path("declarations/", include("apps.travel.urls")),
    path("policy/", include("apps.policy.urls")),
    path("", include("apps.access.urls")),  # access-log/…, roles/…
    path("", include("apps.rosters.urls")),  # exports/…, rosters/…
    path("notifications/", include("apps.notifications.urls")),
    path("followups/", include("apps.followups.urls")),
    path("emergency/", include("apps.emergency.urls")),
    path("health/", include("apps.health.urls")),
    path("families/", include("apps.families.urls")),
    path("accounts/", include("apps.accounts.urls")),
    path("gate/", include("apps.gate.urls")),
    path("absence/", include("apps.absence.urls")),
    path("testing/", include("apps.testing.urls")),
    path("status/", include("apps.status.urls")),
    path("reports/", include("apps.reports.urls")),
    path("supervision/", include("apps.supervision.urls")),
    path("concerns/", include("apps.concerns.urls")),
    path("supplies/", include("apps.supplies.urls")),
    path("parcels/", include("apps.parcels.urls")),
    path("disinfection/", include("apps.disinfection.urls")),
    path("approvals/", include("apps.approvals.urls")),
    path("isolation/", include("apps.isolation.urls")),
    path("visitors/", include("apps.visitors.urls")),
    path("setup/", include("apps.orgs.urls")),
    path("setup/", include("apps.schoolyear.urls")),
    path("transfers/", include("apps.transfers.urls")),
    path("", include("apps.web.urls")),
]
