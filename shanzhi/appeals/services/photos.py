"""Photos on appeals: checked by their content, re-encoded, never stored as uploaded.

Re-encoding drops EXIF, GPS and any payload hidden after the image data; the orientation is
applied first so the picture still looks the way it was taken. Files are served only through a
permission-checked view (``MEDIA_URL`` is not served), which the UI engineer builds.
"""

import hashlib
import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from shanzhi.core.errors import DomainError

from ..models import AppealPhoto
from . import base

MAX_PER_STAGE = 6
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_SIDE = 2560
MAX_PIXELS = 50_000_000


def max_bytes():
    return getattr(settings, "SHANZHI_PHOTO_MAX_BYTES", 10 * 1024 * 1024)


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    width: int
    height: int
    source_sha256: str  # of the bytes as uploaded: lets an idempotent retry be recognised


def _read(upload):
    """The upload's bytes, refusing more than the limit without reading a huge file whole."""
    limit = max_bytes()
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(limit + 1)
    if len(data) > limit:
        raise DomainError(
            _("照片不能超过 %(mb)s MB。") % {"mb": round(limit / (1024 * 1024), 1)},
            field="photos",
            code="too_large",
        )
    return data


def clean(upload, field="photos"):
    data = _read(upload)
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in ACCEPTED_FORMATS:
            raise DomainError(_("只能上传 JPEG、PNG 或 WebP 格式的照片。"), field=field, code="bad_type")
        if image.width * image.height > MAX_PIXELS:
            raise DomainError(_("照片像素过大，请压缩后再上传。"), field=field, code="too_large")
        image.load()
        image = ImageOps.exif_transpose(image)
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise DomainError(
            _("文件不是可识别的照片，请重新拍摄或选择。"), field=field, code="bad_type"
        ) from exc
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    elif image.mode != "RGB":
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)  # no exif= argument: metadata is dropped
    return CleanPhoto(out.getvalue(), image.width, image.height, hashlib.sha256(data).hexdigest())


def save_file(photo):
    """Write the cleaned bytes to the media store; returns the stored name. Done before the
    database transaction, so that no row lock is held while a file is written."""
    return default_storage.save(
        f"appeals/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.jpg", ContentFile(photo.content)
    )


def discard_files(names):
    """Remove files written for a transaction that did not commit (or for a repeated submission)."""
    for name in names:
        default_storage.delete(name)


def store(appeal, photo, *, stage, by, name=None):
    """One photo row (writing the file first unless ``name`` says where it already is); the caller
    holds the appeal's lock and has checked the count."""
    return AppealPhoto.objects.create(
        appeal=appeal,
        stage=stage,
        file=name or save_file(photo),
        content_type="image/jpeg",
        size=len(photo.content),
        width=photo.width,
        height=photo.height,
        sha256=hashlib.sha256(photo.content).hexdigest(),
        uploaded_by=by,
    )


def check_room(appeal, stage, adding):
    have = AppealPhoto.objects.filter(appeal=appeal, stage=stage).count()
    if have + adding > MAX_PER_STAGE:
        raise DomainError(
            _("每个环节最多 %(n)d 张照片（已有 %(have)d 张）。") % {"n": MAX_PER_STAGE, "have": have},
            field="photos",
            code="too_many",
        )


STAGE_FOR_STATUS = {
    "submitted": AppealPhoto.Stage.INTAKE,
    "resolved": AppealPhoto.Stage.VERIFICATION,
}


def add_photos(appeal, files, *, by, expected_version=None):
    """Add photos after intake: the submitter before acceptance, the assignee as evidence while
    handling, the verifier while the fix is being checked. The stage follows from the status."""
    cleaned = [clean(f) for f in files]  # outside the lock: decoding is the slow part
    if not cleaned:
        raise DomainError(_("请选择照片。"), field="photos")
    with transaction.atomic():
        appeal = base.lock(appeal)
        base.check(appeal, "add_photo", by, expected_version)  # who may add at which stage: base.RULES
        stage = STAGE_FOR_STATUS.get(appeal.status, AppealPhoto.Stage.RESOLUTION)
        check_room(appeal, stage, len(cleaned))
        stored = [store(appeal, p, stage=stage, by=by) for p in cleaned]
        # A photo changes nothing anyone acts on, so it does not bump the version (no 409s for it).
        base.event(appeal, base.V.PHOTO, by, data={"photos": [p.pk for p in stored], "stage": stage})
    return stored
