"""The floor: the cheapest page the stack can serve, so every other page is reported as a multiple of it.

Same middleware, session and authentication as a staff page, then one query by primary key and a few bytes
of text: whatever a real page costs beyond this is the page's own work.
"""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse

from members.models import Member


def floor(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    name = Member.objects.filter(pk=pk).values_list("name", flat=True).first()
    return HttpResponse(name or "", content_type="text/plain; charset=utf-8")
