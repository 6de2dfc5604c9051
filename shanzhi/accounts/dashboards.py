"""Panels beside the appeals on the data centre's dashboards (issue 10).

The data centre sits above the apps whose figures it shows, yet must not import them: each app
registers a panel function here from its ``AppConfig.ready()`` (``register_panel``), as it
registers its home panel with ``accounts.home``. A panel function takes the user, the org node
the dashboard is about and the period's days [start, end), and returns an
``accounts.home.Panel`` (counts as ``Link``s to the app's own list) or ``None`` when it has
nothing to show there. Its figures must come from the user's own scope (``permissions.visible``).
"""

_PANELS = []


def register_panel(fn):
    """``fn(user, node, start, end) -> accounts.home.Panel | None``."""
    if fn not in _PANELS:
        _PANELS.append(fn)


def panels_for(user, node, start, end):
    panels = [p for fn in _PANELS if (p := fn(user, node, start, end)) is not None and p.has_content]
    return sorted(panels, key=lambda p: p.order)
