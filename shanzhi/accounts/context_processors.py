from . import home, permissions


class _May:
    """``may.appeals_view`` in a template: whether the user holds a role for that action, asked
    only for the actions a page names (a handful in the navbar) instead of all hundred of them on
    every page, each answered once per request."""

    __slots__ = ("user", "answers")

    def __init__(self, user):
        self.user, self.answers = user, {}

    def __getitem__(self, key):
        if key not in self.answers:
            action = _action_for(key)
            if action is None:
                raise KeyError(key)
            self.answers[key] = permissions.has_role_for(self.user, action)
        return self.answers[key]


_ACTION_BY_KEY = {}


def _action_for(key):
    # Built on first use: the apps register their actions while Django starts.
    if not _ACTION_BY_KEY:
        _ACTION_BY_KEY.update({a.replace(".", "_"): a for a in permissions.ACTIONS})
    return _ACTION_BY_KEY.get(key)


def roles(request):
    """Lets templates show a menu item only when its action is allowed (the view checks again)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "my_roles": user.roles(),
        "my_grants": user.grants(),
        "may": _May(user),
        "nav_counts": home.counters_for(user),
    }
