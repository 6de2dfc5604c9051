"""Recognition (commendations) and pairing assistance (结对帮扶)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError

from ..models import (
    Commendation,
    Pairing,
    PairingVisit,
)
from .common import a_date, text


@transaction.atomic
def commend(*, node, title, awarded_on, by, volunteer=None, team=None, unit=None, period="", reason=""):
    permissions.require(by, "volunteering.commend", node)
    if sum(x is not None for x in (volunteer, team, unit)) != 1:
        raise DomainError(_("请选择一位志愿者、一支队伍或一个单位作为表彰对象。"), field="subject")
    if node.level == node.Level.GRID:
        raise DomainError(_("表彰由社区、街道或区作出。"), field="node")
    subject_community = (volunteer or team).community if unit is None else unit.community
    if not subject_community.path.startswith(node.path):
        raise DomainError(_("表彰对象不在本社区（街道）范围内。"), field="subject")
    awarded_on = a_date(awarded_on, "awarded_on", _("表彰日期"))
    if awarded_on > timezone.localdate():
        raise DomainError(_("表彰日期不能晚于今天。"), field="awarded_on")
    return Commendation.objects.create(
        node=node,
        volunteer=volunteer,
        team=team,
        unit=unit,
        title=text(title, "title", _("表彰名称"), max_length=100),
        period=text(period, "period", _("评比周期"), max_length=40, required=False),
        reason=text(reason, "reason", _("事迹"), max_length=2000, required=False),
        awarded_on=awarded_on,
        recorded_by=by,
    )


@transaction.atomic
def pair(*, household, difficulty, started_on, by, volunteer=None, unit=None):
    permissions.require(by, "volunteering.manage", household)
    if (volunteer is None) == (unit is None):
        raise DomainError(_("请选择一位帮扶人或一个帮扶单位。"), field="helper")
    community_id = household.grid.parent_id
    # 结对帮扶 is neighbourly help: the helper serves (a volunteer) or sits (a unit) in the household's community.
    if (volunteer or unit).community_id != community_id:
        raise DomainError(_("帮扶人（单位）须在帮扶对象所在社区。"), field="helper")
    started_on = a_date(started_on, "started_on", _("结对日期"))
    if started_on > timezone.localdate():
        raise DomainError(_("结对日期不能晚于今天。"), field="started_on")
    if Pairing.objects.filter(
        household=household, volunteer=volunteer, unit=unit, status=Pairing.Status.ACTIVE
    ).exists():
        raise DomainError(_("这一对已在帮扶中。"), field="helper", code="duplicate")
    return Pairing.objects.create(
        household=household,
        community_id=community_id,
        volunteer=volunteer,
        unit=unit,
        difficulty=text(difficulty, "difficulty", _("困难情况"), max_length=200),
        started_on=started_on,
        created_by=by,
    )


@transaction.atomic
def record_visit(pairing, *, visited_on, note, by, help_given=""):
    permissions.require(by, "volunteering.pairing", pairing)
    if pairing.status != Pairing.Status.ACTIVE:
        raise DomainError(_("帮扶已结束，不能再记录走访。"), field="pairing", code="state")
    visited_on = a_date(visited_on, "visited_on", _("走访日期"))
    if visited_on > timezone.localdate():
        raise DomainError(_("走访日期不能晚于今天。"), field="visited_on")
    return PairingVisit.objects.create(
        pairing=pairing,
        visited_on=visited_on,
        visited_by=by,
        note=text(note, "note", _("走访情况"), max_length=2000),
        help_given=text(help_given, "help_given", _("解决的困难"), required=False),
    )


@transaction.atomic
def end_pairing(pairing, *, by, ended_on=None):
    permissions.require(by, "volunteering.manage", pairing)
    if pairing.status != Pairing.Status.ACTIVE:
        raise DomainError(_("帮扶已经结束。"), field="pairing", code="state")
    pairing.status = Pairing.Status.ENDED
    pairing.ended_on = a_date(ended_on or timezone.localdate(), "ended_on", _("结束日期"))
    pairing.save(update_fields=["status", "ended_on"])
    return pairing
