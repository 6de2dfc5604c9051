"""Owners' committees (业主委员会) and property management committees (物业管理委员会, 物管会) of a
compound: the term, the members (residents of the compound) and the reserve lists (后备人选: a
positive list to draw from at the next election, a negative list of people barred, with the reason).

A 物管会 stands in where no 业委会 can be elected yet (住房和城乡建设部《业主大会和业主委员会指导规则》
and the provinces' 物业管理条例: set up by the street with the community, owners and the police).
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shanzhi.registry.models import Compound, Resident

# A term's end is shown, and warned of, this many days ahead (换届 takes months to prepare).
TERM_WARNING_DAYS = 90


class Committee(models.Model):
    """The compound's standing committee; a new term changes its dates (the audit keeps the old)."""

    class Kind(models.TextChoices):
        OWNERS = "owners", _("业主委员会")
        MANAGEMENT = "management", _("物业管理委员会")

    compound = models.OneToOneField(Compound, on_delete=models.PROTECT, related_name="committee")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期届满"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("业委会（物管会）")
        verbose_name_plural = _("业委会（物管会）")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_end__gt=models.F("term_start")), name="committee_term"
            )
        ]

    def __str__(self):
        return f"{self.compound.name}{self.get_kind_display()}"

    def term_state(self, today=None):
        """``expired``, ``ending`` (within TERM_WARNING_DAYS) or ``current``."""
        today = today or timezone.localdate()
        if self.term_end < today:
            return "expired"
        if self.term_end <= today + datetime.timedelta(days=TERM_WARNING_DAYS):
            return "ending"
        return "current"

    def days_left(self, today=None):
        return (self.term_end - (today or timezone.localdate())).days


class CommitteeMember(models.Model):
    class Role(models.TextChoices):
        DIRECTOR = "director", _("主任")
        DEPUTY = "deputy", _("副主任")
        MEMBER = "member", _("委员")

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("职务"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["committee_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "resident"], name="committee_member_once"),
            # One 主任 per committee.
            models.UniqueConstraint(
                fields=["committee"], condition=models.Q(role="director"), name="committee_one_director"
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.resident.name}"


class ReserveCandidate(models.Model):
    """后备人选 of a compound (正面清单), or a person barred from it (负面清单, with the reason)."""

    class List(models.TextChoices):
        POSITIVE = "positive", _("正面清单")
        NEGATIVE = "negative", _("负面清单")

    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="reserve_candidates")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    list = models.CharField(_("清单"), max_length=10, choices=List.choices)
    reason = models.CharField(_("理由"), max_length=200, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["compound_id", "list", "id"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "resident"], name="reserve_once_per_compound"),
            models.CheckConstraint(
                condition=~models.Q(list="negative") | ~models.Q(reason=""), name="reserve_negative_reason"
            ),
        ]

    def __str__(self):
        return f"{self.get_list_display()} {self.resident.name}"
