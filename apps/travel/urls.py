from django.urls import path

from apps.travel import views

app_name = "travel"

urlpatterns = [
    path("", views.choose_person, name="choose"),
    path("person/<int:pk>/", views.person_declarations, name="person"),
    path("person/<int:pk>/trip/", views.trip_declare, name="trip"),
    path("person/<int:pk>/trip/leg/", views.leg_row, name="leg_row"),
    path("person/<int:pk>/trip/<int:leg_pk>/withdraw/", views.trip_withdraw,
         name="trip_withdraw"),
    path("person/<int:pk>/exposure/", views.exposure_declare, name="exposure"),
    path("person/<int:pk>/exposure/<int:exposure_pk>/withdraw/", views.exposure_withdraw,
         name="exposure_withdraw"),
]
