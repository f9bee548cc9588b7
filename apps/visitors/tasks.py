"""Background work (django.tasks): tell hosts their visitors arrived (the gate's scan only
spends the code; the message goes from here, within the sweep's interval)."""

from django.tasks import task

from apps.visitors.services import visits_tell_arrivals


@task()
def tell_arrivals() -> int:
    return visits_tell_arrivals()
