// Private mode's engine: the server's pipeline (heroes/ml/engine.py) in the
// browser, from the files scripts/build_browser_engine.py builds out of the
// committed model. Photo in, the engine's JSON out; nothing is sent.
//
//   const engine = await PrivateEngine.load("/static/private/manifest.json");
//   const result = await engine.analyse(file);   // or analyse(file, {faceIndex})
//
// The runtime is the vendored onnxruntime-web (WebAssembly, one thread: no
// cross-origin isolation is needed), static/vendor/onnxruntime-web/.

import { alignFace, CHIP_SIZE } from "./align.js";
import { Classifier } from "./classify.js";
import { Detector } from "./detect.js";
import { ImageRejected, loadImage } from "./intake.js";

export { ImageRejected };

// Faces whose short side is under this many pixels are too small to compare
// (engine.MIN_FACE_PX).
export const MIN_FACE_PX = 32;

const round = (value, digits) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

// A file's bytes; onBytes(n) hears of each chunk as it arrives (the
// download's progress on a slow phone).
async function fetchBytes(url, onBytes = null) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  if (!onBytes || !response.body) return new Uint8Array(await response.arrayBuffer());
  const chunks = [];
  let length = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
    onBytes(value.length);
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

// What the browser posts for a private result: the ranking restricted to the
// catalog's active heroes, probabilities renormalised over them and rounded
// as heroes/services.py stores them, the model version, the tie and the
// face's box relative to the photo. No pixels, no embedding.
export function privateRanking(result, activeHeroes) {
  const active = new Set(activeHeroes);
  const rows = result.rawRanking.filter((score) => active.has(score.hero));
  const total = rows.reduce((sum, score) => sum + score.probability, 0) || 1;
  return {
    model_version: result.model_version,
    ranking: rows.map((score) => ({
      hero: score.hero,
      probability: round(score.probability / total, 6),
      index: score.index == null ? null : round(score.index, 2),
    })),
    nearly_tied: result.nearly_tied,
    face_box: result.face_box,
  };
}

export class PrivateEngine {
  // onProgress(loaded, total): bytes of the model files received so far.
  static async load(manifestUrl, { runtimeUrl, onProgress } = {}) {
    const base = new URL(manifestUrl, document.baseURI);
    const runtime = new URL(runtimeUrl || "../vendor/onnxruntime-web/", base);
    const ort = await import(new URL("ort.wasm.min.mjs", runtime).href);
    ort.env.wasm.wasmPaths = runtime.href;
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    const manifest = await (await fetch(base)).json();
    const file = (key) => new URL(manifest.files[key], base).href;
    const total = Object.values(manifest.sizes || {}).reduce((sum, size) => sum + size, 0);
    let received = 0;
    const heard = onProgress
      ? (bytes) => {
          received += bytes;
          onProgress(Math.min(received, total), total);
        }
      : null;
    const bytesOf = (key) => fetchBytes(file(key), heard);
    const options = { executionProviders: ["wasm"], graphOptimizationLevel: "all" };
    const [pnet, rnet, onet, embedder, gallery] = await Promise.all([
      bytesOf("pnet").then((b) => ort.InferenceSession.create(b, options)),
      bytesOf("rnet").then((b) => ort.InferenceSession.create(b, options)),
      bytesOf("onet").then((b) => ort.InferenceSession.create(b, options)),
      bytesOf("embedder").then((b) => ort.InferenceSession.create(b, options)),
      bytesOf("gallery"),
    ]);
    const engine = new PrivateEngine();
    engine.ort = ort;
    engine.manifest = manifest;
    engine.version = manifest.model_version;
    engine.detector = new Detector(ort, { pnet, rnet, onet });
    engine.embedder = embedder;
    engine.classifier = new Classifier(
      manifest.classifier,
      new Float32Array(gallery.buffer, gallery.byteOffset, gallery.byteLength / 4),
      manifest.model_version,
    );
    return engine;
  }

  // Embeddings of one chip and its mirror image, averaged (engine.embed_faces).
  async embed(chip) {
    const size = CHIP_SIZE;
    const input = new Float32Array(2 * size * size * 3);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let c = 0; c < 3; c++) {
          const value = chip[(y * size + x) * 3 + c];
          input[(y * size + x) * 3 + c] = value;
          input[size * size * 3 + (y * size + (size - 1 - x)) * 3 + c] = value;
        }
      }
    }
    const name = this.embedder.inputNames[0];
    const result = await this.embedder.run({
      [name]: new this.ort.Tensor("float32", input, [2, size, size, 3]),
    });
    const both = result[this.embedder.outputNames[0]].data;
    const dim = both.length / 2;
    return Float32Array.from({ length: dim }, (_, i) => Math.fround((both[i] + both[dim + i]) / 2));
  }

  // Faces big enough to compare, largest first (engine._faces).
  async faces(image) {
    const found = await this.detector.detect(image);
    const faces = found.filter((face) => Math.min(face.box[2], face.box[3]) >= MIN_FACE_PX);
    if (!faces.length) {
      throw new ImageRejected(found.length ? "face_too_small" : "no_face");
    }
    return faces;
  }

  // Everything up to the embedding, with each stage's output (for tests)
  // and time in milliseconds.
  async run(source, { faceIndex = null, maxBytes } = {}) {
    const timings = {};
    let mark = performance.now();
    const started = mark;
    const loaded = source.image ? source : await loadImage(source, { maxBytes });
    timings.decode = performance.now() - mark;
    mark = performance.now();
    const faces = await this.faces(loaded.image);
    timings.detect = performance.now() - mark;
    const index = faceIndex == null ? 0 : Number(faceIndex);
    if (!(index >= 0 && index < faces.length)) {
      const error = new ImageRejected("no_such_face");
      error.facesFound = faces.length;
      throw error;
    }
    mark = performance.now();
    const chip = alignFace(loaded.image, faces[index].landmarks);
    timings.align = performance.now() - mark;
    mark = performance.now();
    const embedding = await this.embed(chip);
    timings.embed = performance.now() - mark;
    mark = performance.now();
    const ranked = this.classifier.rank(embedding);
    timings.classify = performance.now() - mark;
    timings.total = performance.now() - started;
    return { loaded, faces, index, chip, embedding, ranked, timings };
  }

  // The engine's answer as JSON, rounded as EngineResult's as_dict methods
  // round it, with the chosen face's box relative to the photo (0..1);
  // rawRanking: the same unrounded (for privateRanking).
  async analyse(source, options = {}) {
    const { loaded, faces, index, ranked, timings } = await this.run(source, options);
    const { width, height } = loaded.image;
    const [x, y, w, h] = faces[index].box;
    const ranking = ranked.ranking.map((score) => ({
      hero: score.hero,
      probability: round(score.probability, 4),
      similarity: round(score.similarity, 4),
      index: score.index == null ? null : round(score.index, 1),
    }));
    return {
      model_version: this.version,
      faces: faces.map((face) => ({
        box: face.box.map((v) => round(v, 1)),
        confidence: round(face.confidence, 4),
      })),
      face_index: index,
      image_size: [width, height],
      face_box: [x / width, y / height, w / width, h / height].map((v) => round(v, 4)),
      hero: ranking[0].hero,
      match_strength: ranking[0].index,
      nearly_tied: ranked.nearly_tied,
      ranking,
      rawRanking: ranked.ranking,
      timings,
    };
  }
}
