"""Notifications: an in-app inbox and outside channels (e-mail, webhook, console) with
delivery status and retries."""
