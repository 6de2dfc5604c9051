from django.apps import AppConfig


class PropertyConfig(AppConfig):
    name = "shanzhi.property"
    label = "property"
    verbose_name = "红色物业"

    def ready(self):
        # Adds this app's actions and scopes to accounts.permissions (see access.py).
        from . import access, dashboard

        access.register()
        dashboard.register()  # its panel on the data centre's dashboards
