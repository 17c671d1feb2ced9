"""What a person reads when the engine refuses a photo, in their language."""

from django.utils.translation import gettext_lazy as _, ngettext

REFUSALS = {
    "not_an_image": _("That file is not a photo we can read. Use a JPEG, PNG, WebP, HEIC or GIF."),
    "corrupt_image": _("That photo seems damaged or incomplete. Try taking or exporting it again."),
    "too_large": _("That photo is too large. Use a smaller one."),
    "too_many_pixels": _("That image has too many pixels to process. Use a normal photo."),
    "not_found": _("The photo could not be found."),
    "no_face": _(
        "We could not find a face in that photo. Use a photo where your face is clearly "
        "visible, looking at the camera."
    ),
    "face_too_small": _(
        "The face in that photo is too small to compare. Use a closer photo of your face."
    ),
    "no_such_face": _("That photo does not have a face with that number. Pick one of the faces shown."),
    "database_unavailable": _(
        "We could not save your result just now. Nothing was kept; please try again in a moment."
    ),
    "storage_unavailable": _(
        "We could not store your photo just now. Nothing was kept; please try again in a moment."
    ),
    "model_unavailable": _(
        "The hero engine is not available right now. Nothing was saved; please try again later."
    ),
}


def refusal_message(code):
    return REFUSALS.get(code, REFUSALS["not_an_image"])


def refusal_status(code):
    """The HTTP status for a refused photo: 413 for size, 400 otherwise."""
    return 413 if code in ("too_large", "too_many_pixels") else 400


def _per_period(limit, period):
    if period >= 86400:
        return ngettext("%(limit)d per day", "%(limit)d per day", limit) % {"limit": limit}
    if period >= 3600:
        return ngettext("%(limit)d per hour", "%(limit)d per hour", limit) % {"limit": limit}
    if period >= 60:
        return ngettext("%(limit)d per minute", "%(limit)d per minute", limit) % {"limit": limit}
    return ngettext("%(limit)d per second", "%(limit)d per second", limit) % {"limit": limit}


def rate_limited_message(limited):
    """What the limit is and when it resets, in minutes (a RateLimited)."""
    minutes = limited.retry_after_minutes
    per_period = _per_period(limited.limit, limited.period)
    if limited.kind == "refused":
        text = ngettext(
            "Too many photos could not be used (at most %(per_period)s). "
            "You can try again in %(minutes)d minute.",
            "Too many photos could not be used (at most %(per_period)s). "
            "You can try again in %(minutes)d minutes.",
            minutes,
        )
    else:
        text = ngettext(
            "You have used your results for now (at most %(per_period)s). "
            "You can try again in %(minutes)d minute.",
            "You have used your results for now (at most %(per_period)s). "
            "You can try again in %(minutes)d minutes.",
            minutes,
        )
    return text % {"per_period": per_period, "minutes": minutes}
