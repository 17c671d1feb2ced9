// The hero classifier of heroes/ml/classifier.py over the shipped gallery:
// centre on the mean training face, unit length, cosine to every gallery
// face, per hero the mean of its k closest plus the identity bonus, x scale;
// softmax with the card's temperature; each hero's score on the face's own
// scale placed on the reference population's quantiles (the index); cosine
// to each hero's centroid (the similarity). Numbers as engine.rank gives them.

const f32 = Math.fround;

function unit(vector) {
  let sum = 0;
  for (const v of vector) sum = f32(sum + f32(v * v));
  const norm = f32(Math.sqrt(Math.max(sum, 1e-12)));
  return Float32Array.from(vector, (v) => f32(v / norm));
}

// np.interp(x, xp, fp, left, right) for increasing xp.
function interp(x, xp, fp) {
  if (x <= xp[0]) return fp[0];
  if (x >= xp[xp.length - 1]) return fp[fp.length - 1];
  let lo = 0;
  let hi = xp.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xp[mid] <= x) lo = mid;
    else hi = mid;
  }
  const slope = (fp[hi] - fp[lo]) / (xp[hi] - xp[lo]);
  return slope * (x - xp[lo]) + fp[lo];
}

export class Classifier {
  // config: manifest.classifier; gallery: Float32Array [faces * 128].
  constructor(config, gallery, version) {
    this.config = config;
    this.gallery = gallery;
    this.version = version;
    this.dim = config.mean.length;
    this.faces = gallery.length / this.dim;
    this.centroids = config.centroids.map((row) => Float32Array.from(row));
    const q = config.quantiles;
    if (q) {
      this.quantiles = q.map((v, i) => v + i * 1e-9);
      this.percent = q.map((_, i) => (100 * i) / (q.length - 1));
    }
  }

  // The head's two outputs for one embedding: [scaled scores, normalised].
  outputs(embedding) {
    const { mean, spans, ks, identity_k: idK, threshold, weight, scale } = this.config;
    const centred = unit(Float32Array.from(embedding, (v, i) => f32(v - mean[i])));
    const dim = this.dim;
    const cos = new Float32Array(this.faces);
    let total = 0;
    for (let j = 0; j < this.faces; j++) {
      let s = 0;
      const row = j * dim;
      for (let i = 0; i < dim; i++) s += centred[i] * this.gallery[row + i];
      cos[j] = s;
      total += cos[j];
    }
    const centre = total / this.faces;
    let spread = 0;
    for (let j = 0; j < this.faces; j++) spread += (cos[j] - centre) ** 2;
    spread = Math.max(Math.sqrt(spread / this.faces), 1e-6);
    const scores = [];
    const normalised = [];
    spans.forEach(([start, end], h) => {
      const top = Array.from(cos.subarray(start, end)).sort((a, b) => b - a);
      const k = ks[h];
      const kId = Math.min(idK, end - start);
      let smooth = 0;
      for (let i = 0; i < k; i++) smooth += top[i];
      let closest = 0;
      for (let i = 0; i < kId; i++) closest += top[i];
      const score = smooth / k + weight * Math.max(0, closest / kId - threshold);
      scores.push(f32(score * scale));
      normalised.push(f32(((score - centre) / spread) * scale));
    });
    return [scores, normalised];
  }

  // engine.rank for one embedding: {ranking, nearly_tied}.
  rank(embedding) {
    const [scores, normalised] = this.outputs(embedding);
    const temperature = this.config.temperature;
    const z = scores.map((v) => v / temperature);
    const top = Math.max(...z);
    const e = z.map((v) => Math.exp(v - top));
    const sum = e.reduce((a, b) => a + b, 0);
    const probabilities = e.map((v) => v / sum);
    const u = unit(embedding);
    const similarities = this.centroids.map((c) => {
      let s = 0;
      for (let i = 0; i < this.dim; i++) s += u[i] * c[i];
      return f32(s);
    });
    const indices = this.quantiles
      ? normalised.map((v) => interp(v, this.quantiles, this.percent))
      : null;
    const order = probabilities
      .map((p, i) => [p, i])
      .sort((a, b) => b[0] - a[0] || a[1] - b[1])
      .map(([, i]) => i);
    const ranking = order.map((i) => ({
      hero: this.config.heroes[i],
      probability: probabilities[i],
      similarity: similarities[i],
      index: indices ? indices[i] : null,
    }));
    const tied =
      order.length > 1 &&
      probabilities[order[0]] - probabilities[order[1]] < this.config.tie_margin;
    return { ranking, nearly_tied: tied, scores, normalised };
  }
}
