"""Emergency: school modes (平急转换); later: triggers, trace-back, plans, task force, drills."""
