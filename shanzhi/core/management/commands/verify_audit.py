from django.core.management.base import BaseCommand, CommandError

from shanzhi.core import chain
from shanzhi.core.models import ChainCheck


class Command(BaseCommand):
    help = (
        "Walk the hash chains of the audit trail and the points ledger; exit non-zero naming the "
        "first broken link (table, id, expected vs found). With --head FILE, also check that a head "
        "kept from export_audit_head is still a prefix of the chains."
    )

    def add_arguments(self, parser):
        parser.add_argument("--head", help="a head file written by export_audit_head")

    def handle(self, *args, head=None, **options):
        kept = _read(head) if head else None
        # Stored, so the audit administrator's page shows the last verification.
        check = chain.run_check(ChainCheck.objects.create(by_username="manage.py verify_audit"))
        problems = []
        for report in check.reports.values():
            if report["broken"] is None:
                self.stdout.write(
                    f"{report['table']}: {report['count']} rows, chain intact (last id {report['last_id']})"
                )
            else:
                problems.append(report["broken"])
        if kept is not None:
            problems += chain.check_signed_head(kept)
        for broken in problems:
            self.stderr.write(
                f"{broken['table']}: broken at id {broken['id']} ({broken['field']}): "
                f"expected {broken['expected']}, found {broken['found']}"
            )
        if problems:
            raise CommandError("the audit chain is broken", returncode=2)


def _read(path):
    import json

    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as exc:
        raise CommandError(f"--head: cannot read {path}: {exc}") from exc
