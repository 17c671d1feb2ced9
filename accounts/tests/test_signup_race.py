"""Two sign-ups with one email at the same moment: the unique index decides.

The form's "email taken" checks read before the account is written, so two
requests can both pass them. Then the database's unique index on ``email`` (a UNIQUE
constraint on SQLite, a unique index answering E11000 on MongoDB, where there
are no other constraints) must refuse the second insert, and the page must
say so instead of failing.
"""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts import views


@pytest.mark.django_db(transaction=True)
def test_parallel_sign_ups_with_one_email_make_one_account(monkeypatch):
    barrier = threading.Barrier(2, timeout=30)
    create = views.user_create

    def create_once_both_are_valid(**fields):
        barrier.wait()  # both forms found no account with this email
        return create(**fields)

    monkeypatch.setattr(views, "user_create", create_once_both_are_valid)
    outcomes = []

    def sign_up(password):
        try:
            response = Client().post(
                reverse("accounts:signup"),
                {"email": "Race@Example.com", "password1": password, "password2": password},
            )
            outcomes.append((response.status_code, response.content.decode()))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes.append((500, repr(exc)))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=sign_up, args=(password,))
        for password in ("first-long-pass-93", "second-long-pass-57")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(status for status, _body in outcomes) == [200, 302], outcomes
    refused = next(body for status, body in outcomes if status == 200)
    assert "이 이메일로 만든 계정이 이미 있습니다" in refused  # the form's message, in Korean
    assert get_user_model().objects.filter(email="race@example.com").count() == 1
