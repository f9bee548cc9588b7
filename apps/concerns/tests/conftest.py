from apps.concerns import services
from apps.status.models import PersonStatus


def restrict(world, key="a1_student", category="isolation"):
    person = world.persons[key]
    PersonStatus.objects.update_or_create(
        school_id=person.school_id, person=person,
        defaults={"category": category, "pack": "routine", "pack_version": "test"})
    return person


def raised(world, *, by="guardian_a1", key="a1_student", text="需要送饭", category="food",
           client_id=""):
    person = restrict(world, key)
    return services.concern_raise(actor=world.users[by], person_id=person.pk,
                                  category=category, text=text, client_id=client_id)
