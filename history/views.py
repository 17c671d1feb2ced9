"""A person's private history of results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import FileSystemStorage
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from heroes import services
from heroes.messages import rate_limited_message, refusal_message
from heroes.ml.classifier import ModelUnavailable
from heroes.ml.intake import ImageRejected
from heroes.ratelimit import RateLimited, prediction_rate_take
from heroes.selectors import prediction_get_for_user, prediction_list_for_user, ranking_rows
from heroes.services import prediction_delete, prediction_delete_all_for_user
from heroes.storage import stored_file_response

PAGE_SIZE = 12


def _own_prediction_or_404(request, pk, *, allow_staff=False):
    prediction = prediction_get_for_user(user=request.user, pk=pk, allow_staff=allow_staff)
    if prediction is None:
        raise Http404(_("No such result."))
    return prediction


@login_required
@require_GET
def history_list(request):
    paginator = Paginator(prediction_list_for_user(user=request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "history/list.html", {"page": page})


@login_required
@require_GET
def history_detail(request, pk):
    prediction = _own_prediction_or_404(request, pk)
    rows = ranking_rows(prediction)
    faces = [
        {
            "index": i,
            "current": i == prediction.face_index,
            "style": _thumbnail_style(prediction.box_percent(face["box"])),
        }
        for i, face in enumerate(prediction.faces or [])
    ]
    face = prediction.face
    return render(
        request,
        "history/detail.html",
        {
            "prediction": prediction,
            "rows": rows,
            "top": rows[0] if rows else None,
            "runners_up": rows[1:3],
            "faces": faces,
            "face_box": prediction.box_percent(face["box"]) if face else None,
            "share_url": request.build_absolute_uri(f"/s/{prediction.share_token}/"),
        },
    )


def _thumbnail_style(box):
    """CSS that zooms the photo so one face fills a square thumbnail."""
    if not box:
        return ""
    width = max(box["width"], 1.0)
    size = 100 * 100 / width
    x = box["left"] / (100 - width) * 100 if width < 100 else 0
    height = max(box["height"], 1.0)
    y = box["top"] / (100 - height) * 100 if height < 100 else 0
    return f"background-size: {size:.1f}% auto; background-position: {x:.1f}% {y:.1f}%;"


@login_required
@require_http_methods(["POST"])
def history_choose_face(request, pk):
    prediction = _own_prediction_or_404(request, pk)
    try:
        index = int(request.POST.get("face", ""))
    except ValueError:
        raise Http404(_("No such face.")) from None
    if not 0 <= index < len(prediction.faces or []):
        raise Http404(_("No such face."))
    # Re-ranking runs the engine: it counts toward the same limits as an upload.
    ticket = prediction_rate_take(request)
    if isinstance(ticket, RateLimited):
        messages.error(request, rate_limited_message(ticket))
        return redirect("history:detail", pk=prediction.pk)
    try:
        services.prediction_choose_face(prediction=prediction, face_index=index)
    except ImageRejected as exc:
        ticket.refused()
        messages.error(request, refusal_message(exc.code))
    except (ModelUnavailable, services.ServiceUnavailable) as exc:
        ticket.failed()
        messages.error(request, refusal_message(getattr(exc, "code", "model_unavailable")))
    except BaseException:
        ticket.failed()
        raise
    return redirect("history:detail", pk=prediction.pk)


@login_required
@require_http_methods(["POST"])
def history_share(request, pk):
    prediction = _own_prediction_or_404(request, pk)
    if request.POST.get("action") == "revoke":
        services.prediction_unshare(prediction=prediction)
        messages.success(request, _("The share link was revoked. It no longer works."))
    else:
        services.prediction_share(prediction=prediction)
        messages.success(request, _("Anyone with the link can now see this result's card."))
    return redirect("history:detail", pk=prediction.pk)


@never_cache
@login_required
@require_GET
def photo(request, pk):
    """Stream a stored photo to its owner (or staff); 404 for anyone else."""
    prediction = _own_prediction_or_404(request, pk, allow_staff=True)
    if not isinstance(prediction.image.storage, FileSystemStorage):
        # Private S3 objects: a short-lived presigned URL, made only after
        # the ownership check above.
        return redirect(prediction.image.url)
    response = stored_file_response(prediction.image)
    if response is None:
        raise Http404(_("This photo is no longer stored."))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def history_delete(request, pk):
    prediction = _own_prediction_or_404(request, pk)
    if request.method == "POST":
        prediction_delete(prediction=prediction)
        messages.success(request, _("The result and its photo were deleted."))
        return redirect("history:list")
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
