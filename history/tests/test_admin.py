"""The results admin (history/admin.py) as a moderator and a superuser:
listing, viewing, deleting and re-predicting people's predictions."""

import pytest
from django.urls import reverse

from heroes.models import Prediction
from heroes.services import prediction_create
from mylittlehero.tests.factories import photo_upload
from mylittlehero.tests.secantus import SECANTUS_NESTED_PROJECT_BUG

pytestmark = pytest.mark.django_db


@pytest.fixture
def prediction(user, fake_predictor):
    return prediction_create(user=user, upload=photo_upload())


@SECANTUS_NESTED_PROJECT_BUG
def test_prediction_list_shows_thumbnail_owner_and_filters(
    client, moderator, prediction, fake_predictor
):
    client.force_login(moderator)
    html = client.get(reverse("admin:heroes_prediction_changelist")).content.decode()
    assert reverse("history:thumb", args=[prediction.pk]) in html  # authorized view
    assert "/media" not in html
    assert prediction.owner.email in html
    fake_predictor.version = "fake-2"  # another model is active now
    html = client.get(reverse("admin:heroes_prediction_changelist") + "?stale=yes").content.decode()
    assert prediction.owner.email in html  # made by the fake model: stale
    html = client.get(
        reverse("admin:heroes_prediction_changelist") + "?q=nobody@example.com"
    ).content.decode()
    assert prediction.owner.email not in html


@SECANTUS_NESTED_PROJECT_BUG
def test_moderator_can_view_the_photo_and_the_ranking(client, moderator, prediction):
    client.force_login(moderator)
    assert client.get(reverse("history:photo", args=[prediction.pk])).status_code == 200
    html = client.get(
        reverse("admin:heroes_prediction_change", args=[prediction.pk])
    ).content.decode()
    assert prediction.ranking[0]["hero"] in html


@SECANTUS_NESTED_PROJECT_BUG
def test_moderator_can_delete_a_prediction_with_its_image(
    client, moderator, prediction, media_root, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    path = media_root / prediction.image.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:heroes_prediction_changelist"),
            {"action": "delete_with_image", "_selected_action": [prediction.pk]},
        )
    assert response.status_code == 302
    assert not Prediction.objects.exists()
    assert not path.exists()


def test_repredict_action_keeps_the_previous_result(client, superuser, prediction, fake_predictor):
    fake_predictor.version = "fake-2"
    client.force_login(superuser)
    client.post(
        reverse("admin:heroes_prediction_changelist"),
        {"action": "repredict", "_selected_action": [prediction.pk]},
    )
    prediction.refresh_from_db()
    assert prediction.model_version == "fake-2"
    assert prediction.previous_results[0]["model_version"] == "fake-1"


def test_a_view_only_moderator_cannot_run_repredict(client, moderator, prediction, fake_predictor):
    fake_predictor.version = "fake-2"
    client.force_login(moderator)
    page = client.get(reverse("admin:heroes_prediction_changelist")).content.decode()
    assert 'value="repredict"' not in page
    client.post(
        reverse("admin:heroes_prediction_changelist"),
        {"action": "repredict", "_selected_action": [prediction.pk]},
    )
    prediction.refresh_from_db()
    assert prediction.model_version == "fake-1"
    assert fake_predictor.calls[-1]["face_index"] is None  # only the upload ran


def test_repredict_is_bounded_and_logged(client, superuser, user, fake_predictor, settings, caplog):
    settings.MLH_ADMIN_REPREDICT_MAX = 2
    predictions = [prediction_create(user=user, upload=photo_upload()) for _ in range(3)]
    fake_predictor.version = "fake-2"
    client.force_login(superuser)
    with caplog.at_level("INFO", logger="heroes.admin"):
        response = client.post(
            reverse("admin:heroes_prediction_changelist"),
            {"action": "repredict", "_selected_action": [p.pk for p in predictions]},
            HTTP_ACCEPT_LANGUAGE="en",
            follow=True,
        )
        assert "manage.py repredict" in response.content.decode()
        assert set(Prediction.objects.values_list("model_version", flat=True)) == {"fake-1"}
        client.post(
            reverse("admin:heroes_prediction_changelist"),
            {"action": "repredict", "_selected_action": [p.pk for p in predictions[:2]]},
        )
    assert sorted(Prediction.objects.values_list("model_version", flat=True)) == [
        "fake-1",
        "fake-2",
        "fake-2",
    ]
    actions = [r.admin_action for r in caplog.records if r.name == "heroes.admin"]
    assert actions[0]["refused"] is True and actions[0]["user_id"] == str(superuser.pk)
    assert actions[1]["done"] == 2


def test_results_without_an_account_show_as_such(client, superuser, prediction, fake_predictor):
    anonymous = prediction_create(user=None, upload=photo_upload(), anonymous_owner="k" * 43)
    client.force_login(superuser)
    changelist = reverse("admin:heroes_prediction_changelist")
    html = client.get(changelist, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.count("No account (not claimed; deleted after") == 1
    assert "k" * 43 not in html  # the browser's secret is never shown
    only = client.get(changelist + "?owner_kind=anonymous").content.decode()
    assert reverse("history:thumb", args=[anonymous.pk]) in only
    assert reverse("history:thumb", args=[prediction.pk]) not in only
    accounts = client.get(changelist + "?owner_kind=account").content.decode()
    assert reverse("history:thumb", args=[prediction.pk]) in accounts
    assert reverse("history:thumb", args=[anonymous.pk]) not in accounts
    page = client.get(
        reverse("admin:heroes_prediction_change", args=[anonymous.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 200
    assert "No account (not claimed" in page.content.decode()
