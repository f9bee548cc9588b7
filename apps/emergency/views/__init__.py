"""Emergency pages, one module per subdomain: modes, plans (task force, runs, drills),
triggers (case reports, triggers, alerts)."""
