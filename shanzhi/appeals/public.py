"""The one public read of appeals (no login): Open311 GET and the disclosure page.

The permission module answers for users; the public is nobody, so its view is defined here, once,
as a projection that carries no person: no contact, no submitter, no words the resident wrote
(only the title, once staff accepted the appeal, and the category), no photos, and a position
rounded to about 100 metres.
"""

import datetime as dt
from collections import namedtuple

from django.db import connections
from django.db.models import TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext as _

from shanzhi.accounts import publicdata
from shanzhi.core import prepared, refdata
from shanzhi.registry import geo, unitnames

from . import refs
from .models import Appeal, AppealDayStat, AppealMonthStat

S = Appeal.Status
OPEN311_CLOSED = {S.CLOSED, S.REJECTED, S.MERGED}
UNCHECKED = {S.SUBMITTED, S.REJECTED}
POSITION_DECIMALS = 3


def public_appeals():
    """The appeals, joined only to what is not reference data. Their category, grid, community and
    assigned node come from the per-process caches (``with_references``): an 8-table join took the
    PostgreSQL planner longer than the rows took to read."""
    return Appeal.objects.select_related("assignee_department", "assignee_company").only(*PUBLIC_FIELDS)


# The columns the public reads show (Open311, the disclosure page): a row of the whole appeal is
# some sixty columns, most of them personal or internal, and building a thousand of those objects
# cost more than the query. Nothing else is read from these rows (another field would be one more
# query per row, never a wrong answer).
PUBLIC_FIELDS = (
    "number",
    "client",
    "status",
    "title",
    "description",
    "category_id",
    "grid_id",
    "community_id",
    "assignee_node_id",
    "assignee_department__name",
    "assignee_company__name",
    "created_at",
    "updated_at",
    "deadline",
    "closed_at",
    "rating",
    "lat",
    "lng",
)


def with_references(appeals):
    """``appeals`` (fetched), each with its category, grid, community and assigned node set from
    the reference caches, so reading them costs no query; returns them as a list."""
    rows = list(appeals)
    fields = Appeal._meta
    category, grid = fields.get_field("category"), fields.get_field("grid")
    community, assignee_node = fields.get_field("community"), fields.get_field("assignee_node")
    for a in rows:
        category.set_cached_value(a, refs.by_id(a.category_id))
        grid.set_cached_value(a, geo.node(a.grid_id) if a.grid_id else None)
        community.set_cached_value(a, geo.node(a.community_id) if a.community_id else None)
        assignee_node.set_cached_value(a, geo.node(a.assignee_node_id) if a.assignee_node_id else None)
    return rows


# What an Open311 read shows of an appeal, as plain values: no model instance is built for a row
# (building a thousand of them, even deferred, cost more than the query and the JSON together).
ROW_FIELDS = (
    "number",
    "client",
    "status",
    "title",
    "description",
    "category_id",
    "grid_id",
    "community_id",
    "assignee_node_id",
    "assignee_department_id",
    "assignee_company_id",
    "lat",
    "lng",
)
# Read as text, in UTC, and written out from it by ``stamps.Stamps``: the timestamptz loader Django
# installs on psycopg is Python code (a regular expression per value), and these three columns
# took three quarters of a 1,000-row fetch that way.
TIME_FIELDS = ("created_at", "updated_at", "deadline")


class Shown(
    namedtuple(
        "Shown",
        ("number", "status", "category", "text", "agency", "place", "lat", "lng", *TIME_FIELDS),
    )
):
    """One appeal as a public read shows it, and nothing else: its number, status (the code; the
    read words it), category, the words shown (``public_title``, or the full description to the
    client that filed it), the unit answerable (``agency``), the place (``place_name``), the
    position rounded, and the three times as fetched text (``stamps.Stamps`` writes them). The
    resident's words, contact and exact position never reach it. A tuple: a thousand are built per
    list."""

    __slots__ = ()


_SELECT = {}  # database alias -> the read's SELECT … FROM … JOIN …, without conditions


def _select(alias):
    """The public read up to its conditions, compiled by the ORM once per process: building the
    same statement again took longer than PostgreSQL took to plan and run it (a list of 100)."""
    if alias not in _SELECT:
        texts = {f"t_{name}": Cast(name, TextField()) for name in TIME_FIELDS}
        query = Appeal.objects.using(alias).order_by().annotate(**texts).values_list(*ROW_FIELDS, *texts)
        sql, params = query.query.get_compiler(using=alias).as_sql()
        assert not params, "the read without conditions has no parameter"  # noqa: S101
        _SELECT[alias] = sql
    return _SELECT[alias]


class Where:
    """The conditions of a public read, ANDed: ``add("{status} IN (%s, %s)", a, b)``, where
    ``{name}`` stands for the appeals table's column ``name``. Values go as parameters; times
    as the database wants them (``adapt``)."""

    def __init__(self, alias=None):
        self.alias = alias or Appeal.objects.db
        self.ops = connections[self.alias].ops
        self.parts, self.params = [], []

    def column(self, name):
        return f"{self.ops.quote_name(Appeal._meta.db_table)}.{self.ops.quote_name(name)}"

    def add(self, sql, *params):
        names = {
            f.column: self.column(f.column) for f in Appeal._meta.concrete_fields if f"{{{f.column}}}" in sql
        }
        self.parts.append("(" + sql.format(**names) + ")")
        self.params += [
            self.ops.adapt_datetimefield_value(p) if isinstance(p, dt.datetime) else p for p in params
        ]
        return self

    @staticmethod
    def placeholders(values):
        return ", ".join(["%s"] * len(values))


def public_rows(where, *, reader="", newest_first=True, limit=None):
    """The appeals matching ``where`` (a ``Where``), newest first, at most ``limit``, as ``Shown``
    rows: one statement, the reference caches, and the labels worked out once per distinct
    category, place and unit of the read (``_Labels``), not once per row. ``reader``: the Open311
    client reading ('' for the public), shown the full description of the appeals it filed."""
    sql = _select(where.alias)
    if where.parts:
        sql += " WHERE " + " AND ".join(where.parts)
    if newest_first:
        sql += f" ORDER BY {where.column('created_at')} DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    # Prepared (``core.prepared``): a read's text depends only on which conditions it has, so a
    # pooled connection plans the default list, a date window or one request once. On the appeals
    # table alone (the unit names from ``registry.unitnames``, not joined), so the plan PostgreSQL
    # keeps for any window is the index read newest first, stopping at the limit: joined, its
    # generic plan guessed 500 rows, joined and sorted the whole window (100 times slower).
    with prepared.cursor(where.alias) as cursor:
        cursor.execute(sql, where.params)
        fetched = cursor.fetchall()
    labels = _Labels()
    category_of, agency_of, place_of = labels.category, labels.agency, labels.place
    unchecked = UNCHECKED
    rows = []
    # The columns in the order of ROW_FIELDS and TIME_FIELDS (``_select``).
    for (
        number,
        client,
        status,
        title,
        description,
        category_id,
        grid_id,
        community_id,
        node_id,
        department_id,
        company_id,
        lat,
        lng,
        created,
        updated,
        deadline,
    ) in fetched:
        category = category_of(category_id)
        if reader and client == reader:
            text = description
        elif status in unchecked:
            text = labels.category_label(category_id, category)
        else:
            text = title
        agency = agency_of(department_id, company_id, node_id, community_id, grid_id)
        rows.append(
            Shown(
                number,
                status,
                category,
                text,
                agency,
                place_of(community_id, grid_id),
                None if lat is None else round(lat, POSITION_DECIMALS),
                None if lng is None else round(lng, POSITION_DECIMALS),
                created,
                updated,
                deadline,
            )
        )
    return rows


def _label_maps():
    return {"labels": {}, "places": {}, "agencies": {}}


class _Labels:
    """The reference-derived words of a read (``public_rows``), each worked out once per distinct
    key by the same rules as the disclosure page's (``agency``, ``place_name``, ``public_title``).
    Kept by the process while the reference version stays the same (``core.refdata``: every table
    they come from, categories, the org tree, departments and companies, renews it), so a list
    works out only the keys no read met before: a window of a hundred appeals names some eighty
    places and units. Public words only, the same for every reader: nothing of a person."""

    def __init__(self):
        self.categories = refs.categories()["by_id"]
        maps = refdata.cached("appeals.public_labels", _label_maps)
        self.labels, self.places, self.agencies = maps["labels"], maps["places"], maps["agencies"]

    def category(self, pk):
        found = self.categories.get(pk)
        return found if found is not None else refs.by_id(pk)

    def category_label(self, pk, category):
        """``str(category)`` (of id ``pk``), once per read: by the id, since ``category.pk`` is a
        property that goes through the model's meta on every use."""
        label = self.labels.get(pk)
        if label is None:
            label = self.labels[pk] = str(category)
        return label

    def place(self, community_id, grid_id):
        key = (community_id, grid_id)
        if key not in self.places:
            self.places[key] = _place_name(_node(community_id), _node(grid_id))
        return self.places[key]

    def agency(self, *ids):
        """``agency`` of the department, company, node, community and grid ``ids``."""
        if ids not in self.agencies:
            department, company, node, community, grid = ids
            self.agencies[ids] = _agency(
                None if department is None else unitnames.department(department),
                None if company is None else unitnames.company(company),
                _node(node),
                _node(community),
                _node(grid),
            )
        return self.agencies[ids]


def _node(pk):
    return None if pk is None else geo.node(pk)


def public_stats():
    """The metrics rollup rows (day, month) behind the public figures: counts only, so all of them."""
    return AppealDayStat.objects.all(), AppealMonthStat.objects.all()


def open311_status(status):
    return "closed" if status in OPEN311_CLOSED else "open"


def agency(appeal):
    """The unit answerable for the appeal now (a person's name is never published)."""
    return _agency(
        appeal.assignee_department,
        appeal.assignee_company,
        appeal.assignee_node,
        appeal.community,
        appeal.grid,
    )


def _agency(department, company, node, community, grid):
    """``agency``'s rule on its parts: the department, company (instances or their names) or node
    assigned, else the community or grid the appeal is in."""
    for target in (department, company, node):
        if target is not None:
            return str(getattr(target, "name", target))
    place = community or grid
    return place.name if place is not None else ""


def place_name(appeal):
    return _place_name(appeal.community, appeal.grid)


def _place_name(community, grid):
    return " ".join(n.name for n in (community, grid) if n is not None)


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
