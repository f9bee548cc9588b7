from django.urls import path

from apps.parcels import views

app_name = "parcels"

urlpatterns = [
    path("", views.parcels_list, name="list"),
    path("schools/<int:pk>/", views.parcels_school, name="school"),
    path("schools/<int:pk>/receive/", views.parcels_receive, name="receive"),
    path("batches/<int:pk>/disinfect/", views.batch_disinfect, name="disinfect"),
    path("batches/<int:pk>/place/", views.batch_place, name="place"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
