from django.apps import AppConfig


class ProjectConfig(AppConfig):
    name = "shanzhi.project"
    label = "project"
    verbose_name = "善治"
