from django.urls import path

from apps.visitors import views

app_name = "visitors"

urlpatterns = [
    path("", views.visit_list, name="list"),
    path("new/", views.visit_new, name="new"),
    path("<int:pk>/", views.visit_detail, name="detail"),
    path("d/<str:token>/", views.declare, name="declare"),
]
