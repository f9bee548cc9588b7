from django.urls import path

from apps.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("school/<int:school_id>/", views.school_report, name="school"),
    path("school/<int:school_id>/print/", views.school_print, name="school_print"),
    path("school/<int:school_id>/export.xlsx", views.school_xlsx, name="school_xlsx"),
    path("school/<int:school_id>/submit/", views.school_submit, name="school_submit"),
    path("school/<int:school_id>/correct/", views.school_correct, name="school_correct"),
    path("school/<int:school_id>/remind/", views.school_remind, name="school_remind"),
    path("bureau/<int:bureau_id>/", views.bureau_page, name="bureau"),
    path("bureau/<int:bureau_id>/print/", views.bureau_print, name="bureau_print"),
    path("bureau/<int:bureau_id>/export.xlsx", views.bureau_xlsx, name="bureau_xlsx"),
    path("bureau/<int:bureau_id>/aggregate/", views.bureau_aggregate, name="bureau_aggregate"),
    path("bureau/<int:bureau_id>/submit/", views.bureau_submit, name="bureau_submit"),
    path("exports/<int:pk>/", views.export_job, name="export_job"),
    path("exports/<int:pk>/progress/", views.export_progress, name="export_progress"),
    path("exports/<int:pk>/file/", views.export_file, name="export_file"),
]
