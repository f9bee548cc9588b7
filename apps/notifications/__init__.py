"""Notifications: an in-app inbox for every user, and outside channels (e-mail, the SMS
gateway, WeCom/DingTalk group robots, webhooks, a console line for the demo) with delivery
status and retries.

How other apps call it (apps.notifications.services), always inside their own transaction:

- `notification_send(recipient_ids=..., kind="cluster.alert", subject=_("..."), body=...,
  link="/absence/...", school_id=..., severity="urgent", dedupe_key="cluster:12")`: one
  message to many users; subject/body are lazy strings, stored in Chinese and English.
- `notification_send_each(messages=[Personal(user_id, subject, school_id=...)], kind=...)`:
  a personal message per user (fan-outs across schools), in a fixed number of queries.
- `notification_send_external(addresses=[Address("sms", "13800138000")], kind=..., ...)`:
  contacts who are not users (the designated hospital: `hospital_addresses(school_id=)`,
  the county CDC); nothing in any inbox.
- `selectors.users_of_persons(person_ids=...)`: the accounts of persons and their guardians.

A `dedupe_key` makes a retried send a no-op; `drill=True` puts messages in inboxes only.
Deliveries are sent by `tasks.deliver_due` (queued on commit and every minute).
"""
