// Image intake as heroes/ml/intake.py does it, in the browser: the photo
// upright (EXIF orientation, applied by the browser's decoder), RGB,
// transparency on white, big photos brought to at most 1024 px the way
// Pillow does (JPEG: the 1/2, 1/4 or 1/8 draft scale, approximated by a box
// average, then Pillow's bilinear thumbnail). Nothing leaves the page.

import { boxReduce, pillowThumbnail } from "./resample.js";

export const MAX_SIDE = 1024;
export const MAX_BYTES = 10 * 1024 * 1024;
export const MAX_PIXELS = 40_000_000;

export class ImageRejected extends Error {
  constructor(code, message) {
    super(message || code);
    this.code = code;
  }
}

// The format from the first bytes, named as Pillow names it; null: not a
// photo format the engine takes.
export function sniffFormat(bytes) {
  const b = bytes;
  const ascii = (from, to) => String.fromCharCode(...b.subarray(from, to));
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "JPEG";
  if (ascii(1, 4) === "PNG") return "PNG";
  if (ascii(0, 4) === "GIF8") return "GIF";
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "WEBP";
  if (ascii(0, 2) === "BM") return "BMP";
  if (ascii(0, 4) === "II*\0" || ascii(0, 4) === "MM\0*") return "TIFF";
  if (ascii(4, 8) === "ftyp" && /^(heic|heix|hevc|heim|heis|mif1|msf1)/.test(ascii(8, 12))) {
    return "HEIF";
  }
  return null;
}

// JPEG's draft scale as Image.draft picks it (intake.load_image asks for
// max_side * 0.75 on the long side).
export function draftScale(width, height, maxSide = MAX_SIDE) {
  const scale = Math.max(width, height) / (maxSide * 0.75);
  if (scale < 2) return 1;
  const rw = Math.max(1, Math.trunc(width / scale));
  const rh = Math.max(1, Math.trunc(height / scale));
  const s = Math.min(Math.floor(width / rw), Math.floor(height / rh));
  for (const step of [8, 4, 2]) if (s >= step) return step;
  return 1;
}

// {width, height, data: RGB bytes} from RGBA canvas pixels, alpha on white.
export function rgbFromRgba(rgba, width, height) {
  const data = new Uint8ClampedArray(width * height * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    const a = rgba[i + 3];
    if (a === 255) {
      data[j] = rgba[i];
      data[j + 1] = rgba[i + 1];
      data[j + 2] = rgba[i + 2];
    } else {
      for (let c = 0; c < 3; c++) data[j + c] = Math.round((rgba[i + c] * a + 255 * (255 - a)) / 255);
    }
  }
  return { width, height, data };
}

// A File or Blob -> {image: {width, height, data}, format, originalSize}.
export async function loadImage(blob, { maxBytes = MAX_BYTES, maxSide = MAX_SIDE } = {}) {
  if (blob.size > maxBytes) throw new ImageRejected("too_large");
  if (!blob.size) throw new ImageRejected("not_an_image", "empty file");
  const head = new Uint8Array(await blob.slice(0, 32).arrayBuffer());
  const format = sniffFormat(head);
  if (!format) throw new ImageRejected("not_an_image");
  let bitmap;
  try {
    bitmap = await createImageBitmap(blob, {
      imageOrientation: "from-image",
      premultiplyAlpha: "none",
      colorSpaceConversion: "none",
    });
  } catch {
    // HEIC and TIFF are taken by the server but not decoded by most browsers.
    throw new ImageRejected(format === "HEIF" || format === "TIFF" ? "not_in_browser" : "corrupt_image");
  }
  const { width, height } = bitmap;
  if (width * height > MAX_PIXELS) {
    bitmap.close();
    throw new ImageRejected("too_many_pixels");
  }
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const rgba = context.getImageData(0, 0, width, height).data;
  canvas.width = canvas.height = 1; // let the full-size pixels go
  const step = format === "JPEG" ? draftScale(width, height, maxSide) : 1;
  // A JPEG has no alpha: its draft reduction reads the RGBA pixels directly.
  let image =
    step > 1
      ? boxReduce({ width, height, data: rgba }, step, 4)
      : rgbFromRgba(rgba, width, height);
  const factor = Math.floor(Math.max(image.width, image.height) / maxSide);
  if (factor >= 2) image = boxReduce(image, factor);
  image = pillowThumbnail(image, maxSide);
  return { image, format, originalSize: [width, height] };
}
