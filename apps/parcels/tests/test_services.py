"""The delivery point: a batch received (idempotent), disinfected by a named staff member of
its school, placed for pickup only once disinfected; photos checked and served in scope; bad
input refused naming the field."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from apps.core.errors import ValidationFailed
from apps.parcels import services
from apps.parcels.models import ParcelBatch
from shaodian.testing.world import staff_member

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _batch(world, **extra):
    return services.batch_receive(actor=world.users["school_a_admin"],
                                  school_id=world.schools["a"].pk, count=5, **extra)


def test_it_records_a_batch_once_per_client_id(world):
    first = _batch(world, courier="顺丰", client_id="k1")
    again = _batch(world, courier="顺丰", client_id="k1")
    assert first.pk == again.pk
    assert ParcelBatch.objects.count() == 1
    assert first.state == "received" and first.recorded_by == world.users["school_a_admin"]


def test_it_names_who_disinfected_and_places_for_pickup(world):
    batch = _batch(world)
    actor, staff = world.users["reporter_a"], staff_member(world, "a")
    with pytest.raises(ValidationFailed) as refused:
        services.batch_place(actor=actor, batch_id=batch.pk)
    assert refused.value.errors[0].field == "batch_id"
    done = services.batch_disinfect(actor=actor, batch_id=batch.pk, person_id=staff.pk)
    assert done.disinfected_by == staff and done.state == "disinfected"
    placed = services.batch_place(actor=actor, batch_id=batch.pk)
    assert placed.state == "placed"
    assert services.batch_place(actor=actor, batch_id=batch.pk).placed_at == placed.placed_at


@pytest.mark.parametrize(("person", "field"), [("b", "person_id"), ("student", "person_id")])
def test_it_refuses_someone_not_of_the_schools_staff(world, person, field):
    batch = _batch(world)
    other = (staff_member(world, "b") if person == "b" else world.persons["a1_student"])
    with pytest.raises(ValidationFailed) as refused:
        services.batch_disinfect(actor=world.users["school_a_admin"], batch_id=batch.pk,
                                 person_id=other.pk)
    assert refused.value.errors[0].field == field


def test_it_refuses_times_in_the_future_and_before_receipt(world):
    with pytest.raises(ValidationFailed) as refused:
        _batch(world, received_at=timezone.now() + timedelta(hours=1))
    assert refused.value.errors[0].field == "received_at"
    batch = _batch(world)
    with pytest.raises(ValidationFailed) as refused:
        services.batch_disinfect(actor=world.users["school_a_admin"], batch_id=batch.pk,
                                 person_id=staff_member(world, "a").pk,
                                 at=batch.received_at - timedelta(minutes=10))
    assert refused.value.errors[0].reason == "too_early"


def test_it_refuses_another_schools_batch_and_a_school_out_of_scope(world):
    with pytest.raises(ValidationFailed) as refused:
        services.batch_receive(actor=world.users["school_b_admin"],
                               school_id=world.schools["a"].pk, count=1)
    assert refused.value.errors[0].field == "school_id"
    with pytest.raises(ValidationFailed) as refused:
        services.batch_receive(actor=world.users["school_a_admin"],
                               school_id=world.schools["a"].pk, count=0)
    assert refused.value.errors[0].field == "count"


def test_it_keeps_photos_and_serves_them_in_scope_only(world):
    batch = _batch(world, photos=[SimpleUploadedFile("p.png", PNG, "image/png")])
    photo = batch.photos.get()
    for username, status in (("school_a_admin", 200), ("jinshui_bureau", 200),
                             ("school_b_admin", 404), ("teacher_a1", 404)):
        client = Client()
        client.force_login(world.users[username])
        assert client.get(f"/parcels/photos/{photo.pk}/").status_code == status
    with pytest.raises(ValidationFailed) as refused:
        _batch(world, photos=[SimpleUploadedFile("p.png", b"not an image", "image/png")])
    assert refused.value.errors[0].field == "photos"


def test_its_photos_share_the_inspection_photos_fields_from_one_base():
    from apps.parcels.models import ParcelPhoto
    from apps.supervision.models import Photo, StoredPhoto

    shared = ["school", "path", "content_type", "size", "uploaded_by", "uploaded_at"]
    assert [f.name for f in StoredPhoto._meta.local_fields] == shared
    for model in (ParcelPhoto, Photo):
        assert issubclass(model, StoredPhoto) and model._meta.ordering == ["uploaded_at", "id"]
        assert {f.name for f in model._meta.local_fields} >= set(shared)
    assert [i.fields for i in ParcelPhoto._meta.indexes] == [["school", "uploaded_at"]]
