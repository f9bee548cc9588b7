from django.urls import path

from apps.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("overview/", views.overview, name="overview"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/record/", views.inspection_record, name="record"),
    path("<int:pk>/complete/", views.inspection_complete, name="complete"),
    path("<int:pk>/findings/print/", views.findings_print, name="findings_print"),
    path("<int:pk>/findings.xlsx", views.findings_xlsx, name="findings_xlsx"),
    path("rectifications/", views.rectification_list, name="rectifications"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification_detail"),
    path("rectifications/<int:pk>/assign/", views.rectification_assign,
         name="rectification_assign"),
    path("rectifications/<int:pk>/answer/", views.rectification_answer,
         name="rectification_answer"),
    path("rectifications/<int:pk>/verify/", views.rectification_verify,
         name="rectification_verify"),
    path("rectifications/<int:pk>/reopen/", views.rectification_reopen,
         name="rectification_reopen"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
