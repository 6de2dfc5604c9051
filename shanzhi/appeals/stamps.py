"""Times as the public reads write them (issue 11), from the text the database gives.

A public read fetches its timestamps as text (``public.TIME_FIELDS``), in UTC: PostgreSQL writes
``2026-03-01 02:00:00.12+00`` in the session's zone, SQLite stores ``2026-03-01 02:00:00.120000``.
``Stamps`` writes them in the response's zone as each format writes a datetime: JSON as
``DjangoJSONEncoder`` does (milliseconds, "Z" for UTC), XML as ``isoformat``. The local date,
hour and offset are worked out once per UTC hour, with ``astimezone``, and the minutes, seconds
and fraction copied from the text: for a thousand rows, taking every time through datetime
objects was a third of the response. An hour over which the zone's offset changes, or whose
offset is not whole hours, and any text of another shape, go through datetime objects.
"""

import datetime as dt

HOUR_END = dt.timedelta(minutes=59, seconds=59, microseconds=999999)
# (zone, format, UTC hour) -> what ``Stamps._hour`` gives: the same in every response, so kept by
# the process (a window of a hundred old appeals meets a hundred-odd distinct hours, each worked
# out through two ``astimezone``). Bounded: emptied when full (about two years of hours a format).
_HOURS = {}
HOURS_KEPT = 40_000
_UNSEEN = object()


def aware(text):
    """The UTC datetime of a fetched timestamp's text (None for None)."""
    if text is None:
        return None
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def json_time(value):
    """``value`` as ``DjangoJSONEncoder`` writes a datetime, done before the encoder, so that the
    encoder of a 1,000-item list meets plain strings only."""
    text = value.isoformat()
    if value.microsecond:
        text = text[:23] + text[26:]
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class Stamps:
    """``stamps(text)``: the fetched UTC timestamp ``text`` in the zone ``tz``, written as the
    format ``fmt`` ("json" or "xml") writes it; None for None. One per response."""

    def __init__(self, tz, fmt="json"):
        self.tz, self.json = tz, fmt == "json"
        # "YYYY-MM-DD HH" in UTC -> (local "YYYY-MM-DDTHH", offset as written) or None
        self.hours = _HOURS.setdefault((tz, self.json), {})
        if len(self.hours) > HOURS_KEPT:
            self.hours.clear()

    def __call__(self, text):
        if text is None:
            return None
        body = text[:-3] if text.endswith("+00") else text
        if len(body) < 19 or body[10] != " " or (len(body) > 19 and (body[19] != "." or len(body) > 26)):
            return self.slow(text)
        key = body[:13]
        hour = self.hours.get(key, _UNSEEN)  # one lookup: another thread may empty the dict
        if hour is _UNSEEN:
            hour = self.hours.setdefault(key, self._hour(key))
        if hour is None:
            return self.slow(text)
        fraction = body[20:]
        if fraction:
            fraction = "." + (fraction + "00000")[: 3 if self.json else 6]
        return hour[0] + body[13:19] + fraction + hour[1]

    def _hour(self, key):
        start = dt.datetime.fromisoformat(key + ":00:00").replace(tzinfo=dt.UTC)
        first, last = start.astimezone(self.tz), (start + HOUR_END).astimezone(self.tz)
        offset = first.utcoffset()
        if offset != last.utcoffset() or offset % dt.timedelta(hours=1):
            return None
        text = first.isoformat()  # "YYYY-MM-DDTHH:00:00+08:00"
        suffix = text[19:]
        return text[:13], ("Z" if self.json and suffix == "+00:00" else suffix)

    def slow(self, text):
        value = aware(text).astimezone(self.tz)
        return json_time(value) if self.json else value.isoformat()
