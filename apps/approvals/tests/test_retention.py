"""Decided approval requests go past the pack's retention_approvals_days (routine: 365),
counted from the decision and from the end of what was asked, with their change history, in
the daily retention purge (apps.operations.retention). A pending request stays however old,
and so does a visitor's entry, which its visit holds."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.approvals import services
from apps.approvals.models import ApprovalRequest, State
from apps.operations.retention import retention_purge

from .conftest import asked

pytestmark = pytest.mark.django_db


def _aged(request, *, decided: int | None, ended: int) -> None:
    now, today = timezone.now(), timezone.localdate()
    ApprovalRequest.objects.filter(pk=request.pk).update(
        starts_on=today - timedelta(days=ended), ends_on=today - timedelta(days=ended),
        created_at=now - timedelta(days=400),
        decided_at=None if decided is None else now - timedelta(days=decided))


def _decided(henan, approve: bool, **age):
    made = asked(henan)
    services.approval_decide(actor=henan.users["school_a_admin"], approval_id=made.pk,
                             approve=approve, reason="" if approve else "请改为线上")
    _aged(made, **age)
    return made


def test_decided_requests_go_with_their_history_once_past_their_days(henan):
    refused = _decided(henan, False, decided=366, ended=366)
    approved = _decided(henan, True, decided=366, ended=370)
    withdrawn = asked(henan)
    services.approval_withdraw(actor=henan.users["teacher_a1"], approval_id=withdrawn.pk)
    _aged(withdrawn, decided=366, ended=366)
    recent = _decided(henan, True, decided=364, ended=364)
    in_force = _decided(henan, True, decided=400, ended=10)  # a long trip, ended lately
    pending = asked(henan)
    _aged(pending, decided=None, ended=400)
    assert retention_purge(dry_run=True)["approvals"] == 3
    assert retention_purge()["approvals"] == 3
    left = set(ApprovalRequest.objects.values_list("pk", flat=True))
    assert left == {recent.pk, in_force.pk, pending.pk}
    history = set(ApprovalRequest.history.values_list("id", flat=True))
    assert history == left
    assert not {refused.pk, approved.pk, withdrawn.pk} & history
    assert retention_purge()["approvals"] == 0


def test_a_visitors_entry_stays_with_its_visit(world):
    from apps.visitors.tests.conftest import approve, register

    visit = register(world)
    approve(world, visit)
    _aged(visit.approval, decided=400, ended=400)
    assert ApprovalRequest.objects.get(pk=visit.approval_id).state == State.APPROVED
    assert retention_purge()["approvals"] == 0
    assert ApprovalRequest.objects.filter(pk=visit.approval_id).exists()
