from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "shanzhi.registry"
    label = "registry"
    verbose_name = "一张网"

    def ready(self):
        # Adds this app's actions and scopes to accounts.permissions (see access.py).
        from shanzhi.core import refdata

        from . import access, home
        from .models import OrgNode

        access.register()
        refdata.watch(OrgNode)  # this process's own tree edits are seen within the same request
        home.register()  # its panel on every role's home page
