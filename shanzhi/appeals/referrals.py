"""Appeals filed for other apps (registered with ``registry.referrals``): a decision of red
property's four-party meeting becomes an appeal through ``intake.submit`` like any other entered by
staff (代为登记), placed at a building of the compound, with an idempotency key, so a retried
filing returns the one appeal it made."""

from django.urls import reverse
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import Building

from .models import Appeal, Category
from .services import intake


def file(by, compound, title, description, category_id, key):
    category = Category.objects.filter(pk=category_id, active=True).first() if category_id else None
    if category is None:
        raise DomainError(_("请选择一个有效的诉求分类。"), field="category")
    building = Building.objects.filter(compound=compound, retired_at__isnull=True).order_by("pk").first()
    appeal = intake.submit(
        by=by,
        channel=Appeal.Channel.ON_BEHALF,
        title=title,
        description=description,
        category=category,
        building=building,
        node=None if building else compound.community,
        idempotency_key=key,
    )
    return appeal.pk, appeal.number


def states(user, ids):
    seen = set(permissions.visible(user, Appeal).filter(pk__in=ids).values_list("pk", flat=True))
    out = {}
    for a in Appeal.objects.filter(pk__in=ids).only("pk", "number", "status"):
        out[a.pk] = {
            "number": a.number,
            "status": a.status,
            "label": a.get_status_display(),
            "url": reverse("appeals:detail", kwargs={"number": a.number}) if a.pk in seen else "",
        }
    return out


def categories():
    return [
        (c.pk, f"{c.parent.name} / {c.name}" if c.parent_id else c.name)
        for c in Category.objects.filter(active=True, parent__isnull=False).select_related("parent")
    ]
