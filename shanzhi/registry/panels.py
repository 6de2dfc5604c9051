"""Panels that apps above the registry add to its compound page.

The registry's compound page shows the owners' committee, but red property keeps the committee and
sits above the registry, which may not import it. So property registers a provider here
(``register_compound_panel``, from ``PropertyConfig.ready``) and the page asks ``compound_panels``;
without a provider (the app not installed) the page simply has no such panel.
"""

_PROVIDERS = []


def register_compound_panel(provider):
    """``provider(user, compound)`` → a dict with ``template`` (rendered inside the compound's
    card, with the dict as ``panel``) and whatever that template reads, or None to show nothing.
    The provider applies its own scope rules: the page only checked that ``user`` sees ``compound``."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def compound_panels(user, compound):
    """Every provider's panel for this compound, in registration order."""
    return [panel for panel in (provider(user, compound) for provider in _PROVIDERS) if panel]
