"""One POST view per appeal for every move: it reads the form, calls the matching service with
the version the user saw, and shows a refusal (409 on a conflict) on the appeal page itself."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError
from shanzhi.core.inputs import parse_int

from .. import services
from ..models import Appeal, Summons
from ..services import moveforms
from ..services.base import VERB_LABEL
from .common import render_detail


def _version(post):
    return parse_int(post.get("version"), "version", min_value=0)


@require_POST
def act(request, number, verb):
    appeal = permissions.get_visible_or_404(request.user, Appeal, number=number)
    try:
        moveforms.call(
            verb, appeal, request.user, request.POST, request.FILES.getlist("photos"), _version(request.POST)
        )
    except DomainError as exc:
        appeal.refresh_from_db()
        return render_detail(request, appeal, error=exc, status=exc.status)
    messages.success(request, _("已%(verb)s。") % {"verb": VERB_LABEL.get(verb, verb)})
    return _after_move(request, appeal)


def _after_move(request, appeal):
    """Back to the appeal, unless the move took it out of the user's sight (a grid worker's 退单, a
    case escalated past them): then their worklist, saying why, not a 404."""
    if permissions.visible(request.user, Appeal).filter(pk=appeal.pk).exists():
        return redirect("appeals:detail", number=appeal.number)
    messages.info(request, _("诉求 %(n)s 已转出，不再由您办理。") % {"n": appeal.number})
    if permissions.has_role_for(request.user, "appeals.handle"):
        return redirect("appeals:worklist")
    return redirect("accounts:home")


@require_POST
def summons_act(request, pk, verb):
    summons = permissions.get_visible_or_404(request.user, Summons, pk=pk)
    if verb not in moveforms.SUMMONS_CALLS:
        raise Http404
    appeal = summons.appeal
    try:
        moveforms.SUMMONS_CALLS[verb](
            summons, request.user, request.POST, _version(request.POST), request.FILES.getlist("photos")
        )
    except DomainError as exc:
        appeal.refresh_from_db()
        return render_detail(request, appeal, error=exc, status=exc.status)
    messages.success(request, _("已%(verb)s。") % {"verb": VERB_LABEL.get(verb, verb)})
    return _after_move(request, appeal)


@require_POST
def bulk_dispatch(request):
    """Dispatch several appeals to one target: one service call per appeal, each checked on its own."""
    user = request.user
    permissions.require(user, "appeals.dispatch")
    numbers = request.POST.getlist("number")
    done, refused = [], []
    for appeal in permissions.visible(user, Appeal).filter(number__in=numbers):
        try:
            services.dispatch(appeal, by=user, **moveforms.target(user, request.POST.get("to")))
            done.append(appeal.number)
        except (DomainError, Http404) as exc:
            refused.append(f"{appeal.number}：{getattr(exc, 'message', exc)}")
        except PermissionDenied:
            refused.append(f"{appeal.number}：{_('无权派单')}")
    if done:
        messages.success(request, _("已派单 %(n)d 条。") % {"n": len(done)})
    for line in refused:
        messages.error(request, line)
    bucket = request.POST.get("bucket") or "to_dispatch"
    return redirect(
        f"{reverse('appeals:worklist')}?bucket={bucket if bucket.isidentifier() else 'to_dispatch'}"
    )
