"""The staff worklist (issue 13 §3): tabs with counts, a search box, cards on a phone, the Excel
export of what the filter shows, and the same cases on the offline map.

The search travels by POST: a phone (and anything typed into a box) must never be in a URL or an
access log. The POST stores the search in the session under a random token and redirects to the
list with ``?f=<token>``; paging, the export and the map carry the token, never the words. For a
phone the session holds only its blind index.
"""

import datetime as dt
import secrets

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from openpyxl import Workbook

from shanzhi.accounts import permissions
from shanzhi.accounts.permissions import get_visible_or_404
from shanzhi.core import audit, inputs, masking, spreadsheets
from shanzhi.core.errors import DomainError
from shanzhi.core.models import AuditEvent
from shanzhi.registry import maps
from shanzhi.registry.models import Compound, Department, OrgNode, PropertyCompany

from .. import queries
from ..models import Appeal, Category
from .common import status_filter
from .pages import PER_PAGE, STAFF_BUCKETS, CappedPaginator, _page_number
from .timeleft import time_left

SESSION_KEY = "worklist_searches"
KEEP_SEARCHES = 10  # the newest few, so that several tabs can each hold their own search
TEXT_MAX = 50  # what a search box takes: a number, a few words, a place name
EXPORT_MAX = 5000  # rows in one export; the sheet says when more matched
MAP_MAX = 500  # points on the map; the page says when more matched


FIGURE_LABELS = {
    "received": gettext_lazy("收到"),
    "invalid": gettext_lazy("无效"),
    "accepted": gettext_lazy("受理"),
    "responded": gettext_lazy("按时响应"),
    "resolved": gettext_lazy("办结"),
    "rated": gettext_lazy("回访"),
    "solved": gettext_lazy("已解决"),
    "unreachable": gettext_lazy("联系不上"),
    "due": gettext_lazy("到期"),
    "on_time": gettext_lazy("按期结案"),
    "handled_1d": gettext_lazy("办理时长不足1天"),
    "handled_3d": gettext_lazy("办理时长1–3天"),
    "handled_5d": gettext_lazy("办理时长3–5天"),
    "handled_10d": gettext_lazy("办理时长5–10天"),
    "handled_over_10d": gettext_lazy("办理时长10天以上"),
}


class Filter:
    """What narrows the list: the tab, status and category (in the URL) and the search (in the
    session, named by ``token``); from a dashboard's figure also the node, the period and the
    figure (``node``, ``from``, ``to``, ``figure``: the appeals that figure counted), and the
    department or company the case is assigned to (``department``, ``company``: a unit's
    dashboard counts its assigned cases, not those it was only summoned to)."""

    def __init__(self, request):
        get = request.GET
        self.bucket = get.get("bucket") or "mine"
        if self.bucket not in {b for b, _label in STAFF_BUCKETS}:
            raise Http404
        self.status = get.get("status", "")[:20]
        self.category = get.get("category", "")[:20]
        self.token = get.get("f", "")[:40]
        self.search = request.session.get(SESSION_KEY, {}).get(self.token, {}) if self.token else {}
        self.expired = bool(self.token) and not self.search
        self._figure(request)

    def _figure(self, request):
        get = request.GET
        node_id = inputs.parse_id(get.get("node"), "node", label=_("节点"))
        # A node outside the user's part of the tree is a 404, as on every page.
        self.node = get_visible_or_404(request.user, OrgNode, pk=node_id) if node_id else None
        # A dashboard's hot compound (热点小区): its cases, through the buildings they were filed at.
        compound_id = inputs.parse_id(get.get("compound"), "compound", label=_("小区"))
        self.compound = get_visible_or_404(request.user, Compound, pk=compound_id) if compound_id else None
        # The assignee unit narrows the cases the user already sees (a missing unit: a 404).
        dept_id = inputs.parse_id(get.get("department"), "department", label=_("职能部门"))
        self.department = get_object_or_404(Department, pk=dept_id) if dept_id else None
        company_id = inputs.parse_id(get.get("company"), "company", label=_("物业企业"))
        self.company = get_object_or_404(PropertyCompany, pk=company_id) if company_id else None
        self.start = inputs.parse_date(get.get("from"), "from", label=_("开始日期"))
        self.end = inputs.parse_date(get.get("to"), "to", label=_("结束日期"))
        self.figure = get.get("figure", "")
        if self.figure and self.figure not in queries.FILED_FIGURES + queries.DUE_FIGURES:
            raise DomainError(_("没有这项统计。"), field="figure")

    @property
    def figure_label(self):
        return FIGURE_LABELS.get(self.figure, "")

    def narrow(self, qs):
        if self.node is not None:
            qs = qs.filter(path__startswith=self.node.path)
        if self.compound is not None:
            qs = qs.filter(building__compound=self.compound)
        if self.department is not None:
            qs = qs.filter(assignee_department=self.department)
        if self.company is not None:
            qs = qs.filter(assignee_company=self.company)
        if self.figure:
            # ``to`` is the period's last day, inclusive as on the dashboard's form.
            end = self.end + dt.timedelta(days=1) if self.end else None
            qs = queries.figure_cases(qs, self.figure, self.start, end)
        qs = status_filter(qs, self.status, self.category)
        s = self.search
        return queries.search(
            qs,
            number=s.get("number", ""),
            keyword=s.get("keyword", ""),
            place=s.get("place", ""),
            phone_key=s.get("phone_key", ""),
        )

    def query(self, **changes):
        """The URL query for this filter (the search by its token), with ``changes``."""
        params = {"bucket": self.bucket, "status": self.status, "category": self.category, "f": self.token}
        params.update(
            node=self.node.pk if self.node else "",
            compound=self.compound.pk if self.compound else "",
            department=self.department.pk if self.department else "",
            company=self.company.pk if self.company else "",
            figure=self.figure,
            **{"from": self.start or "", "to": self.end or ""},
        )
        params.update(changes)
        return urlencode({k: v for k, v in params.items() if v})

    def cases(self, user):
        qs = self.narrow(queries.worklist(user, self.bucket))
        return qs.select_related(
            "assignee_user", "assignee_node", "assignee_department", "assignee_company", "building__compound"
        )


def _clean_search(post):
    out = {}
    for field in ("number", "keyword", "place"):
        value = " ".join((post.get(field) or "").split())
        if len(value) > TEXT_MAX:
            raise DomainError(_("查找内容不能超过 %(n)d 个字。") % {"n": TEXT_MAX}, field=field)
        if value:
            out[field] = value
    if (post.get("phone") or "").strip():
        out["phone_key"] = queries.phone_index(post.get("phone")[:40])
    return out


def _save_search(request, search):
    token = secrets.token_urlsafe(12)
    saved = dict(request.session.get(SESSION_KEY, {}))
    saved[token] = search
    request.session[SESSION_KEY] = dict(list(saved.items())[-KEEP_SEARCHES:])
    return token


@never_cache
@require_http_methods(["GET", "POST"])
def worklist(request):
    user = request.user
    permissions.require(user, "appeals.handle")
    f = Filter(request)
    error = None
    if request.method == "POST":
        try:
            search = _clean_search(request.POST)
        except DomainError as exc:
            error = exc
        else:
            f.token = _save_search(request, search) if search else ""
            return redirect(reverse("appeals:worklist") + "?" + f.query())
    if f.expired:
        messages.info(request, _("查找条件已过期，请重新查找。"))
    qs = f.cases(user)
    number = request.GET.get("page")
    page = CappedPaginator(qs, PER_PAGE, _page_number(number)).get_page(_page_number(number))
    now = timezone.now()
    for a in page:
        a.left = time_left(a, now)
    counts = queries.bucket_counts(user, [b for b, _label in STAFF_BUCKETS], f.narrow)
    context = {
        "page": page,
        "f": f,
        "bucket": f.bucket,
        "buckets": [(b, label, counts[b], f.query(bucket=b)) for b, label in STAFF_BUCKETS],
        "count_cap": queries.COUNT_CAP,
        "status": f.status,
        "category": f.category,
        "search": f.search,
        "typed": {
            k: (request.POST if error else f.search).get(k, "") for k in ("number", "keyword", "place")
        },
        "by_phone": bool(f.search.get("phone_key")),
        "error": error,
        "query": f.query() + "&",
        "statuses": Appeal.Status.choices,
        "categories": Category.objects.filter(parent__isnull=True),
        "may_dispatch": permissions.has_role_for(user, "appeals.dispatch"),
        "may_submit": permissions.has_role_for(user, "appeals.submit"),
        "may_locate": permissions.has_role_for(user, "appeals.locate"),
    }
    return render(request, "appeals/worklist.html", context, status=400 if error else 200)


EXPORT_COLUMNS = [
    _("编号"),
    _("标题"),
    _("分类"),
    _("社区"),
    _("网格"),
    _("地点"),
    _("状态"),
    _("承办"),
    _("办理时限"),
    _("剩余时间"),
    _("登记时间"),
    _("联系人"),
    _("联系电话"),
]


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


@never_cache
@require_GET
def export(request):
    """What the list shows, as .xlsx (through core.spreadsheets); contact name and phone masked."""
    user = request.user
    permissions.require(user, "appeals.handle")
    f = Filter(request)
    rows = list(f.cases(user)[: EXPORT_MAX + 1])
    now = timezone.now()
    book = Workbook(write_only=True)
    sheet = book.create_sheet(spreadsheets.sheet_title(_("诉求")))
    sheet.append([str(c) for c in EXPORT_COLUMNS])
    for a in rows[:EXPORT_MAX]:
        spreadsheets.append(
            sheet,
            [
                a.number,
                a.title,
                str(a.category),
                a.community.name if a.community else "",
                a.grid.name if a.grid else "",
                a.address,
                a.get_status_display(),
                str(a.assignee_user or a.assignee_node or a.assignee_department or a.assignee_company or ""),
                _local(a.deadline),
                time_left(a, now)["text"],
                _local(a.created_at),
                masking.mask_name(a.contact_name),
                masking.mask_phone(a.contact_phone),
            ],
        )
    if len(rows) > EXPORT_MAX:
        sheet.append([str(_("只导出了前 %(n)d 条，请缩小查找范围。") % {"n": EXPORT_MAX})])
    data = spreadsheets.xlsx_bytes(book)
    audit.record(
        AuditEvent.Action.EXPORT,
        actor=user,
        request=request,
        detail={"what": "appeals_worklist", "bucket": f.bucket, "rows": min(len(rows), EXPORT_MAX)},
    )
    return spreadsheets.xlsx_response(data, f"appeals-{f.bucket}.xlsx")


@never_cache
@require_GET
def case_map(request):
    """The filtered cases on the offline base map (the same registry layers as the picker)."""
    user = request.user
    permissions.require(user, "appeals.handle")
    f = Filter(request)
    rows = list(f.cases(user).filter(lng__isnull=False, lat__isnull=False)[: MAP_MAX + 1])
    now = timezone.now()
    points = []
    for a in rows[:MAP_MAX]:
        lng, lat = maps.to_map(a.lng, a.lat)
        points.append(
            {
                "number": a.number,
                "title": a.title,
                "status": str(a.get_status_display()),
                "left": time_left(a, now)["text"],
                "alarm": a.alarm(now),
                "lng": lng,
                "lat": lat,
                "url": reverse("appeals:detail", args=[a.number]),
            }
        )
    context = {
        "f": f,
        "bucket": f.bucket,
        "buckets": [(b, label, None, f.query(bucket=b)) for b, label in STAFF_BUCKETS],
        "points": points,
        "more": len(rows) > MAP_MAX,
        "map_max": MAP_MAX,
        "unplaced": f.cases(user).filter(lng__isnull=True)[:1].exists(),
    }
    return render(request, "appeals/worklist_map.html", context)
