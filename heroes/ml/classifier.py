"""The hero classifier: a small Keras model over the 128-D face embedding.

A normalised-softmax head (NormFace): the embedding and each hero's weight
vector are scaled to unit length, so a logit is a cosine similarity times a
fixed scale. It is trained on the training split's faces and then
calibrated on the valid split by temperature scaling, so that a displayed
"80%" is right about 80% of the time. Next to the probability every hero gets
the cosine similarity between the face and that hero's mean face (centroid).

A model lives in one folder: ``classifier.keras`` (the Keras head) and
``model.json`` (the card: version, hero keys in output order, temperature,
centroids, data counts, metrics, date).
"""

from dataclasses import dataclass, field
import json
from pathlib import Path

import numpy as np

LOGIT_SCALE = 16.0
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


def build_head(n_classes, *, dim=128, scale=LOGIT_SCALE):
    """UnitNormalization -> cosine Dense (unit-norm columns, no bias) -> x scale."""
    import keras

    inputs = keras.Input(shape=(dim,), name="embedding")
    x = keras.layers.UnitNormalization(name="unit_embedding")(inputs)
    x = keras.layers.Dense(
        n_classes,
        use_bias=False,
        kernel_constraint=keras.constraints.UnitNorm(axis=0),
        name="hero_cosine",
    )(x)
    outputs = keras.layers.Rescaling(scale, name="logits")(x)
    return keras.Model(inputs, outputs, name="hero_head")


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

            model = keras.saving.load_model(folder / WEIGHTS_NAME, compile=False)
            heroes = list(card["heroes"])
            centroids = unit(np.asarray(card["centroids"], dtype=np.float32))
            temperature = float(card["temperature"])
            if model.output_shape[-1] != len(heroes) or centroids.shape[0] != len(heroes):
                raise ValueError("the model's outputs do not match its hero list")
        except Exception as exc:  # noqa: BLE001 - any failure means "cannot load"
            raise ModelUnavailable(f"cannot load the hero model from {folder}: {exc}") from exc
        return cls(model=model, heroes=heroes, temperature=temperature, centroids=centroids, card=card)
