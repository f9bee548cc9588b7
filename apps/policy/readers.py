"""Where each pack parameter acts: {parameter: the modules that read it}.

A parameter of a shipped pack that no code reads would be shown on the Policy page as a rule
that nothing follows. So every parameter is listed here with its readers, or its pack marks
it `informational: true` (guidance a person follows: the Policy pages show it as such). The
system check `policy.E001`–`E003` (apps.policy.checks) holds the packs and this list together
at start-up; a test reads each module named here for the parameter's name, so an entry
cannot claim a reader that does not read it.

A new parameter: add it to its pack, read it where it acts, and list it here; or mark it
informational until the code that follows it exists.
"""

ENGINE_HEALTH = "apps.policy.engine.rules.health"
ENGINE_TRAVEL = "apps.policy.engine.rules.travel"
ENGINE_EXPOSURE = "apps.policy.engine.rules.exposure"
CLUSTERS = "apps.policy.engine.clusters"
TRIGGERS = "apps.emergency.triggers"
RETENTION = "apps.operations.retention"
STATION = "apps.testing.services.station"
TESTING_CYCLE = "apps.testing.services.cycle"

# Cluster detection reads a window and a count for each disease it follows.
_DISEASES = ("chickenpox", "measles", "mumps", "norovirus", "rubella", "scarlet_fever", "ili")

READERS: dict[str, tuple[str, ...]] = {
    # daily checks, absence and clusters
    "morning_check": ("apps.health.rules",),
    "noon_check": ("apps.health.rules",),
    "checkin_reminder_minutes": ("apps.health.rules", "apps.health.reminders"),
    "fever_threshold_celsius": ("apps.health.rules", "apps.gate.facts", "apps.absence.detection",
                                ENGINE_HEALTH),
    "sick_absence_cause_followup": ("apps.absence.services",),
    "sick_absence_cause_hours": ("apps.absence.services",),
    "return_after_hours_without_fever": ("apps.absence.services", ENGINE_HEALTH),
    "regimen_followup_hours": ("apps.status.verdicts",),
    "cluster_report_hours": ("apps.absence.detection",),
    "cluster_same_day_cases": (CLUSTERS,),
    "cluster_consecutive_days": (CLUSTERS,),
    "cluster_consecutive_days_cases": (CLUSTERS,),
    "infectious_case_report_at_once": (CLUSTERS,),
    "hfmd_window_days": (CLUSTERS,),
    "hfmd_school_cases": (CLUSTERS,),
    "hfmd_class_cases": (CLUSTERS,),
    **{f"{d}_window_days": (CLUSTERS,) for d in _DISEASES},
    **{f"{d}_cases": (CLUSTERS,) for d in _DISEASES},
    "ili_fever_celsius": (CLUSTERS, ENGINE_HEALTH),
    "ili_suspension_daily_cases": (CLUSTERS,),
    "ili_suspension_class_percent": (CLUSTERS,),
    "ili_suspension_days": (CLUSTERS,),
    # positive results and isolation
    "isolation_days": (ENGINE_HEALTH,),
    "post_isolation_monitoring_days": (ENGINE_HEALTH,),
    # the two triggers and the trace-back
    "trigger_other_province_local_case": (TRIGGERS,),
    "trigger_home_province_local_case": (TRIGGERS,),
    "trigger_response_minutes": (TRIGGERS,),
    "trace_back_window_days": (TRIGGERS, "apps.status.services"),
    "trace_back_residents": (TRIGGERS,),
    "trace_back_household": (TRIGGERS,),
    # travel, contacts and risk areas
    "key_population_monitoring_days": (ENGINE_TRAVEL, TRIGGERS),
    "key_population_tests": (ENGINE_TRAVEL,),
    "key_population_test_interval_days": (ENGINE_TRAVEL,),
    "key_population_test_min_gap_hours": (ENGINE_TRAVEL,),
    "key_population_priority_sampling": (ENGINE_TRAVEL,),
    "key_population_includes_household": (ENGINE_TRAVEL,),
    "other_city_no_gathering_days": (ENGINE_TRAVEL,),
    "two_in_three_tests": (ENGINE_TRAVEL, ENGINE_EXPOSURE, TRIGGERS),
    "two_in_three_window_days": (ENGINE_TRAVEL, ENGINE_EXPOSURE, TRIGGERS),
    "two_in_three_min_gap_hours": (ENGINE_TRAVEL, ENGINE_EXPOSURE),
    "risk_stay_lookback_days": (ENGINE_TRAVEL, "apps.status.services"),
    "high_risk_central_quarantine_days": (ENGINE_TRAVEL,),
    "medium_risk_home_quarantine_days": (ENGINE_TRAVEL,),
    "case_contact_central_quarantine_days": (ENGINE_EXPOSURE,),
    "case_contact_home_monitoring_days": (ENGINE_EXPOSURE,),
    "secondary_contact_home_quarantine_days": (ENGINE_EXPOSURE,),
    "cross_province_travel_needs_approval": (ENGINE_TRAVEL, "apps.approvals.services"),
    "closed_loop_boarders_may_not_leave": ("apps.policy.engine.rules.school",),
    "offline_training_suspended": ("apps.policy.selectors",),  # on every school's home page
    "offline_meetings_need_approval": ("apps.approvals.services",),
    "offline_meeting_max_participants": ("apps.approvals.services",),
    # testing
    # the new round's proposals and defaults, and the automatic cycle of rounds
    "whole_school_testing_days": (TESTING_CYCLE, "apps.testing.planner",
                                  "apps.testing.views.rounds"),
    "daily_testing_percent": (TESTING_CYCLE, "apps.testing.planner",
                              "apps.testing.views.rounds"),
    "pool_size_default": (STATION,),
    "pool_size_max": (STATION,),
    "pool_close_contacts": (STATION,),
    "pool_symptomatic": (STATION,),
    # keeping personal data
    "retention_checkins_days": (RETENTION,),
    "retention_gate_checks_days": (RETENTION,),
    "retention_travel_days": (RETENTION,),
    "retention_status_history_days": (RETENTION,),
    "retention_tests_days": (RETENTION,),
    "retention_parcel_photos_days": (RETENTION,),
    "retention_approvals_days": (RETENTION,),
    "retention_concerns_days": (RETENTION,),
    # care of isolated people
    "isolation_care_reminder_time": ("apps.isolation.reminders",),
    # daily reports
    "daily_report_deadline": ("apps.reports.drafting",),
    # concerns (诉求) of people under a restriction
    "concern_response_hours": ("apps.concerns.services",),
    # supplies: a school below it is flagged (its home, its bureau's list)
    "supplies_min_days_cover": ("apps.supplies.selectors",),
    # disinfection and ventilation of a school's areas, by its mode (the schedule, overdue)
    **{f"{kind}_interval_hours_{mode}": ("apps.disinfection.schedule",)
       for kind in ("disinfection", "ventilation") for mode in ("normal", "emergency",
                                                                 "closed_loop")},
}
