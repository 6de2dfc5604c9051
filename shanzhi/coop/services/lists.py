"""The resource and needs lists: "支部制单" (staff publish), residents and grid workers collect needs."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core import audit
from shanzhi.core.errors import DomainError
from shanzhi.core.validators import clean_phone
from shanzhi.core.versioning import check_version
from shanzhi.registry.households import own_household

from ..models import Claim, Need, Order, Resource
from .common import (
    a_category,
    a_weekdays,
    choice,
    community_node,
    event,
    move,
    positive_int,
    text,
    time_window,
)
from .orders import ORDER_MOVES

RS = Resource.Status
NS = Need.Status
OS = Order.Status


def _provider(kind, *, unit, department, team, name, community):
    kind = choice(kind, Resource.ProviderKind, "provider_kind", _("提供方类型"))
    named = {"unit": unit, "department": department, "team": team}.get(kind)
    if kind != "business" and named is None:
        raise DomainError(
            _("请选择提供服务的%(k)s。") % {"k": Resource.ProviderKind(kind).label}, field="provider"
        )
    if kind == "team" and team.community_id != community.pk:
        raise DomainError(_("志愿团队不属于这个社区。"), field="provider")
    name = (name or "").strip() or str(named or "")
    return kind, text(name, "provider_name", _("提供方名称"), max_length=100)


@transaction.atomic
def create_resource(
    *,
    community,
    title,
    category,
    kind,
    provider_kind,
    by,
    provider_unit=None,
    provider_department=None,
    provider_team=None,
    provider_name="",
    description="",
    capacity=None,
    weekdays="1111111",
    time_from=None,
    time_to=None,
    times_note="",
    place="",
    grid=None,
    contact_name="",
    contact_phone="",
    price_note="",
    branch=None,
    publish=False,
):
    community = community_node(community)
    permissions.require(by, "coop.manage_lists", community)
    kind = choice(kind, Resource.Kind, "kind", _("资源类型"))
    provider_kind, provider_name = _provider(
        provider_kind,
        unit=provider_unit,
        department=provider_department,
        team=provider_team,
        name=provider_name,
        community=community,
    )
    if kind == Resource.Kind.LOW_COST and not (price_note or "").strip():
        raise DomainError(_("低偿服务请写明收费标准。"), field="price_note")
    if grid is not None and grid.parent_id != community.pk:
        raise DomainError(_("网格不属于这个社区。"), field="grid")
    if branch is not None and not branch.node.path.startswith(community.path):
        raise DomainError(_("制单支部不属于这个社区。"), field="branch")
    time_from, time_to = time_window(time_from, time_to)
    resource = Resource.objects.create(
        community=community,
        grid=grid,
        title=text(title, "title", _("服务名称")),
        description=description or "",
        category=a_category(category),
        kind=kind,
        provider_kind=provider_kind,
        provider_unit=provider_unit,
        provider_department=provider_department,
        provider_team=provider_team,
        provider_name=provider_name,
        capacity=None if capacity in (None, "") else positive_int(capacity, "capacity", _("同时可接单数")),
        weekdays=a_weekdays(weekdays),
        time_from=time_from,
        time_to=time_to,
        times_note=text(times_note, "times_note", _("服务时间说明"), max_length=100, required=False),
        place=text(place, "place", _("服务地点"), required=False),
        contact_name=text(contact_name, "contact_name", _("联系人"), max_length=50, required=False),
        contact_phone=clean_phone(contact_phone, field="contact_phone"),
        price_note=text(price_note, "price_note", _("收费标准"), max_length=100, required=False),
        published_by_org=branch,
        created_by=by,
    )
    if publish:
        publish_resource(resource, by=by)
        resource.refresh_from_db()
    return resource


@transaction.atomic
def publish_resource(resource, *, by):
    permissions.require(by, "coop.manage_lists", resource)
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if resource.status == RS.PUBLISHED:
        raise DomainError(_("已经发布了。"), field="status", code="state")
    resource.status, resource.published_at = RS.PUBLISHED, timezone.now()
    resource.save(update_fields=["status", "published_at"])
    return resource


# --- needs ----------------------------------------------------------------------------------------


@transaction.atomic
def submit_need(
    *,
    by,
    title,
    category,
    source,
    scope=Need.Scope.INDIVIDUAL,
    household=None,
    community=None,
    description="",
    weekdays="1111111",
    time_from=None,
    time_to=None,
    place="",
    slots=1,
):
    """A resident asks for their household (their own, when none is named); a grid worker records
    what a home visit found; community staff record common needs. Staff-entered needs are published
    at once, residents' wait for review."""
    scope = choice(scope, Need.Scope, "scope", _("需求类型"))
    source = choice(source, Need.Source, "source", _("来源"))
    if scope == Need.Scope.INDIVIDUAL:
        household = household or own_household(by)
        if household is None:
            raise DomainError(_("个性需求请选择所涉及的住户。"), field="household")
        permissions.require(by, "coop.collect_need", household)
        community_id, grid_id = household.grid.parent_id, household.grid_id
    else:
        community = community_node(community)
        permissions.require(by, "coop.manage_lists", community)
        community_id, grid_id = community.pk, None
        household = None
    time_from, time_to = time_window(time_from, time_to)
    staff = any(g.role in permissions.NODE_STAFF for g in by.grants())
    need = Need.objects.create(
        community_id=community_id,
        grid_id=grid_id,
        household=household,
        title=text(title, "title", _("需求")),
        description=description or "",
        category=a_category(category),
        scope=scope,
        source=source,
        weekdays=a_weekdays(weekdays),
        time_from=time_from,
        time_to=time_to,
        place=text(place, "place", _("地点"), required=False),
        slots=positive_int(slots, "slots", _("需要认领方数"), maximum=100),
        submitted_by=by,
    )
    event(need, "submit", by=by, after=need.status)
    if staff:
        need = move(
            Need, need, "publish", ALLOWED, NS.OPEN, by=by, published_by=by, published_at=timezone.now()
        )
    return need


ALLOWED = {
    "edit": {NS.SUBMITTED, NS.OPEN},
    "publish": {NS.SUBMITTED},
    "cancel": {NS.SUBMITTED, NS.OPEN},
    "close": {NS.OPEN, NS.CLAIMED},
}


def in_service(need):
    """Someone is serving the need: it is neither edited nor withdrawn until they give it back."""
    return need.claims.filter(status__in=[Claim.Status.ACCEPTED, Claim.Status.IN_PROGRESS]).exists()


@transaction.atomic
def publish_need(need, *, by):
    """Community staff review a resident's need and put it on the list for claiming."""
    permissions.require(by, "coop.manage_lists", need)
    return move(Need, need, "publish", ALLOWED, NS.OPEN, by=by, published_by=by, published_at=timezone.now())


@transaction.atomic
def cancel_need(need, *, by, reason):
    """Withdraw a need (撤销): its recorder or community staff; refused while someone is serving it."""
    _may_edit_need(by, need)
    reason = text(reason, "reason", _("撤销原因"))
    if in_service(need):
        raise DomainError(_("已有人认领，请先与认领方沟通退回后再撤销。"), field="status", code="state")
    return move(Need, need, "cancel", ALLOWED, NS.CANCELLED, by=by, note=reason)


@transaction.atomic
def close_need(need, *, by, note=""):
    """Staff close a need as done (for a common need served by several claimants)."""
    permissions.require(by, "coop.manage_lists", need)
    return move(Need, need, "close", ALLOWED, NS.DONE, by=by, note=note)


# --- editing and withdrawing (from the item's page) ------------------------------------------------


@transaction.atomic
def update_resource(
    resource,
    *,
    by,
    version=None,
    title,
    category,
    kind,
    description="",
    capacity=None,
    weekdays="1111111",
    time_from=None,
    time_to=None,
    times_note="",
    place="",
    contact_name="",
    contact_phone=None,
    price_note="",
):
    """Change what the list says about a resource. The provider and community stay; a blank phone keeps
    the one on file (the form never shows it unmasked)."""
    permissions.require(by, "coop.manage_lists", resource)
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    check_version(resource, version)
    kind = choice(kind, Resource.Kind, "kind", _("资源类型"))
    if kind == Resource.Kind.LOW_COST and not (price_note or "").strip():
        raise DomainError(_("低偿服务请写明收费标准。"), field="price_note")
    capacity = None if capacity in (None, "") else positive_int(capacity, "capacity", _("同时可接单数"))
    if capacity is not None and capacity < resource.open_orders:
        raise DomainError(
            _("现有 %(n)d 个点单在办，同时可接单数不能少于它。") % {"n": resource.open_orders},
            field="capacity",
        )
    resource.time_from, resource.time_to = time_window(time_from, time_to)
    resource.title = text(title, "title", _("服务名称"))
    resource.category, resource.kind, resource.capacity = a_category(category), kind, capacity
    resource.description, resource.weekdays = description or "", a_weekdays(weekdays)
    resource.times_note = text(times_note, "times_note", _("服务时间说明"), max_length=100, required=False)
    resource.place = text(place, "place", _("服务地点"), required=False)
    resource.contact_name = text(contact_name, "contact_name", _("联系人"), max_length=50, required=False)
    resource.price_note = text(price_note, "price_note", _("收费标准"), max_length=100, required=False)
    changed_phone = bool((contact_phone or "").strip())
    if changed_phone:
        resource.contact_phone = clean_phone(contact_phone, field="contact_phone")
    resource.version += 1
    resource.save()
    audit.record("coop_resource_edit", actor=by, target=resource, detail={"phone_changed": changed_phone})
    return resource


@transaction.atomic
def withdraw_resource(resource, *, by, cancel_open=False, reason=""):
    """Take a resource off the list. Orders not yet started are either dealt with first (refused here,
    naming how many) or, when the caller says so explicitly, cancelled with the reason on each order's
    timeline, so the residents who placed them are told. Orders already in service are finished."""
    permissions.require(by, "coop.manage_lists", resource)
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if resource.status != RS.PUBLISHED:
        raise DomainError(_("只有已发布的资源可以下架。"), field="status", code="state")
    waiting = list(
        Order.objects.select_for_update().filter(resource=resource, status__in=[OS.PLACED, OS.ACCEPTED])
    )
    if waiting and not cancel_open:
        raise DomainError(
            _("还有 %(n)d 个点单尚未开始服务。请先处理这些点单，或选择“同时取消未开始的点单”并写明原因。")
            % {"n": len(waiting)},
            field="cancel_open",
            code="open_orders",
        )
    if waiting:
        reason = text(reason, "reason", _("取消原因"))
        for order in waiting:
            move(
                Order,
                order,
                "cancel",
                ORDER_MOVES,
                OS.CANCELLED,
                by=by,
                note=_("资源已下架：%(r)s") % {"r": reason},
            )
        Resource.objects.filter(pk=resource.pk).update(open_orders=F("open_orders") - len(waiting))
    resource.refresh_from_db()
    resource.status = RS.WITHDRAWN
    resource.save(update_fields=["status"])
    return resource


def need_edit_action(by, need):
    """Whoever recorded the need (a resident, a grid worker) edits and withdraws it while they still
    may collect needs there; otherwise community staff of its community."""
    return "coop.collect_need" if need.submitted_by_id == by.pk else "coop.manage_lists"


def _may_edit_need(by, need):
    permissions.require(by, need_edit_action(by, need), need)


def may_edit_need(by, need):
    """Whether ``by`` may edit or withdraw the need in its present status (someone serving it may
    still stop the save: the edit page then says so)."""
    return need.status in ALLOWED["edit"] and permissions.can(by, need_edit_action(by, need), need)


@transaction.atomic
def update_need(
    need,
    *,
    by,
    version=None,
    title,
    category,
    description="",
    weekdays="1111111",
    time_from=None,
    time_to=None,
    place="",
    slots=1,
):
    _may_edit_need(by, need)
    need = Need.objects.select_for_update().get(pk=need.pk)
    check_version(need, version)
    if need.status not in ALLOWED["edit"]:
        raise DomainError(
            _("需求已“%(s)s”，不能再修改。") % {"s": need.get_status_display()}, field="status", code="state"
        )
    if in_service(need):
        raise DomainError(_("已有人认领，请先与认领方沟通退回后再修改。"), field="status", code="state")
    slots = positive_int(slots, "slots", _("需要认领方数"), maximum=100)
    if slots < need.taken:
        raise DomainError(_("已有 %(n)d 方认领，需要认领方数不能少于它。") % {"n": need.taken}, field="slots")
    need.time_from, need.time_to = time_window(time_from, time_to)
    need.title, need.category = text(title, "title", _("需求")), a_category(category)
    need.description, need.weekdays, need.slots = description or "", a_weekdays(weekdays), slots
    need.place = text(place, "place", _("地点"), required=False)
    need.version += 1
    need.save()
    event(need, "edit", by=by, before=need.status, after=need.status)
    return need
