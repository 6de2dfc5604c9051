"""Inspection photos: checked by content and re-encoded (EXIF and GPS dropped), as appeals' are."""

import io

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from shanzhi.core.errors import DomainError

MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 2048
MAX_PIXELS = 50_000_000


def clean(upload, field="photo"):
    """A ``ContentFile`` holding the photo as a fresh JPEG, or a 400 naming ``field``."""
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise DomainError(_("照片不能超过 10 MB。"), field=field)
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in {"JPEG", "PNG", "WEBP"} or image.width * image.height > MAX_PIXELS:
            raise DomainError(_("只能上传 JPEG、PNG 或 WebP 格式的照片。"), field=field)
        image.load()
        image = ImageOps.exif_transpose(image).convert("RGB")
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise DomainError(_("文件不是可识别的照片，请重新拍摄或选择。"), field=field) from exc
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return ContentFile(out.getvalue(), name="inspection.jpg")
