"""Volunteers and the love bank (爱心银行).

Three groups of tables:

* people and what they do: ``Volunteer``, ``Team``, ``Activity`` with ``SignUp`` (capacity and
  waiting list), ``Commendation``, ``Pairing`` with ``PairingVisit`` (结对帮扶);
* check-in and hours, shared with the co-construction app: a ``ServiceSession`` is anything people
  check in to with a QR code (an activity, a claimed need, a post's duty, a joint activity), and an
  ``Attendance`` is one person's check-in, check-out and the hours the organiser confirmed;
* the points ledger: ``Account`` and ``Movement`` (append-only double entry; balances are kept by a
  database trigger and can never go negative for a person), ``PointsRate``, ``GoodDeed``,
  ``Donation``, the points shop (``Item``, ``Redemption``) and the ``PointsTally`` rollup that
  rankings read.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from shanzhi.core.fields import EncryptedTextField

from . import rules


class Volunteer(models.Model):
    """A person in the love bank: a registered volunteer, an in-service party member, a resident who serves.

    ``confirmed_minutes`` is the running total of organiser-confirmed service time; it is written only
    by ``checkin.confirm`` in the same transaction as the attendance it counts, and the star level
    is derived from it.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="volunteer")
    community = models.ForeignKey(
        "registry.OrgNode", on_delete=models.PROTECT, related_name="volunteers", verbose_name=_("所属社区")
    )
    resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = EncryptedTextField(_("手机号"), blank=True)
    skills = models.CharField(_("特长"), max_length=200, blank=True)
    registered_at = models.DateTimeField(auto_now_add=True)
    confirmed_minutes = models.PositiveIntegerField(_("累计确认服务时长（分钟）"), default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["community_id", "id"]
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")

    def __str__(self):
        return self.name

    @property
    def hours(self):
        return round(self.confirmed_minutes / 60, 1)

    @property
    def star_level(self):
        return rules.star_level(self.confirmed_minutes)


class Team(models.Model):
    community = models.ForeignKey(
        "registry.OrgNode", on_delete=models.PROTECT, related_name="volunteer_teams"
    )
    name = models.CharField(_("队伍名称"), max_length=100)
    description = models.TextField(_("服务内容"), blank=True)
    leader = models.ForeignKey(
        Volunteer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("队长")
    )
    members = models.ManyToManyField(Volunteer, through="TeamMember", related_name="teams")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Bumped by each edit; the edit form sends the version it showed, so a stale save is refused (409).
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("志愿服务队")
        verbose_name_plural = _("志愿服务队")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="vol_team_unique_name")]

    def __str__(self):
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE)
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "volunteer"], name="vol_team_member_unique")]

    # --- check-in and hours (shared with coop) --------------------------------------------------------

    def __str__(self):
        return f"{self.volunteer} @ {self.team}"


class ServiceSession(models.Model):
    """Something people check in to on site with a QR code, organised (and so proved) by one user.

    "谁组织谁记录，谁记录谁证明": ``organiser`` is the only one who confirms the hours of its attendances.
    ``nonce`` is part of every QR token; changing it revokes every code already shown or printed.
    """

    class Origin(models.TextChoices):
        ACTIVITY = "activity", _("志愿活动")
        CLAIM = "claim", _("认领需求")
        POST = "post", _("岗位值守")
        JOINT = "joint", _("共建活动")
        OTHER = "other", _("其他")

    community = models.ForeignKey("registry.OrgNode", on_delete=models.PROTECT, related_name="+")
    origin = models.CharField(_("来源"), max_length=16, choices=Origin.choices)
    title = models.CharField(_("名称"), max_length=200)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("组织者")
    )
    walk_in = models.BooleanField(_("允许未报名者现场签到"), default=False)
    nonce = models.CharField(max_length=32, default=rules.new_nonce, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("服务场次")
        verbose_name_plural = _("服务场次")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="vol_session_ends_after")
        ]

    def __str__(self):
        return self.title


class Attendance(models.Model):
    """One person at one session: enrolled → checked in → checked out → confirmed (or rejected)."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("已报名")
        CHECKED_IN = "checked_in", _("已签到")
        CHECKED_OUT = "checked_out", _("已签退")
        CONFIRMED = "confirmed", _("时长已确认")
        REJECTED = "rejected", _("时长未认可")
        WITHDRAWN = "withdrawn", _("已退出")

    session = models.ForeignKey(ServiceSession, on_delete=models.PROTECT, related_name="attendances")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ENROLLED)
    enrolled_at = models.DateTimeField(auto_now_add=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    in_lat = models.FloatField(null=True, blank=True)
    in_lng = models.FloatField(null=True, blank=True)
    in_distance_m = models.PositiveIntegerField(_("签到点距活动地点（米）"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    out_lat = models.FloatField(null=True, blank=True)
    out_lng = models.FloatField(null=True, blank=True)
    out_distance_m = models.PositiveIntegerField(null=True, blank=True)
    checkout_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    derived_minutes = models.PositiveIntegerField(_("签到签退时长（分钟）"), null=True, blank=True)
    confirmed_minutes = models.PositiveIntegerField(_("确认时长（分钟）"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["session_id", "id"]
        verbose_name = _("签到记录")
        verbose_name_plural = _("签到记录")
        constraints = [
            models.UniqueConstraint(fields=["session", "volunteer"], name="vol_attendance_unique"),
            models.CheckConstraint(
                condition=Q(confirmed_minutes__isnull=True)
                | Q(derived_minutes__isnull=False, confirmed_minutes__lte=F("derived_minutes")),
                name="vol_attendance_confirmed_within_derived",
            ),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True) | Q(checked_out_at__gte=F("checked_in_at")),
                name="vol_attendance_out_after_in",
            ),
        ]
        indexes = [models.Index(fields=["volunteer", "status"])]

    def __str__(self):
        return f"{self.volunteer} @ {self.session}"


# --- activities ---------------------------------------------------------------------------------


class Activity(models.Model):
    """A volunteer activity with a capacity; sign-ups beyond it wait in line.

    ``confirmed_count`` is kept by the sign-up services with a conditional UPDATE, and the database
    refuses a count above the capacity, so two people taking the last place at once cannot both get it.
    """

    class Status(models.TextChoices):
        PUBLISHED = "published", _("报名中")
        CANCELLED = "cancelled", _("已取消")
        FINISHED = "finished", _("已结束")

    community = models.ForeignKey(
        "registry.OrgNode", on_delete=models.PROTECT, related_name="volunteer_activities"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    title = models.CharField(_("活动名称"), max_length=200)
    description = models.TextField(_("活动内容"), blank=True)
    place = models.CharField(_("地点"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("名额"))
    confirmed_count = models.PositiveIntegerField(default=0, editable=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PUBLISHED)
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    session = models.OneToOneField(ServiceSession, on_delete=models.PROTECT, related_name="activity")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("志愿活动")
        verbose_name_plural = _("志愿活动")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="vol_activity_capacity_positive"),
            models.CheckConstraint(
                condition=Q(confirmed_count__lte=F("capacity")), name="vol_activity_within_capacity"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def places_left(self):
        return max(self.capacity - self.confirmed_count, 0)


class SignUp(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("已报名")
        WAITLISTED = "waitlisted", _("候补")
        CANCELLED = "cancelled", _("已取消")

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="signups")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="signups")
    status = models.CharField(max_length=16, choices=Status.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "volunteer"],
                condition=~Q(status="cancelled"),
                name="vol_signup_one_live_per_person",
            ),
        ]
        indexes = [models.Index(fields=["activity", "status", "created_at"])]

    def __str__(self):
        return f"{self.volunteer} → {self.activity}"


# --- the points ledger ------------------------------------------------------------------------


class Account(models.Model):
    """A points account: one per person, plus a few system accounts the points come from and go to.

    ``balance`` is written only by the database trigger that runs on each inserted movement; a
    trigger refuses any other change to it, and a CHECK keeps a person's balance at zero or above.
    """

    class Kind(models.TextChoices):
        PERSON = "person", _("个人")
        SYSTEM = "system", _("系统")

    ISSUANCE = "issuance"  # points are issued from here (its balance is minus what is outstanding)
    SHOP = "shop"  # redeemed points end here
    EXPIRED = "expired"  # expired points end here
    SYSTEM_CODES = {ISSUANCE: _("积分发放"), SHOP: _("积分商城"), EXPIRED: _("过期积分")}

    kind = models.CharField(max_length=8, choices=Kind.choices)
    code = models.CharField(max_length=32, blank=True)
    volunteer = models.OneToOneField(
        Volunteer, null=True, blank=True, on_delete=models.PROTECT, related_name="account"
    )
    # System accounts are per community, so that one community's postings never queue behind
    # another's on a single hot row, and "points issued in this community" is one balance.
    community = models.ForeignKey(
        "registry.OrgNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    balance = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("积分账户")
        verbose_name_plural = _("积分账户")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="person", volunteer__isnull=False, code="", balance__gte=0)
                | (Q(kind="system", volunteer__isnull=True, community__isnull=False) & ~Q(code="")),
                name="vol_account_person_never_negative",
            ),
            models.UniqueConstraint(
                fields=["code", "community"],
                condition=Q(kind="system"),
                name="vol_account_system_code_unique",
            ),
        ]

    def __str__(self):
        return str(self.volunteer) if self.volunteer_id else str(self.SYSTEM_CODES.get(self.code, self.code))


class Movement(models.Model):
    """One transfer of points from ``debit`` to ``credit``. Append-only: a trigger refuses UPDATE and
    DELETE; a correction is a new movement that ``reverses`` the old one (at most once)."""

    class Kind(models.TextChoices):
        EARN_HOURS = "earn_hours", _("服务时长")
        EARN_DONATION = "earn_donation", _("爱心捐赠")
        EARN_GOOD_DEED = "earn_good_deed", _("善行义举")
        REDEEM = "redeem", _("积分兑换")
        EXPIRE = "expire", _("积分过期")
        ADJUST = "adjust", _("人工调整")
        REVERSAL = "reversal", _("冲正")

    EARN_KINDS = (Kind.EARN_HOURS, Kind.EARN_DONATION, Kind.EARN_GOOD_DEED)

    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    debit = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="debits")
    credit = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="credits")
    amount = models.PositiveBigIntegerField()
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    source = models.CharField(max_length=64, blank=True, help_text="what earned it, e.g. attendance:12")
    expires_on = models.DateField(null=True, blank=True)
    memo = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("积分流水")
        verbose_name_plural = _("积分流水")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="vol_movement_amount_positive"),
            models.CheckConstraint(condition=~Q(debit=F("credit")), name="vol_movement_two_accounts"),
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False)
                | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="vol_movement_reversal_names_original",
            ),
            # The same attendance, deed or donation never earns twice, however often "confirm" is pressed.
            models.UniqueConstraint(
                fields=["source"],
                condition=Q(kind__in=["earn_hours", "earn_donation", "earn_good_deed"]) & ~Q(source=""),
                name="vol_movement_earn_once_per_source",
            ),
        ]
        indexes = [
            models.Index(fields=["credit", "at"]),
            models.Index(fields=["debit", "at"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class PointsRate(models.Model):
    """The love bank's standards, district-wide, each from a date on: points per confirmed hour, per yuan
    donated, per good deed, and how many months earned points stay valid (0: they never expire).

    A change is a new row from its effective date (today or later); a posting reads the row in force on
    the day it is for, and stores its points and expiry date, so no change ever rewrites a past movement.
    Without any row, the settings give the defaults (``SHANZHI_POINTS_RATES``, ``SHANZHI_POINTS_EXPIRE_MONTHS``).
    """

    class Kind(models.TextChoices):
        HOURS = "hours", _("每服务小时")
        DONATION = "donation", _("每捐赠一元")
        GOOD_DEED = "good_deed", _("每件善行义举")
        EXPIRY_MONTHS = "expiry_months", _("积分有效期（月，0 为永不过期）")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    points = models.DecimalField(_("积分"), max_digits=8, decimal_places=2)
    valid_from = models.DateField(_("生效日期"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-valid_from"]
        verbose_name = _("积分标准")
        verbose_name_plural = _("积分标准")
        constraints = [
            models.UniqueConstraint(fields=["kind", "valid_from"], name="vol_rate_unique_per_day"),
            models.CheckConstraint(condition=Q(points__gte=0), name="vol_rate_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.points} ({self.valid_from})"


class GoodDeed(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="good_deeds")
    title = models.CharField(_("善行义举"), max_length=200)
    done_on = models.DateField(_("日期"))
    count = models.PositiveSmallIntegerField(_("件数"), default=1)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    movement = models.OneToOneField(
        Movement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-done_on", "-id"]
        verbose_name = _("善行义举")
        verbose_name_plural = _("善行义举")

    def __str__(self):
        return self.title


class Donation(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="donations")
    description = models.CharField(_("捐赠内容"), max_length=200)
    value_yuan = models.DecimalField(_("折合金额（元）"), max_digits=12, decimal_places=2)
    donated_on = models.DateField(_("日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    movement = models.OneToOneField(
        Movement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-donated_on", "-id"]
        verbose_name = _("爱心捐赠")
        verbose_name_plural = _("爱心捐赠")
        constraints = [models.CheckConstraint(condition=Q(value_yuan__gt=0), name="vol_donation_positive")]

    def __str__(self):
        return self.description


class Item(models.Model):
    """Something in the points shop of a community. ``stock`` never goes below zero (CHECK)."""

    community = models.ForeignKey("registry.OrgNode", on_delete=models.PROTECT, related_name="shop_items")
    name = models.CharField(_("物品名称"), max_length=100)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    price = models.PositiveIntegerField(_("所需积分"))
    stock = models.IntegerField(_("库存"), default=0)
    active = models.BooleanField(_("上架"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["price", "name"]
        verbose_name = _("兑换物品")
        verbose_name_plural = _("兑换物品")
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="vol_item_stock_not_negative"),
            models.CheckConstraint(condition=Q(price__gte=1), name="vol_item_price_positive"),
        ]

    def __str__(self):
        return self.name


class Redemption(models.Model):
    class Status(models.TextChoices):
        ISSUED = "issued", _("待领取")
        COLLECTED = "collected", _("已领取")
        CANCELLED = "cancelled", _("已取消（积分已退回）")

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="redemptions")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="redemptions")
    quantity = models.PositiveSmallIntegerField(default=1)
    points = models.PositiveIntegerField()
    code = models.CharField(_("兑换码"), max_length=12, unique=True, default=rules.redemption_code)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ISSUED)
    movement = models.OneToOneField(Movement, on_delete=models.PROTECT, related_name="redemption")
    created_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("积分兑换")
        verbose_name_plural = _("积分兑换")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="vol_redemption_quantity_positive")
        ]

    def __str__(self):
        return f"{self.item} × {self.quantity} ({self.code})"


class PointsTally(models.Model):
    """Points earned (net of reversals) and minutes confirmed per person per month, quarter and year.

    A rollup, maintained by ``ledger`` and ``checkin`` in the transaction that changes the ledger,
    so ranking pages read an index instead of summing the movement table; ``ledger.rebuild_tallies``
    recomputes it from the movements, and a test checks the two agree.
    """

    class Grain(models.TextChoices):
        MONTH = "M", _("月")
        QUARTER = "Q", _("季度")
        YEAR = "Y", _("年")

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="tallies")
    grain = models.CharField(max_length=1, choices=Grain.choices)
    period_start = models.DateField()
    community = models.ForeignKey("registry.OrgNode", on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey("registry.OrgNode", on_delete=models.PROTECT, related_name="+")
    points = models.BigIntegerField(default=0)
    minutes = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "grain", "period_start"], name="vol_tally_unique"),
        ]
        indexes = [
            models.Index(
                fields=["community", "grain", "period_start", "-points"], name="vol_tally_comm_rank"
            ),
            models.Index(fields=["street", "grain", "period_start", "-points"], name="vol_tally_street_rank"),
        ]

    # --- recognition and pairing --------------------------------------------------------------------

    def __str__(self):
        return f"{self.volunteer} {self.grain} {self.period_start}: {self.points}"


class Commendation(models.Model):
    """通报表彰 of a person, a team or a unit, recorded by the community or street."""

    node = models.ForeignKey(
        "registry.OrgNode",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("表彰单位（社区/街道）"),
    )
    volunteer = models.ForeignKey(
        Volunteer, null=True, blank=True, on_delete=models.PROTECT, related_name="commendations"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="commendations"
    )
    unit = models.ForeignKey(
        "registry.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("表彰名称"), max_length=100)
    period = models.CharField(_("评比周期"), max_length=40, blank=True)
    reason = models.TextField(_("事迹"), blank=True)
    awarded_on = models.DateField(_("表彰日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-awarded_on", "-id"]
        verbose_name = _("表彰")
        verbose_name_plural = _("表彰")
        constraints = [
            models.CheckConstraint(
                condition=Q(volunteer__isnull=False, team__isnull=True, unit__isnull=True)
                | Q(volunteer__isnull=True, team__isnull=False, unit__isnull=True)
                | Q(volunteer__isnull=True, team__isnull=True, unit__isnull=False),
                name="vol_commendation_one_subject",
            ),
        ]

    def __str__(self):
        return self.title


class Pairing(models.Model):
    """结对帮扶: a person or a unit paired with a household in difficulty."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("帮扶中")
        ENDED = "ended", _("已结束")

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="pairings")
    community = models.ForeignKey("registry.OrgNode", on_delete=models.PROTECT, related_name="+")
    volunteer = models.ForeignKey(
        Volunteer, null=True, blank=True, on_delete=models.PROTECT, related_name="pairings"
    )
    unit = models.ForeignKey(
        "registry.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    difficulty = models.CharField(_("困难情况"), max_length=200)
    started_on = models.DateField(_("结对日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("结对帮扶")
        verbose_name_plural = _("结对帮扶")
        constraints = [
            models.CheckConstraint(
                condition=Q(volunteer__isnull=False, unit__isnull=True)
                | Q(volunteer__isnull=True, unit__isnull=False),
                name="vol_pairing_one_helper",
            ),
        ]

    def __str__(self):
        return f"{self.volunteer or self.unit} ↔ {self.household}"


class PairingVisit(models.Model):
    pairing = models.ForeignKey(Pairing, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("走访日期"))
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("走访情况"))
    help_given = models.CharField(_("解决的困难"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("帮扶走访")
        verbose_name_plural = _("帮扶走访")

    def __str__(self):
        return f"{self.visited_on} {self.pairing}"
