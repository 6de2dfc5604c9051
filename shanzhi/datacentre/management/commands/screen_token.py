from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from shanzhi.accounts.models import User
from shanzhi.core.errors import DomainError
from shanzhi.registry.models import OrgNode

from ... import services
from ...models import Screen


class Command(BaseCommand):
    help = (
        "Big screens (大屏): 'issue NODE_CODE LABEL --by USERNAME' prints a screen's address once "
        "(only the token's digest is kept); 'revoke ID --by USERNAME' ends it; 'list' shows them. "
        "USERNAME must be allowed to manage screens for that node."
    )

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["issue", "revoke", "list"])
        parser.add_argument("args", nargs="*")
        parser.add_argument("--by", default="", help="the staff account the change is made as")

    def handle(self, *args, verb, by, **options):
        if verb == "list":
            for s in Screen.objects.select_related("node").order_by("pk"):
                state = f"revoked {s.revoked_at:%Y-%m-%d}" if s.revoked_at else "live"
                self.stdout.write(f"{s.pk}\t{s.node.code}\t{s.label}\t{s.prefix}…\t{state}")
            return
        user = User.objects.filter(username=by, is_active=True).first()
        if user is None:
            raise CommandError("--by must name an active staff account")
        try:
            if verb == "issue":
                if len(args) != 2:
                    raise CommandError("issue NODE_CODE LABEL")
                node = OrgNode.objects.filter(code=args[0]).first()
                if node is None:
                    raise CommandError(f"no node with code {args[0]!r}")
                screen, token = services.issue_screen(node, label=args[1], by=user)
                self.stdout.write(f"/dc/screen/{token}/")
                self.stderr.write(f"Screen {screen.pk} for {node.name}: keep this address; it is shown once.")
            else:
                screen = Screen.objects.filter(pk=args[0] if args and args[0].isdigit() else 0).first()
                if screen is None:
                    raise CommandError("revoke ID (see 'list')")
                services.revoke_screen(screen, by=user)
                self.stdout.write(f"revoked {screen.pk}")
        except (PermissionDenied, Http404) as exc:
            raise CommandError(f"{by} may not manage screens for that node") from exc
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
