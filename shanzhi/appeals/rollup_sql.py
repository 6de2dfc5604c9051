"""The metrics' sums over rollup rows as SELECTs written here, around the WHERE that Django compiles
for the rows' queryset (the reader's scope, the node's path), once per queryset.

Why not the ORM: a dashboard reads some twenty-five grouped sums of a dozen counters each, and
Django spent about 0.8 ms of CPU building and compiling each of them, five times what the database
spent answering it (``bench/datacentre_cpu.py``). The statements are few and fixed in shape: sums
of named counters, grouped by one column, under range and equality conditions on the rows' own
columns. The scope stays Django's: only a queryset of one table without joins, DISTINCT or
slicing is read here (the rollups' scopes are conditions on their own columns); anything else is
refused loudly rather than read wrong.
"""

import datetime as dt

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections


class Rows:
    """The rows of a rollup queryset as SQL: its table, its WHERE, and conditions added here."""

    def __init__(self, qs):
        query = qs.query
        # The tables the SQL names (a join Django trimmed stays in the alias map, unreferenced).
        joined = [alias for alias in query.alias_map if query.alias_refcount[alias]]
        if len(joined) > 1 or query.distinct or query.is_sliced or query.combinator:
            raise ValueError(f"rollup_sql reads one table under simple conditions: {query}")
        self.model, self.using = qs.model, qs.db
        self.connection = connections[self.using]
        self.table = self.connection.ops.quote_name(self.model._meta.db_table)
        self.empty = False
        try:
            sql, params = query.get_compiler(self.using).compile(query.where)
        except EmptyResultSet:  # ``none()``: a reader with no scope
            sql, params, self.empty = "", [], True
        except FullResultSet:
            sql, params = "", []
        self.conditions = [(sql, list(params))] if sql else []

    def _column(self, name):
        return f"{self.table}.{self.connection.ops.quote_name(self.model._meta.get_field(name).column)}"

    def _value(self, value):
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return self.connection.ops.adapt_datefield_value(value)
        return value

    # --- conditions: (sql, params), combined by ``where`` (AND) and ``either`` (OR) --------------

    def eq(self, field, value):
        return f"{self._column(field)} = %s", [self._value(value)]

    def null(self, field, is_null=True):
        return f"{self._column(field)} IS {'' if is_null else 'NOT '}NULL", []

    def positive(self, field):
        return f"{self._column(field)} > 0", []

    def within(self, field, ranges):
        """Any of the half-open ranges [a, b) of ``field``."""
        column = self._column(field)
        parts = [(f"({column} >= %s AND {column} < %s)", [self._value(a), self._value(b)]) for a, b in ranges]
        return either(*parts)

    def among(self, field, values):
        values = [v for v in values if v is not None]  # as ``__in`` does: NULL is never IN a list
        if not values:
            return "1 = 0", []
        return f"{self._column(field)} IN ({', '.join(['%s'] * len(values))})", values

    def where(self, *conditions):
        """The same rows under these conditions too (AND)."""
        rows = object.__new__(Rows)
        rows.__dict__.update(self.__dict__)
        rows.conditions = self.conditions + [c for c in conditions if c is not None]
        return rows

    def _where(self, extra=()):
        conditions = self.conditions + [c for c in extra if c is not None]
        if not conditions:
            return "", []
        return " WHERE " + " AND ".join(f"({sql})" for sql, _p in conditions), [
            p for _s, params in conditions for p in params
        ]

    # --- reads ---------------------------------------------------------------------------------

    def grouped(self, key, summed, as_key=None):
        """[{as_key (default ``key``): value, "n_<counter>": sum}] grouped by the field ``key``: what
        ``values(key).annotate(n_<counter>=Sum(counter)).order_by()`` gives."""
        if self.empty:
            return []
        column = self._column(key)
        sums = ", ".join(f"SUM({self._column(f)})" for f in summed)
        where, params = self._where()
        sql = f"SELECT {column}, {sums} FROM {self.table}{where} GROUP BY {column}"  # noqa: S608 - our names
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        names, as_key = [f"n_{f}" for f in summed], as_key or key
        durations = [i for i, f in enumerate(summed, 1) if self._is_duration(f)]
        out = []
        for r in rows:
            if durations:
                r = list(r)
                for i in durations:
                    r[i] = self._summed(r[i])
            out.append({as_key: r[0], **dict(zip(names, r[1:], strict=True))})
        return out

    def filtered(self, conditions, summed):
        """{"c<i>_<counter>": sum} of the rows where any of ``conditions`` (a condition, or None for
        none) holds, each counter of ``summed[i]`` summed under its own condition ``i``: one
        statement for several periods. {} when no condition is given."""
        wanted = {i: c for i, c in enumerate(conditions) if c is not None}
        if not wanted:
            return {}
        if self.empty:
            return {f"c{i}_{f}": None for i in wanted for f in summed[i]}
        labels, columns, params = [], [], []
        for i, (sql, cparams) in wanted.items():
            for f in summed[i]:
                labels.append((f"c{i}_{f}", f))
                columns.append(f"SUM({self._column(f)}) FILTER (WHERE {sql})")
                params += cparams
        where, wparams = self._where([either(*wanted.values())])
        sql = f"SELECT {', '.join(columns)} FROM {self.table}{where}"  # noqa: S608 - our names
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params + wparams)
            row = cursor.fetchone()
        return {
            label: self._summed(v) if self._is_duration(f) else v
            for (label, f), v in zip(labels, row, strict=True)
        }

    def _is_duration(self, field):
        return self.model._meta.get_field(field).get_internal_type() == "DurationField"

    @staticmethod
    def _summed(value):
        """A duration's sum as the ORM gives it, a timedelta: SQLite sums the stored microseconds."""
        if isinstance(value, int | float):
            return dt.timedelta(microseconds=value)
        return value


def either(*conditions):
    """OR of conditions ((sql, params)); None of none."""
    conditions = [c for c in conditions if c is not None]
    if not conditions:
        return None
    if len(conditions) == 1:
        return conditions[0]
    return " OR ".join(f"({sql})" for sql, _p in conditions), [p for _s, params in conditions for p in params]
