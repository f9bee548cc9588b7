"""Health: daily check-ins (morning, noon, evening), late and missing lists, reminders."""
