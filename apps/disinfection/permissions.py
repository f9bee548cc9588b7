"""Permissions of disinfection and ventilation (apps.access.roles collects them): the admins
of a school and of the bureaus above it read its areas, entries and daily log; the school's
epidemic office (its admin and outbreak reporter) records entries and keeps the areas."""

from apps.access.roles import ADMINS, EPIDEMIC_OFFICE

PERMISSIONS = {
    "disinfection.view": ADMINS | EPIDEMIC_OFFICE,
    "disinfection.record": EPIDEMIC_OFFICE,
}
