"""Menu entries of the gate pages (apps.web.navigation collects them)."""


def entries(user) -> list:
    return []
