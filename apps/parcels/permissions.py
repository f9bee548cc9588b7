"""Permissions of the delivery point (apps.access.roles collects them): the admins of a school
and of the bureaus above it read its log; the school's epidemic office (its admin and
outbreak reporter) records batches, their disinfection and their placing for pickup."""

from apps.access.roles import ADMINS, EPIDEMIC_OFFICE

PERMISSIONS = {
    "parcels.view": ADMINS | EPIDEMIC_OFFICE,
    "parcels.record": EPIDEMIC_OFFICE,
}
