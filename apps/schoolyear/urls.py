from django.urls import path

from apps.schoolyear import views

app_name = "schoolyear"

urlpatterns = [
    path("rollover/", views.rollover, name="rollover"),
]
