"""Intake, the worklists, the appeal page, photos and notifications."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from shanzhi.accounts import permissions
from shanzhi.accounts.services import user_for_token
from shanzhi.core.errors import DomainError
from shanzhi.core.inputs import MAX_PAGE, id_or_none
from shanzhi.registry import maps
from shanzhi.registry.households import own_household

from .. import progress, queries, services
from ..models import DESCRIPTION_MAX_LENGTH, Appeal, AppealPhoto, Category, Notification
from ..services import choices, intake, notify
from . import pending
from .common import render_detail

PER_PAGE = 25
MAX_PHOTOS = 6

# The worklist tabs each role sees, in order (the queries module defines what each holds); lazy,
# so each request reads them in its own language.
STAFF_BUCKETS = [
    ("mine", gettext_lazy("我的待办")),
    ("to_accept", gettext_lazy("待受理")),
    ("to_dispatch", gettext_lazy("待派单")),
    ("pool", gettext_lazy("接单池")),
    ("to_verify", gettext_lazy("待核实")),
    ("to_visit", gettext_lazy("待回访")),
    ("to_close", gettext_lazy("待销号")),
    ("overdue", gettext_lazy("超期")),
    ("warning", gettext_lazy("预警")),
    ("supervised", gettext_lazy("督办")),
    ("summoned", gettext_lazy("吹哨报到")),
    ("suspended", gettext_lazy("缓办")),
    ("all", gettext_lazy("辖区全部")),
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


def _picked_point(form):
    """The map point as WGS-84: the picker sends it in the map's coordinates, named by ``crs``
    (GCJ-02 when the tiles are). Text that is not a number goes on to intake, which names it."""
    lng, lat = _float_or_none(form.get("lng")), _float_or_none(form.get("lat"))
    system = form.get("crs") if form.get("crs") in maps.CRS_CHOICES else "wgs84"
    try:
        return maps.from_map(float(lng), float(lat), system)
    except (TypeError, ValueError):
        return lng, lat


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
    key = form.get("idempotency_key") or ""
    if request.method == "POST":
        files = request.FILES.getlist("photos")
        kept_ids = form.getlist("keep_photo")
        try:
            kept = pending.chosen(request, key, kept_ids)
            if len(files) + len(kept) > MAX_PHOTOS:
                raise DomainError(_("最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS}, field="photos")
            category = categories.filter(pk=id_or_none(form.get("category"))).first()
            use_home = form.get("place") == "home" and home is not None
            channel = form.get("channel") or (channels[0] if channels else "")
            if channel not in channels:
                raise DomainError(_("请选择登记渠道。"), field="channel")
            node = choices.chosen_again(choices.chosen_node, user, form.get("node"), "node", key)
            lng, lat = (None, None) if use_home else _picked_point(form)
            appeal = services.submit(
                by=user,
                channel=channel,
                title=form.get("title"),
                description=form.get("description"),
                category=category,
                building=home if use_home else None,
                node=node,
                lng=lng,
                lat=lat,
                address=form.get("address", ""),
                contact_name=form.get("contact_name", ""),
                contact_phone=form.get("contact_phone", ""),
                photos_in=kept + files,
                idempotency_key=key,
            )
        except DomainError as exc:
            error = exc
            # Every field is re-rendered from the POST; the photos are kept on the server.
            not_photos = pending.keep(request, key, kept_ids, files[: max(0, MAX_PHOTOS - len(kept))])
            if not_photos:
                error = DomainError(
                    f"{exc.message} "
                    + _("以下文件不是可用的照片，未保留：%(names)s") % {"names": "、".join(not_photos)},
                    field=exc.field,
                )
        else:
            pending.discard(request, key)
            if appeal.is_replay:
                messages.info(
                    request, _("这条诉求已经提交过了（编号 %(n)s），无需重复提交。") % {"n": appeal.number}
                )
            else:
                messages.success(request, _("提交成功，诉求编号 %(n)s。") % {"n": appeal.number})
            if not permissions.visible(user, Appeal).filter(pk=appeal.pk).exists():
                # Filed by staff with an address nobody could place: it waits in the district's
                # 待定位 queue, outside the filer's own scope. (A retry of an appeal since out of
                # the filer's scope is not that: it was placed; the message above says enough.)
                if appeal.unplaced and not appeal.is_replay:
                    messages.info(request, _("地址未能定位，已转区、街道待定位。"))
                return redirect("appeals:submit")
            return redirect("appeals:detail", number=appeal.number)
    context = {
        "categories": categories,
        "channels": [(c, Appeal.Channel(c).label) for c in channels],
        "home": home,
        "form": form,
        "error": error,
        "max_photos": MAX_PHOTOS,
        "description_max": DESCRIPTION_MAX_LENGTH,
        "place_nodes": choices.place_nodes(user),
        # A fresh key per render; a re-render after an error keeps the one the user already sent.
        "idempotency_key": key or uuid.uuid4().hex,
        "kept_photos": pending.listed(request, key) if key else [],
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
            rows = services.nearby_open(category, *_picked_point(request.GET))
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
        # Plain words and the step bar, never the office's status names (issue 13 §7).
        a.progress_label, a.steps = progress.stage(a)[1], progress.steps(a)
    return render(request, "appeals/mine.html", {"page": page})


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


@never_cache
def notification_open(request, pk):
    """Opening a notification marks it read and goes to its appeal. A plain link (GET) does it: the
    only change is the reader's own read mark, which a repeat leaves as it was. An appeal that has
    since left the reader's sight (another grid worker claimed it from the pool, it went up a
    level) is not a 404: the list says so."""
    user = request.user
    note = permissions.get_visible_or_404(user, Notification, pk=pk)  # only one's own
    notify.mark_read(user, [note.pk])
    if note.appeal_id is None:
        return redirect("appeals:notifications")
    appeal = permissions.visible(user, Appeal).filter(pk=note.appeal_id).first()
    if appeal is None:
        messages.info(request, _("这条通知所说的诉求已不在您的办理范围内。"))
        return redirect("appeals:notifications")
    return redirect("appeals:detail", number=appeal.number)


@require_POST
def notifications_read(request):
    user = request.user
    permissions.require(user, "appeals.view_notifications")
    ids = [n for n in map(id_or_none, request.POST.getlist("id")) if n is not None] or None
    notify.mark_read(user, ids)
    return redirect("appeals:notifications")
