from django.apps import AppConfig


class CoopConfig(AppConfig):
    name = "shanzhi.coop"
    label = "coop"
    verbose_name = "共驻共建与双报到"

    def ready(self):
        # Adds this app's actions and scopes to accounts.permissions (see access.py).
        from . import access, dashboard, home

        access.register()
        home.register()  # its panel on every role's home page
        dashboard.register()  # its panel on the data centre's dashboards
