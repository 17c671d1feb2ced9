"""The sign-up and password-reset answers take the same
time whether or not the address has an account.

A deliberately slow password hasher and a slow mail backend stand in for
the real costs (a PBKDF2 hash, an SMTP round trip), so the difference the
attack measured is large and steady enough to assert on."""

import statistics
import time

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as MemoryBackend
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

HASH_SECONDS = 0.15
MAIL_SECONDS = 0.4


class SlowHasher(MD5PasswordHasher):
    algorithm = "slow_md5"

    def encode(self, password, salt):
        time.sleep(HASH_SECONDS)
        return "slow_" + super().encode(password, salt)

    def decode(self, encoded):
        return super().decode(encoded.removeprefix("slow_"))

    def verify(self, password, encoded):
        time.sleep(HASH_SECONDS)
        return super().verify(password, encoded.removeprefix("slow_"))


class SlowMailBackend(MemoryBackend):
    """The in-memory outbox, reached after an SMTP-like delay."""

    def send_messages(self, messages):
        time.sleep(MAIL_SECONDS)
        return super().send_messages(messages)


SLOW_HASHER = [f"{__name__}.SlowHasher"]


def timed_post(client, url, data, ip):
    start = time.perf_counter()
    response = client.post(url, data, REMOTE_ADDR=ip)
    assert response.status_code == 302, response.status_code
    return time.perf_counter() - start


@override_settings(PASSWORD_HASHERS=SLOW_HASHER)
def test_sign_up_takes_as_long_for_a_taken_address_as_for_a_new_one(client, make_user):
    taken = [make_user(f"taken{i}@example.com") for i in range(3)]
    url = reverse("accounts:signup")

    def sign_up(email, ip):
        pw = "a-long-unusual-pass-93"
        data = {"email": email, "display_name": "", "password1": pw, "password2": pw}
        return timed_post(client, url, data, ip)

    new = [sign_up(f"new{i}@example.com", f"10.1.0.{i}") for i in range(3)]
    old = [sign_up(person.email, f"10.2.0.{i}") for i, person in enumerate(taken)]
    # Before: the taken address skipped the hash (about 0 s against 0.15 s).
    assert abs(statistics.median(new) - statistics.median(old)) < HASH_SECONDS / 2, (new, old)


@override_settings(EMAIL_BACKEND=f"{__name__}.SlowMailBackend")
def test_password_reset_answers_before_the_mail_is_sent(client, user):
    url = reverse("accounts:password_reset")
    known = timed_post(client, url, {"email": user.email}, "10.3.0.1")
    unknown = timed_post(client, url, {"email": "nobody@example.com"}, "10.3.0.2")
    assert known < MAIL_SECONDS / 2, f"the answer waited for the mail: {known:.2f} s"
    assert abs(known - unknown) < MAIL_SECONDS / 2
    deadline = time.time() + 5
    while not mail.outbox and time.time() < deadline:
        time.sleep(0.05)
    assert [message.to for message in mail.outbox] == [[user.email]]
    assert "/accounts/password/reset/" in mail.outbox[0].body
