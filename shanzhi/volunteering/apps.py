from django.apps import AppConfig


class VolunteeringConfig(AppConfig):
    name = "shanzhi.volunteering"
    label = "volunteering"
    verbose_name = "志愿服务与爱心银行"

    def ready(self):
        from . import scopes

        scopes.register()
