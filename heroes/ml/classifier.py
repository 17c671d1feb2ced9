"""The hero classifier: a small Keras model over the 128-D face embedding.

A nearest-neighbour prototype classifier built from Keras layers: the
embedding is centred on the mean training face (which keeps "average-looking"
heroes from winning for everyone) and scaled to unit length; a frozen Dense
layer holds every training face of every hero (the gallery) and gives the
cosine similarity to each; per hero, the mean of the ``k`` highest
similarities is that hero's score (``k`` grows with the hero's number of
faces, up to 40). Several actors play some heroes, so a hero is a set of
faces rather than one mean face. Scores become probabilities through a
softmax whose temperature is calibrated on the valid split, so that a
displayed "80%" is right about 80% of the time. Next to the probability,
every hero gets the cosine similarity between the face and that hero's mean
face (its centroid).

A model lives in one folder: ``classifier.keras`` (the Keras model, gallery
included) and ``model.json`` (the card: version, hero keys in output order,
temperature, centroids, data counts, metrics, date).
"""

from dataclasses import dataclass, field
import json
from pathlib import Path

import numpy as np

LOGIT_SCALE = 16.0
MAX_NEIGHBOURS = 40
CARD_NAME = "model.json"
WEIGHTS_NAME = "classifier.keras"


class ModelUnavailable(RuntimeError):
    """The model files are missing or cannot be loaded."""

    code = "model_unavailable"


def unit(x, axis=-1):
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=axis, keepdims=True), 1e-12)


def softmax(logits, temperature=1.0):
    z = np.asarray(logits, dtype=np.float64) / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def neighbours_for(count):
    """How many of a hero's most similar faces make its score: the closer
    half of the hero's faces, at most 40."""
    return int(min(MAX_NEIGHBOURS, max(1, round(0.5 * count))))


_pool_class = None


def _top_k_pool_class():
    """The pooling layer, defined on first use (keras is imported lazily)."""
    global _pool_class
    if _pool_class is not None:
        return _pool_class
    import keras

    @keras.saving.register_keras_serializable(package="mylittlehero")
    class TopKMeanPool(keras.layers.Layer):
        """Per hero, the mean of its ``k`` highest gallery similarities.

        The gallery is sorted by hero; ``spans`` are [start, end) per hero.
        """

        def __init__(self, spans, ks, **kwargs):
            super().__init__(**kwargs)
            self.spans = [tuple(int(v) for v in span) for span in spans]
            self.ks = [int(k) for k in ks]

        def call(self, similarities):
            ops = keras.ops
            scores = []
            for (start, end), k in zip(self.spans, self.ks):
                top, _ = ops.top_k(similarities[:, start:end], k=k, sorted=False)
                scores.append(ops.mean(top, axis=-1))
            return ops.stack(scores, axis=-1)

        def compute_output_shape(self, input_shape):
            return (input_shape[0], len(self.spans))

        def get_config(self):
            return {**super().get_config(), "spans": self.spans, "ks": self.ks}

    _pool_class = TopKMeanPool
    return _pool_class


def build_head(gallery, labels, n_classes, *, mean=None, scale=LOGIT_SCALE):
    """The Keras model: centre -> unit length -> gallery cosines -> per-hero pool -> x scale.

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
        ks.append(neighbours_for(idx.size))

    inputs = keras.Input(shape=(dim,), name="embedding")
    centre = keras.layers.Normalization(
        mean=mean.tolist(), variance=[1.0] * dim, name="centre"
    )(inputs)
    x = keras.layers.UnitNormalization(name="unit_embedding")(centre)
    gallery_layer = keras.layers.Dense(
        len(gallery), use_bias=False, trainable=False, name="gallery_cosine"
    )
    x = gallery_layer(x)
    x = _top_k_pool_class()(spans, ks, name="hero_top_k")(x)
    outputs = keras.layers.Rescaling(scale, name="logits")(x)
    model = keras.Model(inputs, outputs, name="hero_classifier")
    gallery_layer.set_weights([unit(gallery - mean).T])
    return model


@dataclass
class HeroClassifier:
    model: object  # the Keras head
    heroes: list  # hero keys, in output order
    temperature: float
    centroids: np.ndarray  # (n_heroes, dim), unit length
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

    def logits(self, embeddings):
        embeddings = np.asarray(embeddings, dtype=np.float32)
        if len(embeddings) == 0:
            return np.zeros((0, len(self.heroes)), np.float32)
        return self._logits(embeddings).numpy()

    def scores(self, embeddings):
        """(probabilities, similarities), each (n, n_heroes)."""
        probabilities = softmax(self.logits(embeddings), self.temperature)
        similarities = unit(embeddings) @ self.centroids.T
        return probabilities, similarities

    # -- files ---------------------------------------------------------------

    def save(self, folder):
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.model.save(folder / WEIGHTS_NAME)
        card = {
            **self.card,
            "heroes": list(self.heroes),
            "temperature": float(self.temperature),
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
            temperature = float(card["temperature"])
            if model.output_shape[-1] != len(heroes) or centroids.shape[0] != len(heroes):
                raise ValueError("the model's outputs do not match its hero list")
        except Exception as exc:  # noqa: BLE001 - any failure means "cannot load"
            raise ModelUnavailable(f"cannot load the hero model from {folder}: {exc}") from exc
        return cls(model=model, heroes=heroes, temperature=temperature, centroids=centroids, card=card)
