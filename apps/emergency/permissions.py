"""Permissions of the emergency app (apps.access.roles collects them).

Modes: a school's epidemic office switches its school's mode, a bureau may order it; everyone
who looks after people sees it. Case reports and triggers: the province and the bureaus enter
case reports; a school's epidemic office answers its triggers; the designated hospital sees
them. Plans: `emergency.mode` manages the task force, the plan and drills; `emergency.mode` or
`emergency.respond` starts a run.
"""

from apps.access.roles import ADMINS, EPIDEMIC_OFFICE, REGION_ADMINS, SEE_PEOPLE, Role

PERMISSIONS = {
    "emergency.view": SEE_PEOPLE | {Role.HOSPITAL_LIAISON},
    "emergency.mode": ADMINS,
    "emergency.report": REGION_ADMINS,
    "emergency.respond": EPIDEMIC_OFFICE,
    # The trace-back list for the CDC, with full phones: whoever hands it over (the school's
    # epidemic office and its bureaus), not every class teacher.
    "emergency.trace_list": ADMINS | {Role.OUTBREAK_REPORTER},
}

# A school's task force (专班): each member with an account holds a grant on the school beside
# any role they have (apps.access.grants): they read the school's plan, its runs and drills;
# the leader also ticks any task of its runs. A task on a member is ticked by that member.
MEMBERSHIPS = {
    "task_force": {"emergency.plans", "people.call"},
    "task_force_lead": {"emergency.plans", "emergency.lead", "people.call"},
}
