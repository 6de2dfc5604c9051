"""Administrators edit the taxonomy here until the UI engineer gives it a page; the appeals
themselves are changed only through the services, so they are read-only in the admin."""

from django.contrib import admin

from .models import Category


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
