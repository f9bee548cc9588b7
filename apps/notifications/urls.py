from django.urls import path

from apps.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("badge/", views.badge, name="badge"),
    path("read-all/", views.read_all, name="read_all"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("<int:pk>/read/", views.read, name="read"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("channels/", views.channels, name="channels"),
    path("channels/<int:pk>/remove/", views.channel_remove, name="channel_remove"),
]
