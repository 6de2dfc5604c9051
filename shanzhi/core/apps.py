from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shanzhi.core"
    label = "core"
    verbose_name = "核心"

    def ready(self):
        from . import (
            checks,  # noqa: F401  (registers the deployment checks)
            taskrun,  # noqa: F401  (tracks the running task attempt)
        )
