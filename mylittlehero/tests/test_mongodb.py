"""The main flows against a live MongoDB server.

``make test-mongodb`` (and CI) runs the whole suite, these included, on a
MongoDB emulator; ``MONGODB_URI=mongodb://... make test`` runs it on a real
server, ``MONGODB_URI=... .venv/bin/python -m pytest -m mongodb`` only these.
Without MONGODB_URI (``make test``) they skip. See docs/mongodb.md.
"""

import os

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from heroes.models import Prediction

pytestmark = [
    pytest.mark.mongodb,
    pytest.mark.skipif(
        not os.environ.get("MONGODB_URI"),
        reason="MONGODB_URI is not set: these tests need a live MongoDB server (see docs/mongodb.md)",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _really_mongodb():
    assert connection.vendor == "mongodb", "MONGODB_URI is set but the connection is not MongoDB"


def test_sign_up_and_log_in(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "email": "mongo@example.com",
            "password1": "mongo-long-pass-61",
            "password2": "mongo-long-pass-61",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="mongo@example.com")
    assert len(str(user.pk)) == 24  # an ObjectId
    # The account starts from the link in the confirmation email.
    import re

    from django.core import mail

    link = re.search(r"https?://[^/\s]+(/accounts/signup/confirm/\S+)", mail.outbox[-1].body).group(
        1
    )
    assert client.post(link).status_code == 302
    client.post(reverse("accounts:logout"))
    response = client.post(
        reverse("accounts:login"),
        {"username": "mongo@example.com", "password": "mongo-long-pass-61"},
    )
    assert response.status_code == 302


def test_predictions_list_open_and_delete(client, user, other_user, make_prediction, media_root):
    mine = make_prediction(user)
    theirs = make_prediction(other_user)
    client.force_login(user)
    page = client.get(reverse("history:list")).context["page"]
    assert [p.pk for p in page.object_list] == [mine.pk]
    assert client.get(reverse("history:detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("history:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("history:detail", args=["not-an-objectid"])).status_code == 404
    client.post(reverse("history:delete", args=[mine.pk]))
    assert not Prediction.objects.filter(pk=mine.pk).exists()
    assert not (media_root / mine.image.name).exists()


def test_account_deletion_cascades(client, user, password, make_prediction, media_root):
    prediction = make_prediction(user)
    client.force_login(user)
    client.post(reverse("accounts:delete"), {"password": password})
    assert not Prediction.objects.filter(owner_id=user.pk).exists()
    assert not (media_root / prediction.image.name).exists()
