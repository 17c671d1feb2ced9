// Resampling as the server's engine does it, pixel for pixel where it can be:
// Pillow's bilinear resize and box reduce (intake, detection's 640 px copy),
// TensorFlow's AREA resize (MTCNN's image pyramid) and crop_and_resize
// (the 24 and 48 px crops of RNet and ONet). Images are {width, height, data}
// with data an interleaved RGB array (Uint8ClampedArray or Float32Array).

const PRECISION_BITS = 32 - 8 - 2; // Pillow's fixed point for 8-bit images

function bilinearFilter(x) {
  x = Math.abs(x);
  return x < 1 ? 1 - x : 0;
}

// Pillow's precompute_coeffs (libImaging/Resample.c) with the bilinear
// filter, normalised to its 8-bit fixed point (normalize_coeffs_8bpc).
function coefficients(inSize, in0, in1, outSize) {
  const scale = (in1 - in0) / outSize;
  const filterscale = Math.max(scale, 1.0);
  const support = 1.0 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kk = new Int32Array(outSize * ksize);
  const pre = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = in0 + (xx + 0.5) * scale;
    const ss = 1.0 / filterscale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0.0;
    for (let x = 0; x < xmax; x++) {
      const w = bilinearFilter((x + xmin - center + 0.5) * ss);
      pre[x] = w;
      ww += w;
    }
    for (let x = 0; x < ksize; x++) {
      let value = x < xmax ? pre[x] : 0;
      if (x < xmax && ww !== 0.0) value /= ww;
      kk[xx * ksize + x] =
        value < 0
          ? Math.trunc(-0.5 + value * (1 << PRECISION_BITS))
          : Math.trunc(0.5 + value * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, kk };
}

function clip8(value) {
  const v = value >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

// Integer sums as Pillow's C (32-bit); Math.imul keeps JS in int32 too.
function horizontal(image, yFirst, rows, coeffs) {
  const { ksize, bounds, kk } = coeffs;
  const outWidth = bounds.length / 2;
  const out = new Uint8ClampedArray(outWidth * rows * 3);
  const src = image.data;
  for (let y = 0; y < rows; y++) {
    const rowStart = (y + yFirst) * image.width * 3;
    for (let xx = 0; xx < outWidth; xx++) {
      const xmin = bounds[xx * 2];
      const xmax = bounds[xx * 2 + 1];
      const k = xx * ksize;
      let s0 = 1 << (PRECISION_BITS - 1);
      let s1 = s0;
      let s2 = s0;
      for (let x = 0; x < xmax; x++) {
        const p = rowStart + (x + xmin) * 3;
        const c = kk[k + x];
        s0 = (s0 + Math.imul(src[p], c)) | 0;
        s1 = (s1 + Math.imul(src[p + 1], c)) | 0;
        s2 = (s2 + Math.imul(src[p + 2], c)) | 0;
      }
      const o = (y * outWidth + xx) * 3;
      out[o] = clip8(s0);
      out[o + 1] = clip8(s1);
      out[o + 2] = clip8(s2);
    }
  }
  return { width: outWidth, height: rows, data: out };
}

function vertical(image, coeffs) {
  const { ksize, bounds, kk } = coeffs;
  const outHeight = bounds.length / 2;
  const width = image.width;
  const out = new Uint8ClampedArray(width * outHeight * 3);
  const src = image.data;
  for (let yy = 0; yy < outHeight; yy++) {
    const ymin = bounds[yy * 2];
    const ymax = bounds[yy * 2 + 1];
    const k = yy * ksize;
    for (let x = 0; x < width; x++) {
      let s0 = 1 << (PRECISION_BITS - 1);
      let s1 = s0;
      let s2 = s0;
      for (let y = 0; y < ymax; y++) {
        const p = ((y + ymin) * width + x) * 3;
        const c = kk[k + y];
        s0 = (s0 + Math.imul(src[p], c)) | 0;
        s1 = (s1 + Math.imul(src[p + 1], c)) | 0;
        s2 = (s2 + Math.imul(src[p + 2], c)) | 0;
      }
      const o = (yy * width + x) * 3;
      out[o] = clip8(s0);
      out[o + 1] = clip8(s1);
      out[o + 2] = clip8(s2);
    }
  }
  return { width, height: outHeight, data: out };
}

// Image.resize(size, BILINEAR, box) of an 8-bit RGB image (ImagingResample
// of Pillow 13: the vertical pass goes first when the height shrinks more
// than twice as much as the width).
export function pillowResize(image, outWidth, outHeight, box) {
  const [x0, y0, x1, y1] = box || [0, 0, image.width, image.height];
  const shrinkY = image.height - outHeight;
  const verticalFirst = shrinkY > 0 && shrinkY > (image.width - outWidth) * 2;
  const needH = outWidth !== image.width || x0 !== 0 || x1 !== outWidth;
  const needV = outHeight !== image.height || y0 !== 0 || y1 !== outHeight;
  const horiz = coefficients(image.width, x0, x1, outWidth);
  const vert = coefficients(image.height, y0, y1, outHeight);
  let current = image;
  if (verticalFirst) {
    if (needV) current = vertical(current, vert);
    if (needH) current = horizontal(current, 0, current.height, horiz);
    return current;
  }
  if (needH) {
    const first = vert.bounds[0];
    const last = vert.bounds[outHeight * 2 - 2] + vert.bounds[outHeight * 2 - 1];
    for (let i = 0; i < outHeight; i++) vert.bounds[i * 2] -= first;
    current = horizontal(image, first, last - first, horiz);
  }
  if (needV) current = vertical(current, vert);
  return current;
}

// Image.reduce(factor): the mean of each factor x factor block (blocks at
// the right and bottom edges are smaller), rounded as Pillow's Reduce.c does
// it: (sum + n / 2) times a 24-bit fixed-point reciprocal.
function reduceMean(sum, n) {
  const multiplier = Math.trunc(Math.fround(4294967296 / Math.fround(256 * n)));
  return Math.floor(((sum + (n >> 1)) * multiplier) / 16777216);
}

// stride: bytes per pixel of image.data (4: RGBA straight from a canvas,
// alpha ignored); the result is RGB.
export function boxReduce(image, factor, stride = 3) {
  const width = Math.ceil(image.width / factor);
  const height = Math.ceil(image.height / factor);
  const out = new Uint8ClampedArray(width * height * 3);
  for (let y = 0; y < height; y++) {
    const yEnd = Math.min(image.height, (y + 1) * factor);
    for (let x = 0; x < width; x++) {
      const xEnd = Math.min(image.width, (x + 1) * factor);
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let n = 0;
      for (let yy = y * factor; yy < yEnd; yy++) {
        for (let xx = x * factor; xx < xEnd; xx++) {
          const p = (yy * image.width + xx) * stride;
          s0 += image.data[p];
          s1 += image.data[p + 1];
          s2 += image.data[p + 2];
          n++;
        }
      }
      const o = (y * width + x) * 3;
      out[o] = reduceMean(s0, n);
      out[o + 1] = reduceMean(s1, n);
      out[o + 2] = reduceMean(s2, n);
    }
  }
  return { width, height, data: out };
}

// Image.thumbnail((side, side), BILINEAR, reducing_gap=2.0): the size Pillow
// picks (aspect kept, rounded its way), a box reduce first when the image is
// more than twice the size, then the bilinear resize.
export function pillowThumbnail(image, side) {
  if (image.width <= side && image.height <= side) return image;
  const aspect = image.width / image.height;
  let x = side;
  let y = side;
  const pick = (number, key) => {
    const a = Math.floor(number);
    const b = Math.ceil(number);
    return Math.max(key(b) < key(a) ? b : a, 1);
  };
  if (x / y >= aspect) {
    x = pick(y * aspect, (n) => Math.abs(aspect - n / y));
  } else {
    y = pick(x / aspect, (n) => (n === 0 ? 0 : Math.abs(aspect - x / n)));
  }
  let box = [0, 0, image.width, image.height];
  const fx = Math.trunc(image.width / x / 2.0) || 1;
  const fy = Math.trunc(image.height / y / 2.0) || 1;
  if (fx > 1 || fy > 1) {
    // Pillow reduces a box around what the filter reads (_get_safe_box);
    // for a full-image box with equal factors that is the whole image.
    const factor = Math.min(fx, fy);
    image = boxReduce(image, factor);
    box = [0, 0, box[2] / factor, box[3] / factor];
  }
  return pillowResize(image, x, y, box);
}

// tf.image.resize(method=AREA) of a float image (resize_area_op.cc, no
// align_corners), in float32 arithmetic as TensorFlow's CPU kernel.
export function tfAreaResize(image, outHeight, outWidth) {
  const f = Math.fround;
  const inH = image.height;
  const inW = image.width;
  const src = image.data;
  const heightScale = f(inH / outHeight);
  const widthScale = f(inW / outWidth);
  const scale = f(1.0 / f(heightScale * widthScale));
  const weight = (i, lo, hi, step) =>
    i < lo ? (i + 1 > hi ? step : f(i + 1 - lo)) : i + 1 > hi ? f(hi - i) : 1.0;
  // Per output column: the input columns it covers (flat) and their weights.
  const colStart = new Int32Array(outWidth + 1);
  const cols = [];
  const colWeights = [];
  for (let x = 0; x < outWidth; x++) {
    const inX = f(x * widthScale);
    const inX1 = f((x + 1) * widthScale);
    colStart[x] = cols.length;
    for (let i = Math.floor(inX); i < Math.ceil(inX1); i++) {
      cols.push(Math.min(i, inW - 1) * 3);
      colWeights.push(weight(i, inX, inX1, widthScale));
    }
  }
  colStart[outWidth] = cols.length;
  const colIndex = Int32Array.from(cols);
  const colWeight = Float32Array.from(colWeights);
  const out = new Float32Array(outHeight * outWidth * 3);
  for (let y = 0; y < outHeight; y++) {
    const inY = f(y * heightScale);
    const inY1 = f((y + 1) * heightScale);
    const start = Math.floor(inY);
    const end = Math.ceil(inY1);
    for (let x = 0; x < outWidth; x++) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      const c0 = colStart[x];
      const c1 = colStart[x + 1];
      for (let i = start; i < end; i++) {
        const wy = weight(i, inY, inY1, heightScale);
        const row = Math.min(i, inH - 1) * inW * 3;
        let r0 = 0;
        let r1 = 0;
        let r2 = 0;
        for (let c = c0; c < c1; c++) {
          const p = row + colIndex[c];
          const wx = colWeight[c];
          r0 = f(r0 + f(src[p] * wx));
          r1 = f(r1 + f(src[p + 1] * wx));
          r2 = f(r2 + f(src[p + 2] * wx));
        }
        s0 = f(s0 + f(r0 * wy));
        s1 = f(s1 + f(r1 * wy));
        s2 = f(s2 + f(r2 * wy));
      }
      const o = (y * outWidth + x) * 3;
      out[o] = f(s0 * scale);
      out[o + 1] = f(s1 * scale);
      out[o + 2] = f(s2 * scale);
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}

// tf.image.crop_and_resize (bilinear, extrapolation 0) of boxes given as
// [x1, y1, x2, y2] in pixels, normalised as detect.py does; then MTCNN's
// (x - 127.5) / 128. Returns a Float32Array [boxes, size, size, 3].
export function cropAndResize(image, boxes, size) {
  const f = Math.fround;
  const h = image.height;
  const w = image.width;
  const src = image.data;
  const out = new Float32Array(boxes.length * size * size * 3);
  const fh = f(h);
  const fw = f(w);
  boxes.forEach((box, b) => {
    const y1 = f(f(box[1]) / fh);
    const x1 = f(f(box[0]) / fw);
    const y2 = f(f(box[3]) / fh);
    const x2 = f(f(box[2]) / fw);
    const heightScale = size > 1 ? f(f(f(y2 - y1) * (h - 1)) / (size - 1)) : 0;
    const widthScale = size > 1 ? f(f(f(x2 - x1) * (w - 1)) / (size - 1)) : 0;
    for (let y = 0; y < size; y++) {
      const inY = f(f(y1 * (h - 1)) + f(y * heightScale));
      const base = (b * size + y) * size * 3;
      if (inY < 0 || inY > h - 1) {
        for (let i = 0; i < size * 3; i++) out[base + i] = f((0 - 127.5) / 128.0);
        continue;
      }
      const top = Math.floor(inY);
      const bottom = Math.ceil(inY);
      const yLerp = f(inY - top);
      for (let x = 0; x < size; x++) {
        const inX = f(f(x1 * (w - 1)) + f(x * widthScale));
        const o = base + x * 3;
        if (inX < 0 || inX > w - 1) {
          for (let c = 0; c < 3; c++) out[o + c] = f((0 - 127.5) / 128.0);
          continue;
        }
        const left = Math.floor(inX);
        const right = Math.ceil(inX);
        const xLerp = f(inX - left);
        for (let c = 0; c < 3; c++) {
          const tl = src[(top * w + left) * 3 + c];
          const tr = src[(top * w + right) * 3 + c];
          const bl = src[(bottom * w + left) * 3 + c];
          const br = src[(bottom * w + right) * 3 + c];
          const t = f(tl + f(f(tr - tl) * xLerp));
          const bo = f(bl + f(f(br - bl) * xLerp));
          const v = f(t + f(f(bo - t) * yLerp));
          out[o + c] = f(f(v - 127.5) / 128.0);
        }
      }
    }
  });
  return out;
}
