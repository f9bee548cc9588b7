from django.urls import include, path

from apps.emergency import views

app_name = "emergency"

urlpatterns = [
    path("modes/", views.mode_overview, name="modes"),
    path("modes/<int:school_id>/", views.school_modes, name="school_modes"),
]
urlpatterns += [path("", include("apps.emergency.urls_plans"))]  # plans, task force, drills
urlpatterns += [path("", include("apps.emergency.urls_triggers"))]  # reports, triggers
