"""The heroes app's error codes (the engine's refusals of a photo, the
services' failures): what a person reads for each, in their language, and
the HTTP status when it is not 400. Registered with core.errors from
HeroesConfig.ready."""

from django.utils.translation import gettext_lazy

MESSAGES = {
    "not_an_image": gettext_lazy(
        "That file is not a photo we can read. Use a JPEG, PNG, WebP, HEIC or GIF."
    ),
    "corrupt_image": gettext_lazy(
        "That photo seems damaged or incomplete. Try taking or exporting it again."
    ),
    "too_large": gettext_lazy("That photo is too large. Use a smaller one."),
    "too_many_pixels": gettext_lazy(
        "That image has too many pixels to process. Use a normal photo."
    ),
    "not_found": gettext_lazy("The photo could not be found."),
    "no_face": gettext_lazy(
        "We could not find a face in that photo. Use a photo where your face is clearly "
        "visible, looking at the camera."
    ),
    "face_too_small": gettext_lazy(
        "The face in that photo is too small to compare. Use a closer photo of your face."
    ),
    "no_such_face": gettext_lazy(
        "That photo does not have a face with that number. Pick one of the faces shown."
    ),
    "database_unavailable": gettext_lazy(
        "We could not save your result just now. Nothing was kept; please try again in a moment."
    ),
    "storage_unavailable": gettext_lazy(
        "We could not store your photo just now. Nothing was kept; please try again in a moment."
    ),
    "model_unavailable": gettext_lazy(
        "The hero engine is not available right now. Nothing was saved; please try again later."
    ),
    "anonymous_busy": gettext_lazy(
        "Too many people are trying without an account right now. Try again later, or sign "
        "up to keep going."
    ),
    "bad_private_ranking": gettext_lazy(
        "The result from your device could not be checked, so nothing was kept. Reload "
        "the page and try again."
    ),
    "bad_private_thumbnail": gettext_lazy(
        "That face picture could not be kept. Only a small picture of the face found "
        "in your photo is kept, once."
    ),
}
# The engine's base ImageRejected: a file it cannot use, for no narrower reason.
MESSAGES["invalid_image"] = MESSAGES["not_an_image"]

# Codes that are not 400 (the person's file or request).
STATUSES = {
    "too_large": 413,
    "too_many_pixels": 413,
    "database_unavailable": 503,
    "storage_unavailable": 503,
    "model_unavailable": 503,
    "anonymous_busy": 503,
}
