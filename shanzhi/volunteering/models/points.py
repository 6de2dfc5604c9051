"""The points ledger: accounts and append-only movements, rates, good deeds, donations, the shop
and the tally that rankings read."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from shanzhi.core.chain import Chained

from .. import rules
from .people import Volunteer


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


class Movement(Chained):
    """One transfer of points from ``debit`` to ``credit``. Append-only: a trigger refuses UPDATE and
    DELETE; a correction is a new movement that ``reverses`` the old one (at most once). Each row is
    hash-chained to the one before (``core.chain``); insert only through ``chain.append``."""

    CHAIN_FIELDS = (
        "at", "kind", "debit_id", "credit_id", "amount", "reverses_id", "source", "expires_on", "memo",
        "created_by_id",
    )  # fmt: skip

    class Kind(models.TextChoices):
        EARN_HOURS = "earn_hours", _("服务时长")
        EARN_DONATION = "earn_donation", _("爱心捐赠")
        EARN_GOOD_DEED = "earn_good_deed", _("善行义举")
        REDEEM = "redeem", _("积分兑换")
        EXPIRE = "expire", _("积分过期")
        ADJUST = "adjust", _("人工调整")
        REVERSAL = "reversal", _("冲正")
        # Confirmed hours withdrawn afterwards: the points their withdrawal takes back (checkin.reject).
        RETRACT_HOURS = "retract_hours", _("时长撤销")

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
            # ... and its withdrawal takes points back at most once.
            models.UniqueConstraint(
                fields=["source"],
                condition=Q(kind="retract_hours") & ~Q(source=""),
                name="vol_movement_retract_once_per_source",
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
