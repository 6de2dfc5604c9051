"""Paper-ballot scans: checked by content (magic bytes), never by the name or type the browser
sends. A scan shows an owner's signature, so it is stored under a name of our own and served only
through ``views.votes.ballot_scan`` to the staff who confirm paper ballots."""

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from shanzhi.core.errors import DomainError

MAX_BYTES = 10 * 1024 * 1024
# (leading bytes, extension, content type): what a scanner or a phone camera writes.
KINDS = (
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"%PDF-", "pdf", "application/pdf"),
)


def kind_of(head):
    """(extension, content type) for a file starting with ``head``, or None."""
    return next(((ext, ctype) for magic, ext, ctype in KINDS if head.startswith(magic)), None)


def clean(upload, field="scan"):
    """A ``ContentFile`` named ``ballot.<ext>`` holding the upload, or a 400 naming ``field``."""
    if not upload:
        raise DomainError(_("请上传纸质选票的扫描件。"), field=field)
    try:
        upload.seek(0)
        data = upload.read(MAX_BYTES + 1)
    except (AttributeError, OSError, ValueError) as exc:
        raise DomainError(_("请上传纸质选票的扫描件。"), field=field) from exc
    if len(data) > MAX_BYTES:
        raise DomainError(_("扫描件不能超过 10 MB。"), field=field)
    kind = kind_of(data[:8])
    if kind is None:
        raise DomainError(_("扫描件只能是 JPEG、PNG 图片或 PDF 文件。"), field=field)
    return ContentFile(data, name=f"ballot.{kind[0]}")
