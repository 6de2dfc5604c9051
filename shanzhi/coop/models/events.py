"""The timeline: one row per status change of an order, a claim, a need or a project."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .lists import Claim, Need, Order
from .projects import Project

# What each verb reads as on a timeline: people see words, never the codes the services write.
VERB_LABELS = {
    "submit": pgettext_lazy("timeline", "提交"),
    "create": pgettext_lazy("timeline", "创建"),
    "edit": pgettext_lazy("timeline", "修改"),
    "publish": pgettext_lazy("timeline", "审核发布"),
    "place": pgettext_lazy("timeline", "下单"),
    "accept": pgettext_lazy("timeline", "接单"),
    "reject": pgettext_lazy("timeline", "婉拒"),
    "start": pgettext_lazy("timeline", "开始服务"),
    "finish": pgettext_lazy("timeline", "完成服务"),
    "done": pgettext_lazy("timeline", "办结"),
    "close": pgettext_lazy("timeline", "办结"),
    "cancel": pgettext_lazy("timeline", "撤销"),
    "rate": pgettext_lazy("timeline", "评价"),
    "claim": pgettext_lazy("timeline", "认领"),
    "claimed": pgettext_lazy("timeline", "认领已满"),
    "full": pgettext_lazy("timeline", "名额已满"),
    "reopen": pgettext_lazy("timeline", "重新开放认领"),
    "withdraw": pgettext_lazy("timeline", "退回认领"),
    "schedule": pgettext_lazy("timeline", "安排服务时间"),
    "progress": pgettext_lazy("timeline", "更新进度"),
    "milestone": pgettext_lazy("timeline", "新增节点"),
    "milestone_done": pgettext_lazy("timeline", "完成节点"),
    "status": pgettext_lazy("timeline", "变更状态"),
}


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

    @property
    def verb_label(self):
        return str(VERB_LABELS.get(self.verb, self.verb))

    def _status_label(self, value):
        # A project's progress event carries percentages, not statuses.
        if not value or self.verb == "progress":
            return f"{value}%" if value and self.verb == "progress" else value
        model = (
            (self.order_id and Order) or (self.claim_id and Claim) or (self.need_id and Need) or Project
        )  # from the ids: no query per timeline row
        return str(dict(model.Status.choices).get(value, value))

    @property
    def from_label(self):
        return self._status_label(self.from_status)

    @property
    def to_label(self):
        return self._status_label(self.to_status)
