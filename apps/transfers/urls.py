from django.urls import path

from apps.transfers import views

app_name = "transfers"

urlpatterns = [
    path("", views.transfer_list, name="list"),
    path("<int:pk>/", views.transfer_detail, name="detail"),
    path("<int:pk>/accept/", views.transfer_accept, name="accept"),
    path("<int:pk>/refuse/", views.transfer_refuse, name="refuse"),
    path("<int:pk>/cancel/", views.transfer_cancel, name="cancel"),
]
