"""Four-party joint meetings (四方联席会议, the "铁三角" of community, property company and owners'
committee, with the police or others): who came for which party, what was discussed, and each
decision's follow-up, either an appeal in the loop or a task owned by one party."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shanzhi.registry.models import Compound, PropertyCompany


class Party(models.TextChoices):
    COMMUNITY = "community", _("社区")
    COMPANY = "company", _("物业企业")
    COMMITTEE = "committee", _("业委会（物管会）")
    POLICE = "police", _("派出所（民警）")
    OTHER = "other", _("其他")


class Meeting(models.Model):
    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="meetings")
    # The property company that attended (the compound's, when the meeting was recorded): its staff
    # read the meeting, and only those meetings.
    company = models.ForeignKey(
        PropertyCompany, null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    held_on = models.DateField(_("会议日期"))
    place = models.CharField(_("地点"), max_length=100)
    topics = models.TextField(_("议题"), max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("四方联席会议")
        verbose_name_plural = _("四方联席会议")

    def __str__(self):
        return f"{self.compound.name} {self.held_on}"


class Attendee(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    party = models.CharField(_("参会方"), max_length=10, choices=Party.choices)
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=50, blank=True)

    class Meta:
        ordering = ["meeting_id", "party", "id"]

    def __str__(self):
        return self.name


class Decision(models.Model):
    """One decision: an appeal filed in the loop (its id and number kept; property never reads the
    appeals tables) or a task for one party, due in working days."""

    class Kind(models.TextChoices):
        APPEAL = "appeal", _("转为诉求")
        TASK = "task", _("分工任务")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField(_("决定事项"), max_length=500)
    kind = models.CharField(_("落实方式"), max_length=8, choices=Kind.choices)
    appeal_id = models.PositiveBigIntegerField(null=True, blank=True)
    appeal_number = models.CharField(_("诉求编号"), max_length=32, blank=True)
    owner_party = models.CharField(_("责任方"), max_length=10, choices=Party.choices, blank=True)
    workdays = models.PositiveSmallIntegerField(_("办理期限（工作日）"), null=True, blank=True)
    # Close of office hours on the n-th working day after the meeting (core.workdays.add_workdays).
    due = models.DateTimeField(_("完成期限"), null=True, blank=True)
    due_provisional = models.BooleanField(default=False)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_note = models.CharField(_("完成情况"), max_length=500, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["meeting_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="appeal", appeal_id__isnull=False)
                | models.Q(kind="task", due__isnull=False),
                name="decision_followed_up",
            )
        ]

    def __str__(self):
        return self.text

    def task_state(self, now=None):
        """``done``, ``overdue`` or ``open`` (tasks only)."""
        if self.done_at is not None:
            return "done"
        return "overdue" if self.due and self.due < (now or timezone.now()) else "open"
