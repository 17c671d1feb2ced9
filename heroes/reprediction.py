"""Re-prediction: stored photos run again through the current hero model.

One batch function, ``predictions_repredict_batch``, does the work for
every runner, and reports each photo's ``Outcome`` into a progress record
(``Tally`` in memory, ``RunProgress`` in Redis, with the same methods):

- in this process, batch by batch with a checkpoint in the database
  (``repredict_plan`` + ``repredict_in_process``): ``manage.py repredict``;
- fanned out over Celery workers on any number of machines
  (``repredict_enqueue``; each batch runs ``repredict_batch`` in a worker,
  called by the thin task ``heroes.tasks.repredict_batch``):
  ``manage.py repredict --queue`` and the admin's action when a broker is set;
- the admin's action without a broker: a few selected photos at once
  (``predictions_repredict_selected``).

Every result goes through ``prediction_result_store``: a result for a model
version that is already stored is not stored again, so a batch delivered
twice (a worker killed mid-batch, a retry) updates each photo once.

The engine is reached through its door, ``heroes.ml.api`` (tests swap in
their fake there).
"""

import dataclasses
import datetime
import enum
import json
import logging
import time
import uuid

from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import ngettext

from core.errors import error_for
from core.transactions import atomic
from heroes import services
from heroes.ml import api as engine_api
from heroes.ml.api import ImageRejected
from heroes.models import Prediction, RepredictRun

logger = logging.getLogger("heroes.reprediction")

# A face the new model cannot use any more: the previous result is kept.
NO_FACE_CODES = ("no_face", "face_too_small")


# --- Selection -------------------------------------------------------------------


def predictions_select(*, version, every=False, user_email=None, since=None, hero=None):
    """Predictions to re-run: those made by another model version (every one
    with ``every``), optionally one person's, created since a date, or with
    one top hero. Never private results: their photo never reached the
    server, so there is nothing to re-run (``private_skipped_count``)."""
    return _selection(
        version=version, every=every, user_email=user_email, since=since, hero=hero
    ).filter(is_private=False)


def private_skipped_count(*, version, every=False, user_email=None, since=None, hero=None):
    """How many private results the same selection leaves out."""
    return (
        _selection(version=version, every=every, user_email=user_email, since=since, hero=hero)
        .filter(is_private=True)
        .count()
    )


def _selection(*, version, every, user_email, since, hero):
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


# --- One vocabulary: what happened to each photo -------------------------------------


class Outcome(enum.StrEnum):
    UPDATED = "updated"  # the new result is stored (now, or earlier in this run)
    ALREADY = "already"  # a result of this version was already stored: nothing written
    CHANGED = "changed"  # its person chose another face meanwhile: left as they chose
    NO_FACE = "no_face"  # no usable face for this model: the previous result kept
    FAILED = "failed"  # photo unreadable or refused, or its batch kept failing
    GONE = "gone"  # the prediction was deleted meanwhile


def _empty_counts():
    return dict.fromkeys(Outcome, 0)


class Tally:
    """A run's progress in memory (in this process, the admin's action): the
    same methods as ``RunProgress``, its shared form in Redis. An outcome is
    recorded once per photo: the first recorded wins."""

    def __init__(self):
        self._items = {}  # pk -> (Outcome, reason)
        self.changed_top = 0  # updated photos whose top hero changed

    def record(self, pk, outcome, reason="", *, top_changed=False):
        if str(pk) in self._items:
            return
        self._items[str(pk)] = (Outcome(outcome), reason)
        self.changed_top += bool(top_changed)

    def counts(self):
        counts = _empty_counts()
        for outcome, _reason in self._items.values():
            counts[outcome] += 1
        return counts

    def failures(self, limit=None):
        """(pk, reason) of failed photos, at most ``limit`` (None: all)."""
        found = [(pk, r) for pk, (o, r) in self._items.items() if o is Outcome.FAILED]
        return found[:limit]


# --- The one idempotent write ---------------------------------------------------------


def prediction_result_store(*, prediction, result, not_before=None):
    """Store an engine result on a prediction read from the database,
    keeping the replaced result in its history. Returns the ``Outcome``:
    UPDATED, ALREADY, CHANGED or GONE.

    A result of ``result.model_version`` that is already stored (computed at
    or after ``not_before`` when given: a ``--all`` run redoes older ones once)
    is not stored again. The write is conditional on the row still holding
    what was read, so two workers racing on one photo store it once.
    """
    if _holds_version(prediction, result.model_version, not_before):
        return Outcome.ALREADY
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
        return Outcome.UPDATED
    current = Prediction.objects.filter(pk=prediction.pk).first()
    if current is None:
        return Outcome.GONE
    if _holds_version(current, result.model_version, not_before):
        return Outcome.ALREADY
    if current.face_index != read_face:
        return Outcome.CHANGED  # another face chosen meanwhile: this result is not for it
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


# --- The one batch function, for every runner -----------------------------------------


def predictions_repredict_batch(
    *, predictions, version, progress, not_before=None, started=None, checkpoint=None
):
    """Re-predict a batch of predictions (loaded rows) with the current model
    and record each photo's ``Outcome`` in ``progress``.

    A photo that already holds a result of ``version`` (computed at or after
    ``not_before`` when given) is not computed again: UPDATED when that
    result is from this run (at or after ``started``), else ALREADY. A photo
    that cannot be read or is refused fails alone; one without a usable face
    keeps its previous result. The batch is computed first and then written
    in one short transaction, with ``checkpoint(outcomes)`` (the batch's
    ``(pk, Outcome)``) when given, so a run interrupted mid-batch has written
    nothing of it. Engine and database errors propagate.
    """
    done, todo = [], []

    def settle(pk, outcome, reason=""):
        progress.record(pk, outcome, reason)
        done.append((pk, outcome))

    for prediction in predictions:
        pk = str(prediction.pk)
        if _holds_version(prediction, version, not_before):
            # Stored by an earlier delivery of this batch (or meanwhile).
            this_run = started is not None and prediction.predicted_at >= started
            settle(pk, Outcome.UPDATED if this_run else Outcome.ALREADY)
            continue
        try:
            todo.append((prediction, _read_photo(prediction)))
        except OSError as exc:
            settle(pk, Outcome.FAILED, f"photo unreadable: {exc}")
    computed = _batch_compute(todo, settle)
    stored = []
    with atomic():
        for prediction, result in computed:
            old_top = prediction.top_hero_id
            outcome = prediction_result_store(
                prediction=prediction, result=result, not_before=not_before
            )
            top_changed = outcome is Outcome.UPDATED and old_top != prediction.top_hero_id
            if outcome is Outcome.ALREADY:
                outcome = Outcome.UPDATED  # by a racing writer of this version
            stored.append((str(prediction.pk), outcome, top_changed))
        if checkpoint is not None:
            checkpoint(done + [(pk, outcome) for pk, outcome, _top in stored])
    for pk, outcome, top_changed in stored:
        progress.record(pk, outcome, top_changed=top_changed)


def _batch_compute(todo, settle):
    """The engine's results for ``todo`` ((prediction, photo bytes)); the
    refused ones are settled here."""
    results = engine_api.predict_many(
        [data for _prediction, data in todo],
        batch_size=max(1, len(todo)),
        face_indices=[prediction.face_index for prediction, _data in todo],
    )
    computed = []
    for (prediction, _data), (_source, result) in zip(todo, results):
        if not isinstance(result, ImageRejected):
            computed.append((prediction, result))
        elif result.code in NO_FACE_CODES:
            settle(str(prediction.pk), Outcome.NO_FACE)
        else:
            settle(str(prediction.pk), Outcome.FAILED, result.code)
    return computed


# --- In this process (manage.py repredict) ----------------------------------------------


@dataclasses.dataclass
class Plan:
    """What ``manage.py repredict`` is about to do."""

    predictions: object  # queryset
    version: str
    arguments: str
    run: RepredictRun | None  # an unfinished run with the same arguments, resumed
    count: int | None  # how many (a new run only)
    private_skipped: int = 0  # private results the selection leaves out


def repredict_plan(*, version, every=False, user_email=None, since=None, hero=None, limit=None):
    selection = {"every": every, "user_email": user_email, "since": since, "hero": hero}
    predictions = predictions_select(version=version, **selection)
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
    skipped = private_skipped_count(version=version, **selection)
    return Plan(predictions, version, arguments, run, count, skipped)


def repredict_in_process(*, plan, batch_size=32, limit=None, progress=None):
    """Run a plan here: start (or resume) its run, re-predict, finish it.
    Returns the run's ``Tally``."""
    run = plan.run
    predictions = plan.predictions
    if run is None:
        run = RepredictRun.objects.create(arguments=plan.arguments, model_version=plan.version)
        # New uploads during the run already use this model.
        predictions = predictions.filter(created_at__lte=run.started_at)
    if limit is not None:
        limit = max(0, limit - run.processed)
    tally = predictions_repredict(
        predictions=predictions,
        run=run,
        version=plan.version,
        batch_size=batch_size,
        limit=limit,
        progress=progress,
    )
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    return tally


def predictions_repredict(*, predictions, run, version, batch_size=32, limit=None, progress=None):
    """Re-run stored photos through the current model: the batch function
    over ``predictions`` (a filtered queryset) in primary-key order after the
    run's checkpoint. Each batch is written in one short transaction together
    with the checkpoint, so an interrupted run resumes after the last written
    batch and no prediction is processed twice or left half-written. Nothing
    is deleted: a photo without a face now keeps its previous result.
    ``progress(done, total)`` is called after each batch. Returns a ``Tally``.
    """
    tally = Tally()
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
        predictions_repredict_batch(
            predictions=batch,
            version=version,
            progress=tally,
            not_before=run.started_at,
            started=run.started_at,
            checkpoint=lambda outcomes, last=batch[-1]: _checkpoint(run, last, outcomes),
        )
        queryset = predictions.order_by("pk").filter(pk__gt=batch[-1].pk)
        done += len(batch)
        if progress:
            progress(done, total)
    return tally


def _checkpoint(run, last, outcomes):
    run.last_pk = str(last.pk)
    run.processed += sum(outcome in PROCESSED for _pk, outcome in outcomes)
    run.save(update_fields=["last_pk", "processed"])


# What ``manage.py repredict`` counts as processed: the photo holds the new result.
PROCESSED = (Outcome.UPDATED, Outcome.ALREADY)


def _pk_value(raw):
    """A checkpoint pk back from its string form (int on SQLite, ObjectId on MongoDB)."""
    return Prediction._meta.pk.to_python(raw)


# --- The admin's action (bounded without a broker) -------------------------------------------

admin_logger = logging.getLogger("heroes.admin")


def predictions_repredict_selected(*, predictions, user):
    """The admin's action: re-predict the selected predictions with the
    current model, each once whatever version it holds. With a broker they
    are queued; without one, at most MLH_ADMIN_REPREDICT_MAX are re-predicted
    now. Private results are left out (no photo) and counted. Logged;
    returns the messages for the moderator, [(level, text)]."""
    private = predictions.filter(is_private=True).count()
    predictions = predictions.filter(is_private=False)
    replies = [_private_skipped_reply(private)] if private else []
    if broker_configured():
        return _selected_queue(predictions, user) + replies
    limit = settings.MLH_ADMIN_REPREDICT_MAX
    count = predictions.count()
    if count > limit:
        return _selected_refuse(count, limit, user) + replies
    return _selected_now(predictions, count, user) + replies


def _private_skipped_reply(count):
    text = ngettext(
        "%(count)d private result skipped: it was analysed on the person's device, "
        "so there is no photo to re-run.",
        "%(count)d private results skipped: they were analysed on people's devices, "
        "so there is no photo to re-run.",
        count,
    )
    return (messages.INFO, text % {"count": count})


def _selected_queue(predictions, user):
    queued = predictions_enqueue_selected(predictions=predictions)
    _admin_log(
        user,
        "admin repredict: %s queued (run %s)",
        queued.total,
        queued.run_id,
        queued=queued.total,
        run=queued.run_id,
    )
    text = ngettext(
        "%(count)d prediction queued for re-prediction.",
        "%(count)d predictions queued for re-prediction.",
        queued.total,
    )
    return [(messages.SUCCESS, text % {"count": queued.total})]


def _selected_refuse(count, limit, user):
    _admin_log(
        user,
        "admin repredict refused: %s predictions selected (max %s)",
        count,
        limit,
        selected=count,
        refused=True,
    )
    text = ngettext(
        "Select at most %(limit)d prediction here; for more, run "
        "`manage.py repredict` on the server.",
        "Select at most %(limit)d predictions here; for more, run "
        "`manage.py repredict` on the server.",
        limit,
    )
    return [(messages.ERROR, text % {"limit": limit})]


def _selected_now(predictions, count, user):
    counts = predictions_repredict_now(predictions=predictions).counts()
    done = sum(counts[outcome] for outcome in PROCESSED)
    failed = count - done
    _admin_log(
        user,
        "admin repredict: %s done, %s failed",
        done,
        failed,
        selected=count,
        done=done,
        failed=failed,
    )
    text = ngettext(
        "%(count)d prediction re-predicted.", "%(count)d predictions re-predicted.", done
    )
    replies = [(messages.SUCCESS, text % {"count": done})]
    if failed:
        text = ngettext(
            "%(count)d prediction could not be re-predicted; its result was kept.",
            "%(count)d predictions could not be re-predicted; their results were kept.",
            failed,
        )
        replies.append((messages.WARNING, text % {"count": failed}))
    return replies


def _admin_log(user, message, *args, **facts):
    extra = {"admin_action": {"user_id": str(user.pk), **facts}}
    admin_logger.info(message, *args, extra=extra)


def predictions_repredict_now(*, predictions):
    """A few predictions re-predicted now, in one batch, each with its own
    face choice (a result of this version computed before now is redone).
    Returns the ``Tally``; a photo that fails keeps its result, and when the
    engine or the database is down every photo not yet done fails."""
    tally = Tally()
    predictions = list(predictions.select_related("top_hero"))
    try:
        predictions_repredict_batch(
            predictions=predictions,
            version=usable_model_version(),
            progress=tally,
            not_before=timezone.now(),
        )
    except Exception as exc:
        # The engine or the database down, a photo gone from storage: each
        # photo not yet done fails; anything else is a bug.
        if error_for(exc) is None and not isinstance(exc, OSError | DatabaseError):
            raise
        for prediction in predictions:
            tally.record(prediction.pk, Outcome.FAILED, f"{type(exc).__name__}: {exc}")
    return tally


# --- On Celery workers (manage.py repredict --queue, the admin with a broker) -------------

# A batch is tried at most this many times (retries after an error plus
# redeliveries after a worker died), then its unfinished photos are
# reported as failed instead of being tried for ever.
MAX_RETRIES = 3
MAX_DELIVERIES = 6
RUN_TTL_SECONDS = 7 * 24 * 3600

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
    command (``Tally``'s methods): one outcome per photo (recorded once, so a
    batch delivered twice counts its photos once), counters, and the run's
    facts."""

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

    def record(self, pk, outcome, reason="", *, top_changed=False):
        """``top_changed`` is not kept: a queued run does not report it."""
        outcome = Outcome(outcome)
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
        counts = _empty_counts()
        counts.update({Outcome(k): int(v) for k, v in self.client.hgetall(self.counts_key).items()})
        return counts

    def failures(self, limit=100):
        """(pk, reason) of failed photos, at most ``limit``."""
        found = []
        for pk, value in self.client.hscan_iter(self.items_key, count=1000):
            if value.partition(":")[0] == Outcome.FAILED:
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
    """Re-predict one queued batch (in a worker) with the batch function.
    Each photo's outcome is recorded in the run's progress; a photo that
    cannot be read or is refused fails alone. Errors that may pass
    (database, broker) propagate, for the task to retry. Returns the counts
    of this delivery (the outcomes that occurred)."""

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
        return {Outcome.FAILED.value: len(ids)}
    version = meta["version"]
    active = engine_api.model_version()
    if active != version:
        reason = f"this worker has model {active}, the run is for {version}"
        repredict_batch_failed(run_id=run_id, batch=batch, ids=ids, reason=reason)
        return {Outcome.FAILED.value: len(ids)}
    not_before = datetime.datetime.fromisoformat(meta["not_before"]) if meta["not_before"] else None
    started = datetime.datetime.fromtimestamp(float(meta["started_at"]), tz=datetime.UTC)

    delivery = Tally()
    both = _Records(progress, delivery)
    found, unreadable = _load_batch(ids)
    for pk in ids:
        if pk in unreadable:
            both.record(pk, Outcome.FAILED, f"photo unreadable: {unreadable[pk]}")
        elif pk not in found:
            both.record(pk, Outcome.GONE)
    predictions_repredict_batch(
        predictions=[found[pk] for pk in ids if pk in found],
        version=version,
        progress=both,
        not_before=not_before,
        started=started,
    )
    tally = {outcome.value: count for outcome, count in delivery.counts().items() if count}
    logger.info("repredict run %s batch done: %s, %s", run_id, batch, tally)
    return tally


class _Records:
    """Several progress records as one."""

    def __init__(self, *records):
        self.records = records

    def record(self, pk, outcome, reason="", *, top_changed=False):
        for record in self.records:
            record.record(pk, outcome, reason, top_changed=top_changed)


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
        progress.record(pk, Outcome.FAILED, reason)


def predictions_enqueue_selected(*, predictions, batch_size=32):
    """The admin's action with a broker: queue the selected predictions (each
    re-run once with the current model, whatever version it holds)."""
    return repredict_enqueue(
        predictions=predictions, version=usable_model_version(), batch_size=batch_size, every=True
    )


def usable_model_version():
    """The active model's version, read from its card without TensorFlow;
    raises ModelUnavailable (with the engine's reason) when there is no
    usable model. What every re-prediction checks before it starts."""
    status = engine_api.status()
    if not status["version"]:
        raise engine_api.ModelUnavailable(
            status.get("error") or "no usable hero model (model card or weights missing)"
        )
    return status["version"]
