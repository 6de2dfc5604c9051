from django.apps import AppConfig


class DatacentreConfig(AppConfig):
    name = "shanzhi.datacentre"
    label = "datacentre"
    verbose_name = "数据中心"

    def ready(self):
        from . import access, home

        access.register()
        home.register()  # the dashboard opens the home page of the org tree's staff
