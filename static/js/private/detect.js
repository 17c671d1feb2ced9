// MTCNN as heroes/ml/detect.py runs it: the same image pyramid (TensorFlow's
// AREA resize, written here), PNet proposals, RNet and ONet on bilinear crops,
// box regression, non-maximum suppression, and the same retry passes. The
// three networks run in onnxruntime-web; everything around them is here.

import { cropAndResize, pillowResize, tfAreaResize } from "./resample.js";

export const DETECTOR = {
  maxSide: 640,
  minFaceSize: 20,
  minFaceFraction: 0.08,
  scaleFactor: 0.709,
  thresholds: [0.6, 0.7, 0.8],
  minConfidence: 0.9,
  padRetry: 0.35,
};

// Greedy NMS over [x1, y1, x2, y2] boxes; kept indices, best first. The
// order of equal scores follows numpy's argsort of -scores (quicksort, not
// stable); ties between proposals are rare in practice.
// single: the boxes are float32 arrays in Python, so is its arithmetic.
export function nms(boxes, scores, threshold, method = "union", single = false) {
  const n = boxes.length;
  if (!n) return [];
  const r = single ? Math.fround : (v) => v;
  const limit = r(threshold);
  const area = boxes.map(([x1, y1, x2, y2]) =>
    r(Math.max(0, r(r(x2 - x1) + 1)) * Math.max(0, r(r(y2 - y1) + 1))),
  );
  let order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const keep = [];
  while (order.length) {
    const i = order[0];
    keep.push(i);
    const rest = order.slice(1);
    order = rest.filter((j) => {
      const w = Math.max(
        0,
        r(r(Math.min(boxes[i][2], boxes[j][2]) - Math.max(boxes[i][0], boxes[j][0])) + 1),
      );
      const h = Math.max(
        0,
        r(r(Math.min(boxes[i][3], boxes[j][3]) - Math.max(boxes[i][1], boxes[j][1])) + 1),
      );
      const inter = r(w * h);
      const overlap =
        method === "min"
          ? r(inter / Math.min(area[i], area[j]))
          : r(inter / r(r(area[i] + area[j]) - inter));
      return overlap <= limit;
    });
  }
  return keep;
}

const f32 = Math.fround;

// detect._square, then .astype(np.float32); single: float32 arithmetic
// (the boxes after RNet are float32 already).
function square(boxes, single = false) {
  const r = single ? f32 : (v) => v;
  return boxes.map(([x1, y1, x2, y2]) => {
    const w = r(x2 - x1);
    const h = r(y2 - y1);
    const side = Math.max(w, h);
    const nx1 = r(r(x1 + r(w * 0.5)) - r(side * 0.5));
    const ny1 = r(r(y1 + r(h * 0.5)) - r(side * 0.5));
    return [f32(nx1), f32(ny1), f32(nx1 + side), f32(ny1 + side)];
  });
}

// detect._refine on float32 boxes and offsets: float32 arithmetic.
function refine(boxes, offsets) {
  return boxes.map((box, i) => {
    const w = f32(f32(box[2] - box[0]) + 1);
    const h = f32(f32(box[3] - box[1]) + 1);
    const o = offsets[i];
    return [
      f32(box[0] + f32(o[0] * w)),
      f32(box[1] + f32(o[1] * h)),
      f32(box[2] + f32(o[2] * w)),
      f32(box[3] + f32(o[3] * h)),
    ];
  });
}

function rows(tensor, width) {
  const out = [];
  for (let i = 0; i < tensor.length / width; i++) {
    out.push(Array.from(tensor.subarray(i * width, (i + 1) * width)));
  }
  return out;
}

export class Detector {
  // nets: {pnet, rnet, onet} onnxruntime sessions; ort: the runtime module.
  constructor(ort, nets, options = {}) {
    this.ort = ort;
    this.nets = nets;
    this.options = { ...DETECTOR, ...options };
  }

  scales(height, width, minFace) {
    const o = this.options;
    if (minFace == null) minFace = Math.max(o.minFaceSize, o.minFaceFraction * Math.min(height, width));
    const base = 12.0 / minFace;
    const scales = [];
    let side = Math.min(height, width) * base;
    let scale = base;
    while (side >= 12) {
      scales.push(scale);
      scale *= o.scaleFactor;
      side *= o.scaleFactor;
    }
    return scales;
  }

  async run(name, input, dims) {
    const net = this.nets[name];
    const feeds = { [net.inputNames[0]]: new this.ort.Tensor("float32", input, dims) };
    const result = await net.run(feeds);
    return net.outputNames.map((key) => result[key]);
  }

  // PNet on one pyramid level: [regression [h, w, 4], face scores [h, w]].
  async pnet(image, height, width) {
    const scaled = tfAreaResize(image, height, width);
    const input = new Float32Array(scaled.data.length);
    for (let i = 0; i < input.length; i++) input[i] = f32(f32(scaled.data[i] - 127.5) / 128.0);
    const [regression, scores] = await this.run("pnet", input, [1, height, width, 3]);
    return { regression, scores };
  }

  async detectArray(image, minFace) {
    const { width, height } = image;
    if (Math.min(width, height) < 12) return [];
    // numpy compares float32 scores with the thresholds made float32.
    const [tP, tR] = this.options.thresholds.map(f32);
    const proposals = [];
    for (const scale of this.scales(height, width, minFace)) {
      const h = Math.max(12, Math.ceil(height * scale));
      const w = Math.max(12, Math.ceil(width * scale));
      const { regression, scores } = await this.pnet(image, h, w);
      const [oh, ow] = scores.dims.slice(1, 3);
      const score = scores.data;
      const reg = regression.data;
      const sy = height / h;
      const sx = width / w;
      const boxes = [];
      const values = [];
      for (let y = 0; y < oh; y++) {
        for (let x = 0; x < ow; x++) {
          const s = score[(y * ow + x) * 2 + 1];
          if (!(s > tP)) continue;
          const r = (y * ow + x) * 4;
          const x1 = x * 2.0;
          const y1 = y * 2.0;
          boxes.push([
            (x1 + reg[r] * 12) * sx,
            (y1 + reg[r + 1] * 12) * sy,
            (x1 + 12.0 + reg[r + 2] * 12) * sx,
            (y1 + 12.0 + reg[r + 3] * 12) * sy,
          ]);
          values.push(s);
        }
      }
      for (const i of nms(boxes, values, 0.5)) proposals.push([...boxes[i], values[i]]);
    }
    if (!proposals.length) return [];
    const kept = nms(
      proposals.map((p) => p.slice(0, 4)),
      proposals.map((p) => p[4]),
      0.7,
    );
    let boxes = square(kept.map((i) => proposals[i].slice(0, 4)));

    // RNet
    let [offsets, scores] = await this.run("rnet", cropAndResize(image, boxes, 24), [
      boxes.length, 24, 24, 3,
    ]);
    let rScores = [];
    let rOffsets = [];
    let rBoxes = [];
    const off = rows(offsets.data, 4);
    for (let i = 0; i < boxes.length; i++) {
      const s = scores.data[i * 2 + 1];
      if (s > tR) {
        rScores.push(s);
        rOffsets.push(off[i]);
        rBoxes.push(boxes[i]);
      }
    }
    if (!rBoxes.length) return [];
    rBoxes = refine(rBoxes, rOffsets);
    const keepR = nms(rBoxes, rScores, 0.7, "union", true);
    boxes = square(
      keepR.map((i) => rBoxes[i]),
      true,
    );

    // ONet
    const outputs = await this.run("onet", cropAndResize(image, boxes, 48), [
      boxes.length, 48, 48, 3,
    ]);
    [offsets, , scores] = outputs;
    const landmarks = outputs[1];
    const minScore = f32(Math.max(this.options.thresholds[2], this.options.minConfidence));
    const oBoxes = [];
    const oScores = [];
    const oOffsets = [];
    const oPoints = [];
    const off2 = rows(offsets.data, 4);
    const marks = rows(landmarks.data, 10);
    for (let i = 0; i < boxes.length; i++) {
      const s = scores.data[i * 2 + 1];
      if (!(s > minScore)) continue;
      const box = boxes[i];
      const w = f32(f32(box[2] - box[0]) + 1);
      const h = f32(f32(box[3] - box[1]) + 1);
      const m = marks[i];
      const points = [];
      for (let k = 0; k < 5; k++) {
        points.push([f32(f32(f32(w * m[k]) + box[0]) - 1), f32(f32(f32(h * m[k + 5]) + box[1]) - 1)]);
      }
      oBoxes.push(box);
      oScores.push(s);
      oOffsets.push(off2[i]);
      oPoints.push(points);
    }
    if (!oBoxes.length) return [];
    const refined = refine(oBoxes, oOffsets);
    return nms(refined, oScores, 0.7, "min", true).map((i) => ({
      box: [
        refined[i][0],
        refined[i][1],
        f32(refined[i][2] - refined[i][0]),
        f32(refined[i][3] - refined[i][1]),
      ],
      confidence: oScores[i],
      landmarks: oPoints[i],
    }));
  }

  // Every face in an RGB image ({width, height, data: Uint8ClampedArray}),
  // largest first, in the image's pixels.
  async detect(image) {
    const { width, height } = image;
    const o = this.options;
    const scale = Math.min(1.0, o.maxSide / Math.max(height, width));
    let small = image;
    if (scale < 1.0) {
      small = pillowResize(
        image,
        Math.max(1, Math.round(width * scale)),
        Math.max(1, Math.round(height * scale)),
      );
    }
    const asFloat = (img) => ({ width: img.width, height: img.height, data: Float32Array.from(img.data) });
    let faces = await this.detectArray(asFloat(small));
    if (!faces.length && o.padRetry) {
      const pad = Math.round(Math.max(small.width, small.height) * o.padRetry);
      const pw = small.width + 2 * pad;
      const ph = small.height + 2 * pad;
      const padded = new Float32Array(pw * ph * 3).fill(127);
      for (let y = 0; y < small.height; y++) {
        for (let x = 0; x < small.width * 3; x++) {
          padded[((y + pad) * pw + pad) * 3 + x] = small.data[y * small.width * 3 + x];
        }
      }
      faces = (await this.detectArray({ width: pw, height: ph, data: padded })).map((face) => ({
        box: [face.box[0] - pad, face.box[1] - pad, face.box[2], face.box[3]],
        confidence: face.confidence,
        landmarks: face.landmarks.map(([x, y]) => [x - pad, y - pad]),
      }));
    }
    if (!faces.length && o.minFaceFraction) {
      faces = await this.detectArray(asFloat(small), o.minFaceSize);
    }
    if (scale < 1.0) {
      const sx = width / small.width;
      const sy = height / small.height;
      faces = faces.map((face) => ({
        box: [face.box[0] * sx, face.box[1] * sy, face.box[2] * sx, face.box[3] * sy],
        confidence: face.confidence,
        landmarks: face.landmarks.map(([x, y]) => [x * sx, y * sy]),
      }));
    }
    faces = faces.map((face) => {
      const [x, y, w, h] = face.box;
      const x1 = Math.max(0, x);
      const y1 = Math.max(0, y);
      const x2 = Math.min(width, x + w);
      const y2 = Math.min(height, y + h);
      return { ...face, box: [x1, y1, x2 - x1, y2 - y1] };
    });
    const area = (face) => Math.max(0, face.box[2]) * Math.max(0, face.box[3]);
    // Python's sorted() is stable: equal areas keep their order.
    return faces
      .map((face, i) => [face, i])
      .sort((a, b) => area(b[0]) - area(a[0]) || a[1] - b[1])
      .map(([face]) => face);
  }
}
