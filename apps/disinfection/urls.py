from django.urls import path

from apps.disinfection import views

app_name = "disinfection"

urlpatterns = [
    path("", views.disinfection_list, name="list"),
    path("schools/<int:pk>/", views.disinfection_school, name="school"),
    path("schools/<int:pk>/record/", views.entry_record, name="record"),
    path("schools/<int:pk>/areas/", views.area_create, name="areas_add"),
    path("schools/<int:pk>/areas/seed/", views.areas_seed, name="areas_seed"),
    path("areas/<int:pk>/duty/", views.area_duty, name="area_duty"),
    path("schools/<int:pk>/log/", views.log_print, name="log_print"),
    path("schools/<int:pk>/log.xlsx", views.log_xlsx, name="log_xlsx"),
]
