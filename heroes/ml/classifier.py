"""The hero classifier: a small Keras model over the 128-D face embedding.

A nearest-neighbour prototype classifier built from Keras layers: the
embedding is centred on the mean training face (which keeps "average-looking"
heroes from winning for everyone) and scaled to unit length; a frozen Dense
layer holds every training face of every hero (the gallery) and gives the
cosine similarity to each. Per hero, two pools of those similarities make
its score:

- the mean of the ``k`` highest (``k`` grows with the hero's number of
  faces, up to 20): a smooth resemblance to the hero's closer faces, which
  keeps the answer steady for ordinary people;
- plus an identity bonus: ``weight * max(0, mean of the 3 highest - threshold)``.
  Only a face that is nearly the same person as some of the hero's faces
  (the actor, or the same film) gets past the threshold, so the actor's own
  photos find their hero while everyone else is ranked by the smooth part.

Several actors play some heroes, so a hero is a set of faces rather than one
mean face. Scores become probabilities through a softmax whose temperature
is calibrated on the valid splits, so that a displayed "80%" is right about
80% of the time. Next to the probability, every hero gets the cosine
similarity between the face and that hero's mean face (its centroid).

The **match strength** says how strongly a face matches a hero in terms a
person understands, and it is measured on the same score that ranks the
heroes, so the number shown beside each hero is always in ranking order.
For each photo, every hero's score is put on the photo's own scale: minus
the mean, over the spread, of the face's cosines to every face in the
gallery (cohort normalisation, as in speaker and face verification). A
blurry news photo, a studio portrait or a celebrity snapshot each shift
all of a face's cosines together; measured against its own spread, the
top hero's lead means the same on each kind of photo. That normalised
score is placed on its distribution for the *top* hero over a reference
population of ordinary people never trained on (a percentile, 0-100): 73
means stronger than 73 of 100 people's match with their own closest hero.
The top hero's percentile is the match strength; every other hero's
percentile is on the same scale (stored and served under the key ``index``). Two heroes whose probabilities differ by less than the
card's ``tie_margin`` are reported as nearly tied.

Every number that turns an embedding into the ranking lives in one
``Scoring`` (neighbours, identity bonus, temperature, tie margin, the
match-strength statistic), written into the card as ``scoring``.

A model lives in one folder: ``classifier.keras`` (the Keras model, gallery
included) and ``model.json`` (the card: version, hero keys in output order,
scoring, centroids, match-strength quantiles, data counts, metrics, date).
"""

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from heroes.ml.errors import ModelUnavailable

CARD_NAME = "model.json"
WEIGHTS_NAME = "classifier.keras"


def unit(x, axis=-1):
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=axis, keepdims=True), 1e-12)


def softmax(logits, temperature=1.0):
    z = np.asarray(logits, dtype=np.float64) / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


# What the second output of the head is, recorded in the card: a card
# calibrated on another statistic cannot be used with this code.
STRENGTH_STATISTIC = "gallery-normalised score"


@dataclass(frozen=True)
class Scoring:
    """Everything that turns a face's gallery similarities into the heroes'
    ranking, probabilities and numbers: one configuration, written into the
    model card (``scoring``). The first five are chosen (docs/engine.md),
    ``temperature`` and ``tie_margin`` fitted by training."""

    # A hero's smooth score: the mean of its closest faces, this share of
    # the hero's faces, at most ``max_neighbours``.
    neighbour_share: float = 0.5
    max_neighbours: int = 20
    # The identity bonus: the mean of a hero's ``identity_neighbours``
    # closest faces, beyond ``identity_threshold`` (a centred cosine that
    # ordinary people rarely reach: their closest gallery faces have a median
    # of about 0.5, an actor's own photos about 0.8), times ``identity_weight``.
    identity_neighbours: int = 3
    identity_threshold: float = 0.5
    identity_weight: float = 2.0
    # Probabilities: softmax(score / temperature), fitted on the valid splits.
    temperature: float = 1.0
    # The top two heroes are "nearly tied" below this lead in probability.
    tie_margin: float = 0.0
    strength_statistic: str = STRENGTH_STATISTIC

    def neighbours(self, count):
        """How many of a hero's ``count`` faces make its smooth score."""
        return int(min(self.max_neighbours, max(1, round(self.neighbour_share * count))))

    def as_card(self):
        return dataclasses.asdict(self)

    @classmethod
    def from_card(cls, section):
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(section) - known
        if unknown:
            raise ValueError(f"unknown scoring settings in the card: {sorted(unknown)}")
        scoring = cls(**section)
        if scoring.strength_statistic != STRENGTH_STATISTIC:
            raise ValueError(
                "the card's match strength was calibrated on another statistic "
                f"({scoring.strength_statistic!r}); retrain with train_heroes"
            )
        return scoring


DEFAULT_SCORING = Scoring()


STRENGTH_POINTS = 101  # quantiles stored in the card: 0, 1, ..., 100 %


def weighted_quantiles(values, weights=None, points=STRENGTH_POINTS):
    """``points`` evenly spaced quantiles (0 to 100 %) of ``values``, each
    value counting with its weight (default: all equal)."""
    values = np.asarray(values, dtype=np.float64)
    weights = np.ones(len(values)) if weights is None else np.asarray(weights, np.float64)
    order = np.argsort(values, kind="stable")
    values, weights = values[order], weights[order]
    # Each value stands at the middle of its share of the total weight.
    cumulative = (np.cumsum(weights) - weights / 2) / weights.sum()
    return np.interp(np.linspace(0, 1, points), cumulative, values)


def strength_quantiles(top_strength, weights=None):
    """The stored quantiles of the top hero's normalised score over a
    reference population (``weights``: per photo, see training)."""
    return [round(float(v), 5) for v in weighted_quantiles(top_strength, weights)]


def strength_percentile(strength, quantiles):
    """0-100: where each hero's normalised score (the head's second output)
    falls on the population's distribution of the top hero's (a percentile).
    An increasing function of the score that ranks the heroes: within a
    photo, the percentiles are in ranking order."""
    q = np.asarray(quantiles, dtype=np.float64)
    # Ties in the stored quantiles would make np.interp jump; they are
    # strictly increasing after a tiny ramp.
    q = q + np.arange(len(q)) * 1e-9
    return np.interp(strength, q, np.linspace(0.0, 100.0, len(q)), left=0.0, right=100.0)


def pool_layout(spans, ks, identity_k):
    """How the pooling layer reads the gallery: every hero's gallery columns
    side by side in one [heroes, width] index (short galleries padded below
    any cosine), so one gather and one top_k serve all heroes (a single small
    graph to trace and run). Returns (index, padding, how many top values
    to take, the smooth part's weights, the identity bonus's weights)."""
    lengths = np.array([end - start for start, end in spans])
    width = int(lengths.max())
    index = np.zeros((len(spans), width), np.int32)
    padding = np.zeros((len(spans), width), np.float32)
    for h, (start, end) in enumerate(spans):
        index[h, : end - start] = np.arange(start, end)
        padding[h, end - start :] = -4.0  # below any cosine
    id_ks = np.minimum(identity_k, lengths)
    top = int(max(max(ks), id_ks.max()))
    columns = np.arange(top)
    smooth_weights = (columns[None] < np.array(ks)[:, None]) / np.array(ks, np.float32)[:, None]
    identity_weights = (columns[None] < id_ks[:, None]) / id_ks[:, None]
    return index, padding, top, smooth_weights, identity_weights


def pool_config(pool):
    """The pooling layer's own settings, as saved with the model."""
    return {
        "spans": pool.spans,
        "ks": pool.ks,
        "identity_k": pool.identity_k,
        "threshold": pool.threshold,
        "weight": pool.weight,
    }


_pool_class = None


def _top_k_pool_class():
    """The pooling layer, defined on first use (keras is imported lazily)."""
    global _pool_class
    if _pool_class is not None:
        return _pool_class
    import keras

    @keras.saving.register_keras_serializable(package="mylittlehero")
    class HeroPool(keras.layers.Layer):
        """Per hero: the mean of its ``k`` highest gallery similarities (the
        smooth part), plus ``weight * max(0, mean of its identity_k highest -
        threshold)``: the score that ranks the heroes. Outputs it and its
        normalised form, (score - mean) / spread of the face's similarities
        to the whole gallery (what the match strength is measured on).

        The gallery is sorted by hero; ``spans`` are [start, end) per hero.
        """

        def __init__(self, spans, ks, identity_k=3, threshold=1.0, weight=0.0, **kwargs):
            super().__init__(**kwargs)
            self.spans = [tuple(int(v) for v in span) for span in spans]
            self.ks = [int(k) for k in ks]
            self.identity_k = int(identity_k)
            self.threshold = float(threshold)
            self.weight = float(weight)
            layout = pool_layout(self.spans, self.ks, self.identity_k)
            self._index, self._padding, self._top, self._smooth_weights, self._identity_weights = (
                layout
            )

        def call(self, similarities):
            ops = keras.ops
            heroes, width = self._index.shape
            gathered = ops.take(similarities, self._index.reshape(-1), axis=1)
            gathered = ops.reshape(gathered, (-1, heroes, width)) + self._padding
            top, _ = ops.top_k(gathered, k=self._top, sorted=True)
            smooth = ops.sum(top * self._smooth_weights.astype("float32"), axis=-1)
            closest = ops.sum(top * self._identity_weights.astype("float32"), axis=-1)
            scores = smooth + self.weight * ops.relu(closest - self.threshold)
            # [:, 0]: the scores that rank the heroes; [:, 1]: the same scores
            # on the face's own scale (an increasing function of [:, 0] for
            # each face), which the match strength is measured on.
            centre = ops.mean(similarities, axis=-1, keepdims=True)
            spread = ops.maximum(ops.std(similarities, axis=-1, keepdims=True), 1e-6)
            return ops.stack([scores, (scores - centre) / spread], axis=1)

        def compute_output_shape(self, input_shape):
            return (input_shape[0], 2, len(self.spans))

        def get_config(self):
            return {**super().get_config(), **pool_config(self)}

    _pool_class = HeroPool
    return _pool_class


def build_head(gallery, labels, n_classes, *, mean=None, scoring=DEFAULT_SCORING):
    """The Keras model: centre -> unit length -> gallery cosines -> per-hero pool.

    ``gallery`` (n, dim) training embeddings, ``labels`` their class indices.
    """
    import keras

    gallery = np.asarray(gallery, dtype=np.float32)
    labels = np.asarray(labels)
    order = np.argsort(labels, kind="stable")
    gallery, labels = gallery[order], labels[order]
    dim = gallery.shape[1]
    mean = np.zeros(dim, np.float32) if mean is None else np.asarray(mean, np.float32)
    spans, ks = [], []
    for c in range(n_classes):
        idx = np.nonzero(labels == c)[0]
        if idx.size == 0:
            raise ValueError(f"class {c} has no gallery faces")
        spans.append((int(idx[0]), int(idx[-1]) + 1))
        ks.append(scoring.neighbours(idx.size))

    inputs = keras.Input(shape=(dim,), name="embedding")
    centre = keras.layers.Normalization(mean=mean.tolist(), variance=[1.0] * dim, name="centre")(
        inputs
    )
    x = keras.layers.UnitNormalization(name="unit_embedding")(centre)
    gallery_layer = keras.layers.Dense(
        len(gallery), use_bias=False, trainable=False, name="gallery_cosine"
    )
    x = gallery_layer(x)
    outputs = _top_k_pool_class()(
        spans,
        ks,
        identity_k=scoring.identity_neighbours,
        threshold=scoring.identity_threshold,
        weight=scoring.identity_weight,
        name="hero_pool",
    )(x)
    model = keras.Model(inputs, outputs, name="hero_classifier")
    gallery_layer.set_weights([unit(gallery - mean).T])
    return model


@dataclass
class HeroClassifier:
    model: object  # the Keras head
    heroes: list  # hero keys, in output order
    centroids: np.ndarray  # (n_heroes, dim), unit length
    scoring: Scoring = DEFAULT_SCORING
    card: dict = field(default_factory=dict)

    def __post_init__(self):
        import tensorflow as tf

        dim = self.centroids.shape[1]
        model = self.model
        self._logits = tf.function(
            lambda x: model(x, training=False),
            input_signature=[tf.TensorSpec([None, dim], tf.float32)],
            reduce_retracing=True,
        )

    @property
    def version(self):
        return self.card.get("version", "unversioned")

    def outputs(self, embeddings):
        """(n, 2, n_heroes): the scores and their normalised form."""
        embeddings = np.asarray(embeddings, dtype=np.float32)
        if len(embeddings) == 0:
            return np.zeros((0, 2, len(self.heroes)), np.float32)
        return self._logits(embeddings).numpy()

    def logits(self, embeddings):
        return self.outputs(embeddings)[:, 0]

    def scores(self, embeddings):
        """(probabilities, similarities), each (n, n_heroes)."""
        probabilities, similarities, _percentiles = self.analyse(embeddings)
        return probabilities, similarities

    def analyse(self, embeddings):
        """(probabilities, similarities, percentiles), each (n, n_heroes);
        percentiles are None when the model has no population statistics."""
        outputs = self.outputs(embeddings)
        probabilities = softmax(outputs[:, 0], self.scoring.temperature)
        similarities = unit(embeddings) @ self.centroids.T
        quantiles = self.strength.get("quantiles")
        percentiles = strength_percentile(outputs[:, 1], quantiles) if quantiles else None
        return probabilities, similarities, percentiles

    @property
    def strength(self):
        return self.card.get("match_strength") or {}

    @property
    def tie_margin(self):
        return self.scoring.tie_margin

    # -- files ---------------------------------------------------------------

    def save(self, folder):
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.model.save(folder / WEIGHTS_NAME)
        card = {
            **self.card,
            "heroes": list(self.heroes),
            "scoring": self.scoring.as_card(),
            "centroids": [[round(float(v), 6) for v in row] for row in self.centroids],
        }
        (folder / CARD_NAME).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n")

    @classmethod
    def load(cls, folder):
        folder = Path(folder)
        try:
            card = json.loads((folder / CARD_NAME).read_text())
            import keras

            _top_k_pool_class()
            model = keras.saving.load_model(folder / WEIGHTS_NAME, compile=False)
            heroes = list(card["heroes"])
            centroids = unit(np.asarray(card["centroids"], dtype=np.float32))
            scoring = Scoring.from_card(card["scoring"])
            pool = model.get_layer("hero_pool")
            if (pool.identity_k, pool.threshold, pool.weight) != (
                scoring.identity_neighbours,
                scoring.identity_threshold,
                scoring.identity_weight,
            ):
                raise ValueError("the card's scoring does not match the model's pooling layer")
            if model.output_shape[1:] != (2, len(heroes)) or centroids.shape[0] != len(heroes):
                raise ValueError("the model's outputs do not match its hero list")
        except Exception as exc:  # noqa: BLE001 - any failure means "cannot load"
            raise ModelUnavailable(f"cannot load the hero model from {folder}: {exc}") from exc
        return cls(model=model, heroes=heroes, centroids=centroids, scoring=scoring, card=card)
