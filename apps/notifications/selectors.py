"""Reads: a user's own inbox (nobody reads another's), and the outside deliveries of the
messages about the schools in a user's scope (notifications.deliveries)."""

from django.db.models import Case, Count, F, IntegerField, QuerySet, When
from django.shortcuts import get_object_or_404

from apps.notifications.models import Channel, Delivery, Notification, kept_since

UNREAD_CAP = 99


def own(user) -> QuerySet[Notification]:
    """The user's notifications of the keeping period: naming it lets PostgreSQL read only
    the months kept (notifications are partitioned by month)."""
    rows = Notification.objects.filter(recipient=user)
    since = kept_since()
    return rows if since is None else rows.filter(created_at__gte=since)


def inbox(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, unread first, newest first within each."""
    rows = own(user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.annotate(
        unread=Case(When(read_at__isnull=True, then=1), default=0, output_field=IntegerField())
    ).order_by("-unread", "-created_at", "-id")


def inbox_get(*, user, pk: int) -> Notification:
    """One of the user's own notifications; 404 for anyone else's."""
    return get_object_or_404(own(user), pk=pk)


def unread_count(*, user) -> int:
    """Unread notifications, counted up to UNREAD_CAP + 1 (the badge says 99+): one query
    that stops early, cheap enough for every page."""
    if user is None or not user.is_authenticated:
        return 0
    return own(user).filter(read_at__isnull=True).order_by()[: UNREAD_CAP + 1].count()


def deliveries(*, user, status: str = "", channel: str = "", kind: str = "",
               notification_id: int | None = None) -> QuerySet[Delivery]:
    """The outside deliveries of messages about the user's schools, newest first. Each is
    joined to its notification by id and by the notification's time it keeps, inside the
    keeping period: PostgreSQL then reads only the kept months of notifications, and for
    each delivery only its notification's month (notifications are partitioned by month)."""
    rows = Delivery.objects.restrict(user, "notifications.deliveries").select_related(
        "notification", "notification__school", "notification__recipient").filter(
        notification__created_at=F("notification_created_at"))
    if (since := kept_since()) is not None:
        rows = rows.filter(notification__created_at__gte=since,
                           notification_created_at__gte=since)
    filters = {"status": status, "channel": channel, "notification__kind__startswith": kind,
               "notification_id": notification_id}
    return rows.filter(**{k: v for k, v in filters.items() if v}).order_by("-id")


def delivery_counts(rows: QuerySet[Delivery]) -> dict[str, int]:
    return dict(rows.order_by().values_list("status").annotate(n=Count("id")))


def own_channels(*, user) -> QuerySet[Channel]:
    return Channel.objects.filter(user=user, active=True).order_by("id")


def school_channels(*, user) -> QuerySet[Channel]:
    return (Channel.objects.restrict(user, "notifications.channels").filter(active=True)
            .select_related("school").order_by("school_id", "id"))


def users_of_persons(*, person_ids, guardians: bool = True) -> dict[int, list[int]]:
    """The accounts that receive a message about each person: their own (a student's or a
    staff member's login) and, with `guardians`, their guardians'. Two queries however many
    persons; a person without any account is left out (tell their class teacher instead)."""
    from apps.people.models import Guardianship, Person

    wanted = set(person_ids)
    users: dict[int, list[int]] = {}
    for pid, uid in Person.objects.filter(pk__in=wanted, user__isnull=False) \
            .values_list("id", "user_id"):
        users.setdefault(pid, []).append(uid)
    if guardians:
        for pid, uid in Guardianship.objects.filter(person_id__in=wanted) \
                .order_by("id").values_list("person_id", "user_id"):
            if uid not in users.get(pid, []):
                users.setdefault(pid, []).append(uid)
    return users
