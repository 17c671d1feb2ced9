"""Schemathesis against the served OpenAPI schema: generated requests to
every operation, bounded in number; no 5xx, and responses match the schema."""

import pytest

schemathesis = pytest.importorskip(
    "schemathesis", reason="schemathesis is not installed (pip install -r requirements-dev.txt)"
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from hypothesis import HealthCheck  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture
def keep_test_connection():
    """A real WSGI call closes "old" database connections at the end of each
    request, the test's own included; Django's test client avoids that the
    same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(user, fake_predictor, keep_test_connection):
    from accounts.services import api_token_create

    _token, secret = api_token_create(user=user, name="schemathesis")
    return secret


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
def test_api_conforms_to_its_schema(case, token):
    # Every default check but "schema-valid data is accepted": a schema-valid
    # upload may still be refused for its content (not an image, no face),
    # with a documented 4xx.
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        excluded_checks=[positive_data_acceptance],
    )
