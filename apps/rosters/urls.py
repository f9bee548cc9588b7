"""The roster pages, mounted at the site's root by shaodian/urls.py: the import under
/rosters/ (namespace "rosters", views/imports.py) and the exports under /exports/
(namespace "rosters_export", views/exports.py)."""

from django.urls import include, path

from apps.rosters.views import exports, imports

import_patterns = [
    path("import/", imports.roster_import, name="import"),
    path("imports/", imports.import_history, name="history"),
    path("imports/<int:pk>/", imports.import_detail, name="detail"),
    path("imports/<int:pk>/progress/", imports.import_progress, name="progress"),
    path("imports/<int:pk>/apply/", imports.import_apply, name="apply"),
    path("imports/<int:pk>/errors.xlsx", imports.import_errors, name="errors"),
    path("imports/<int:pk>/rows-to-fix.xlsx", imports.import_rows_to_fix, name="rows_to_fix"),
    path("template/<str:kind>.xlsx", imports.template, name="template"),
]

export_patterns = [
    path("people.xlsx", exports.people_xlsx, name="people"),
    path("classes.xlsx", exports.classes_xlsx, name="classes"),
    path("households.xlsx", exports.households_xlsx, name="households"),
    path("<int:pk>/", exports.job, name="job"),
    path("<int:pk>/progress/", exports.job_progress, name="job_progress"),
    path("<int:pk>/file/", exports.job_file, name="job_file"),
]

urlpatterns = [
    path("exports/", include((export_patterns, "rosters_export"))),
    path("rosters/", include((import_patterns, "rosters"))),
]
