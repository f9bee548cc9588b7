"""Designated hospitals (定点医疗机构) a bureau registers in its area, with the contacts a
school calls (the liaison, the infection department) and the hospital's emergency phone."""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.access.models import User
from apps.orgs.models import Bureau, Hospital, HospitalContact
from apps.orgs.services import fields as f
from apps.orgs.services.fields import HOSPITALS, Errors
from apps.regions.selectors import region_ancestor_codes


def _hospital_fields(errors: Errors, values: dict) -> dict:
    return {"name": f.required(errors, "name", values["name"], 120),
            "address": f.optional(errors, "address", values["address"], 200),
            "phone": f.phone(errors, "phone", values["phone"], required=True)}


def _name_free(errors: Errors, name: str, region_id: str, hospital=None) -> None:
    others = Hospital.objects.filter(name=name, region_id=region_id).exclude(pk=f.pk(hospital))
    if name and others.exists():
        errors.add("name", "duplicate", _("This region already has a hospital with this name."))


@transaction.atomic
def hospital_create(*, actor: User, name: str, region_code: str, address: str = "",
                    phone: str = "") -> Hospital:
    """A designated hospital in a region under one of the actor's bureaus; its phone is the
    one a school calls in an emergency, so it is required."""
    errors = Errors()
    values = _hospital_fields(errors, {"name": name, "address": address, "phone": phone})
    region = f.region(errors, region_code)
    if region is not None:
        above = region_ancestor_codes(region.code)
        if not Bureau.objects.restrict(actor, HOSPITALS).filter(region_id__in=above).exists():
            errors.add("region_code", "out_of_scope",
                       _("The region is outside your bureau's region."))
        _name_free(errors, values["name"], region.code)
    errors.raise_if_any()
    hospital = Hospital(region=region, **values)
    f.save(hospital, actor)
    return hospital


@transaction.atomic
def hospital_update(*, actor: User, hospital: Hospital | int, name: str, address: str,
                    phone: str) -> Hospital:
    """Its name, address and emergency phone. Its region stays: the schools and bureaus that
    see it are decided by it."""
    hospital = f.in_scope(Hospital, actor, hospital, HOSPITALS)
    errors = Errors()
    values = _hospital_fields(errors, {"name": name, "address": address, "phone": phone})
    _name_free(errors, values["name"], hospital.region_id, hospital)
    errors.raise_if_any()
    for key, value in values.items():
        setattr(hospital, key, value)
    f.save(hospital, actor)
    return hospital


def _contact_fields(errors: Errors, hospital_id: int, values: dict, contact=None) -> dict:
    found = {"name": f.required(errors, "name", values["name"], 50),
             "role": f.required(errors, "role", values["role"], 50),
             "phone": f.phone(errors, "phone", values["phone"], required=True)}
    same = HospitalContact.objects.filter(hospital_id=hospital_id, name=found["name"],
                                          role=found["role"]).exclude(pk=f.pk(contact))
    if found["name"] and same.exists():
        errors.add("name", "duplicate", _("This hospital already has this contact."))
    return found


@transaction.atomic
def hospital_contact_add(*, actor: User, hospital: Hospital | int, name: str, role: str,
                         phone: str) -> HospitalContact:
    hospital = f.in_scope(Hospital, actor, hospital, HOSPITALS)
    errors = Errors()
    values = _contact_fields(errors, hospital.pk,
                             {"name": name, "role": role, "phone": phone})
    errors.raise_if_any()
    contact = HospitalContact(hospital=hospital, **values)
    f.save(contact, actor)
    return contact


@transaction.atomic
def hospital_contact_update(*, actor: User, contact: HospitalContact | int, name: str,
                            role: str, phone: str) -> HospitalContact:
    contact = f.in_scope(HospitalContact, actor, contact, HOSPITALS)
    errors = Errors()
    values = _contact_fields(errors, contact.hospital_id,
                             {"name": name, "role": role, "phone": phone}, contact)
    errors.raise_if_any()
    for key, value in values.items():
        setattr(contact, key, value)
    f.save(contact, actor)
    return contact


@transaction.atomic
def hospital_contact_remove(*, actor: User, contact: HospitalContact | int) -> None:
    """A contact who left: nothing points at a contact, and its history keeps it."""
    contact = f.in_scope(HospitalContact, actor, contact, HOSPITALS)
    contact._history_user = actor
    contact.delete()
