"""Celery tasks: thin, they call heroes/reprediction.py (as the command does).

The tasks are on core/celery.py's app; this module is imported by workers
and, in the web process, only when something is queued.

Run workers with ``celery -A mylittlehero worker`` (docs/scaling.md).
"""

import logging

from celery import Task
from celery.exceptions import TimeLimitExceeded

from core.celery import app
from heroes import reprediction

logger = logging.getLogger("heroes.reprediction")


class BatchTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        """A batch stopped at the hard time limit (its process killed; Celery
        calls this in the worker's parent) is acknowledged, never delivered
        again: report its photos not yet done as failed, so the run drains."""
        if isinstance(exc, TimeLimitExceeded):
            run_id, batch, ids = args
            reprediction.repredict_batch_failed(
                run_id=run_id,
                batch=batch,
                ids=ids,
                reason=f"batch stopped at the hard time limit ({exc.args[0]} s)",
            )


@app.task(
    bind=True, base=BatchTask, name="heroes.repredict_batch", acks_late=True, ignore_result=True
)
def repredict_batch(self, run_id, batch, ids):
    """Re-predict one batch of a queued run (``ids``: prediction pks as strings).

    Acknowledged after it ran (a worker that dies mid-batch leaves it to be
    delivered again); an error is retried a few times with a growing pause,
    then the batch's photos not yet done are reported failed."""
    try:
        reprediction.repredict_batch(
            run_id=run_id, batch=batch, ids=ids, attempt=self.request.retries
        )
    except LookupError:
        logger.error("repredict batch %s of an unknown run %s dropped", batch, run_id)
    except Exception as exc:  # noqa: BLE001 - any error: retried, then reported
        if self.request.retries >= reprediction.MAX_RETRIES:
            reprediction.repredict_batch_failed(
                run_id=run_id,
                batch=batch,
                ids=ids,
                reason=f"batch failed {self.request.retries + 1} times: {type(exc).__name__}: {exc}",
            )
            return
        raise self.retry(
            exc=exc, countdown=2**self.request.retries, max_retries=reprediction.MAX_RETRIES
        ) from exc
