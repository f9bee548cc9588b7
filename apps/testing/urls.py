from django.urls import path

from apps.testing.views import coverage as views_coverage
from apps.testing.views import results as views_results
from apps.testing.views import rounds as views_rounds
from apps.testing.views import station as views_station

app_name = "testing"

urlpatterns = [
    path("results/", views_results.results_home, name="results"),
    path("results/import/", views_results.results_import_page, name="results_import"),
    path("results/coverage/", views_results.results_coverage, name="results_coverage"),
    path("results/coverage/print/", views_coverage.coverage_print, name="coverage_print"),
    path("results/coverage.xlsx", views_coverage.coverage_xlsx, name="coverage_xlsx"),
    path("results/turnaround/", views_results.results_turnaround, name="results_turnaround"),
    path("results/positives/", views_results.results_positives, name="results_positives"),
    path("results/overdue/", views_results.results_overdue, name="results_overdue"),
    path("results/schools/", views_results.results_schools, name="results_schools"),
    path("advice/", views_results.advice_page, name="advice"),
    path("rounds/", views_rounds.round_list, name="rounds"),
    path("rounds/new/", views_rounds.round_new, name="round_new"),
    path("rounds/<int:round_id>/", views_rounds.round_detail, name="round_detail"),
    path("rounds/<int:round_id>/<str:to>/", views_rounds.round_transition,
         name="round_transition"),
    path("station/", views_station.station_home, name="station_home"),
    path("station/<int:round_id>/", views_station.station, name="station"),
]
