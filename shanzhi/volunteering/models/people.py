"""People and what they do together: volunteers, teams, commendations and pairings (结对帮扶)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shanzhi.core.fields import EncryptedTextField

from .. import rules


class Volunteer(models.Model):
    """A person in the love bank: a registered volunteer, an in-service party member, a resident who serves.

    ``confirmed_minutes`` is the running total of organiser-confirmed service time; it is written only
    by ``services.hours`` (from ``checkin.confirm`` and ``checkin.reject``) in the same transaction
    as the attendance it counts or withdraws, and the star level is derived from it.
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
