"""What the appeal pages share: the detail context, and turning a service refusal into a page."""

from django.db.models import Q
from django.shortcuts import render

from shanzhi.accounts import permissions
from shanzhi.accounts.models import RoleGrant
from shanzhi.registry import maps
from shanzhi.registry.models import Department, OrgNode, PropertyCompany

from .. import access, progress, queries
from ..models import Appeal, AppealPhoto, Category, ExtensionRequest, InvalidKind, Summons
from ..services import actions as action_rules
from ..services import contact, delays, moves, resolving

# Roles a dispatcher may hand a case to personally (the service checks the scope again).
PERSONAL_HANDLERS = access.NODE


def dispatch_choices(user, appeal):
    """Candidates for the dispatch form: people, nodes, departments and companies near the appeal."""
    community = appeal.path_at("community")
    street = appeal.path_at("street")
    grants = RoleGrant.objects.filter(role__in=PERSONAL_HANDLERS, user__is_active=True).select_related(
        "user", "node"
    )
    if community:
        grants = grants.filter(node__path__startswith=community)
    else:
        grants = grants.filter(node__path__startswith=street or appeal.path)
    people = sorted(
        {(f"user:{g.user_id}", f"{g.user}（{g.get_role_display()}·{g.node.name}）") for g in grants}
    )
    nodes = []
    for path in (community, street):
        if path:
            node = OrgNode.objects.filter(path=path).first()
            if node is not None:
                nodes.append(node)
    district = appeal.path_at("district")
    departments = (
        list(permissions.visible(user, Department).filter(district__path=district)) if district else []
    )
    companies = (
        list(permissions.visible(user, PropertyCompany).filter(district__path=district)) if district else []
    )
    for kind, rows in (("node", nodes), ("department", departments), ("company", companies)):
        for row in rows:
            row.key = f"{kind}:{row.pk}"
    suggestion = moves.suggest_assignee(appeal)
    suggested = ""
    if suggestion["target"] is not None:
        suggested = f"{suggestion['kind']}:{suggestion['target'].pk}"
    return {
        "people": people,
        "nodes": nodes,
        "departments": list(departments),
        "companies": list(companies),
        "suggested": suggested,
    }


def _map_point(appeal):
    if appeal.lng is None or appeal.lat is None:
        return None
    lng, lat = maps.to_map(appeal.lng, appeal.lat)
    return {"lng": lng, "lat": lat}


def detail_context(request, appeal):
    user = request.user
    verbs = action_rules.available_actions(user, appeal)
    summonses = list(permissions.visible(user, Summons).filter(appeal=appeal).select_related("department"))
    for s in summonses:
        s.verbs = action_rules.summons_actions(user, s)
    requests = (
        delays.pending_requests(appeal) if ({"decide_extension", "decide_suspension"} & set(verbs)) else []
    )
    for r in requests:
        r.is_extension = isinstance(r, ExtensionRequest)
    resident = queries.resident_view(user, appeal)
    step, plain = progress.stage(appeal)
    context = {
        "a": appeal,
        # The resident reads milestones and the notes addressed to them, never internal ones
        # (issue 13 §7): the rows are left out here, not hidden by the template.
        "events": [] if resident else list(queries.timeline(user, appeal)),
        "resident_view": resident,
        "resident_events": queries.resident_timeline(user, appeal) if resident else [],
        "steps": progress.steps(appeal),
        "progress_label": plain,
        "contact_masked": "" if resident else contact.masked_contact_phone(appeal),
        "may_reveal_contact": not resident and contact.may_reveal_contact(user, appeal),
        "photos": list(permissions.visible(user, AppealPhoto).filter(appeal=appeal)),
        "actions": verbs,
        "summonses": summonses,
        "requests": requests,
        "alarm": appeal.alarm(),
        "assignee": moves.assignee_label(appeal),
        "merged": list(permissions.visible(user, Appeal).filter(merged_into=appeal)),
        "map_point": _map_point(appeal),
        "is_staff_view": permissions.has_role_for(user, "appeals.handle"),
    }
    if "dispatch" in verbs:
        context["choices"] = dispatch_choices(user, appeal)
    if "accept" in verbs:
        context["categories"] = Category.objects.filter(active=True).select_related("parent")
    if "summon" in verbs:
        district = appeal.path_at("district")
        context["summon_departments"] = list(Department.objects.filter(district__path=district))
    if "reject" in verbs:
        context["invalid_kinds"] = list(InvalidKind.objects.filter(active=True))
    if "visit" in verbs or "rate" in verbs:
        context["solved_choices"] = [c for c in Appeal.Solved.choices if c[0]]
    if "resolve" in verbs or "self_handle" in verbs:
        context["response_template"] = resolving.response_template(appeal)
    return context


def render_detail(request, appeal, *, error=None, status=200):
    context = detail_context(request, appeal)
    if error is not None:
        context["error"] = error
        context["conflict"] = getattr(error, "changed", None)
    return render(request, "appeals/detail.html", context, status=status)


def status_filter(qs, status, category):
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(Q(category__code=category) | Q(category__parent__code=category))
    return qs
