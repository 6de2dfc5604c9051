from . import home, permissions


def roles(request):
    """Lets templates show a menu item only when its action is allowed (the view checks again)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "my_roles": user.roles(),
        "my_grants": user.grants(),
        "may": {a.replace(".", "_"): permissions.has_role_for(user, a) for a in permissions.ACTIONS},
        "nav_counts": home.counters_for(user),
    }
