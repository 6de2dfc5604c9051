"""The audit trail page: read-only, for the audit administrator alone (三权分立)."""

import datetime
import json

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from shanzhi.core import audit, spreadsheets
from shanzhi.core.forms import BootstrapMixin
from shanzhi.core.models import AuditEvent, ChainCheck

from .. import permissions
from ..models import Role

PAGE_SIZE = 50


class AuditFilterForm(BootstrapMixin, forms.Form):
    compact = True

    action = forms.ChoiceField(
        label=gettext_lazy("动作"),
        required=False,
        choices=[("", gettext_lazy("全部"))] + AuditEvent.Action.choices,
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("结果"),
        required=False,
        choices=[("", gettext_lazy("全部"))] + AuditEvent.Outcome.choices,
    )
    username = forms.CharField(label=gettext_lazy("用户名"), required=False, max_length=150)
    ip = forms.GenericIPAddressField(label=gettext_lazy("IP 地址"), required=False)
    date_from = forms.DateField(
        label=gettext_lazy("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return cleaned

    def applied(self):
        """The filters in use, as plain strings (for the export's own audit row)."""
        return {k: str(v) for k, v in self.cleaned_data.items() if v not in (None, "")}


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filter_events(events, data):
    if data.get("action"):
        events = events.filter(action=data["action"])
    if data.get("outcome"):
        events = events.filter(outcome=data["outcome"])
    if data.get("username"):
        events = events.filter(actor_username__iexact=data["username"].strip())
    if data.get("ip"):
        events = events.filter(ip=data["ip"])
    if data.get("date_from"):
        events = events.filter(at__gte=_day_start(data["date_from"]))
    if data.get("date_to"):
        events = events.filter(at__lt=_day_start(data["date_to"] + datetime.timedelta(days=1)))
    return events


@require_GET
def audit_log(request):
    permissions.require(request.user, "audit.view")
    form = AuditFilterForm(request.GET or None)
    events = permissions.visible(request.user, AuditEvent)
    if form.is_bound and not form.is_valid():
        events = events.none()
    elif form.is_bound:
        events = filter_events(events, form.cleaned_data)
    if request.GET.get("format") == "csv" and form.is_valid():
        return _export_csv(request, events, form.applied())
    page = Paginator(events.order_by("-at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(Role.choices)
    for event in page:
        event.role_label = labels.get(event.actor_role, event.actor_role)
        event.detail_text = _detail_text(event.detail)
    return render(request, "accounts/audit.html", {"form": form, "page": page})


def _detail_text(detail):
    return json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else ""


def _csv_rows(events):
    header = [
        _("时间"),
        _("动作"),
        _("结果"),
        _("用户名"),
        _("角色"),
        _("组织"),
        _("IP 地址"),
        _("对象类型"),
        _("对象编号"),
        _("详情"),
    ]
    labels = dict(Role.choices)
    # Usernames of failed logins are typed by strangers: every cell goes through the shared
    # formula guard (core.spreadsheets).
    yield header
    for e in events.order_by("-at", "-id").iterator(chunk_size=2000):
        row = [
            timezone.localtime(e.at).isoformat(),
            e.get_action_display(),
            e.get_outcome_display(),
            e.actor_username,
            labels.get(e.actor_role, e.actor_role),
            e.actor_node,
            e.ip,
            e.target_type,
            e.target_id,
            _detail_text(e.detail),
        ]
        yield row


def _export_csv(request, events, filters):
    # The rows are fixed before the export's own event is written, so the file holds exactly
    # the count that event states; the event is written before the first row leaves the server.
    last_id = events.order_by("-id").values_list("id", flat=True).first()
    events = events.filter(id__lte=last_id) if last_id else events.none()
    audit.record(
        AuditEvent.Action.EXPORT,
        request=request,
        detail={"what": "audit_events", "filters": filters, "rows": events.count()},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return spreadsheets.csv_response(_csv_rows(events), f"audit-{stamp}.csv")


@require_http_methods(["GET", "POST"])
def audit_chain(request):
    """The hash chains of the trail and the ledger: the last walk's result, and a new walk on request
    (a background task; the page follows its progress)."""
    permissions.require(request.user, "audit.view")
    if request.method == "POST":
        from shanzhi.core.tasks import verify_chains_task

        check = ChainCheck.objects.create(by_username=request.user.username)
        verify_chains_task.enqueue(check.pk)
        return redirect("accounts:audit_chain")
    check = ChainCheck.objects.first()
    return render(
        request,
        "accounts/audit_chain.html",
        {"check": check, "reports": list(check.reports.values()) if check else []},
    )
