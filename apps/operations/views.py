from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.operations.selectors import health_report


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers and a worker beat recently, else 503 (for monitors)."""
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
