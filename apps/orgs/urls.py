from django.urls import path

from apps.orgs import views

app_name = "orgs"

urlpatterns = [
    path("bureaus/", views.bureau_list, name="bureau_list"),
    path("bureaus/new/", views.bureau_new, name="bureau_new"),
    path("bureaus/<int:pk>/edit/", views.bureau_edit, name="bureau_edit"),
    path("schools/", views.school_list, name="school_list"),
    path("schools/new/", views.school_new, name="school_new"),
    path("schools/<int:pk>/", views.school_detail, name="school_detail"),
    path("schools/<int:pk>/edit/", views.school_edit, name="school_edit"),
    path("schools/<int:pk>/close/", views.school_close, name="school_close"),
    path("schools/<int:pk>/reopen/", views.school_reopen, name="school_reopen"),
    path("schools/<int:pk>/hospital/", views.school_hospital, name="school_hospital"),
    path("schools/<int:pk>/units/new/", views.school_unit_new, name="school_unit_new"),
    path("schools/<int:pk>/classes/new/", views.school_class_new, name="school_class_new"),
    path("schools/<int:pk>/rooms/new/", views.school_room_new, name="school_room_new"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("classes/<int:pk>/edit/", views.class_edit, name="class_edit"),
    path("rooms/<int:pk>/edit/", views.room_edit, name="room_edit"),
    path("hospitals/", views.hospital_list, name="hospital_list"),
    path("hospitals/new/", views.hospital_new, name="hospital_new"),
    path("hospitals/<int:pk>/", views.hospital_detail, name="hospital_detail"),
    path("hospitals/<int:pk>/edit/", views.hospital_edit, name="hospital_edit"),
    path("hospitals/<int:pk>/contacts/", views.hospital_contact_add,
         name="hospital_contact_add"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/remove/", views.contact_remove, name="contact_remove"),
    path("readiness/", views.readiness, name="readiness"),
]
