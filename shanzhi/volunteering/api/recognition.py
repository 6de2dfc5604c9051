"""Commendations (通报表彰) and pairing (结对帮扶) over the API: the same ``commend`` and ``pair``
services, scoped reads and permissions as the pages (views/recognition.py)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import paginate

from shanzhi.accounts import permissions
from shanzhi.core.apischema import ERRORS, Pages, Schema
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import Household, OrgNode

from .. import queries, services
from ..models import Commendation, Pairing

router = Router()


class CommendationOut(Schema):
    id: int
    title: str
    subject_kind: str
    subject: str
    period: str
    node: str
    awarded_on: datetime.date
    reason: str


class CommendationIn(Schema):
    node: int
    volunteer: int | None = None
    team: int | None = None
    unit: int | None = None
    title: str = ""
    period: str = ""
    reason: str = ""
    awarded_on: str = ""


class PairingOut(Schema):
    id: int
    household: str
    difficulty: str
    helper_kind: str
    helper: str
    started_on: datetime.date
    ended_on: datetime.date | None
    status: str


class PairingIn(Schema):
    household: int
    volunteer: int | None = None
    unit: int | None = None
    difficulty: str = ""
    started_on: str = ""


def _commendation_out(c):
    kind = "volunteer" if c.volunteer_id else "team" if c.team_id else "unit"
    return CommendationOut(
        id=c.pk,
        title=c.title,
        subject_kind=kind,
        subject=str(getattr(c, kind)),
        period=c.period,
        node=c.node.name,
        awarded_on=c.awarded_on,
        reason=c.reason,
    )


def _pairing_out(p):
    kind = "volunteer" if p.volunteer_id else "unit"
    return PairingOut(
        id=p.pk,
        household=str(p.household),
        difficulty=p.difficulty,
        helper_kind=kind,
        helper=str(getattr(p, kind)),
        started_on=p.started_on,
        ended_on=p.ended_on,
        status=p.status,
    )


def _subjects(user, payload, kinds):
    """Exactly one of ``kinds`` named in the body, as {kind: object in the user's sight}."""
    named = {k: getattr(payload, k) for k in kinds if getattr(payload, k) is not None}
    if len(named) != 1:
        field = "subject" if "team" in kinds else "helper"
        raise DomainError(_("请选择一位志愿者、一支队伍或一个单位。"), field=field)
    ((kind, pk),) = named.items()
    return {kind: queries.subject_in_sight(user, kind, pk, kind)}


@router.get(
    "commendations",
    response={200: list[CommendationOut], **ERRORS},
    summary="通报表彰（公开）",
    url_name="vol_commendations",
)
@paginate(Pages, prepare=lambda user, rows: [_commendation_out(c) for c in rows])
def list_commendations(request):
    if not permissions.has_role_for(request.auth, "volunteering.view"):
        raise PermissionDenied
    qs = permissions.visible(request.auth, Commendation).select_related("volunteer", "team", "unit", "node")
    return qs


@router.post(
    "commendations",
    response={200: CommendationOut, **ERRORS},
    summary="记录表彰（社区、街道、区工作人员；对象须在表彰单位范围内）",
    url_name="vol_commend",
)
def commend(request, payload: CommendationIn):
    user = request.auth
    if not permissions.has_role_for(user, "volunteering.commend"):
        raise PermissionDenied
    node = permissions.get_visible_or_404(user, OrgNode, "volunteering.commend", pk=payload.node)
    c = services.commend(
        node=node,
        title=payload.title,
        awarded_on=payload.awarded_on,
        period=payload.period,
        reason=payload.reason,
        by=user,
        **_subjects(user, payload, ("volunteer", "team", "unit")),
    )
    return _commendation_out(c)


@router.get(
    "pairings", response={200: list[PairingOut], **ERRORS}, summary="结对帮扶", url_name="vol_pairings"
)
@paginate(Pages, prepare=lambda user, rows: [_pairing_out(p) for p in rows])
def list_pairings(request):
    if not permissions.has_role_for(request.auth, "volunteering.pairing"):
        raise PermissionDenied
    qs = permissions.visible(request.auth, Pairing).select_related(
        "household__building__compound", "volunteer", "unit"
    )
    return qs


@router.post(
    "pairings",
    response={200: PairingOut, **ERRORS},
    summary="建立结对帮扶（社区工作人员；帮扶人或单位须在同一社区）",
    url_name="vol_pair",
)
def pair(request, payload: PairingIn):
    user = request.auth
    if not permissions.has_role_for(user, "volunteering.manage"):
        raise PermissionDenied
    household = permissions.get_visible_or_404(user, Household, "volunteering.manage", pk=payload.household)
    p = services.pair(
        household=household,
        difficulty=payload.difficulty,
        started_on=payload.started_on,
        by=user,
        **_subjects(user, payload, ("volunteer", "unit")),
    )
    return _pairing_out(p)
