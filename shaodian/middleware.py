"""Headers every dynamic answer carries (static files are answered before this, by
WhiteNoise, and may be cached).

- `Cache-Control: no-store` (with Django's never-cache set): pages and API answers carry
  names, health, travel and ID data, which must not stay in a browser's or a proxy's cache
  after the user signs out. A view that sets its own Cache-Control keeps it.
- `Permissions-Policy`: the browser features no page uses are switched off; the camera is
  allowed to this origin only (the sampling station and the gate kiosk scan with it).
The Content-Security-Policy is Django's own middleware, configured in settings.SECURE_CSP.

`StaticFilesMiddleware` is WhiteNoise's, with a hashed file cached for a year.
"""

import time

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.http import http_date
from whitenoise.middleware import WhiteNoiseMiddleware


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """A hashed (never changing) static file is `Cache-Control: max-age=<a year>, public,
    immutable`: WhiteNoise's own is ten years; a year is the longest HTTP/1.1 asks a cache to
    keep anything (RFC 2616, 14.21), and a deploy changes the names anyway."""

    FOREVER = 365 * 24 * 60 * 60


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # What add_never_cache_headers writes into an answer without Cache-Control, worked
        # out once: parsing and rebuilding the header was a thirtieth of a check-in.
        blank = HttpResponse()
        add_never_cache_headers(blank)
        self.never_cache = blank.headers["Cache-Control"]

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response.headers:
            if "Expires" not in response.headers:
                response.headers["Expires"] = http_date(time.time())
            response.headers["Cache-Control"] = self.never_cache
        if settings.PERMISSIONS_POLICY and "Permissions-Policy" not in response.headers:
            response.headers["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        return response
