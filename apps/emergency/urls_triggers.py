"""Page routes of case reports, triggers and alerts (in the `emergency` namespace)."""

from django.urls import path

from apps.emergency import views_triggers as v

urlpatterns = [
    path("reports/", v.report_list, name="reports"),
    path("reports/import/", v.report_import, name="report_import"),
    path("reports/<int:pk>/", v.report_detail, name="report_detail"),
    path("triggers/", v.trigger_list, name="triggers"),
    path("triggers/<int:pk>/", v.trigger_detail, name="trigger_detail"),
    path("triggers/<int:pk>/acknowledge/", v.trigger_acknowledge, name="trigger_acknowledge"),
    path("triggers/<int:pk>/decide/", v.trigger_decide, name="trigger_decide"),
    path("triggers/<int:pk>/plan/", v.trigger_start_plan, name="trigger_start_plan"),
    path("alerts/<int:pk>/", v.alert_detail, name="alert_detail"),
]
