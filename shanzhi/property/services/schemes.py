"""Keeping assessment schemes: district staff draft a version (items, indicators, thresholds),
publish it (from then on it never changes), and edit by drafting the next version."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.accounts import permissions
from shanzhi.core import audit
from shanzhi.core.errors import DomainError

from ..models import Indicator, Scheme, SchemeItem, SchemeVersion
from .common import a_date, decimal, pick, text

SOURCE_RULES = {
    # Which rules each source can feed: a rate or a mean rating is a share of the points; a
    # complaint rate is a count of findings; staff entries can be any of the three.
    Indicator.Source.INSPECTION: {Indicator.Rule.POINTS, Indicator.Rule.DEDUCTION, Indicator.Rule.VETO},
    Indicator.Source.OPINION: {Indicator.Rule.POINTS, Indicator.Rule.DEDUCTION, Indicator.Rule.VETO},
    Indicator.Source.RESIDENTS: {Indicator.Rule.POINTS},
    Indicator.Source.ON_TIME: {Indicator.Rule.POINTS},
    Indicator.Source.SATISFACTION: {Indicator.Rule.POINTS},
    Indicator.Source.COMPLAINTS: {Indicator.Rule.DEDUCTION},
}


def _keeps_district(by, district):
    return any(
        g.role in permissions.ACTIONS["property.manage_scheme"] and g.node_id == district.pk
        for g in by.grants()
    )


def _draft(version, by):
    permissions.require(by, "property.manage_scheme", version.scheme)
    version = SchemeVersion.objects.select_for_update().get(pk=version.pk)
    if not version.editable:
        raise DomainError(_("已发布的版本不能修改，请新建版本。"), field="version")
    return version


@transaction.atomic
def create_scheme(district, *, name, effective_from, by):
    if not _keeps_district(by, district):
        raise PermissionDenied
    name = text(name, "name", _("方案名称"), max_length=100)
    if Scheme.objects.filter(district=district, name=name).exists():
        raise DomainError(_("本区已有同名考核方案。"), field="name")
    effective_from = a_date(effective_from, "effective_from", _("生效日期"))
    scheme = Scheme.objects.create(district=district, name=name, created_by=by)
    version = SchemeVersion.objects.create(scheme=scheme, number=1, effective_from=effective_from)
    audit.record("property.scheme_created", actor=by, target=scheme)
    return version


@transaction.atomic
def set_thresholds(version, *, excellent, good, passing, effective_from=None, by):
    version = _draft(version, by)
    ex = decimal(excellent, "excellent_min", _("优秀线"), low=0, high=100)
    gd = decimal(good, "good_min", _("良好线"), low=0, high=100)
    ps = decimal(passing, "pass_min", _("合格线"), low=0, high=100)
    if not ex > gd > ps:
        raise DomainError(_("等级线应为优秀线 > 良好线 > 合格线。"), field="good_min")
    version.excellent_min, version.good_min, version.pass_min = ex, gd, ps
    if effective_from:
        version.effective_from = a_date(effective_from, "effective_from", _("生效日期"))
    version.save()
    return version


@transaction.atomic
def add_item(version, *, name, weight="1", by):
    version = _draft(version, by)
    order = (version.items.aggregate(m=Max("order"))["m"] or 0) + 1
    return SchemeItem.objects.create(
        version=version,
        order=order,
        name=text(name, "name", _("考核项目"), max_length=100),
        weight=decimal(weight, "weight", _("权重"), low=0, high=100),
    )


@transaction.atomic
def add_indicator(item, *, name, rule, source, max_points="0", deduction="0", floor="0", by):
    _draft(item.version, by)
    name = text(name, "name", _("考核指标"), max_length=200)
    source = pick(source, Indicator.Source.values, "source", _("请选择数据来源。"))
    rule = pick(rule, Indicator.Rule.values, "rule", _("请选择计分规则。"))
    if rule not in SOURCE_RULES[source]:
        raise DomainError(_("该数据来源不能使用这种计分规则。"), field="rule")
    points = decimal(max_points, "max_points", _("分值"), low=0, high=100)
    if rule != Indicator.Rule.VETO and points <= 0:
        raise DomainError(_("分值应大于 0。"), field="max_points")
    if rule == Indicator.Rule.VETO:
        points = decimal("0", "max_points", _("分值"))  # a veto carries no points
    cut = decimal(deduction, "deduction", _("每项扣分"), low=0, high=100)
    if rule == Indicator.Rule.DEDUCTION and cut <= 0:
        raise DomainError(_("扣分制指标应填写每项扣分。"), field="deduction")
    low = decimal(floor, "floor", _("最低得分"), low=0, high=100)
    if low > points:
        raise DomainError(_("最低得分不能高于分值。"), field="floor")
    order = (item.indicators.aggregate(m=Max("order"))["m"] or 0) + 1
    return Indicator.objects.create(
        item=item,
        order=order,
        name=name,
        rule=rule,
        source=source,
        max_points=points,
        deduction=cut,
        floor=low,
    )


@transaction.atomic
def publish(version, *, by):
    version = _draft(version, by)
    if not Indicator.objects.filter(item__version=version).exclude(rule=Indicator.Rule.VETO).exists():
        raise DomainError(_("方案至少需要一个计分指标。"), field="version")
    version.status = SchemeVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = by
    version.save(update_fields=["status", "published_at", "published_by"])
    audit.record("property.scheme_published", actor=by, target=version.scheme, detail={"v": version.number})
    return version


@transaction.atomic
def new_version(scheme, *, effective_from, by):
    """Edit a published scheme: a new draft copied from the latest version (which stays as it is)."""
    permissions.require(by, "property.manage_scheme", scheme)
    Scheme.objects.select_for_update().get(pk=scheme.pk)
    latest = scheme.versions.order_by("-number").first()
    if latest.editable:
        raise DomainError(_("已有未发布的草稿版本。"), field="version")
    effective_from = a_date(effective_from, "effective_from", _("生效日期"))
    if effective_from <= latest.effective_from:
        raise DomainError(_("新版本的生效日期应晚于上一版本。"), field="effective_from")
    version = SchemeVersion.objects.create(
        scheme=scheme,
        number=latest.number + 1,
        effective_from=effective_from,
        excellent_min=latest.excellent_min,
        good_min=latest.good_min,
        pass_min=latest.pass_min,
    )
    for item in latest.items.prefetch_related("indicators"):
        copy = SchemeItem.objects.create(
            version=version, order=item.order, name=item.name, weight=item.weight
        )
        Indicator.objects.bulk_create(
            Indicator(
                item=copy,
                order=i.order,
                name=i.name,
                rule=i.rule,
                source=i.source,
                max_points=i.max_points,
                deduction=i.deduction,
                floor=i.floor,
            )
            for i in item.indicators.all()
        )
    audit.record("property.scheme_version", actor=by, target=scheme, detail={"v": version.number})
    return version
