"""A visitor's one-time code at the gate against a student's code, in the same run, on the
production path: POST /api/v1/gate/verdicts with a terminal's API token, through the whole
Django stack in this process (django.test.Client), one scan after another. Each visitor
scan spends a different visit's code (approved, declared, in its window), as at a real gate.

Prints both rates and their ratio (visitor scans/s ÷ student scans/s): target >= 0.9.
A small generated province is enough (--persons 20000)."""

import json
import time
import uuid
from datetime import timedelta
from functools import partial

from bench import Context, Result, benchmark, say
from bench.province import ensure_province

PERSONS = 20_000
SCANS = 400
ROUND = 50
_say = partial(say, "visitor_gate_scan")


@benchmark("visitor_gate_scan")
def visitor_gate_scan(ctx: Context) -> list[Result]:
    ensure_province("visitor_gate_scan", persons=ctx.persons or PERSONS)
    run = f"bench-{uuid.uuid4().hex[:8]}"
    school, token, students, visits = _prepare(run)
    from django.test import Client

    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def scan(code: str, n: int) -> None:
        answer = client.post(
            "/api/v1/gate/verdicts",
            json.dumps(
                {
                    "code_or_number": code,
                    "temperature": "36.6",
                    "direction": "in",
                    "client_id": f"{run}-{n}",
                    "school_id": school,
                }
            ),
            content_type="application/json",
            **headers,
        )
        if answer.status_code != 200:
            raise RuntimeError(f"the gate answered {answer.status_code}: {answer.content[:200]}")

    scan(students[0], -1)  # warm: caches, prepared statements
    # Interleaved in rounds, so a neighbour's load on a shared machine falls on both alike.
    spent = {"student": 0.0, "visitor": 0.0}
    n = 0
    for start in range(0, SCANS, ROUND):
        for label, codes in (("student", students), ("visitor", visits)):
            began = time.perf_counter()
            for code in codes[start : start + ROUND]:
                scan(code, n)
                n += 1
            spent[label] += time.perf_counter() - began
    timings = {label: SCANS / seconds for label, seconds in spent.items()}
    _say(f"student {timings['student']:.0f}/s, visitor {timings['visitor']:.0f}/s")
    return [
        Result("visitor_gate_scan_student", timings["student"], "scans/s", "one process"),
        Result("visitor_gate_scan_visitor", timings["visitor"], "scans/s", "one process"),
        Result("visitor_gate_scan_ratio", timings["visitor"] / timings["student"], "x", ">= 0.9"),
    ]


def _prepare(run: str):
    from django.db import transaction
    from django.utils import timezone

    from apps.access.models import RoleAssignment, User
    from apps.access.services import api_token_create
    from apps.approvals.models import ApprovalRequest
    from apps.core.crypto import encrypt_text, keyed_hash
    from apps.people.codes import personal_code_issue
    from apps.people.models import Person
    from apps.visitors.models import Visit
    from apps.visitors.services import visitor_code

    now = timezone.now()
    staff = Person.objects.filter(kind="staff", active=True).order_by("pk").first()
    school = staff.school_id
    with transaction.atomic():
        user = User.objects.create_user(username=f"{run}-gate")
        RoleAssignment.objects.create(user=user, role="gate_officer", school_id=school)
        _t, token = api_token_create(
            user=user, name=f"{run} terminal", permissions=["gate.verdict"], days=1
        )
        students = [
            personal_code_issue(person=p)
            for p in Person.objects.filter(school_id=school, kind="student", active=True).order_by(
                "pk"
            )[:SCANS]
        ]
        approvals = ApprovalRequest.objects.bulk_create(
            [
                ApprovalRequest(
                    school_id=school,
                    person=staff,
                    kind="visitor",
                    state="approved",
                    approver="school",
                    title="bench",
                    starts_on=now.date(),
                    ends_on=now.date(),
                    visitor_name=f"访客{n}",
                    due_at=now,
                    decided_at=now,
                    client_id=f"{run}-{n}",
                )
                for n in range(SCANS)
            ]
        )
        cipher, digest = encrypt_text("11010519491231002X"), keyed_hash("11010519491231002X")
        visits = Visit.objects.bulk_create(
            [
                Visit(
                    school_id=school,
                    host=staff,
                    approval=a,
                    name=a.visitor_name,
                    phone="13800138000",
                    doc_cipher=cipher,
                    doc_hash=digest,
                    doc_masked="1101***002X",
                    purpose="bench",
                    starts_at=now - timedelta(hours=1),
                    ends_at=now + timedelta(hours=3),
                    declared_at=now,
                    temperature=36.5,
                    client_id=f"{run}-{a.pk}",
                )
                for a in approvals
            ]
        )
    if len(students) < SCANS:
        students = (students * SCANS)[:SCANS]
    return school, token, students, [visitor_code(v) for v in visits]
