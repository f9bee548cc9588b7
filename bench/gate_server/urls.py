"""Every project URL, plus /bench/bare: one indexed SELECT through the same middleware."""

from django.db import connection
from django.http import JsonResponse
from django.urls import path

from shaodian.urls import urlpatterns as project_urls


def bare(request):
    """The floor the verdict endpoint is measured against: one indexed read of a person."""
    school_id, person_id = int(request.GET["school"]), int(request.GET["person"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, name, klass_id FROM people_person "
                       "WHERE school_id = %s AND id = %s", [school_id, person_id])
        row = cursor.fetchone()
    return JsonResponse({"id": row[0] if row else None})


urlpatterns = [path("bench/bare", bare), *project_urls]
