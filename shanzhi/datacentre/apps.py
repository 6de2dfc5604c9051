from django.apps import AppConfig


class DatacentreConfig(AppConfig):
    name = "shanzhi.datacentre"
    label = "datacentre"
    verbose_name = "数据中心"

    def ready(self):
        from shanzhi.core import periodic

        from . import access, home, services

        access.register()
        home.register()  # the dashboard opens the home page of the org tree's staff
        # Last month's reports on the first working day of each month, from the sweep.
        periodic.register("monthly_reports", services.schedule_monthly)
