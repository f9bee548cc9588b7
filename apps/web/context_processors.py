def navigation(request):
    """Menu entries for the roles the user holds (filled in by apps.web.navigation)."""
    from apps.web.navigation import menu_for

    return {"nav_menu": menu_for(request)}
