"""The home page every role lands on after signing in (and the logo's target)."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .. import home as homes


@never_cache
def home(request):
    """No permission of its own: each panel shows only what the user may open."""
    user = request.user
    grant = user.primary_grant()
    return render(
        request,
        "accounts/home.html",
        {
            "panels": homes.panels_for(user),
            "grant": grant,
            "no_role": grant is None,
            "lead": homes.lead_for(request),
        },
    )
