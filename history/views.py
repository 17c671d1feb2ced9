"""A person's private history of results."""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from heroes.selectors import prediction_get_for_user, prediction_list_for_user
from heroes.services import prediction_delete, prediction_delete_all_for_user

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
    return render(request, "history/detail.html", {"prediction": prediction})


@never_cache
@login_required
@require_GET
def photo(request, pk):
    """Stream a stored photo to its owner (or staff); 404 for anyone else."""
    prediction = _own_prediction_or_404(request, pk, allow_staff=True)
    try:
        handle = prediction.image.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("This photo is no longer stored.")) from None
    content_type = mimetypes.guess_type(prediction.image.name)[0] or "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
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
