from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from core.access import staff_required
from core.registry import dashboard_for


@staff_required
def dashboard(request):
    items = dashboard_for(request.user)
    sections: dict[str, list] = {}
    for item in items:
        sections.setdefault(item.section, []).append(item)
    return render(request, "core/dashboard.html", {"sections": sections})


def health(request):
    """Liveness and database check for the load balancer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok", "database": "ok"})
    except Exception:  # noqa: BLE001
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
