from django.urls import path

from apps.risk import views

app_name = "risk"

urlpatterns = [
    path("", views.area_list, name="list"),
    path("new/", views.area_designate, name="designate"),
    path("import/", views.area_import, name="import"),
    path("<int:pk>/", views.area_detail, name="detail"),
    path("<int:pk>/edit/", views.area_update, name="update"),
    path("<int:pk>/lift/", views.area_lift, name="lift"),
    path("<int:pk>/progress/", views.area_progress, name="progress"),
]
