from django.urls import path

from apps.policy import views

app_name = "policy"

urlpatterns = [
    path("", views.index, name="index"),
    path("packs/<str:pack_id>/", views.pack_detail, name="pack"),
    path("choose/", views.choose, name="choose"),
    path("history/", views.history, name="history"),
    path("switches/<int:pk>/cancel/", views.switch_cancel, name="switch_cancel"),
    path("switches/<int:pk>/progress/", views.switch_progress, name="switch_progress"),
    path("<str:kind>/<int:pk>/", views.effective, name="effective"),
    path("<str:kind>/<int:pk>/tighten/", views.tighten, name="tighten"),
    path("<str:kind>/<int:pk>/progress/", views.effective_progress, name="effective_progress"),
    path("overrides/<int:pk>/remove/", views.override_remove, name="override_remove"),
]
