"""The appeals load: N appeals over the last 12 months, COPYed in with their timeline events.

Rows use the model's own columns (read from ``Appeal._meta``, defaults from the fields) and the
intake's numbering (SZ + local date + the day's sequence); ``AppealCounter`` is raised to each
day's last number afterwards, so a live intake continues the sequence instead of colliding.
Most appeals are closed; the open ones (``open_share``, ~10 %) are recent, spread over every
handling status, with deadlines drawn from their category so some are past, some near and the
rest ahead, and none flagged yet: the first sweep finds the whole backlog.
"""

import datetime as dt
import json
import random
import time

from django.db import connection
from django.utils import timezone

OPEN_STATUSES = [  # (status, weight) of the open appeals
    ("submitted", 5),
    ("accepted", 8),
    ("pooled", 7),
    ("dispatched", 25),
    ("returned", 3),
    ("in_progress", 33),
    ("reopened", 2),
    ("resolved", 9),
    ("verified", 5),
    ("visited", 3),
]
CHANNELS = [
    ("web", 35),
    ("hotline", 25),
    ("patrol", 15),
    ("on_behalf", 10),
    ("open311", 5),
    ("home_visit", 5),
    ("property", 5),
]
WORDS = [
    "楼道堆放杂物",
    "路灯不亮",
    "下水道堵塞",
    "噪音扰民",
    "垃圾清运不及时",
    "井盖破损",
    "违章停车",
    "绿化带损毁",
    "电梯故障",
    "屋顶漏水",
    "占道经营",
    "小区门禁损坏",
]
HANDLED = {"dispatched", "returned", "in_progress", "reopened", "resolved", "verified", "visited", "closed"}
# The timeline each status has behind it (closed rows get only submit and close, to keep the load short).
TRAIL = {
    "submitted": ["submit"],
    "accepted": ["submit", "accept"],
    "pooled": ["submit", "accept", "pool"],
    "dispatched": ["submit", "accept", "dispatch"],
    "returned": ["submit", "accept", "dispatch", "return"],
    "in_progress": ["submit", "accept", "dispatch", "start"],
    "reopened": ["submit", "accept", "dispatch", "start", "resolve", "verify", "visit", "reopen"],
    "resolved": ["submit", "accept", "dispatch", "start", "resolve"],
    "verified": ["submit", "accept", "dispatch", "start", "resolve", "verify"],
    "visited": ["submit", "accept", "dispatch", "start", "resolve", "verify", "visit"],
    "closed": ["submit", "close"],
    "rejected": ["submit", "reject"],
}
TO_STATUS = {
    "submit": "submitted",
    "accept": "accepted",
    "pool": "pooled",
    "dispatch": "dispatched",
    "return": "returned",
    "start": "in_progress",
    "resolve": "resolved",
    "verify": "verified",
    "visit": "visited",
    "reopen": "reopened",
    "close": "closed",
    "reject": "rejected",
}


def _weighted(pairs):
    names, weights = zip(*pairs, strict=True)
    return list(names), list(weights)


class World:
    """What the rows point at: grids with a point inside each, categories, handlers."""

    def __init__(self):
        from shanzhi.accounts.models import RoleGrant
        from shanzhi.appeals.models import Category
        from shanzhi.registry.models import Department, OrgNode

        self.grids = []
        for g in OrgNode.objects.filter(level="grid", boundary__isnull=False).order_by("id"):
            ring = g.boundary["coordinates"][0][:-1]
            cx, cy = sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
            self.grids.append((g.pk, g.parent_id, g.path, (cx, cy), ring))
        self.categories = list(Category.objects.filter(active=True, parent__isnull=False).order_by("id"))
        self.departments = list(Department.objects.values_list("pk", flat=True))
        self.grid_workers = {}
        for user_id, node_id in RoleGrant.objects.filter(role="grid_worker").values_list(
            "user_id", "node_id"
        ):
            self.grid_workers.setdefault(node_id, user_id)
        if not self.grids or not self.categories:
            raise SystemExit("No grids with boundaries or no categories: seed the district first.")

    def point(self, grid, rng):
        """A point inside the (convex) grid polygon: between its centroid and a corner."""
        (cx, cy), ring = grid[3], grid[4]
        vx, vy = ring[rng.randrange(len(ring))]
        t = rng.random() * 0.9
        return cx + t * (vx - cx), cy + t * (vy - cy)


def _duration(category):
    """The handling time a category allows, in clock time (working days counted 1.4 calendar
    days; the real calendar is not consulted, so the load never stops at an unknown year)."""
    unit, value = category.deadline_unit, category.deadline_value
    if unit == "hours":
        return dt.timedelta(hours=value)
    if unit == "work_hours":
        return dt.timedelta(hours=value * 3)
    return dt.timedelta(days=value * 1.4)


def plan(n, open_share, now, rng):
    """(created_at, is_open) for n appeals, oldest first: closed ones over 365 days, open ones
    recent (age skewed towards today, so some deadlines are past and others still ahead)."""
    n_open = round(n * open_share)
    year = 365 * 86400
    rows = [(now - dt.timedelta(seconds=rng.random() * year), False) for _ in range(n - n_open)]
    rows += [(now - dt.timedelta(seconds=60 + 60 * 86400 * rng.random() ** 3), True) for _ in range(n_open)]
    rows.sort()
    return rows


def _assign(row, category, grid, world, rng):
    kind = category.default_handler_kind
    if kind == "grid" and grid[0] in world.grid_workers:
        row.update(assignee_kind="user", assignee_user_id=world.grid_workers[grid[0]])
    elif kind == "department" and world.departments:
        row.update(
            assignee_kind="department",
            assignee_department_id=category.default_department_id or rng.choice(world.departments),
        )
    else:
        row.update(assignee_kind="node", assignee_node_id=grid[1])


def make_row(i, created, is_open, world, now, rng):
    """One appeal as a dict of column attnames, and the verbs of its timeline."""
    channels, channel_weights = _weighted(CHANNELS)
    grid = world.grids[rng.randrange(len(world.grids))]
    category = world.categories[rng.randrange(len(world.categories))]
    lng, lat = world.point(grid, rng)
    channel = rng.choices(channels, channel_weights)[0]
    what = WORDS[rng.randrange(len(WORDS))]
    row = {
        "channel": channel,
        "title": f"{what}（{category.name}）",
        "category_id": category.pk,
        "description": f"居民反映：{what}，请尽快处理。基准数据 {i}。",
        "lng": lng,
        "lat": lat,
        "grid_id": grid[0],
        "community_id": grid[1],
        "path": grid[2],
        "created_at": created,
        "hotline_case_number": f"B{i:09d}" if channel == "hotline" else None,
        "level": "grid" if category.default_handler_kind == "grid" else "community",
    }
    if is_open:
        names, weights = _weighted(OPEN_STATUSES)
        status = rng.choices(names, weights)[0]
    else:
        status = "rejected" if rng.random() < 0.04 else "closed"
    row["status"] = status
    trail = TRAIL[status]
    if status in ("submitted", "rejected"):
        if status == "rejected":
            row.update(
                closed_at=min(now, created + dt.timedelta(hours=rng.uniform(1, 24))),
                reject_reason="不属于受理范围。",
            )
        row["updated_at"] = row.get("closed_at", created)
        return row, trail
    accepted = min(now, created + dt.timedelta(hours=rng.uniform(0.2, 12)))
    limit = _duration(category)
    deadline = accepted + limit
    row.update(
        accepted_at=accepted, clock_started_at=accepted, deadline=deadline, warn_at=accepted + limit * 0.8
    )
    if status in HANDLED:
        _assign(row, category, grid, world, rng)
        row["dispatched_by_id"] = None
    if status in ("resolved", "verified", "visited", "closed"):
        late = rng.random() < 0.1
        spent = limit * (rng.uniform(1.0, 1.6) if late else rng.uniform(0.1, 0.95))
        resolved = min(accepted + spent, accepted + (now - accepted) * 0.7)
        row.update(resolved_at=resolved, resolution="已处理完毕，现场已恢复。")
        if status == "closed":
            row["closed_at"] = resolved + (now - resolved) * min(0.9, rng.uniform(0.01, 0.2))
            if rng.random() < 0.7:
                row["rating"] = rng.choices(["satisfied", "basic", "unsatisfied"], [80, 12, 8])[0]
        if resolved > row["warn_at"]:
            row["warned_at"] = row["warn_at"]
        if resolved > deadline:
            row["overdue_at"] = deadline
        row["rework_count"] = 1 if rng.random() < 0.05 else 0
    if is_open and status in ("accepted", "pooled", "dispatched", "returned", "in_progress", "reopened"):
        row["suspended"] = rng.random() < 0.01
        if row["suspended"]:
            row["suspended_until"] = now + dt.timedelta(days=rng.randint(5, 40))
        row["supervised"] = rng.random() < 0.02
    if status == "reopened":
        row["reopen_count"] = 1
    row["updated_at"] = row.get("closed_at") or row.get("resolved_at") or accepted
    return row, trail


def _events(appeal_id, row, trail, rng):
    at = row["created_at"]
    end = row["updated_at"]
    step = (end - at) / max(1, len(trail) - 1)
    previous = ""
    for version, verb in enumerate(trail, start=1):
        to = TO_STATUS[verb]
        data = json.dumps({"channel": row["channel"]}) if verb == "submit" else "{}"
        yield (
            appeal_id,
            at + step * (version - 1),
            "",
            "",
            verb,
            previous,
            to,
            "",
            "internal",
            data,
            version,
        )
        previous = to


EVENT_COLUMNS = (
    "appeal_id",
    "at",
    "actor_name",
    "actor_role",
    "verb",
    "from_status",
    "to_status",
    "note",
    "note_visibility",
    "data",
    "version",
)


def _secondary_indexes(cursor, table):
    """[(name, CREATE INDEX statement)] of ``table``'s indexes that back no constraint (the primary
    key and unique constraints stay: they are what a COPY must not break)."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = to_regclass(quote_ident(i.indexname)))",
        [table],
    )
    return cursor.fetchall()


class _IndexesAfter:
    """As a restore does: a load several times the table's size drops the table's secondary
    indexes first and builds each once at the end (a sort per index, instead of ten million
    random insertions into each of thirty-odd btrees)."""

    def __init__(self, cursor, table, enabled, say):
        self.cursor, self.table, self.enabled, self.say, self.saved = cursor, table, enabled, say, []

    def __enter__(self):
        if self.enabled:
            self.saved = _secondary_indexes(self.cursor, self.table)
            for name, _sql in self.saved:
                self.cursor.execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, *exc):
        if not self.saved:  # rebuilt after a failure too: a half load must not leave a table unindexed
            return
        started = time.perf_counter()
        self.cursor.execute("SET maintenance_work_mem = '1GB'")
        for _name, sql in self.saved:
            self.cursor.execute(sql)
        self.say(
            f"  {len(self.saved)} indexes of {self.table} built in {time.perf_counter() - started:.1f} s"
        )


def load(n, open_share, seed, say=print):
    """COPY ``n`` more appeals and their events; returns (appeals, events, seconds)."""
    from shanzhi.appeals.models import Appeal, AppealCounter

    world = World()
    rng = random.Random(seed)
    now = timezone.now()
    fields = [f for f in Appeal._meta.concrete_fields if f.attname != "id"]
    defaults = {f.attname: f.get_default() for f in fields}
    columns = ", ".join(f.column for f in fields)
    started = time.perf_counter()
    rows = plan(n, open_share, now, rng)
    counters = dict(AppealCounter.objects.values_list("day", "value"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM appeals_appeal")
        first_id = cursor.fetchone()[0] + 1
    say(f"  planned {n:,} rows ({sum(o for _c, o in rows):,} open) in {time.perf_counter() - started:.1f} s")
    events = []
    with connection.cursor() as cursor, _IndexesAfter(cursor, "appeals_appeal", n > 4 * first_id, say):
        # Like a restore: the ids are known valid, so the per-row FK triggers are skipped.
        cursor.execute("SET session_replication_role = replica")
        with cursor.cursor.copy(f"COPY appeals_appeal (id, {columns}) FROM STDIN") as copy:
            for offset, (created, is_open) in enumerate(rows):
                appeal_id = first_id + offset
                row, trail = make_row(appeal_id, created, is_open, world, now, rng)
                day = timezone.localdate(created)
                counters[day] = counters.get(day, 0) + 1
                row["number"] = f"SZ{day:%Y%m%d}{counters[day]:06d}"
                row["version"] = len(trail)
                copy.write_row((appeal_id, *(row.get(f.attname, defaults[f.attname]) for f in fields)))
                events.extend(_events(appeal_id, row, trail, rng))
        appeals_done = time.perf_counter()
        say(f"  appeals COPYed in {appeals_done - started:.1f} s; {len(events):,} events to go")
        with cursor.cursor.copy(f"COPY appeals_appealevent ({', '.join(EVENT_COLUMNS)}) FROM STDIN") as copy:
            for event in events:
                copy.write_row(event)
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('appeals_appeal', 'id'), %s)", [first_id + n - 1]
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('appeals_appealevent', 'id'), "
            "(SELECT MAX(id) FROM appeals_appealevent))"
        )
        cursor.executemany(
            "INSERT INTO appeals_appealcounter (day, value) VALUES (%s, %s) "
            "ON CONFLICT (day) DO UPDATE SET value = GREATEST(appeals_appealcounter.value, EXCLUDED.value)",
            list(counters.items()),
        )
        say(f"  events COPYed in {time.perf_counter() - appeals_done:.1f} s; ANALYZE …")
        cursor.execute("ANALYZE appeals_appeal")
        cursor.execute("ANALYZE appeals_appealevent")
    return n, len(events), time.perf_counter() - started
