"""Build private mode's browser files from the committed model.

Run with the conversion environment (requirements-browser.txt), not the
site's .venv:

    python3 -m venv .venv-convert
    .venv-convert/bin/pip install -r requirements-browser.txt
    .venv-convert/bin/python scripts/build_browser_engine.py [--out static/private]

Writes, under ``--out`` (default ``static/private/``):

- ``pnet.<hash>.onnx``, ``rnet.<hash>.onnx``, ``onet.<hash>.onnx``: MTCNN's
  three networks (the ``mtcnn`` package's weights, as ``heroes/ml/detect.py``
  loads them), exported by tf2onnx. Only the networks: the image pyramid
  (TensorFlow's AREA resize, which tf2onnx converts wrongly), the crops, box
  regression and NMS are JavaScript (``static/js/private/``).
- ``embedder.<hash>.onnx``: the dlib ResNet of ``heroes/ml/embedding.py``.
  Its weights stay the 8-bit codes they are stored as
  (``heroes/ml/weights/face_embedding.npz``): each quantised kernel is a
  uint8 initializer expanded by Cast -> Mul(scale) -> Add(min) ->
  Mul(per-channel affine) nodes, which onnxruntime folds once at load.
- ``gallery.<hash>.bin``: the classifier's gallery as stored in its Keras
  layer (every training face, centred and unit length, float32
  little-endian, one row of 128 per face, sorted by hero).
- ``manifest.json``: the model version, the file names above, and the
  classifier's numbers (hero keys in output order, mean face, centroids,
  per-hero spans and k, identity bonus, temperature, match-strength
  quantiles, tie margin).

Every network is checked against TensorFlow on random inputs before it is
written (the script stops when one differs by more than 1e-4); the hashes
in the names let browsers cache the files for good.
"""

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

OPSET = 17


def _hashed(out, stem, suffix, data):
    digest = hashlib.sha256(data).hexdigest()[:12]
    name = f"{stem}.{digest}{suffix}"
    (out / name).write_bytes(data)
    return name


def _convert(function, signature):
    import tf2onnx

    model, _ = tf2onnx.convert.from_function(function, input_signature=signature, opset=OPSET)
    return model


def _rename_outputs(model, names):
    """Name the graph's outputs (tf2onnx names them after TF's tensors)."""
    for output, name in zip(model.graph.output, names):
        old = output.name
        for node in model.graph.node:
            node.output[:] = [name if value == old else value for value in node.output]
            node.input[:] = [name if value == old else value for value in node.input]
        output.name = name
    return model


def _check(model, reference, inputs, label):
    import onnxruntime as ort

    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    got = session.run(None, {session.get_inputs()[0].name: inputs})
    worst = 0.0
    for value, expected in zip(got, reference):
        worst = max(worst, float(np.max(np.abs(value - np.asarray(expected)))))
    print(f"{label}: onnxruntime vs TensorFlow, largest difference {worst:.2e}")
    if worst > 1e-4:
        raise SystemExit(f"{label}: the exported network differs from TensorFlow")
    return worst


def build_mtcnn():
    import tensorflow as tf
    from mtcnn.network.onet import ONet
    from mtcnn.network.pnet import PNet
    from mtcnn.network.rnet import RNet
    from mtcnn.utils.tensorflow import load_weights

    nets = {}
    for key, cls, weights in (
        ("pnet", PNet, "pnet.lz4"),
        ("rnet", RNet, "rnet.lz4"),
        ("onet", ONet, "onet.lz4"),
    ):
        net = cls()
        net.build()
        net.set_weights(load_weights(weights))
        nets[key] = net
    rng = np.random.default_rng(0)
    models = {}

    pnet = nets["pnet"]

    @tf.function(input_signature=[tf.TensorSpec([1, None, None, 3], tf.float32, name="image")])
    def pnet_fn(x):
        regression, scores = pnet(x, training=False)
        return regression, scores

    sample = rng.uniform(-1, 1, (1, 57, 43, 3)).astype(np.float32)
    model = _rename_outputs(_convert(pnet_fn, pnet_fn.input_signature), ["regression", "scores"])
    _check(model, [t.numpy() for t in pnet_fn(sample)], sample, "pnet")
    models["pnet"] = model

    for key, size, names in (
        ("rnet", 24, ["offsets", "scores"]),
        ("onet", 48, ["offsets", "landmarks", "scores"]),
    ):
        net = nets[key]

        @tf.function(
            input_signature=[tf.TensorSpec([None, size, size, 3], tf.float32, name="crops")]
        )
        def net_fn(x, net=net):
            return tuple(net(x, training=False))

        sample = rng.uniform(-1, 1, (3, size, size, 3)).astype(np.float32)
        model = _rename_outputs(_convert(net_fn, net_fn.input_signature), names)
        _check(model, [t.numpy() for t in net_fn(sample)], sample, key)
        models[key] = model
    return models


def build_embedder():
    """The ResNet with its 8-bit codes kept (see the module docstring)."""
    import onnx

    arrays, tensors, folded = _embedder_weights()
    embed, model = _traced_embedder(folded)
    recipes = _kernel_recipes(arrays, tensors, folded)
    replaced = _swap_in_codes(model.graph, recipes)
    if replaced != len(recipes):
        raise SystemExit(f"embedder: found {replaced} of {len(recipes)} quantised kernels")
    onnx.checker.check_model(model)
    sample = np.random.default_rng(1).uniform(0, 255, (2, 150, 150, 3)).astype(np.float32)
    _check(model, [embed(sample).numpy()], sample, f"embedder ({replaced} kernels as codes)")
    return model


def _embedder_weights():
    """(the stored arrays, the decoded tensors, the folded weights)."""
    from heroes.ml.embedding import DEFAULT_WEIGHTS, decode_npz, fold_weights

    with np.load(DEFAULT_WEIGHTS) as data:
        arrays = {key: data[key] for key in data.files}

    class _Npz(dict):  # decode_npz reads .files and items
        files = property(lambda self: list(self))

    tensors = decode_npz(_Npz(arrays))
    folded = fold_weights(tensors)
    return arrays, tensors, folded


def _traced_embedder(folded):
    """(the traced TensorFlow function, its ONNX export with float weights)."""
    import tensorflow as tf

    from heroes.ml.embedding import graph_forward

    # The pitfall: graph_forward must create its weight constants inside the
    # traced function, or the export has no weights.
    @tf.function(input_signature=[tf.TensorSpec([None, 150, 150, 3], tf.float32, name="chips")])
    def embed(x):
        return graph_forward(folded)(x)

    model = _rename_outputs(_convert(embed, embed.input_signature), ["embeddings"])
    return embed, model


def _kernel_recipes(arrays, tensors, folded):
    """Each quantised kernel: which folded array it became, and how to rebuild
    it from its codes: (codes * scale + min) * per-output-channel affine.
    Tuples (target, codes, scale, min, affine or None)."""
    from heroes.ml.embedding import RESIDUAL_STAGES

    layers = [("conv32_down", "conv32_down")]
    for name, _filters, _kind in RESIDUAL_STAGES:
        layers += [(f"{name}_conv1", f"{name}/conv1"), (f"{name}_conv2", f"{name}/conv2")]
    recipes = []
    for layer, prefix in layers:
        key = "q." + f"{prefix}/conv/filters".replace("/", ".")
        if key not in arrays:
            continue  # stored as float32 by face-api: left as it is
        scale, minimum = arrays["qp." + key[2:]]
        affine = tensors[f"{prefix}/scale/weights"]
        recipes.append((folded[layer][0], arrays[key], float(scale), float(minimum), affine))
    scale, minimum = arrays["qp.fc"]
    recipes.append((folded["fc"][0], arrays["q.fc"], float(scale), float(minimum), None))
    return recipes


def _swap_in_codes(graph, recipes):
    """Replace every float initializer that is a quantised kernel (in either
    layout) by its codes and the nodes that expand them; the number replaced."""
    from onnx import numpy_helper

    replaced = 0
    for initializer in list(graph.initializer):
        value = numpy_helper.to_array(initializer)
        if value.dtype != np.float32 or value.size < 256:
            continue
        match = _matching_recipe(recipes, value)
        if match is None:
            continue
        recipe, layout = match
        _expand_codes(graph, initializer, recipe, layout)
        replaced += 1
    return replaced


def _matching_recipe(recipes, value):
    """(the recipe, the layout) whose kernel, transposed, is ``value``; or None."""
    for recipe in recipes:
        target = recipe[0]
        for layout in ((3, 2, 0, 1), (0, 1, 2, 3)) if target.ndim == 4 else ((0, 1),):
            if target.transpose(layout).shape != value.shape:
                continue
            if not np.array_equal(target.transpose(layout), value):
                continue
            return recipe, layout
    return None


def _expand_codes(graph, initializer, recipe, layout):
    """Put the kernel's codes, scale and min (and affine) in place of
    ``initializer``, with the nodes that rebuild it under its name."""
    import onnx
    from onnx import helper, numpy_helper

    _target, codes, scale, minimum, affine = recipe
    name = initializer.name
    graph.initializer.remove(initializer)
    codes_name, nodes = f"{name}__codes", []
    graph.initializer.append(
        numpy_helper.from_array(np.ascontiguousarray(codes.transpose(layout)), codes_name)
    )
    graph.initializer.append(numpy_helper.from_array(np.array(scale, np.float32), f"{name}__scale"))
    graph.initializer.append(numpy_helper.from_array(np.array(minimum, np.float32), f"{name}__min"))
    nodes.append(helper.make_node("Cast", [codes_name], [f"{name}__f"], to=onnx.TensorProto.FLOAT))
    nodes.append(helper.make_node("Mul", [f"{name}__f", f"{name}__scale"], [f"{name}__s"]))
    last = name if affine is None else f"{name}__raw"
    nodes.append(helper.make_node("Add", [f"{name}__s", f"{name}__min"], [last]))
    if affine is not None:
        # The affine scales output channels: axis 3 in HWIO, 0 in OIHW.
        shape = [1] * 4
        shape[layout.index(3)] = -1
        graph.initializer.append(
            numpy_helper.from_array(affine.astype(np.float32).reshape(shape), f"{name}__affine")
        )
        nodes.append(helper.make_node("Mul", [last, f"{name}__affine"], [name]))
    for node in reversed(nodes):
        graph.node.insert(0, node)


def build_classifier(folder):
    import keras

    from heroes.ml.classifier import _top_k_pool_class, unit

    _top_k_pool_class()
    card = json.loads((folder / "model.json").read_text())
    model = keras.saving.load_model(folder / "classifier.keras", compile=False)
    mean = np.asarray(model.get_layer("centre").mean, np.float32).reshape(-1)
    variance = np.asarray(model.get_layer("centre").variance, np.float32).reshape(-1)
    if not np.allclose(variance, 1.0):
        raise SystemExit("the classifier's centre layer scales: not supported here")
    gallery = np.asarray(model.get_layer("gallery_cosine").get_weights()[0], np.float32).T
    pool = model.get_layer("hero_pool")
    # Models before the one-scoring card multiplied the head's outputs by a
    # logit scale (a "logits" layer) and kept temperature and tie margin
    # elsewhere in the card.
    names = {layer.name for layer in model.layers}
    scale = float(model.get_layer("logits").scale) if "logits" in names else 1.0
    strength = card.get("match_strength") or {}
    scoring = card.get("scoring") or {
        "temperature": card["temperature"],
        "tie_margin": strength.get("tie_margin", 0.0),
    }
    config = {
        "heroes": list(card["heroes"]),
        "mean": [float(v) for v in mean],
        "spans": [list(span) for span in pool.spans],
        "ks": list(pool.ks),
        "identity_k": pool.identity_k,
        "threshold": pool.threshold,
        "weight": pool.weight,
        "scale": scale,
        "temperature": float(scoring["temperature"]),
        "centroids": [
            [float(v) for v in row] for row in unit(np.asarray(card["centroids"], np.float32))
        ],
        "quantiles": strength.get("quantiles"),
        "tie_margin": float(scoring.get("tie_margin", 0.0)),
    }
    # Check the pooling written out here against the Keras head.
    probe = np.random.default_rng(2).normal(0, 0.1, (4, 128)).astype(np.float32)
    want = model(probe).numpy()
    cos = unit(probe - mean) @ gallery.T
    for row in range(len(probe)):
        for h, ((start, end), k) in enumerate(zip(config["spans"], config["ks"])):
            top = np.sort(cos[row, start:end])[::-1]
            idk = min(config["identity_k"], end - start)
            score = top[:k].mean() + config["weight"] * max(
                0.0, top[:idk].mean() - config["threshold"]
            )
            if abs(score * scale - want[row, 0, h]) > 1e-4:
                raise SystemExit("the classifier's pooling does not match the Keras head")
    print(
        f"classifier: {len(gallery)} gallery faces, {len(config['heroes'])} heroes, pooling checked"
    )
    return gallery.astype("<f4").tobytes(), config, card["version"]


def _canonical(model):
    """Rename nodes, intermediate tensors and weights in graph order: tf2onnx
    numbers them differently from run to run, and the same model must give
    the same bytes (so the same hashed names, nothing new to download)."""
    graph = model.graph
    fixed = {value.name for value in graph.input} | {value.name for value in graph.output}
    weights = {initializer.name: initializer for initializer in graph.initializer}
    names = {}
    for k, node in enumerate(graph.node):
        node.name = f"n{k}"
        for value in node.input:
            if value in weights and value not in names:
                names[value] = f"w{len([n for n in names if n in weights])}"
        for j, value in enumerate(node.output):
            if value not in fixed:
                names[value] = f"t{k}_{j}"
    for node in graph.node:
        node.input[:] = [names.get(value, value) for value in node.input]
        node.output[:] = [names.get(value, value) for value in node.output]
    ordered = sorted(
        (initializer for initializer in graph.initializer if initializer.name in names),
        key=lambda initializer: int(names[initializer.name][1:]),
    )
    for initializer in ordered:
        initializer.name = names[initializer.name]
    del graph.initializer[:]
    graph.initializer.extend(ordered)
    import onnx

    onnx.checker.check_model(model)
    return model


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(REPO / "static" / "private"))
    parser.add_argument("--model", help="model folder (default: the active model)")
    args = parser.parse_args(argv)

    from heroes.ml.engine import model_dir

    folder = Path(args.model) if args.model else model_dir()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.onnx"):
        old.unlink()
    for old in out.glob("gallery.*.bin"):
        old.unlink()

    files = {}
    for key, model in build_mtcnn().items():
        files[key] = _hashed(out, key, ".onnx", _canonical(model).SerializeToString())
    embedder = _canonical(build_embedder())
    files["embedder"] = _hashed(out, "embedder", ".onnx", embedder.SerializeToString())
    gallery, config, version = build_classifier(folder)
    files["gallery"] = _hashed(out, "gallery", ".bin", gallery)
    manifest = {
        "model_version": version,
        "files": files,
        "sizes": {key: (out / name).stat().st_size for key, name in files.items()},
        "gallery_shape": [len(gallery) // (4 * 128), 128],
        "classifier": config,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    total = sum(manifest["sizes"].values())
    print(f"wrote {out}/manifest.json for {version}: {total / 1e6:.2f} MB in {len(files)} files")


if __name__ == "__main__":
    main()
