"""Figures about compounds that apps above the registry compute and others read.

Red property scores a company on the appeal loop's figures for the compounds it serves, but
property and appeals sit side by side and may not import each other. So appeals registers a
provider here (``register_compound_figures``, from ``AppealsConfig.ready``) and property asks
``compound_figures``; neither knows the other. Without a provider (appeals not installed) the
answer is empty and the indicators that need it are not scored.
"""

_PROVIDERS = []


def register_compound_figures(provider):
    """``provider(compound_ids, start, end, now)`` → ``{compound_id: {name: int}}``."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def compound_figures(compound_ids, start, end, now=None):
    """Every provider's counters per compound over the days ``start``..``end`` (inclusive)."""
    out = {}
    for provider in _PROVIDERS:
        for compound_id, counters in provider(list(compound_ids), start, end, now).items():
            out.setdefault(compound_id, {}).update(counters)
    return out
