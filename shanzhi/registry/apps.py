from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "shanzhi.registry"
    label = "registry"
    verbose_name = "一张网"

    def ready(self):
        # Adds this app's actions and scopes to accounts.permissions (see access.py).
        from shanzhi.core import refdata

        from . import access, home
        from .models import Department, OrgNode, PropertyCompany

        access.register()
        # This process's own edits of the tree and the unit names are seen within the same request.
        refdata.watch(OrgNode, Department, PropertyCompany)
        home.register()  # its panel on every role's home page
