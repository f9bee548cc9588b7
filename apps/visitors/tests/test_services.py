import itertools

import pytest
from django.http import Http404

from apps.access.models import AccessLog
from apps.core.errors import ValidationFailed
from apps.gate.services import gate_check_record
from apps.visitors import services
from apps.visitors.models import Visit
from apps.visitors.tests.conftest import ID_NUMBER, approve, declare, ready, register

pytestmark = pytest.mark.django_db
_ids = itertools.count(1)


def scan(world, code, *, temperature="36.5", direction="in", persona="gate_a"):
    return gate_check_record(
        actor=world.users[persona],
        code_or_number=code,
        temperature=temperature,
        direction=direction,
        client_id=f"v-{next(_ids)}",
    )


def test_it_registers_a_visit_with_its_approval_and_the_id_number_encrypted(world):
    visit = register(world, client_id="k1")
    assert visit.approval.kind == "visitor" and visit.approval.state == "pending"
    assert visit.approval.visitor_name == "访客甲"
    assert ID_NUMBER.encode() not in bytes(visit.doc_cipher)
    assert visit.doc_masked != ID_NUMBER and visit.doc_masked.endswith("002X")
    assert register(world, client_id="k1").pk == visit.pk  # idempotent
    assert Visit.objects.count() == 1


def test_it_refuses_a_bad_id_number_naming_the_field(world):
    with pytest.raises(ValidationFailed) as failed:
        register(world, doc_number="110105194912310021")
    assert failed.value.errors[0].field == "doc_number"


def test_only_a_staff_member_hosts(world):
    from apps.visitors.services import visit_register

    with pytest.raises(ValidationFailed) as failed:
        visit_register(
            actor=world.users["student_a1"],
            name="x",
            phone="13800138000",
            doc_number=ID_NUMBER,
            purpose="p",
            starts_at=None,
            ends_at=None,
        )
    assert failed.value.errors[0].reason == "not_staff"


def test_the_reveal_is_access_logged(world):
    visit = register(world)
    number = services.visit_reveal_document(
        actor=world.users["school_a_admin"], visit_id=visit.pk, reason="核对身份"
    )
    assert number == ID_NUMBER
    assert AccessLog.objects.filter(action="reveal_document", object_id=str(visit.pk)).exists()
    with pytest.raises(Http404):
        services.visit_reveal_document(
            actor=world.users["school_b_admin"], visit_id=visit.pk, reason="x"
        )


def test_a_tampered_link_is_a_404(world):
    visit = register(world)
    with pytest.raises(Http404):
        services.visit_declare(
            token=services.declare_token(visit) + "x",
            temperature="36.5",
            symptoms=False,
            risk_regions=[],
        )


def test_the_declaration_tells_the_host(world):
    from apps.notifications.models import Notification

    visit = register(world)
    declare(visit)
    assert Notification.objects.filter(
        recipient=world.users["teacher_a1"], kind="visitors.declared"
    ).exists()


def test_the_gate_lets_an_approved_declared_visitor_in_once(world):
    visit = ready(world)
    code = services.visitor_code(visit)
    first = scan(world, code)
    assert first.verdict == "pass" and first.name == "访客甲" and first.visitor
    second = scan(world, code)
    assert (second.verdict, second.reasons[0].code) == ("stop", "visitor_code_used")
    visit.refresh_from_db()
    assert visit.entered_at is not None
    assert scan(world, code, direction="out").verdict == "pass"
    assert scan(world, code, direction="out").reasons[0].code == "visitor_code_used"


def test_the_gate_stops_a_visit_not_approved(world):
    visit = register(world)
    declare(visit)
    found = scan(world, services.visitor_code(visit))
    assert "visitor_not_approved" in [r.code for r in found.reasons]
    assert found.verdict == "stop"


def test_the_gate_stops_a_visitor_without_a_declaration(world):
    visit = register(world)
    approve(world, visit)
    assert scan(world, services.visitor_code(visit)).reasons[0].code == "visitor_no_declaration"


def test_the_gate_stops_a_visitor_outside_the_window(world):
    visit = ready(world, hours=(2, 4))
    found = scan(world, services.visitor_code(visit))
    assert (found.verdict, found.reasons[0].code) == ("stop", "visitor_outside_window")
    visit.refresh_from_db()
    assert visit.entered_at is None  # a stop does not spend the code


def test_the_gate_stops_a_visitor_with_a_fever_and_keeps_the_code(world):
    visit = ready(world)
    code = services.visitor_code(visit)
    assert scan(world, code, temperature="38.2").reasons[0].code == "fever"
    assert scan(world, code).verdict == "pass"


def test_a_closed_loop_school_takes_no_visitor(world):
    from apps.emergency.models import ModeState

    ModeState.objects.create(
        school=world.schools["a"], scope="school", scope_key="", mode="closed_loop"
    )
    found = scan(world, services.visitor_code(ready(world)))
    assert (found.verdict, found.reasons[0].code) == ("stop", "closed_loop_visitor")
    assert found.reasons[0].zh and found.reasons[0].en


def test_a_visitor_from_a_risk_area_is_stopped(world):
    from datetime import timedelta

    from django.utils import timezone

    from apps.risk.models import RiskArea

    RiskArea.objects.create(
        region_id="410105", level="high", start=timezone.localdate() - timedelta(days=1)
    )
    visit = register(world)
    approve(world, visit)
    declare(visit, risk_regions=["410105"])
    assert scan(world, services.visitor_code(visit)).reasons[0].code == "risk_area_travel"


def test_a_forged_code_is_invalid_and_another_schools_gate_never_sees_it(world):
    visit = ready(world)
    code = services.visitor_code(visit)
    assert scan(world, code[:-2] + "xx").reasons[0].code == "code_invalid"
    with pytest.raises(Http404):
        gate_check_record(
            actor=world.users["gate_a"],
            school_id=world.schools["b"].pk,
            code_or_number=code,
            temperature="36.5",
            direction="in",
            client_id="other",
        )


def test_the_sweep_tells_the_host_of_the_arrival_once(world):
    from apps.notifications.models import Notification
    from apps.visitors.tasks import tell_arrivals

    visit = ready(world)
    assert services.visits_tell_arrivals() == 0
    scan(world, services.visitor_code(visit))
    assert tell_arrivals.call() == 1
    assert services.visits_tell_arrivals() == 0
    assert (
        Notification.objects.filter(
            recipient=world.users["teacher_a1"], kind="visitors.arrived"
        ).count()
        == 1
    )
