from django.urls import path

from apps.families import views

app_name = "families"

urlpatterns = [
    path("codes/", views.codes, name="codes"),
    path("signup/", views.signup, name="signup"),
    path("bind/", views.bind, name="bind"),
    path("mine/", views.mine, name="mine"),
    path("pending/", views.pending, name="pending"),
    path("bindings/<int:pk>/confirm/", views.binding_confirm, name="binding_confirm"),
    path("bindings/<int:pk>/reject/", views.binding_reject, name="binding_reject"),
    path("persons/<int:pk>/household/", views.household, name="household"),
    path("household/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("household/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("schools/<int:pk>/settings/", views.school_settings, name="school_settings"),
]
