from django.urls import path

from apps.rosters import export_views

app_name = "rosters_export"

urlpatterns = [
    path("people.xlsx", export_views.people_xlsx, name="people"),
    path("classes.xlsx", export_views.classes_xlsx, name="classes"),
    path("households.xlsx", export_views.households_xlsx, name="households"),
]
