"""Reads of visitors: the visits a host registered, the visits of the schools in the user's
scope (a school its own, a bureau its schools), one visit."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from apps.visitors.models import Visit

HOST, VIEW = "visitors.host", "visitors.view"


def visits_hosted(*, user) -> QuerySet[Visit]:
    return (
        Visit.objects.restrict(user, HOST)
        .filter(host_user=user)
        .select_related("approval", "school")
    )


def visit_list(*, user) -> QuerySet[Visit]:
    return Visit.objects.restrict(user, VIEW).select_related("approval", "school", "host")


def visit_get(*, user, pk: int) -> Visit:
    """A visit the user hosts or may see; out of scope: 404."""
    hosted = visits_hosted(user=user).filter(pk=pk).first()
    return hosted or get_object_or_404(visit_list(user=user), pk=pk)
