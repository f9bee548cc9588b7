"""Export endpoints: the same workbooks and scope as the pages. GET is masked; POST with a
reason gives full ID numbers and phones to a user allowed to see every exported person."""

from ninja import Query, Router, Schema

from apps.rosters import export
from apps.rosters.export_views import download

router = Router(tags=["exports"])


class Filters(Schema):
    q: str = ""
    school: int | None = None
    unit: int | None = None
    klass: int | None = None
    kind: str = ""
    residence: str = ""


class RevealIn(Filters):
    reason: str


def _filters(data: Schema) -> dict:
    return export.parse_filters(data.model_dump(exclude={"reason"}))


@router.get("/people.xlsx", summary="People as .xlsx, ID numbers and phones masked")
def people_xlsx(request, filters: Query[Filters]):
    return download(export.export_people_xlsx(user=request.user, filters=_filters(filters)))


@router.post("/people.xlsx", summary="People as .xlsx with full ID numbers; needs a reason")
def people_xlsx_revealed(request, payload: RevealIn):
    result = export.export_people_xlsx(
        user=request.user,
        filters=_filters(payload),
        reveal=True,
        reveal_reason=payload.reason,
        ip=request.META.get("REMOTE_ADDR") or None,
    )
    return download(result)


@router.get("/classes.xlsx", summary="Classes with student counts as .xlsx")
def classes_xlsx(request, filters: Query[Filters]):
    return download(export.export_classes_xlsx(user=request.user, filters=_filters(filters)))


@router.get("/households.xlsx", summary="Co-residents of day students as .xlsx, phones masked")
def households_xlsx(request, filters: Query[Filters]):
    return download(export.export_households_xlsx(user=request.user, filters=_filters(filters)))
