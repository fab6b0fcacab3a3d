"""The images on a certificate: the holder's photo and the issuer's seal.

Neither may stop the printing: a missing, unreadable or non-image file is left out.

The seal is on every certificate, so it is prepared once per process: flattened onto white,
scaled to what print needs and saved as a JPEG in a temporary file, which reportlab copies
into each PDF as it is (a PNG with transparency would be decoded and compressed again for
every PDF, the slowest step of a certificate). It is drawn with the Multiply blend mode, so
its white background lets the text under it show, as an ink stamp does.
"""

import atexit
import contextlib
import io
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from PIL import Image, UnidentifiedImageError
from reportlab.lib.utils import ImageReader

SEAL_MAX_PIXELS = 480  # about 290 dpi at the largest size printed (42 mm)


def image_source(field) -> str | ImageReader | None:
    """What reportlab draws for an image field: its file path when the storage has one (a
    JPEG is then copied into the PDF as is, not decoded), else the image read into memory;
    None when the field is empty or cannot be read."""
    if not field:
        return None
    try:
        return field.path
    except (NotImplementedError, ValueError):
        try:
            with field.open("rb") as stream:
                return ImageReader(io.BytesIO(stream.read()))
        except Exception:  # any storage or image error: print without the photo
            return None


def draw_image(canvas, source, x: float, y: float, width: float, height: float) -> bool:
    """Draw an image fitted into the box, keeping its proportions; False (nothing drawn)
    when there is none or it cannot be read."""
    if source is None:
        return False
    try:
        canvas.drawImage(
            source, x, y, width, height, mask="auto", preserveAspectRatio=True, anchor="c"
        )
    except Exception:  # a missing or broken image file must not stop the printing
        return False
    return True


def draw_seal(canvas, seal: str | None, x: float, y: float, size: float) -> None:
    """The prepared seal (see ``seal_image``) in a square box, over what is already drawn."""
    if seal is None:
        return
    canvas.saveState()
    canvas.setBlendMode("Multiply")
    draw_image(canvas, seal, x, y, size, size)
    canvas.restoreState()


def seal_image() -> str | None:
    """The path of the prepared seal for ``settings.CERTIFICATE_SEAL_IMAGE``, or None when
    the setting is empty or the file is missing or not an image. Prepared again when the
    file changes."""
    path = settings.CERTIFICATE_SEAL_IMAGE
    if not path:
        return None
    try:
        status = os.stat(path)
    except OSError:
        return None
    return _prepared_seal(str(path), status.st_mtime_ns, status.st_size)


@lru_cache(maxsize=4)
def _prepared_seal(path: str, modified: int, size: int) -> str | None:
    # ``modified`` and ``size`` only key the cache: a replaced file is prepared again.
    try:
        with Image.open(path) as original:
            original.load()
            seal = original.convert("RGBA")
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return None
    seal.thumbnail((SEAL_MAX_PIXELS, SEAL_MAX_PIXELS))
    flat = Image.new("RGB", seal.size, "white")
    flat.paste(seal, mask=seal.getchannel("A"))
    handle, prepared = tempfile.mkstemp(prefix="seal-", suffix=".jpg")
    with os.fdopen(handle, "wb") as stream:
        flat.save(stream, "JPEG", quality=90)
    atexit.register(_remove, prepared)
    return prepared


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        Path(path).unlink()
