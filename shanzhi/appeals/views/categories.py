"""The category taxonomy page (诉求分类) for the system administrator: a two-level list, a form to
add or change a category, and retiring/bringing back. The writes are ``services.categories``."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from shanzhi.accounts import permissions
from shanzhi.core.errors import DomainError
from shanzhi.core.forms import BootstrapMixin
from shanzhi.registry.models import Department

from ..models import Category
from ..services import categories as category_service

MANAGE = "appeals.manage_categories"


class CategoryForm(BootstrapMixin, forms.Form):
    compact = True

    parent = forms.ModelChoiceField(
        label=gettext_lazy("上级分类"),
        required=False,
        empty_label=gettext_lazy("（无，作为一级分类）"),
        queryset=Category.objects.filter(parent__isnull=True),
    )
    code = forms.CharField(label=gettext_lazy("编码"), max_length=16)
    name = forms.CharField(label=gettext_lazy("名称"), max_length=category_service.MAX_NAME)
    deadline_value = forms.IntegerField(label=gettext_lazy("办理时限"))
    deadline_unit = forms.ChoiceField(label=gettext_lazy("时限单位"), choices=Category.Unit.choices)
    urgency = forms.ChoiceField(label=gettext_lazy("紧急程度"), choices=Category.Urgency.choices)
    default_handler_kind = forms.ChoiceField(
        label=gettext_lazy("默认承办"), choices=Category.HandlerKind.choices
    )
    default_department = forms.ModelChoiceField(
        label=gettext_lazy("默认部门"),
        required=False,
        queryset=Department.objects.all(),
        empty_label=gettext_lazy("（无）"),
    )
    auto_escalate = forms.BooleanField(label=gettext_lazy("超期自动升级"), required=False)
    evidence_required = forms.BooleanField(label=gettext_lazy("办结须附佐证照片"), required=False)
    grid_self_handle = forms.BooleanField(label=gettext_lazy("网格员可就地解决"), required=False)
    duplicate_radius_m = forms.IntegerField(label=gettext_lazy("重复诉求提示半径(米)"), initial=100)
    sort = forms.IntegerField(label=gettext_lazy("排序"), initial=0)
    response_template = forms.CharField(
        label=gettext_lazy("答复模板"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        if instance is not None:
            self.fields["parent"].queryset = Category.objects.filter(parent__isnull=True).exclude(
                pk=instance.pk
            )


def _initial(category):
    return {name: getattr(category, name) for name in category_service.FIELDS}


@never_cache
def category_list(request):
    permissions.require(request.user, MANAGE)
    rows = list(Category.objects.select_related("parent", "default_department").order_by("sort", "code"))
    tree = [(top, [c for c in rows if c.parent_id == top.pk]) for top in rows if top.parent_id is None]
    return render(request, "appeals/categories.html", {"tree": tree})


def _save(request, category=None):
    form = CategoryForm(
        request.POST or None,
        instance=category,
        initial=_initial(category) if category else {"deadline_value": 5},
    )
    if request.method == "POST" and form.is_valid():
        try:
            if category is None:
                category = category_service.create_category(
                    by=request.user, request=request, **form.cleaned_data
                )
                messages.success(request, _("已新增分类 %(code)s。") % {"code": category.code})
            else:
                category = category_service.update_category(
                    category, by=request.user, request=request, **form.cleaned_data
                )
                messages.success(request, _("已保存分类 %(code)s。") % {"code": category.code})
            return redirect("appeals:categories")
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
    status = 400 if form.errors else 200
    return render(request, "appeals/category_form.html", {"form": form, "category": category}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def category_new(request):
    permissions.require(request.user, MANAGE)
    return _save(request)


@never_cache
@require_http_methods(["GET", "POST"])
def category_edit(request, pk):
    category = permissions.get_visible_or_404(request.user, Category, MANAGE, pk=pk)
    return _save(request, category)


@require_POST
def category_active(request, pk):
    category = permissions.get_visible_or_404(request.user, Category, MANAGE, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        category_service.set_category_active(category, active, by=request.user, request=request)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        if active:
            messages.success(request, _("已启用分类 %(code)s。") % {"code": category.code})
        else:
            messages.success(
                request, _("已停用分类 %(code)s，新诉求不能再选择它。") % {"code": category.code}
            )
    return redirect("appeals:categories")
