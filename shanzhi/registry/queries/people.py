"""Scoped reads of residents: lists, masking, and the search box."""

import re

from django.db.models import Q

from shanzhi.accounts import permissions
from shanzhi.core import crypto
from shanzhi.core.masking import mask_id_number, mask_phone

from .. import services
from ..models import Resident

SEARCH_LIMIT = 50


def residents_of(user, **where):
    return (
        permissions.visible(user, Resident)
        .filter(**where)
        .select_related("household__building__compound", "grid")
        .prefetch_related("tags")
    )


def prepare_residents(user, residents):
    """Masked values and the tags this user may see, set on each resident for display.

    The full values stay on the object only because the field decrypts on load; templates
    print ``id_number_masked`` / ``phone_masked`` and never the fields themselves.
    """
    residents = list(residents)
    sensitive_ok = set()
    if residents and permissions.has_role_for(user, "registry.view_sensitive_tags"):
        sensitive_ok = set(
            permissions.visible(user, Resident, "registry.view_sensitive_tags")
            .filter(pk__in=[r.pk for r in residents])
            .values_list("pk", flat=True)
        )
    for r in residents:
        r.id_number_masked = mask_id_number(r.id_number)
        r.phone_masked = mask_phone(r.phone)
        r.age = services.age_on(r.birth_date) if r.birth_date else None
        r.shown_tags = [t for t in r.tags.all() if not t.sensitive or r.pk in sensitive_ok]
    return residents


ID_NUMBER_RE = re.compile(r"^\d{17}[\dXx]$")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
ASCII_RE = re.compile(r"^[A-Za-z]+$")
DASHED_ADDRESS_RE = re.compile(r"^(\d+)[-－—](?:(\d+)[-－—])?(\d+\w*)$")
BUILDING_SUFFIXES = ("号楼", "栋", "幢", "座")


def _normalise_query(q):
    """Split "3号楼302" into "3号楼 302" and "3-1-302" into building, unit and room."""
    q = re.sub(r"\s+", " ", (q or "").strip())
    tokens = []
    for token in q.split(" ") if q else []:
        m = DASHED_ADDRESS_RE.match(token)
        if m:
            building, unit, room = m.groups()
            tokens += [f"{building}号楼"] + ([f"{unit}单元"] if unit else []) + [room]
            continue
        tokens += re.sub(r"(号楼|栋|幢|座|单元)(?=\d)", r"\1 ", token).split(" ")
    return [t for t in tokens if t]


def _token_q(token):
    if token.endswith(BUILDING_SUFFIXES):
        return Q(household__building__name=token) | Q(household__building__name__endswith=f"-{token}")
    if token.endswith("单元"):
        return Q(household__unit_no=token)
    if token[0].isdigit():
        names = [token] + [token + s for s in BUILDING_SUFFIXES]
        return Q(household__room=token) | Q(household__building__name__in=names)
    if ASCII_RE.match(token):
        return Q(name_initials__startswith=token.lower()) | Q(name__icontains=token)
    return (
        Q(name__contains=token)
        | Q(household__building__compound__name__contains=token)
        | Q(household__building__name=token)
    )


def search_residents(user, q):
    """Residents the user may see, by name, pinyin initials, building/room, ID number or mobile.

    An ID number or mobile is looked up exactly through its blind index; the encrypted columns
    are never decrypted to search.
    """
    q = (q or "").strip()
    base = residents_of(user).order_by("grid__code", "name", "id")
    if not q:
        return base.none()
    compact = q.replace(" ", "")
    if ID_NUMBER_RE.match(compact):
        found = services.find_resident_by_id_number(user, compact.upper())
        return base.filter(pk=found.pk) if found else base.none()
    if MOBILE_RE.match(compact):
        return base.filter(phone_index=crypto.blind_index(compact))
    cond = Q()
    for token in _normalise_query(q):
        cond &= _token_q(token)
    return base.filter(cond).distinct()
