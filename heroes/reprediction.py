"""Re-prediction: stored photos run again through the current hero model.

Two ways to run it, over the same service functions:

- in this process, batch by batch with a checkpoint in the database
  (``repredict_plan`` + ``repredict_in_process``): ``manage.py repredict``;
- fanned out over Celery workers on any number of machines
  (``repredict_enqueue``; each batch runs ``repredict_batch`` in a worker,
  called by the thin task ``heroes.tasks.repredict_batch``):
  ``manage.py repredict --queue`` and the admin's action when a broker is set.

Every result goes through ``prediction_result_store``: a result for a model
version that is already stored is not stored again, so a batch delivered
twice (a worker killed mid-batch, a retry) updates each photo once.

The engine is reached through its door, ``heroes.ml.api`` (tests swap in
their fake there).
"""

import dataclasses
import datetime
import json
import logging
import time
import uuid

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from core.errors import error_for
from core.transactions import atomic
from heroes import services
from heroes.ml import api as engine
from heroes.ml.api import ImageRejected
from heroes.models import Prediction, RepredictRun

logger = logging.getLogger("heroes.reprediction")

# A face the new model cannot use any more: the previous result is kept.
NO_FACE_CODES = ("no_face", "face_too_small")


# --- Selection -------------------------------------------------------------------


def predictions_select(*, version, every=False, user_email=None, since=None, hero=None):
    """Predictions to re-run: those made by another model version (every one
    with ``every``), optionally one person's, created since a date, or with
    one top hero."""
    predictions = Prediction.objects.all()
    if not every:
        predictions = predictions.exclude(model_version=version)
    if user_email:
        predictions = predictions.filter(owner__email=user_email.strip().lower())
    if since is not None:
        start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
        predictions = predictions.filter(created_at__gte=start)
    if hero:
        predictions = predictions.filter(top_hero__key=hero)
    return predictions


# --- The one idempotent write ---------------------------------------------------------

UPDATED = "updated"  # this result was stored now
ALREADY = "already"  # a result of this version was already stored: nothing written
GONE = "gone"  # the prediction was deleted meanwhile
CHANGED = "changed"  # its person chose another face meanwhile: left as they chose


def prediction_result_store(*, prediction, result, not_before=None):
    """Store an engine result on a prediction read from the database,
    keeping the replaced result in its history. Returns UPDATED, ALREADY or GONE.

    A result of ``result.model_version`` that is already stored (computed at
    or after ``not_before`` when given: a ``--all`` run redoes older ones once)
    is not stored again. The write is conditional on the row still holding
    what was read, so two workers racing on one photo store it once.
    """
    if _holds_version(prediction, result.model_version, not_before):
        return ALREADY
    read_version, read_at, read_face = (
        prediction.model_version,
        prediction.predicted_at,
        prediction.face_index,
    )
    services.result_apply(prediction, result)
    values = {field: getattr(prediction, field) for field in services.RESULT_FIELDS}
    written = Prediction.objects.filter(
        pk=prediction.pk, model_version=read_version, predicted_at=read_at
    ).update(**values)
    if written:
        return UPDATED
    current = Prediction.objects.filter(pk=prediction.pk).first()
    if current is None:
        return GONE
    if _holds_version(current, result.model_version, not_before):
        return ALREADY
    if current.face_index != read_face:
        return CHANGED  # another face chosen meanwhile: this result is not for it
    # Written meanwhile by an older model (a web machine not yet updated):
    # store on what is there now.
    return prediction_result_store(prediction=current, result=result, not_before=not_before)


def _holds_version(prediction, version, not_before):
    if prediction.model_version != version or not prediction.ranking:
        return False
    return not_before is None or (prediction.predicted_at and prediction.predicted_at >= not_before)


def _read_photo(prediction):
    with prediction.image.open("rb") as handle:
        return handle.read()


# --- In this process (manage.py repredict) ----------------------------------------------


class RepredictOutcome:
    """What one repredict run did."""

    def __init__(self):
        self.processed = 0
        self.changed_top = 0
        self.no_face = []  # pks whose photo has no usable face with this model
        self.failed = []  # (pk, reason)
        self.gone = 0  # deleted by their owner during the run


@dataclasses.dataclass
class Plan:
    """What ``manage.py repredict`` is about to do."""

    predictions: object  # queryset
    version: str
    arguments: str
    run: RepredictRun | None  # an unfinished run with the same arguments, resumed
    count: int | None  # how many (a new run only)


def repredict_plan(*, version, every=False, user_email=None, since=None, hero=None, limit=None):
    predictions = predictions_select(
        version=version, every=every, user_email=user_email, since=since, hero=hero
    )
    arguments = json.dumps(
        {
            "all": every,
            "user": user_email,
            "since": since.isoformat() if since else None,
            "hero": hero,
            "limit": limit,
            "model": version,
        },
        sort_keys=True,
    )
    run = (
        RepredictRun.objects.filter(arguments=arguments, finished_at__isnull=True)
        .order_by("-started_at")
        .first()
    )
    if run is not None:
        predictions = predictions.filter(created_at__lte=run.started_at)
    count = predictions.count() if run is None else None
    return Plan(predictions, version, arguments, run, count)


def repredict_in_process(*, plan, batch_size=32, limit=None, progress=None):
    """Run a plan here: start (or resume) its run, re-predict, finish it."""
    run = plan.run
    predictions = plan.predictions
    if run is None:
        run = RepredictRun.objects.create(arguments=plan.arguments, model_version=plan.version)
        # New uploads during the run already use this model.
        predictions = predictions.filter(created_at__lte=run.started_at)
    if limit is not None:
        limit = max(0, limit - run.processed)
    outcome = predictions_repredict(
        predictions=predictions, run=run, batch_size=batch_size, limit=limit, progress=progress
    )
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    return outcome


def predictions_repredict(*, predictions, run, batch_size=32, limit=None, progress=None):
    """Re-run stored photos through the current model, batch by batch.

    ``predictions``: a queryset, already filtered; processed in primary-key
    order after the run's checkpoint. Each batch is computed first and then
    written in one short transaction together with the checkpoint, so an
    interrupted run resumes after the last written batch and no prediction
    is processed twice or left half-written. Nothing is deleted: a photo
    without a face now keeps its previous result.
    """
    outcome = RepredictOutcome()
    predict_many = engine.predict_many
    queryset = predictions.order_by("pk")
    if run.last_pk:
        queryset = queryset.filter(pk__gt=_pk_value(run.last_pk))
    total = queryset.count() if limit is None else min(limit, queryset.count())
    done = 0
    while limit is None or done < limit:
        size = batch_size if limit is None else min(batch_size, limit - done)
        batch = list(queryset.select_related("top_hero")[:size])
        if not batch:
            break
        sources, readable = [], []
        for prediction in batch:
            try:
                sources.append(_read_photo(prediction))
                readable.append(prediction)
            except OSError as exc:
                outcome.failed.append((str(prediction.pk), f"photo unreadable: {exc}"))
        results = predict_many(
            sources, batch_size=batch_size, face_indices=[p.face_index for p in readable]
        )
        computed = []
        for prediction, (_source, result) in zip(readable, results):
            if isinstance(result, ImageRejected):
                if result.code in NO_FACE_CODES:
                    outcome.no_face.append(str(prediction.pk))
                else:
                    outcome.failed.append((str(prediction.pk), result.code))
                continue
            computed.append((prediction, result))
        stored = 0
        with atomic():
            for prediction, result in computed:
                old_top = prediction.top_hero_id
                try:
                    with atomic():
                        state = prediction_result_store(
                            prediction=prediction, result=result, not_before=run.started_at
                        )
                except DatabaseError:
                    state = GONE
                if state == GONE:
                    outcome.gone += 1  # deleted meanwhile: nothing to update
                    continue
                if state == CHANGED:
                    continue
                stored += 1
                outcome.processed += 1
                outcome.changed_top += state == UPDATED and old_top != prediction.top_hero_id
            run.last_pk = str(batch[-1].pk)
            run.processed += stored
            run.save(update_fields=["last_pk", "processed"])
        queryset = predictions.order_by("pk").filter(pk__gt=batch[-1].pk)
        done += len(batch)
        if progress:
            progress(done, total)
    return outcome


def _pk_value(raw):
    """A checkpoint pk back from its string form (int on SQLite, ObjectId on MongoDB)."""
    return Prediction._meta.pk.to_python(raw)


# --- The admin's action without a broker (bounded by the admin) -------------------------------


def predictions_repredict_now(*, predictions):
    """Re-predict a few selected predictions synchronously, each with its own
    face choice. Returns (done, failed); a failed one keeps its result."""
    done, failed = 0, 0
    for prediction in predictions:
        try:
            services.prediction_choose_face(prediction=prediction, face_index=prediction.face_index)
            done += 1
        except Exception as exc:
            # A photo the engine refuses, the engine or the database down, a
            # photo gone from storage: counted; anything else is a bug.
            if error_for(exc) is None and not isinstance(exc, OSError):
                raise
            failed += 1
    return done, failed


# --- On Celery workers (manage.py repredict --queue, the admin with a broker) -------------

# A batch is tried at most this many times (retries after an error plus
# redeliveries after a worker died), then its unfinished photos are
# reported as failed instead of being tried for ever.
MAX_RETRIES = 3
MAX_DELIVERIES = 6
RUN_TTL_SECONDS = 7 * 24 * 3600

UNCHANGED = "unchanged"  # no usable face now, or another face chosen: result kept
FAILED = "failed"

# Record an item's outcome once (the first recorded wins) and count it.
_RECORD = """
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
end
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return 1
"""


def broker_configured():
    return bool(getattr(settings, "MLH_BROKER_URL", ""))


def _redis():
    # Imported here: the admin imports this module at start-up, and only a
    # queued run needs Redis (about 0.1 s of imports).
    import redis

    return redis.Redis.from_url(settings.MLH_BROKER_URL, decode_responses=True)


class RunProgress:
    """A queued run's progress in Redis, shared by every worker and the
    command: one outcome per photo (recorded once, so a batch delivered twice
    counts its photos once), counters, and the run's facts."""

    def __init__(self, run_id, client=None):
        self.run_id = run_id
        self.client = client or _redis()
        prefix = f"mlh:repredict:{run_id}"
        self.meta_key = f"{prefix}:meta"
        self.items_key = f"{prefix}:items"
        self.counts_key = f"{prefix}:counts"
        self.deliveries_key = f"{prefix}:deliveries"

    @classmethod
    def start(cls, *, version, not_before):
        progress = cls(uuid.uuid4().hex[:16])
        meta = {"version": version, "started_at": time.time(), "not_before": not_before or ""}
        progress.client.hset(progress.meta_key, mapping=meta)
        progress.client.expire(progress.meta_key, RUN_TTL_SECONDS)
        return progress

    def meta(self):
        meta = self.client.hgetall(self.meta_key)
        if not meta:
            raise LookupError(
                f"no queued re-prediction run {self.run_id} (expired or never started)"
            )
        return meta

    def enqueued(self, *, total, batches):
        self.client.hset(self.meta_key, mapping={"total": total, "batches": batches})

    def total(self):
        value = self.client.hget(self.meta_key, "total")
        return None if value is None else int(value)

    def record(self, pk, outcome, reason=""):
        value = outcome if not reason else f"{outcome}:{reason}"
        self.client.eval(
            _RECORD, 2, self.items_key, self.counts_key, str(pk), value, outcome, RUN_TTL_SECONDS
        )

    def delivery(self, batch):
        """Count one more delivery of a batch; returns how many so far."""
        count = self.client.hincrby(self.deliveries_key, str(batch), 1)
        self.client.expire(self.deliveries_key, RUN_TTL_SECONDS)
        return count

    def counts(self):
        counts = {UPDATED: 0, UNCHANGED: 0, FAILED: 0, GONE: 0}
        counts.update({k: int(v) for k, v in self.client.hgetall(self.counts_key).items()})
        return counts

    def failures(self, limit=100):
        """(pk, reason) of failed photos, at most ``limit``."""
        found = []
        for pk, value in self.client.hscan_iter(self.items_key, count=1000):
            if value.startswith(FAILED):
                found.append((pk, value.partition(":")[2]))
                if len(found) >= limit:
                    break
        return found


@dataclasses.dataclass
class QueuedRun:
    run_id: str
    total: int
    batches: int


def repredict_enqueue(*, predictions, version, batch_size=32, every=False):
    """Put the selected predictions on the queue in batches of ids (nothing
    else travels). Returns the QueuedRun; follow it with ``RunProgress``."""
    # Imported here, not at the top: the admin imports this module, and
    # Celery stays out of Django's start-up until something is queued.
    from heroes.tasks import repredict_batch as task

    # A ``--all`` run redoes results of this version computed before it
    # started, once; otherwise a stored result of this version is final.
    not_before = timezone.now().isoformat() if every else None
    progress = RunProgress.start(version=version, not_before=not_before)
    total, batches, ids = 0, 0, []
    pks = predictions.order_by("pk").values_list("pk", flat=True)
    for pk in pks.iterator(chunk_size=2000):
        ids.append(str(pk))
        if len(ids) == batch_size:
            task.delay(progress.run_id, batches, ids)
            total, batches, ids = total + len(ids), batches + 1, []
    if ids:
        task.delay(progress.run_id, batches, ids)
        total, batches = total + len(ids), batches + 1
    progress.enqueued(total=total, batches=batches)
    logger.info("repredict run %s: %s photos queued in %s batches", progress.run_id, total, batches)
    return QueuedRun(progress.run_id, total, batches)


def repredict_batch(*, run_id, batch, ids, attempt=0):
    """Re-predict one queued batch (in a worker). Each photo's outcome is
    recorded in the run's progress; a photo that cannot be read or is
    refused fails alone. Errors that may pass (database, broker) propagate,
    for the task to retry. Returns the counts of this delivery."""

    progress = RunProgress(run_id)
    meta = progress.meta()
    deliveries = progress.delivery(batch)
    logger.info(
        "repredict run %s batch started: %s, %s photos (delivery %s, attempt %s)",
        run_id,
        batch,
        len(ids),
        deliveries,
        attempt,
    )
    if deliveries > MAX_DELIVERIES:
        reason = f"batch {batch} abandoned after {deliveries - 1} deliveries"
        repredict_batch_failed(run_id=run_id, batch=batch, ids=ids, reason=reason)
        return {FAILED: len(ids)}
    version = meta["version"]
    active = engine.model_version()
    if active != version:
        reason = f"this worker has model {active}, the run is for {version}"
        repredict_batch_failed(run_id=run_id, batch=batch, ids=ids, reason=reason)
        return {FAILED: len(ids)}
    not_before = datetime.datetime.fromisoformat(meta["not_before"]) if meta["not_before"] else None
    started = datetime.datetime.fromtimestamp(float(meta["started_at"]), tz=datetime.UTC)

    tally = {}

    def record(pk, outcome, reason=""):
        progress.record(pk, outcome, reason)
        tally[outcome] = tally.get(outcome, 0) + 1

    found, unreadable = _load_batch(ids)
    sources, todo = [], []
    for pk in ids:
        prediction = found.get(pk)
        if pk in unreadable:
            record(pk, FAILED, f"photo unreadable: {unreadable[pk]}")
        elif prediction is None:
            record(pk, GONE)
        elif _holds_version(prediction, version, not_before):
            # Stored by an earlier delivery of this batch (or meanwhile).
            record(pk, UPDATED if prediction.predicted_at >= started else UNCHANGED)
        else:
            try:
                sources.append(_read_photo(prediction))
                todo.append(prediction)
            except OSError as exc:
                record(pk, FAILED, f"photo unreadable: {exc}")
    results = engine.predict_many(
        sources, batch_size=max(1, len(sources)), face_indices=[p.face_index for p in todo]
    )
    for prediction, (_source, result) in zip(todo, results):
        pk = str(prediction.pk)
        if isinstance(result, ImageRejected):
            if result.code in NO_FACE_CODES:
                record(pk, UNCHANGED)
            else:
                record(pk, FAILED, result.code)
            continue
        state = prediction_result_store(prediction=prediction, result=result, not_before=not_before)
        record(pk, {GONE: GONE, CHANGED: UNCHANGED}.get(state, UPDATED))
    logger.info("repredict run %s batch done: %s, %s", run_id, batch, tally)
    return tally


def _load_batch(ids):
    """The batch's predictions by pk, and {pk: error} for rows that cannot
    even be loaded (a photo without stored dimensions whose file is gone:
    Django reads the file to measure it)."""
    queryset = Prediction.objects.select_related("top_hero")
    try:
        return {str(p.pk): p for p in queryset.filter(pk__in=[_pk_value(pk) for pk in ids])}, {}
    except OSError:
        found, unreadable = {}, {}
        for pk in ids:
            try:
                prediction = queryset.filter(pk=_pk_value(pk)).first()
            except OSError as exc:
                unreadable[pk] = exc
            else:
                if prediction is not None:
                    found[pk] = prediction
        return found, unreadable


def repredict_batch_failed(*, run_id, batch, ids, reason):
    """A batch that kept failing: its photos not yet done are reported failed."""
    logger.error("repredict run %s batch %s failed: %s", run_id, batch, reason)
    progress = RunProgress(run_id)
    for pk in ids:
        progress.record(pk, FAILED, reason)


def predictions_enqueue_selected(*, predictions, batch_size=32):
    """The admin's action with a broker: queue the selected predictions (each
    re-run once with the current model, whatever version it holds)."""
    status = engine.status()
    if not status["version"]:
        raise engine.ModelUnavailable(
            status.get("error") or "no usable hero model (model card or weights missing)"
        )
    version = status["version"]
    return repredict_enqueue(
        predictions=predictions, version=version, batch_size=batch_size, every=True
    )
