"""Absence: sick absence, cause follow-up, return checks, cluster detection and outbreak alerts."""
