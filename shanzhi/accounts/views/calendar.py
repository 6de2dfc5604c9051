"""The working-day calendar page (工作日历) for the system administrator: the writes are in
``accounts.services.calendar``; this page only collects the input and shows what is entered, and the
progress of the recompute that completing a year starts."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanzhi.core import workdays
from shanzhi.core.errors import DomainError
from shanzhi.core.forms import BootstrapMixin
from shanzhi.core.models import CalendarRecompute, WorkdayOverride, WorkdayYear

from .. import permissions
from ..services import calendar as services

KIND_CHOICES = [("off", gettext_lazy("休（放假）")), ("work", gettext_lazy("班（调休上班）"))]


class DayForm(BootstrapMixin, forms.Form):
    compact = True

    date = forms.DateField(label=gettext_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=KIND_CHOICES)
    note = forms.CharField(
        label=gettext_lazy("名称"),
        max_length=services.MAX_NOTE,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("例如：元旦、春节调休上班")}),
    )


class NoticeForm(BootstrapMixin, forms.Form):
    compact = True

    year = forms.IntegerField(label=gettext_lazy("年份"))
    lines = forms.CharField(
        label=gettext_lazy("放假安排（每行一天或一段）"), widget=forms.Textarea(attrs={"rows": 12})
    )
    replace = forms.BooleanField(
        label=gettext_lazy("先清除该年已录入的日期（用于更正整份通知）"), required=False
    )
    complete = forms.BooleanField(label=gettext_lazy("录入后标记该年放假安排已录入完整"), required=False)


def _default_year():
    return workdays.calendar().last_known_year() + 1


def _page(request, year, status=200, day_form=None, notice_form=None, error=None):
    cal = workdays.calendar()
    years = sorted(
        {d.year for d in WorkdayOverride.objects.dates("date", "year")}
        | set(WorkdayYear.objects.values_list("year", flat=True))
        | {year, cal.last_known_year() + 1}
    )
    complete = dict(WorkdayYear.objects.filter(complete=True).values_list("year", "marked_by"))
    context = {
        "year": year,
        "years": [
            {
                "year": y,
                "builtin": y <= workdays.LIBRARY_LAST_YEAR,
                "complete": y in complete,
                "known": cal.knows_year(y),
            }
            for y in years
        ],
        "rows": WorkdayOverride.objects.filter(date__year=year).order_by("date"),
        "builtin": year <= workdays.LIBRARY_LAST_YEAR,
        "complete": year in complete,
        "complete_by": complete.get(year, ""),
        "last_known": cal.last_known_year(),
        "running_out": workdays.running_out(),
        "recomputes": CalendarRecompute.objects.filter(year=year)[:3],
        # What deadlines in the year are counted on until it is complete (the statutory rule).
        "provisional": sorted(workdays.provisional_holidays(year).items())
        if cal.is_provisional_year(year)
        else [],
        "day_form": day_form or DayForm(),
        "notice_form": notice_form or NoticeForm(initial={"year": year}),
        "error": error,
        "example": f"{year}-01-01 休 元旦\n{year}-02-07 班 春节调休\n{year}-10-01~{year}-10-07 休 国庆节",
    }
    if request.headers.get("HX-Request") and request.GET.get("part") == "recompute":
        return render(request, "accounts/_recompute.html", context)
    return render(request, "accounts/workdays.html", context, status=status)


def _fail(request, year, exc, day_form=None, notice_form=None):
    form = day_form or notice_form
    if form is not None and exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    return _page(request, year, status=400, day_form=day_form, notice_form=notice_form, error=exc.message)


def workday_calendar(request):
    permissions.require(request.user, "core.manage_calendar")
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or _default_year())
    except ValueError:
        year = _default_year()
    if request.method != "POST":
        return _page(request, year)
    op = request.POST.get("op")
    try:
        if op == "add":
            form = DayForm(request.POST)
            if not form.is_valid():
                return _page(request, year, status=400, day_form=form, error=_("请检查标红的项目。"))
            day = form.cleaned_data["date"]
            try:
                services.add_day(
                    by=request.user,
                    day=day,
                    is_workday=form.cleaned_data["kind"] == "work",
                    note=form.cleaned_data["note"],
                    request=request,
                )
            except DomainError as exc:
                return _fail(request, year, exc, day_form=form)
            year = day.year
            messages.success(request, _("已录入 %(d)s。") % {"d": day.isoformat()})
        elif op == "remove":
            try:
                day = dt.date.fromisoformat(request.POST.get("date", ""))
            except ValueError:
                return _page(request, year, status=400, error=_("请填写有效的日期。"))
            services.remove_day(by=request.user, day=day, request=request)
            year = day.year
            messages.success(request, _("已删除 %(d)s 的调整。") % {"d": day.isoformat()})
        elif op == "import":
            form = NoticeForm(request.POST)
            if not form.is_valid():
                return _page(request, year, status=400, notice_form=form, error=_("请检查标红的项目。"))
            data = form.cleaned_data
            try:
                count = services.import_notice(
                    by=request.user,
                    year=data["year"],
                    text=data["lines"],
                    replace=data["replace"],
                    complete=data["complete"],
                    request=request,
                )
            except DomainError as exc:
                return _fail(request, data["year"], exc, notice_form=form)
            year = data["year"]
            messages.success(request, _("已录入 %(y)d 年的 %(n)d 天。") % {"y": year, "n": count})
        elif op == "complete":
            services.mark_year_complete(by=request.user, year=year, request=request)
            messages.success(
                request, _("%(y)d 年放假安排已录入，暂定的办理时限正在按正式安排重算。") % {"y": year}
            )
        elif op == "reopen":
            services.reopen_year(by=request.user, year=year, request=request)
            messages.warning(
                request,
                _("%(y)d 年已撤销“已录入”标记，此后涉及该年的办理时限按法定节假日暂定。") % {"y": year},
            )
        else:
            return _page(request, year, status=400, error=_("未知的操作。"))
    except DomainError as exc:
        return _fail(request, year, exc)
    return redirect(f"{reverse('admin_tools:workdays')}?year={year}")
