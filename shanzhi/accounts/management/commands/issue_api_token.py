from django.core.management.base import BaseCommand, CommandError

from shanzhi.accounts import services
from shanzhi.accounts.models import User


class Command(BaseCommand):
    help = (
        "Issue a bearer token for the JSON API (/api/v1/) to USERNAME and print it once. "
        "Only its SHA-256 digest is stored, so a lost token cannot be shown again: issue a new one. "
        "The token acts with exactly the roles and scope of that account."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for, e.g. the client system")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no account named {username!r}")
        if not user.is_active:
            raise CommandError(f"account {username!r} is disabled; a token for it would not work")
        token = services.issue_api_token(user, name=name)
        self.stdout.write(token)
        self.stderr.write(
            "Store this token now; it will not be shown again. Send it as 'Authorization: Bearer <token>'."
        )
