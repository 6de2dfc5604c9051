"""The project list: multi-department projects, milestones, progress and its public page."""

import decimal

from django.db import transaction
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import OrgNode

from ..models import Milestone, Project
from .common import a_category, a_date, choice, event, positive_int, text

PS = Project.Status


def weighted_progress(children):
    """Progress of a parent: its children's progress weighted by their ``weight``, rounded down."""
    children = list(children)
    total = sum(c.weight for c in children)
    if not total:
        return 0
    return sum(c.progress * c.weight for c in children) // total


@transaction.atomic
def create_project(
    *,
    node,
    title,
    category,
    by,
    lead_unit=None,
    lead_department=None,
    units=(),
    departments=(),
    budget=None,
    parent=None,
    weight=1,
    starts_on=None,
    ends_on=None,
    description="",
    public=True,
):
    if not isinstance(node, OrgNode) or node.level not in (OrgNode.Level.COMMUNITY, OrgNode.Level.STREET):
        raise DomainError(_("项目应属于一个社区或街道。"), field="node")
    permissions.require(by, "coop.manage_projects", node)
    if lead_unit is None and lead_department is None:
        raise DomainError(_("请指定牵头单位或牵头部门。"), field="lead")
    if parent is not None:
        permissions.require(by, "coop.manage_projects", parent)
        if not node.path.startswith(parent.node.path):
            raise DomainError(_("子项目必须在上级项目的范围内。"), field="parent")
    if budget not in (None, ""):
        try:
            budget = decimal.Decimal(str(budget))
        except decimal.InvalidOperation as exc:
            raise DomainError(_("预算必须是数字（万元）。"), field="budget") from exc
        if budget < 0:
            raise DomainError(_("预算不能为负数。"), field="budget")
    else:
        budget = None
    starts_on = a_date(starts_on, "starts_on", _("计划开始")) if starts_on else None
    ends_on = a_date(ends_on, "ends_on", _("计划完成")) if ends_on else None
    if starts_on and ends_on and ends_on < starts_on:
        raise DomainError(_("计划完成日期不能早于开始日期。"), field="ends_on")
    project = Project.objects.create(
        node=node,
        parent=parent,
        title=text(title, "title", _("项目名称")),
        category=a_category(category),
        lead_unit=lead_unit,
        lead_department=lead_department,
        budget=budget,
        weight=positive_int(weight, "weight", _("权重"), maximum=1000),
        starts_on=starts_on,
        ends_on=ends_on,
        description=description or "",
        public=bool(public),
        created_by=by,
    )
    project.units.set(units)
    project.departments.set(departments)
    event(project, "create", by=by, after=project.status)
    if parent is not None:
        _recompute_upwards(parent, by, note=_("新增子项目：%(t)s") % {"t": project.title})
    return project


def _recompute_upwards(project, by, note=""):
    """Recompute each ancestor's progress from its children, locking them from the bottom up."""
    while project is not None:
        project = Project.objects.select_for_update().get(pk=project.pk)
        progress = weighted_progress(project.children.all())
        if progress != project.progress:
            event(project, "progress", by=by, before=str(project.progress), after=str(progress), note=note)
            project.progress = progress
            project.save(update_fields=["progress", "updated_at"])
        project = project.parent


@transaction.atomic
def set_progress(project, *, progress, by, note=""):
    """A leaf project's progress is reported; a parent's follows from its children."""
    permissions.require(by, "coop.manage_projects", project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.children.exists():
        raise DomainError(_("该项目有子项目，进度由子项目自动计算。"), field="progress")
    progress = positive_int(progress, "progress", _("进度"), minimum=0, maximum=100)
    before = project.progress
    project.progress = progress
    fields = ["progress", "updated_at"]
    if project.status == PS.PLANNED and progress > 0:
        project.status = PS.IN_PROGRESS
        fields.append("status")
    project.save(update_fields=fields)
    event(project, "progress", by=by, before=str(before), after=str(progress), note=note)
    if project.parent_id:
        _recompute_upwards(project.parent, by, note=_("子项目“%(t)s”进度更新") % {"t": project.title})
    return project


@transaction.atomic
def set_status(project, *, status, by, note=""):
    permissions.require(by, "coop.manage_projects", project)
    status = choice(status, Project.Status, "status", _("状态"))
    project = Project.objects.select_for_update().get(pk=project.pk)
    if status == PS.DONE and project.progress < 100:
        raise DomainError(_("进度未到 100%，不能标记为已完成。"), field="status")
    before = project.status
    project.status = status
    project.save(update_fields=["status", "updated_at"])
    event(project, "status", by=by, before=before, after=status, note=note)
    return project


@transaction.atomic
def add_milestone(project, *, title, due_on, by):
    permissions.require(by, "coop.manage_projects", project)
    position = project.milestones.count()
    milestone = Milestone.objects.create(
        project=project,
        title=text(title, "title", _("节点")),
        due_on=a_date(due_on, "due_on", _("计划日期")),
        position=position,
    )
    event(project, "milestone", by=by, note=milestone.title)
    return milestone


@transaction.atomic
def complete_milestone(milestone, *, done_on, by):
    permissions.require(by, "coop.manage_projects", milestone.project)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.done_on:
        raise DomainError(_("该节点已经完成。"), field="done_on", code="state")
    milestone.done_on = a_date(done_on, "done_on", _("完成日期"))
    milestone.save(update_fields=["done_on"])
    event(milestone.project, "milestone_done", by=by, note=milestone.title)
    return milestone
