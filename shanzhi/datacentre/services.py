"""Every write of the data centre: issuing, revoking and opening a big screen's token."""

import datetime as dt
import secrets

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core import audit, inputs
from shanzhi.core.models import AuditEvent

from .models import Screen

MANAGE = "datacentre.manage_screens"
# How often an open screen's ``last_seen_at`` is written (it refreshes every minute).
SEEN_RESOLUTION = dt.timedelta(minutes=5)


@transaction.atomic
def issue_screen(node, *, label, by):
    """A screen for ``node``; returns (screen, token). The token is shown this once."""
    permissions.require(by, MANAGE, node)
    label = inputs.clean_text(label, "label", max_length=100, required=True, label=_("名称"))
    token = "scr_" + secrets.token_urlsafe(32)
    screen = Screen.objects.create(
        node=node, label=label, prefix=token[:8], digest=Screen.digest_of(token), created_by=by
    )
    audit.record(
        AuditEvent.Action.TOKEN_ISSUED,
        actor=by,
        target=screen,
        detail={"kind": "screen", "node": node.code, "label": label},
    )
    return screen, token


@transaction.atomic
def revoke_screen(screen, *, by):
    permissions.require(by, MANAGE, screen.node)
    screen = Screen.objects.select_for_update().get(pk=screen.pk)
    if screen.revoked_at is None:
        screen.revoked_at = timezone.now()
        screen.save(update_fields=["revoked_at"])
        audit.record(
            AuditEvent.Action.TOKEN_REVOKED,
            actor=by,
            target=screen,
            detail={"kind": "screen", "node": screen.node.code, "prefix": screen.prefix},
        )
    return screen


def open_screen(token, request=None, now=None):
    """The live screen for ``token`` (Http404 for an unknown or revoked one). The first opening
    of a day is audited as a sign-in of the screen; later refreshes only move ``last_seen_at``."""
    now = now or timezone.now()
    screen = (
        Screen.objects.select_related("node")
        .filter(digest=Screen.digest_of(token or ""), revoked_at__isnull=True)
        .first()
    )
    if screen is None:
        raise Http404
    seen = screen.last_seen_at
    if seen is None or now - seen >= SEEN_RESOLUTION:
        Screen.objects.filter(pk=screen.pk).update(last_seen_at=now)
        if seen is None or timezone.localdate(seen) != timezone.localdate(now):
            audit.record(
                AuditEvent.Action.LOGIN,
                request=request,
                target=screen,
                username=f"screen:{screen.prefix}",
                detail={"kind": "screen", "node": screen.node.code},
            )
    return screen
