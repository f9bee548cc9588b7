"""Follow-ups: tasks on people (trace-back, recheck, sick-absence cause, return check), each
on the person responsible for them (分片包干).

How other apps call it: `services.followup_create_many(school_id=, kind=, source=, items=
[FollowUpItem(person_id, title_zh, title_en, detail={"actions": [...]})], due_at=)` for one
school, or `followup_create_for_schools(kind=, source=, items_by_school={school_id: items})`
for many at once (a trigger); both are idempotent per (school, kind, source, person) and
tell each assignee once per batch. `followup_complete(actor=, followup_id=, outcome=)` closes
one; `selectors.responsible_for(school_id=, person_ids=)` says who is responsible.
"""
