"""Two sign-ups with one email at the same moment: the unique index decides.

Sign-up looks the address up before it writes the account, so two requests
can both find none. Then the database's unique index on ``email`` (a UNIQUE
constraint on SQLite, a unique index answering E11000 on MongoDB, where there
are no other constraints) must refuse the second insert, and that request must
answer like any sign-up (the same page whether or not the address is taken),
not fail.
"""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import User


@pytest.mark.django_db(transaction=True)
def test_parallel_sign_ups_with_one_email_make_one_account(monkeypatch):
    barrier = threading.Barrier(2, timeout=30)
    create = User.objects.create_user

    def create_once_both_looked(**fields):
        barrier.wait()  # both requests found no account with this email
        return create(**fields)

    monkeypatch.setattr(User.objects, "create_user", create_once_both_looked)
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

    # Both answer the same "check your email" redirect; one account exists.
    assert [status for status, _body in outcomes] == [302, 302], outcomes
    assert get_user_model().objects.filter(email="race@example.com").count() == 1
