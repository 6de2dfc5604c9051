"""The contact phone a resident left on an appeal, shown in full only for a stated reason.

Issue 13 §6: staff call the resident back (回访 by phone, a question about the place), so the
number must be reachable from the appeal page; like a resident's phone in the registry
(``registry.services.reveal``) it is masked by default, and each reveal is written to the audit
trail with its reason. The number travels only in a POST response, never in a URL or a log line.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core import audit
from shanzhi.core.errors import DomainError
from shanzhi.core.masking import mask_phone
from shanzhi.core.models import AuditEvent

MIN_REASON = 4
MAX_REASON = 200


def masked_contact_phone(appeal):
    return mask_phone(appeal.contact_phone) if appeal.contact_phone else ""


def may_reveal_contact(user, appeal):
    return bool(appeal.contact_phone) and permissions.can(user, "appeals.reveal_contact", appeal)


@transaction.atomic
def reveal_contact_phone(appeal, *, by, reason, request=None):
    """The full contact phone of ``appeal`` (fetched by the caller through the user's scope)."""
    permissions.require(by, "appeals.reveal_contact", appeal)
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise DomainError(_("请写明查看原因（至少 4 个字）。"), field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError(_("查看原因最多 200 个字。"), field="reason")
    if not appeal.contact_phone:
        raise DomainError(_("该诉求没有留下联系电话。"), field="field")
    audit.record(
        AuditEvent.Action.REVEAL,
        actor=by,
        request=request,
        target=appeal,
        detail={"field": "contact_phone", "reason": reason},
    )
    return appeal.contact_phone
