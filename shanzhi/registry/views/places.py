"""Pages that keep the network by hand: add, edit, move and retire nodes, compounds and buildings.

Every page is one small form over one service in ``services/places.py``; the service checks who
may and what is allowed, and its refusal comes back on the form with the field it names (400).
"""

import json

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError
from shanzhi.core.forms import BootstrapMixin

from .. import services
from ..models import Building, Compound, OrgNode, PropertyCompany


class NodeForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label=gettext_lazy("编码"), required=False, max_length=15)
    name = forms.CharField(label=gettext_lazy("名称"), required=False, max_length=100)
    boundary = forms.CharField(
        label=gettext_lazy("边界（GeoJSON，仅网格）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=gettext_lazy("原因"), required=False, max_length=200)


class CompoundForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("小区名称"), required=False, max_length=100)
    address = forms.CharField(label=gettext_lazy("地址"), required=False, max_length=200)
    property_company = forms.ModelChoiceField(
        label=gettext_lazy("物业企业"), queryset=PropertyCompany.objects.none(), required=False
    )


class BuildingForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("楼栋"), required=False, max_length=50)
    grid = forms.ModelChoiceField(
        label=gettext_lazy("所在网格"), queryset=OrgNode.objects.none(), required=False
    )
    floors = forms.CharField(label=gettext_lazy("层数"), required=False, max_length=4)
    lng = forms.CharField(label=gettext_lazy("经度"), required=False, max_length=20)
    lat = forms.CharField(label=gettext_lazy("纬度"), required=False, max_length=20)


class MoveForm(BootstrapMixin, forms.Form):
    grid = forms.ModelChoiceField(
        label=gettext_lazy("调整到网格"), queryset=OrgNode.objects.none(), required=False
    )
    reason = forms.CharField(label=gettext_lazy("调整原因"), required=False, max_length=200)


def _grids_of(community):
    return OrgNode.objects.filter(parent=community, level="grid", retired_at__isnull=True).order_by("code")


def _boundary(text):
    if not (text or "").strip():
        return None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise DomainError(_("边界不是有效的 JSON，请检查括号和逗号。"), field="boundary") from exc


def _page(request, form, *, title, back, status=200, danger=False):
    return render(
        request,
        "registry/place_form.html",
        {"form": form, "title": title, "back": back, "danger": danger},
        status=status,
    )


def _run(request, form, write, *, title, back, done, danger=False):
    """Validate the form's shape, call the one service, and show its refusal on the named field."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = write(form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, done)
            return redirect(back(obj))
    status = 400 if request.method == "POST" else 200
    return _page(request, form, title=title, back=back(None), status=status, danger=danger)


def _node_url(node):
    return reverse("registry:node", args=[node.code])


def _compound_url(compound):
    return reverse("registry:compound", args=[compound.pk])


@never_cache
@require_http_methods(["GET", "POST"])
def node_add(request, code):
    parent = permissions.get_visible_or_404(request.user, OrgNode, code=code)
    services.places.require_keeper(request.user, parent)
    level = OrgNode.CHILD_LEVEL.get(parent.level)
    if level is None:
        raise Http404  # a grid has nothing below it
    form = NodeForm(request.POST or None, initial={"code": parent.code})
    if level != "grid":
        del form.fields["boundary"]

    def write(data):
        return services.add_node(
            parent=parent,
            code=data["code"],
            name=data["name"],
            boundary=_boundary(data.get("boundary")),
            by=request.user,
        )

    label = OrgNode.Level(level).label
    return _run(
        request,
        form,
        write,
        title=_("在“%(p)s”下新增%(l)s") % {"p": parent.name, "l": label},
        back=lambda obj: _node_url(obj or parent),
        done=_("已新增。"),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def node_edit(request, code):
    node = permissions.get_visible_or_404(request.user, OrgNode, code=code)
    form = NodeForm(request.POST or None, initial={"name": node.name})
    del form.fields["code"]
    if not node.is_grid:
        del form.fields["boundary"]

    def write(data):
        boundary = _boundary(data.get("boundary")) if node.is_grid else None
        return services.edit_node(node, name=data["name"], boundary=boundary, by=request.user)

    if request.method == "GET":
        services.places.require_keeper_of(request.user, node)
    return _run(
        request,
        form,
        write,
        title=_("修改“%(n)s”") % {"n": node.name},
        back=lambda obj: _node_url(obj or node),
        done=_("已保存。"),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def node_retire(request, code):
    node = permissions.get_visible_or_404(request.user, OrgNode, code=code)
    if request.method == "GET":
        services.places.require_keeper_of(request.user, node)
    return _run(
        request,
        ReasonForm(request.POST or None),
        lambda data: services.retire_node(node, by=request.user, reason=data["reason"]),
        title=_("撤销“%(n)s”") % {"n": node.name},
        back=lambda obj: _node_url(node.parent if node.parent_id else node),
        done=_("已撤销。"),
        danger=True,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def compound_add(request, code):
    community = permissions.get_visible_or_404(request.user, OrgNode, code=code, level="community")
    services.places.require_keeper(request.user, community)
    form = CompoundForm(request.POST or None)
    form.fields["property_company"].queryset = PropertyCompany.objects.order_by("name")
    return _run(
        request,
        form,
        lambda data: services.add_compound(
            community=community,
            name=data["name"],
            address=data["address"],
            property_company=data["property_company"],
            by=request.user,
        ),
        title=_("在“%(c)s”新增小区") % {"c": community.name},
        back=lambda obj: _compound_url(obj) if obj else _node_url(community),
        done=_("已新增小区。"),
    )


def _compound_for_keeper(request, pk):
    compound = permissions.get_visible_or_404(request.user, Compound, pk=pk)
    services.places.require_keeper(request.user, compound.community)
    return compound


@never_cache
@require_http_methods(["GET", "POST"])
def compound_edit(request, pk):
    compound = _compound_for_keeper(request, pk)
    form = CompoundForm(
        request.POST or None,
        initial={
            "name": compound.name,
            "address": compound.address,
            "property_company": compound.property_company_id,
        },
    )
    form.fields["property_company"].queryset = PropertyCompany.objects.order_by("name")
    return _run(
        request,
        form,
        lambda data: services.edit_compound(
            compound,
            name=data["name"],
            address=data["address"],
            property_company=data["property_company"],
            by=request.user,
        ),
        title=_("修改小区“%(c)s”") % {"c": compound.name},
        back=lambda obj: _compound_url(compound),
        done=_("已保存。"),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def compound_retire(request, pk):
    compound = _compound_for_keeper(request, pk)
    return _run(
        request,
        ReasonForm(request.POST or None),
        lambda data: services.retire_compound(compound, by=request.user, reason=data["reason"]),
        title=_("撤销小区“%(c)s”") % {"c": compound.name},
        back=lambda obj: _node_url(compound.community) if obj else _compound_url(compound),
        done=_("已撤销。"),
        danger=True,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def building_add(request, pk):
    compound = _compound_for_keeper(request, pk)
    form = BuildingForm(request.POST or None)
    form.fields["grid"].queryset = _grids_of(compound.community)
    return _run(
        request,
        form,
        lambda data: services.add_building(
            compound=compound,
            grid=data["grid"],
            name=data["name"],
            floors=data["floors"],
            lng=data["lng"],
            lat=data["lat"],
            by=request.user,
        ),
        title=_("在小区“%(c)s”新增楼栋") % {"c": compound.name},
        back=lambda obj: _compound_url(compound),
        done=_("已新增楼栋。"),
    )


def _building_for_keeper(request, pk):
    building = permissions.get_visible_or_404(request.user, Building, pk=pk)
    services.places.require_keeper(request.user, building.compound.community)
    return building


@never_cache
@require_http_methods(["GET", "POST"])
def building_edit(request, pk):
    building = _building_for_keeper(request, pk)
    form = BuildingForm(
        request.POST or None,
        initial={"name": building.name, "floors": building.floors, "lng": building.lng, "lat": building.lat},
    )
    del form.fields["grid"]  # moving is its own step, with a reason
    return _run(
        request,
        form,
        lambda data: services.edit_building(
            building,
            name=data["name"],
            floors=data["floors"],
            lng=data["lng"],
            lat=data["lat"],
            by=request.user,
        ),
        title=_("修改楼栋“%(b)s”") % {"b": building},
        back=lambda obj: _compound_url(building.compound),
        done=_("已保存。"),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def building_move(request, pk):
    building = _building_for_keeper(request, pk)
    form = MoveForm(request.POST or None)
    form.fields["grid"].queryset = _grids_of(building.compound.community).exclude(pk=building.grid_id)
    return _run(
        request,
        form,
        lambda data: services.move_building(
            building, grid=data["grid"], by=request.user, reason=data["reason"]
        ),
        title=_("把楼栋“%(b)s”调整到其他网格（现属“%(g)s”）") % {"b": building, "g": building.grid.name},
        back=lambda obj: _compound_url(building.compound),
        done=_("已调整网格，楼内住户随楼栋调整。"),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def building_retire(request, pk):
    building = _building_for_keeper(request, pk)
    return _run(
        request,
        ReasonForm(request.POST or None),
        lambda data: services.retire_building(building, by=request.user, reason=data["reason"]),
        title=_("撤销楼栋“%(b)s”") % {"b": building},
        back=lambda obj: _compound_url(building.compound),
        done=_("已撤销。"),
        danger=True,
    )
