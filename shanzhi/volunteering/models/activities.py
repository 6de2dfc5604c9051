"""Check-in and hours (shared with co-construction), and activities with their sign-ups."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .. import rules
from .people import Team, Volunteer


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
    # The points per hour in force on the session's day, frozen when the hours are confirmed, so a
    # later change of the standard never changes what this attendance is worth (rules.hours_points).
    hours_rate = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True, editable=False)
    # Set when confirmed hours are withdrawn afterwards (status goes to rejected): who and when.
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
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
