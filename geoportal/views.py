from dataclasses import asdict

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from geoportal.health import health_check
from layers.selectors import agencies_with_documents


@require_GET
def home(request):
    return render(
        request, "geoportal/home.html", {"agencies": agencies_with_documents()}
    )


@never_cache
@require_GET
def healthz(request):
    health = health_check()
    return JsonResponse(
        {"status": "ok" if health.ok else "error", **asdict(health)},
        status=200 if health.ok else 503,
    )
