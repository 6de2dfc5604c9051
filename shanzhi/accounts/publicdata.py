"""Sections of the public data page (公开, no login; issue 10).

The data centre's public page sits above the apps that publish something, yet must not import
them: each app registers a section function here from its ``AppConfig.ready()``, as it registers
its dashboard panel with ``accounts.dashboards``. A section function takes the days [start, end)
of the last complete month and returns a ``Section`` or ``None``. It must show only what a
resident may see: counts and links to the app's own public pages, never a person.
"""

from dataclasses import dataclass, field

_SECTIONS = []


@dataclass
class Section:
    title: str
    order: int = 50
    text: str = ""
    figures: list = field(default_factory=list)  # [(label, value)]
    links: list = field(default_factory=list)  # [(label, url)]


def register_section(fn):
    """``fn(start, end) -> Section | None``."""
    if fn not in _SECTIONS:
        _SECTIONS.append(fn)


def sections(start, end):
    found = [s for fn in _SECTIONS if (s := fn(start, end)) is not None]
    return sorted(found, key=lambda s: (s.order, s.title))
