"""core.ratelimit.prediction_quota: the one way the upload page, choosing
another face and the API take, settle and give back a place in the
prediction quotas."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from core import ratelimit
from core.ratelimit import RateLimited, prediction_quota
from heroes.ml import api as engine_api
from heroes.services import ServiceUnavailable


class Person:
    is_authenticated = True
    pk = 7


def _request(user):
    request = RequestFactory().post("/upload/", REMOTE_ADDR="203.0.113.9")
    request.user = user
    return request


NOW = 1_800_000_000.0  # a fixed clock: the windows' keys are known
WINDOW = int(NOW // 3600)


def _results(kind="user", ident="7"):
    return cache.get(f"predict-rate:{kind}:{ident}:3600:{WINDOW}") or 0


def _refused(kind="user", ident="7"):
    return cache.get(f"predict-refused:{kind}:{ident}:3600:{WINDOW}") or 0


QUOTAS = override_settings(
    MLH_PREDICTION_RATE_USER="2/hour",
    MLH_PREDICTION_REFUSED_RATE_USER="1/hour",
    MLH_PREDICTION_RATE_IP="",
    MLH_ANONYMOUS_RATE_IP="2/hour",
    MLH_ANONYMOUS_REFUSED_RATE_IP="1/hour",
)


@pytest.fixture(autouse=True)
def _quotas(monkeypatch):
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: NOW))
    with QUOTAS:
        yield


def test_a_result_keeps_its_place():
    with prediction_quota(_request(Person())):
        pass
    assert (_results(), _refused()) == (1, 0)


@pytest.mark.parametrize("refusal", [engine_api.NoFaceFound(), engine_api.ImageTooLarge()])
def test_a_refused_photo_moves_to_the_refused_quota(refusal):
    with pytest.raises(type(refusal)), prediction_quota(_request(Person())):
        raise refusal
    assert (_results(), _refused()) == (0, 1)


def test_a_form_that_refuses_the_file_says_so():
    with prediction_quota(_request(Person())) as quota:
        quota.refused()
    assert (_results(), _refused()) == (0, 1)


@pytest.mark.parametrize(
    "failure",
    [engine_api.ModelUnavailable("gone"), ServiceUnavailable("database_unavailable"), KeyError()],
)
def test_a_failure_of_ours_costs_nothing(failure):
    with pytest.raises(type(failure)), prediction_quota(_request(Person())):
        raise failure
    assert (_results(), _refused()) == (0, 0)


def test_a_used_up_quota_raises_on_entry_and_counts_nothing():
    for _ in range(2):
        with prediction_quota(_request(Person())):
            pass
    entered = False
    with pytest.raises(RateLimited) as raised:
        with prediction_quota(_request(Person())):
            entered = True
    assert not entered
    assert (raised.value.kind, raised.value.limit, raised.value.period) == ("results", 2, 3600)
    assert raised.value.retry_after > 0
    assert _results() == 2


def test_a_used_up_refused_quota_raises_on_entry():
    with pytest.raises(engine_api.NoFaceFound), prediction_quota(_request(Person())):
        raise engine_api.NoFaceFound()
    with pytest.raises(RateLimited) as raised, prediction_quota(_request(Person())):
        pass
    assert raised.value.kind == "refused"


ANONYMOUS = ("anonymous-ip", "203.0.113.9")


def test_a_visitor_without_an_account_has_the_anonymous_quotas():
    visitor = AnonymousUser()
    with pytest.raises(engine_api.NoFaceFound), prediction_quota(_request(visitor)):
        raise engine_api.NoFaceFound()
    assert (_results(*ANONYMOUS), _refused(*ANONYMOUS)) == (0, 1)
    with pytest.raises(RateLimited) as raised, prediction_quota(_request(visitor)):
        pass
    assert raised.value.kind == "refused"
