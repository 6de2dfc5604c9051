"""The whole demo: the registry's district, then each higher app's own ``demo.seed`` on it.

Each app seeds only its own rows through its own services; only this top layer knows them all and
the order they go in (co-construction and the love bank read the district's people; appeals need
the demo logins).
"""

import random
import time

from django.db import transaction

from shanzhi.appeals import demo as appeals_demo
from shanzhi.coop import demo as coop_demo
from shanzhi.datacentre import demo as datacentre_demo
from shanzhi.property import demo as property_demo
from shanzhi.registry import demo as registry_demo
from shanzhi.volunteering import demo as volunteering_demo


def seed_demo(*, scale="small", seed=1, households_per_grid=None, say=print):
    """Plan and write the demo district and every app's demo data in one transaction; returns the
    registry's summary counts."""
    started = time.monotonic()
    with transaction.atomic():
        district = registry_demo.seed(
            scale=scale, seed=seed, households_per_grid=households_per_grid, say=say
        )
        _seed_other_apps(district, scale, seed, say)
    counts = registry_demo.summary_counts()
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts


def _seed_other_apps(district, scale, seed, say):
    """The co-construction lists, the love bank and the appeals, through their own apps' services."""
    communities = (
        None if scale in ("tiny", "small", "medium") else 6
    )  # keeps a large seed's extra minutes small
    for name, app in (("三项清单与双报到", coop_demo), ("志愿服务与爱心银行", volunteering_demo)):
        counts = app.seed(district, random.Random(seed), communities=communities)
        say(f"  {name}：{counts}")
    per_community = {"tiny": 30, "small": 30, "medium": 45, "large": 60}[scale]
    counts = appeals_demo.seed(
        district, random.Random(seed), per_community=per_community, communities=communities
    )
    say(f"  接诉即办：{counts}")
    counts = property_demo.seed(district, random.Random(seed), communities=communities)
    say(f"  业主大会表决：{counts}")
    counts = datacentre_demo.seed(district)  # last: the report reads every app's figures
    say(f"  数据中心月度报告：{counts}")
