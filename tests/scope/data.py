"""One row of every scoped kind in each school of the test province (shaodian/testing/world.py),
so each persona has rows just outside its scope to ask for. Made through the services where
one is cheap to call, written straight to the table otherwise."""

from datetime import timedelta

from django.utils import timezone

TODAY = timezone.localdate()


def build_rows(world) -> None:
    for key in ("a", "b"):
        _emergency(world, key)
        _school_rows(world, key)
        _person_rows(world, key)
        _binding_rows(world, key)
    _user_rows(world)
    _hospital_rows(world)
    _transfer_rows(world)
    _supervision_rows(world)
    _concern_rows(world)
    _supplies_rows(world)
    _approval_rows(world)
    _log_rows(world)
    _isolation_rows(world)


def _isolation_rows(world):
    """In each school a room, a student isolated in it with a care visit, a referral and
    online study; a's staff member isolated at home, not yet visited today."""
    from apps.isolation import services

    for key in ("a", "b"):
        admin = world.users[f"school_{key}_admin"]
        room = services.room_save(actor=admin, school_id=world.schools[key].pk, name="隔离室",
                                  capacity=2)
        isolation = services.isolation_open(
            actor=admin, person_id=world.persons[f"{key}1_student"].pk, place_kind="campus",
            room_id=room.pk, start=TODAY, planned_end=TODAY + timedelta(days=5), reason="密接")
        services.care_visit_record(actor=admin, isolation_id=isolation.pk, health="well",
                                   meals="ok", study="ok", mood="good")
        services.referral_create(actor=admin, isolation_id=isolation.pk, to_whom="心理老师",
                                 reason="情绪低落")
        services.online_study_arrange(actor=admin, isolation_id=isolation.pk, platform="钉钉",
                                      teacher="王老师")
    services.isolation_open(actor=world.users["school_a_admin"],
                            person_id=world.persons["a_staff"].pk, place_kind="home",
                            start=TODAY, planned_end=TODAY + timedelta(days=5), reason="密接")
    _visitor_rows(world)


def _transfer_rows(world):
    """A transfer waiting in each direction (each seen by both schools and those above)."""
    from apps.transfers.services import transfer_request

    for key, person, to in (("a", "a1_student2", "b"), ("b", "b1_student", "a")):
        transfer_request(actor=world.users[f"school_{key}_admin"],
                         person_id=world.persons[person].pk, to_school_id=world.schools[to].pk)


def _supervision_rows(world):
    """An inspection of each school by its bureau, done with two failed items: one
    rectification waiting for the school, one answered with a photo (the inspector's to
    verify), each with a photo of the item."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.supervision import services

    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
    for key, inspector in (("a", "jinshui_bureau"), ("b", "luoyang_bureau")):
        actor, admin = world.users[inspector], world.users[f"school_{key}_admin"]
        inspection = services.inspection_plan(actor=actor, school_id=world.schools[key].pk,
                                              planned_on=TODAY)
        for item in inspection.items.all():
            failed = item.code in ("supplies", "ventilation")
            services.inspection_record(
                actor=actor, inspection_id=inspection.pk, code=item.code,
                result="fail" if failed else "pass", note="不足" if failed else "",
                photos=[SimpleUploadedFile("p.png", png)] if failed else [])
        services.inspection_complete(actor=actor, inspection_id=inspection.pk)
        rect = inspection.rectifications.order_by("id").first()
        services.rectification_answer(actor=admin, rectification_id=rect.pk, answer="已整改",
                                      photos=[SimpleUploadedFile("e.png", png)])
        services.inspection_plan(actor=actor, school_id=world.schools[key].pk,
                                 planned_on=TODAY)  # one still to perform


def _concern_rows(world):
    """A concern in each school: one waiting for its answer (a's, raised by the guardian),
    one answered (b's, raised by the student, reopenable)."""
    from apps.concerns import services
    from apps.status.models import PersonStatus

    for key in ("a1_student", "b1_student"):
        person = world.persons[key]
        PersonStatus.objects.update_or_create(
            school_id=person.school_id, person=person,
            defaults={"category": "isolation", "pack": "routine", "pack_version": "test"})
    concern = services.concern_raise(actor=world.users["guardian_a1"],
                                     person_id=world.persons["a1_student"].pk,
                                     category="food", text="需要送饭")
    services.concern_assign(actor=world.users["school_a_admin"], concern_id=concern.pk,
                            assignee_id=world.users["reporter_a"].pk)
    from apps.access.models import User

    b_student = world.persons["b1_student"]
    if b_student.user_id is None:
        b_student.user = User.objects.create_user(username="student_b1", password="x",
                                                  display_name=b_student.name)
        b_student.save(update_fields=["user"])
    done = services.concern_raise(actor=b_student.user, person_id=world.persons["b1_student"].pk,
                                  category="study", text="需要课本")
    services.concern_answer(actor=world.users["school_b_admin"], concern_id=done.pk,
                            answer="已送达")
def _supplies_rows(world):
    """Each school's stock counted and some used (a stock row, a ledger), and the day's
    snapshot of every school's cover."""
    from apps.supplies import services

    for key in ("a", "b"):
        for kind, quantity in (("counted", 50), ("used", 10)):
            services.movement_record(actor=world.users[f"school_{key}_admin"],
                                     school_id=world.schools[key].pk, item="masks", kind=kind,
                                     quantity=quantity, client_id=f"scope-{key}-{kind}")
    services.cover_snapshot_take()
def _approval_rows(world):
    """In each school, requests of a student waiting for each level: leaving campus (the
    class teacher), a gathering (the school admin), a trip (the county bureau)."""
    from apps.approvals.models import ApprovalRequest

    due = timezone.now() + timedelta(days=1)
    for key in ("a", "b"):
        person = world.persons[f"{key}1_student"]
        for kind, level in (("leave", "class_teacher"), ("gathering", "school"),
                            ("trip", "bureau")):
            ApprovalRequest.objects.create(
                school_id=person.school_id, person=person, requested_by=person.user,
                kind=kind, approver=level, title="审批", starts_on=TODAY, ends_on=TODAY,
                participants=10 if kind == "gathering" else None,
                destination_id="310115" if kind == "trip" else None, due_at=due)


def _hospital_rows(world):
    """A second designated hospital (Luoyang's, paired with no school) beside the world's, and
    a contact of each."""
    from apps.orgs.models import Hospital, HospitalContact

    other = Hospital.objects.create(name="涧西区人民医院", region_id="410305", phone="037912345678")
    for hospital in (world.hospital, other):
        HospitalContact.objects.create(hospital=hospital, name="联络员", role="联络员",
                                       phone="13912345678")


def _emergency(world, key):
    from apps.emergency.drills import drill_schedule
    from apps.emergency.plan_versions import school_plan_from_template
    from apps.emergency.plans import plan_run_start
    from apps.emergency.response import drill_trigger_create
    from apps.emergency.taskforce import task_force_member_add

    school, admin = world.schools[key], world.users[f"school_{key}_admin"]
    task_force_member_add(actor=admin, school_id=school.pk, user_id=admin.pk, duty="leader",
                          lead=True)
    school_plan_from_template(actor=admin, school_id=school.pk)
    trigger = drill_trigger_create(actor=admin, school_id=school.pk, scenario="演练")
    plan_run_start(actor=admin, school_id=school.pk, trigger_id=trigger.pk)
    drill_schedule(actor=admin, school_id=school.pk, scenario="演练",
                   scheduled_for=timezone.now() + timedelta(days=1))


def _school_rows(world, key):
    from apps.absence.models import Cluster
    from apps.access.models import AccessLog
    from apps.gate.models import Gate
    from apps.notifications.models import Channel
    from apps.orgs.models import DormRoom
    from apps.policy.models import PolicyOverride
    from apps.rosters.models import RosterImport
    from apps.testing.models import Sample, TestRound, Tube

    school = world.schools[key]
    test_round = TestRound.objects.create(school=school, name="第一轮", day=TODAY)
    tube = Tube.objects.create(school=school, round=test_round, pool_size=10,
                               client_id=f"tube-{key}")
    Sample.objects.create(school=school, round=test_round, tube=tube,
                          person=world.persons[f"{key}1_student"], client_id=f"sample-{key}")
    Gate.objects.create(school=school, name="南门")
    DormRoom.objects.create(school=school, building="1号楼", room="101")
    Cluster.objects.create(
        school=school, group_kind="class", klass=world.classes[f"{key}_c1"], rule="same_day",
        kind="same_day", window_start=TODAY, window_end=TODAY, reason_zh="聚集",
        reason_en="cluster", report_due=timezone.now() + timedelta(hours=2))
    RosterImport.objects.create(school=school, kind="student", file_name="名单.csv",
                                sha256=key * 64, status="done")
    PolicyOverride.objects.create(school=school, province_code="410000", pack_id="routine",
                                  param="checkin_reminder_minutes", value=30, reason="测试")
    Channel.objects.create(school=school, kind="webhook", address="https://example.cn/hook")
    # The access log's page and export list each school's rows: one a filter would show.
    AccessLog.objects.create(user=world.users[f"school_{key}_admin"], action="reveal_document",
                             school_id=school.pk, object_type="people.person",
                             object_id=str(world.persons[f"{key}1_student"].pk),
                             fields="doc_number", reason="测试")


def _person_rows(world, key):
    from apps.absence.services import absence_register
    from apps.gate.models import GateCheck
    from apps.people.models import HouseholdMember
    from apps.status.models import RegimenMark
    from apps.travel.models import Exposure, TripLeg

    person = world.persons[f"{key}1_student"]
    teacher = world.users[f"teacher_{key}1"]
    absence_register(actor=teacher, person_id=person.pk, first_day=TODAY, symptoms=["fever"])
    if not HouseholdMember.objects.filter(person=person).exists():
        HouseholdMember.objects.create(school_id=person.school_id, person=person, name="孙奶奶",
                                       relation="祖母", residence_region_id="410305")
    TripLeg.objects.create(school_id=person.school_id, person=person, from_region_id="410105",
                           to_region_id="310115", depart=TODAY, arrive=TODAY, transport="train")
    Exposure.objects.create(school_id=person.school_id, person=person, kind="case", on=TODAY)
    GateCheck.objects.create(school_id=person.school_id, person=person, direction="in",
                             verdict="stop", reason="fever", client_id=f"gate-{key}")
    RegimenMark.objects.create(school_id=person.school_id, person=person,
                               regimen="two_in_three", window_start=TODAY - timedelta(days=5),
                               window_end=TODAY - timedelta(days=3), tests=2, done=1,
                               due_offsets=[0, 2], min_gap_hours=24)


def _binding_rows(world, key):
    """A guardian's request waiting for the class teacher, made with a printed code."""
    from apps.families.services import binding_codes_issue, guardian_sign_up

    issued = binding_codes_issue(actor=world.users[f"teacher_{key}1"],
                                 klass_id=world.classes[f"{key}_c1"].pk)
    guardian_sign_up(code=issued[0].code, phone=f"1391230000{ord(key) - 96}", name="家长",
                     relation="母亲", password="Scope-2026-pass", consent=True)


def _user_rows(world):
    """Rows owned by one account: every user has an inbox message, a token and two exports."""
    from apps.access.services import api_token_create
    from apps.notifications.models import Notification
    from apps.reports.models import ExportJob
    from apps.rosters.models import RosterExport

    for user in world.users.values():
        ExportJob.objects.create(user=user, kind="emergency_readiness")
        Notification.objects.create(recipient=user, kind="test", subject_zh="通知",
                                    subject_en="note")
        api_token_create(user=user, name="scope", permissions=None)
        RosterExport.objects.create(user=user, list_name="people")


def _log_rows(world):
    """At each school's delivery point a batch with a photo, disinfected by a staff member;
    its usual areas, one of them disinfected (apps/parcels, apps/disinfection)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.disinfection import services as disinfection
    from apps.disinfection.models import Area
    from apps.parcels import services as parcels
    from shaodian.testing.world import staff_member

    for key in ("a", "b"):
        admin, school = world.users[f"school_{key}_admin"], world.schools[key]
        staff = staff_member(world, key)
        batch = parcels.batch_receive(actor=admin, school_id=school.pk, count=3,
                                      courier="顺丰", client_id=f"scope-{key}",
                                      photos=[SimpleUploadedFile(
                                          "p.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32,
                                          "image/png")])
        parcels.batch_disinfect(actor=admin, batch_id=batch.pk, person_id=staff.pk)
        disinfection.areas_seed(actor=admin, school_id=school.pk)
        area = Area.objects.filter(school=school).order_by("id").first()
        disinfection.entry_record(actor=admin, area_id=area.pk, kind="disinfection",
                                  person_id=staff.pk, client_id=f"scope-{key}")
def _visitor_rows(world):
    """A visit (with its visitor-entry request) and a staff-on-campus record in each school,
    written straight to the tables (school b has no staff record: its student stands in)."""
    from datetime import timedelta

    from django.utils import timezone

    from apps.approvals.models import ApprovalRequest
    from apps.core.crypto import encrypt_text, keyed_hash
    from apps.emergency.models import CampusResident
    from apps.visitors.models import Visit

    now = timezone.now()
    for key, person in (("a", "a_staff"), ("b", "b1_student")):
        school, host = world.schools[key], world.persons[person]
        request = ApprovalRequest.objects.create(
            school=school, person=host, kind="visitor", approver="school", title="scope",
            starts_on=now.date(), ends_on=now.date(), visitor_name="访客", due_at=now)
        Visit.objects.create(
            school=school, host=host, approval=request, name="访客", phone="13800138000",
            doc_cipher=encrypt_text("11010519491231002X"),
            doc_hash=keyed_hash("11010519491231002X"), doc_masked="110***002X",
            purpose="scope", starts_at=now, ends_at=now + timedelta(hours=2))
        CampusResident.objects.create(school=school, person=host, since=now.date())
