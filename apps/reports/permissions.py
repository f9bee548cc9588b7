"""Permissions of the daily report (日报) and zero report (零报告) (apps.access.roles collects
them): a school's epidemic office (its school admins and outbreak reporters) reads and submits
the school's report; bureaus read their schools' reports, remind the missing, aggregate them
into their own report and submit it upward."""

from apps.access.roles import ADMINS, EPIDEMIC_OFFICE, REGION_ADMINS, Role

PERMISSIONS = {
    "reports.view": ADMINS | {Role.OUTBREAK_REPORTER},
    "reports.submit": EPIDEMIC_OFFICE,
    "reports.supervise": REGION_ADMINS,
}
