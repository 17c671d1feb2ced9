"""128-D face embeddings: a Keras 3 port of dlib's face-recognition ResNet.

The network is the one behind dlib's ``dlib_face_recognition_resnet_model_v1``
(and so behind the ``face_recognition`` package): a 29-conv-layer ResNet that
maps an aligned 150x150 RGB face chip to a 128-D descriptor. Two chips of the
same person are usually closer than 0.6 (Euclidean) in that space.

The weights come from the npm package ``@vladmandic/face-api`` (see
``weights/NOTICE``) and are converted by ``scripts/convert_face_api.py``.

TensorFlow/Keras are imported lazily, inside functions, so importing this
module costs nothing at Django start-up.

Layout of the network (dlib naming in brackets)::

    input 150x150x3, (rgb - MEAN_RGB) / 256            [input_rgb_image_sized<150>]
    conv 7x7/2 valid, 32 + relu ; maxpool 3x3/2 valid  [con, affine, relu, max_pool]
    3 x residual 32
    residual_down 64,  3 x residual 64
    residual_down 128, 2 x residual 128
    residual_down 256, 2 x residual 256
    residual_down 256
    global average pool ; dense 256->128, no bias      [avg_pool_everything, fc_no_bias]

A residual block is conv3x3(same)+relu, conv3x3(same), add the input, relu.
A "down" block uses a 3x3 stride-2 valid conv first; its shortcut is a 2x2/2
average pool of the input, zero-padded in channels (and the conv branch is
zero-padded at the bottom/right when the pooled map is larger), as dlib's
``add_prev`` does for tensors of different sizes.  dlib's batch-norm ("affine")
layers are folded into the convolutions.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from heroes.ml.align import CHIP_SIZE  # the chip the network reads

EMBEDDING_DIM = 128
# dlib's input_rgb_image: (pixel - mean) / 256, channels in RGB order.
MEAN_RGB = (122.782, 117.001, 104.298)
INPUT_SCALE = 256.0

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
# Weights as shipped by face-api (uint8 codes + per-tensor scale/min, a few
# float32 tensors), see scripts/convert_face_api.py.  ~6 MB instead of ~23 MB
# for a float32 .keras file; decoded and folded at load time.
DEFAULT_WEIGHTS = WEIGHTS_DIR / "face_embedding.npz"

# (name, filters, kind) in forward order; kind is "res" or "down".
RESIDUAL_STAGES = (
    ("conv32_1", 32, "res"),
    ("conv32_2", 32, "res"),
    ("conv32_3", 32, "res"),
    ("conv64_down", 64, "down"),
    ("conv64_1", 64, "res"),
    ("conv64_2", 64, "res"),
    ("conv64_3", 64, "res"),
    ("conv128_down", 128, "down"),
    ("conv128_1", 128, "res"),
    ("conv128_2", 128, "res"),
    ("conv256_down", 256, "down"),
    ("conv256_1", 256, "res"),
    ("conv256_2", 256, "res"),
    ("conv256_down_out", 256, "down"),
)


def build_model():
    """Build the (untrained) Keras model. Input: float32 RGB in 0..255."""
    import keras
    from keras import layers

    inp = keras.Input(shape=(CHIP_SIZE, CHIP_SIZE, 3), dtype="float32", name="rgb")
    x = layers.Normalization(
        axis=-1,
        mean=list(MEAN_RGB),
        variance=[INPUT_SCALE**2] * 3,
        name="input_norm",
    )(inp)
    x = layers.Conv2D(32, 7, strides=2, padding="valid", activation="relu", name="conv32_down")(x)
    x = layers.MaxPooling2D(3, strides=2, padding="valid", name="pool")(x)

    for name, filters, kind in RESIDUAL_STAGES:
        if kind == "res":
            y = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"{name}_conv1")(
                x
            )
            y = layers.Conv2D(filters, 3, padding="same", name=f"{name}_conv2")(y)
            x = layers.Add(name=f"{name}_add")([y, x])
        else:
            y = layers.Conv2D(
                filters, 3, strides=2, padding="valid", activation="relu", name=f"{name}_conv1"
            )(x)
            y = layers.Conv2D(filters, 3, padding="same", name=f"{name}_conv2")(y)
            short = layers.AveragePooling2D(2, strides=2, padding="valid", name=f"{name}_pool")(x)
            in_ch = x.shape[-1]
            if in_ch != filters:
                if filters != 2 * in_ch:  # pragma: no cover - not in this architecture
                    raise ValueError("channel padding only implemented for doubling")
                # Zero channels appended after the pooled ones (x * 0 keeps it
                # a plain built-in layer, so the saved model needs no custom code).
                zeros = layers.Rescaling(0.0, name=f"{name}_zeros")(short)
                short = layers.Concatenate(axis=-1, name=f"{name}_chpad")([short, zeros])
            dh = short.shape[1] - y.shape[1]
            dw = short.shape[2] - y.shape[2]
            if dh or dw:
                y = layers.ZeroPadding2D(((0, dh), (0, dw)), name=f"{name}_pad")(y)
            x = layers.Add(name=f"{name}_add")([y, short])
        x = layers.ReLU(name=f"{name}_relu")(x)

    x = layers.GlobalAveragePooling2D(name="avg")(x)
    out = layers.Dense(EMBEDDING_DIM, use_bias=False, name="fc")(x)
    return keras.Model(inp, out, name="dlib_face_resnet_v1")


def decode_npz(data) -> dict[str, np.ndarray]:
    """Decode the arrays of ``face_embedding.npz`` into float64 tensors.

    Keys: ``q.<name>`` uint8 codes with ``qp.<name>`` = [scale, min]
    (value = code * scale + min), or ``f.<name>`` float32 values. ``<name>``
    is the face-api tensor name with "/" replaced by ".".
    """
    tensors = {}
    for key in data.files:
        kind, _, name = key.partition(".")
        name = name.replace(".", "/")
        if kind == "q":
            scale, minimum = np.asarray(data["qp." + key[2:]], np.float64)
            tensors[name] = data[key].astype(np.float64) * scale + minimum
        elif kind == "f":
            tensors[name] = data[key].astype(np.float64)
    return tensors


def _fold_conv(tensors, prefix):
    kernel = tensors.pop(f"{prefix}/conv/filters")  # HWIO, as Keras wants
    bias = tensors.pop(f"{prefix}/conv/bias")
    w = tensors.pop(f"{prefix}/scale/weights")
    b = tensors.pop(f"{prefix}/scale/biases")
    return [(kernel * w).astype(np.float32), (bias * w + b).astype(np.float32)]


def fold_weights(tensors: dict[str, np.ndarray]) -> dict[str, list[np.ndarray]]:
    """face-api tensors -> {keras layer name: [kernel, bias]}.

    Each "scale" layer (dlib's affine: per-channel multiply and add) follows a
    convolution, so it is folded into it: kernel *= w, bias = bias * w + b.
    """
    tensors = dict(tensors)
    out = {"conv32_down": _fold_conv(tensors, "conv32_down")}
    for name, _filters, _kind in RESIDUAL_STAGES:
        out[f"{name}_conv1"] = _fold_conv(tensors, f"{name}/conv1")
        out[f"{name}_conv2"] = _fold_conv(tensors, f"{name}/conv2")
    out["fc"] = [tensors.pop("fc").astype(np.float32)]
    if tensors:
        raise ValueError(f"unused tensors: {sorted(tensors)}")
    return out


def model_from_tensors(tensors: dict[str, np.ndarray]):
    """Build the Keras model and load face-api's (decoded) tensors into it."""
    model = build_model()
    for layer_name, values in fold_weights(tensors).items():
        layer = model.get_layer(layer_name)
        expected = [tuple(w.shape) for w in layer.get_weights()]
        got = [v.shape for v in values]
        if expected != got:
            raise ValueError(f"{layer_name}: model wants {expected}, weights give {got}")
        layer.set_weights(values)
    return model


def graph_forward(folded: dict[str, list[np.ndarray]]):
    """The same network as ``build_model`` written as plain TensorFlow ops on
    the folded weights: identical arithmetic, but building and tracing it
    takes a fraction of the Keras model's time, which shortens a new
    process's first prediction. Input: float32 RGB chips in 0..255."""
    import tensorflow as tf

    def conv(name, index, *, stride=1, padding="SAME", relu=False):
        kernel, bias = (tf.constant(w) for w in folded[f"{name}_conv{index}"])

        def run(x):
            y = tf.nn.conv2d(x, kernel, stride, padding) + bias
            return tf.nn.relu(y) if relu else y

        return run

    stem_kernel, stem_bias = (tf.constant(w) for w in folded["conv32_down"])
    fc = tf.constant(folded["fc"][0])
    mean = tf.constant(MEAN_RGB, tf.float32)
    stages = [
        (
            kind,
            filters,
            conv(
                name,
                1,
                stride=1 if kind == "res" else 2,
                padding="SAME" if kind == "res" else "VALID",
                relu=True,
            ),
            conv(name, 2),
        )
        for name, filters, kind in RESIDUAL_STAGES
    ]

    def forward(x):
        x = (x - mean) / INPUT_SCALE
        x = tf.nn.relu(tf.nn.conv2d(x, stem_kernel, 2, "VALID") + stem_bias)
        x = tf.nn.max_pool2d(x, 3, 2, "VALID")
        for kind, filters, first, second in stages:
            y = second(first(x))
            if kind == "res":
                x = tf.nn.relu(y + x)
                continue
            short = tf.nn.avg_pool2d(x, 2, 2, "VALID")
            if short.shape[-1] != filters:
                short = tf.concat([short, tf.zeros_like(short)], axis=-1)
            dh = short.shape[1] - y.shape[1]
            dw = short.shape[2] - y.shape[2]
            if dh or dw:
                y = tf.pad(y, [[0, 0], [0, dh], [0, dw], [0, 0]])
            x = tf.nn.relu(y + short)
        return tf.matmul(tf.reduce_mean(x, axis=[1, 2]), fc)

    return forward


class FaceEmbedder:
    """Wraps the network; ``embed`` maps uint8 RGB chips to descriptors.
    ``model``: a Keras model or any callable on float32 chips (``graph_forward``)."""

    def __init__(self, model, batch_size: int = 64):
        import tensorflow as tf

        self.model = model
        self.batch_size = int(batch_size)
        call = (lambda x: model(x, training=False)) if hasattr(model, "layers") else model
        self._fn = tf.function(
            call,
            input_signature=[tf.TensorSpec([None, CHIP_SIZE, CHIP_SIZE, 3], tf.float32)],
            reduce_retracing=True,
        )

    def embed(self, chips) -> np.ndarray:
        """chips: uint8 RGB array [N,150,150,3] (or one chip [150,150,3]).

        Returns float32 [N,128], not re-normalized (dlib's descriptors have a
        norm close to, but not exactly, 1).
        """
        import tensorflow as tf

        arr = np.asarray(chips)
        if arr.ndim == 3:
            arr = arr[None]
        if arr.ndim != 4 or arr.shape[1:] != (CHIP_SIZE, CHIP_SIZE, 3):
            raise ValueError(
                f"expected chips of shape [N,{CHIP_SIZE},{CHIP_SIZE},3], got {arr.shape}"
            )
        if arr.dtype != np.uint8:
            raise ValueError(f"expected uint8 RGB chips, got {arr.dtype}")
        if len(arr) == 0:
            return np.zeros((0, EMBEDDING_DIM), np.float32)
        outs = []
        for i in range(0, len(arr), self.batch_size):
            batch = tf.convert_to_tensor(arr[i : i + self.batch_size].astype(np.float32))
            outs.append(self._fn(batch).numpy())
        return np.concatenate(outs).astype(np.float32, copy=False)

    __call__ = embed


def load_model(path: str | os.PathLike | None = None):
    """The Keras model from ``face_embedding.npz`` (default) or a ``.keras`` file."""
    path = Path(path) if path is not None else DEFAULT_WEIGHTS
    if not path.exists():
        raise FileNotFoundError(f"{path} not found; run scripts/convert_face_api.py to create it")
    if path.suffix == ".keras":
        import keras

        return keras.saving.load_model(path, compile=False)
    with np.load(path) as data:
        tensors = decode_npz(data)
    return model_from_tensors(tensors)


def load_embedder(path: str | os.PathLike | None = None, batch_size: int = 64) -> FaceEmbedder:
    """Load the network and wrap it; see ``FaceEmbedder.embed``. The default
    weights run as plain TensorFlow ops (``graph_forward``); a ``.keras``
    file runs as the Keras model."""
    path = Path(path) if path is not None else DEFAULT_WEIGHTS
    if path.suffix == ".keras":
        return FaceEmbedder(load_model(path), batch_size=batch_size)
    if not path.exists():
        raise FileNotFoundError(f"{path} not found; run scripts/convert_face_api.py to create it")
    with np.load(path) as data:
        folded = fold_weights(decode_npz(data))
    return FaceEmbedder(graph_forward(folded), batch_size=batch_size)
