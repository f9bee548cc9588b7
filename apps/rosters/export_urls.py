from django.urls import path

from apps.rosters import export_views

app_name = "rosters_export"

urlpatterns = [
    path("people.xlsx", export_views.people_xlsx, name="people"),
    path("classes.xlsx", export_views.classes_xlsx, name="classes"),
    path("households.xlsx", export_views.households_xlsx, name="households"),
    path("<int:pk>/", export_views.job, name="job"),
    path("<int:pk>/progress/", export_views.job_progress, name="job_progress"),
    path("<int:pk>/file/", export_views.job_file, name="job_file"),
]
