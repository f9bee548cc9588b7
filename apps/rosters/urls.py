from django.urls import path

from apps.rosters import views

app_name = "rosters"

urlpatterns = [
    path("import/", views.roster_import, name="import"),
    path("imports/", views.import_history, name="history"),
    path("template/<str:kind>.xlsx", views.template, name="template"),
]
