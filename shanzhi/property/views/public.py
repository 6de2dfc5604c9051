"""Public results of closed votes: the sealed figures, no ballots, no names."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .. import queries


@login_not_required
@require_GET
def results(request):
    return render(request, "property/results.html", {"votes": queries.public_results()[:200]})


@login_not_required
@require_GET
def result_detail(request, pk):
    # Public by design: every closed vote's sealed result (not a scoped object; drafts and open votes 404).
    vote = get_object_or_404(queries.public_results(), pk=pk)
    return render(request, "property/result.html", {"vote": vote, "result": vote.result})
