"""Request-level protections (issue 11): body limits, headers, proxies."""

import io

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.parametrize(
    "path, length",
    [
        ("/accounts/login/", 300 * 1024 * 1024),  # 300 MB at the login form
        ("/accounts/signup/", 2 * 1024 * 1024),
        ("/upload/", 11 * 1024 * 1024),  # over the photo limit + envelope
        ("/api/predictions/", 11 * 1024 * 1024),
    ],
)
def test_bodies_over_the_route_limit_are_refused_unread(client, path, length):
    response = client.generic(
        "POST",
        path,
        CONTENT_LENGTH=str(length),
        CONTENT_TYPE="multipart/form-data; boundary=x",
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413
    if path.startswith("/api/"):
        assert response.json()["error"]["code"] == "too_large"


def test_a_photo_sized_body_is_fine_on_photo_routes_only(client, user):
    from core.middleware import body_limit_for

    photo = 5 * 1024 * 1024
    assert body_limit_for("/upload/") > photo and body_limit_for("/api/predictions/") > photo
    assert body_limit_for("/accounts/login/") < photo
    client.force_login(user)
    # A real 1.5 MB form post to the login page is refused; a small one is not.
    big = client.post(reverse("accounts:login"), {"username": "x" * (1536 * 1024), "password": "y"})
    assert big.status_code == 413
    assert client.post(reverse("accounts:login"), {"username": "a@b.c", "password": "y"}).status_code in (200, 302)
