"""What a filer chooses by id instead of a map point (staff entering a call or a visit, the JSON
API): a community or grid, a building. Only among what the filer may file for; a foreign or
unknown id is refused in the same words as a missing one, so it tells nothing about the rest.
Split from ``intake`` by subject; intake's own checks (``_check_submitter``) still decide whether
the filing itself is allowed."""

from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.accounts.models import Role
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import Building, OrgNode

from ..models import Appeal
from .intake import CHANNELS, filed_with_key

C = Appeal.Channel


def place_nodes(user):
    """Communities and grids ``user`` may file for without a map point (staff entering a call or
    a visit), in tree order. Residents and property staff file by point or building only."""
    channels = set().union(*(CHANNELS.get(g.role, set()) for g in user.grants()))
    if not channels - {C.WEB, C.PROPERTY}:
        return OrgNode.objects.none()
    return (
        permissions.visible(user, OrgNode, "registry.view_tree")
        .filter(level__in=("community", "grid"))
        .order_by("path")
    )


def chosen_node(user, value, field="node"):
    """The community or grid chosen by id, only among ``place_nodes``: a foreign or unknown id is
    refused alike, so it tells nothing about other places."""
    if value in (None, ""):
        return None
    node = place_nodes(user).filter(pk=int(value)).first() if str(value).isdigit() else None
    if node is None:
        raise DomainError(_("找不到所选的社区/网格，或不在您的辖区内。"), field=field)
    return node


def chosen_building(user, value, field="building"):
    """The building chosen by id (the JSON API's ``building_id``), among those ``user`` sees in
    the registry and, for a property company's staff, the buildings of the compounds their
    company serves (a property complaint names one, ``intake._check_submitter``, and such staff have no
    registry scope; a retired building is not theirs to name). A foreign or unknown id is refused
    alike, telling nothing about buildings outside."""
    if value in (None, ""):
        return None
    text = str(value)
    pk = int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None
    companies = {g.property_company_id for g in user.grants() if g.role == Role.PROPERTY_STAFF}
    building = None
    if pk is not None:
        building = permissions.visible(user, Building).filter(pk=pk).first()
        if building is None and companies:
            building = Building.objects.filter(
                pk=pk, retired_at__isnull=True, compound__property_company_id__in=companies
            ).first()
    if building is None:
        raise DomainError(_("找不到该楼栋，或不在您的辖区内。"), field=field)
    return building


# What a first appeal named, per choice: its building; the grid or community a node placed it in.
_NAMED = {
    chosen_building: (Building, lambda appeal: {appeal.building_id}),
    chosen_node: (OrgNode, lambda appeal: {appeal.grid_id, appeal.community_id}),
}


def chosen_again(choose, user, value, field, key):
    """``choose(user, value, field=field)``, except for a retry: a submission whose idempotency
    key already filed an appeal naming that same building or community/grid gets it back, even
    if it is no longer the filer's to name (retired since, its compound passed to another
    company, a scope lost). ``intake.submit`` then answers the retry with its first appeal, as it
    answers every refused retry, and compares the content; a new filing is refused as before."""
    model, named = _NAMED[choose]  # before choosing: an unknown chooser fails on every call
    try:
        return choose(user, value, field=field)
    except DomainError:
        first = filed_with_key(user, key) if key else None
        text = str(value)
        if first is not None and text.isascii() and text.isdigit() and int(text) in named(first) - {None}:
            return model.objects.get(pk=int(text))
        raise
