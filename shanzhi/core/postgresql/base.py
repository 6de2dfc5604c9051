"""Django's PostgreSQL backend with two changes. The connection pool tests a connection as it is
taken with ``refdata.check_connection``, which reads the reference versions in that round trip,
instead of psycopg_pool's own check (an empty query). Django passes the pool its ``check`` itself
and takes no other, so this makes the pool as Django does (``pool`` in Django 5.2's
``django/db/backends/postgresql/base.py``) with that one argument changed, before Django's
property, which then finds it made. And a connection already in the autocommit mode Django asks
for is not set to it again (``_set_autocommit``). The settings name it as the ENGINE when they
pool."""

from django.db.backends.postgresql import base
from django.db.backends.postgresql.base import NO_DB_ALIAS


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
            from psycopg_pool import ConnectionPool

            from shanzhi.core import refdata

            params = self.get_connection_params()
            params["autocommit"] = True  # as Django's: it sets autocommit itself later on
            pool = ConnectionPool(
                kwargs=params,
                open=False,
                configure=self._configure_connection,
                check=refdata.check_connection,
                **({} if options is True else options),
            )
            self._connection_pools.setdefault(self.alias, pool)
        return super().pool

    def _set_autocommit(self, autocommit):
        """Django's, skipped when the connection is in that mode already: a pooled connection is
        taken in autocommit (the pool makes them so, as Django's does) and Django sets it again
        on every request, where psycopg's setter takes the connection's lock and runs its
        generator even for no change."""
        if self.connection.autocommit != autocommit:
            super()._set_autocommit(autocommit)
