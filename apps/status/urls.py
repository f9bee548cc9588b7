from django.urls import path

from apps.status import views

app_name = "status"

urlpatterns = [
    path("marks/<int:pk>/", views.mark, name="mark"),
]
