from django.urls import path

from apps.supplies import views

app_name = "supplies"

urlpatterns = [
    path("", views.supplies_list, name="list"),
    path("schools/<int:school_id>/", views.school, name="school"),
    path("schools/<int:school_id>/record/", views.record, name="record"),
    path("schools/<int:school_id>/import/", views.counts_import, name="import"),
    path("schools/<int:school_id>/stock.xlsx", views.stock_xlsx, name="stock_xlsx"),
]
