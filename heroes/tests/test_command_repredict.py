"""manage.py repredict in this process (heroes/management/commands/repredict.py)
with the fake engine: selection, history kept,
failures reported, and an interrupted run resumed with nothing done twice."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from heroes.models import Prediction, RepredictRun
from heroes.services import prediction_create
from mylittlehero.tests.factories import photo_upload

pytestmark = pytest.mark.django_db


def make(user, n, fakes, name="p"):
    return [prediction_create(user=user, upload=photo_upload(f"{name}{i}.jpg")) for i in range(n)]


def test_default_reruns_only_stale_predictions_and_keeps_history(user, fake_predictor, capsys):
    old = make(user, 3, fake_predictor)
    fake_predictor.version = "fake-2"
    fresh = make(user, 2, fake_predictor, name="q")
    fake_predictor.calls.clear()
    call_command("repredict")
    out = capsys.readouterr().out
    assert "processed 3" in out
    assert len(fake_predictor.calls) == 3
    for prediction in old:
        prediction.refresh_from_db()
        assert prediction.model_version == "fake-2"
        assert prediction.previous_results[0]["model_version"] == "fake-1"
        assert prediction.previous_results[0]["ranking"]
    for prediction in fresh:
        prediction.refresh_from_db()
        assert prediction.previous_results == []
    assert RepredictRun.objects.get().finished_at is not None


def test_filters_and_dry_run(user, other_user, fake_predictor, capsys):
    make(user, 2, fake_predictor)
    make(other_user, 3, fake_predictor, name="o")
    fake_predictor.version = "fake-2"
    call_command("repredict", "--dry-run", "--user", other_user.email)
    assert "would re-predict 3 photos" in capsys.readouterr().out
    assert Prediction.objects.filter(model_version="fake-2").count() == 0
    call_command("repredict", "--user", other_user.email, "--limit", "2", "--batch-size", "1")
    assert Prediction.objects.filter(model_version="fake-2").count() == 2
    assert Prediction.objects.filter(model_version="fake-2", owner=user).count() == 0
    hero = Prediction.objects.filter(owner=user).first().top_hero.key
    call_command("repredict", "--all", "--hero", hero)
    assert Prediction.objects.filter(owner=user, model_version="fake-2").count() >= 1


def test_photo_without_a_face_now_keeps_its_result_and_failures_exit_nonzero(
    user, fake_predictor, media_root, capsys
):
    good, faceless, broken = make(user, 3, fake_predictor)
    # The stored photo of one becomes faceless for the "new model"...
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (128, 128, 128)).save(buffer, "JPEG")
    (media_root / faceless.image.name).write_bytes(buffer.getvalue())
    # ...and another's file has gone missing from storage.
    (media_root / broken.image.name).unlink()
    fake_predictor.version = "fake-2"
    with pytest.raises(CommandError, match="1 photos failed"):
        call_command("repredict")
    captured = capsys.readouterr()
    assert "processed 1" in captured.out and "no face now 1" in captured.out
    assert f"prediction {broken.pk}" in captured.err
    faceless.refresh_from_db()
    assert faceless.model_version == "fake-1" and faceless.ranking  # nothing lost
    assert Prediction.objects.count() == 3


class Interrupt(BaseException):
    pass


def test_interrupted_run_resumes_and_processes_each_once(user, fake_predictor, monkeypatch, capsys):
    predictions = make(user, 7, fake_predictor)
    fake_predictor.version = "fake-2"
    fake_predictor.calls.clear()
    original = fake_predictor.analyse_many
    batches = []

    def dying(sources, **kwargs):
        batches.append(len(list(sources)))
        if len(batches) == 3:  # killed while computing the third batch
            raise Interrupt()
        return original(sources, **kwargs)

    monkeypatch.setattr(fake_predictor, "analyse_many", dying)
    with pytest.raises(Interrupt):
        call_command("repredict", "--batch-size", "2")
    assert Prediction.objects.filter(model_version="fake-2").count() == 4
    run = RepredictRun.objects.get()
    assert run.finished_at is None and run.processed == 4

    monkeypatch.setattr(fake_predictor, "analyse_many", original)
    fake_predictor.calls.clear()
    call_command("repredict", "--batch-size", "2")
    assert "resuming the run" in capsys.readouterr().out
    assert len(fake_predictor.calls) == 3  # only the three not yet done
    for prediction in predictions:
        prediction.refresh_from_db()
        assert prediction.model_version == "fake-2"
        assert len(prediction.previous_results) == 1  # processed exactly once
    assert RepredictRun.objects.get().finished_at is not None


def test_engine_unavailable_is_a_clear_error(fake_predictor):
    fake_predictor.unavailable = True
    with pytest.raises(CommandError, match="no model"):
        call_command("repredict")


@pytest.mark.model
@pytest.mark.django_db(transaction=True)
def test_repredict_with_the_real_model_resumes_after_a_crash(
    user, hero_engine, default_heroes, monkeypatch, capsys
):
    from heroes.ml import api
    from mylittlehero.tests.factories import ASTRONAUT

    base = Image.open(ASTRONAUT).convert("RGB")
    predictions = []
    for i in range(5):
        crop = base.crop((i * 8, 0, 512 - i * 4, 512 - i * 6))
        buffer = io.BytesIO()
        crop.save(buffer, "JPEG", quality=90)
        predictions.append(
            prediction_create(user=user, upload=photo_upload(content=buffer.getvalue()))
        )
    Prediction.objects.update(model_version="old-model")

    original = api.predict_many
    calls = []

    def crash_on_second_batch(sources, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise Interrupt()
        return original(sources, **kwargs)

    monkeypatch.setattr(api, "predict_many", crash_on_second_batch)
    with pytest.raises(Interrupt):
        call_command("repredict", "--batch-size", "2")
    assert Prediction.objects.filter(model_version=hero_engine.version).count() == 2
    monkeypatch.setattr(api, "predict_many", original)
    call_command("repredict", "--batch-size", "2")
    assert "processed 3" in capsys.readouterr().out
    for prediction in predictions:
        prediction.refresh_from_db()
        assert prediction.model_version == hero_engine.version
        assert [r["model_version"] for r in prediction.previous_results] == ["old-model"]


@pytest.mark.django_db(transaction=True)
def test_repredict_killed_with_sigkill_and_rerun_processes_each_once(
    user, fake_predictor, default_heroes, settings
):
    """A real `manage.py repredict` process, killed with SIGKILL mid-run."""
    import signal
    import subprocess
    import sys
    import time

    from mylittlehero.tests.environment import REPO_ROOT, child_database_env, child_env

    predictions = make(user, 10, fake_predictor)
    env = child_env(
        **child_database_env(),
        MLH_MEDIA_ROOT=str(settings.MEDIA_ROOT),
        MLH_FAKE_VERSION="fake-2",
        MLH_FAKE_DELAY="0.25",
    )
    command = [sys.executable, "-m", "heroes.tests.fake_manage", "repredict", "--batch-size", "2"]
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        done = Prediction.objects.filter(model_version="fake-2").count()
        if done >= 4:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = Prediction.objects.filter(model_version="fake-2").count()
    assert 4 <= killed_at < 10, "the kill should land mid-run"

    env["MLH_FAKE_DELAY"] = "0"
    rerun = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert "resuming the run" in rerun.stdout
    for prediction in predictions:
        prediction.refresh_from_db()
        assert prediction.model_version == "fake-2"
        assert len(prediction.previous_results) == 1  # exactly once overall
    assert RepredictRun.objects.get().finished_at is not None
