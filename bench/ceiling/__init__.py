"""The bare Django ceiling for ``bench/open311.py``: one model, three views, nothing else.

It does what Django and PostgreSQL cost at the least for the same kind of request (read a form
POST and insert one row with the ORM; 100 rows as JSON; one row as JSON), on the same server,
the same gunicorn and the same worker count, so Shanzhi's figures can be read as a share of it.
"""
