"""Refuse an oversized request body before anything reads it (issue 15).

Django parses a multipart body — spooling its files to disk — the first time anything touches
``request.POST`` (the CSRF check does, for every POST). This middleware runs before that and answers 413
from the declared Content-Length alone: any request larger than ``REQUEST_MAX_BODY_BYTES`` (the largest
import plus room for the form) except the upload of scanned materials, which may send several phone photos
at once (``ATTACHMENT_REQUEST_MAX_BODY_BYTES``), and any anonymous request larger than ``ANONYMOUS_MAX_BODY_BYTES`` — the
forms open to visitors (login, the public lookup) are a few hundred bytes, and nobody uploads a file
without signing in. The reverse proxy should refuse
bodies above the same size before they reach a worker at all (README, Production).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.urls import Resolver404, resolve

LARGE_UPLOAD_VIEWS = frozenset({"core:attachment_upload"})  # views that may receive bodies above the limit


def _too_large() -> HttpResponse:
    return HttpResponse(
        "提交的内容过大，已拒绝。导入文件请分批上传。", status=413, content_type="text/plain; charset=utf-8"
    )


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BODY_BYTES and not (
            length <= settings.ATTACHMENT_REQUEST_MAX_BODY_BYTES and _takes_large_uploads(request.path_info)
        ):
            return _too_large()
        if length > settings.ANONYMOUS_MAX_BODY_BYTES and not request.user.is_authenticated:
            return _too_large()
        return self.get_response(request)


def _takes_large_uploads(path: str) -> bool:
    try:
        return resolve(path).view_name in LARGE_UPLOAD_VIEWS
    except Resolver404:
        return False
