"""Administrators edit the taxonomy here until the UI engineer gives it a page; the appeals
themselves are changed only through the services, so they are read-only in the admin."""

from django.contrib import admin

from .models import Category, InvalidKind, MetricsRules


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "parent",
        "deadline_value",
        "deadline_unit",
        "urgency",
        "default_handler_kind",
        "auto_escalate",
        "active",
    ]
    list_filter = ["active", "urgency", "default_handler_kind", "deadline_unit"]
    search_fields = ["code", "name"]
    ordering = ["code"]


@admin.register(InvalidKind)
class InvalidKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "active", "sort"]
    list_editable = ["active", "sort"]


@admin.register(MetricsRules)
class MetricsRulesAdmin(admin.ModelAdmin):
    """One row: the district's assessment rules (see docs/metrics.md)."""

    list_display = ["__str__", "response_limit_hours", "visit_max_tries", "basic_weight", "min_cases"]

    def has_add_permission(self, request):
        return not MetricsRules.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
