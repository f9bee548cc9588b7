def navigation(request):
    """The menu for the roles the user holds, and the roles themselves for the top bar."""
    from apps.web.navigation import menu_for, role_labels

    return {"nav_menu": menu_for(request), "nav_roles": role_labels(getattr(request, "user", None))}
