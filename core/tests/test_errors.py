"""core.errors.error_for: the one mapping from a failure to (code, message,
HTTP status) that the pages, the API and the admin share."""

import json

import pytest
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.utils import translation

from accounts import throttle
from core.errors import (
    MESSAGES,
    STATUSES,
    ErrorReply,
    bad_request,
    error_for,
    error_response,
    errors_register,
)
from core.middleware import CacheUnavailable
from core.ratelimit import RateLimited
from heroes.ml import api as engine_api
from heroes.services import ServiceUnavailable


@pytest.mark.parametrize(
    "failure, code, status",
    [
        (engine_api.NotAnImage(), "not_an_image", 400),
        (engine_api.CorruptImage(), "corrupt_image", 400),
        (engine_api.ImageRejected(), "invalid_image", 400),
        (engine_api.NoFaceFound(), "no_face", 400),
        (engine_api.NoSuchFace("3", faces_found=1), "no_such_face", 400),
        (engine_api.ImageTooLarge(), "too_large", 413),
        (engine_api.TooManyPixels(), "too_many_pixels", 413),
        (engine_api.ModelUnavailable("gone"), "model_unavailable", 503),
        (ServiceUnavailable("database_unavailable"), "database_unavailable", 503),
        (ServiceUnavailable("storage_unavailable"), "storage_unavailable", 503),
        (CacheUnavailable(), "cache_unavailable", 503),
        (TooManyFieldsSent(), "too_many_fields", 400),
        (RequestDataTooBig(), "too_large", 413),
    ],
)
def test_known_failures_have_a_code_a_status_and_a_message_in_both_languages(failure, code, status):
    error = error_for(failure)
    assert (error.code, error.status) == (code, status)
    with translation.override("en"):
        english = error_for(failure).message
    with translation.override("ko"):
        korean = error_for(failure).message
    assert english and korean and english != korean


def test_every_refusal_the_engine_exports_is_mapped():
    refusals = [
        value
        for value in vars(engine_api).values()
        if isinstance(value, type) and issubclass(value, engine_api.ImageRejected)
    ]
    assert len(refusals) >= 7
    for refusal in refusals:
        error = error_for(refusal.__new__(refusal))
        assert error is not None and error.code == refusal.code and error.status < 500


def test_a_used_up_rate_limit_is_429_with_retry_after():
    error = error_for(RateLimited(retry_after=125, limit=5, period=3600))
    assert (error.code, error.status, error.headers) == (
        "rate_limited",
        429,
        {"Retry-After": "125"},
    )
    with translation.override("en"):
        assert "5 per hour" in error_for(RateLimited(125, 5, 3600)).message
        assert "3 minutes" in error_for(RateLimited(125, 5, 3600)).message


@pytest.mark.parametrize(
    "failure",
    [ValueError("x"), OSError("disk"), ValidationError("x", code="too_large"), SystemExit(2)],
)
def test_anything_else_is_not_answered_here(failure):
    assert error_for(failure) is None


def test_the_shared_cache_down_is_503_with_retry_after():
    assert error_for(CacheUnavailable()).headers == {"Retry-After": "30"}


def test_each_app_registers_its_own_codes():
    from heroes import errors as heroes_errors

    # Registered by HeroesConfig.ready, not written in core.
    for code, message in heroes_errors.MESSAGES.items():
        assert MESSAGES[code] is message
        assert STATUSES.get(code, 400) == heroes_errors.STATUSES.get(code, 400)


def test_a_code_registered_twice_with_another_message_is_refused():
    with pytest.raises(ValueError, match="no_face"):
        errors_register({"no_face": "another message"})
    assert error_for(engine_api.NoFaceFound()).message != "another message"


def test_one_envelope_for_every_json_error():
    error = ErrorReply("rate_limited", "Wait.", 429, {"Retry-After": "60"})
    response = error_response(error)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert json.loads(response.content) == {"error": {"code": "rate_limited", "message": "Wait."}}


def test_a_request_too_large_is_413_on_the_api_error_page(rf):
    # Under /api/ handler400 answers Django's RequestDataTooBig with the
    # status error_for gives it (413, as the body-limit middleware and the
    # API's photo-size check), not 400.
    response = bad_request(rf.post("/api/predictions/"), RequestDataTooBig())
    assert response.status_code == 413
    assert json.loads(response.content)["error"]["code"] == "too_large"


@pytest.mark.parametrize(
    "lockout, code, words",
    [
        (throttle.Lockout(125), "login_locked", "Too many failed login attempts"),
        (throttle.ActionLimited(125), "action_limited", "Too many requests"),
    ],
)
def test_the_accounts_lockouts_are_429_with_retry_after(lockout, code, words):
    error = error_for(lockout)
    assert (error.code, error.status, error.headers) == (code, 429, {"Retry-After": "125"})
    with translation.override("en"):
        assert words in error_for(lockout).message
        assert "3 minutes" in error_for(lockout).message
    with translation.override("ko"):
        assert words not in error_for(lockout).message
