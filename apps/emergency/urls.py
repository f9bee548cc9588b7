from django.urls import path

from apps.emergency.views import modes
from apps.emergency.views import plans as v_plans
from apps.emergency.views import readiness as v_readiness
from apps.emergency.views import response_times as v_responses
from apps.emergency.views import triggers as v_triggers

app_name = "emergency"

urlpatterns = [
    path("modes/", modes.mode_overview, name="modes"),
    path("modes/<int:school_id>/", modes.school_modes, name="school_modes"),
    path("modes/<int:school_id>/residents/", modes.campus_residents, name="campus_residents"),
    path("modes/residents/<int:pk>/end/", modes.campus_resident_end, name="campus_resident_end"),
    # plans, the task force, plan runs and drills
    path("plans/", v_plans.plans_home, name="plans"),
    path("plans/readiness/print/", v_readiness.readiness_print, name="readiness_print"),
    path("plans/readiness.xlsx", v_readiness.readiness_xlsx, name="readiness_xlsx"),
    path("plans/<int:school_id>/", v_plans.plan, name="plan"),
    path("plans/<int:school_id>/create/", v_plans.plan_create, name="plan_create"),
    path("plans/<int:school_id>/edit/", v_plans.plan_edit, name="plan_edit"),
    path("plans/<int:school_id>/history/", v_plans.plan_history, name="plan_history"),
    path("plans/<int:school_id>/start/", v_plans.plan_start, name="plan_start"),
    path("plans/<int:school_id>/task-force/", v_plans.task_force, name="task_force"),
    path("plans/<int:school_id>/task-force/<int:member_id>/lead/", v_plans.task_force_lead,
         name="task_force_lead"),
    path("plans/<int:school_id>/task-force/<int:member_id>/remove/", v_plans.task_force_remove,
         name="task_force_remove"),
    path("plans/runs/<int:run_id>/", v_plans.plan_run, name="plan_run"),
    path("plans/tasks/<int:task_id>/done/", v_plans.plan_task_done, name="plan_task_done"),
    path("drills/", v_plans.drills_home, name="drills_home"),
    path("drills/<int:school_id>/", v_plans.drills, name="drills"),
    path("drills/d/<int:drill_id>/", v_plans.drill, name="drill"),
    path("drills/d/<int:drill_id>/start/", v_plans.drill_start, name="drill_start"),
    path("drills/d/<int:drill_id>/finish/", v_plans.drill_finish, name="drill_finish"),
    # case reports, triggers and alerts
    path("reports/", v_triggers.report_list, name="reports"),
    path("reports/import/", v_triggers.report_import, name="report_import"),
    path("reports/<int:pk>/", v_triggers.report_detail, name="report_detail"),
    path("reports/<int:pk>/progress/", v_triggers.report_progress, name="report_progress"),
    path("triggers/", v_triggers.trigger_list, name="triggers"),
    path("triggers/responses/print/", v_responses.responses_print,
         name="trigger_responses_print"),
    path("triggers/responses.xlsx", v_responses.responses_xlsx, name="trigger_responses_xlsx"),
    path("triggers/<int:pk>/", v_triggers.trigger_detail, name="trigger_detail"),
    path("triggers/<int:pk>/trace/print/", v_triggers.trigger_trace_print,
         name="trigger_trace_print"),
    path("triggers/<int:pk>/trace.xlsx", v_triggers.trigger_trace_xlsx,
         name="trigger_trace_xlsx"),
    path("triggers/<int:pk>/acknowledge/", v_triggers.trigger_acknowledge,
         name="trigger_acknowledge"),
    path("triggers/<int:pk>/decide/", v_triggers.trigger_decide, name="trigger_decide"),
    path("triggers/<int:pk>/plan/", v_triggers.trigger_start_plan, name="trigger_start_plan"),
    path("alerts/<int:pk>/", v_triggers.alert_detail, name="alert_detail"),
]
