"""Assessment schemes: everyone in the district reads them; district staff draft, publish and
start a new version (a published one never changes)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError
from shanzhi.core.inputs import id_or_none

from .. import queries, services
from ..models import Indicator


@never_cache
@require_GET
def scheme_list(request):
    if not permissions.has_role_for(request.user, "property.view_scheme"):
        raise PermissionDenied
    schemes = queries.schemes_with_versions(request.user)
    return render(request, "property/schemes.html", {"schemes": schemes})


def _page(request, version, status=200):
    keeper = permissions.can(request.user, "property.manage_scheme", version.scheme)
    items = version.items.prefetch_related("indicators")
    return render(
        request,
        "property/version.html",
        {
            "version": version,
            "items": items,
            "count": Indicator.objects.filter(item__version=version).count(),
            "keeper": keeper,
            "rules": Indicator.Rule.choices,
            "sources": Indicator.Source.choices,
            "latest": version.scheme.versions.order_by("-number").first(),
        },
        status=status,
    )


@never_cache
@require_GET
def version_detail(request, pk):
    return _page(request, queries.version_for(request.user, pk))


def _act(request, pk, call, ok):
    version = queries.version_for(request.user, pk)
    permissions.require(request.user, "property.manage_scheme", version.scheme)
    try:
        result = call(version)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _page(request, version, status=400)
    messages.success(request, ok)
    return redirect("property:scheme_version", pk=getattr(result, "version_pk", version.pk))


@require_POST
def version_item(request, pk):
    f = request.POST
    return _act(
        request,
        pk,
        lambda v: services.add_item(
            v, name=f.get("name", ""), weight=f.get("weight") or "1", by=request.user
        ),
        _("考核项目已添加。"),
    )


@require_POST
def version_indicator(request, pk):
    f = request.POST

    def call(version):
        item = version.items.filter(pk=id_or_none(f.get("item"))).first()
        if item is None:
            raise DomainError(_("请选择考核项目。"), field="item")
        return services.add_indicator(
            item,
            name=f.get("name", ""),
            rule=f.get("rule"),
            source=f.get("source"),
            max_points=f.get("max_points") or "0",
            deduction=f.get("deduction") or "0",
            floor=f.get("floor") or "0",
            by=request.user,
        )

    return _act(request, pk, call, _("考核指标已添加。"))


@require_POST
def version_publish(request, pk):
    return _act(
        request, pk, lambda v: services.publish(v, by=request.user), _("方案版本已发布，此后不能修改。")
    )


@require_POST
def version_new(request, pk):
    version = queries.version_for(request.user, pk)
    permissions.require(request.user, "property.manage_scheme", version.scheme)
    try:
        new = services.new_version(
            version.scheme, effective_from=request.POST.get("effective_from"), by=request.user
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _page(request, version, status=400)
    messages.success(request, _("已新建草稿版本。"))
    return redirect("property:scheme_version", pk=new.pk)
