"""Menu entries of the daily health pages (apps.web.navigation collects them)."""


def entries(user) -> list:
    return []
