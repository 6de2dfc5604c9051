"""Intake, the worklists, the appeal page, photos and notifications."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from shanzhi.accounts import permissions
from shanzhi.accounts.services import user_for_token
from shanzhi.core.errors import DomainError
from shanzhi.core.inputs import MAX_PAGE, id_or_none
from shanzhi.registry.households import own_household

from .. import queries, services
from ..models import Appeal, AppealPhoto, Category, Notification
from ..services import intake, notify
from .common import render_detail, status_filter

PER_PAGE = 25
MAX_PHOTOS = 6

# The worklist tabs each role sees, in order (the queries module defines what each holds).
STAFF_BUCKETS = [
    ("mine", _("我的待办")),
    ("to_accept", _("待受理")),
    ("to_dispatch", _("待派单")),
    ("pool", _("接单池")),
    ("to_verify", _("待核实")),
    ("to_visit", _("待回访")),
    ("to_close", _("待销号")),
    ("overdue", _("超期")),
    ("warning", _("预警")),
    ("supervised", _("督办")),
    ("summoned", _("吹哨报到")),
    ("suspended", _("缓办")),
    ("all", _("辖区全部")),
]


class CappedPaginator(Paginator):
    """Counts no further than ``ahead`` pages past the requested one: a district's 辖区全部 holds a
    million appeals, and an exact COUNT over them costs more than the page itself. The pager then
    shows "n+" and the next page stays reachable."""

    def __init__(self, object_list, per_page, number, ahead=40):
        super().__init__(object_list, per_page)
        self.cap = (max(number, 1) + ahead) * per_page
        self.capped = False

    @cached_property
    def count(self):
        n = self.object_list.order_by().select_related(None)[: self.cap + 1].count()
        self.capped = n > self.cap
        return min(n, self.cap)


def _page_number(value):
    """The requested page, bounded: a 20-digit page number would overflow the query's OFFSET."""
    return min(id_or_none(value) or 1, MAX_PAGE)


def _my_channels(user):
    return sorted(set().union(*(intake.CHANNELS.get(g.role, set()) for g in user.grants())))


def _home_building(user):
    household = own_household(user)
    return household.building if household is not None else None


def _float_or_none(value):
    value = (value or "").strip()
    return value or None


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request):
    """The resident's (or staff's on-behalf) intake form. The hidden key makes a double submit
    return the appeal the first one created."""
    user = request.user
    permissions.require(user, "appeals.submit")
    channels = _my_channels(user)
    channels = [c for c in channels if c != Appeal.Channel.HOTLINE]  # hotline cases come by file import
    categories = Category.objects.filter(active=True).select_related("parent")
    home = _home_building(user)
    form = request.POST if request.method == "POST" else {}
    error = None
    if request.method == "POST":
        files = request.FILES.getlist("photos")
        try:
            if len(files) > MAX_PHOTOS:
                raise DomainError(_("最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS}, field="photos")
            category = categories.filter(pk=id_or_none(form.get("category"))).first()
            use_home = form.get("place") == "home" and home is not None
            channel = form.get("channel") or (channels[0] if channels else "")
            if channel not in channels:
                raise DomainError(_("请选择登记渠道。"), field="channel")
            node = intake.chosen_node(user, form.get("node"))
            appeal = services.submit(
                by=user,
                channel=channel,
                title=form.get("title"),
                description=form.get("description"),
                category=category,
                building=home if use_home else None,
                node=node,
                lng=None if use_home else _float_or_none(form.get("lng")),
                lat=None if use_home else _float_or_none(form.get("lat")),
                address=form.get("address", ""),
                contact_name=form.get("contact_name", ""),
                contact_phone=form.get("contact_phone", ""),
                photos_in=files,
                idempotency_key=form.get("idempotency_key", ""),
            )
        except DomainError as exc:
            error = exc
        else:
            if appeal.is_replay:
                messages.info(
                    request, _("这条诉求已经提交过了（编号 %(n)s），无需重复提交。") % {"n": appeal.number}
                )
            else:
                messages.success(request, _("提交成功，诉求编号 %(n)s。") % {"n": appeal.number})
            return redirect("appeals:detail", number=appeal.number)
    context = {
        "categories": categories,
        "channels": [(c, Appeal.Channel(c).label) for c in channels],
        "home": home,
        "form": form,
        "error": error,
        "max_photos": MAX_PHOTOS,
        "place_nodes": intake.place_nodes(user),
        # A fresh key per render; a re-render after an error keeps the one the user already sent.
        "idempotency_key": form.get("idempotency_key") or uuid.uuid4().hex,
    }
    return render(request, "appeals/submit.html", context, status=400 if error else 200)


@never_cache
def nearby(request):
    """htmx fragment at intake: open appeals of the same category near the chosen point. Only
    number, status and date are shown, never another person's words."""
    permissions.require(request.user, "appeals.submit")
    category = Category.objects.filter(pk=id_or_none(request.GET.get("category")), active=True).first()
    rows = []
    if category is not None:
        try:
            rows = services.nearby_open(
                category, _float_or_none(request.GET.get("lng")), _float_or_none(request.GET.get("lat"))
            )
        except DomainError:
            rows = []
    visible = set(
        permissions.visible(request.user, Appeal)
        .filter(pk__in=[a.pk for a, _d in rows])
        .values_list("pk", flat=True)
    )
    return render(request, "appeals/_nearby.html", {"rows": rows, "visible": visible})


@never_cache
def mine(request):
    """A resident's own appeals with progress and deadline."""
    user = request.user
    permissions.require(user, "appeals.rate")
    qs = queries.worklist(user, "submitted_by_me")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    for a in page:
        a.verbs = services.available_actions(user, a)
    return render(request, "appeals/mine.html", {"page": page})


@never_cache
def worklist(request):
    user = request.user
    permissions.require(user, "appeals.handle")
    bucket = request.GET.get("bucket") or "mine"
    names = [b for b, _label in STAFF_BUCKETS]
    if bucket not in names:
        raise Http404
    status, category = request.GET.get("status", ""), request.GET.get("category", "")
    qs = status_filter(queries.worklist(user, bucket), status, category)
    qs = qs.select_related("assignee_user", "assignee_node", "assignee_department", "assignee_company")
    number = request.GET.get("page")
    page = CappedPaginator(qs, PER_PAGE, _page_number(number)).get_page(_page_number(number))
    may_dispatch = permissions.has_role_for(user, "appeals.dispatch")
    context = {
        "page": page,
        "bucket": bucket,
        "buckets": STAFF_BUCKETS,
        "status": status,
        "category": category,
        "statuses": Appeal.Status.choices,
        "categories": Category.objects.filter(parent__isnull=True),
        "may_dispatch": may_dispatch,
        "may_submit": permissions.has_role_for(user, "appeals.submit"),
    }
    return render(request, "appeals/worklist.html", context)


@never_cache
def detail(request, number):
    appeal = permissions.get_visible_or_404(request.user, Appeal, number=number)
    return render_detail(request, appeal)


@login_not_required
@never_cache
def photo(request, pk):
    """Photos are never served from the media folder: only here, to those who see the appeal.

    The API's ``photos[].url`` points here, so an API client that follows it with its bearer token
    gets the file (it used to get a 302 to the login page, issue 12 §4); without a session or a
    valid token, the login page as for every page."""
    user = request.user
    if not user.is_authenticated:
        scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
        user = user_for_token(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
        if user is None:
            return redirect_to_login(request.get_full_path())
    p = permissions.get_visible_or_404(user, AppealPhoto, pk=pk)
    response = FileResponse(p.file.open("rb"), content_type=p.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
def notifications(request):
    user = request.user
    permissions.require(user, "appeals.view_notifications")
    qs = permissions.visible(user, Notification).select_related("appeal")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "appeals/notifications.html", {"page": page})


@require_POST
def notifications_read(request):
    user = request.user
    permissions.require(user, "appeals.view_notifications")
    ids = [n for n in map(id_or_none, request.POST.getlist("id")) if n is not None] or None
    notify.mark_read(user, ids)
    return redirect("appeals:notifications")
