"""Image intake: bytes from a phone or laptop in, an upright RGB image out.

- EXIF orientation is applied (phone selfies are often stored rotated).
- Any mode (CMYK, palette, alpha, 16-bit, grayscale, 1-bit) becomes RGB;
  transparency is composited on white.
- Large JPEGs are decoded at reduced scale (``Image.draft``) instead of at
  full resolution, then the image is scaled to at most ``max_side`` pixels.
- HEIC/HEIF (iPhone) photos are accepted through pillow-heif.
- Refused, each with its own error: not an image (or a format we do not
  take), truncated or corrupt, over the byte limit, over the pixel limit
  (decompression bombs are caught before decoding).

Only Pillow and numpy: no TensorFlow here.
"""

from dataclasses import dataclass
import io
import os
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000  # 40 MP: above any phone camera's default
DEFAULT_MAX_SIDE = 1024
# Formats a camera, phone or browser produces. Pillow can open more (PDF
# writing only, EPS, ICO, ...); those are refused as "not a photo".
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "TIFF", "HEIF"}


class ImageRejected(ValueError):
    """The file cannot be used. ``code`` is stable and machine-readable."""

    code = "invalid_image"

    def __init__(self, detail=""):
        super().__init__(detail or self.code)
        self.detail = detail


class NotAnImage(ImageRejected):
    code = "not_an_image"


class CorruptImage(ImageRejected):
    code = "corrupt_image"


class FileMissing(ImageRejected):
    code = "not_found"


class ImageTooLarge(ImageRejected):
    code = "too_large"


class TooManyPixels(ImageRejected):
    code = "too_many_pixels"


@dataclass(frozen=True)
class LoadedImage:
    image: Image.Image  # RGB, upright, long side <= max_side
    format: str  # as Pillow names it: JPEG, PNG, HEIF...
    original_size: tuple  # (width, height) as stored, before orientation

    @property
    def array(self):
        return np.asarray(self.image)


_heif_registered = False


def _register_heif():
    global _heif_registered
    if not _heif_registered:
        try:
            from pillow_heif import register_heif_opener
        except ImportError:  # optional: HEIC is then refused as not an image
            pass
        else:
            register_heif_opener()
        _heif_registered = True


def _read_bytes(source, max_bytes):
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        if not os.path.isfile(source):
            raise FileMissing(f"{source} is not a file")
        if os.path.getsize(source) > max_bytes:
            raise ImageTooLarge(f"larger than {max_bytes} bytes")
        with open(source, "rb") as handle:
            data = handle.read(max_bytes + 1)
    else:  # a file object: Django's UploadedFile, BytesIO...
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImageTooLarge(f"larger than {max_bytes} bytes")
    if not data:
        raise NotAnImage("empty file")
    return data


def _to_rgb(image):
    mode = image.mode
    if mode == "RGB":
        return image
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        array = np.asarray(image, dtype=np.float64)
        top = 65535.0 if array.max(initial=0) > 255 else 255.0
        array = np.clip(array / top * 255.0 + 0.5, 0, 255).astype(np.uint8)
        return Image.fromarray(array, "L").convert("RGB")
    if mode == "F":
        array = np.asarray(image, dtype=np.float64)
        lo, hi = float(array.min(initial=0)), float(array.max(initial=1))
        array = (array - lo) / max(hi - lo, 1e-9) * 255.0
        return Image.fromarray(array.astype(np.uint8), "L").convert("RGB")
    if mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        mode = image.mode
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")  # L, 1, CMYK, YCbCr, LAB, HSV


def load_image(
    source,
    *,
    max_bytes=DEFAULT_MAX_BYTES,
    max_pixels=DEFAULT_MAX_PIXELS,
    max_side=DEFAULT_MAX_SIDE,
):
    """Read, check and normalise an image from a path, bytes or a file object."""
    _register_heif()
    data = _read_bytes(source, max_bytes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image_format = image.format or ""
            if image_format not in ACCEPTED_FORMATS:
                raise NotAnImage(f"unsupported format {image_format or 'unknown'}")
            width, height = image.size
            if width < 1 or height < 1:
                raise CorruptImage("empty image")
            if width * height > max_pixels:
                raise TooManyPixels(f"{width}x{height} is over {max_pixels} pixels")
            if image_format in ("JPEG", "MPO"):
                # Decode at 1/2, 1/4 or 1/8 scale when that still leaves at
                # least 3/4 of max_side on the long side: a 4032x3024 phone
                # photo decodes straight to 1008x756, with no resize after.
                scale = max(width, height) / (max_side * 0.75)
                if scale >= 2:
                    image.draft("RGB", (max(1, int(width / scale)), max(1, int(height / scale))))
            image.load()
            image = ImageOps.exif_transpose(image)
            image = _to_rgb(image)
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise TooManyPixels(str(exc)) from None
    except UnidentifiedImageError:
        raise NotAnImage("not a recognised image") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise CorruptImage(str(exc) or "corrupt image") from None

    if max(image.size) > max_side:
        # Pillow's bilinear resize is antialiased (its filter widens with the
        # scale), and twice as fast as Lanczos here.
        image.thumbnail((max_side, max_side), Image.Resampling.BILINEAR, reducing_gap=2.0)
    return LoadedImage(image=image, format=image_format, original_size=(width, height))
