from django.urls import path

from apps.health import views

app_name = "health"

urlpatterns = [
    path("", views.checkin, name="checkin"),
    path("class/", views.teacher, name="teacher"),
    path("class/<int:pk>/roll/", views.roll, name="roll"),
    path("school/", views.school, name="school"),
    path("bureau/", views.bureau, name="bureau"),
    path("missing/", views.missing_print, name="missing_print"),
    path("missing.xlsx", views.missing_xlsx, name="missing_xlsx"),
    path("abnormal/", views.abnormal, name="abnormal"),
]
