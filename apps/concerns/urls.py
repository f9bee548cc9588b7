from django.urls import path

from apps.concerns import views

app_name = "concerns"

urlpatterns = [
    path("", views.concern_list, name="list"),
    path("mine/", views.concern_mine, name="mine"),
    path("new/", views.concern_new, name="new"),
    path("<int:pk>/", views.concern_detail, name="detail"),
    path("<int:pk>/assign/", views.concern_assign, name="assign"),
    path("<int:pk>/answer/", views.concern_answer, name="answer"),
    path("<int:pk>/reopen/", views.concern_reopen, name="reopen"),
]
