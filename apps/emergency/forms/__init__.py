"""Forms of the emergency pages: modes, plans (task force, plan steps, drills)."""
