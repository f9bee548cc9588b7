def menu_for(request) -> list[dict]:
    return []
