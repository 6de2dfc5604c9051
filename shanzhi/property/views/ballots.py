"""Settling paper ballots before the close: the second person rejects a wrong entry (with a
reason), its enterer withdraws it; and the scan, which only the staff who confirm paper ballots
may open (it shows an owner's signature: everyone else, owners included, gets a 404)."""

from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from shanzhi.accounts import permissions
from shanzhi.core import audit

from .. import queries, services
from ..models import Ballot
from ..services import scans
from .votes import _act


def _ballot(request, pk, ballot_pk):
    ballot = queries.ballot_for(request.user, pk, ballot_pk)
    return ballot.vote, ballot


@require_POST
def ballot_reject(request, pk, ballot_pk):
    vote, ballot = _ballot(request, pk, ballot_pk)
    return _act(
        request,
        vote,
        lambda: services.reject_paper(ballot, reason=request.POST.get("reason"), by=request.user),
        _("纸质选票已退回作废；该业主可以重新录入或网上投票。"),
    )


@require_POST
def ballot_withdraw(request, pk, ballot_pk):
    vote, ballot = _ballot(request, pk, ballot_pk)
    return _act(
        request,
        vote,
        lambda: services.withdraw_paper(ballot, by=request.user),
        _("纸质选票已撤回；该业主可以重新录入或网上投票。"),
    )


def open_scan(user, vote_pk, ballot_pk):
    """(ballot, file, extension, content type) for staff who may confirm the vote's paper ballots;
    a 404 for everyone else and for a ballot without a scan. The type is read from the file's
    own first bytes (a file of no known kind goes out as an octet-stream attachment)."""
    vote = queries.vote_for(user, vote_pk)
    if not permissions.can(user, "property.enter_paper", vote):
        raise Http404
    ballot = permissions.get_visible_or_404(user, Ballot, pk=ballot_pk, vote=vote, channel="paper")
    if not ballot.scan:
        raise Http404
    try:
        handle = ballot.scan.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    kind = scans.kind_of(handle.read(8)) or ("bin", "application/octet-stream")
    handle.seek(0)
    return ballot, handle, kind


def scan_response(request, ballot, handle, kind):
    ext, ctype = kind
    response = FileResponse(handle, content_type=ctype)
    # Images open in the browser; a PDF or anything else is downloaded, never rendered here.
    inline = ctype.startswith("image/")
    response["Content-Disposition"] = content_disposition_header(not inline, f"ballot-{ballot.pk}.{ext}")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # Over the API the caller is ``request.auth`` (a bearer token), not the session's user.
    actor = getattr(request, "auth", None) or request.user
    audit.record("property.ballot_scan_viewed", actor=actor, request=request, target=ballot)
    return response


@never_cache
@require_GET
def ballot_scan(request, pk, ballot_pk):
    return scan_response(request, *open_scan(request.user, pk, ballot_pk))
