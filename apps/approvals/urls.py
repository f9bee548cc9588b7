from django.urls import path

from apps.approvals import views

app_name = "approvals"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("inbox/", views.inbox, name="inbox"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/decide/", views.request_decide, name="decide"),
    path("<int:pk>/withdraw/", views.request_withdraw, name="withdraw"),
]
