"""Django's PostgreSQL backend with four changes. The connection pool tests a connection as it is
taken with ``refdata.check_connection``, which reads the reference versions in that round trip,
instead of psycopg_pool's own check (an empty query). Django passes the pool its ``check`` itself
and takes no other, so this makes the pool as Django does (``pool`` in Django 5.2's
``django/db/backends/postgresql/base.py``) with that argument changed and of the class ``_Pool``,
whose first request waits for the pool's ``min_size`` connections, before Django's property, which then
finds it made. And a connection already in the autocommit mode Django asks for is not set to it
again (``_set_autocommit``). And a time with its zone (timestamptz) is read by
``datetime.fromisoformat``, in C, where Django's loader runs psycopg's own parser, in Python, for
every value (``_TzLoader``). The settings name it as the ENGINE of every PostgreSQL connection of
``default``, pooled or not."""

import datetime
import functools
import time

from django.db.backends.postgresql import base
from django.db.backends.postgresql.base import NO_DB_ALIAS
from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from psycopg import adapt
from psycopg.pq import Format

_from_iso = datetime.datetime.fromisoformat


class _TzLoader(BaseTzLoader):
    """Django's timestamptz loader (the value in the connection's zone, its tzinfo then Django's
    ``timezone``: Django sets the session's zone to that one), its text read by
    ``datetime.fromisoformat``: what PostgreSQL writes in its ISO style ("2026-12-05
    05:54:59.438164+00", a year of four digits, an offset in hours, minutes or seconds). Anything
    else (BC, infinity, another DateStyle) goes to Django's loader as before. Django's took 3.3 µs
    a value here, this one 1.1; an account and its grants carry four, a list of appeals hundreds
    (``core/tests/test_pg_times.py`` compares the two)."""

    def load(self, data):
        try:
            value = _from_iso(bytes(data).decode())
        except ValueError:
            return super().load(data)
        return value.replace(tzinfo=self.timezone)


@functools.cache
def _adapters(template):
    """Django's adapters for a connection (one template per time zone setting) with ``_TzLoader``
    in place of its timestamptz loader, keeping its zone (Django's cursors compare it)."""
    zone = template.get_loader(base.TIMESTAMPTZ_OID, Format.TEXT).timezone
    adapters = adapt.AdaptersMap(template)
    adapters.register_loader("timestamptz", type("TzLoader", (_TzLoader,), {"timezone": zone}))
    return adapters


# How long a process's first request waits for the pool's first connections (``_Pool``) before
# taking the pool as it is: a server that does not answer is then refused as before, after this
# and the pool's own timeout (SHANZHI_DB_POOL_TIMEOUT) instead of the latter alone.
FILL_WAIT = 2.0


@functools.cache
def _pool_class():
    from psycopg_pool import ConnectionPool

    class _Pool(ConnectionPool):
        """psycopg_pool's pool, whose first ``open`` (Django opens it before each connection it
        takes) waits until its ``min_size`` connections are open. psycopg_pool opens them in the
        background; a process's first request, asking before the first one was ready, made the
        pool grow by one more, and a gunicorn sync worker, one request at a time, then took its
        two connections in turn for the next ten minutes (the pool hands out the one idle
        longest). Two PostgreSQL backends serving one worker's requests alternately cost them
        10 % more of PostgreSQL's time than one (``bench/open311.py`` runs, pool of 4 against
        pool of 1). Not ``open(wait=True)``: that closes the pool for good when the server does
        not answer in time; this waits ``FILL_WAIT`` at most and goes on."""

        _filled = False

        def open(self, wait=False, timeout=30.0):
            super().open(wait=wait, timeout=timeout)
            if self._filled:
                return
            self._filled = True
            deadline = time.monotonic() + FILL_WAIT
            while time.monotonic() < deadline:
                stats = self.get_stats()
                # Ready; or, in a threaded server, another thread's request has made the pool grow
                # already (its new connections go to the requests queued for them, so none would be
                # left idle for this wait to see): waiting longer prevents nothing.
                if (
                    stats["pool_available"] >= self.min_size
                    or stats.get("requests_waiting")
                    or stats["pool_size"] > self.min_size
                ):
                    return
                time.sleep(0.002)

    return _Pool


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self):
        options = self.settings_dict["OPTIONS"].get("pool")
        if (
            options
            and self.alias != NO_DB_ALIAS
            and self.alias not in self._connection_pools
            and self.settings_dict["CONN_HEALTH_CHECKS"]
            and self.settings_dict.get("CONN_MAX_AGE", 0) == 0  # else Django's refusal, below
        ):
            from shanzhi.core import refdata

            params = self.get_connection_params()
            params["autocommit"] = True  # as Django's: it sets autocommit itself later on
            pool = _pool_class()(
                kwargs=params,
                open=False,
                configure=self._configure_connection,
                check=refdata.check_connection,
                **({} if options is True else options),
            )
            self._connection_pools.setdefault(self.alias, pool)
        return super().pool

    def get_connection_params(self):
        params = super().get_connection_params()
        params["context"] = _adapters(params["context"])
        return params

    def _set_autocommit(self, autocommit):
        """Django's, skipped when the connection is in that mode already: a pooled connection is
        taken in autocommit (the pool makes them so, as Django's does) and Django sets it again
        on every request, where psycopg's setter takes the connection's lock and runs its
        generator even for no change."""
        if self.connection.autocommit != autocommit:
            super()._set_autocommit(autocommit)
