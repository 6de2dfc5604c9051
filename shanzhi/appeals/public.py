"""The one public read of appeals (no login): Open311 GET and the disclosure page.

The permission module answers for users; the public is nobody, so its view is defined here, once,
as a projection that carries no person: no contact, no submitter, no words the resident wrote
(only the title, once staff accepted the appeal, and the category), no photos, and a position
rounded to about 100 metres.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from shanzhi.accounts import publicdata

from .models import Appeal, AppealDayStat, AppealMonthStat

S = Appeal.Status
OPEN311_CLOSED = {S.CLOSED, S.REJECTED, S.MERGED}
UNCHECKED = {S.SUBMITTED, S.REJECTED}
POSITION_DECIMALS = 3


def public_appeals():
    return Appeal.objects.select_related(
        "category",
        "category__parent",
        "grid",
        "community",
        "assignee_node",
        "assignee_department",
        "assignee_company",
    )


def public_stats():
    """The metrics rollup rows (day, month) behind the public figures: counts only, so all of them."""
    return AppealDayStat.objects.all(), AppealMonthStat.objects.all()


def open311_status(appeal):
    return "closed" if appeal.status in OPEN311_CLOSED else "open"


def status_q(status):
    closed = Q(status__in=OPEN311_CLOSED)
    return closed if status == "closed" else ~closed


def agency(appeal):
    """The unit answerable for the appeal now (a person's name is never published)."""
    for target in (appeal.assignee_department, appeal.assignee_company, appeal.assignee_node):
        if target is not None:
            return str(getattr(target, "name", target))
    place = appeal.community or appeal.grid
    return place.name if place is not None else ""


def place_name(appeal):
    return " ".join(n.name for n in (appeal.community, appeal.grid) if n is not None)


def rounded(value):
    return None if value is None else round(value, POSITION_DECIMALS)


def public_title(appeal):
    """The title once staff accepted it (they read it then); before that only the category."""
    return str(appeal.category) if appeal.status in UNCHECKED else appeal.title


def public_section(start, end):
    """The public page's link to the appeals' own disclosure (closed appeals, no person); the
    figures by community are the data centre's own table."""
    return publicdata.Section(
        _("诉求办理"),
        order=10,
        links=[(_("已办结诉求公开"), reverse("appeals:disclosure"))],
    )
