"""The comparisons every dashboard shows, a node's and a unit's alike: the rates against the period
before and the same days a year earlier, and the top categories against the period before."""

from django.utils.translation import gettext as _

from shanzhi.appeals.models import Category

RATES = ("response_rate", "resolution_rate", "satisfaction_rate", "on_time_rate")


def _totals(figures):
    return {
        "received": figures.received,
        "accepted": figures.accepted,
        "resolved": figures.resolved,
        "due": figures.due,
        "on_time": figures.on_time,
        **{r: getattr(figures, r) for r in RATES},
        "composite": figures.composite,
        "avg_handling_hours": figures.avg_handling_hours,
    }


def _change(now, before):
    if now is None or before is None:
        return None
    return round(now - before, 1)


def rate_rows(total, previous, year_earlier):
    """The 三率 and 按期结案率 of ``total`` (``metrics.Figures``) beside those of the period before and
    of the same days a year earlier, with the changes (percentage points): every dashboard's, the
    nodes' and the units' alike."""
    now, before, last_year = _totals(total), _totals(previous), _totals(year_earlier)
    return [
        {
            "key": r,
            "label": label,
            "value": now[r],
            "previous": before[r],
            "year_earlier": last_year[r],
            "vs_previous": _change(now[r], before[r]),
            "vs_year": _change(now[r], last_year[r]),
        }
        for r, label in (
            ("response_rate", _("响应率")),
            ("resolution_rate", _("解决率")),
            ("satisfaction_rate", _("满意率")),
            ("on_time_rate", _("按期结案率")),
        )
    ]


def category_rows(rows, before, url, codes=None):
    """The top categories ``rows`` ((category id, name, received), most first) beside the period
    before (``before``: {category id: received}), each a link (``url(code)``) to its cases;
    ``codes`` ({category id: code}) when the caller has them already."""
    if codes is None:
        codes = dict(Category.objects.filter(pk__in=[k for k, _n, _r in rows]).values_list("pk", "code"))
    return [
        {
            "name": name,
            "received": received,
            "previous": before.get(key, 0),
            "change": received - before.get(key, 0),
            "url": url(codes.get(key, "")),
        }
        for key, name, received in rows
    ]
