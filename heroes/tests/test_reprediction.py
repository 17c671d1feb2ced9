"""heroes/reprediction.py without workers: the one batch function and its
outcomes, and the queue path's pieces with the fake engine and a real Redis
(MLH_TEST_REDIS_URL, database 1; skipped elsewhere), with the command's
queue options. The command in this process: test_command_repredict.py."""

import base64
import io
import json

import pytest
from celery.exceptions import TimeLimitExceeded, WorkerLostError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from core.celery import app
from heroes import reprediction
from heroes.models import Prediction
from heroes.reprediction import Outcome, Tally
from heroes.services import prediction_choose_face, prediction_create
from heroes.tasks import repredict_batch
from mylittlehero.tests.environment import broker_or_skip, broker_url_for_tests
from mylittlehero.tests.factories import photo_upload

pytestmark = pytest.mark.django_db

BROKER_URL = broker_url_for_tests()


@pytest.fixture
def broker(settings):
    client = broker_or_skip()
    settings.MLH_BROKER_URL = BROKER_URL
    app.conf.broker_url = BROKER_URL
    yield client
    client.flushdb()


def queued_batches(client):
    """The (run, batch, ids) of every message waiting on the queue."""
    found = []
    for raw in client.lrange("mlh", 0, -1):
        message = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        found.append(tuple(args))
    return found


def test_queue_needs_a_broker(settings, fake_predictor):
    settings.MLH_BROKER_URL = ""
    with pytest.raises(CommandError, match="MLH_BROKER_URL"):
        call_command("repredict", "--queue")


def test_admin_action_queues_with_a_broker_unbounded(
    client, make_user, user, fake_predictor, broker, settings
):
    settings.MLH_ADMIN_REPREDICT_MAX = 2
    predictions = [prediction_create(user=user, upload=photo_upload(f"a{i}.jpg")) for i in range(3)]
    fake_predictor.calls.clear()
    client.force_login(make_user("root@example.com", is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:heroes_prediction_changelist"),
        {"action": "repredict", "_selected_action": [p.pk for p in predictions]},
        follow=True,
    )
    assert "분석 결과 3개를 다시 분석하도록 대기열에 넣었어요." in response.content.decode()
    assert fake_predictor.calls == []  # nothing computed in the request
    (batch,) = queued_batches(broker)
    assert sorted(batch[2]) == sorted(str(p.pk) for p in predictions)


def test_a_batch_delivered_twice_updates_each_photo_once(user, fake_predictor, broker, media_root):
    predictions = [prediction_create(user=user, upload=photo_upload(f"b{i}.jpg")) for i in range(4)]
    (media_root / predictions[1].image.name).unlink()
    fake_predictor.version = "fake-2"
    queued = reprediction.repredict_enqueue(
        predictions=Prediction.objects.all(), version="fake-2", batch_size=10
    )
    (message,) = queued_batches(broker)
    run_id, batch, ids = message
    fake_predictor.calls.clear()
    first = reprediction.repredict_batch(run_id=run_id, batch=batch, ids=ids)
    again = reprediction.repredict_batch(run_id=run_id, batch=batch, ids=ids)
    assert first == {"updated": 3, "failed": 1}
    assert again == {"updated": 3, "failed": 1}  # recognised, not computed again
    assert len(fake_predictor.calls) == 3
    progress = reprediction.RunProgress(queued.run_id)
    assert progress.counts() == {
        "updated": 3,
        "already": 0,
        "changed": 0,
        "no_face": 0,
        "failed": 1,
        "gone": 0,
    }
    rows = [
        Prediction.objects.filter(pk=p.pk).values_list("model_version", "previous_results").get()
        for p in predictions
    ]
    assert [version for version, _history in rows] == ["fake-2", "fake-1", "fake-2", "fake-2"]
    assert [len(history) for _version, history in rows] == [1, 0, 1, 1]


def test_a_batch_that_keeps_coming_back_is_reported_not_retried_for_ever(
    user, fake_predictor, broker
):
    for i in range(2):
        prediction_create(user=user, upload=photo_upload(f"c{i}.jpg"))
    fake_predictor.version = "fake-2"
    queued = reprediction.repredict_enqueue(predictions=Prediction.objects.all(), version="fake-2")
    (message,) = queued_batches(broker)
    progress = reprediction.RunProgress(queued.run_id)
    for _ in range(reprediction.MAX_DELIVERIES):
        progress.delivery(message[1])  # died each time before recording anything
    fake_predictor.calls.clear()
    assert reprediction.repredict_batch(run_id=message[0], batch=message[1], ids=message[2]) == {
        "failed": 2
    }
    assert fake_predictor.calls == []
    assert progress.counts()["failed"] == 2
    assert all("abandoned after 6 deliveries" in reason for _pk, reason in progress.failures())
    assert Prediction.objects.filter(model_version="fake-2").count() == 0


def test_two_workers_racing_on_one_photo_store_one_result(user, fake_predictor):
    prediction = prediction_create(user=user, upload=photo_upload("race.jpg"))
    first, second = (
        Prediction.objects.get(pk=prediction.pk),
        Prediction.objects.get(pk=prediction.pk),
    )
    fake_predictor.version = "fake-2"
    with first.image.open("rb") as handle:
        result = fake_predictor.analyse(handle.read())
    assert reprediction.prediction_result_store(prediction=first, result=result) == "updated"
    # The second copy was read before the first write: the conditional write sees it.
    assert reprediction.prediction_result_store(prediction=second, result=result) == "already"
    prediction.refresh_from_db()
    assert prediction.model_version == "fake-2"
    assert [r["model_version"] for r in prediction.previous_results] == ["fake-1"]


def test_a_face_chosen_meanwhile_is_left_as_chosen(user, fake_predictor):
    prediction = prediction_create(user=user, upload=photo_upload("two.jpg", size=(640, 240)))
    stale = Prediction.objects.get(pk=prediction.pk)
    prediction_choose_face(prediction=prediction, face_index=1)  # still the old model
    fake_predictor.version = "fake-2"
    with stale.image.open("rb") as handle:
        result = fake_predictor.analyse(handle.read(), face_index=stale.face_index)
    assert reprediction.prediction_result_store(prediction=stale, result=result) == "changed"
    prediction.refresh_from_db()
    assert (prediction.face_index, prediction.model_version) == (1, "fake-1")


def test_a_batch_that_keeps_failing_is_retried_a_few_times_then_reported(
    user, fake_predictor, broker, monkeypatch
):
    for i in range(3):
        prediction_create(user=user, upload=photo_upload(f"d{i}.jpg"))
    fake_predictor.version = "fake-2"
    queued = reprediction.repredict_enqueue(predictions=Prediction.objects.all(), version="fake-2")
    (message,) = queued_batches(broker)
    tries = []

    def broken():
        tries.append(1)
        raise RuntimeError("engine broke")

    # Every delivery asks the engine for its model version first.
    monkeypatch.setattr(type(fake_predictor), "version", property(lambda _self: broken()))
    # Run here (eagerly): Celery's retries run at once, one after another.
    repredict_batch.apply(args=message)
    assert len(tries) == reprediction.MAX_RETRIES + 1
    progress = reprediction.RunProgress(queued.run_id)
    assert progress.counts()["failed"] == 3
    reasons = {reason for _pk, reason in progress.failures()}
    assert reasons == {"batch failed 4 times: RuntimeError: engine broke"}
    assert Prediction.objects.filter(model_version="fake-2").count() == 0


def test_queue_dry_run_and_nothing_stale_queue_nothing(user, fake_predictor, broker, capsys):
    prediction_create(user=user, upload=photo_upload("e.jpg"))
    call_command("repredict", "--queue")
    assert "nothing to re-predict" in capsys.readouterr().out
    fake_predictor.version = "fake-2"
    call_command("repredict", "--queue", "--dry-run")
    assert "would queue 1 photos for model fake-2" in capsys.readouterr().out
    assert queued_batches(broker) == []
    call_command("repredict", "--queue", "--no-wait")
    assert "follow it with: manage.py repredict --follow" in capsys.readouterr().out
    assert len(queued_batches(broker)) == 1


def test_a_batch_stopped_at_the_hard_time_limit_reports_what_it_left(user, fake_predictor, broker):
    for i in range(3):
        prediction_create(user=user, upload=photo_upload(f"t{i}.jpg"))
    fake_predictor.version = "fake-2"
    queued = reprediction.repredict_enqueue(predictions=Prediction.objects.all(), version="fake-2")
    (message,) = queued_batches(broker)
    progress = reprediction.RunProgress(queued.run_id)
    progress.record(
        message[2][0], reprediction.Outcome.UPDATED
    )  # done before the process was killed

    # What Celery's worker does in its parent process when the hard limit kills a batch.
    repredict_batch.on_failure(WorkerLostError("lost"), "task-id", message, {}, None)
    assert sum(progress.counts().values()) == 1  # a lost worker's batch comes back: not reported
    repredict_batch.on_failure(TimeLimitExceeded(600), "task-id", message, {}, None)
    counts = progress.counts()
    assert (counts["updated"], counts["failed"]) == (1, 2)
    assert sum(counts.values()) == queued.total  # the run has drained
    assert {reason for _pk, reason in progress.failures()} == {
        "batch stopped at the hard time limit (600 s)"
    }


def test_the_batch_function_records_one_outcome_per_photo(user, fake_predictor, media_root):
    held, unreadable, faceless, changed, stale = [
        prediction_create(user=user, upload=photo_upload(f"o{i}.jpg")) for i in range(5)
    ]
    (media_root / unreadable.image.name).unlink()
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (128, 128, 128)).save(buffer, "JPEG")
    (media_root / faceless.image.name).write_bytes(buffer.getvalue())
    fake_predictor.version = "fake-2"
    before = timezone.now()
    prediction_choose_face(prediction=held, face_index=0)  # now holds fake-2
    batch = list(Prediction.objects.select_related("top_hero").order_by("pk"))
    # Another face chosen meanwhile (by a web machine still on the old model).
    Prediction.objects.filter(pk=changed.pk).update(face_index=1, predicted_at=timezone.now())
    fake_predictor.calls.clear()
    tally, checkpoints = Tally(), []
    reprediction.predictions_repredict_batch(
        predictions=batch,
        version="fake-2",
        progress=tally,
        started=timezone.now(),
        checkpoint=checkpoints.append,
    )
    outcomes = {pk: outcome for pk, outcome in checkpoints[0]}
    assert outcomes == {
        str(held.pk): Outcome.ALREADY,
        str(unreadable.pk): Outcome.FAILED,
        str(faceless.pk): Outcome.NO_FACE,
        str(changed.pk): Outcome.CHANGED,
        str(stale.pk): Outcome.UPDATED,
    }
    assert len(fake_predictor.calls) == 3  # the held one and the unreadable one not computed
    assert tally.counts() == {outcome: 1 for outcome in Outcome if outcome is not Outcome.GONE} | {
        Outcome.GONE: 0
    }
    assert [pk for pk, _reason in tally.failures()] == [str(unreadable.pk)]
    stale.refresh_from_db()
    assert stale.model_version == "fake-2" and stale.predicted_at >= before
    # A result of this version from this run counts as updated, not as already there.
    again = Tally()
    reprediction.predictions_repredict_batch(
        predictions=[Prediction.objects.get(pk=stale.pk)],
        version="fake-2",
        progress=again,
        started=before,
    )
    assert again.counts()[Outcome.UPDATED] == 1


def test_a_tally_keeps_the_first_outcome_of_a_photo():
    tally = Tally()
    tally.record(7, Outcome.UPDATED, top_changed=True)
    tally.record("7", Outcome.FAILED, "later")
    tally.record(8, Outcome.FAILED, "unreadable")
    assert (tally.counts()[Outcome.UPDATED], tally.counts()[Outcome.FAILED]) == (1, 1)
    assert tally.failures() == [("8", "unreadable")]
    assert tally.changed_top == 1


def test_the_admin_service_without_an_engine_keeps_every_result(user, fake_predictor, settings):
    settings.MLH_BROKER_URL = ""
    predictions = [prediction_create(user=user, upload=photo_upload(f"n{i}.jpg")) for i in range(2)]
    fake_predictor.unavailable = True
    with translation.override("en"):
        replies = reprediction.predictions_repredict_selected(
            predictions=Prediction.objects.all(), user=user
        )
    assert [text for _level, text in replies] == [
        "0 predictions re-predicted.",
        "2 predictions could not be re-predicted; their results were kept.",
    ]
    for prediction in predictions:
        prediction.refresh_from_db()
        assert prediction.model_version == "fake-1" and prediction.previous_results == []
