"""The categories, read once per process and reloaded when any of them changes (``core.refdata``).

Intake looks its category up by code on every request, and the public lists name the category of
every row; both read it here instead of the table. The instances are shared by the requests of a
process: read them, never change them (``Category.objects`` to edit).
"""

from shanzhi.core import refdata

from .models import Category


def _load():
    rows = list(Category.objects.select_related("parent"))
    parents = {c.pk: c for c in rows}
    for c in rows:  # each child's parent is the shared instance, so a parent is loaded once
        if c.parent_id:
            c.parent = parents[c.parent_id]
    return {"by_id": parents, "by_code": {c.code: c for c in rows}}


def categories():
    return refdata.cached("appeals.categories", _load)


def by_id(pk):
    found = categories()["by_id"].get(pk)
    if found is None and pk is not None:  # added this moment by another process: read it
        found = Category.objects.select_related("parent").filter(pk=pk).first()
    return found


def active_by_code(code, *, leaf=False):
    """The active category with this code (``leaf``: only a second-level one, as Open311 offers)."""
    found = categories()["by_code"].get(code or "")
    if found is None or not found.active or (leaf and found.parent_id is None):
        return None
    return found
