"""A closed vote's tally (.xlsx) and its sealed result (A4 PDF), for whoever may see the vote (its
community's staff and the staff above, the compound's owners); a draft or open vote is a 404.
An owner's workbook holds the summary only (the sealed figures and the digest): how each unit
voted is for staff (``property.view_tally``); the PDF carries no unit. Every download is audited
as an export."""

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from shanzhi.accounts import permissions
from shanzhi.core import audit, spreadsheets

from .. import queries, reports
from ..models import Vote


def _closed(request, pk, kind):
    vote = queries.vote_for(request.user, pk)  # out of scope: 404
    if vote.status != Vote.Status.CLOSED:
        raise Http404
    export = queries.export_file(vote)
    ok = queries.recount_matches(vote)
    audit.record("export", request=request, target=vote, detail={"report": "property_vote", "format": kind})
    return vote, export, ok


@never_cache
@require_GET
def vote_tally_xlsx(request, pk):
    vote, export, ok = _closed(request, pk, "xlsx")
    per_unit = permissions.can(request.user, "property.view_tally", vote)
    data = reports.tally_xlsx(vote, export, recount_ok=ok, per_unit=per_unit)
    return spreadsheets.xlsx_response(data, f"vote-{vote.pk}-tally.xlsx")


@never_cache
@require_GET
def vote_sealed_pdf(request, pk):
    vote, export, ok = _closed(request, pk, "pdf")
    data = reports.sealed_pdf(vote, export, recount_ok=ok, generated_at=timezone.now())
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"vote-{vote.pk}-sealed.pdf")
    response["Cache-Control"] = "no-store"
    return response
