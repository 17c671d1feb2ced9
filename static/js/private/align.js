// Face alignment as heroes/ml/align.py: a weighted least-squares similarity
// from MTCNN's five landmarks to dlib's 150x150 template, a binomial image
// pyramid for big faces, bilinear sampling, truncation to bytes.

export const CHIP_SIZE = 150;
const TEMPLATE_150 = [
  [46.36, 44.95],
  [100.6, 44.81],
  [73.49, 74.17],
  [50.0, 101.99],
  [97.13, 101.98],
];
const LANDMARK_WEIGHTS = [1.0, 1.0, 0.6, 0.1, 0.1];

// The weighted Umeyama fit without reflection. In two dimensions its SVD has
// a closed form: the rotation angle is atan2(b, a) of the weighted cross-
// covariance, the scale its length over the source variance.
export function similarityTransform(src, dst, weights = LANDMARK_WEIGHTS) {
  const total = weights.reduce((a, b) => a + b, 0);
  const w = weights.map((v) => v / total);
  let msx = 0;
  let msy = 0;
  let mdx = 0;
  let mdy = 0;
  for (let i = 0; i < src.length; i++) {
    msx += w[i] * src[i][0];
    msy += w[i] * src[i][1];
    mdx += w[i] * dst[i][0];
    mdy += w[i] * dst[i][1];
  }
  let varS = 0;
  let a = 0;
  let b = 0;
  for (let i = 0; i < src.length; i++) {
    const sx = src[i][0] - msx;
    const sy = src[i][1] - msy;
    const dx = dst[i][0] - mdx;
    const dy = dst[i][1] - mdy;
    varS += w[i] * (sx * sx + sy * sy);
    a += w[i] * (sx * dx + sy * dy);
    b += w[i] * (sx * dy - sy * dx);
  }
  if (varS <= 1e-12) throw new Error("degenerate landmarks (all points coincide)");
  const norm = Math.hypot(a, b);
  const scale = norm / varS;
  const c = norm > 0 ? a / norm : 1;
  const s = norm > 0 ? b / norm : 0;
  const m00 = scale * c;
  const m01 = -scale * s;
  const m10 = scale * s;
  const m11 = scale * c;
  return [
    [m00, m01, mdx - (m00 * msx + m01 * msy)],
    [m10, m11, mdy - (m10 * msx + m11 * msy)],
  ];
}

const f32 = Math.fround;
const KERNEL = [1, 4, 6, 4, 1].map((v) => f32(v / 16));

// align._halve on a float32 RGB image: 5-tap binomial blur, every second
// pixel, edges repeated; float32 sums in numpy's order.
function halve(img) {
  const { width: w, height: h, data } = img;
  const rowsH = Math.ceil(h / 2);
  const rows = new Float32Array(rowsH * w * 3);
  for (let y = 0; y < rowsH; y++) {
    for (let i = 0; i < w * 3; i++) {
      let sum = 0;
      for (let k = 0; k < 5; k++) {
        const src = Math.min(h - 1, Math.max(0, 2 * y + k - 2));
        sum = f32(sum + f32(KERNEL[k] * data[src * w * 3 + i]));
      }
      rows[y * w * 3 + i] = sum;
    }
  }
  const colsW = Math.ceil(w / 2);
  const out = new Float32Array(rowsH * colsW * 3);
  for (let y = 0; y < rowsH; y++) {
    for (let x = 0; x < colsW; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let k = 0; k < 5; k++) {
          const src = Math.min(w - 1, Math.max(0, 2 * x + k - 2));
          sum = f32(sum + f32(KERNEL[k] * rows[(y * w + src) * 3 + c]));
        }
        out[(y * colsW + x) * 3 + c] = sum;
      }
    }
  }
  return { width: colsW, height: rowsH, data: out };
}

export function chipTransform(landmarks, size = CHIP_SIZE) {
  const factor = (size - 1) / (CHIP_SIZE - 1);
  return similarityTransform(
    landmarks,
    TEMPLATE_150.map(([x, y]) => [x * factor, y * factor]),
  );
}

// A size x size uint8 RGB chip (Uint8Array, interleaved) out of an RGB image.
export function alignFace(image, landmarks, size = CHIP_SIZE) {
  const m = chipTransform(landmarks, size);
  const det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
  let ai = [
    [m[1][1] / det, -m[0][1] / det],
    [-m[1][0] / det, m[0][0] / det],
  ];
  let ti = [
    -(ai[0][0] * m[0][2] + ai[0][1] * m[1][2]),
    -(ai[1][0] * m[0][2] + ai[1][1] * m[1][2]),
  ];
  let step = Math.sqrt(Math.abs(ai[0][0] * ai[1][1] - ai[0][1] * ai[1][0]));
  const corners = [
    [0, 0],
    [size - 1, 0],
    [0, size - 1],
    [size - 1, size - 1],
  ].map(([u, v]) => [ai[0][0] * u + ai[0][1] * v + ti[0], ai[1][0] * u + ai[1][1] * v + ti[1]]);
  const margin = 2.0 * step + 2.0;
  const xs = corners.map((p) => p[0]);
  const ys = corners.map((p) => p[1]);
  const { width: w, height: h } = image;
  const xLo = Math.trunc(Math.max(0, Math.floor(Math.min(...xs) - margin)));
  const yLo = Math.trunc(Math.max(0, Math.floor(Math.min(...ys) - margin)));
  const xHi = Math.trunc(Math.min(w, Math.ceil(Math.max(...xs) + margin) + 1));
  const yHi = Math.trunc(Math.min(h, Math.ceil(Math.max(...ys) + margin) + 1));
  const chip = new Uint8Array(size * size * 3);
  if (xHi <= xLo || yHi <= yLo) return chip;
  let work = { width: xHi - xLo, height: yHi - yLo, data: null };
  work.data = new Float32Array(work.width * work.height * 3);
  for (let y = 0; y < work.height; y++) {
    const from = ((y + yLo) * w + xLo) * 3;
    work.data.set(image.data.subarray(from, from + work.width * 3), y * work.width * 3);
  }
  ti = [ti[0] - xLo, ti[1] - yLo];
  while (step > 2.0 && Math.min(work.width, work.height) >= 8) {
    work = halve(work);
    ai = ai.map((row) => row.map((v) => v / 2.0));
    ti = ti.map((v) => v / 2.0);
    step /= 2.0;
  }
  const W = work.width;
  const H = work.height;
  const src = work.data;
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      const x = ai[0][0] * u + ai[0][1] * v + ti[0];
      const y = ai[1][0] * u + ai[1][1] * v + ti[1];
      const o = (v * size + u) * 3;
      if (!(x >= 0 && y >= 0 && x <= W - 1 && y <= H - 1)) continue; // black
      const x0 = Math.min(Math.max(Math.floor(x), 0), Math.max(W - 2, 0));
      const y0 = Math.min(Math.max(Math.floor(y), 0), Math.max(H - 2, 0));
      const x1 = Math.min(x0 + 1, W - 1);
      const y1 = Math.min(y0 + 1, H - 1);
      const fx = Math.min(Math.max(x - x0, 0), 1);
      const fy = Math.min(Math.max(y - y0, 0), 1);
      for (let c = 0; c < 3; c++) {
        const top = src[(y0 * W + x0) * 3 + c] * (1 - fx) + src[(y0 * W + x1) * 3 + c] * fx;
        const bottom = src[(y1 * W + x0) * 3 + c] * (1 - fx) + src[(y1 * W + x1) * 3 + c] * fx;
        const value = top * (1 - fy) + bottom * fy;
        chip[o + c] = value <= 0 ? 0 : value >= 255 ? 255 : Math.trunc(value);
      }
    }
  }
  return chip;
}
