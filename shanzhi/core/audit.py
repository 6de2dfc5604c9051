"""The audit trail: the one function every security-relevant action calls."""

from . import chain
from .models import AuditEvent


def client_ip(request):
    # Behind a reverse proxy, configure it to set REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips);
    # trusting X-Forwarded-For from anyone would let a client forge its address in the trail.
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record(
    action,
    *,
    actor=None,
    request=None,
    outcome=AuditEvent.Outcome.SUCCESS,
    target=None,
    detail=None,
    username="",
):
    """Append one event. ``target`` is a model instance (type and pk are stored, never its PI)."""
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    role, node = "", ""
    if actor is not None:
        grant = actor.primary_grant()
        if grant is not None:
            role, node = grant.role, grant.scope_code()
    event = AuditEvent(
        action=action,
        outcome=outcome,
        actor_id=actor.pk if actor else None,
        actor_username=actor.username if actor else username,
        actor_role=role,
        actor_node=node,
        ip=client_ip(request),
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        detail=detail or {},
    )
    return chain.append(event)
