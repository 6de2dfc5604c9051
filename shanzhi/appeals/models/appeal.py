"""The appeal, its number, and its timeline (photos and supervision marks: ``attachments``)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shanzhi.core.fields import EncryptedTextField

from .category import Category
from .indexes import INDEXES, TIMED

USER = settings.AUTH_USER_MODEL


class AppealCounter(models.Model):
    """Per-day sequence behind appeal numbers (SZ + date + 6 digits); rolls back with its intake."""

    day = models.DateField(primary_key=True)
    value = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.day} {self.value}"


# The longest description any channel may file (pages, API, Open311, hotline files): about two
# pages of text, more than any real appeal needs; longer is refused, never cut (issue 12 §3).
DESCRIPTION_MAX_LENGTH = 4000

# Statuses in which the handling clock runs (and warnings/overdue apply).
# References most appeals do not have: indexed only where set (Meta.indexes).
SPARSE = (
    "building",
    "household",
    "merged_into",
    "invalid_kind",
    "dispatched_by",
    "resolved_by",
    "entered_by",
)


class Appeal(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待受理")
        ACCEPTED = "accepted", _("待派单")
        REJECTED = "rejected", _("不予受理")
        POOLED = "pooled", _("待认领")
        DISPATCHED = "dispatched", _("已派单")
        RETURNED = "returned", _("已退单")
        IN_PROGRESS = "in_progress", _("处置中")
        RESOLVED = "resolved", _("待核实")
        VERIFIED = "verified", _("待回访")
        VISITED = "visited", _("待销号")
        REOPENED = "reopened", _("重办")
        CLOSED = "closed", _("已销号")
        MERGED = "merged", _("已并案")
        TO_CITY = "to_city", _("已退回市级平台")

    class Channel(models.TextChoices):
        WEB = "web", _("居民网上反映")
        PATROL = "patrol", _("网格巡查")
        HOME_VISIT = "home_visit", _("入户走访")
        ON_BEHALF = "on_behalf", _("代为登记(来电来访)")
        HOTLINE = "hotline", _("12345热线")
        OPEN311 = "open311", _("Open311接口")
        PROPERTY = "property", _("物业投诉")

    class Level(models.TextChoices):
        GRID = "grid", _("网格")
        COMMUNITY = "community", _("社区")
        STREET = "street", _("街道")
        DISTRICT = "district", _("区")

    class AssigneeKind(models.TextChoices):
        NONE = "", _("未指派")
        USER = "user", _("个人")
        NODE = "node", _("社区/街道")
        DEPARTMENT = "department", _("职能部门")
        COMPANY = "company", _("物业企业")

    class Rating(models.TextChoices):
        NONE = "", _("未评价")
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        UNSATISFIED = "unsatisfied", _("不满意")

    class Solved(models.TextChoices):
        # The return visit's first question (是否解决), the resident's own answer.
        NONE = "", _("未回答")
        SOLVED = "solved", _("已解决")
        PARTLY = "partly", _("部分解决")
        UNSOLVED = "unsolved", _("未解决")

    number = models.CharField(_("编号"), max_length=24, unique=True)
    channel = models.CharField(_("来源"), max_length=16, choices=Channel.choices)
    # Unique where set (``appeal_hotline_case``, a partial unique index): most appeals have no hotline
    # case, and a plain UNIQUE indexed every one of them, written by every intake.
    hotline_case_number = models.CharField(_("热线工单号"), max_length=40, null=True, blank=True)
    # The 12345 centre's own deadline for a hotline case, kept as the centre's file gives it, beside
    # ours (``deadline``, counted on our working-day calendar from acceptance); never recomputed.
    city_deadline = models.DateTimeField(_("市级平台办理时限"), null=True, blank=True)
    # Why the case was returned to the city platform (退回市级平台), when it was.
    city_return_reason = models.TextField(_("退回市级平台理由"), blank=True)
    # Who asked, for idempotency: "u:<user id>" or "c:<channel client>" (Open311 key, hotline file …).
    idempotency_scope = models.CharField(max_length=80, blank=True)
    idempotency_key = models.CharField(max_length=80, blank=True)
    payload_digest = models.CharField(max_length=64, blank=True)
    # The channel client that filed it ("open311-NAME"): that client alone reads back its full text.
    client = models.CharField(max_length=80, blank=True)

    submitter = models.ForeignKey(
        db_index=False, to=USER, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    entered_by = models.ForeignKey(
        db_index=False, to=USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedTextField(_("联系电话"), blank=True)
    contact_phone_index = models.CharField(max_length=64, blank=True, editable=False)

    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("诉求内容"))
    category = models.ForeignKey(  # indexed by appeal_nearby, which it leads (indexes.py)
        Category, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("分类"), db_index=False
    )
    lng = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    address = models.CharField(_("地点"), max_length=200, blank=True)
    building = models.ForeignKey(
        db_index=False,
        to="registry.Building",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    household = models.ForeignKey(
        db_index=False,
        to="registry.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    grid = models.ForeignKey(
        "registry.OrgNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        "registry.OrgNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Path of the deepest known place node (grid, else community, else street): one prefix match
    # answers "in my part of the tree" for every level, as registry rows do.
    path = models.CharField(max_length=80)  # indexed for prefix reads: indexes.py, appeal_path
    # 待定位: filed with an address nobody could place (no point, no building, no known compound),
    # so ``path`` is only the district's. The district's and its streets' dispatchers place it on
    # the map (``services.place``); until then it cannot be accepted, but it is never refused.
    unplaced = models.BooleanField(_("待定位"), default=False)

    level = models.CharField(_("响应层级"), max_length=16, choices=Level.choices, default=Level.COMMUNITY)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    assignee_kind = models.CharField(
        _("承办类型"), max_length=16, choices=AssigneeKind.choices, default=AssigneeKind.NONE, blank=True
    )
    assignee_user = models.ForeignKey(
        db_index=False, to=USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignee_node = models.ForeignKey(  # indexed where set (indexes.py)
        "registry.OrgNode", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    assignee_department = models.ForeignKey(
        db_index=False,
        to="registry.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignee_company = models.ForeignKey(
        db_index=False,
        to="registry.PropertyCompany",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dispatched_by = models.ForeignKey(
        db_index=False, to=USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_by = models.ForeignKey(
        db_index=False, to=USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    # When the current handling clock started: acceptance, or the last reopening (重办).
    clock_started_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(_("办理时限"), null=True, blank=True)
    warn_at = models.DateTimeField(null=True, blank=True)
    # Deadline, warn_at or suspended_until counted on a provisional calendar (a year whose holiday
    # notice is not entered yet, see core.workdays): shown as 暂定, recomputed once it is.
    deadline_provisional = models.BooleanField(_("时限暂定"), default=False)
    warned_at = models.DateTimeField(_("黄牌预警"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("红牌超期"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    resolution = models.TextField(_("办理结果"), blank=True)
    reject_reason = models.TextField(_("不予受理理由"), blank=True)

    suspended = models.BooleanField(_("缓办"), default=False)
    suspended_until = models.DateTimeField(_("缓办至"), null=True, blank=True)
    supervised = models.BooleanField(_("督办"), default=False)
    merged_into = models.ForeignKey(
        db_index=False,
        to="self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
        verbose_name=_("并入"),
    )
    rating = models.CharField(
        _("评价"), max_length=16, choices=Rating.choices, default=Rating.NONE, blank=True
    )
    rating_note = models.TextField(_("评价意见"), blank=True)
    solved = models.CharField(_("是否解决"), max_length=16, choices=Solved.choices, default="", blank=True)
    # Return visits that did not reach the resident; after ``MetricsRules.visit_max_tries`` the case
    # closes as unreachable (counted apart, never waiting for a rating).
    visit_tries = models.PositiveSmallIntegerField(_("回访未接通次数"), default=0)
    unreachable = models.BooleanField(_("回访联系不上"), default=False)
    # Set by a refusal whose reason is one of the invalid kinds: the case leaves every denominator.
    invalid_kind = models.ForeignKey(
        db_index=False,
        to="InvalidKind",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("无效诉求类型"),
    )
    # Whether the first response (受理) came within the category's response limit; None until then.
    responded_on_time = models.BooleanField(_("按时响应"), null=True, blank=True)
    # A handling cycle ended late (resolved after its deadline): kept when the case is reopened.
    ever_late = models.BooleanField(_("曾超期办结"), default=False)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    rework_count = models.PositiveSmallIntegerField(_("返工次数"), default=0)
    return_count = models.PositiveSmallIntegerField(_("退单次数"), default=0)

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    TIMED = TIMED
    FINAL = (Status.REJECTED, Status.CLOSED, Status.MERGED, Status.TO_CITY)
    LEVEL_ORDER = ("grid", "community", "street", "district")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_scope", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="appeal_idempotency",
            ),
            # Every read of it is ``hotline_case_number = X`` (the import's "already filed?"),
            # which implies IS NOT NULL, so the partial index serves it.
            models.UniqueConstraint(
                fields=["hotline_case_number"],
                condition=Q(hotline_case_number__isnull=False),
                name="appeal_hotline_case",
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False),
                name="appeal_merged_has_main",
            ),
        ]
        indexes = INDEXES  # indexes.py: why each one is there

    def __str__(self):
        return self.number

    @property
    def is_open(self):
        return self.status not in self.FINAL

    def is_overdue(self, now=None):
        """Derived from the stored deadline at read time; the sweep's flag is only for events."""
        now = now or timezone.now()
        return bool(
            self.deadline and self.status in self.TIMED and not self.suspended and now > self.deadline
        )

    def alarm(self, now=None):
        """'red' when overdue, 'yellow' past the warning share, '' otherwise."""
        now = now or timezone.now()
        if self.is_overdue(now):
            return "red"
        if self.warn_at and self.status in self.TIMED and not self.suspended and now >= self.warn_at:
            return "yellow"
        return ""

    def path_at(self, level):
        """The path prefix of this appeal's node at ``level`` ('' if the place is not that deep)."""
        depth = self.LEVEL_ORDER[::-1].index(level) + 1  # district 1, street 2, community 3, grid 4
        parts = [p for p in self.path.split("/") if p]
        return "/".join(parts[:depth]) + "/" if len(parts) >= depth else ""


class AppealEvent(models.Model):
    """The timeline. Append-only by convention of the services; nothing updates or deletes it."""

    class Verb(models.TextChoices):
        SUBMIT = "submit", _("提交")
        ACCEPT = "accept", _("受理")
        REJECT = "reject", _("不予受理")
        DISPATCH = "dispatch", _("派单")
        POOL = "pool", _("放入接单池")
        CLAIM = "claim", _("认领")
        RETURN = "return", _("退单")
        START = "start", _("开始处置")
        RESOLVE = "resolve", _("办结")
        VERIFY = "verify", _("核实通过")
        SEND_BACK = "send_back", _("返工")
        VISIT = "visit", _("回访")
        VISIT_TRY = "visit_try", _("回访未接通")
        RATE = "rate", _("评价")
        REOPEN = "reopen", _("重办")
        CLOSE = "close", _("销号")
        ESCALATE = "escalate", _("升级")
        SUMMON = "summon", _("吹哨")
        REPORT = "report", _("部门报到")
        FINISH_PART = "finish_part", _("完成承办部分")
        CANCEL_SUMMONS = "cancel_summons", _("撤回吹哨")
        SUPERVISE = "supervise", _("督办")
        REMIND = "remind", _("催办")
        MERGE = "merge", _("并案")
        ABSORB = "absorb", _("合并重复诉求")
        REQUEST_EXTENSION = "request_extension", _("申请延期")
        DECIDE_EXTENSION = "decide_extension", _("审批延期")
        REQUEST_SUSPENSION = "request_suspension", _("申请缓办")
        DECIDE_SUSPENSION = "decide_suspension", _("审批缓办")
        CANCEL_REQUEST = "cancel_request", _("撤销延期/缓办申请")
        RESUME = "resume", _("恢复办理")
        PHOTO = "photo", _("上传照片")
        WARN = "warn", _("黄牌预警")
        OVERDUE = "overdue", _("红牌超期")
        SUMMONS_OVERDUE = "summons_overdue", _("部门报到超时")
        SUPERVISION_OVERDUE = "supervision_overdue", _("督办到期")
        RECOMPUTE = "recompute", _("时限重算")
        LOCATE = "locate", _("定位")
        RETURN_TO_CITY = "return_to_city", _("退回市级平台")

    class Visibility(models.TextChoices):
        # Issue 13 §7: a note is staff-to-staff unless whoever wrote it chose to tell the resident.
        INTERNAL = "internal", _("内部")
        RESIDENT = "resident", _("居民可见")

    # No index of its own: ``appeal_event_version`` (below) begins with it and answers every read by
    # appeal; the second index cost every event's INSERT, an intake's included (issue 11).
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="events", db_index=False)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=32, blank=True)
    verb = models.CharField(max_length=32, choices=Verb.choices)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True)
    # Who may read ``note``: staff always; the resident (page, API, Open311) only "resident".
    note_visibility = models.CharField(
        _("备注可见范围"), max_length=16, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    data = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(help_text="the appeal's version after this event")

    class Meta:
        ordering = ["appeal_id", "id"]
        indexes = [models.Index(fields=["appeal", "version"], name="appeal_event_version")]
        verbose_name = _("诉求办理记录")
        verbose_name_plural = _("诉求办理记录")

    def __str__(self):
        return f"{self.appeal_id} {self.verb} {self.at:%Y-%m-%d %H:%M}"
