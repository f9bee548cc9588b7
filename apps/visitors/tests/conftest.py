from datetime import timedelta

import pytest
from django.utils import timezone

ID_NUMBER = "11010519491231002X"


@pytest.fixture(autouse=True)
def _fresh_caches():
    from apps.access.tokens import forget_tokens
    from apps.gate.facts import forget_thresholds
    from apps.gate.services import forget_gates

    forget_tokens(), forget_thresholds(), forget_gates()
    yield
    forget_tokens(), forget_thresholds(), forget_gates()


def register(world, *, client_id="", hours=(-1, 3), **more):
    from apps.visitors.services import visit_register

    now = timezone.now()
    values = {
        "name": "访客甲",
        "phone": "13800138000",
        "doc_number": ID_NUMBER,
        "purpose": "维修空调",
        "starts_at": now + timedelta(hours=hours[0]),
        "ends_at": now + timedelta(hours=hours[1]),
        "client_id": client_id,
        **more,
    }
    return visit_register(actor=world.users["teacher_a1"], **values)


def approve(world, visit):
    from apps.approvals.services import approval_decide

    approval_decide(
        actor=world.users["school_a_admin"], approval_id=visit.approval_id, approve=True
    )


def declare(visit, *, temperature="36.5", symptoms=False, risk_regions=()):
    from apps.visitors.services import declare_token, visit_declare

    return visit_declare(
        token=declare_token(visit),
        temperature=temperature,
        symptoms=symptoms,
        risk_regions=list(risk_regions),
    )


def ready(world, **more):
    visit = register(world, **more)
    approve(world, visit)
    declare(visit)
    visit.refresh_from_db()
    return visit
