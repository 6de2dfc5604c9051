"""项目清单: multi-department projects and their milestones."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .lists import Category, public_slug


class Project(models.Model):
    """项目清单: a multi-department project; a project with sub-projects takes its progress from them."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("谋划中")
        IN_PROGRESS = "in_progress", _("推进中")
        DONE = "done", _("已完成")
        SUSPENDED = "suspended", _("暂缓")

    node = models.ForeignKey(
        "registry.OrgNode",
        on_delete=models.PROTECT,
        related_name="coop_projects",
        verbose_name=_("所属社区/街道"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级项目"),
    )
    title = models.CharField(_("项目名称"), max_length=200)
    description = models.TextField(_("项目内容"), blank=True)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    lead_unit = models.ForeignKey(
        "registry.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coop_led_projects",
        verbose_name=_("牵头单位"),
    )
    lead_department = models.ForeignKey(
        "registry.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("牵头部门"),
    )
    units = models.ManyToManyField(
        "registry.Unit", blank=True, related_name="coop_projects", verbose_name=_("参与单位")
    )
    departments = models.ManyToManyField(
        "registry.Department", blank=True, related_name="+", verbose_name=_("参与部门")
    )
    budget = models.DecimalField(_("预算（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    weight = models.PositiveIntegerField(_("在上级项目中的权重"), default=1)
    progress = models.PositiveSmallIntegerField(_("进度 %"), default=0)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    starts_on = models.DateField(_("计划开始"), null=True, blank=True)
    ends_on = models.DateField(_("计划完成"), null=True, blank=True)
    public = models.BooleanField(_("公开进度"), default=True)
    slug = models.CharField(max_length=32, unique=True, default=public_slug, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("项目清单")
        verbose_name_plural = _("项目清单")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="coop_project_progress_max_100"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="coop_project_weight_positive"),
            models.CheckConstraint(
                condition=Q(lead_unit__isnull=False) | Q(lead_department__isnull=False),
                name="coop_project_has_lead",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def lead_name(self):
        return str(self.lead_unit or self.lead_department)


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=200)
    due_on = models.DateField(_("计划日期"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "due_on", "id"]
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")

    def __str__(self):
        return self.title
