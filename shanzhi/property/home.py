"""Red property on the home page (``accounts.home``): the notice a dismissed company's staff see
while the compound's transition is open, with the handover items they still have to hand over
(民法典 第九百四十九条). A company's staff land on their home; this is where they learn of it."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from shanzhi.accounts import home, permissions
from shanzhi.accounts.models import Role

from .models import HandoverItem, Transition


def dismissal_notices(user):
    """Open transitions in which one of the user's companies is the outgoing one, with each one's
    items neither handed over nor confirmed (``pending``)."""
    companies = [g.property_company_id for g in user.grants() if g.role == Role.PROPERTY_STAFF]
    if not companies:
        return []
    pending = HandoverItem.objects.filter(handed_at__isnull=True, confirmed_at__isnull=True)
    return list(
        Transition.objects.filter(status=Transition.Status.OPEN, company_id__in=companies)
        .select_related("compound", "company")
        .prefetch_related(Prefetch("items", queryset=pending, to_attr="pending"))
        .order_by("opened_at", "pk")[:20]
    )


def property_panel(user):
    if not permissions.has_role_for(user, "property.hand_over"):
        return None
    rows = []
    for t in dismissal_notices(user):
        row = home.link(
            user,
            "property.view_transition",
            _("%(c)s业主大会表决解聘%(co)s，请配合交接") % {"c": t.compound.name, "co": t.company.name},
            "property:transition",
            t.pk,
        )
        if row is None:
            continue
        names = "、".join(str(i.get_kind_display()) for i in t.pending)
        row.note = _("待移交：%(items)s") % {"items": names} if names else _("移交事项已全部提交，待社区确认")
        rows.append(row)
    if not rows:
        return None
    return home.Panel(_("解聘交接通知"), icon="exclamation-triangle", order=5, rows=rows)


def register():
    home.register_panel(property_panel)
