"""Telling an ID number or a phone (or a fragment of one) in free text, and masking it.

A search box takes names, rooms and numbers alike; what ends up in a URL is written to access logs
and browser history, so a query that looks like an ID number or phone must travel by POST, and the
access log masks any such number that still arrives in a URL (issue 12 §5).
"""

import re
import unicodedata

# Digits with the separators people type inside numbers (spaces, dashes, dots; a leading +86);
# X ends an ID number.
_RUN = re.compile(r"\d(?:[\s\-.+]*[\dXx])*")
MIN_DIGITS = 7  # a phone's or ID number's fragment long enough to single a person out


def _normalised(text):
    # NFKC turns full-width digits (１９８) and spaces into ASCII, so they cannot slip past.
    return unicodedata.normalize("NFKC", text or "")


def _digits(run):
    return sum(ch.isdigit() for ch in run)


def looks_like_personal_number(text):
    """True when ``text`` holds a run of 7+ digits (separators ignored): an ID number or phone,
    whole or in part."""
    return any(_digits(m.group()) >= MIN_DIGITS for m in _RUN.finditer(_normalised(text)))


def mask_digit_runs(text):
    """``text`` with every run of 7+ digits (separators ignored) replaced by ``*`` of its length."""

    def mask(match):
        run = match.group()
        return "*" * len(run) if _digits(run) >= MIN_DIGITS else run

    return _RUN.sub(mask, _normalised(text))
