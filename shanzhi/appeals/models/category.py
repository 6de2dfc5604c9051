"""The category taxonomy: each category's time limit and usual handler."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """Two-level taxonomy; each category carries its time limit and its usual handler."""

    class Unit(models.TextChoices):
        WORKDAYS = "workdays", _("工作日")
        WORK_HOURS = "work_hours", _("工作时")
        # Emergencies run on the clock, nights and holidays included (12345: 2 h for danger to life).
        HOURS = "hours", _("自然小时")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("一般")
        URGENT = "urgent", _("紧急")
        EMERGENCY = "emergency", _("特急")

    class HandlerKind(models.TextChoices):
        GRID = "grid", _("网格")
        COMMUNITY = "community", _("社区")
        DEPARTMENT = "department", _("职能部门")
        PROPERTY = "property", _("物业企业")

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级分类"),
    )
    code = models.CharField(_("编码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    deadline_value = models.PositiveIntegerField(_("办理时限"), default=5)
    deadline_unit = models.CharField(
        _("时限单位"), max_length=16, choices=Unit.choices, default=Unit.WORKDAYS
    )
    urgency = models.CharField(_("紧急程度"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    default_handler_kind = models.CharField(
        _("默认承办"), max_length=16, choices=HandlerKind.choices, default=HandlerKind.COMMUNITY
    )
    default_department = models.ForeignKey(
        "registry.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("默认部门"),
    )
    # 12345 assessments time the first response (受理/联系诉求人) apart from the handling limit.
    response_limit_hours = models.PositiveSmallIntegerField(
        _("响应时限(工作时)"), null=True, blank=True, help_text=_("留空则用考核规则中的默认值。")
    )
    response_template = models.TextField(_("答复模板"), blank=True)
    auto_escalate = models.BooleanField(_("超期自动升级"), default=False)
    # Issue 13 §5: a fix that must be seen (a cleared corridor, a repaired lamp) is closed only with
    # a photo of it; the resolve service refuses it otherwise.
    evidence_required = models.BooleanField(_("办结须附佐证照片"), default=False)
    # Issue 13 §8 (网格发现、就地解决): small things a grid worker can fix on the spot; the finder
    # accepts and resolves their own patrol report at once, and someone else still verifies it.
    grid_self_handle = models.BooleanField(_("网格员可就地解决"), default=False)
    duplicate_radius_m = models.PositiveIntegerField(_("重复诉求提示半径(米)"), default=100)
    active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")

    def __str__(self):
        return f"{self.parent.name}/{self.name}" if self.parent_id else self.name

    def clean(self):
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("分类只有两级：上级分类必须是一级分类。")})

    @property
    def deadline_label(self):
        # "3工作日" in Chinese, "3 working days" in English: the spacing is the language's.
        return gettext("%(n)s%(unit)s") % {"n": self.deadline_value, "unit": self.get_deadline_unit_display()}
