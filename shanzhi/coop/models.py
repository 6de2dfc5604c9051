"""Co-construction (共驻共建): the three lists, ordering and claiming, and "双报到".

* The three lists (三项清单): ``Resource`` (what units, departments, teams and businesses offer),
  ``Need`` (what residents need, common or individual), ``Project`` (what takes several departments),
  with ``Milestone`` rows and a public progress page.
* "支部制单、群众点单、党员接单": a resident orders a resource (``Order``, 点单); a unit or an
  in-service party member accepts a need (``Claim``, 接单); every status change of an order, a claim,
  a need or a project is an ``Event`` row: the timeline.
* "双报到": a unit reports to a community by signing an ``Agreement`` with ``Commitment`` rows
  (组织联建、阵地联营、活动联办、人才联培, each with a promised count); what it delivered is counted
  from its recorded ``JointActivity`` rows. An in-service party member reports where they live
  (``MemberRegistration``) and claims posts (``Post``, ``PostClaim``).
* "一考双评一公示": ``AssessmentPeriod`` and ``Assessment`` (the community's score), with residents'
  ratings of orders and claims as the second evaluation, published as a public list.

Counters that a capacity limits (``Resource.open_orders``, ``Need.taken``, ``Post.taken``) are kept by
conditional UPDATEs in the services and bounded by CHECK constraints, so the last place is given once.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from shanzhi.core.fields import EncryptedTextField


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


class MemberRegistration(models.Model):
    """在职党员到居住地社区报到. The member stays in their workplace branch (``branch``)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("在册")
        LEFT = "left", _("已转出")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coop_registrations"
    )
    volunteer = models.ForeignKey(
        "volunteering.Volunteer", on_delete=models.PROTECT, related_name="registrations"
    )
    community = models.ForeignKey(
        "registry.OrgNode",
        on_delete=models.PROTECT,
        related_name="member_registrations",
        verbose_name=_("居住地社区"),
    )
    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    party_member = models.ForeignKey(
        "registry.PartyMember", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    branch = models.ForeignKey(
        "registry.PartyOrg",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所在党支部"),
    )
    workplace_unit = models.ForeignKey(
        "registry.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="member_registrations",
        verbose_name=_("工作单位"),
    )
    workplace = models.CharField(_("工作单位名称"), max_length=100, blank=True)
    registered_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("在职党员报到")
        verbose_name_plural = _("在职党员报到")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "community"],
                condition=Q(status="active"),
                name="coop_registration_once_per_community",
            ),
        ]

    def __str__(self):
        return str(self.volunteer)


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


class Agreement(models.Model):
    """共建协议: a unit reports to a community ("单位报到") for a period."""

    class Status(models.TextChoices):
        SIGNED = "signed", _("履约中")
        ENDED = "ended", _("已到期")

    unit = models.ForeignKey("registry.Unit", on_delete=models.PROTECT, related_name="coop_agreements")
    community = models.ForeignKey(
        "registry.OrgNode", on_delete=models.PROTECT, related_name="coop_agreements"
    )
    period_start = models.DateField(_("协议开始"))
    period_end = models.DateField(_("协议结束"))
    unit_signatory = models.CharField(_("单位签约人"), max_length=50)
    signed_on = models.DateField(_("签订日期"))
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.SIGNED)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("共建协议")
        verbose_name_plural = _("共建协议")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=F("period_start")), name="coop_agreement_period"
            ),
            models.UniqueConstraint(
                fields=["unit", "community", "period_start"], name="coop_agreement_unique"
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.community}"


class Commitment(models.Model):
    """定时间、定次数、定项目: one promise of the agreement, counted against recorded activities."""

    class Kind(models.TextChoices):
        ORG = "org", _("组织联建")
        VENUE = "venue", _("阵地联营")
        ACTIVITY = "activity", _("活动联办")
        TALENT = "talent", _("人才联培")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="commitments")
    kind = models.CharField(_("共建内容"), max_length=16, choices=Kind.choices)
    content = models.CharField(_("具体项目"), max_length=200)
    promised_count = models.PositiveSmallIntegerField(_("承诺次数"))

    class Meta:
        ordering = ["agreement_id", "kind", "id"]
        verbose_name = _("共建承诺")
        verbose_name_plural = _("共建承诺")
        constraints = [
            models.CheckConstraint(condition=Q(promised_count__gte=1), name="coop_commitment_count")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.content}"


class JointActivity(models.Model):
    """One delivery on a commitment (a joint meeting, a shared venue day, an activity, a training)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="activities")
    title = models.CharField(_("活动名称"), max_length=200)
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("参与人数"), default=0)
    note = models.TextField(_("情况记录"), blank=True)
    session = models.OneToOneField(
        "volunteering.ServiceSession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="joint_activity",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("共建活动记录")
        verbose_name_plural = _("共建活动记录")

    def __str__(self):
        return f"{self.held_on} {self.title}"


class Post(models.Model):
    """岗位: a standing duty in the community that in-service members claim (楼栋联络, 巡逻, 辅导…)."""

    class Kind(models.TextChoices):
        BUILDING_CONTACT = "building_contact", _("楼栋联络员")
        PATROL = "patrol", _("平安巡逻")
        TUTORING = "tutoring", _("课业辅导")
        ELDERLY = "elderly", _("助老探访")
        ENVIRONMENT = "environment", _("环境维护")
        PUBLICITY = "publicity", _("政策宣讲")
        MEDIATION = "mediation", _("矛盾调解")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("招募中")
        CLOSED = "closed", _("已关闭")

    community = models.ForeignKey("registry.OrgNode", on_delete=models.PROTECT, related_name="coop_posts")
    kind = models.CharField(_("岗位类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("岗位名称"), max_length=200)
    description = models.TextField(_("岗位职责"), blank=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    schedule = models.CharField(_("服务时间"), max_length=100, blank=True)
    slots = models.PositiveSmallIntegerField(_("岗位人数"))
    taken = models.PositiveSmallIntegerField(default=0, editable=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [
            models.CheckConstraint(condition=Q(taken__lte=F("slots")), name="coop_post_within_slots"),
            models.CheckConstraint(condition=Q(slots__gte=1), name="coop_post_slots_positive"),
        ]

    def __str__(self):
        return self.title


class PostClaim(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("在岗")
        RELEASED = "released", _("已离岗")

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="claims")
    registration = models.ForeignKey(MemberRegistration, on_delete=models.PROTECT, related_name="post_claims")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    claimed_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-claimed_at", "-id"]
        verbose_name = _("岗位认领")
        verbose_name_plural = _("岗位认领")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "registration"], condition=Q(status="active"), name="coop_postclaim_once"
            ),
        ]

    def __str__(self):
        return f"{self.registration} → {self.post}"


class PostDuty(models.Model):
    """One duty shift of a post: a check-in session for its holders."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="duties")
    session = models.OneToOneField(
        "volunteering.ServiceSession", on_delete=models.PROTECT, related_name="post_duty"
    )

    class Meta:
        ordering = ["-session__starts_at"]
        verbose_name = _("岗位值守")
        verbose_name_plural = _("岗位值守")

    def __str__(self):
        return str(self.session)


class Event(models.Model):
    """One step on the timeline of an order, a claim, a need or a project."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verb = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    note = models.CharField(max_length=500, blank=True)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    need = models.ForeignKey(Need, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("进展记录")
        verbose_name_plural = _("进展记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(order__isnull=False, claim__isnull=True, need__isnull=True, project__isnull=True)
                | Q(order__isnull=True, claim__isnull=False, need__isnull=True, project__isnull=True)
                | Q(order__isnull=True, claim__isnull=True, need__isnull=False, project__isnull=True)
                | Q(order__isnull=True, claim__isnull=True, need__isnull=True, project__isnull=False),
                name="coop_event_one_subject",
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb}"


class AssessmentPeriod(models.Model):
    """一考双评一公示: one assessment round of a community (e.g. 2026年上半年)."""

    class Status(models.TextChoices):
        OPEN = "open", _("考评中")
        PUBLISHED = "published", _("已公示")

    community = models.ForeignKey("registry.OrgNode", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("考评周期"), max_length=50)
    starts_on = models.DateField(_("开始"))
    ends_on = models.DateField(_("结束"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    slug = models.CharField(max_length=32, unique=True, default=public_slug, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("考评周期")
        verbose_name_plural = _("考评周期")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="coop_period_ends_after"),
            models.UniqueConstraint(fields=["community", "name"], name="coop_period_unique_name"),
        ]

    def __str__(self):
        return self.name


class Assessment(models.Model):
    """The community's assessment (组织考评) of one unit or one in-service member for a period."""

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        GOOD = "good", _("良好")
        PASS = "pass", _("合格")
        FAIL = "fail", _("不合格")

    period = models.ForeignKey(AssessmentPeriod, on_delete=models.PROTECT, related_name="assessments")
    unit = models.ForeignKey(
        "registry.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registration = models.ForeignKey(
        MemberRegistration, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    score = models.DecimalField(_("考评得分"), max_digits=5, decimal_places=1)
    grade = models.CharField(_("等次"), max_length=16, choices=Grade.choices)
    comment = models.CharField(_("评语"), max_length=500, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period_id", "-score"]
        verbose_name = _("考评结果")
        verbose_name_plural = _("考评结果")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, registration__isnull=True)
                | Q(unit__isnull=True, registration__isnull=False),
                name="coop_assessment_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="coop_assessment_score_range"
            ),
            models.UniqueConstraint(fields=["period", "unit"], name="coop_assessment_unit_once"),
            models.UniqueConstraint(fields=["period", "registration"], name="coop_assessment_member_once"),
        ]

    def __str__(self):
        return f"{self.period} {self.unit or self.registration} {self.score}"
