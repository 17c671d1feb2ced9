"""Image intake: bytes from a phone or laptop in, an upright RGB image out.

- EXIF orientation is applied (phone selfies are often stored rotated).
- Any mode (CMYK, palette, alpha, 16-bit, grayscale, 1-bit) becomes RGB;
  transparency is composited on white.
- Large JPEGs are decoded at reduced scale (``Image.draft``) instead of at
  full resolution, then the image is scaled to at most ``max_side`` pixels.
  A progressive JPEG still keeps every DCT coefficient of the full image
  while it decodes (2 bytes per sample: 8 bytes a pixel for CMYK), so its
  pixel limit is lowered to the same memory budget (a
  40 MP progressive CMYK JPEG cost +309 MB).
- Other formats cannot be decoded at reduced scale: they are reduced right
  after decoding, before any mode conversion (16-bit never goes through
  float64, a palette is never expanded at full size), so any accepted file
  decodes within about 300 MB and 2 s (measured in
  heroes/tests/test_intake.py with files just under every limit).
- HEIC/HEIF (iPhone) photos are accepted through pillow-heif.
- The image comes out without any of the file's metadata (EXIF, comments,
  XMP, IPTC, ICC profile).
- Refused, each with its own error: not an image (or a format we do not
  take), truncated or corrupt, over the byte limit, over the pixel limit
  (decompression bombs are caught before decoding).

Only Pillow and numpy: no TensorFlow here.
"""

import io
import os
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, UnidentifiedImageError

from heroes.ml.errors import (
    CorruptImage,
    FileMissing,
    ImageRejected,
    ImageTooLarge,
    NotAnImage,
    TooManyPixels,
)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000  # 40 MP: above any phone camera's default
DEFAULT_MAX_SIDE = 1024
# Formats other than JPEG cannot be decoded at reduced scale: the whole image
# is decoded, and some decoders need more memory than the image itself. The
# pixel limit for those is lowered so that the peak stays within this budget
# (about 300 MB with the process's own needs; measured in test_intake.py).
DEFAULT_MAX_DECODE_BYTES = 250 * 1024 * 1024
# Peak bytes per pixel while decoding and reducing, measured on files just
# under the limits (Pillow 11-13, pillow-heif 1.1): alpha modes are
# premultiplied at full size by reduce(), WebP decodes through a buffer,
# 16-bit is copied once to reach numpy.
_DECODE_BYTES_PER_PIXEL = {
    "1": 2,
    "L": 2,
    "P": 2,
    "RGB": 4.5,
    "CMYK": 4.5,
    "YCbCr": 4.5,
    "LAB": 4.5,
    "HSV": 4.5,
    "I": 5,
    "F": 5,
    "I;16": 6,
    "I;16B": 6,
    "I;16L": 6,
    "I;16N": 6,
    "LA": 8,
    "La": 8,
    "PA": 8,
    "RGBA": 8,
    "RGBa": 8,
}
_FORMAT_BYTES_PER_PIXEL = {"WEBP": 16, "HEIF": 8}
# A progressive JPEG's coefficient buffer: 2 bytes per sample of every band
# at full size (no chroma subsampling assumed), whatever the draft scale.
_PROGRESSIVE_JPEG_BYTES_PER_SAMPLE = 2
# Formats a camera, phone or browser produces. Pillow can open more (PDF
# writing only, EPS, ICO, ...); those are refused as "not a photo".
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "TIFF", "HEIF"}
# File names taken for photos when a folder is walked (training, evaluation,
# predict_image).
IMAGE_SUFFIXES = {
    ".jpg",
    ".jpeg",
    ".png",
    ".webp",
    ".bmp",
    ".gif",
    ".heic",
    ".heif",
    ".tif",
    ".tiff",
}


def decode_pixel_limit(
    image_format,
    mode,
    *,
    progressive=False,
    max_pixels=DEFAULT_MAX_PIXELS,
    max_decode_bytes=DEFAULT_MAX_DECODE_BYTES,
):
    """The most pixels accepted for this format and mode: ``max_pixels`` for
    a baseline JPEG (decoded at reduced scale), lower where a full decode or
    a progressive JPEG's coefficient buffer costs more."""
    if image_format in ("JPEG", "MPO"):
        if not progressive:
            return max_pixels
        bands = Image.getmodebands(mode) if mode in Image.MODES else 4
        per_pixel = _PROGRESSIVE_JPEG_BYTES_PER_SAMPLE * max(bands, 3)
        return min(max_pixels, int(max_decode_bytes / per_pixel))
    per_pixel = max(
        _FORMAT_BYTES_PER_PIXEL.get(image_format, 0), _DECODE_BYTES_PER_PIXEL.get(mode, 8)
    )
    return min(max_pixels, int(max_decode_bytes / per_pixel))


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


# Modes Image.reduce() averages directly (a box filter: antialiased).
_REDUCIBLE = {"L", "I", "F", "LA", "RGB", "RGBA", "CMYK", "YCbCr", "PA", "La", "RGBa"}
_SIXTEEN_BIT = {"I;16", "I;16B", "I;16L", "I;16N"}


def _shrink(image, max_side):
    """Bring a fully decoded image close to ``max_side`` before anything
    converts it, so conversions work on a small copy."""
    factor = max(image.size) // max_side
    if factor < 2:
        return image
    if image.mode in _REDUCIBLE:
        return image.reduce(factor)
    if image.mode in _SIXTEEN_BIT:
        # Box-average in integers (no float64 copy of the full image).
        array = np.asarray(image)
        height, width = (array.shape[0] // factor) * factor, (array.shape[1] // factor) * factor
        blocks = array[:height, :width].reshape(height // factor, factor, width // factor, factor)
        small = blocks.sum(axis=(1, 3), dtype=np.uint64) // (factor * factor)
        return Image.fromarray(small.astype(np.uint16))  # mode I;16
    # Palette and 1-bit: indices cannot be averaged; pick pixels down to
    # twice the target, and let the final resize smooth them.
    step = max(1, max(image.size) // (2 * max_side))
    if step < 2:
        return image
    size = (max(1, image.size[0] // step), max(1, image.size[1] // step))
    return image.resize(size, Image.Resampling.NEAREST)


def _to_rgb(image):
    mode = image.mode
    if mode == "RGB":
        return image
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        array = np.asarray(image)
        if array.dtype.byteorder == ">" or array.dtype.kind != "u":
            array = array.astype(np.int64)
        array = np.clip(array, 0, None)
        if array.max(initial=0) > 255:  # 16-bit: scale 0..65535 to 0..255, rounded
            array = (array.astype(np.int64) * 255 + 32767) // 65535
        return Image.fromarray(np.clip(array, 0, 255).astype(np.uint8), "L").convert("RGB")
    if mode == "F":
        array = np.asarray(image, dtype=np.float32)
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


def _exif_orientation(image):
    try:
        return int(image.getexif().get(0x0112, 1) or 1)
    except Exception:  # noqa: BLE001 - unreadable EXIF: leave the image as stored
        return 1


_ORIENTATION_METHODS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def load_image(
    source,
    *,
    max_bytes=DEFAULT_MAX_BYTES,
    max_pixels=DEFAULT_MAX_PIXELS,
    max_side=DEFAULT_MAX_SIDE,
    max_decode_bytes=DEFAULT_MAX_DECODE_BYTES,
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
            progressive = bool(image.info.get("progressive") or image.info.get("progression"))
            limit = decode_pixel_limit(
                image_format,
                image.mode,
                progressive=progressive,
                max_pixels=max_pixels,
                max_decode_bytes=max_decode_bytes,
            )
            if width * height > limit:
                raise TooManyPixels(f"{width}x{height} is over {limit} pixels for {image_format}")
            if image_format in ("JPEG", "MPO"):
                # Decode at 1/2, 1/4 or 1/8 scale when that still leaves at
                # least 3/4 of max_side on the long side: a 4032x3024 phone
                # photo decodes straight to 1008x756, with no resize after.
                scale = max(width, height) / (max_side * 0.75)
                if scale >= 2:
                    image.draft("RGB", (max(1, int(width / scale)), max(1, int(height / scale))))
            image.load()
            orientation = _exif_orientation(image)
            image = _to_rgb(_shrink(image, max_side))
            if orientation in _ORIENTATION_METHODS:
                image = image.transpose(_ORIENTATION_METHODS[orientation])
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
    # Nothing of the file's metadata travels on: EXIF (GPS), comments, XMP,
    # IPTC, ICC. A re-encoded photo carries pixels only.
    image.info = {}
    return LoadedImage(image=image, format=image_format, original_size=(width, height))
