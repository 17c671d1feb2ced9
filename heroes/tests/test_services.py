"""The prediction services called directly (no view, no HTTP), with the fake
engine: what each one stores, and what it leaves when it refuses."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from heroes.ml.api import ImageRejected, ModelUnavailable, NoFaceFound, NoSuchFace
from heroes.models import Hero, Prediction
from heroes.services import (
    prediction_choose_face,
    prediction_create,
    prediction_delete,
    prediction_delete_all_for_user,
    prediction_share,
    prediction_unshare,
    share_card_name,  # where the service keeps a card (wherever it is defined)
    share_card_png,
)
from mylittlehero.tests.environment import media_files
from mylittlehero.tests.factories import photo_upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_predictor")]


def stored(prediction):
    return (prediction.image.storage.exists(prediction.image.name), prediction.image.name)


def test_create_stores_the_photo_and_its_result(user):
    prediction = prediction_create(user=user, upload=photo_upload("me.jpg", size=(320, 240)))

    row = Prediction.objects.get(pk=prediction.pk)
    assert row.owner == user and row.model_version == "fake-1"
    active = set(Hero.objects.filter(is_active=True).values_list("key", flat=True))
    assert [r["hero"] for r in row.ranking] and {r["hero"] for r in row.ranking} <= active
    assert sum(r["probability"] for r in row.ranking) == pytest.approx(1.0, abs=1e-4)
    probabilities = [r["probability"] for r in row.ranking]
    assert probabilities == sorted(probabilities, reverse=True)
    assert row.top_hero.key == row.ranking[0]["hero"]
    assert row.top_probability == row.ranking[0]["probability"]
    assert row.match_strength == row.ranking[0]["index"]
    assert all(set(r) == {"hero", "probability", "index"} for r in row.ranking)  # no similarity
    assert row.face_index == 0 and len(row.faces) == 1
    assert row.previous_results == []
    with row.image.open("rb") as handle, Image.open(io.BytesIO(handle.read())) as image:
        assert image.format == "JPEG" and (image.width, image.height) == (320, 240)
        assert not image.getexif()
    assert (row.image_width, row.image_height) == (320, 240)


def test_create_ranks_the_bytes_it_stores(user):
    """Ranking the stored photo again with the same model gives the same answer."""
    prediction = prediction_create(user=user, upload=photo_upload("again.jpg"))
    ranking = prediction.ranking
    prediction_choose_face(prediction=prediction, face_index=0)
    assert Prediction.objects.get(pk=prediction.pk).ranking == ranking


def test_create_ranks_only_active_heroes(user):
    kept = list(Hero.objects.order_by("key").values_list("key", flat=True)[:3])
    Hero.objects.exclude(key__in=kept).update(is_active=False)
    prediction = prediction_create(user=user, upload=photo_upload("few.jpg"))
    assert sorted(r["hero"] for r in prediction.ranking) == sorted(kept)
    assert sum(r["probability"] for r in prediction.ranking) == pytest.approx(1.0, abs=1e-4)


@pytest.mark.parametrize(
    "upload, error",
    [
        (lambda: photo_upload("fog.jpg", color=(128, 128, 128)), NoFaceFound),
        (lambda: photo_upload("notes.jpg", content=b"not a photo at all"), ImageRejected),
    ],
)
def test_create_refused_stores_nothing(user, media_root, upload, error):
    before = media_files(media_root)
    with pytest.raises(error):
        prediction_create(user=user, upload=upload())
    assert not Prediction.objects.exists()
    assert media_files(media_root) == before


def test_create_without_an_active_hero_is_unavailable_and_stores_nothing(user, media_root):
    Hero.objects.update(is_active=False)
    before = media_files(media_root)
    with pytest.raises(ModelUnavailable):
        prediction_create(user=user, upload=photo_upload("me.jpg"))
    assert not Prediction.objects.exists()
    assert media_files(media_root) == before


def test_choose_face_ranks_the_other_face_and_keeps_the_previous_result(user):
    prediction = prediction_create(user=user, upload=photo_upload("two.jpg", size=(700, 240)))
    first = Prediction.objects.get(pk=prediction.pk)
    assert first.face_index == 0 and len(first.faces) == 2

    prediction_choose_face(prediction=prediction, face_index=1)

    row = Prediction.objects.get(pk=prediction.pk)
    assert row.face_index == 1 and row.faces == first.faces
    assert row.ranking != first.ranking and row.top_hero.key == row.ranking[0]["hero"]
    assert row.image.name == first.image.name
    [previous] = row.previous_results
    assert previous["face_index"] == 0 and previous["ranking"] == first.ranking
    assert previous["model_version"] == first.model_version


def test_choose_a_face_that_is_not_there_changes_nothing(user):
    prediction = prediction_create(user=user, upload=photo_upload("one.jpg"))
    before = Prediction.objects.get(pk=prediction.pk)
    with pytest.raises(NoSuchFace):
        prediction_choose_face(prediction=prediction, face_index=3)
    row = Prediction.objects.get(pk=prediction.pk)
    assert (row.face_index, row.ranking, row.previous_results) == (0, before.ranking, [])


def test_share_then_unshare_revokes_the_link_and_its_cards(
    user, make_prediction, django_capture_on_commit_callbacks
):
    prediction = make_prediction(user)
    token = prediction.share_token
    prediction_share(prediction=prediction)
    prediction_share(prediction=prediction)  # sharing again changes nothing
    row = Prediction.objects.get(pk=prediction.pk)
    assert row.is_shared and row.share_token == token
    cards = [
        share_card_name(token, language, width)
        for language in ("ko", "en")
        for width in (None, 600, 1200)
    ]
    for name in cards:
        default_storage.save(name, ContentFile(b"png"))

    with django_capture_on_commit_callbacks(execute=True):
        prediction_unshare(prediction=prediction)

    row = Prediction.objects.get(pk=prediction.pk)
    assert not row.is_shared and row.share_token and row.share_token != token
    assert not any(default_storage.exists(name) for name in cards)
    assert stored(row)[0]  # the photo stays


def test_share_card_is_rendered_once_per_link_and_language(user, make_prediction):
    prediction = prediction_share(prediction=make_prediction(user))
    renders = []

    def render():
        renders.append(1)
        return b"\x89PNG card"

    assert share_card_png(prediction=prediction, language="ko", render=render) == b"\x89PNG card"
    assert share_card_png(prediction=prediction, language="ko", render=render) == b"\x89PNG card"
    assert len(renders) == 1
    share_card_png(prediction=prediction, language="en", render=render)
    assert len(renders) == 2
    assert default_storage.exists(share_card_name(prediction.share_token, "ko"))


def test_delete_removes_the_row_and_its_photo_only(
    user, make_prediction, django_capture_on_commit_callbacks
):
    doomed, kept = make_prediction(user), make_prediction(user)
    with django_capture_on_commit_callbacks(execute=True):
        prediction_delete(prediction=doomed)
    assert list(Prediction.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not stored(doomed)[0] and stored(kept)[0]


def test_delete_all_removes_one_persons_predictions_and_files(
    user, other_user, make_prediction, django_capture_on_commit_callbacks
):
    mine = [make_prediction(user) for _ in range(3)]
    theirs = make_prediction(other_user)
    with django_capture_on_commit_callbacks(execute=True):
        count = prediction_delete_all_for_user(user=user)
    assert count == 3
    assert list(Prediction.objects.values_list("pk", flat=True)) == [theirs.pk]
    assert not any(stored(p)[0] for p in mine) and stored(theirs)[0]
    assert prediction_delete_all_for_user(user=user) == 0
