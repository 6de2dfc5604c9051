"""Deployment checks (`manage.py check --deploy`): refuse to bless a production set-up that
would run on the demo secrets written under var/ by settings.py."""

import os

from django.conf import settings
from django.core.checks import Error, Tags, register

REQUIRED_SECRETS = {
    "SHANZHI_SECRET_KEY": "shanzhi.E001",
    "SHANZHI_KEYRING": "shanzhi.E002",
    "SHANZHI_BLIND_INDEX_KEY": "shanzhi.E003",
}


@register(Tags.security, deploy=True)
def secrets_from_environment(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    return [
        Error(
            f"{name} is not set in the environment.",
            hint=f"With DEBUG off, set {name}; otherwise a per-checkout demo secret under var/ is used, "
            "which is neither backed up with the database nor shared between servers.",
            id=check_id,
        )
        for name, check_id in REQUIRED_SECRETS.items()
        if not os.environ.get(name)
    ]
