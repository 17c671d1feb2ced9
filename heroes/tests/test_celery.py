"""Re-prediction on real Celery workers with a real Redis.

Two real worker processes (`celery -A mylittlehero worker`, prefork, one
process and one TensorFlow thread each) and the real model re-predict
stored London-set photos that `manage.py repredict --queue` put on the
queue: every stale photo updated exactly once, the rest untouched; a worker
killed with SIGKILL mid-batch leaves its batch to be delivered again and
nothing is lost or done twice; a photo whose file is gone fails alone.

Needs MLH_TEST_REDIS_URL (a Redis on loopback; `.ci/run` starts one) - the
broker uses its database 1, or MLH_TEST_BROKER_URL - and ../shared/datasets.
Skips with the reason elsewhere. Workers are stopped by PID.
"""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from PIL import Image

from core.celery import app
from heroes.ml import api
from heroes.models import Hero, Prediction
from heroes.reprediction import RunProgress
from mylittlehero.tests.environment import (
    REPO_ROOT,
    broker_or_skip,
    broker_url_for_tests,
    child_database_env,
)

pytestmark = [pytest.mark.model, pytest.mark.django_db(transaction=True)]

OLD = "old-model"
# Short enough for the test to see a dead worker's batch again, longer than
# the hard time limit of a batch (settings refuse anything else).
VISIBILITY = 12
TIME_LIMIT = 10


BROKER_URL = broker_url_for_tests()


@pytest.fixture(scope="module")
def broker():
    client = broker_or_skip()
    yield BROKER_URL
    client.flushdb()


class Worker:
    """One `celery worker` (a parent and one prefork child), logging to a file."""

    def __init__(self, name, env, log_dir):
        self.name = name
        self.log = Path(log_dir) / f"{name}.log"
        command = [
            sys.executable, "-m", "celery", "-A", "mylittlehero", "worker",
            "--pool", "prefork", "--concurrency", "1", "--prefetch-multiplier", "1",
            "-n", f"{name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--loglevel", "INFO", "--logfile", str(self.log),
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )

    def text(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def ready(self):
        return " ready." in self.text() and "hero engine" in self.text()

    def children(self):
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def batches_started(self):
        return self.text().count("batch started")

    def batches_ended(self):
        return self.text().count("batch done")

    def kill(self):
        """SIGKILL the parent and its child: as if the machine died."""
        children = self.children()
        self.process.send_signal(signal.SIGKILL)
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()

    def stop(self):
        if self.process.poll() is None:
            children = self.children()
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.send_signal(signal.SIGKILL)
                self.process.wait()
            for pid in children:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


@pytest.fixture(scope="module")
def workers(broker, django_db_blocker, _session_media_root, tmp_path_factory):
    """Two worker processes on the test database and media folder."""
    with django_db_blocker.unblock():
        database = child_database_env()
        connection.close()
    env = {
        **{
            k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MLH_", "MONGODB_"))
        },
        "DJANGO_SETTINGS_MODULE": "mylittlehero.settings",
        **database,
        "MLH_MEDIA_ROOT": str(_session_media_root),
        "MLH_BROKER_URL": broker,
        "MLH_CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "MLH_CELERY_TASK_TIME_LIMIT": str(TIME_LIMIT),
        "MLH_WORKER_TF_THREADS": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    log_dir = tmp_path_factory.mktemp("celery-logs")
    started = [Worker(f"w{i}", env, log_dir) for i in range(2)]
    try:
        deadline = time.time() + 240
        while not all(w.ready() for w in started):
            for w in started:
                if w.process.poll() is not None:
                    pytest.fail(f"worker {w.name} exited:\n{w.text()[-3000:]}")
            if time.time() > deadline:
                pytest.fail("workers not ready:\n" + "\n".join(w.text()[-2000:] for w in started))
            time.sleep(0.2)
        yield started
    finally:
        for w in started:
            w.stop()


@pytest.fixture
def queue_settings(settings, broker):
    settings.MLH_BROKER_URL = broker
    settings.CELERY_BROKER_URL = broker

    app.conf.broker_url = broker
    return settings


@pytest.fixture
def london(shared_datasets):
    return sorted((shared_datasets / "faces-london" / "neutral").glob("*.jpg"))


def store(owner, paths, version):
    """Stored predictions with an earlier result of ``version`` (no engine)."""

    hero = Hero.objects.get(key="iron-man")
    ranking = [{"hero": "iron-man", "probability": 1.0, "similarity": 0.5, "index": 50.0}]
    stored = []
    for path in paths:
        prediction = Prediction(
            owner=owner, model_version=version, ranking=ranking, top_hero=hero, top_probability=1.0,
            faces=[{"box": [0, 0, 10, 10], "confidence": 0.99}],
        )  # fmt: skip
        prediction.image.save("photo.jpg", ContentFile(Path(path).read_bytes()), save=False)
        with Image.open(path) as image:
            # Stored with the row, as uploads are.
            prediction.image_width, prediction.image_height = image.size
        prediction.save()
        stored.append(prediction)
    return stored


def snapshot(predictions):
    return {
        p.pk: (p.model_version, p.predicted_at, p.ranking, p.previous_results)
        for p in Prediction.objects.filter(pk__in=[p.pk for p in predictions])
    }


def assert_updated_exactly_once(predictions, version):
    for prediction in predictions:
        prediction.refresh_from_db()
        assert prediction.model_version == version, prediction.pk
        history = [prediction.model_version] + [
            r["model_version"] for r in prediction.previous_results
        ]
        assert history == [version, OLD], (prediction.pk, history)


def current_version():
    return api.model_version()


def test_two_workers_update_every_stale_prediction_exactly_once(
    london, workers, queue_settings, user, default_heroes, capsys
):
    version = current_version()
    stale = store(user, london[:24], OLD)
    fresh = store(user, london[24:30], version)
    before = snapshot(fresh)
    call_command("repredict", "--queue", "--batch-size", "4", "--poll", "0.2")
    out = capsys.readouterr().out
    assert "queued 24 photos in 6 batches" in out
    assert re.search(r"updated 24, unchanged 0 .* failed 0", out), out
    assert_updated_exactly_once(stale, version)
    assert snapshot(fresh) == before  # the rest untouched
    # Both processes worked, each with the engine loaded once at start.
    for worker in workers:
        assert worker.batches_ended() >= 1, worker.text()[-2000:]
        assert worker.text().count("hero engine") == 1


def test_a_missing_photo_fails_alone_and_is_reported(
    london, workers, queue_settings, user, default_heroes, media_root, capsys
):
    version = current_version()
    stale = store(user, london[30:38], OLD)
    gone, gone_unmeasured = stale[3], stale[5]
    # The second has no stored dimensions either (rows from before they were
    # kept): Django reads the file to measure it when the row is loaded.
    Prediction.objects.filter(pk=gone_unmeasured.pk).update(image_width=None, image_height=None)
    for prediction in (gone, gone_unmeasured):
        (media_root / prediction.image.name).unlink()
    with pytest.raises(CommandError, match="2 photos failed"):
        call_command("repredict", "--queue", "--batch-size", "8", "--poll", "0.2")
    captured = capsys.readouterr()
    assert re.search(r"updated 6, unchanged 0 .* failed 2", captured.out), captured.out
    for prediction in (gone, gone_unmeasured):
        assert f"prediction {prediction.pk}: photo unreadable" in captured.err
    assert_updated_exactly_once([p for p in stale if p not in (gone, gone_unmeasured)], version)
    row = Prediction.objects.filter(pk=gone.pk).values("model_version", "previous_results").get()
    assert row == {"model_version": OLD, "previous_results": []}


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_nothing(
    london, workers, queue_settings, user, default_heroes, capsys
):

    version = current_version()
    stale = store(user, london[40:76], OLD)
    victim, survivor = workers
    started_before = victim.batches_started()
    call_command("repredict", "--queue", "--no-wait", "--batch-size", "6")
    run_id = re.search(r"\(run (\w+)\)", capsys.readouterr().out).group(1)
    # Wait until the victim is inside a batch of this run, then kill it.
    deadline = time.time() + 120
    while True:
        started = victim.batches_started() - started_before
        if started >= 1 and victim.batches_started() > victim.batches_ended():
            victim.kill()
            break
        assert time.time() < deadline, victim.text()[-2000:]
        time.sleep(0.02)
    call_command("repredict", "--follow", run_id, "--poll", "0.2")
    out = capsys.readouterr().out
    assert re.search(r"updated 36, unchanged 0 .* failed 0", out), out
    assert_updated_exactly_once(stale, version)
    deliveries = RunProgress(run_id).client.hgetall(RunProgress(run_id).deliveries_key)
    assert max(int(n) for n in deliveries.values()) == 2, deliveries  # redelivered, once
    assert survivor.process.poll() is None
