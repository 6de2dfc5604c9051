from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "shanzhi.registry"
    label = "registry"
    verbose_name = "一张网"

    def ready(self):
        # Adds this app's actions and scopes to accounts.permissions (see access.py).
        from . import access, home

        access.register()
        home.register()  # its panel on every role's home page
