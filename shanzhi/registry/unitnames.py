"""The names of the district's departments and property companies, read once per process and
reloaded when any of them changes (``core.refdata``: triggers of migration ``registry/0006``).

A public read names the unit answerable for each appeal (``appeals.public.agency``); reading the
names here rather than joining the two tables keeps that read on the appeals table alone, whose
plan PostgreSQL can then keep (a prepared statement) without mistaking its row count. A name is
public: nothing of a person is kept.
"""

from shanzhi.core import refdata

from .models import Department, PropertyCompany


def _load():
    return {
        "departments": dict(Department.objects.values_list("pk", "name")),
        "companies": dict(PropertyCompany.objects.values_list("pk", "name")),
    }


def _name(kind, model, pk):
    found = refdata.cached("registry.unit_names", _load)[kind].get(pk)
    if found is None:  # created this very moment in another process: read it, do not trust the miss
        found = model.objects.filter(pk=pk).values_list("name", flat=True).first()
    return found


def department(pk):
    """The department ``pk``'s name (None if there is none)."""
    return _name("departments", Department, pk)


def company(pk):
    """The property company ``pk``'s name (None if there is none)."""
    return _name("companies", PropertyCompany, pk)
