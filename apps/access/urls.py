from django.urls import path

from apps.access import views

app_name = "access"
urlpatterns = [
    path("access-log/", views.log_list, name="log"),
    path("access-log/export.xlsx", views.log_export, name="log_export"),
    path("roles/", views.roles_home, name="roles"),
    path("roles/bureaus/<int:pk>/", views.bureau_roles, name="bureau_roles"),
    path("roles/schools/<int:pk>/", views.school_roles, name="school_roles"),
    path("roles/<int:pk>/end/", views.role_end, name="role_end"),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
    path("roles/classes/<int:pk>/teacher/revoke/", views.teacher_revoke, name="teacher_revoke"),
]
