"""Supervision over the API (/supervision): the checklists; inspections planned, recorded item
by item and completed by a bureau; the rectifications they make, assigned and answered by the
school and verified or reopened by the inspector; the bureau's overview. Photos are uploaded
through the pages (a phone's camera), not here."""

from datetime import date, datetime

from django.conf import settings
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from apps.core.pagination import CappedPageNumberPagination
from apps.core.schema_types import Count, Id
from apps.supervision import photos as photo_files
from apps.supervision import selectors, services
from apps.supervision.models import InspectionState, ItemResult, RectificationState

router = Router(tags=["supervision"])


class SupervisionChecklistItemOut(Schema):
    code: str
    zh: str
    en: str
    days: int


class SupervisionChecklistOut(Schema):
    key: str
    version: int
    title_zh: str
    title_en: str
    items: list[SupervisionChecklistItemOut]


class SupervisionInspectionIn(Schema):
    school_id: Id = Field(description="a school the caller inspects")
    planned_on: date
    checklist: str = Field("directive-2022", max_length=40)
    note: str = Field("", max_length=1000)


class SupervisionItemIn(Schema):
    result: ItemResult
    note: str = Field("", max_length=1000, description="what is wrong: needed for a failure")


class SupervisionItemOut(Schema):
    code: str
    position: int
    title_zh: str
    title_en: str
    days: int
    result: str
    note: str
    recorded_at: datetime | None
    photo_ids: list[int] = Field(description="GET /supervision/photos/{photo_id}")

    @staticmethod
    def resolve_photo_ids(obj) -> list[int]:
        return [photo.pk for photo in obj.photos.all()]


class SupervisionInspectionOut(Schema):
    id: int
    school_id: int
    school_name: str = Field(alias="school.name")
    checklist: str
    checklist_version: int
    planned_on: date
    state: str
    inspector_id: int | None
    note: str
    performed_at: datetime | None


class SupervisionInspectionDetailOut(SupervisionInspectionOut):
    items: list[SupervisionItemOut] = Field(alias="item_rows")


class SupervisionRectificationOut(Schema):
    id: int
    school_id: int
    inspection_id: int
    item_code: str = Field(alias="item.code")
    finding: str = Field(alias="item.note")
    assignee_id: int | None
    due_on: date
    state: str
    overdue: bool
    answer: str
    answered_at: datetime | None
    verified_at: datetime | None
    reopen_reason: str
    photos: int
    photo_ids: list[int] = Field(description="the evidence: GET /supervision/photos/{photo_id}")

    @staticmethod
    def resolve_photos(obj) -> int:
        return obj.photos.count()

    @staticmethod
    def resolve_photo_ids(obj) -> list[int]:
        return list(obj.photos.values_list("pk", flat=True))


class SupervisionAssignIn(Schema):
    assignee_id: Id = Field(description="someone of the school with an account")
    due_on: date | None = Field(None, description="earlier than the deadline set, or none")


class SupervisionAnswerIn(Schema):
    answer: str = Field(max_length=1000)


class SupervisionReopenIn(Schema):
    reason: str = Field(max_length=200)
    due_on: date | None = None


class SupervisionOverviewOut(Schema):
    schools: Count
    inspected: Count
    inspections: Count
    planned: Count
    open: Count
    overdue: Count
    verified: Count
    failed_by_item: dict[str, int]


@router.get("/checklists", response=list[SupervisionChecklistOut],
            summary="The inspection checklists, each a version of the directive's items")
def supervision_checklists(request):
    return [{"key": c.key, "version": c.version, "title_zh": c.title_zh,
             "title_en": c.title_en, "items": [vars(i) for i in c.items]}
            for c in selectors.checklists()]


@router.get("/inspections", response=list[SupervisionInspectionOut],
            summary="Inspections of the caller's schools, newest first")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def supervision_inspections(request, state: InspectionState | None = None,
                            school_id: Id | None = None):
    return selectors.inspection_list(user=request.user, state=state or "", school_id=school_id)


@router.post("/inspections", response={201: SupervisionInspectionDetailOut},
             summary="Plan an inspection of a school the caller inspects")
def supervision_inspection_plan(request, payload: SupervisionInspectionIn):
    inspection = services.inspection_plan(
        actor=request.user, school_id=payload.school_id, planned_on=payload.planned_on,
        checklist=payload.checklist, note=payload.note)
    return Status(201, _detail(request, inspection.pk))


def _detail(request, pk: int):
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    inspection.item_rows = selectors.inspection_items(inspection=inspection)
    return inspection


@router.get("/inspections/{inspection_id}", response=SupervisionInspectionDetailOut,
            summary="One inspection with its items")
def supervision_inspection_get(request, inspection_id: Id):
    return _detail(request, inspection_id)


@router.post("/inspections/{inspection_id}/items/{code}", response=SupervisionItemOut,
             summary="Record one item: pass, fail (with a note) or not applicable")
def supervision_item_record(request, inspection_id: Id, code: str, payload: SupervisionItemIn):
    return services.inspection_record(actor=request.user, inspection_id=inspection_id,
                                      code=code[:40], result=payload.result, note=payload.note)


@router.post("/inspections/{inspection_id}/items/{code}/with-photos", response=SupervisionItemOut,
             summary="Record one item with photos of what was seen (multipart form data: "
                     "result, note, photos: JPEG, PNG or WebP, at most 5 MB and 6 each)")
def supervision_item_record_photos(request, inspection_id: Id, code: str,
                                   payload: Form[SupervisionItemIn],
                                   photos: File[list[UploadedFile]]):
    return services.inspection_record(actor=request.user, inspection_id=inspection_id,
                                      code=code[:40], result=payload.result, note=payload.note,
                                      photos=photos)


@router.post("/inspections/{inspection_id}/complete", response=SupervisionInspectionDetailOut,
             summary="Complete the inspection: each failed item becomes a rectification")
def supervision_inspection_complete(request, inspection_id: Id):
    services.inspection_complete(actor=request.user, inspection_id=inspection_id)
    return _detail(request, inspection_id)


@router.get("/rectifications", response=list[SupervisionRectificationOut],
            summary="Rectifications the caller sees or is named on, by deadline")
@paginate(CappedPageNumberPagination, page_size=settings.API_PAGE_SIZE)
def supervision_rectifications(request, state: RectificationState | None = None,
                               overdue: bool = False, mine: bool = False):
    return selectors.rectification_list(user=request.user, state=state or "", overdue=overdue,
                                        mine=mine)


@router.get("/rectifications/{rectification_id}", response=SupervisionRectificationOut,
            summary="One rectification")
def supervision_rectification_get(request, rectification_id: Id):
    return selectors.rectification_get(user=request.user, pk=rectification_id)


@router.post("/rectifications/{rectification_id}/assign", response=SupervisionRectificationOut,
             summary="The school names who rectifies (and may bring the deadline forward)")
def supervision_rectification_assign(request, rectification_id: Id,
                                     payload: SupervisionAssignIn):
    services.rectification_assign(actor=request.user, rectification_id=rectification_id,
                                  assignee_id=payload.assignee_id, due_on=payload.due_on)
    return selectors.rectification_get(user=request.user, pk=rectification_id)


@router.post("/rectifications/{rectification_id}/answer", response=SupervisionRectificationOut,
             summary="The school answers (with photos: …/answer/with-photos)")
def supervision_rectification_answer(request, rectification_id: Id,
                                     payload: SupervisionAnswerIn):
    services.rectification_answer(actor=request.user, rectification_id=rectification_id,
                                  answer=payload.answer)
    return selectors.rectification_get(user=request.user, pk=rectification_id)


@router.post("/rectifications/{rectification_id}/answer/with-photos",
             response=SupervisionRectificationOut,
             summary="The school answers with photos of evidence (multipart form data: answer, "
                     "photos: JPEG, PNG or WebP, at most 5 MB and 6 each)")
def supervision_rectification_answer_photos(request, rectification_id: Id,
                                            payload: Form[SupervisionAnswerIn],
                                            photos: File[list[UploadedFile]]):
    services.rectification_answer(actor=request.user, rectification_id=rectification_id,
                                  answer=payload.answer, photos=photos)
    return selectors.rectification_get(user=request.user, pk=rectification_id)


PHOTO = {200: {"description": "The photo, of the type its content was checked to be",
               "content": {ctype: {"schema": {"type": "string", "format": "binary"}}
                           for ctype in ("image/jpeg", "image/png", "image/webp")}}}


@router.get("/photos/{photo_id}", openapi_extra={"responses": PHOTO},
            summary="One photo, to those who see its inspection or whose rectification it "
                    "belongs to")
def supervision_photo(request, photo_id: Id):
    return photo_files.response(selectors.photo_get(user=request.user, pk=photo_id))


@router.post("/rectifications/{rectification_id}/verify", response=SupervisionRectificationOut,
             summary="The inspector accepts the answer")
def supervision_rectification_verify(request, rectification_id: Id):
    services.rectification_verify(actor=request.user, rectification_id=rectification_id)
    return selectors.rectification_get(user=request.user, pk=rectification_id)


@router.post("/rectifications/{rectification_id}/reopen", response=SupervisionRectificationOut,
             summary="The inspector sends the answer back with a reason")
def supervision_rectification_reopen(request, rectification_id: Id,
                                     payload: SupervisionReopenIn):
    services.rectification_reopen(actor=request.user, rectification_id=rectification_id,
                                  reason=payload.reason, due_on=payload.due_on)
    return selectors.rectification_get(user=request.user, pk=rectification_id)


@router.get("/overview", response=SupervisionOverviewOut,
            summary="A bureau's schools: inspected, open findings, overdue, failures by item")
def supervision_overview(request):
    return selectors.overview(user=request.user)
