from django.urls import path

from apps.followups import views

app_name = "followups"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("all/", views.school_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/reassign/", views.reassign, name="reassign"),
]
