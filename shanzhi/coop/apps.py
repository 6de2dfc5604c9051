from django.apps import AppConfig


class CoopConfig(AppConfig):
    name = "shanzhi.coop"
    label = "coop"
    verbose_name = "共驻共建与双报到"

    def ready(self):
        from . import scopes

        scopes.register()
