"""在职党员双报到: the member's registration where they live, and the posts they hold there."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


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
