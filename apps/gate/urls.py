from django.urls import path

from apps.gate import views

app_name = "gate"

urlpatterns = [
    path("", views.checks_today, name="checks"),
    path("kiosk/", views.kiosk, name="kiosk"),
    path("stops/", views.stops, name="stops"),
    path("overrides/", views.overrides, name="overrides"),
    path("checks/<int:check_id>/override/", views.override, name="override"),
    path("schools/<int:pk>/gates/", views.school_gates, name="school_gates"),
    path("gates/<int:pk>/edit/", views.gate_edit, name="gate_edit"),
]
