import json

from django.core.management.base import BaseCommand

from shanzhi.core import chain


class Command(BaseCommand):
    help = (
        "Write the head of the audit and ledger chains (table, last id, last hash, count, time), signed "
        "with HMAC-SHA256 under SHANZHI_AUDIT_SIGNING_KEY. Run daily; the auditor keeps the files and "
        "checks them later with verify_audit --head FILE."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, output=None, **options):
        text = json.dumps(chain.head(), ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as f:
                f.write(text + "\n")
        else:
            self.stdout.write(text)
