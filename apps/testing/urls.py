from django.urls import path  # noqa: F401

app_name = "testing"

urlpatterns: list = []

from apps.testing import views_results  # noqa: E402

urlpatterns += [
    path("results/", views_results.results_home, name="results"),
    path("results/import/", views_results.results_import_page, name="results_import"),
    path("results/coverage/", views_results.results_coverage, name="results_coverage"),
    path("results/turnaround/", views_results.results_turnaround, name="results_turnaround"),
    path("results/positives/", views_results.results_positives, name="results_positives"),
    path("results/overdue/", views_results.results_overdue, name="results_overdue"),
    path("results/schools/", views_results.results_schools, name="results_schools"),
    path("advice/", views_results.advice_page, name="advice"),
]
