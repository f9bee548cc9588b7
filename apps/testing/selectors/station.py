"""Reads for the sampling station and the round pages, always through the scope layer."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from apps.testing.models import RoundMember, Sample, TestRound, Tube

READ_PERMS = ("testing.view", "testing.sample")


def round_for(*, user, round_id: int, perms=READ_PERMS) -> TestRound:
    """The round if any of `perms` reaches it; 404 otherwise."""
    for perm in perms:
        found = TestRound.objects.restrict(user, perm).filter(pk=round_id).first()
        if found is not None:
            return found
    raise Http404


def rounds_visible(*, user, perms=READ_PERMS) -> QuerySet[TestRound]:
    ids = TestRound.objects.none().values("pk")
    for perm in perms:
        ids = ids.union(TestRound.objects.restrict(user, perm).values("pk"))
    return TestRound.objects.filter(pk__in=ids).select_related("school")


def _with_live(tubes: QuerySet[Tube]) -> QuerySet[Tube]:
    return tubes.annotate(live=Count("samples", filter=Q(samples__removed_at__isnull=True)))


def tubes_of_round(*, user, round_id: int, status: str = "") -> QuerySet[Tube]:
    test_round = round_for(user=user, round_id=round_id)
    tubes = Tube.objects.filter(school_id=test_round.school_id, round=test_round)
    if status:
        tubes = tubes.filter(status=status)
    return _with_live(tubes).order_by("-opened_at", "-id")


def tube_get(*, user, tube_id: int) -> Tube:
    for perm in READ_PERMS:
        found = _with_live(Tube.objects.restrict(user, perm).filter(pk=tube_id)).first()
        if found is not None:
            return found
    raise Http404


def tube_samples(*, user, tube: Tube) -> QuerySet[Sample]:
    """The live samples of a tube the user can see (the tube was read in scope)."""
    return (Sample.objects.filter(school_id=tube.school_id, tube=tube, removed_at__isnull=True)
            .select_related("person").order_by("scanned_at", "id"))


def open_tubes_of(*, user, round_id: int, opened_by=None) -> QuerySet[Tube]:
    tubes = tubes_of_round(user=user, round_id=round_id, status="open")
    return tubes.filter(opened_by=opened_by) if opened_by is not None else tubes


def round_progress(*, test_round: TestRound) -> dict:
    """Members planned, sampled so far, tubes open and closed."""
    school_id = test_round.school_id
    members = RoundMember.objects.filter(school_id=school_id, round=test_round).count()
    sampled = Sample.objects.filter(school_id=school_id, round=test_round,
                                    removed_at__isnull=True, recheck=False).count()
    tubes = dict(Tube.objects.filter(school_id=school_id, round=test_round)
                 .values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {"members": members, "sampled": sampled, "tubes_open": tubes.get("open", 0),
            "tubes_closed": tubes.get("closed", 0) + tubes.get("resulted", 0)}

