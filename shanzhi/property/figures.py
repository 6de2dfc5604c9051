"""What each indicator of an evaluation is scored from (reads only; no user, no writes).

* staff entries (inspection, opinion): the entered value;
* residents: the mean of the household ratings of the period ÷ 5;
* the appeal loop, over the compounds the company serves (``registry.figures``, which appeals
  feeds): complaints per 100 households = valid appeals filed ÷ households × 100; the on-time
  closure rate = on time ÷ (due − suspended); satisfaction = (满意 + 基本满意) ÷ visited (基本满意
  counted whole, the metrics' default weight). A figure without a denominator is None: the
  indicator is not scored (``scoring``).
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum

from shanzhi.registry.figures import compound_figures
from shanzhi.registry.models import Compound, Household

from . import scoring
from .models import EvaluationEntry, Indicator, ResidentRating

Q4 = Decimal("0.0001")


def plan(version):
    """The version as ``scoring`` reads it: items with their rules, and the grade thresholds."""
    items = []
    for item in version.items.prefetch_related("indicators"):
        rules = tuple(
            scoring.Rule(i.pk, i.rule, i.source, i.max_points, i.deduction, i.floor)
            for i in item.indicators.all()
        )
        items.append(scoring.Item(item.pk, item.name, item.weight, rules))
    return items, scoring.Thresholds(version.excellent_min, version.good_min, version.pass_min)


def _share(part, whole):
    return (Decimal(part) / Decimal(whole)).quantize(Q4, ROUND_HALF_UP) if whole else None


def company_figures(counters, households):
    received = counters.get("received", 0) - counters.get("invalid", 0)
    per_100 = (
        (Decimal(received) * 100 / households).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if households
        else None
    )
    rated = counters.get("rated", 0)
    return {
        "households": households,
        "complaints": received,
        "complaints_per_100": per_100,
        "on_time": _share(counters.get("on_time", 0), counters.get("due", 0) - counters.get("suspended", 0)),
        "satisfaction": _share(counters.get("satisfied", 0) + counters.get("basic", 0), rated),
    }


def _loop(period, company_ids, now=None):
    """Households and the appeal loop's counters per company, over the compounds each serves."""
    compounds = dict(
        Compound.objects.filter(property_company_id__in=company_ids).values_list("pk", "property_company_id")
    )
    households = defaultdict(int)
    for compound_id, n in (
        Household.objects.filter(building__compound_id__in=list(compounds))
        .values_list("building__compound_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        households[compounds[compound_id]] += n
    counters = defaultdict(lambda: defaultdict(int))
    for compound_id, row in compound_figures(list(compounds), period.starts_on, period.ends_on, now).items():
        for name, n in row.items():
            counters[compounds[compound_id]][name] += n or 0
    return households, counters


def disclosure(period, companies):
    """The quarterly disclosure (公示): each company's appeal-loop figures for the period."""
    households, counters = _loop(period, [c.pk for c in companies])
    return [(c, company_figures(counters[c.pk], households[c.pk])) for c in companies]


def values_for(period, evaluations, now=None):
    """evaluation pk → {"values": {indicator id: Decimal}, "figures": {name: str}}."""
    company_ids = [e.company_id for e in evaluations]
    households, counters = _loop(period, company_ids, now)
    # Sum and count, divided as decimals: an average from the database may come back as a float.
    ratings = {
        company_id: (total, n)
        for company_id, total, n in ResidentRating.objects.filter(period=period, company_id__in=company_ids)
        .values_list("company_id")
        .annotate(total=Sum("stars"), n=Count("pk"))
        .order_by()
    }
    entries = defaultdict(dict)
    for ev_id, ind_id, value in EvaluationEntry.objects.filter(evaluation__in=evaluations).values_list(
        "evaluation_id", "indicator_id", "value"
    ):
        entries[ev_id][ind_id] = value
    sources = defaultdict(list)
    for ind_id, version_id, source in Indicator.objects.filter(
        item__version_id__in={e.version_id for e in evaluations}
    ).values_list("pk", "item__version_id", "source"):
        sources[version_id].append((ind_id, source))

    out = {}
    for ev in evaluations:
        figs = company_figures(counters[ev.company_id], households[ev.company_id])
        total, n = ratings.get(ev.company_id, (0, 0))
        figs["residents"] = _share(total, 5 * n)  # mean stars ÷ 5
        by_source = {
            Indicator.Source.COMPLAINTS: figs["complaints_per_100"],
            Indicator.Source.ON_TIME: figs["on_time"],
            Indicator.Source.SATISFACTION: figs["satisfaction"],
            Indicator.Source.RESIDENTS: figs["residents"],
        }
        values = {}
        for ind_id, source in sources[ev.version_id]:
            value = (
                entries[ev.pk].get(ind_id)
                if source in (Indicator.Source.INSPECTION, Indicator.Source.OPINION)
                else by_source[source]
            )
            if value is not None:
                values[ind_id] = value
        out[ev.pk] = {
            "values": values,
            "figures": {k: str(v) if isinstance(v, Decimal) else v for k, v in figs.items()},
        }
    return out
