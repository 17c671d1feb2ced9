"""A person's own results: the upload page that makes one, the result page
(face choice, share link, delete), the photo, the list."""

import json
from functools import wraps

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.files.storage import FileSystemStorage
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods
from PIL import Image, ImageOps

from core.errors import error_for
from core.lookups import index_or_404, row_or_404
from core.ratelimit import RateLimited, prediction_quota, share_toggle_take
from core.storage import stored_file_response
from heroes import cards, services
from heroes.errors import MESSAGES as ERROR_MESSAGES
from heroes.forms import UploadForm
from heroes.private_ranking import MAX_BODY_BYTES as PRIVATE_BODY_MAX_BYTES
from heroes.private_ranking import RankingRejected, ThumbnailRefused, private_ranking_clean
from heroes.selectors import (
    hero_list_active,
    prediction_list_for_user,
    prediction_queryset_for_user,
    result_summary,
)
from heroes.services import prediction_delete, prediction_delete_all_for_user
from heroes.strength import (
    PROBABILITY_EXPLAINED,
    headline,
    nearly_tied_text,
    strength_sentence,
)
from history.anonymous import anonymous_owner, anonymous_owner_ensure
from history.attempts import (
    attempt_cancel,
    attempt_cancel_take,
    attempt_cancelled,
    attempt_from,
    attempt_result_keep,
)

PAGE_SIZE = 12
# What the upload page's script shrinks a photo to before sending it: the
# engine's working size (intake keeps at most 1024 px on the long side; a
# test holds the two equal) as JPEG at a quality chosen by measurement
# (bench/first_result.py, docs/results.md).
UPLOAD_MAX_SIDE = 1024
UPLOAD_JPEG_QUALITY = 0.8
# What Cancel says on the upload page (its data-cancelled), and what a send
# whose Cancel arrived first is answered.
CANCELLED_TEXT = _lazy("Sending stopped. Your photo was not kept; you can choose again.")


def _own_prediction_or_404(request, pk, *, allow_staff=False):
    queryset = prediction_queryset_for_user(
        user=request.user, allow_staff=allow_staff, anonymous_owner=anonymous_owner(request)
    )
    return row_or_404(queryset, pk, _("No such result."))


def owner_required(view):
    """Like login_required, but a browser that made results without an
    account passes too (the view's selector then finds only those)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated or anonymous_owner(request):
            return view(request, *args, **kwargs)
        return redirect_to_login(request.get_full_path())

    return wrapper


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _upload_owner(request):
    if request.user.is_authenticated:
        return {"user": request.user}
    return {"user": None, "anonymous_owner": anonymous_owner_ensure(request)}


# What the browser's own analysis may refuse a photo for (the engine's codes,
# static/js/private/engine.js), said as the server path says it.
PRIVATE_REFUSALS = (
    "not_an_image",
    "corrupt_image",
    "too_large",
    "too_many_pixels",
    "no_face",
    "face_too_small",
)


def _private_mode_context():
    """What the upload page's private mode needs: the active heroes (the
    ranking it posts holds each once) and its messages."""
    texts = {code: str(ERROR_MESSAGES[code]) for code in PRIVATE_REFUSALS}
    texts.update(
        not_in_browser=_(
            "This browser cannot open that kind of photo on the device. Choose a JPEG, PNG "
            "or WebP photo, or analyse it on our server."
        ),
        send_failed=_(
            "The ranking could not be saved. Check your connection and try again; your photo "
            "was not sent."
        ),
        load_failed=_(
            "Private mode could not start in this browser. Your photo was not sent. Try "
            "again, or analyse it on our server."
        ),
    )
    return {
        "heroes": " ".join(hero.key for hero in hero_list_active()),
        "texts": texts,
    }


# The upload page may run private mode's WebAssembly (docs/private-mode.md):
# 'wasm-unsafe-eval' lets it compile WebAssembly, not evaluate JavaScript.
@csp_update({"script-src": ["'wasm-unsafe-eval'"]})
@require_http_methods(["GET", "POST"])
def upload(request):
    """The upload page: a photo in, the new result's page out. Open to
    visitors without an account: their result belongs to their browser
    session until they sign up or log in (history/anonymous.py).

    The page's script sends the (shrunk) photo itself and asks for JSON:
    {"redirect": url} or {"error": message}, with the same statuses."""
    form = UploadForm(request.POST or None, request.FILES or None)
    status, page_error, headers = 200, None, {}
    attempt = attempt_from(request.POST)
    if request.method == "POST" and attempt_cancelled(attempt):
        return _upload_cancelled_reply()
    if request.method == "POST":
        prediction = None
        try:
            with prediction_quota(request) as quota:
                if form.is_valid():
                    prediction = services.prediction_create(
                        upload=form.cleaned_data["photo"], **_upload_owner(request)
                    )
                else:
                    quota.refused()
        except RateLimited as limited:
            form = UploadForm()
            error = error_for(limited)
            status, page_error, headers = error.status, error.message, error.headers
        except Exception as exc:
            error = error_for(exc)
            if error is None:
                raise
            # The person's photo: next to the field; ours: above the form.
            form.add_error("photo" if error.status < 500 else None, error.message)
            status = error.status
        else:
            if prediction is not None:
                if not attempt_result_keep(attempt, prediction):
                    return _upload_cancelled_reply()
                url = reverse("history:detail", args=[prediction.pk])
                if _wants_json(request):
                    return JsonResponse({"redirect": url})
                return redirect(url)
            status = 413 if form.has_error("photo", "too_large") else 400
    if request.method == "POST" and _wants_json(request):
        return _upload_json_error(form, page_error, status, headers)
    context = {
        "form": form,
        "max_bytes": settings.MLH_MAX_UPLOAD_BYTES,
        "page_error": page_error,
        "max_side": UPLOAD_MAX_SIDE,
        "jpeg_quality": UPLOAD_JPEG_QUALITY,
        "cancelled_text": CANCELLED_TEXT,
        "private_mode": _private_mode_context(),
    }
    response = render(request, "history/upload.html", context, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def _upload_json_error(form, page_error, status, headers):
    """The upload page's script's error reply: every message, as one."""
    messages_ = [page_error] if page_error else []
    for errors in form.errors.values():
        messages_ += [str(error) for error in errors]
    response = JsonResponse({"error": " ".join(messages_)}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def _upload_cancelled_reply():
    """What a send whose Cancel was pressed gets, should it still arrive (its
    page stopped listening): nothing was kept."""
    return JsonResponse({"error": str(CANCELLED_TEXT)}, status=409)


@require_http_methods(["POST"])
def upload_cancel(request):
    """The upload page's Cancel (history/attempts.py): the send's attempt id,
    posted with the CSRF token; the photo is not kept whether it arrived
    before this or arrives after. 204, also for an id that sent nothing."""
    attempt = attempt_from(request.POST)
    if not attempt:
        return HttpResponse(status=400)
    limited = attempt_cancel_take(request)
    if limited is not None:
        return HttpResponse(status=429, headers={"Retry-After": str(limited.retry_after)})
    attempt_cancel(attempt)
    return HttpResponse(status=204)


@require_http_methods(["POST"])
def upload_private(request):
    """Private mode's result: the ranking the person's browser computed from
    their photo (docs/private-mode.md), as JSON; never the photo. Checked
    (heroes.private_ranking), then stored like an upload's result, under the
    same quotas and owned the same way. Answers {"redirect": url} or
    {"error": message, "code": code}."""
    try:
        with prediction_quota(request):
            ranking = private_ranking_clean(
                _json_body(request, limit=PRIVATE_BODY_MAX_BYTES),
                body_bytes=len(request.body),
            )
            prediction = services.prediction_create_private(
                ranking=ranking, **_upload_owner(request)
            )
    except Exception as exc:
        error = error_for(exc)
        if error is None:
            raise
        return _json_error(error)
    return JsonResponse({"redirect": reverse("history:detail", args=[prediction.pk])})


def _json_error(error):
    """A page script's error reply: the message to show and its code, with
    the error's status and headers (Retry-After)."""
    response = JsonResponse({"error": error.message, "code": error.code}, status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response


def _json_body(request, *, limit):
    """The request's JSON body, refused (as a bad ranking) when it is larger
    than ``limit`` bytes or not JSON."""
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raise RankingRejected(f"larger than {limit} bytes")
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise RankingRejected("not JSON") from None


@login_required
@require_GET
def history_list(request):
    paginator = Paginator(prediction_list_for_user(user=request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "history/list.html", {"page": page})


# How a runner-up shown in the main spot is labelled (rank 2 to 4).
RUNNER_LABELS = {
    2: _lazy("2nd closest hero"),
    3: _lazy("3rd closest hero"),
    4: _lazy("4th closest hero"),
}
RANKING_VISIBLE = 5  # the rest of the 22 heroes sit in a disclosure


@owner_required
@require_GET
def history_detail(request, pk):
    prediction = _own_prediction_or_404(request, pk)
    summary = result_summary(prediction)
    rows, top, runners_up = summary.rows, summary.top, summary.runners_up
    for row in runners_up:
        row["label"] = RUNNER_LABELS.get(row["rank"], "")
    # The picker shows the faces as they stand in the photo, left to right
    # (the engine lists them largest first); each keeps its engine index.
    faces = sorted(
        (
            {"index": i, "current": i == prediction.face_index, "left": _face_left(face)}
            for i, face in enumerate(prediction.faces or [])
        ),
        key=lambda face: (face["left"], face["index"]),
    )
    face = prediction.face
    context = {
        "prediction": prediction,
        "rows": rows,
        "rows_visible": rows[:RANKING_VISIBLE],
        "rows_more": rows[RANKING_VISIBLE:],
        "top": top,
        "runners_up": runners_up,
        "faces": faces,
        "face_box": prediction.box_percent(face["box"]) if face else None,
        "share_url": request.build_absolute_uri(prediction.share_path),
        "probability_explained": PROBABILITY_EXPLAINED,
        "keep_hours": settings.MLH_ANONYMOUS_KEEP_HOURS,
    }
    if top:
        context.update(
            headline=headline(top["hero"].name),
            band=summary.band,
            strength_sentence=strength_sentence(top["hero"].name, prediction.match_strength),
            tie_text=(
                nearly_tied_text(top["hero"].name, summary.tied_with.name)
                if summary.nearly_tied
                else None
            ),
        )
    return render(request, "history/detail.html", context)


def _face_left(face):
    """The left edge of a stored face's box ((x, y, w, h)); 0 when it has none."""
    box = face.get("box") if isinstance(face, dict) else None
    try:
        return float(box[0])
    except (TypeError, IndexError, ValueError):
        return 0.0


THUMB_SIZE = 320


@owner_required
@require_GET
def thumbnail(request, pk):
    """A square JPEG crop around one face of a stored photo (the chosen face,
    or ``?face=N``): history cards and the face picker show the right person,
    not the middle of a group photo. Staff see it in the admin."""
    prediction = _own_prediction_or_404(request, pk, allow_staff=True)
    faces = prediction.faces or []
    index = index_or_404(
        request.GET.get("face", prediction.face_index),
        _("No such face."),
        below=len(faces) if faces else None,
    )
    try:
        with prediction.image.open("rb") as handle:
            image = Image.open(handle)
            image.load()
    except (OSError, ValueError):
        raise Http404(_("This photo is no longer stored.")) from None
    image = image.convert("RGB")
    if faces:
        image = cards.face_crop(image, faces[index]["box"], margin=0.45)
    image = ImageOps.fit(image, (THUMB_SIZE, THUMB_SIZE), Image.LANCZOS)
    response = HttpResponse(content_type="image/jpeg")
    image.save(response, "JPEG", quality=82, optimize=True)
    response["Cache-Control"] = "private, max-age=300"
    return response


@owner_required
@require_http_methods(["POST"])
def history_choose_face(request, pk):
    prediction = _own_prediction_or_404(request, pk)
    index = index_or_404(
        request.POST.get("face", ""), _("No such face."), below=len(prediction.faces or [])
    )
    # Re-ranking runs the engine: it counts toward the same limits as an upload.
    try:
        with prediction_quota(request):
            services.prediction_choose_face(prediction=prediction, face_index=index)
    except Exception as exc:
        error = error_for(exc)
        if error is None:
            raise
        messages.error(request, error.message)
    return redirect("history:detail", pk=prediction.pk)


@owner_required
@require_http_methods(["POST"])
def history_keep_face(request, pk):
    """A private result's owner keeps the small face picture their browser
    made (off unless they ask): the history and the share card show it
    instead of the hero's emblem."""
    prediction = _own_prediction_or_404(request, pk)
    try:
        upload = request.FILES.get("face")
        if upload is None:
            raise ThumbnailRefused("no picture")
        services.prediction_thumbnail_keep(prediction=prediction, upload=upload)
    except Exception as exc:
        error = error_for(exc)
        if error is None:
            raise
        if _wants_json(request):
            return _json_error(error)
        messages.error(request, error.message)
    else:
        message = _("The small face picture is kept with this result.")
        if _wants_json(request):
            return JsonResponse({"kept": True, "message": message})
        messages.success(request, message)
    return redirect("history:detail", pk=prediction.pk)


@owner_required
@require_http_methods(["POST"])
def history_share(request, pk):
    prediction = _own_prediction_or_404(request, pk)
    wants_json = _wants_json(request)
    limited = share_toggle_take(request)  # each re-share renders a new card
    if limited:
        error = error_for(limited)
        if wants_json:
            return _json_error(error)
        messages.error(request, error.message)
        return redirect(reverse("history:detail", args=[prediction.pk]) + "#share")
    if request.POST.get("action") == "revoke":
        services.prediction_unshare(prediction=prediction)
        message = _("The share link was revoked. It no longer works.")
    else:
        services.prediction_share(prediction=prediction)
        message = _("Anyone with the link can now see this result's card.")
    if wants_json:
        # The result page's share button: no reload, the page stays where it is.
        shared = prediction.is_shared
        return JsonResponse(
            {
                "shared": shared,
                "share_url": request.build_absolute_uri(prediction.share_path) if shared else None,
                "card_url": (
                    request.build_absolute_uri(prediction.share_card_path) if shared else None
                ),
                "message": message,
            }
        )
    messages.success(request, message)
    return redirect(reverse("history:detail", args=[prediction.pk]) + "#share")


# A stored photo never changes under its URL (another photo is another
# result): the owner's browser may keep it an hour; no shared cache may.
PHOTO_CACHE_CONTROL = "private, max-age=3600"


PHOTO_WIDTHS = {"480", "720"}


def _photo_resized(prediction, width):
    try:
        with prediction.image.open("rb") as handle:
            image = Image.open(handle)
            image.load()
    except (OSError, ValueError):
        return None
    image = image.convert("RGB")
    if image.width > width:
        height = max(1, round(image.height * width / image.width))
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    response = HttpResponse(content_type="image/jpeg")
    image.save(response, "JPEG", quality=82, optimize=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@owner_required
@require_GET
def photo(request, pk):
    """Stream a stored photo to its owner (or staff); 404 for anyone else."""
    prediction = _own_prediction_or_404(request, pk, allow_staff=True)
    if not prediction.image:  # a private result: the photo never came here
        raise Http404(_("This result has no photo."))
    if not isinstance(prediction.image.storage, FileSystemStorage):
        # Private S3 objects: a short-lived presigned URL, made only after
        # the ownership check above; the redirect itself is never kept.
        response = redirect(prediction.image.url)
        add_never_cache_headers(response)
        return response
    width = request.GET.get("w")
    if width in PHOTO_WIDTHS:
        # Sized to what the result page draws (its srcset).
        response = _photo_resized(prediction, int(width))
    else:
        response = stored_file_response(prediction.image)
    if response is None:
        raise Http404(_("This photo is no longer stored."))
    response["Cache-Control"] = PHOTO_CACHE_CONTROL
    patch_vary_headers(response, ["Cookie"])
    return response


@owner_required
@require_http_methods(["GET", "POST"])
def history_delete(request, pk):
    prediction = _own_prediction_or_404(request, pk)
    if request.method == "POST":
        prediction_delete(prediction=prediction)
        messages.success(request, _("The result and its photo were deleted."))
        return redirect("history:list" if request.user.is_authenticated else "home")
    return render(request, "history/confirm_delete.html", {"prediction": prediction})


@login_required
@require_http_methods(["GET", "POST"])
def history_delete_all(request):
    if request.method == "POST":
        count = prediction_delete_all_for_user(user=request.user)
        messages.success(
            request,
            ngettext(
                "%(count)d result and its photo were deleted.",
                "%(count)d results and their photos were deleted.",
                count,
            )
            % {"count": count},
        )
        return redirect("history:list")
    count = prediction_list_for_user(user=request.user).count()
    return render(request, "history/confirm_delete_all.html", {"count": count})
