"""Staff accounts: a school's accounts made from its staff roster (the codes in the answer,
shown this once), and an account's reset, deactivation and reactivation by an admin above
it (/accounts/{user_id}/…). An account or school out of scope is `not_found`."""

from datetime import datetime

from ninja import Router, Schema, Status

from apps.accounts import services
from apps.core.schema_types import Id

router = Router(tags=["accounts"])


class AccountCodeOut(Schema):
    user_id: int
    username: str
    name: str
    place: str
    code: str
    expires_at: datetime


class AccountTakenOut(Schema):
    name: str
    username: str


class StaffAccountsOut(Schema):
    created: int
    class_teachers: int
    taken: list[AccountTakenOut]
    codes: list[AccountCodeOut]


class AccountOut(Schema):
    id: int
    username: str
    is_active: bool
    must_change_password: bool


def _code(issued) -> dict:
    return {"user_id": issued.user_id, "username": issued.username, "name": issued.name,
            "place": issued.place, "code": issued.code, "expires_at": issued.expires_at}


@router.post("/schools/{school_id}/staff-accounts", response={200: StaffAccountsOut},
             summary="Make an account for every staff member of the school without one, with "
                     "one-time activation codes (shown only in this answer)")
def staff_accounts_create(request, school_id: Id):
    made = services.staff_accounts_create(actor=request.auth, school_ids=[school_id])
    return Status(200, {
        "created": len(made.issued), "class_teachers": made.teachers,
        "taken": [{"name": n, "username": u} for n, u in made.taken],
        "codes": [_code(i) for i in made.issued]})


class AccountIn(Schema):
    username: str
    display_name: str


@router.post("/accounts", response={201: AccountCodeOut},
             summary="Make one account for someone on no roster (a bureau's or a new school's "
                     "admin), with a one-time activation code (shown only in this answer); "
                     "give it a role next (/schools/{id}/roles, /bureaus/{id}/roles)")
def account_create(request, payload: AccountIn):
    return Status(201, _code(services.account_create(actor=request.auth, **payload.dict())))


@router.post("/accounts/{user_id}/reset", response=AccountCodeOut,
             summary="Reset an account's password: a new one-time code, a forced change")
def account_reset(request, user_id: Id):
    return _code(services.account_password_reset(actor=request.auth, user=user_id))


@router.post("/accounts/{user_id}/deactivate", response=AccountOut,
             summary="Deactivate an account: its sessions and API tokens end at once")
def account_deactivate(request, user_id: Id):
    return services.account_deactivate(actor=request.auth, user=user_id)


@router.post("/accounts/{user_id}/reactivate", response=AccountOut,
             summary="Reactivate a deactivated account")
def account_reactivate(request, user_id: Id):
    return services.account_reactivate(actor=request.auth, user=user_id)
