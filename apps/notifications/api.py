"""Notifications API (/notifications under /api/v1): the caller's own inbox, in the
caller's language (the language cookie, else the account's language, else Chinese)."""

from datetime import datetime

from django.conf import settings
from django.utils import translation
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from apps.core.pagination import CappedPageNumberPagination
from apps.core.schema_types import Id
from apps.notifications import selectors, services

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    severity: str = Field(..., description="info, warning or urgent")
    subject: str = Field(..., description="in the reader's language")
    body: str
    link: str = Field(..., description="a path inside Shaodian, or empty")
    school_id: int | None
    drill: bool
    created_at: datetime
    read_at: datetime | None


class UnreadOut(Schema):
    unread: int
    capped: bool = Field(..., description="more unread than `unread` says")


class ReadAllOut(Schema):
    marked: int


def _reader_language(request) -> None:
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and request.user.language:
        translation.activate(request.user.language)


@router.get("", response=list[NotificationOut], summary="My notifications, unread first")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def notifications_list(request, unread: bool = False):
    _reader_language(request)
    return selectors.inbox(user=request.user, unread_only=unread)


@router.get("/unread-count", response=UnreadOut, summary="How many are unread")
def notifications_unread(request):
    count = selectors.unread_count(user=request.user)
    return {"unread": min(count, selectors.UNREAD_CAP),
            "capped": count > selectors.UNREAD_CAP}


@router.post("/{notification_id}/read", response={204: None}, summary="Mark one read")
def notifications_read(request, notification_id: Id):
    note = selectors.inbox_get(user=request.user, pk=notification_id)
    services.notification_mark_read(user=request.user, notification_id=note.pk)
    return Status(204, None)


@router.post("/read-all", response=ReadAllOut, summary="Mark all read")
def notifications_read_all(request):
    return {"marked": services.notification_mark_all_read(user=request.user)}
