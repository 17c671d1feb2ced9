"""Photos on S3 (django-storages' S3Storage), against a real S3 API over HTTP.

moto's standalone server runs on 127.0.0.1 for the session; each test gets
its own fresh bucket and points STORAGES["default"] at it through the
``settings`` fixture (the same OPTIONS as settings.py uses with
MLH_S3_BUCKET). Every assertion about stored files reads the bucket itself
with boto3.

What moto enforces and what it does not (checked with moto 5.2):
- ACLs on unsigned reads: yes. A private object answers 403 to an unsigned
  GET (a public-read one answers 200), so the "not public" check below is a
  real request, backed by an ACL check.
- Presigned URL signatures: no. moto accepts a tampered signature, so the
  tests check that the redirect URL carries a signature and an expiry, not
  that S3 would verify them.
"""

import datetime
import io
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from PIL import Image

moto_server = pytest.importorskip(
    "moto.server", reason="moto[server] is not installed (pip install -r requirements-dev.txt)"
)
boto3 = pytest.importorskip("boto3")

from heroes.models import Prediction  # noqa: E402
from heroes.services import prediction_create  # noqa: E402
from mylittlehero.tests.factories import photo_upload  # noqa: E402

pytestmark = pytest.mark.django_db

ACCESS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
REGION = "us-east-1"
URL_EXPIRE = 300
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"

# Plain HTTP to 127.0.0.1, whatever proxy the environment names.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_get(url):
    """(status, body) of a plain, unsigned GET."""
    try:
        with _opener.open(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture(scope="session")
def s3_endpoint():
    werkzeug = logging.getLogger("werkzeug")
    level = werkzeug.level
    werkzeug.setLevel(logging.WARNING)  # no access log line per request
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        werkzeug.setLevel(level)


class Bucket:
    def __init__(self, endpoint, name):
        self.endpoint = endpoint
        self.name = name
        self.client = boto3.client("s3", endpoint_url=endpoint, region_name=REGION, **ACCESS)

    def keys(self):
        listing = self.client.list_objects_v2(Bucket=self.name)
        return {item["Key"] for item in listing.get("Contents", [])}

    def body(self, key):
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def put(self, key, data):
        self.client.put_object(Bucket=self.name, Key=key, Body=data)

    def delete(self, key):
        self.client.delete_object(Bucket=self.name, Key=key)

    def public_url(self, key):
        return f"{self.endpoint}/{self.name}/{key}"


@pytest.fixture
def bucket(s3_endpoint, settings):
    """A fresh bucket as the media storage for one test."""
    from django.core.files.storage import default_storage
    from storages.backends.s3 import S3Storage

    store = Bucket(s3_endpoint, f"mlh-test-{uuid.uuid4().hex[:16]}")
    store.client.create_bucket(Bucket=store.name)
    settings.STORAGES = {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": store.name,
                "endpoint_url": s3_endpoint,
                "region_name": REGION,
                "access_key": ACCESS["aws_access_key_id"],
                "secret_key": ACCESS["aws_secret_access_key"],
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": URL_EXPIRE,
                "file_overwrite": False,
            },
        },
        "staticfiles": settings.STORAGES["staticfiles"],
    }
    # The model field holds default_storage (a LazyObject); the setting_changed
    # signal makes it resolve the new STORAGES, no monkeypatching needed.
    field_storage = Prediction._meta.get_field("image").storage
    assert field_storage is default_storage
    assert isinstance(field_storage, S3Storage) and field_storage.bucket_name == store.name
    return store


def jpeg(size, color):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def upload(client, name="me.jpg"):
    response = client.post(reverse("upload"), {"photo": photo_upload(name)})
    assert response.status_code == 302, response.content[:500]
    return Prediction.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[-1])


def test_upload_stores_a_private_object_in_the_bucket(client, user, fake_predictor, bucket):
    client.force_login(user)
    prediction = upload(client)
    key = prediction.image.name
    assert bucket.keys() == {key}
    assert key.startswith("predictions/") and key.endswith(".jpg")
    assert "me" not in key.rsplit("/", 1)[-1] and "owner" not in key
    stored = Image.open(io.BytesIO(bucket.body(key)))
    assert stored.format == "JPEG"
    assert stored.size == (prediction.image_width, prediction.image_height)

    grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=key)["Grants"]
    assert grants and not [g for g in grants if g["Grantee"].get("URI") == ALL_USERS]
    # Nobody reads it without a signature (moto checks the object's ACL).
    status, _body = http_get(bucket.public_url(key))
    assert status == 403


def test_photo_redirects_the_owner_to_a_presigned_url_and_hides_it_from_others(
    client, user, other_user, fake_predictor, bucket
):
    client.force_login(user)
    prediction = upload(client)
    photo_url = reverse("history:photo", args=[prediction.pk])

    response = client.get(photo_url)
    assert response.status_code == 302
    target = urllib.parse.urlsplit(response.url)
    assert f"{target.scheme}://{target.netloc}" == bucket.endpoint
    assert target.path == f"/{bucket.name}/{prediction.image.name}"
    query = urllib.parse.parse_qs(target.query)
    assert "X-Amz-Signature" in query or "Signature" in query
    if "X-Amz-Expires" in query:  # signature version 4
        assert query["X-Amz-Expires"] == [str(URL_EXPIRE)]
    else:  # version 2: an absolute expiry time
        assert abs(int(query["Expires"][0]) - (time.time() + URL_EXPIRE)) < 60
    assert "no-cache" in response.get("Cache-Control", "") or "max-age=0" in response.get(
        "Cache-Control", ""
    )
    status, body = http_get(response.url)
    assert status == 200
    assert body == bucket.body(prediction.image.name) and body[:2] == b"\xff\xd8"

    client.force_login(other_user)
    response = client.get(photo_url)
    assert response.status_code == 404
    assert "Location" not in response
    assert bucket.name not in response.content.decode(errors="replace")


def test_deleting_a_result_deletes_its_object(
    client, user, fake_predictor, bucket, django_capture_on_commit_callbacks
):
    client.force_login(user)
    kept = upload(client, "a.jpg")
    gone = upload(client, "b.jpg")
    assert bucket.keys() == {kept.image.name, gone.image.name}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("history:delete", args=[gone.pk]))
    assert response.status_code == 302
    assert not Prediction.objects.filter(pk=gone.pk).exists()
    assert bucket.keys() == {kept.image.name}


def test_deleting_an_account_deletes_all_its_objects_and_no_one_elses(
    client, user, other_user, password, fake_predictor, bucket, django_capture_on_commit_callbacks
):
    client.force_login(other_user)
    theirs = upload(client, "theirs.jpg")
    client.force_login(user)
    mine = {upload(client, f"mine{i}.jpg").image.name for i in range(2)}
    assert bucket.keys() == mine | {theirs.image.name}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:delete"), {"password": password})
    assert response.status_code == 302
    assert not Prediction.objects.filter(owner_id=user.pk).exists()
    assert bucket.keys() == {theirs.image.name}


def test_repredict_reads_the_photos_from_the_bucket(user, fake_predictor, bucket, capsys):
    good, faceless, missing = [
        prediction_create(user=user, upload=photo_upload(f"p{i}.jpg")) for i in range(3)
    ]
    assert bucket.keys() == {good.image.name, faceless.image.name, missing.image.name}
    # Change the bucket behind the app's back: one photo becomes faceless
    # (and a different size), another disappears.
    bucket.put(faceless.image.name, jpeg((200, 100), (128, 128, 128)))
    bucket.delete(missing.image.name)
    fake_predictor.version = "fake-2"
    fake_predictor.calls.clear()

    with pytest.raises(CommandError, match="1 photos failed"):
        call_command("repredict")
    captured = capsys.readouterr()
    assert "processed 1" in captured.out and "no face now 1" in captured.out
    assert f"prediction {missing.pk}" in captured.err
    assert sorted(call["size"] for call in fake_predictor.calls) == [(200, 100), (320, 240)]
    good.refresh_from_db()
    faceless.refresh_from_db()
    assert good.model_version == "fake-2"
    assert good.previous_results[0]["model_version"] == "fake-1"
    assert faceless.model_version == "fake-1" and faceless.ranking
    # Re-predicting reads; it never writes or deletes objects.
    assert bucket.keys() == {good.image.name, faceless.image.name}


def test_purge_uploads_deletes_old_rows_and_their_objects(
    user, fake_predictor, bucket, capsys, django_capture_on_commit_callbacks
):
    old, recent = [prediction_create(user=user, upload=photo_upload(f"p{i}.jpg")) for i in range(2)]
    Prediction.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    assert bucket.keys() == {old.image.name, recent.image.name}

    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_uploads", "--older-than", "30", "--dry-run")
    assert "would delete 1 photos" in capsys.readouterr().out
    assert bucket.keys() == {old.image.name, recent.image.name}

    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_uploads", "--older-than", "30")
    assert "deleted 1 photos" in capsys.readouterr().out
    assert list(Prediction.objects.values_list("pk", flat=True)) == [recent.pk]
    assert bucket.keys() == {recent.image.name}
