"""The three lists and the work on them: resources ordered (点单) and needs claimed (接单)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from shanzhi.core.fields import EncryptedTextField

from .members import MemberRegistration


class Category(models.TextChoices):
    ELDERLY = "elderly", _("助老服务")
    CHILDREN = "children", _("托幼助学")
    HEALTH = "health", _("医疗健康")
    LEGAL = "legal", _("法律服务")
    REPAIR = "repair", _("维修便民")
    ENVIRONMENT = "environment", _("环境整治")
    CULTURE = "culture", _("文体活动")
    EMPLOYMENT = "employment", _("就业帮扶")
    SAFETY = "safety", _("平安巡防")
    ASSISTANCE = "assistance", _("帮困救助")
    HOUSING = "housing", _("小区改造")
    OTHER = "other", _("其他")


WEEKDAYS_HELP = _("周一到周日七位，1 表示可以，例如 1111100 为工作日")


def public_slug():
    return uuid.uuid4().hex


class Resource(models.Model):
    """资源清单: one offer, with when and where it is available (for matching) and who provides it."""

    class Kind(models.TextChoices):
        PUBLIC = "public", _("公共服务")
        VOLUNTEER = "volunteer", _("志愿服务")
        LOW_COST = "low_cost", _("低偿服务")

    class ProviderKind(models.TextChoices):
        UNIT = "unit", _("驻区单位")
        DEPARTMENT = "department", _("职能部门")
        TEAM = "team", _("志愿团队")
        BUSINESS = "business", _("商户企业")

    class Status(models.TextChoices):
        DRAFT = "draft", _("待发布")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已下架")

    community = models.ForeignKey(
        "registry.OrgNode",
        on_delete=models.PROTECT,
        related_name="coop_resources",
        verbose_name=_("服务社区"),
    )
    grid = models.ForeignKey(
        "registry.OrgNode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所在网格"),
    )
    title = models.CharField(_("服务名称"), max_length=200)
    description = models.TextField(_("服务内容"), blank=True)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    kind = models.CharField(_("资源类型"), max_length=16, choices=Kind.choices)
    provider_kind = models.CharField(_("提供方类型"), max_length=16, choices=ProviderKind.choices)
    provider_unit = models.ForeignKey(
        "registry.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="coop_resources"
    )
    provider_department = models.ForeignKey(
        "registry.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider_team = models.ForeignKey(
        "volunteering.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider_name = models.CharField(_("提供方"), max_length=100)
    capacity = models.PositiveIntegerField(
        _("同时可接单数"), null=True, blank=True, help_text=_("空表示不限")
    )
    open_orders = models.PositiveIntegerField(default=0, editable=False)
    weekdays = models.CharField(_("服务日"), max_length=7, default="1111111", help_text=WEEKDAYS_HELP)
    time_from = models.TimeField(_("开始时间"), null=True, blank=True)
    time_to = models.TimeField(_("结束时间"), null=True, blank=True)
    times_note = models.CharField(_("服务时间说明"), max_length=100, blank=True)
    place = models.CharField(_("服务地点"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedTextField(_("联系电话"), blank=True)
    price_note = models.CharField(_("收费标准"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_by_org = models.ForeignKey(
        "registry.PartyOrg",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("制单支部"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Bumped by each edit; an edit form carries the version it was read at, so a stale save is refused.
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("资源清单")
        verbose_name_plural = _("资源清单")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(open_orders__lte=F("capacity")),
                name="coop_resource_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(provider_kind="unit", provider_unit__isnull=False)
                | Q(provider_kind="department", provider_department__isnull=False)
                | Q(provider_kind="team", provider_team__isnull=False)
                | Q(provider_kind="business"),
                name="coop_resource_provider_named",
            ),
        ]
        indexes = [models.Index(fields=["community", "status", "category"])]

    def __str__(self):
        return self.title


class Need(models.Model):
    """需求清单: collected from residents; an individual need names the household it concerns."""

    class Scope(models.TextChoices):
        COMMON = "common", _("共性需求")
        INDIVIDUAL = "individual", _("个性需求")

    class Source(models.TextChoices):
        SELF = "self", _("居民自主提交")
        HOME_VISIT = "home_visit", _("入户走访（三访三问）")
        ONLINE = "online", _("网络征询")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        OPEN = "open", _("待认领")
        CLAIMED = "claimed", _("已认领")
        DONE = "done", _("已办结")
        CANCELLED = "cancelled", _("已撤销")

    community = models.ForeignKey("registry.OrgNode", on_delete=models.PROTECT, related_name="coop_needs")
    grid = models.ForeignKey(
        "registry.OrgNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="coop_needs"
    )
    title = models.CharField(_("需求"), max_length=200)
    description = models.TextField(_("具体情况"), blank=True)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    scope = models.CharField(_("需求类型"), max_length=16, choices=Scope.choices)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    weekdays = models.CharField(_("希望的日子"), max_length=7, default="1111111", help_text=WEEKDAYS_HELP)
    time_from = models.TimeField(null=True, blank=True)
    time_to = models.TimeField(null=True, blank=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    slots = models.PositiveSmallIntegerField(_("需要认领方数"), default=1)
    taken = models.PositiveSmallIntegerField(default=0, editable=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)  # see Resource.version

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("需求清单")
        verbose_name_plural = _("需求清单")
        constraints = [
            models.CheckConstraint(condition=Q(taken__lte=F("slots")), name="coop_need_within_slots"),
            models.CheckConstraint(condition=Q(slots__gte=1), name="coop_need_slots_positive"),
            models.CheckConstraint(
                condition=Q(scope="common") | Q(household__isnull=False),
                name="coop_need_individual_has_household",
            ),
        ]
        indexes = [models.Index(fields=["community", "status", "category"])]

    def __str__(self):
        return self.title


class Order(models.Model):
    """点单: a resident orders a resource."""

    class Status(models.TextChoices):
        PLACED = "placed", _("已下单")
        ACCEPTED = "accepted", _("已受理")
        IN_PROGRESS = "in_progress", _("服务中")
        DONE = "done", _("已完成")
        RATED = "rated", _("已评价")
        REJECTED = "rejected", _("未受理")
        CANCELLED = "cancelled", _("已取消")

    OPEN = (Status.PLACED, Status.ACCEPTED, Status.IN_PROGRESS)

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="orders")
    community = models.ForeignKey("registry.OrgNode", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ordered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("需求说明"), max_length=500, blank=True)
    wanted_on = models.DateField(_("希望服务日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PLACED)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    rating_comment = models.CharField(_("评价"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("点单")
        verbose_name_plural = _("点单")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="coop_order_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.resource} #{self.pk}"


class Claim(models.Model):
    """接单: a unit or an in-service party member accepts a need; served on site with check-in."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("已认领")
        IN_PROGRESS = "in_progress", _("服务中")
        DONE = "done", _("已完成")
        RATED = "rated", _("已评价")
        WITHDRAWN = "withdrawn", _("已退回")

    LIVE = (Status.ACCEPTED, Status.IN_PROGRESS, Status.DONE, Status.RATED)

    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="claims")
    unit = models.ForeignKey(
        "registry.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="coop_claims"
    )
    registration = models.ForeignKey(
        MemberRegistration, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACCEPTED)
    session = models.OneToOneField(
        "volunteering.ServiceSession", null=True, blank=True, on_delete=models.PROTECT, related_name="claim"
    )
    result = models.CharField(_("服务结果"), max_length=500, blank=True)
    rating = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    rating_comment = models.CharField(_("评价"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("认领")
        verbose_name_plural = _("认领")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, registration__isnull=True)
                | Q(unit__isnull=True, registration__isnull=False),
                name="coop_claim_one_claimant",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="coop_claim_rating_1_to_5",
            ),
            models.UniqueConstraint(
                fields=["need", "unit"], condition=~Q(status="withdrawn"), name="coop_claim_unit_once"
            ),
            models.UniqueConstraint(
                fields=["need", "registration"],
                condition=~Q(status="withdrawn"),
                name="coop_claim_member_once",
            ),
        ]

    def __str__(self):
        return f"{self.need} ← {self.claimant_name}"

    @property
    def claimant_name(self):
        return str(self.unit) if self.unit_id else str(self.registration)
