"""heroes/ml/api.py, the one door into the engine, without TensorFlow: one
meaning of the model version (also after an activation without a restart),
the seam that swaps the engine for tests, the exceptions in one module, and
the training runs' checks that come before any model loads."""

import json
import os
import types

import pytest
from PIL import Image

from heroes.ml import api, errors, training_api
from heroes.ml import engine as engine_module
from heroes.ml.api import EngineResult, HeroScore
from mylittlehero.tests.environment import modules_after


class StubEngine:
    """A HeroEngine stand-in for get_engine: the version from the folder's
    card, no TensorFlow. Counts the loads."""

    loads = []

    def __init__(self, folder=None):
        self.folder = folder
        self.version = json.loads((folder / "model.json").read_text())["version"]
        StubEngine.loads.append(self.version)

    def warm_up(self):
        pass

    def analyse(self, source, *, face_index=None, max_bytes=None):
        return EngineResult(
            faces=[],
            face_index=0,
            ranking=[HeroScore("iron-man", 1.0, 1.0)],
            model_version=self.version,
            timings={},
        )


class StubClassifier:
    def __init__(self, version):
        self.version = version

    def save(self, folder):
        folder.mkdir(parents=True)
        (folder / "model.json").write_text(json.dumps({"version": self.version}))
        (folder / "classifier.keras").write_bytes(b"weights")


@pytest.fixture
def models_dir(tmp_path, monkeypatch, engine_config):
    """An empty models folder in place of heroes/ml/models, with the stub engine."""
    engine_config(model_dir=None)
    monkeypatch.setattr(engine_module, "MODELS_DIR", tmp_path)
    monkeypatch.setattr(engine_module, "HeroEngine", StubEngine)
    StubEngine.loads = []
    engine_module.reset_engine()
    yield tmp_path
    engine_module.reset_engine()


def test_the_model_version_has_one_meaning_after_an_activation_without_restart(models_dir):
    training_api.write_model(StubClassifier("v1"), activate=True)
    assert api.model_version() == "v1"
    assert not api.status()["loaded"]
    assert api.predict(b"photo").model_version == "v1"
    assert api.status()["loaded"]

    # train_heroes --activate in another process: this one keeps running.
    training_api.write_model(StubClassifier("v2"), models_dir, activate=True)
    assert api.model_version() == "v2"
    assert not api.status()["loaded"]  # the loaded engine is the old model's
    result = api.predict(b"photo")
    assert result.model_version == "v2" == api.model_version()
    assert api.status()["version"] == "v2" and api.status()["loaded"]
    assert StubEngine.loads == ["v1", "v2"]
    api.predict(b"photo")
    assert StubEngine.loads == ["v1", "v2"]  # loaded once per activation


def test_the_card_is_parsed_once_per_version_of_the_file(models_dir, monkeypatch):
    """model_version(), status() and hero_profiles() read the card on every
    hero page and health check: it is parsed once, and again as soon as the
    file is replaced or touched."""
    training_api.write_model(StubClassifier("v1"), activate=True)
    parsed = []
    counting = types.SimpleNamespace(loads=lambda text: parsed.append(text) or json.loads(text))
    monkeypatch.setattr(engine_module, "json", counting)
    for _ in range(3):
        assert api.model_version() == "v1" == api.status()["version"]
        assert api.hero_profiles() == {}
    assert len(parsed) == 1

    card = engine_module.model_dir() / "model.json"
    # Replaced (os.replace, as a writer should): the new card at once.
    replacement = card.with_name("model.json.new")
    replacement.write_text(json.dumps({"version": "v2", "hero_profiles": {"thor": {"share": 1}}}))
    os.replace(replacement, card)
    assert api.model_version() == "v2"
    assert api.hero_profiles() == {"thor": {"share": 1}}
    assert len(parsed) == 2
    # Rewritten in place with the same size, then touched: read again.
    card.write_text(json.dumps({"version": "v3", "hero_profiles": {"thor": {"share": 1}}}))
    later = card.stat().st_mtime + 5
    os.utime(card, (later, later))
    assert api.model_version() == "v3"
    assert len(parsed) == 3
    # A caller changing what it got does not change the kept card.
    api.hero_profiles()["thor"]["share"] = 0
    assert api.hero_profiles() == {"thor": {"share": 1}}
    assert len(parsed) == 3


def test_writing_without_activating_changes_nothing(models_dir):
    training_api.write_model(StubClassifier("v1"), activate=True)
    api.predict(b"photo")
    training_api.write_model(StubClassifier("v2"))
    assert api.model_version() == "v1"
    assert api.predict(b"photo").model_version == "v1"
    assert StubEngine.loads == ["v1"]


def test_engine_status_without_a_model(models_dir):
    status = api.status()
    assert status["ok"] is False and status["version"] is None
    assert status["files_present"] is False and status["loaded"] is False


def test_fake_predictor_swaps_the_engine_behind_the_door(fake_predictor, user):
    from heroes.services import prediction_create
    from mylittlehero.tests.factories import photo_upload

    fake_predictor.version = "fake-7"
    assert api.model_version() == "fake-7"
    prediction = prediction_create(user=user, upload=photo_upload())
    assert prediction.model_version == "fake-7"
    assert len(fake_predictor.calls) == 1
    assert api.status() == {
        "ok": True,
        "version": "fake-7",
        "files_present": True,
        "loaded": True,
    }
    fake_predictor.unavailable = True
    with pytest.raises(api.ModelUnavailable):
        api.predict(b"x")
    assert api.status()["ok"] is False
    assert api.status()["error"] == "no model (test)"


def test_use_engine_returns_the_previous_engine_and_none_restores_the_model_on_disk():
    from heroes.tests.fakes import FakeEngine

    first, second = FakeEngine("a"), FakeEngine("b")
    assert api.use_engine(first) is None
    assert api.use_engine(second) is first
    assert api.model_version() == "b"
    assert api.use_engine(None) is second
    assert api.model_version() == engine_module.active_model_version()


def test_every_engine_exception_lives_in_errors_and_is_exported_by_a_door():
    """The site's door exports every exception a photo can raise; the
    training door the training's own."""
    from heroes.ml import classifier, intake

    names = [
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, Exception)
    ]
    assert len(names) >= 10
    for name in names:
        door = training_api if name == "TrainingDataMissing" else api
        assert getattr(door, name) is getattr(errors, name), name
        assert name in door.__all__
    # The modules that raise them use the same classes.
    assert intake.ImageRejected is api.ImageRejected
    assert classifier.ModelUnavailable is api.ModelUnavailable
    assert engine_module.NoSuchFace is api.NoSuchFace
    codes = [
        getattr(errors, n).code for n in names if issubclass(getattr(errors, n), api.ImageRejected)
    ]
    assert len(codes) == len(set(codes))  # each rejection has its own code


def test_the_byte_limit_comes_from_the_caller_not_the_environment(monkeypatch, fake_predictor):
    monkeypatch.setenv("MLH_MAX_UPLOAD_BYTES", "10")
    photo = Image.effect_noise((64, 64), 60).convert("RGB")
    import io

    buffer = io.BytesIO()
    photo.save(buffer, "PNG")
    data = buffer.getvalue()
    assert api.predict(data).model_version == "fake-1"  # the environment is not read
    with pytest.raises(api.ImageTooLarge):
        api.predict(data, max_bytes=len(data) - 1)


def _folder(root, split, label, count=1):
    folder = root / split / label
    folder.mkdir(parents=True)
    for i in range(count):
        Image.new("RGB", (8, 8)).save(folder / f"{i}.png")


def test_folder_sources_map_class_folders_to_heroes_by_key_or_alias(tmp_path):
    root = tmp_path / "faces"
    _folder(root, "train", "ironman", 2)
    _folder(root, "train", "Captain America")
    _folder(root, "train", "nobody")
    _folder(root, "valid", "iron-man")
    (root / "train" / "ironman" / "notes.txt").write_text("not an image")
    heroes = [("iron-man", ["Iron Man"]), ("captain-america", [])]
    sources, unknown = training_api.folder_sources([root], heroes)
    ((train, valid),) = sources.values()
    assert sorted(key for _path, key in train) == ["captain-america", "iron-man", "iron-man"]
    assert [key for _path, key in valid] == ["iron-man"]
    assert unknown == ["nobody"]
    assert list(sources) == ["faces"]


def test_training_data_problems_are_reported_before_any_model_loads(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("an engine was loaded")

    monkeypatch.setattr("heroes.ml.training_api.HeroEngine", refuse)
    with pytest.raises(training_api.TrainingDataMissing, match="train"):
        training_api.folder_sources([tmp_path / "absent"], [("iron-man", [])])
    sources = {"catalog": ([(tmp_path / "a.jpg", "iron-man")], [])}
    with pytest.raises(training_api.TrainingDataMissing, match="captain-america"):
        training_api.train_model(sources, ["iron-man", "captain-america"])


def test_django_start_up_and_every_engine_command_import_no_tensorflow():
    """The one check that TensorFlow, Keras and MTCNN stay out of start-up:
    the URLs, the admin, the pages, the engine's modules and its commands."""
    loaded = modules_after(
        "from django.urls import get_resolver; get_resolver().url_patterns",
        "from django.contrib import admin; admin.autodiscover()",
        "import heroes.models, history.views, accounts.views",
        "import heroes.ml.embedding, heroes.ml.detect, heroes.ml.align, heroes.ml.classifier",
        "import heroes.ml.api, heroes.ml.engine, heroes.ml.intake, heroes.ml.training",
        "import heroes.ml.training_api, heroes.services, mylittlehero.health",
        "import heroes.management.commands.train_heroes, heroes.management.commands.evaluate_heroes",
        "import heroes.management.commands.repredict, heroes.management.commands.predict_image",
        "import heroes.management.commands.devserver, heroes.admin, history.admin",
    )
    assert loaded == []


def test_without_a_model_the_version_is_none_with_the_fake_too(fake_predictor):
    fake_predictor.unavailable = True
    assert api.model_version() is None


@pytest.mark.model
def test_a_running_process_ranks_with_the_newly_activated_real_model(
    tmp_path, monkeypatch, engine_config
):
    """The real engine: two copies of the committed model under other
    versions; activating the second in a running process makes the next
    photo ranked (and recorded) by it."""
    pytest.importorskip("tensorflow")
    import shutil

    from mylittlehero.tests.factories import ASTRONAUT

    committed = engine_module.model_dir()
    for version in ("first", "second"):
        shutil.copytree(committed, tmp_path / version)
        card = json.loads((tmp_path / version / "model.json").read_text())
        card["version"] = version
        (tmp_path / version / "model.json").write_text(json.dumps(card))
    (tmp_path / "CURRENT").write_text("first\n")
    engine_config(model_dir=None)
    monkeypatch.setattr(engine_module, "MODELS_DIR", tmp_path)
    engine_module.reset_engine()
    try:
        first = api.predict(str(ASTRONAUT))
        assert first.model_version == "first" == api.model_version()
        (tmp_path / "CURRENT").write_text("second\n")  # what train_heroes --activate writes
        assert api.model_version() == "second" and not api.status()["loaded"]
        second = api.predict(str(ASTRONAUT))
        assert second.model_version == "second" and api.status()["loaded"]
        assert [s.hero for s in second.ranking] == [s.hero for s in first.ranking]
    finally:
        engine_module.reset_engine()


def test_the_version_needs_the_model_files(models_dir, fake_predictor):
    """A card without the weights is no usable model: no version, not ok."""
    api.use_engine(None)  # the model on disk (the fixture restores the fake after)
    assert api.model_version() is None
    (models_dir / "default").mkdir()
    (models_dir / "default" / "model.json").write_text(json.dumps({"version": "v0"}))
    if not engine_module.DEFAULT_WEIGHTS.is_file():
        pytest.skip("the embedding weights are not in this checkout")
    assert api.model_version() is None  # no classifier weights
    assert api.status()["ok"] is False
    (models_dir / "default" / "classifier.keras").write_bytes(b"weights")
    assert api.model_version() == "v0" and api.status()["ok"] is True
    api.use_engine(fake_predictor)
    fake_predictor.unavailable = True
    assert api.model_version() is None and api.status()["error"] == "no model (test)"


def test_the_doors_stay_narrow():
    """What the site may call, and what the training commands may call."""
    assert set(api.__all__) - {name for name in api.__all__ if name[0].isupper()} == {
        "configure",  # the site hands the engine its configuration (heroes/apps.py)
        "hero_profiles",
        "load",
        "load_image",
        "model_version",
        "predict",
        "predict_many",
        "status",
        "use_engine",
    }
    assert set(training_api.__all__) == {
        "ModelUnavailable",
        "TrainingDataMissing",
        "evaluate_model",
        "folder_sources",
        "reencoded",
        "train_model",
        "write_model",
    }


def test_the_fake_refuses_names_it_does_not_have(fake_predictor, monkeypatch):
    with pytest.raises(AttributeError, match="MODEL_VERSION"):
        fake_predictor.MODEL_VERSION = "fake-2"
    fake_predictor.version = "fake-2"
    monkeypatch.setattr(fake_predictor, "analyse_many", lambda *a, **k: iter(()))
    assert list(api.predict_many([b"x"])) == []
