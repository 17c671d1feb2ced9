"""Face detection: MTCNN's three networks with the weights from the ``mtcnn``
package (MIT; they ship in its wheel), run through compiled TensorFlow graphs.

The package's own ``MTCNN.detect_faces`` calls its Keras layers eagerly, one
Python call per layer and pyramid scale, which costs about 200 ms for a
480 px image on two cores, and its image pyramid breaks for a minimum face
size above 20 px. This module keeps the networks and weights and the
algorithm (a PNet proposal pass over an image pyramid, RNet refinement on
24x24 crops, ONet boxes, scores and 5 landmarks on 48x48 crops, non-maximum
suppression between stages) and runs each stage as one ``tf.function`` call.

Speed: detection runs on a copy whose long side is at most ``max_side``
pixels; results are mapped back to the caller's image. A tight crop of a
face (no margin around it) defeats the proposal network, so when nothing is
found the image is padded with a neutral border and searched again.

Nothing here is imported at Django start-up: TensorFlow loads on first use.
"""

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

PYRAMID_LEVELS = 8


@dataclass(frozen=True)
class Face:
    box: tuple  # (x, y, width, height) in the caller's image pixels
    confidence: float
    landmarks: np.ndarray  # shape (5, 2): x, y in the order of align.LANDMARK_NAMES

    @property
    def area(self):
        return max(0.0, self.box[2]) * max(0.0, self.box[3])


def _nms(boxes, scores, threshold, method="union"):
    """Greedy non-maximum suppression; returns kept indices, best first."""
    if len(boxes) == 0:
        return np.empty((0,), dtype=int)
    x1, y1, x2, y2 = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    areas = np.maximum(0, x2 - x1 + 1) * np.maximum(0, y2 - y1 + 1)
    order = np.argsort(-scores)
    keep = []
    while order.size:
        i = order[0]
        keep.append(i)
        rest = order[1:]
        w = np.maximum(0.0, np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]) + 1)
        h = np.maximum(0.0, np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]) + 1)
        inter = w * h
        if method == "min":
            overlap = inter / np.minimum(areas[i], areas[rest])
        else:
            overlap = inter / (areas[i] + areas[rest] - inter)
        order = rest[overlap <= threshold]
    return np.asarray(keep, dtype=int)


def _square(boxes):
    boxes = boxes.copy()
    w = boxes[:, 2] - boxes[:, 0]
    h = boxes[:, 3] - boxes[:, 1]
    side = np.maximum(w, h)
    boxes[:, 0] = boxes[:, 0] + w * 0.5 - side * 0.5
    boxes[:, 1] = boxes[:, 1] + h * 0.5 - side * 0.5
    boxes[:, 2] = boxes[:, 0] + side
    boxes[:, 3] = boxes[:, 1] + side
    return boxes


def _level_boxes(regression, scores, threshold, sy, sx):
    """PNet's boxes [x1, y1, x2, y2, score] at one pyramid level, in the
    image's pixels (``sy``, ``sx``: image size over level size): every 12 px
    window (stride 2) scoring above ``threshold``, moved by its regression."""
    ys, xs = np.nonzero(scores > threshold)
    if ys.size == 0:
        return np.empty((0, 5))
    reg = regression[ys, xs]
    x1, y1 = xs * 2.0, ys * 2.0
    x2, y2 = x1 + 12.0, y1 + 12.0
    return np.stack(
        [
            (x1 + reg[:, 0] * 12) * sx,
            (y1 + reg[:, 1] * 12) * sy,
            (x2 + reg[:, 2] * 12) * sx,
            (y2 + reg[:, 3] * 12) * sy,
            scores[ys, xs],
        ],
        axis=1,
    )


def _refine(boxes, offsets):
    w = (boxes[:, 2] - boxes[:, 0] + 1)[:, None]
    h = (boxes[:, 3] - boxes[:, 1] + 1)[:, None]
    return boxes + offsets * np.hstack([w, h, w, h])


def crop_patches(image, boxes, size):
    """The ``size`` x ``size`` crops of ``boxes`` ([x1, y1, x2, y2] in pixels)
    of an image ([height, width, 3] float32), scaled as RNet and ONet take
    them ((pixel - 127.5) / 128). TensorFlow ops: eager or inside a
    ``tf.function``. (The browser engine reproduces it:
    heroes/tests/test_private_engine.py compares the two.)"""
    import tensorflow as tf

    shape = tf.cast(tf.shape(image)[:2], tf.float32)
    # crop_and_resize wants [y1, x1, y2, x2] normalised to the image.
    normalised = tf.stack(
        [
            boxes[:, 1] / shape[0],
            boxes[:, 0] / shape[1],
            boxes[:, 3] / shape[0],
            boxes[:, 2] / shape[1],
        ],
        axis=1,
    )
    patches = tf.image.crop_and_resize(
        image[None], normalised, tf.zeros(tf.shape(boxes)[0], tf.int32), (size, size)
    )
    return (patches - 127.5) / 128.0


def _load_networks():
    """PNet, RNet and ONet (Keras models) with the mtcnn package's weights."""
    from mtcnn.network.onet import ONet
    from mtcnn.network.pnet import PNet
    from mtcnn.network.rnet import RNet
    from mtcnn.utils.tensorflow import load_weights

    nets = []
    for cls, weights in ((PNet, "pnet.lz4"), (RNet, "rnet.lz4"), (ONet, "onet.lz4")):
        net = cls()
        net.build()
        net.set_weights(load_weights(weights))
        nets.append(net)
    return nets


class FaceDetector:
    """MTCNN over compiled graphs. Thread-compatible: graphs are stateless."""

    def __init__(
        self,
        *,
        max_side=640,
        min_face_size=20,
        min_face_fraction=0.08,
        scale_factor=0.709,
        thresholds=(0.6, 0.7, 0.8),
        min_confidence=0.9,
        pad_retry=0.35,
    ):
        import tensorflow as tf

        self.max_side = max_side
        self.min_face_size = min_face_size
        # Faces smaller than this share of the image's short side are not
        # looked for: the biggest pyramid levels cost the most, and a face
        # that small makes a blurry 150 px chip anyway.
        self.min_face_fraction = min_face_fraction
        self.scale_factor = scale_factor
        self.thresholds = thresholds
        self.min_confidence = min_confidence
        self.pad_retry = pad_retry

        self._tf = tf
        pnet, rnet, onet = _load_networks()
        self._pnet = self._raw_pnet(pnet)
        self._pyramid = self._build_pyramid()
        self._rnet_on = self._on_crops(rnet, 24)
        self._onet_on = self._on_crops(onet, 48)

    # -- public ------------------------------------------------------------------

    def warm_up(self):
        """Trace every compiled graph once, so the first real photo does not."""
        tf = self._tf
        image = tf.constant(np.full((160, 120, 3), 127, dtype=np.float32))
        boxes = tf.constant([[10.0, 10.0, 90.0, 90.0]], tf.float32)
        self._rnet_on(image, boxes)
        self._onet_on(image, boxes)
        self.detect(np.full((160, 120, 3), 127, dtype=np.uint8))

    def detect(self, image):
        """All faces in an RGB image (PIL or uint8 array), largest first."""
        array = np.asarray(image.convert("RGB") if isinstance(image, Image.Image) else image)
        height, width = array.shape[:2]
        scale = min(1.0, self.max_side / max(height, width))
        small = array
        if scale < 1.0:
            size = (max(1, round(width * scale)), max(1, round(height * scale)))
            small = np.asarray(Image.fromarray(array).resize(size, Image.BILINEAR))
        faces = self._detect_array(small)
        if not faces and self.pad_retry:
            # A tight crop of a face: give it a margin and look again.
            pad = round(max(small.shape[:2]) * self.pad_retry)
            padded = np.pad(small, ((pad, pad), (pad, pad), (0, 0)), constant_values=127)
            faces = [self._shift(face, -pad) for face in self._detect_array(padded)]
        if not faces and self.min_face_fraction:
            # The fast pass skips faces under min_face_fraction of the
            # image; look for small ones too before giving up.
            faces = self._detect_array(small, min_face=self.min_face_size)
        if scale < 1.0:
            sx, sy = width / small.shape[1], height / small.shape[0]
            faces = [self._rescale(face, sx, sy) for face in faces]
        faces = [self._clip(face, width, height) for face in faces]
        return sorted(faces, key=lambda face: face.area, reverse=True)

    # -- the three stages --------------------------------------------------------

    def _raw_pnet(self, pnet):
        """PNet as plain TensorFlow ops on its weights: the same arithmetic as
        the Keras model, but tracing it (once per pyramid level) is much
        cheaper, which shortens a new process's first prediction."""
        tf = self._tf
        layers = {layer.name: layer for layer in pnet.layers}

        def conv(name):
            kernel, bias = (tf.constant(w) for w in layers[name].get_weights())
            return lambda x: tf.nn.conv2d(x, kernel, 1, "VALID") + bias

        def prelu(name):
            alpha = tf.constant(layers[name].get_weights()[0])
            return lambda x: tf.maximum(x, 0.0) + alpha * tf.minimum(x, 0.0)

        conv1, conv2, conv3 = conv("conv1"), conv("conv2"), conv("conv3")
        prelu1, prelu2, prelu3 = prelu("prelu1"), prelu("prelu2"), prelu("prelu3")
        box_head, face_head = conv("conv4-1"), conv("conv4-2")

        def run(x, training=False):
            x = prelu1(conv1(x))
            x = tf.nn.max_pool2d(x, 2, 2, "SAME")
            x = prelu3(conv3(prelu2(conv2(x))))
            return box_head(x), tf.nn.softmax(face_head(x), axis=-1)

        return run

    def _on_crops(self, net, size):
        """One compiled call: ``net`` (RNet or ONet) on the ``size`` x ``size``
        crops of ``boxes`` ([x1, y1, x2, y2] in pixels) of an image. Returns
        the net's outputs with the face score (column 1) last."""
        tf = self._tf

        @tf.function(
            input_signature=[
                tf.TensorSpec([None, None, 3], tf.float32),
                tf.TensorSpec([None, 4], tf.float32),
            ],
            reduce_retracing=True,
        )
        def run(image, boxes):
            *heads, scores = net(crop_patches(image, boxes, size), training=False)
            return (*heads, scores[:, 1])

        return run

    def _build_pyramid(self):
        """One compiled call running PNet over up to PYRAMID_LEVELS levels of
        the image pyramid (per-call overhead, not arithmetic, dominates at
        these sizes). Unused levels are 12x12 and cost next to nothing."""
        tf = self._tf
        pnet = self._pnet

        @tf.function(
            input_signature=[
                tf.TensorSpec([None, None, 3], tf.float32),
                tf.TensorSpec([PYRAMID_LEVELS, 2], tf.int32),
            ]
        )
        def pyramid(image, sizes):
            outputs = []
            for level in range(PYRAMID_LEVELS):
                scaled = tf.image.resize(
                    image[None], sizes[level], method=tf.image.ResizeMethod.AREA
                )
                regression, scores = pnet((scaled - 127.5) / 128.0, training=False)
                outputs.append((regression[0], scores[0, :, :, 1]))
            return outputs

        return pyramid

    def _scales(self, height, width, min_face=None):
        if min_face is None:
            min_face = max(self.min_face_size, self.min_face_fraction * min(height, width))
        base = 12.0 / min_face
        scales = []
        side = min(height, width) * base
        scale = base
        while side >= 12:
            scales.append(scale)
            scale *= self.scale_factor
            side *= self.scale_factor
        return scales

    def _detect_array(self, array, min_face=None):
        """MTCNN's three stages on one image: PNet proposals over the
        pyramid, RNet refinement, ONet boxes, scores and landmarks."""
        height, width = array.shape[:2]
        if min(height, width) < 12:
            return []
        image = self._tf.constant(array, dtype=self._tf.float32)
        proposals = self._proposals(image, height, width, min_face)
        if len(proposals) == 0:
            return []
        boxes = self._refined(image, proposals)
        if len(boxes) == 0:
            return []
        return self._faces(image, boxes)

    def _proposals(self, image, height, width, min_face):
        """PNet over the image pyramid: candidate boxes [x1, y1, x2, y2, score]."""
        tf = self._tf
        sizes = [
            (max(12, math.ceil(height * scale)), max(12, math.ceil(width * scale)))
            for scale in self._scales(height, width, min_face)
        ]
        outputs = []
        for start in range(0, len(sizes), PYRAMID_LEVELS):
            chunk = sizes[start : start + PYRAMID_LEVELS]
            padded = chunk + [(12, 12)] * (PYRAMID_LEVELS - len(chunk))
            outputs += self._pyramid(image, tf.constant(padded, tf.int32))[: len(chunk)]
        proposals = []
        for size, (regression, scores) in zip(sizes, outputs):
            level = _level_boxes(
                regression.numpy(),
                scores.numpy(),
                self.thresholds[0],
                height / size[0],
                width / size[1],
            )
            if len(level):
                proposals.append(level[_nms(level[:, :4], level[:, 4], 0.5)])
        if not proposals:
            return np.empty((0, 5))
        proposals = np.concatenate(proposals)
        return proposals[_nms(proposals[:, :4], proposals[:, 4], 0.7)]

    def _refined(self, image, proposals):
        """RNet on the squared proposals: the boxes it keeps, refined and squared."""
        boxes = _square(proposals[:, :4]).astype(np.float32)
        offsets, scores = self._rnet_on(image, boxes)
        scores = scores.numpy()
        mask = scores > self.thresholds[1]
        if not mask.any():
            return np.empty((0, 4), np.float32)
        boxes = _refine(boxes[mask], offsets.numpy()[mask])
        keep = _nms(boxes, scores[mask], 0.7)
        return _square(boxes[keep]).astype(np.float32)

    def _faces(self, image, boxes):
        """ONet on the refined boxes: the faces it is sure of, with landmarks."""
        offsets, landmarks, scores = self._onet_on(image, boxes)
        scores = scores.numpy()
        mask = scores > max(self.thresholds[2], self.min_confidence)
        if not mask.any():
            return []
        landmarks = landmarks.numpy()[mask]
        boxes, scores = boxes[mask], scores[mask]
        w = (boxes[:, 2] - boxes[:, 0] + 1)[:, None]
        h = (boxes[:, 3] - boxes[:, 1] + 1)[:, None]
        points_x = w * landmarks[:, 0:5] + boxes[:, 0:1] - 1
        points_y = h * landmarks[:, 5:10] + boxes[:, 1:2] - 1
        boxes = _refine(boxes, offsets.numpy()[mask])
        keep = _nms(boxes, scores, 0.7, method="min")
        return [
            Face(
                box=(
                    float(boxes[i, 0]),
                    float(boxes[i, 1]),
                    float(boxes[i, 2] - boxes[i, 0]),
                    float(boxes[i, 3] - boxes[i, 1]),
                ),
                confidence=float(scores[i]),
                landmarks=np.stack([points_x[i], points_y[i]], axis=1).astype(np.float64),
            )
            for i in keep
        ]

    # -- coordinate helpers ------------------------------------------------------

    @staticmethod
    def _shift(face, delta):
        x, y, w, h = face.box
        return Face((x + delta, y + delta, w, h), face.confidence, face.landmarks + delta)

    @staticmethod
    def _rescale(face, sx, sy):
        x, y, w, h = face.box
        return Face(
            (x * sx, y * sy, w * sx, h * sy),
            face.confidence,
            face.landmarks * np.array([sx, sy]),
        )

    @staticmethod
    def _clip(face, width, height):
        x, y, w, h = face.box
        x1, y1 = max(0.0, x), max(0.0, y)
        x2, y2 = min(float(width), x + w), min(float(height), y + h)
        return Face((x1, y1, x2 - x1, y2 - y1), face.confidence, face.landmarks)
