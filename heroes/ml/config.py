"""The engine's configuration: one small object, handed to it explicitly.

The site fills it from Django settings as it starts (heroes/apps.py calls
``heroes.ml.api.configure``; the values come from ``MLH_MODEL_DIR``,
``MLH_MAX_PIXELS`` and ``MLH_TF_*_THREADS``, docs/operations.md). A process
that configures nothing (a script, a test) gets the engine's own defaults.
The engine reads no environment variable itself.
"""

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from heroes.ml.intake import DEFAULT_MAX_PIXELS


@dataclass(frozen=True)
class EngineConfig:
    # The hero model's folder; None: heroes/ml/models/<CURRENT>, looked up
    # on each call, so an activation is seen without a restart.
    model_dir: Path | None = None
    # The most pixels a photo may have, read from its header before decoding.
    max_pixels: int = DEFAULT_MAX_PIXELS
    # TensorFlow's thread pools; 0: TensorFlow's defaults.
    tf_intra_threads: int = 0
    tf_inter_threads: int = 0


_config = EngineConfig()


def configure(config=None, /, **changes):
    """Replace the configuration in this process with ``config`` (an
    ``EngineConfig``), or the current one with ``changes`` (its fields);
    returns the previous one. A model loaded before keeps running until the
    next call sees another model folder."""
    global _config
    previous = _config
    new = config if config is not None else dataclasses.replace(_config, **changes)
    if new.model_dir is not None and not isinstance(new.model_dir, Path):
        new = dataclasses.replace(new, model_dir=Path(new.model_dir))
    _config = new
    return previous


def current():
    """The configuration in effect."""
    return _config
