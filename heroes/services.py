"""Writes for the hero catalog and predictions."""

from heroes.storage import rows_delete_with_files


def prediction_delete(*, prediction):
    """Delete one prediction and its stored photo."""
    rows_delete_with_files([prediction])


def prediction_delete_all_for_user(*, user):
    """Delete all of a person's predictions and their photos; returns the count."""
    predictions = list(user.predictions.all())
    rows_delete_with_files(predictions)
    return len(predictions)
