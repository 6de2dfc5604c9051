from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .chain import Chained


class AuditEvent(Chained):
    """One security-relevant event. Append-only: a database trigger refuses UPDATE and DELETE; and
    tamper-evident: each row is hash-chained to the one before (``core.chain``).

    The actor is copied by value (id, username, role, org node), not linked, so the trail
    outlives accounts and stays exactly as written.
    """

    class Action(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKOUT = "lockout", _("账号锁定")
        LOGOUT = "logout", _("退出")
        OTP_ENABLED = "otp_enabled", _("启用双因素")
        OTP_FAILED = "otp_failed", _("动态码错误")
        REVEAL = "reveal", _("查看敏感信息")
        EXPORT = "export", _("导出")
        IMPORT = "import", _("导入")
        ROLE_GRANT = "role_grant", _("授予角色")
        ROLE_REVOKE = "role_revoke", _("撤销角色")
        PASSWORD_CHANGE = "password_change", _("修改密码")
        TOKEN_ISSUED = "token_issued", _("签发接口令牌")
        TOKEN_REVOKED = "token_revoked", _("吊销接口令牌")
        USER_CREATED = "user_created", _("创建账号")
        KEY_ROTATION = "key_rotation", _("密钥轮换")
        CALENDAR_CHANGE = "calendar_change", _("修改工作日历")
        USER_DISABLED = "user_disabled", _("停用账号")
        USER_ENABLED = "user_enabled", _("启用账号")
        OTP_RESET = "otp_reset", _("重置双因素")
        UNLOCK = "unlock", _("解除锁定")
        CATEGORY_CHANGE = "category_change", _("修改诉求分类")
        REGISTRY_CHANGE = "registry_change", _("维护一张网")

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("成功")
        FAILURE = "failure", _("失败")
        DENIED = "denied", _("拒绝")

    CHAIN_FIELDS = (
        "at", "action", "outcome", "actor_id", "actor_username", "actor_role", "actor_node", "ip",
        "target_type", "target_id", "detail",
    )  # fmt: skip

    # Set before the insert (not auto_now_add, which would overwrite it after the hash is taken).
    at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    action = models.CharField(max_length=32, choices=Action.choices, db_index=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_username = models.CharField(max_length=150, blank=True, db_index=True)
    actor_role = models.CharField(max_length=32, blank=True)
    actor_node = models.CharField(max_length=32, blank=True, help_text="org code of the actor's scope")
    ip = models.GenericIPAddressField(null=True, blank=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.outcome}"


class WorkdayOverride(models.Model):
    """An administrator's word on one date, stronger than the holiday library.

    Used for one-off closures and corrections, and to enter the State Council's holiday notice
    for a year the ``chinesecalendar`` package does not know yet. Such a year counts only once it
    is marked complete (``WorkdayYear``); its other days then follow Monday–Friday. See
    ``core.workdays``.
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否上班"))
    note = models.CharField(
        _("说明"), max_length=100, blank=True, help_text=_("例如：国庆节放假、春节调休上班")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日历调整")
        verbose_name_plural = _("工作日历调整")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {'上班' if self.is_workday else '休息'}"


class WorkdayYear(models.Model):
    """A year the holiday library does not know, whose notice an administrator has entered in full.

    Marking it complete makes its days final: Monday–Friday plus its ``WorkdayOverride`` rows.
    Unmarked, it runs on the provisional calendar (``core.workdays``) and deadlines in it are 暂定.
    """

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    complete = models.BooleanField(_("放假安排已录入"), default=False)
    marked_by = models.CharField(_("确认人"), max_length=150, blank=True)
    marked_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("工作日历年度")
        verbose_name_plural = _("工作日历年度")

    def __str__(self):
        return f"{self.year} {'complete' if self.complete else 'open'}"


class CalendarRecompute(models.Model):
    """One run of recomputing provisional deadlines after a year's notice was completed: progress
    for the 工作日历 page and the list of what changed (old → new). Written by the app that owns
    the deadlines (a listener of ``workdays.on_year_completed``)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("重算中")
        DONE = "done", _("已完成")

    year = models.PositiveSmallIntegerField(_("年份"))
    source = models.CharField(max_length=32)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    changes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("时限重算")
        verbose_name_plural = _("时限重算")

    def __str__(self):
        return f"{self.year} {self.source} {self.status}"


class ChainCheck(models.Model):
    """One walk of the audit and ledger hash chains (``manage.py verify_audit`` or the audit
    administrator's page); ``reports`` grows chunk by chunk, so the page shows the progress."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    by_username = models.CharField(max_length=150, blank=True)
    ok = models.BooleanField(null=True)
    reports = models.JSONField(default=dict, blank=True, help_text="table -> Report.as_dict()")

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("审计链校验")
        verbose_name_plural = _("审计链校验")

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.ok}"


class ReferenceVersion(models.Model):
    """A token that changes whenever reference data changes (``core.refdata``): grid polygons and
    the org tree, appeal categories. Database triggers (registry and appeals migrations) set it to
    a fresh random value on every insert, update or delete of those tables, whoever writes them
    (a service, the admin, an import, raw SQL), so a process's cached copy is never trusted past a
    change. Random, not incremented: a rolled-back change must never hand its value to a later one."""

    name = models.CharField(max_length=32, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("参考数据版本")
        verbose_name_plural = _("参考数据版本")

    def __str__(self):
        return f"{self.name} {self.value}"
