"""Page routes of plans, the task force, plan runs and drills (included by urls.py, so their
names live in the `emergency` namespace)."""

from django.urls import path

from apps.emergency import views_plans as v

urlpatterns = [
    path("plans/", v.plans_home, name="plans"),
    path("plans/<int:school_id>/", v.plan, name="plan"),
    path("plans/<int:school_id>/create/", v.plan_create, name="plan_create"),
    path("plans/<int:school_id>/edit/", v.plan_edit, name="plan_edit"),
    path("plans/<int:school_id>/history/", v.plan_history, name="plan_history"),
    path("plans/<int:school_id>/start/", v.plan_start, name="plan_start"),
    path("plans/<int:school_id>/task-force/", v.task_force, name="task_force"),
    path("plans/<int:school_id>/task-force/<int:member_id>/lead/", v.task_force_lead,
         name="task_force_lead"),
    path("plans/<int:school_id>/task-force/<int:member_id>/remove/", v.task_force_remove,
         name="task_force_remove"),
    path("plans/runs/<int:run_id>/", v.plan_run, name="plan_run"),
    path("plans/tasks/<int:task_id>/done/", v.plan_task_done, name="plan_task_done"),
    path("drills/", v.drills_home, name="drills_home"),
    path("drills/<int:school_id>/", v.drills, name="drills"),
    path("drills/d/<int:drill_id>/", v.drill, name="drill"),
    path("drills/d/<int:drill_id>/start/", v.drill_start, name="drill_start"),
    path("drills/d/<int:drill_id>/finish/", v.drill_finish, name="drill_finish"),
]
