"""Owners' assembly votes (业主大会表决): the owners' roll of a compound, votes, ballots.

The counting rule itself is ``tally.py`` (pure); these tables hold who may vote with what area,
what each owner chose, and the sealed result.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shanzhi.registry.models import Building, Compound, Household, Resident

from .. import tally


class Owner(models.Model):
    """One head in the sense of the SPC interpretation art. 9: an owner of one or more units of a
    compound (co-owners of a unit are one owner), or the developer for all its unsold units."""

    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="owners")
    code = models.CharField(_("业主编号"), max_length=20)  # the key in exported tally files (no names)
    name = models.CharField(_("业主"), max_length=100)
    is_developer = models.BooleanField(_("建设单位（未售房屋）"), default=False)
    # The people who hold the title; any of them may vote for the owner, the owner votes once.
    residents = models.ManyToManyField(
        Resident, blank=True, related_name="ownerships", verbose_name=_("产权人")
    )

    class Meta:
        ordering = ["compound_id", "code"]
        verbose_name = _("业主")
        verbose_name_plural = _("业主")
        constraints = [
            models.UniqueConstraint(fields=["compound", "code"], name="owner_unique_code"),
            models.UniqueConstraint(
                fields=["compound"], condition=Q(is_developer=True), name="owner_one_developer"
            ),
        ]

    def __str__(self):
        return self.name


class OwnedUnit(models.Model):
    """An exclusive part (专有部分) on the owners' roll, with its registered floor area
    (SPC interpretation art. 8: the area in the real-estate register, else as surveyed)."""

    household = models.OneToOneField(Household, on_delete=models.PROTECT, related_name="owned_unit")
    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="units")
    area = models.DecimalField(_("专有部分面积（㎡）"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["household_id"]
        verbose_name = _("专有部分")
        verbose_name_plural = _("专有部分")
        constraints = [models.CheckConstraint(condition=Q(area__gt=0), name="owned_unit_area_positive")]

    def __str__(self):
        return str(self.household)


class Vote(models.Model):
    class Item(models.IntegerChoices):
        # 民法典 第二百七十八条 第一款 (Civil Code art. 278 ¶1): items 6–8 are the major matters.
        RULES = 1, _("制定和修改业主大会议事规则")
        COVENANT = 2, _("制定和修改管理规约")
        COMMITTEE = 3, _("选举业主委员会或者更换业主委员会成员")
        MANAGER = 4, _("选聘和解聘物业服务企业或者其他管理人")
        USE_FUND = 5, _("使用建筑物及其附属设施的维修资金")
        RAISE_FUND = 6, _("筹集建筑物及其附属设施的维修资金")
        REBUILD = 7, _("改建、重建建筑物及其附属设施")
        COMMON_PARTS = 8, _("改变共有部分的用途或者利用共有部分从事经营活动")
        OTHER = 9, _("有关共有和共同管理权利的其他重大事项")

    class CalledBy(models.TextChoices):
        COMMITTEE = "committee", _("业主委员会")
        COMMUNITY = "community", _("社区居民委员会")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        OPEN = "open", _("投票中")
        CLOSED = "closed", _("已结束")

    class Purpose(models.TextChoices):
        GENERAL = "", _("一般事项")
        # A passed dismissal opens the compound's transition (models/transitions.py).
        DISMISS = "dismiss_company", _("解聘物业服务企业")

    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="votes")
    item = models.PositiveSmallIntegerField(_("表决事项类别"), choices=Item.choices)
    question = models.CharField(_("表决事项"), max_length=500)
    notice = models.TextField(_("公告"), blank=True, max_length=4000)
    called_by = models.CharField(_("召集方"), max_length=16, choices=CalledBy.choices)
    starts_on = models.DateField(_("投票开始"))
    ends_on = models.DateField(_("投票截止"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The sealed result: tally.Result's fields, areas as decimal strings (written once, at close).
    result = models.JSONField(null=True, blank=True, editable=False)
    purpose = models.CharField(_("表决目的"), max_length=16, choices=Purpose.choices, blank=True, default="")
    # A building zone: a matter of some buildings only (a lift for one building, the maintenance
    # fund of its own common parts) is decided by the owners of those buildings, counted by art.
    # 278 within the zone (《住宅专项维修资金管理办法》: the owners of the parts concerned decide on
    # their use of the fund). None chosen: the whole compound, as the owners' assembly.
    buildings = models.ManyToManyField(
        Building, blank=True, related_name="+", verbose_name=_("表决范围（楼栋）")
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("业主大会表决")
        verbose_name_plural = _("业主大会表决")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="vote_period")
        ]

    def __str__(self):
        return self.question

    @property
    def matter(self):
        return tally.matter_of_item(self.item)

    def period_state(self, today):
        """``before``, ``running`` or ``over`` on the local date ``today``. The ballot period is
        whole days in local time (dates, TIME_ZONE Asia/Shanghai): from 00:00 of ``starts_on`` to
        the end of ``ends_on``, the days the notice gave the owners (物业管理条例 第十四条)."""
        if today < self.starts_on:
            return "before"
        return "running" if today <= self.ends_on else "over"

    def zone_label(self):
        """The buildings voting, or the whole compound."""
        names = [b.name for b in self.buildings.order_by("name")]
        return "、".join(names) if names else str(_("全体业主"))


class Elector(models.Model):
    """The electorate frozen when the vote opens: each unit with its owner and area, so that a
    later change to the roll never changes a running or closed count."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="electors")
    unit = models.CharField(max_length=120)
    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="+")
    area = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["vote", "unit"], name="elector_unique_unit")]
        indexes = [models.Index(fields=["vote", "owner"])]

    def __str__(self):
        return self.unit


class Ballot(models.Model):
    """One live ballot per owner per vote (the unique constraint is what stops a double ballot
    under concurrency). An online ballot counts at once; a paper one once a second person confirms
    it. An unconfirmed paper ballot the second person rejects, or its enterer withdraws, is void:
    kept with its history and scan, never counted, and the owner may be entered again or vote
    online (a void ballot is outside the constraint)."""

    class Choice(models.TextChoices):
        YES = tally.YES, _("同意")
        NO = tally.NO, _("反对")
        ABSTAIN = tally.ABSTAIN, _("弃权")

    class Channel(models.TextChoices):
        ONLINE = "online", _("网上")
        PAPER = "paper", _("纸质")

    class Void(models.TextChoices):
        LIVE = "", _("有效")
        REJECTED = "rejected", _("已退回")
        WITHDRAWN = "withdrawn", _("已撤回")

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="ballots")
    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="ballots")
    choice = models.CharField(_("意见"), max_length=8, choices=Choice.choices)
    channel = models.CharField(_("方式"), max_length=8, choices=Channel.choices)
    voter = models.ForeignKey(Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cast_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scan = models.FileField(_("选票扫描件"), upload_to="ballots/%Y/%m/", blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    counted = models.BooleanField(default=False)  # online at once; paper when confirmed
    changes = models.PositiveIntegerField(default=0)
    void = models.CharField(_("作废"), max_length=10, choices=Void.choices, blank=True, default="")
    void_reason = models.CharField(_("退回原因"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "owner"], condition=Q(void=""), name="ballot_one_live_per_owner"
            )
        ]

    def __str__(self):
        return f"{self.owner} {self.get_choice_display()}"


class BallotChange(models.Model):
    """Every cast, change, confirmation, rejection and withdrawal of a ballot, in order (the
    ballot's own history)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="history")
    before = models.CharField(max_length=8, blank=True)
    after = models.CharField(max_length=8)
    what = models.CharField(max_length=16)  # cast | change | paper | confirm | reject | withdraw
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.before or '-'} → {self.after}"
