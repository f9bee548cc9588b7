from django.urls import path

from apps.isolation import views

app_name = "isolation"

urlpatterns = [
    path("", views.isolation_list, name="list"),
    path("new/", views.isolation_new, name="new"),
    path("rooms/", views.room_list, name="rooms"),
    path("rooms/<int:pk>/", views.room_edit, name="room_edit"),
    path("referrals/<int:pk>/", views.referral_follow, name="referral_follow"),
    path("<int:pk>/", views.isolation_detail, name="detail"),
    path("<int:pk>/extend/", views.isolation_extend, name="extend"),
    path("<int:pk>/close/", views.isolation_close, name="close"),
    path("<int:pk>/care/", views.isolation_care, name="care"),
    path("<int:pk>/refer/", views.isolation_refer, name="refer"),
    path("<int:pk>/study/", views.isolation_study, name="study"),
]
