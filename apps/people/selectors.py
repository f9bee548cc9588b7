"""Reads of people, always through the scope layer.

Search is built for tens of millions of rows: a query string is sent down exactly one
indexed path where it can be (a document number is an equality on the keyed hash, a student
number a prefix on an index with pattern ops), and only a text that looks like a name
becomes a `contains` search, inside the user's scope.
"""

import re

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from apps.core.crypto import document_hashes
from apps.core.identity import mask_phone, normalize_document
from apps.people.models import Guardianship, HouseholdMember, Person

LIST_RELATED = ("school", "unit", "klass")
# Long enough to be a whole document: an 18/15-digit ID, a passport, a permit.
DOCUMENT_LIKE = re.compile(r"[A-Z0-9]{8,18}")
NUMBER_LIKE = re.compile(r"[A-Z0-9_\-./]+")
RESIDENT_ID_LIKE = re.compile(r"\d{17}[\dX]|\d{15}")


def search_filter(q: str) -> Q:
    """What a search box string matches: name (contains), student/staff number (exact or
    prefix), or the exact document number via its keyed hash (never a LIKE on the hash).
    Something shaped like a resident ID is looked up by its hash alone."""
    text = " ".join(str(q or "").split())
    token = normalize_document(text)
    if not token:
        return Q()
    if not NUMBER_LIKE.fullmatch(token):
        return Q(name__contains=text)
    if RESIDENT_ID_LIKE.fullmatch(token):
        # Only the hash goes to the database: an ID number in SQL ends up in query logs.
        return Q(doc_hash__in=document_hashes(token))
    match = Q(number__startswith=token)
    if DOCUMENT_LIKE.fullmatch(token):
        match |= Q(doc_hash__in=document_hashes(token))
    if token.isalpha():  # a name in Latin letters ("LI" or "SMITH")
        match |= Q(name__icontains=text)
    return match


def person_list(
    *,
    user,
    q: str = "",
    school_id: int | None = None,
    unit_id: int | None = None,
    klass_id: int | None = None,
    kind: str | None = None,
    residence: str | None = None,
    active: bool | None = True,
    perm: str = "people.view",
) -> QuerySet[Person]:
    persons = Person.objects.restrict(user, perm).select_related(*LIST_RELATED)
    filters = {
        "school_id": school_id,
        "unit_id": unit_id,
        "klass_id": klass_id,
        "kind": kind,
        "residence": residence,
        "active": active,
    }
    persons = persons.filter(**{k: v for k, v in filters.items() if v not in (None, "")})
    return persons.filter(search_filter(q)).order_by("school_id", "klass_id", "number", "pk")


def phones_shown(*, user, person: Person) -> bool:
    """Whether the user sees the person's and household's phone numbers in full (they must
    call: people.call); masked otherwise."""
    return Person.objects.restrict(user, "people.call").filter(pk=person.pk).exists()


def phone_as_shown(phone: str, *, shown: bool) -> str:
    """A phone in full when `shown` (phones_shown), masked otherwise; empty stays empty."""
    return phone if shown or not phone else mask_phone(phone)


def phone_for(*, user, person: Person, phone: str) -> str:
    """A phone of the person or their household as this user may see it."""
    return phone_as_shown(phone, shown=bool(phone) and phones_shown(user=user, person=person))


def person_get(*, user, pk: int, perm: str = "people.view") -> Person:
    """One person in the user's scope for `perm`; 404 otherwise (never 403)."""
    persons = Person.objects.restrict(user, perm).select_related(
        *LIST_RELATED, "dorm_room", "residence_region", "teaches_class"
    )
    return get_object_or_404(persons, pk=pk)


def person_get_for_code(*, user, pk: int) -> Person:
    """A person whose personal code the user may show: themselves, their child (people.code)
    or someone they manage (people.change)."""
    persons = Person.objects.restrict(user, "people.code") | Person.objects.restrict(
        user, "people.change"
    )
    return get_object_or_404(persons.filter(active=True).select_related("school"), pk=pk)


def person_household(*, user, person: Person) -> QuerySet[HouseholdMember]:
    return (
        HouseholdMember.objects.restrict(user, "people.view")
        .filter(school_id=person.school_id, person_id=person.pk)
        .select_related("residence_region")
        .order_by("pk")
    )


def person_guardians(*, user, person: Person) -> QuerySet[Guardianship]:
    return (
        Guardianship.objects.restrict(user, "people.view")
        .filter(school_id=person.school_id, person_id=person.pk)
        .select_related("user")
        .order_by("pk")
    )
