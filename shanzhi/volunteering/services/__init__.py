"""Every write of the love bank, split by subject. Re-exported here, except the ledger's postings
(``services.ledger``), check-in (``services.checkin``) and teams (``services.teams``), which callers
name by their module.

One function per verb; each is atomic, checks permission through the one permission module and
raises DomainError naming the field on bad input, leaving nothing half-written.
"""

from .activities import cancel_activity, cancel_signup, change_capacity, publish_activity, sign_up
from .common import a_date, a_datetime, community_node, positive_int, text
from .people import ensure_volunteer, home_communities, register_volunteer
from .points import (
    adjust_points,
    cancel_redemption,
    create_item,
    hand_over,
    record_donation,
    record_good_deed,
    redeem,
    restock,
    reverse_movement,
    set_rate,
)
from .recognition import commend, end_pairing, pair, record_visit

__all__ = [
    "a_date",
    "a_datetime",
    "adjust_points",
    "cancel_activity",
    "cancel_redemption",
    "cancel_signup",
    "change_capacity",
    "commend",
    "community_node",
    "create_item",
    "end_pairing",
    "ensure_volunteer",
    "hand_over",
    "home_communities",
    "pair",
    "positive_int",
    "publish_activity",
    "record_donation",
    "record_good_deed",
    "record_visit",
    "redeem",
    "register_volunteer",
    "restock",
    "reverse_movement",
    "set_rate",
    "sign_up",
    "text",
]
