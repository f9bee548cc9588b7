"""The sampling station page: choose an open round, then scan. The page itself is a shell:
its script (static/testing/station.js) talks to the station API (api/station.py) with the
signed-in session, keeps a queue in localStorage through network drops, and never reloads."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.access.grants import has_perm_anywhere
from apps.testing.models import RoundStatus, TestRound
from apps.testing.services.station import PERM

ROUNDS_SHOWN = 50


@login_required
def station_home(request):
    if not has_perm_anywhere(request.user, PERM):
        raise Http404
    rounds = list(TestRound.objects.restrict(request.user, PERM)
                  .filter(status=RoundStatus.OPEN).select_related("school")
                  .order_by("-day", "-id")[:ROUNDS_SHOWN])
    if len(rounds) == 1 and "all" not in request.GET:
        return redirect("testing:station", round_id=rounds[0].pk)
    return render(request, "testing/station/home.html", {
        "rounds": rounds, "can_manage": has_perm_anywhere(request.user, "testing.manage")})


@login_required
def station(request, round_id: int):
    test_round = TestRound.objects.restrict(request.user, PERM).filter(pk=round_id).first()
    if test_round is None:
        raise Http404
    sizes = [1] if not test_round.pooled else [
        s for s in (5, 10, 20, 1)
        if s <= (test_round.pooling or {}).get("pool_size_max", 20)]
    default = 1 if not test_round.pooled else (test_round.pooling or {}).get(
        "pool_size_default", 10)
    return render(request, "testing/station/station.html", {
        "round": test_round, "sizes": sizes, "strings": _strings(),
        "config": {
            "round": test_round.pk,
            "open": test_round.status == RoundStatus.OPEN,
            "sizes": sizes, "default_size": default if default in sizes else sizes[0],
            "stations": test_round.stations,
            "api": {
                "open": reverse("api-1:tube_open", args=[test_round.pk]),
                "tube": reverse("api-1:tube_get", args=[0]).rstrip("0").rstrip("/"),
            },
        },
    })


def _strings() -> dict:
    """What the station's script says, in the user's language."""
    return {
        "online": _("Online"),
        "offline": _("Offline: scans are kept on this device"),
        "scan_person": _("Scan a person's code"),
        "scan_barcode": _("Scan the tube's barcode"),
        "pool_full": _("The pool is full: scan the tube's barcode."),
        "single_barcode": _("Single tube for %(name)s: scan its barcode."),
        "tube_pool": _("Pool of %(n)s"),
        "tube_single": _("Single tube"),
        "no_barcode": _("barcode not scanned yet"),
        "pending": _("waiting to upload"),
        "added": pgettext("tube", "added"),
        "duplicate": _("already in this tube"),
        "undone": _("undone"),
        "undo": _("Undo"),
        "moved_single": _("in a single tube"),
        "tube_closed": _("Tube %(barcode)s closed with %(n)s swab(s)."),
        "close_failed": _("The tube was not closed: %(reason)s"),
        "empty_tube": _("The tube is empty."),
        "signed_out": _("You are signed out: sign in again, the queue is kept."),
        "error": _("The server refused: %(reason)s"),
        "camera_none": _("This browser cannot read codes with the camera; use a scanner."),
    }
