"""Django's PostgreSQL backend, its connection pool's check ours (``base``)."""
