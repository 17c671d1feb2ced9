"""What a person reads when the engine refuses a photo, in their language."""

from django.utils.translation import gettext, gettext_lazy as _

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


def rate_limited_message(seconds):
    return gettext("Too many photos at once. Try again in %(seconds)d seconds.") % {
        "seconds": seconds
    }
