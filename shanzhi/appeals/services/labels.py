"""What each move is called on buttons, messages and the API's summaries (one table, kept apart
from the rules of the moves in ``base``, which re-exports it)."""

from django.utils.translation import gettext_lazy

VERB_LABEL = {
    "accept": gettext_lazy("受理"),
    "reject": gettext_lazy("不予受理"),
    "self_handle": gettext_lazy("就地解决"),
    "dispatch": gettext_lazy("派单"),
    "claim": gettext_lazy("认领"),
    "return": gettext_lazy("退单"),
    "start": gettext_lazy("开始处置"),
    "resolve": gettext_lazy("办结"),
    "verify": gettext_lazy("核实"),
    "send_back": gettext_lazy("返工"),
    "visit": gettext_lazy("回访"),
    "rate": gettext_lazy("评价"),
    "close": gettext_lazy("销号"),
    "escalate": gettext_lazy("升级"),
    "summon": gettext_lazy("吹哨"),
    "report": gettext_lazy("报到"),
    "finish_part": gettext_lazy("完成承办"),
    "cancel_summons": gettext_lazy("撤回吹哨"),
    "supervise": gettext_lazy("督办"),
    "remind": gettext_lazy("催办"),
    "merge": gettext_lazy("并案"),
    "absorb": gettext_lazy("并入"),
    "request_extension": gettext_lazy("申请延期"),
    "decide_extension": gettext_lazy("审批延期"),
    "request_suspension": gettext_lazy("申请缓办"),
    "decide_suspension": gettext_lazy("审批缓办"),
    "resume": gettext_lazy("恢复办理"),
    "add_photo": gettext_lazy("上传照片"),
    "locate": gettext_lazy("定位"),
    "return_to_city": gettext_lazy("退回市级平台"),
}
