"""Reads for predictions. Every read of a person's data is scoped to its owner."""

from django.core.exceptions import ValidationError

from heroes.models import Prediction


def prediction_list_for_user(*, user):
    return Prediction.objects.filter(owner=user).select_related("top_hero").order_by("-created_at")


def prediction_get_for_user(*, user, pk, allow_staff=False):
    """The prediction with this id if ``user`` may see it, else None.

    Ids are integers on SQLite and ObjectIds on MongoDB; a malformed id is
    simply not found.
    """
    queryset = Prediction.objects.select_related("top_hero")
    if not (allow_staff and user.is_staff):
        queryset = queryset.filter(owner=user)
    try:
        return queryset.filter(pk=pk).first()
    except (ValueError, TypeError, ValidationError):
        return None
