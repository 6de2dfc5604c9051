"""Pages of the love bank: staff lists and the organiser's screen; on the phone, my points, my hours,
and the page a QR code opens to check in; teams; the points rates. Every write calls a service; every
fetch is scoped."""

from .activities import (
    activity_detail,
    activity_list,
    activity_signup,
    attendance_checkout,
    attendance_confirm,
    attendance_reject,
    session_detail,
    session_qr,
    signup_cancel,
)
from .me import me, my_hours, scan, scan_help
from .points import (
    item_redeem,
    item_restock,
    movement_reverse,
    redemption_cancel,
    redemption_hand_over,
    redemption_list,
    shop,
    volunteer_award,
    volunteer_detail,
    volunteer_list,
)
from .rates import rates
from .recognition import commendations, pairing_detail, pairing_list, rankings
from .teams import team_action, team_detail, team_list

__all__ = [
    "activity_detail",
    "activity_list",
    "activity_signup",
    "attendance_checkout",
    "attendance_confirm",
    "attendance_reject",
    "commendations",
    "item_redeem",
    "item_restock",
    "me",
    "movement_reverse",
    "my_hours",
    "pairing_detail",
    "pairing_list",
    "rankings",
    "rates",
    "redemption_cancel",
    "redemption_hand_over",
    "redemption_list",
    "scan",
    "scan_help",
    "session_detail",
    "session_qr",
    "shop",
    "signup_cancel",
    "volunteer_award",
    "team_action",
    "team_detail",
    "team_list",
    "volunteer_detail",
    "volunteer_list",
]
