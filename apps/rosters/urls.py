from django.urls import path

from apps.rosters import views

app_name = "rosters"

urlpatterns = [
    path("import/", views.roster_import, name="import"),
    path("imports/", views.import_history, name="history"),
    path("imports/<int:pk>/", views.import_detail, name="detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="progress"),
    path("imports/<int:pk>/apply/", views.import_apply, name="apply"),
    path("imports/<int:pk>/errors.xlsx", views.import_errors, name="errors"),
    path("imports/<int:pk>/rows-to-fix.xlsx", views.import_rows_to_fix, name="rows_to_fix"),
    path("template/<str:kind>.xlsx", views.template, name="template"),
]
