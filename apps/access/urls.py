from django.urls import path

from apps.access import views

app_name = "access"
urlpatterns = [
    path("", views.log_list, name="log"),
    path("export.xlsx", views.log_export, name="log_export"),
]
