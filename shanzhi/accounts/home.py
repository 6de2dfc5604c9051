"""Each role's home page, put together from panels the apps register.

A user's home shows what is waiting for them, its counts and their shortcuts. accounts cannot
import the apps above it, so each app registers a panel function from its ``AppConfig.ready()``
(``register_panel``), as it registers its permission rows. A panel function takes the user and
returns a :class:`Panel`, or ``None`` when it has nothing for that user.

Links are built with :func:`link`, which asks the same permission question as the view it points
to (``permissions.has_role_for`` with the action the view ``require``\\s): a link is shown only
when its page would open for the user.
"""

from dataclasses import dataclass, field
from functools import partial

from django.urls import reverse

from . import permissions


@dataclass
class Link:
    label: str
    url: str
    icon: str = ""
    count: int | None = None
    tone: str = ""  # a Bootstrap colour name for the count: "danger" when something is late
    note: str = ""  # a row's second line (status, time left)


@dataclass
class Panel:
    title: str
    icon: str = ""
    order: int = 100  # lower first: work waiting comes before shortcuts
    counts: list = field(default_factory=list)  # Links with a count
    shortcuts: list = field(default_factory=list)  # Links without one
    rows: list = field(default_factory=list)  # Links to the first few things waiting
    empty: str = ""  # what to say when ``rows`` is empty, if the panel lists rows

    def __post_init__(self):
        self.counts = [x for x in self.counts if x is not None]
        self.shortcuts = [x for x in self.shortcuts if x is not None]

    @property
    def has_content(self):
        return bool(self.counts or self.shortcuts or self.rows or self.empty)


_PANELS = []


def register_panel(fn):
    """Called by an app (from its ``AppConfig.ready()``): ``fn(user) -> Panel | None``."""
    if fn not in _PANELS:
        _PANELS.append(fn)


_LEADS = []


def register_lead(fn):
    """What a role's home opens with, above the panels (the data centre's dashboard for staff of the
    org tree): ``fn(request) -> Lead | None``; the first app that answers leads."""
    if fn not in _LEADS:
        _LEADS.append(fn)


@dataclass
class Lead:
    template: str
    context: dict
    scripts: list = field(default_factory=list)  # static paths its template needs, loaded last
    styles: list = field(default_factory=list)  # static paths of its style sheets


def lead_for(request):
    return next((lead for fn in _LEADS if (lead := fn(request)) is not None), None)


_COUNTERS = {}


def register_counter(name, fn):
    """A number the navbar shows beside a link (``fn(user) -> int``), e.g. unread notifications."""
    _COUNTERS[name] = fn


def counters_for(user):
    """Lazy: a template calls each only if it shows it, so a page without a navbar pays nothing."""
    return {name: partial(fn, user) for name, fn in _COUNTERS.items()}


def link(user, action, label, url_name, *args, query="", icon="", count=None, tone=""):
    """A Link to ``url_name`` if the user holds ``action`` (the one its view requires; a tuple when
    the view requires several), else None."""
    actions = (action,) if isinstance(action, str) else action
    if not all(permissions.has_role_for(user, a) for a in actions):
        return None
    url = reverse(url_name, args=args)
    if query:
        url = f"{url}?{query}"
    return Link(label, url, icon, count, tone if count else "")


def panels_for(user):
    panels = [p for fn in _PANELS if (p := fn(user)) is not None and p.has_content]
    # Two apps may file shortcuts under the same heading (系统设置: the calendar and the
    # categories); one panel per heading, or the page shows the same title twice.
    by_title = {}
    for panel in sorted(panels, key=lambda p: p.order):
        first = by_title.setdefault(str(panel.title), panel)
        if first is not panel:
            first.counts += panel.counts
            first.shortcuts += panel.shortcuts
            first.rows += panel.rows
    return list(by_title.values())
