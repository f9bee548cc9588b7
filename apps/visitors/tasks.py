"""Visitors has no periodic work: the host is told on declaration and arrival as they happen
(apps.visitors.services)."""
