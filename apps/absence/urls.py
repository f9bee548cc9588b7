from django.urls import path

from apps.absence import views

app_name = "absence"

urlpatterns = [
    path("", views.absence_list, name="list"),
    path("register/", views.register, name="register"),
    path("<int:pk>/", views.absence_detail, name="detail"),
    path("<int:pk>/cause/", views.absence_cause, name="cause"),
    path("<int:pk>/return/", views.absence_return, name="return"),
    path("clusters/", views.cluster_list, name="clusters"),
    path("clusters/<int:pk>/", views.cluster_detail, name="cluster"),
    path("clusters/<int:pk>/report/", views.cluster_report, name="cluster_report"),
    path("clusters/<int:pk>/close/", views.cluster_close, name="cluster_close"),
    path("clusters/<int:pk>/suspend/", views.cluster_suspend, name="cluster_suspend"),
]
