from django.apps import AppConfig


class VolunteeringConfig(AppConfig):
    name = "shanzhi.volunteering"
    label = "volunteering"
    verbose_name = "志愿服务与爱心银行"

    def ready(self):
        # Adds this app's actions and scopes to accounts.permissions (see access.py).
        from . import access, dashboard, home

        access.register()
        home.register()  # its panel on every role's home page
        dashboard.register()  # its panel on the data centre's dashboards
