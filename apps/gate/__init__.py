"""Gate: gate checks: verdicts, kiosk, terminal API, offline upload, overrides."""
