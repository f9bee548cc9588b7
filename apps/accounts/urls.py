from django.urls import path

from apps.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.account_new, name="new"),
    path("schools/<int:pk>/", views.school, name="school"),
    path("schools/<int:pk>/create/", views.school_create, name="school_create"),
    path("schools/<int:pk>/codes/", views.school_codes, name="school_codes"),
    path("users/<int:pk>/reset/", views.user_reset, name="user_reset"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("activate/", views.activate, name="activate"),
    path("password/", views.password, name="password"),
]
