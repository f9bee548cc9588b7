"""An account whose password someone else set (a new staff account, an admin's reset) is
led to the change-password page from every page until its holder chooses one; the API
answers 403 `password_change_required` (a bearer token is refused in
apps.access.services.api_token_authenticate)."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

# Pages open meanwhile: the change itself, signing out, the language switch.
OPEN = ("accounts:password", "web:logout")
OPEN_PREFIXES = ("/i18n/", "/static/", "/healthz")


class PasswordChangeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._open: set[str] | None = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            refused = self._refuse(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _refuse(self, request):
        if self._open is None:
            self._open = {reverse(name) for name in OPEN}
        path = request.path
        if path in self._open or path.startswith(OPEN_PREFIXES):
            return None
        if path.startswith("/api/"):
            return JsonResponse({"code": "password_change_required", "message": _(
                "Choose a new password (sign in on the website) before using the API.")},
                status=403, json_dumps_params={"ensure_ascii": False})
        target = reverse("accounts:password")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
